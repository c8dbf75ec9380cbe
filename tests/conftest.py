"""Shared fixtures: the checked language pipeline and paths to fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]
"""Fixture files are inputs (some, like the fuzz harness, are scripts), never tests."""

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(scope="session")
def nlp():
    """The pinned spaCy pipeline, loaded once for the whole test session."""
    from graph.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """The folder of small real fixture files."""
    return FIXTURES


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The default corpus in data/corpus/."""
    return CORPUS
