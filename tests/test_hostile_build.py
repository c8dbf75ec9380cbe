"""Hostile files in a corpus: the build reports each one and still builds the rest.

The two seed documents of ``data/corpus/`` are mixed with a handful of broken and
hostile files. ``claimgraph build`` must build the seeds, print one line per bad
file naming it, exit 3, keep text from outside the corpus out of the graph, and
with ``--strict`` exit 1 having written nothing.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from graph.build import display_path
from graph.cli import EXIT_PARTIAL, cli

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SECRET = "hunter2-do-not-publish"

BAD_FILES = {
    "binary.txt": "unsupported file type '.txt' (binary content)",
    "yaml-alias-bomb.md": "front matter uses YAML anchors or aliases (refused)",
    "yaml-python-apply.md": "broken front matter (could not determine a constructor",
    "empty.md": "empty file",
    "pipe.txt": "not a regular file (a FIFO)",
    "leak.txt": "symbolic link to outside the folder (not followed)",
    "one-line.txt": "paragraph too long (",
    "scan.pdf": "unsupported file type '.pdf'",
}
"""Each hostile file put beside the seeds, and how its error line explains it."""


@pytest.fixture
def hostile_corpus(tmp_path: Path, corpus: Path) -> Path:
    """The seeds plus one file of each kind in :data:`BAD_FILES`."""
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    rng = random.Random(7)
    (docs / "binary.txt").write_bytes(b"\x00" + rng.randbytes(4000))
    for name in ("yaml-alias-bomb.md", "yaml-python-apply.md", "empty.md"):
        shutil.copy(HOSTILE / name, docs / name)
    os.mkfifo(docs / "pipe.txt")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "notes.txt").write_text(f"Passwords\n\nThe password is {SECRET}.\n")
    (docs / "leak.txt").symlink_to(outside / "notes.txt")
    (docs / "one-line.txt").write_text("Russia sells oil to China and India. " * 8000)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (docs / "folder.md").mkdir()  # a folder named like a note: walked, holds nothing
    return docs


def run_build(*args: str):
    """Run ``claimgraph build`` in process, one worker, no cache."""
    return CliRunner().invoke(cli, ["build", *args, "--workers", "1", "--no-cache"])


def test_build_cli_hostile_corpus_builds_seeds_and_reports_each_bad_file(hostile_corpus, tmp_path):
    out = tmp_path / "out"
    result = run_build(str(hostile_corpus), "--out", str(out))
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "built " in result.stdout and " 2 documents," in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == len(BAD_FILES), lines
    for name, reason in BAD_FILES.items():
        expected = f"error: {hostile_corpus / name}: {reason}"
        assert sum(line.startswith(expected) for line in lines) == 1, (name, lines)
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    texts = [str(o) for _, _, o, _ in dataset.quads()]
    assert any("Caravanserai" in text for text in texts)
    for export in out.iterdir():
        assert SECRET not in export.read_text(encoding="utf-8", errors="replace"), export.name


def test_build_cli_strict_hostile_corpus_exits_1_and_writes_nothing(hostile_corpus, tmp_path):
    out = tmp_path / "out"
    result = run_build(str(hostile_corpus), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "--strict" in result.stderr and "nothing written" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_build_cli_strict_keeps_previous_exports(hostile_corpus, corpus, tmp_path):
    out = tmp_path / "out"
    assert run_build(str(corpus), "--out", str(out), "--quiet").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_build(str(hostile_corpus), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_build_cli_max_size_refuses_larger_documents(corpus, tmp_path):
    article = corpus / "caravanserai-russian-it-exodus.txt"
    note = corpus / "zeihan-postcollapse-russia-technology.md"
    limit = (article.stat().st_size + note.stat().st_size) // 2
    assert note.stat().st_size < limit < article.stat().st_size
    result = run_build(str(corpus), "--out", str(tmp_path / "out"), "--max-size", str(limit))
    assert result.exit_code == EXIT_PARTIAL
    assert result.stderr.splitlines() == [
        f"error: {display_path(article)}: file too large ({article.stat().st_size} bytes, "
        f"limit {limit})"
    ]
    assert " 1 documents," in result.stdout


def test_build_cli_max_size_refusing_everything_is_fatal(corpus, tmp_path):
    result = run_build(str(corpus), "--out", str(tmp_path / "out"), "--max-size", "10")
    assert result.exit_code == 1
    assert "no document could be read" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_cli_rejects_a_max_size_that_is_not_a_positive_number(corpus, tmp_path):
    for value in ("0", "-5", "ten"):
        result = run_build(str(corpus), "--out", str(tmp_path / "out"), "--max-size", value)
        assert result.exit_code == 2, value
        assert "--max-size" in result.output


def test_build_hostile_title_and_text_stay_escaped_in_the_viewer(corpus, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    attack = '</script><script>alert("cg-xss")</script><img src=x onerror=alert(2)>'
    (docs / "attack.md").write_text(
        f"---\ntitle: '{attack}'\nurl: 'javascript:alert(3)'\n---\n\n"
        f"Russia sells oil to China, said the minister {attack}.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_build(str(docs), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert '<script>alert("cg-xss")' not in page
    assert "<img src=x onerror" not in page
    assert "javascript:alert(3)" not in page
    # The title is in the page, as escaped JSON text rather than markup.
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert" in page
    # And the RDF still parses with the hostile title as a plain literal.
    dataset = Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    objects = [str(o) for _, _, o, _ in dataset.quads()]
    assert attack in objects
    # A javascript: "url" is not taken as the source's web address anywhere.
    assert not any(o.startswith("javascript:") for o in objects)
