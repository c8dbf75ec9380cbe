"""Builds at scale: workers give the same bytes, the cache and manifest, refusing bad RDF.

Corpora come from ``bench.generate`` (fixed seed, so the same N gives the same files).
Speed is measured in ``bench/``, not here.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

import graph.assemble
from bench.generate import generate
from graph import build as build_module
from graph.build import build, export_graph
from graph.errors import ValidationError
from graph.extract import extract_document, extract_documents
from graph.ingest import read_document


def _same_files(a: Path, b: Path) -> list[str]:
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    assert names == sorted(p.name for p in b.iterdir() if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return mismatch + errors


@pytest.fixture(scope="module")
def corpus16(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus16")
    generate(16, folder)
    return folder


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory, corpus16):
    out = tmp_path_factory.mktemp("one-worker")
    return out, build([corpus16], out, workers=1, cache_dir=None)


def test_build_with_two_workers_writes_the_same_bytes_as_one(tmp_path, corpus16, one_worker):
    out1, report1 = one_worker
    report2 = build([corpus16], tmp_path / "out", workers=2, cache_dir=None)
    assert _same_files(out1, tmp_path / "out") == []
    assert report2.summary() == report1.summary()


def test_graph_files_written_in_a_forked_child_or_here_are_the_same_bytes(
        tmp_path, corpus16, one_worker, monkeypatch):
    import graph.forked

    out1, report1 = one_worker
    assert graph.forked.fork_affordable()  # a small build forks its graph-files writer
    monkeypatch.setattr(graph.forked, "FORK_MAX_RSS", 0)
    assert not graph.forked.fork_affordable()
    report = build([corpus16], tmp_path / "here", workers=1, cache_dir=None)
    assert _same_files(out1, tmp_path / "here") == []
    assert report.summary() == report1.summary()


def test_extract_documents_equals_extracting_each_alone(nlp, corpus16):
    docs = [read_document(p) for p in sorted(corpus16.iterdir())[:4]]
    assert extract_documents(docs, nlp) == [extract_document(d, nlp) for d in docs]


def test_build_takes_every_extraction_from_the_cache_the_second_time(
        tmp_path, corpus16, one_worker):
    cache = tmp_path / "cache"
    first = build([corpus16], tmp_path / "a", workers=1, cache_dir=cache)
    assert first.cached == 0
    # Another output folder has no manifest: assembly and export run, extraction does not.
    second = build([corpus16], tmp_path / "b", workers=1, cache_dir=cache)
    assert second.cached == second.documents == 16
    assert _same_files(one_worker[0], tmp_path / "b") == []


def test_build_reextracts_only_the_document_that_changed(tmp_path, corpus16):
    docs = tmp_path / "docs"
    generate(16, docs)
    cache = tmp_path / "cache"
    build([docs], tmp_path / "out", workers=1, cache_dir=cache)
    changed = sorted(docs.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "\n\n", "\n\nRussia supplies drones to Iran.\n\n", 1), encoding="utf-8")
    report = build([docs], tmp_path / "out", workers=1, cache_dir=cache)
    assert report.cached == 15
    fresh = build([docs], tmp_path / "fresh", workers=1, cache_dir=None)
    assert _same_files(tmp_path / "out", tmp_path / "fresh") == []
    assert report.summary() == fresh.summary()


def test_build_of_an_unchanged_corpus_leaves_the_exports_alone(tmp_path, corpus16, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = build([corpus16], out, workers=1, cache_dir=cache)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    def no_export(*args, **kwargs):
        raise AssertionError("an unchanged build exported again")

    monkeypatch.setattr(build_module, "export_graph", no_export)
    again = build([corpus16], out, workers=1, cache_dir=cache)
    assert again.cached == 16
    assert again.summary() == first.summary()
    assert set(again.written) == set(first.written)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps


def test_rebuild_of_the_same_bytes_parses_no_document(tmp_path, corpus16, monkeypatch):
    import graph.ingest

    cache, out = tmp_path / "cache", tmp_path / "out"
    first = build([corpus16], out, workers=1, cache_dir=cache)

    def no_parse(*args, **kwargs):
        raise AssertionError("a document of an unchanged corpus was parsed again")

    monkeypatch.setattr(graph.ingest, "read_document", no_parse)
    seen = []
    again = build([corpus16], out, workers=1, cache_dir=cache,
                  progress=lambda done, total, path: seen.append((done, total)))
    assert again.summary() == first.summary()
    assert again.cached == again.documents == 16
    assert seen[-1] == (16, 16)


def test_rebuild_reports_a_broken_file_again_without_reading_it(tmp_path, corpus16):
    import shutil

    from graph.errors import BuildFailedError

    docs, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    shutil.copytree(corpus16, docs)
    (docs / "broken.md").write_text("---\ntitle: [unclosed\n---\nRussia.\n", encoding="utf-8")
    first = build([docs], out, workers=1, cache_dir=cache)
    assert [Path(e.path).name for e in first.errors] == ["broken.md"]
    again = build([docs], out, workers=1, cache_dir=cache)
    assert [str(e) for e in again.errors] == [str(e) for e in first.errors]
    assert again.summary() == first.summary() and again.documents == 16
    with pytest.raises(BuildFailedError, match="strict") as failed:
        build([docs], out, workers=1, cache_dir=cache, strict=True)
    assert [Path(e.path).name for e in failed.value.errors] == ["broken.md"]


def test_rebuild_of_new_bytes_that_read_the_same_skips_the_exports(tmp_path, corpus16,
                                                                 monkeypatch):
    import shutil

    import graph.ingest

    docs, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    shutil.copytree(corpus16, docs)
    first = build([docs], out, workers=1, cache_dir=cache)
    note = sorted(docs.glob("*.md"))[0]
    before = read_document(note)
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    assert read_document(note).text == before.text  # line ends are normalised on reading

    def no_export(*args, **kwargs):
        raise AssertionError("documents that read the same were exported again")

    monkeypatch.setattr(build_module, "export_graph", no_export)
    again = build([docs], out, workers=1, cache_dir=cache)
    assert again.summary() == first.summary()
    # The manifest now has the new bytes: the next build parses nothing.
    monkeypatch.setattr(graph.ingest, "read_document", no_export)
    assert build([docs], out, workers=1, cache_dir=cache).summary() == first.summary()


def test_a_document_that_failed_to_extract_is_tried_again_next_build(
        tmp_path, corpus16, one_worker, monkeypatch):
    import graph.extract

    cache, out = tmp_path / "cache", tmp_path / "out"
    victim = str(sorted(corpus16.iterdir())[3])
    real = graph.extract.extract_documents

    def failing(documents, nlp, **kwargs):  # a fault in the parser, for one document
        if any(doc.path == victim for doc in documents):
            raise RuntimeError("parser crashed")
        return real(documents, nlp, **kwargs)

    monkeypatch.setattr(graph.extract, "extract_documents", failing)
    first = build([corpus16], out, workers=1, cache_dir=cache)
    assert [e.path for e in first.errors] == [victim]
    assert first.documents == 16 and "parser crashed" in str(first.errors[0])
    monkeypatch.undo()
    again = build([corpus16], out, workers=1, cache_dir=cache)
    assert again.errors == [] and again.cached == 15
    assert again.summary() == one_worker[1].summary()
    assert _same_files(one_worker[0], out) == []


def test_build_key_changes_with_claimgraphs_own_code(tmp_path, monkeypatch):
    """An upgraded claimgraph may write different exports: its code is part of the key."""
    import shutil

    from graph import manifest

    package = tmp_path / "graph"
    shutil.copytree(manifest.PACKAGE, package)
    code = manifest.code_digest(package)
    before = manifest.build_key(["doc"], html=True, code=code)
    corpus_before = manifest.corpus_key([], max_bytes=100, html=True, code=code)
    with (package / "tables.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a changed exporter\n")
    code = manifest.code_digest(package)
    assert manifest.build_key(["doc"], html=True, code=code) != before
    assert manifest.corpus_key([], max_bytes=100, html=True, code=code) != corpus_before


def test_build_exports_again_when_an_export_was_removed(tmp_path, corpus16):
    cache, out = tmp_path / "cache", tmp_path / "out"
    build([corpus16], out, workers=1, cache_dir=cache, html=False)
    (out / "graph.ttl").unlink()
    report = build([corpus16], out, workers=1, cache_dir=cache, html=False)
    assert report.cached == 16
    assert (out / "graph.ttl").exists()


def _break_an_actor(real_assemble):
    def assemble(extractions):
        graph = real_assemble(extractions)
        actor = sorted(n for n, d in graph.nodes(data=True) if d["type"] == "actor")[0]
        graph.nodes[actor]["name"] = ""  # cgsh:Actor-label needs a non-empty label
        return graph
    return assemble


def test_build_refuses_rdf_that_breaks_a_shape_and_keeps_the_old_exports(
        tmp_path, corpus16, monkeypatch):
    out = tmp_path / "out"
    build([corpus16], out, workers=1, cache_dir=tmp_path / "cache", html=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(graph.assemble, "assemble", _break_an_actor(graph.assemble.assemble))
    with pytest.raises(ValidationError, match="Actor-label"):
        build([corpus16], out, workers=1, cache_dir=None, html=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("engine", ["pyshacl", pytest.param("turbo", marks=pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("pyshacl_turbo") is None,
    reason="pyshacl-turbo is not installed"))])
def test_export_graph_refuses_a_broken_graph_with_either_engine(tmp_path, nlp, corpus16,
                                                                engine):
    from graph.assemble import assemble

    docs = [read_document(p) for p in sorted(corpus16.iterdir())[:2]]
    graph = _break_an_actor(assemble)(extract_documents(docs, nlp))
    with pytest.raises(ValidationError, match="Actor-label"):
        export_graph(graph, tmp_path / "out", html=False, engine=engine)
    assert not (tmp_path / "out").exists()


def test_pipeline_version_covers_every_extraction_module():
    from graph.cache import EXTRACTION_MODULES, PACKAGE

    assert all((PACKAGE / name).is_file() for name in EXTRACTION_MODULES)
    imported = {"extract.py", "mentions.py", "relations.py", "quantities.py",
                "attribution.py", "modality.py"}
    assert imported <= set(EXTRACTION_MODULES)


def test_validate_nquads_reports_what_validating_a_store_reports(nlp, corpus16):
    import pyoxigraph as ox

    from graph.assemble import assemble
    from graph.exports import rdf_bytes, to_oxigraph
    from graph.rdf import quads
    from graph.validate import fast_engine, validate, validate_nquads

    docs = [read_document(p) for p in sorted(corpus16.iterdir())[:2]]
    graph = _break_an_actor(assemble)(extract_documents(docs, nlp))
    data = to_oxigraph(quads(graph))
    store = ox.Store()
    store.bulk_extend(data)
    engine = fast_engine()
    found = validate_nquads(rdf_bytes(data, "nquads"), engine=engine)
    assert found and found == validate(store, engine=engine)
    assert any("Actor-label" in v.shape for v in found)


def test_a_failing_graph_export_after_the_rdf_writes_nothing(
        tmp_path, corpus16, monkeypatch):
    import graph.exports
    from graph.errors import ExportError

    out = tmp_path / "out"
    build([corpus16], out, workers=1, cache_dir=tmp_path / "cache", html=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(graph, graphml, gexf):
        gexf.write(b"<gexf")
        raise ExportError("gexf writer broke")

    # The RDF is written (and being checked) by then: its files must not land either.
    monkeypatch.setattr(graph.exports, "write_graph_xml", broken)
    with pytest.raises(ExportError, match="gexf writer broke"):
        build([corpus16], out, workers=1, cache_dir=None, html=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_gc_paused_restores_the_collector():
    import gc

    from graph.build import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
