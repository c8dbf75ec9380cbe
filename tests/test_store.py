"""Tests of graph.store: exports and RDF files loaded into pyoxigraph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest

from graph.errors import ReadError
from graph.query import run_query
from graph.store import STAMP, data_file, load_store, open_store, store_holds

MINI = Path(__file__).resolve().parent / "fixtures" / "sparql" / "mini.ttl"
QUAD = "<urn:a> <urn:p> <urn:b> <urn:g> .\n"


def _count(store: pyoxigraph.Store) -> int:
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(result.rows[0][0].value)


def test_open_store_reads_one_turtle_file():
    store = open_store(MINI)
    assert len(store) == 379


def test_data_file_prefers_nquads_in_an_exports_folder(tmp_path):
    shutil.copy(MINI, tmp_path / "graph.ttl")
    (tmp_path / "graph.nq").write_text(QUAD)
    assert data_file(tmp_path) == tmp_path / "graph.nq"


def test_open_store_queries_named_graphs_as_the_default_graph(tmp_path):
    (tmp_path / "graph.nq").write_text(QUAD + "<urn:c> <urn:p> <urn:d> <urn:h> .\n")
    store = open_store(tmp_path)
    assert _count(store) == 2


def test_open_store_falls_back_to_turtle_in_a_folder(tmp_path):
    shutil.copy(MINI, tmp_path / "graph.ttl")
    assert len(open_store(tmp_path)) == 379


def test_open_store_rejects_a_folder_without_exports(tmp_path):
    with pytest.raises(ReadError, match="no RDF export found"):
        open_store(tmp_path)


def test_open_store_rejects_unknown_extension(tmp_path):
    path = tmp_path / "graph.csv"
    path.write_text("a,b\n")
    with pytest.raises(ReadError, match="unsupported RDF file type"):
        open_store(path)


def test_open_store_reports_a_parse_error_as_read_error(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("<urn:a> <urn:p> .\n")
    with pytest.raises(ReadError, match="not valid Turtle"):
        open_store(path)


def test_load_store_returns_quad_count_and_writes_stamp(tmp_path):
    count = load_store(MINI, tmp_path / "db")
    assert count == 379
    assert (tmp_path / "db" / STAMP).is_file()
    assert store_holds(tmp_path / "db", MINI)


def test_open_store_reuses_an_on_disk_store_holding_the_data(tmp_path):
    load_store(MINI, tmp_path / "db")
    marker = tmp_path / "db" / "marker"
    marker.write_text("kept")
    store = open_store(MINI, tmp_path / "db")
    assert len(store) == 379
    assert marker.exists()


def test_open_store_reloads_when_the_data_changed(tmp_path):
    data = tmp_path / "graph.nq"
    data.write_text(QUAD)
    load_store(data, tmp_path / "db")
    data.write_text(QUAD + "<urn:c> <urn:p> <urn:d> <urn:g> .\n")
    store = open_store(data, tmp_path / "db")
    assert len(store) == 2
