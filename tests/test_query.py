"""Tests of graph.query: ready queries on the hand-written mini graph, guards, formats.

``fixtures/sparql/mini.ttl`` follows graph/vocab.py's mapping: nine claims from a
video (with a speaker and timestamps), an article and its reader comments; six
relationships, two backed by two sources; four quantities in "people" about
Russia, one of them the 300,000 to 800,000 range, and the two figure conflicts
(``cg:FigureConflict``) the build would find among them.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from graph.errors import QueryError
from graph.query import (
    QueryRefusedError,
    QueryResult,
    QuerySyntaxError,
    QueryTimeoutError,
    format_result,
    ready_queries,
    resolve_query,
    run_query,
)
from graph.store import open_store

MINI = Path(__file__).resolve().parent / "fixtures" / "sparql" / "mini.ttl"
ID = "https://w3id.org/claimgraph/"
CG_NS = ID + "ontology#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV_NS = "http://www.w3.org/ns/prov#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
READY = (
    "claims-about-actor", "claims-by-modality", "claims-by-speaker", "conflicting-figures",
    "depends-on", "migration", "multi-source-relationships", "quantities", "roles",
    "supplies-to",
)


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return open_store(MINI)


def _rows(store, name: str) -> list[dict[str, str]]:
    """Run a ready query; return each row as {variable: plain value}."""
    result = run_query(store, resolve_query(name)[1])
    return [
        {v: (t.value if t is not None else None) for v, t in zip(result.variables, row,
                                                                  strict=True)}
        for row in result.rows
    ]


def test_ready_queries_have_title_and_answers_headers():
    queries = ready_queries()
    assert tuple(queries) == READY
    for query in queries.values():
        assert query.title and query.answers, query.name


def test_depends_on_lists_russia_on_china_with_two_sources(store):
    rows = _rows(store, "depends-on")
    assert [(r["dependentLabel"], r["dependencyLabel"], r["claims"], r["sources"])
            for r in rows] == [("Russia", "China", "2", "2")]


def test_supplies_to_lists_both_suppliers_best_backed_first(store):
    rows = _rows(store, "supplies-to")
    assert [(r["supplierLabel"], r["recipientLabel"], r["claims"]) for r in rows] == [
        ("China", "Russia", "2"), ("Iran", "Russia", "1")]


def test_migration_names_destination_and_stated_figure(store):
    rows = _rows(store, "migration")
    assert [(r["originLabel"], r["destinationLabel"], r["figures"]) for r in rows] == [
        ("Russia", "Kazakhstan", "up to 1300000 people")]


def test_migration_lists_the_figures_even_when_another_claim_states_none():
    """A second backing claim without a figure must not blank out the first one's figure."""
    store = open_store(MINI)
    node, integer = pyoxigraph.NamedNode, pyoxigraph.NamedNode(XSD_NS + "integer")
    relation = next(q.subject for q in store.quads_for_pattern(
        None, node(RDF_NS + "predicate"), node(CG_NS + "migratesTo")))
    count = node(CG_NS + "claimCount")
    store.remove(pyoxigraph.Quad(relation, count, pyoxigraph.Literal("1", datatype=integer)))
    store.add(pyoxigraph.Quad(relation, count, pyoxigraph.Literal("2", datatype=integer)))
    no_figure = node(ID + "claim/a2c95a3bb33c3b9f")  # "Putin predicted ...": states no figure
    store.add(pyoxigraph.Quad(relation, node(PROV_NS + "wasDerivedFrom"), no_figure))
    rows = _rows(store, "migration")
    assert [(r["destinationLabel"], r["claims"], r["figures"]) for r in rows] == [
        ("Kazakhstan", "2", "up to 1300000 people")]


def test_claims_about_actor_gives_every_claim_mentioning_russia(store):
    rows = _rows(store, "claims-about-actor")
    assert len(rows) == 8
    assert not any(r["text"].startswith("Putin predicted") for r in rows)
    video = [r for r in rows if r["videoTime"] is not None]
    assert {r["videoTime"] for r in video} == {"106", "131", "188"}
    assert all(r["source"].startswith(ID + "source/") and r["start"] for r in rows)


def test_claims_about_actor_placeholder_takes_another_actor_or_alias(store):
    text = resolve_query("claims-about-actor")[1].replace('"Russia"', '"chinese"')
    result = run_query(store, text)
    assert len(result.rows) == 4


def test_claims_by_speaker_groups_attributed_claims(store):
    rows = _rows(store, "claims-by-speaker")
    speakers = [r["speakerLabel"] for r in rows]
    assert speakers == sorted(speakers)
    assert speakers.count("Peter Zeihan") == 3
    assert set(speakers) == {"Peter Zeihan", "Vladimir Putin", "Ministry of Defence of Ukraine"}


def test_claims_by_modality_gives_forecasts_and_hedged_claims(store):
    rows = _rows(store, "claims-by-modality")
    assert sorted((r["modality"].rsplit("#", 1)[1], r["text"][:20]) for r in rows) == [
        ("Forecast", "Putin predicted that"),
        ("Hedged", "An estimated 300,000"),
        ("Hedged", "China probably suppl"),
    ]


def test_quantities_lists_every_figure_with_its_claim(store):
    rows = _rows(store, "quantities")
    assert len(rows) == 4
    def number(text):
        return None if text is None else Decimal(text)

    by_unit = {(r["unit"], number(r["value"]), number(r["minValue"]), number(r["maxValue"]))
               for r in rows}
    assert ("people", None, 300000, 800000) in by_unit
    assert ("drones", 1000, None, None) in by_unit
    assert all(r["text"] and r["claim"].startswith(ID + "claim/") for r in rows)


def test_multi_source_relationships_keeps_only_two_source_backing(store):
    rows = _rows(store, "multi-source-relationships")
    assert {(r["subjectLabel"], r["relation"], r["objectLabel"]) for r in rows} == {
        ("China", "suppliesTo", "Russia"), ("Russia", "dependsOn", "China")}
    assert all(r["sources"] == "2" for r in rows)


def test_roles_gives_roles_and_affiliations_per_actor(store):
    rows = _rows(store, "roles")
    assert [(r["actorLabel"], r["roles"] or "", r["affiliations"] or "") for r in rows] == [
        ("Ministry of Defence of Ukraine", "", "Ukraine"),
        ("Peter Zeihan", "geopolitical analyst", ""),
        ("Vladimir Putin", "president", "Russia"),
    ]


def test_conflicting_figures_finds_the_losses_range_and_other_figures(store):
    rows = _rows(store, "conflicting-figures")
    ranges = [r for r in rows if r["kind"] == "range in one statement"]
    assert [(r["lowest"], r["highest"], r["abouts"]) for r in ranges] == [
        ("300000", "800000", "Russian men lost in the conflict")]
    across = [r for r in rows if r["kind"] == "same actor, different sources"]
    assert [(r["actorLabel"], r["unit"]) for r in across] == [("Russia", "people")]
    row = across[0]
    assert Decimal(row["lowest"]) == 300000 and Decimal(row["highest"]) == 1300000
    assert {Decimal(f) for f in row["figures"].split(" | ")} == {
        300000, 500000, 800000, 1300000}
    assert (row["claims"], row["sources"]) == ("3", "2")


def test_resolve_query_reads_a_query_file(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("ASK { ?s ?p ?o }")
    assert resolve_query(str(path)) == ("mine", "ASK { ?s ?p ?o }")


def test_resolve_query_lists_ready_names_for_an_unknown_name():
    with pytest.raises(QueryError, match=r"ready queries: claims-about-actor, .*supplies-to"):
        resolve_query("who-knows")


def test_run_query_reports_line_and_column_of_a_syntax_error(store):
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(store, "SELECT ?s\nWHERE {\n  ?s ?p \n}")
    assert caught.value.line == 4 and caught.value.column >= 1
    assert "line 4, column" in str(caught.value) and caught.value.message


@pytest.mark.parametrize("text", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x.ttl>",
    "CLEAR ALL",
    "drop graph <urn:g>",
    "CREATE GRAPH <urn:g>",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_run_query_refuses_updates_load_and_service(store, text):
    with pytest.raises(QueryRefusedError):
        run_query(store, text)
    assert len(store) == 379


def test_run_query_allows_update_words_inside_names_and_strings(store):
    text = 'SELECT ?insert WHERE { BIND("DROP ALL" AS ?insert) } # LOAD <x>'
    assert run_query(store, text).rows[0][0].value == "DROP ALL"


def test_run_query_cuts_a_runaway_query_at_its_timeout(store):
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryTimeoutError, match="time limit"):
        run_query(store, runaway, timeout=0.5)


def test_run_query_truncates_at_max_results(store):
    result = run_query(store, "SELECT * WHERE { ?s ?p ?o }", max_results=5)
    assert len(result.rows) == 5 and result.truncated


def test_run_query_describe_returns_triples(store):
    result = run_query(store, "DESCRIBE <https://w3id.org/claimgraph/actor/iran>")
    assert result.kind == "graph" and len(result.triples) == 7


def test_format_result_json_follows_sparql_results_json(store):
    result = run_query(store, 'SELECT ?a ?l WHERE { ?a rdfs:label ?l FILTER(?l = "Iran") }')
    doc = json.loads(format_result(result, "json"))
    assert doc == {"head": {"vars": ["a", "l"]}, "results": {"bindings": [{
        "a": {"type": "uri", "value": ID + "actor/iran"},
        "l": {"type": "literal", "value": "Iran"}}]}}


def test_format_result_xml_parses_with_bindings(store):
    result = run_query(store, "SELECT ?q ?v WHERE { ?q schema:value ?v }")
    root = ET.fromstring(format_result(result, "xml"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    literals = root.findall(".//r:binding[@name='v']/r:literal", ns)
    assert len(literals) == 3
    assert {lit.get("datatype") for lit in literals} == {
        "http://www.w3.org/2001/XMLSchema#decimal"}


def test_format_result_csv_and_tsv_quote_and_escape(store):
    result = run_query(store, 'SELECT ?t WHERE { BIND("a, \\"b\\"\\tc" AS ?t) }')
    assert list(csv.reader(io.StringIO(format_result(result, "csv")))) == [
        ["t"], ['a, "b"\tc']]
    assert format_result(result, "tsv") == '?t\n"a, \\"b\\"\\tc"\n'


def test_format_result_turtle_round_trips_a_construct(store):
    result = run_query(store, "CONSTRUCT WHERE { ?a cg:suppliesTo ?b }")
    graph = rdflib.Graph().parse(data=format_result(result, "turtle"), format="turtle")
    assert len(graph) == 2


def test_format_result_table_aligns_columns_and_counts_rows(store):
    result = run_query(store, "SELECT ?l WHERE { ?a a cg:Country ; rdfs:label ?l } ORDER BY ?l")
    lines = format_result(result, "table").splitlines()
    assert lines[0] == "l" and lines[2] == "China" and lines[-1] == "(5 rows)"


def test_format_result_refuses_turtle_for_select_rows():
    with pytest.raises(QueryError, match="does not fit a SELECT result"):
        format_result(QueryResult("select"), "turtle")


PAGED = {"claims-about-actor": None, "claims-by-modality": ("modality", "sourceTitle"),
         "claims-by-speaker": ("speakerLabel",), "quantities": ("unit",)}
"""Ready queries that return 1000 rows a page, and the columns their pages are sorted by."""


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> pyoxigraph.Store:
    """A synthetic graph (bench/bench_sparql.py) with a few thousand rows per listing."""
    from bench.bench_sparql import generate

    folder = tmp_path_factory.mktemp("big")
    generate(folder / "graph.nq", folder / "graph.nt", 8000)
    return open_store(folder / "graph.nq")


def _plain_rows(result) -> list[tuple[str | None, ...]]:
    return [tuple(None if t is None else t.value for t in row) for row in result.rows]


@pytest.mark.parametrize("name", sorted(PAGED))
def test_paged_queries_pages_add_up_to_every_row_in_order(big_store, name):
    text = resolve_query(name)[1]
    assert "\nLIMIT 1000\n" in text and "OFFSET" in ready_queries()[name].text
    every = run_query(big_store, text.replace("\nLIMIT 1000\n", "\n"))
    assert len(every.rows) > 1000
    pages = []
    for offset in range(0, len(every.rows) + 1000, 1000):
        page = run_query(big_store, text.replace("LIMIT 1000", f"LIMIT 1000 OFFSET {offset}"))
        assert len(page.rows) <= 1000
        pages += _plain_rows(page)
    assert pages == _plain_rows(every)
    if PAGED[name]:
        columns = [every.variables.index(c) for c in PAGED[name]]
        keys = [tuple(row[i] or "" for i in columns) for row in pages]
        assert keys == sorted(keys)


def test_paged_queries_answer_the_same_rows_as_a_plain_join(big_store):
    plain = {
        "claims-by-speaker": "SELECT ?claim { ?claim prov:wasAttributedTo ?s ; schema:text ?t ;"
                             " prov:wasDerivedFrom ?src . ?s rdfs:label ?l }",
        "claims-by-modality": "SELECT ?claim { VALUES ?m { cg:Forecast cg:Hedged }"
                              " ?claim cg:modality ?m ; schema:text ?t ; prov:wasDerivedFrom ?s }",
        "quantities": "SELECT ?claim { ?claim cg:statesQuantity ?q ; schema:text ?t ;"
                      " prov:wasDerivedFrom ?s }",
        "claims-about-actor": "SELECT ?claim { ?claim cg:mentions actor:russia ;"
                              " a schema:Claim ; schema:text ?t ; prov:wasDerivedFrom ?s }",
    }
    for name, query in plain.items():
        query = query.replace("actor:russia", f"<{ID}actor/russia>")
        want = sorted(row[0].value for row in run_query(big_store, query).rows)
        result = run_query(big_store, resolve_query(name)[1].replace("\nLIMIT 1000\n", "\n"))
        got = sorted(row[result.variables.index("claim")].value for row in result.rows)
        assert got == want, name
