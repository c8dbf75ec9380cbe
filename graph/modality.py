"""Decide how a claim is put forward: asserted, hedged, forecast, reported or negated.

One value per claim; the first that fires, in the precedence of
``data/modality.yaml`` (negated > forecast > hedged > reported > asserted), wins, and
the cue that fired is kept for :mod:`graph.explain`.

- **negated**: "not", "n't", "never" on the main predicate (the root, its
  coordinated verbs, or the clause a speech verb reports), or "no longer".
- **forecast**: a future modal ("will", "would") on the main predicate, or a
  future phrase ("is expected to", "is anticipated", "is likely to" -- a hedge
  with a future is a forecast).
- **hedged**: "likely", "may", "could", "reportedly", "estimated"...; "about",
  "around", "approximately" only before a number.
- **reported**: the claim has a speaker other than the source's channel.

Examples
--------
>>> cues = load_modality_cues()
>>> cues.precedence[0]
'negated'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Span, Token

from graph.data import DATA, load_yaml
from graph.model import Modality

CUES_PATH = DATA / "modality.yaml"

NUMERIC_HEDGES = frozenset({"about", "around", "approximately", "roughly", "some", "nearly"})


@dataclass(frozen=True)
class ModalityCues:
    """The cue lists of ``data/modality.yaml``."""

    precedence: tuple[str, ...]
    negation_words: frozenset[str]
    negation_phrases: tuple[str, ...]
    future_words: frozenset[str]
    future_phrases: tuple[str, ...]
    hedge_words: frozenset[str]
    hedge_phrases: tuple[str, ...]
    numeric_hedges: frozenset[str]


@functools.cache
def load_modality_cues(path: Path = CUES_PATH) -> ModalityCues:
    """Load the modality cues from ``path``."""
    raw = load_yaml(path, "modality cues")
    return ModalityCues(
        precedence=tuple(raw["precedence"]),
        negation_words=frozenset(raw["negation_words"]),
        negation_phrases=tuple(raw["negation_phrases"]),
        future_words=frozenset(raw["future_words"]),
        future_phrases=tuple(raw["future_phrases"]),
        hedge_words=frozenset(raw["hedge_words"]),
        hedge_phrases=tuple(raw["hedge_phrases"]),
        numeric_hedges=frozenset(raw.get("numeric_hedges", NUMERIC_HEDGES)),
    )


@dataclass(frozen=True)
class ModalityResult:
    """A claim's modality and the cue that decided it (``""`` for asserted)."""

    value: Modality
    cue: str


def main_predicates(sent: Span, speech_verbs: Iterable[str] = ()) -> set[int]:
    """Return token indices of the sentence's main predicates.

    The root, verbs coordinated with it, and -- when the root is a speech verb --
    the clause it reports.
    """
    verbs = set(speech_verbs)
    root = sent.root
    preds = {root.i, *(c.i for c in root.conjuncts)}
    if root.lemma_.lower() in verbs:
        for child in root.children:
            if child.dep_ in ("ccomp", "xcomp"):
                preds.update({child.i, *(c.i for c in child.conjuncts)})
    return preds


@functools.lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` (a regular expression) as a whole-word pattern, compiled once."""
    return re.compile(r"(?<![\w'])(?:" + phrase + r")(?![\w'])")


def _phrase(text: str, phrases: Iterable[str]) -> str | None:
    low = text.lower()
    for p in phrases:
        found = _phrase_pattern(p).search(low)
        if found:
            return found.group(0)
    return None


def _negation(tokens: list[Token], text: str, preds: set[int], cues: ModalityCues,
              ) -> str | None:
    for t in tokens:
        if t.lower_ in cues.negation_words and t.dep_ in ("neg", "advmod") and (
            t.head.i in preds
        ):
            return t.text
    return _phrase(text, cues.negation_phrases)


def _future(tokens: list[Token], text: str, preds: set[int], cues: ModalityCues,
            ) -> str | None:
    phrase = _phrase(text, cues.future_phrases)
    if phrase:
        return phrase
    for t in tokens:
        if t.lower_ in cues.future_words and t.tag_ == "MD" and t.head.i in preds:
            return t.text
    return None


def _number_follows(t: Token) -> bool:
    nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
    return nxt is not None and (nxt.like_num or nxt.tag_ == "CD")


def _hedge(tokens: list[Token], text: str, cues: ModalityCues) -> str | None:
    for t in tokens:
        low = t.lower_
        if low in cues.numeric_hedges:
            if _number_follows(t):
                return t.text
            continue
        if low in cues.hedge_words:
            return t.text
    return _phrase(text, cues.hedge_phrases)


def classify(sent: Span, reported: bool = False, reported_cue: str = "speaker",
             speech_verbs: Iterable[str] = (), cues: ModalityCues | None = None
             ) -> ModalityResult:
    """Return the modality of one sentence.

    Parameters
    ----------
    sent
        The sentence.
    reported
        Whether the claim has a speaker other than the source's channel.
    reported_cue
        What to show as the cue when ``reported`` decides.
    speech_verbs
        Lemmas of speech verbs (their reported clause counts as the main predicate).
    cues
        Cue lists (default: ``data/modality.yaml``).
    """
    cues = cues or load_modality_cues()
    preds = main_predicates(sent, speech_verbs)
    # The checks each walk the sentence: make its tokens and text once.
    tokens, text = list(sent), sent.text
    checks = {
        "negated": lambda: _negation(tokens, text, preds, cues),
        "forecast": lambda: _future(tokens, text, preds, cues),
        "hedged": lambda: _hedge(tokens, text, cues),
        "reported": lambda: reported_cue if reported else None,
    }
    for name in cues.precedence:
        if name == "asserted":
            break
        cue = checks[name]()
        if cue:
            return ModalityResult(Modality(name), cue)
    return ModalityResult(Modality.ASSERTED, "")
