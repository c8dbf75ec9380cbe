"""Tests of graph.exports: every export file, round-trips, determinism, atomicity."""

from __future__ import annotations

import json
import os

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from test_rdf import ACTORS, TRICKY, sample_graph

from graph.datacard import EXAMPLE_QUERIES, query_text
from graph.exports import FILES, compact_iri, write_exports
from graph.rdf import ACTORS_GRAPH, to_dataset
from graph.validate import validate


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return write_exports(sample_graph(), out)


@pytest.fixture(scope="module")
def dataset():
    return to_dataset(sample_graph())


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _named(ds: Dataset) -> dict:
    return {g.identifier: g for g in ds.graphs() if len(g)}


def test_write_exports_writes_every_file(written):
    assert list(written) == list(FILES)
    assert all(p.stat().st_size > 0 for p in written.values())
    leftovers = [p.name for p in next(iter(written.values())).parent.iterdir()
                 if p.name not in FILES]
    assert leftovers == []


def test_write_exports_gives_files_the_usual_mode(written, tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert written["graph.ttl"].stat().st_mode == plain.stat().st_mode


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt")])
def test_write_exports_union_formats_round_trip(written, dataset, name, fmt):
    back = Graph().parse(written[name], format=fmt)
    assert isomorphic(back, _union(dataset))


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.nq", "nquads"),
                                      ("graph.jsonld", "json-ld")])
def test_write_exports_dataset_formats_round_trip(written, dataset, name, fmt):
    back = Dataset()
    back.parse(written[name], format=fmt)
    want, got = _named(dataset), _named(back)
    assert set(got) == set(want)
    for name_ in want:
        assert isomorphic(got[name_], want[name_]), name_


def test_write_exports_is_byte_identical_over_two_runs(tmp_path):
    first = write_exports(sample_graph(), tmp_path / "a")
    second = write_exports(sample_graph(), tmp_path / "b")
    for name in FILES:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_write_exports_sorts_ntriples_and_nquads_lines_within_each_named_graph(written):
    quads = written["graph.nq"].read_text(encoding="utf-8").splitlines()
    graphs: dict[str, list[str]] = {}
    for line in quads:
        graphs.setdefault(line.rsplit(" ", 2)[-2], []).append(line)
    # Each named graph's lines are together and sorted ...
    assert [line for lines in graphs.values() for line in lines] == quads
    assert all(lines == sorted(lines) for lines in graphs.values())
    # ... the actors graph first, and N-Triples are the same lines without the graph.
    assert next(iter(graphs)) == f"<{ACTORS_GRAPH}>"
    triples = written["graph.nt"].read_text(encoding="utf-8").splitlines()
    assert len(triples) == len(set(triples)) == len(quads)
    assert triples == [line.rsplit(" ", 2)[0] + " ." for line in quads]


def test_write_exports_writes_no_blank_nodes(written):
    assert "_:" not in written["graph.nq"].read_text(encoding="utf-8")


def test_write_exports_keeps_tricky_text_intact(written):
    back = Graph().parse(written["graph.ttl"], format="turtle")
    texts = {str(o) for o in back.objects()}
    assert TRICKY in texts
    assert ACTORS["Shoigu"].name in texts and ACTORS["Arabic org"].name in texts
    assert 'Russia\'s IT "exodus" — Исход' in texts


def test_write_exports_turtle_writes_exact_quantities(written):
    text = written["graph.ttl"].read_text(encoding="utf-8")
    assert "schema:value 1300000.0" in text
    assert "E6" not in text and "e+" not in text


def test_write_exports_turtle_conforms_to_shapes(written):
    assert validate(Graph().parse(written["graph.ttl"], format="turtle")) == []


def test_write_exports_jsonld_uses_readable_terms(written):
    doc = json.loads(written["graph.jsonld"].read_text(encoding="utf-8"))
    assert doc["@context"]["label"] == "rdfs:label"
    nodes = [n for g in doc["@graph"] for n in g["@graph"]]
    russia = next(n for n in nodes if n["@id"] == "id:actor/russia")
    assert russia["label"] == ["Russia"]
    assert russia["sameAs"] == ["wd:Q159"]
    assert "cg:Country" in russia["@type"]


def test_write_exports_keeps_previous_file_when_a_write_fails(tmp_path, monkeypatch):
    first = write_exports(sample_graph(), tmp_path)
    before = first["graph.ttl"].read_bytes()
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    from graph.errors import ExportError

    with pytest.raises(ExportError, match="disk full"):
        write_exports(sample_graph(), tmp_path)
    assert calls
    assert first["graph.ttl"].read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


@pytest.mark.parametrize("title", list(EXAMPLE_QUERIES))
def test_datacard_queries_return_rows_on_written_turtle(written, title):
    g = Graph().parse(written["graph.ttl"], format="turtle")
    rows = list(g.query(query_text(EXAMPLE_QUERIES[title])))
    assert rows, title


def test_datacard_states_counts_sources_and_queries(written):
    card = written["README.md"].read_text(encoding="utf-8")
    assert "- claims: 8" in card
    assert "- figure conflicts (`cg:FigureConflict`): 3" in card
    assert "| Country | 5 |" in card
    assert "| suppliesTo | 1 |" in card  # the reader comment asserts no relationship
    assert "https://www.youtube.com/watch?v=abc123" in card
    assert "version 0.1.0" in card
    for body in EXAMPLE_QUERIES.values():
        assert body in card


def test_compact_iri_leaves_foreign_iris_whole():
    assert compact_iri("https://example.org/x") == "https://example.org/x"
