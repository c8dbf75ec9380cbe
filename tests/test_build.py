"""The build as a user relies on it: every export, deterministic, partial failures."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from graph.build import build
from graph.errors import ClaimgraphError

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "exports"
EXPECTED_FILES = {
    "graph.ttl", "graph.jsonld", "graph.nt", "graph.trig", "graph.nq", "graph.graphml",
    "graph.gexf", "graph.html", "claims.csv", "relationships.csv", "README.md",
}


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory, corpus):
    """The default corpus built once into a fresh folder, without the cache."""
    out = tmp_path_factory.mktemp("exports")
    report = build([corpus], out, workers=1, cache_dir=None)
    return out, report


def test_build_writes_every_export(seed_build):
    out, report = seed_build
    assert {p.name for p in out.iterdir()} >= EXPECTED_FILES
    assert report.documents == 2
    assert report.errors == []
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_build_summary_counts_match_the_turtle(seed_build):
    out, report = seed_build
    g = Graph().parse(out / "graph.ttl")
    actor_class = URIRef("https://w3id.org/claimgraph/ontology#Actor")
    actors = set(g.subjects(RDF.type, actor_class))
    assert report.actors == len(actors)
    assert report.claims > 20
    assert report.relationships >= 5
    assert str(report.documents) in report.summary()


def test_build_matches_committed_exports_byte_for_byte(seed_build):
    out, _ = seed_build
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert set(names) >= EXPECTED_FILES
    _, mismatch, errors = filecmp.cmpfiles(out, EXPORTS, names, shallow=False)
    assert mismatch == [] and errors == [], (
        f"exports/ differs from a fresh build of data/corpus: {mismatch + errors}; "
        "run `make run` and commit exports/"
    )


def test_build_reports_a_bad_file_and_builds_the_rest(tmp_path, corpus):
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    report = build([docs], tmp_path / "out", workers=1, cache_dir=None)
    assert report.documents == 2
    assert [Path(e.path).name for e in report.errors] == ["scan.pdf"]
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_build_strict_writes_nothing_when_a_file_fails(tmp_path, corpus):
    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ClaimgraphError, match="strict"):
        build([docs], tmp_path / "out", workers=1, cache_dir=None, strict=True)
    assert not (tmp_path / "out").exists()


def test_build_with_no_readable_document_fails(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(ClaimgraphError, match="no document"):
        build([tmp_path], tmp_path / "out", workers=1, cache_dir=None)


def test_extract_all_reports_a_failing_document_and_extracts_the_rest(corpus):
    from graph.build import extract_all
    from graph.ingest import read_document
    from graph.model import Document, DocumentKind, OffsetMap, SectionKind, Segment, Source

    good = read_document(corpus / "caravanserai-russian-it-exodus.txt")
    text = "Russia sells oil. " * 70_000  # past spaCy's max_length: the parser refuses it
    source = Source("source/huge", "Huge", DocumentKind.ARTICLE, "huge.txt")
    huge = Document("huge.txt", text, DocumentKind.ARTICLE, (source,),
                    (Segment(text, OffsetMap(((0, 0),)), SectionKind.BODY, source.id),))
    seen = []
    extractions, cached, failures = extract_all(
        [huge, good], workers=1, progress=lambda done, total, path: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]  # the failed document counts as done too
    assert [e.document.path for e in extractions] == [good.path]
    assert cached == 0
    assert [f.path for f in failures] == ["huge.txt"]
    assert "extraction failed" in str(failures[0])


def test_build_strict_names_each_failed_file(tmp_path, corpus):
    from click.testing import CliRunner

    from graph.cli import cli

    docs = tmp_path / "docs"
    shutil.copytree(corpus, docs)
    (docs / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(cli, ["build", str(docs), "--out", str(tmp_path / "out"),
                                      "--strict", "--no-cache", "--workers", "1"])
    assert result.exit_code == 1
    assert "scan.pdf" in result.output
    assert "--strict" in result.output
