"""Every ready query answers what its header promises on the seed graph."""

from __future__ import annotations

import csv
import io

import pytest

from graph.build import build
from graph.query import format_result, ready_queries, resolve_query, run_query
from graph.store import open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory, corpus):
    out = tmp_path_factory.mktemp("seed")
    build([corpus], out, workers=1, cache_dir=None)
    return open_store(out)


def rows(store, name: str) -> list[dict[str, str]]:
    _, text = resolve_query(name)
    table = format_result(run_query(store, text), "csv")
    return list(csv.DictReader(io.StringIO(table)))


def pairs(found: list[dict[str, str]], a: str, b: str) -> set[tuple[str, str]]:
    return {(r[a], r[b]) for r in found}


def test_ready_queries_are_all_tested_here():
    tested = {"depends-on", "supplies-to", "migration", "claims-about-actor",
              "claims-by-speaker", "claims-by-modality", "quantities",
              "multi-source-relationships", "roles", "conflicting-figures"}
    assert set(ready_queries()) == tested


def test_depends_on_finds_russia_relying_on_china_and_iran(store):
    found = pairs(rows(store, "depends-on"), "dependentLabel", "dependencyLabel")
    assert {("Russia", "China"), ("Russia", "Iran")} <= found


def test_supplies_to_finds_iran_and_china_supplying_russia(store):
    found = pairs(rows(store, "supplies-to"), "supplierLabel", "recipientLabel")
    assert {("Iran", "Russia"), ("China", "Russia")} <= found


def test_migration_finds_where_russians_went(store):
    found = pairs(rows(store, "migration"), "originLabel", "destinationLabel")
    assert {("Russia", "Kazakhstan"), ("Russia", "Uzbekistan"), ("Russia", "Central Asia")} <= found


def test_claims_about_actor_cites_sources_and_video_times(store):
    found = rows(store, "claims-about-actor")
    assert len(found) > 20
    timed = [r for r in found if r["videoTime"]]
    assert any("woefully lacking" in r["text"] and r["videoTime"] == "106" for r in timed)
    assert all(r["source"] and r["start"] and r["end"] for r in found)


def test_claims_by_speaker_lists_named_speakers(store):
    speakers = {r["speakerLabel"] for r in rows(store, "claims-by-speaker")}
    assert {"Oleksiy Hetman", "Nadezhda Balovsyak", "Maksut Shadayev", "Nikita",
            "Kommersant", "zeihanongeopolitics"} <= speakers


def test_claims_by_modality_finds_forecasts_and_hedges(store):
    found = rows(store, "claims-by-modality")
    forecasts = [r["text"] for r in found if r["modality"].endswith("Forecast")]
    hedged = [r["text"] for r in found if r["modality"].endswith("Hedged")]
    assert any("fade away pretty quickly" in t for t in forecasts)
    assert any("likely" in t for t in hedged + forecasts)
    assert hedged


def test_quantities_lists_normalised_figures_with_their_claims(store):
    found = rows(store, "quantities")
    values = {float(r["value"]) for r in found if r["value"]}
    assert {1300000.0, 100000.0, 40.0, 1000.0, 36.0, 12.0} <= values
    ranges = {(float(r["minValue"]), float(r["maxValue"])) for r in found if r["minValue"]}
    assert (300000.0, 800000.0) in ranges
    assert all(r["claim"] and r["text"] for r in found)


def test_multi_source_relationships_finds_the_war_in_both_sources(store):
    found = rows(store, "multi-source-relationships")
    war = [r for r in found if r["relation"] == "atWarWith"]
    assert war and {war[0]["subjectLabel"], war[0]["objectLabel"]} == {"Russia", "Ukraine"}
    assert int(war[0]["sources"]) == 2


def test_roles_gives_roles_and_affiliations(store):
    found = {r["actorLabel"]: r for r in rows(store, "roles")}
    assert "minister" in found["Maksut Shadayev"]["roles"] or "minster" in found[
        "Maksut Shadayev"]["roles"]
    assert found["Maksut Shadayev"]["affiliations"] == "Russia"
    assert "President" in found["Vladimir Putin"]["roles"]


def test_conflicting_figures_reports_the_losses_range(store):
    found = rows(store, "conflicting-figures")
    assert any(r["lowest"] == "300000" and r["highest"] == "800000" for r in found), found


def test_conflicting_figures_gives_the_rows_the_analytic_query_gave(store):
    """The ready query lists the cg:FigureConflict nodes of the build; the query that
    found the conflicts itself (git 0509ff5) gives the same rows."""
    from test_conflicts import assert_same_as_reference, expected_conflicts, written_conflicts

    assert_same_as_reference(store)
    assert written_conflicts(store) == expected_conflicts(store)


def test_relationship_counts_are_the_distinct_claims_and_sources_of_each_statement(store):
    """cg:claimCount and cg:sourceCount, which the ready queries read instead of counting."""
    text = """
        SELECT ?statement ?claimCount ?sourceCount
               (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?source) AS ?sources)
        WHERE {
          ?statement a cg:Relationship ; cg:claimCount ?claimCount ; cg:sourceCount ?sourceCount ;
                     prov:wasDerivedFrom ?claim .
          ?claim prov:wasDerivedFrom ?source .
        }
        GROUP BY ?statement ?claimCount ?sourceCount"""
    found = run_query(store, text).rows
    statements = run_query(store, "SELECT ?s WHERE { ?s a cg:Relationship }").rows
    assert found and len(found) == len(statements)
    for _, claim_count, source_count, claims, sources in found:
        assert int(claim_count.value) == int(claims.value)
        assert int(source_count.value) == int(sources.value)
    assert any(int(row[2].value) == 2 for row in found)
