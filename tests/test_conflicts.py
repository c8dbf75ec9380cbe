"""Tests of graph.conflicts and of the figure conflicts the RDF export writes.

The ready query ``conflicting-figures`` reads the ``cg:FigureConflict`` nodes the
build writes. Before those existed it found the conflicts itself; that query is kept
in ``fixtures/sparql/conflicting-figures-analytic.rq`` as the reference: on every
graph tested (the hand-written mini.ttl, the seed build in
test_ready_queries_seed.py, a synthetic graph from bench/bench_sparql.py) both give
the same rows (:func:`assert_same_as_reference`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from test_rdf import ARTICLE, NOTES, sample_graph

from graph.conflicts import (
    RANGE,
    SAME_ACTOR,
    SAME_THING,
    StatedFigure,
    figure_text,
    find_conflicts,
    stated_figures,
)
from graph.ids import BASE, conflict_id
from graph.query import resolve_query, run_query
from graph.store import open_store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sparql"
MINI = FIXTURES / "mini.ttl"
REFERENCE = (FIXTURES / "conflicting-figures-analytic.rq").read_text(encoding="utf-8")
"""The ready query as it was before the build wrote the conflicts (git 0509ff5)."""


def _rows(store: pyoxigraph.Store, text: str) -> list[dict[str, str | None]]:
    result = run_query(store, text)
    return [{v: (t.value if t is not None else None) for v, t in zip(result.variables, row,
                                                                     strict=True)}
            for row in result.rows]


def _order(row: dict) -> tuple:
    """The ORDER BY of both queries: kind, actor label, unit, lowest figure."""
    return (row["kind"], row["actorLabel"] or "", row["unit"], Decimal(row["lowest"]))


def _canonical(row: dict) -> tuple:
    """A row with what SPARQL leaves open made definite.

    The order inside the concatenated columns (GROUP_CONCAT) is open, and so is
    which spelling of the counted thing SAMPLE gives for the same thing (the
    spellings differ only in case).
    """
    figures, abouts = row["figures"], row["abouts"]
    if row["kind"] != RANGE:
        figures = tuple(sorted(Decimal(f) for f in figures.split(" | ")))
    if row["kind"] == SAME_THING:
        abouts = abouts.lower()
    elif row["kind"] == SAME_ACTOR and abouts is not None:
        abouts = tuple(sorted(abouts.split(" | ")))
    return (*_order(row), abouts, Decimal(row["highest"]), figures, int(row["claims"]),
            int(row["sources"]))


def assert_same_as_reference(store: pyoxigraph.Store) -> list[dict]:
    """Check that the ready query gives the reference query's rows; return them."""
    ready = _rows(store, resolve_query("conflicting-figures")[1])
    reference = _rows(store, REFERENCE)
    assert sorted(map(_canonical, ready)) == sorted(map(_canonical, reference))
    assert [_order(r) for r in ready] == [_order(r) for r in reference]
    return ready


def figures_in(store: pyoxigraph.Store) -> list[StatedFigure]:
    """The :class:`StatedFigure` records of an RDF graph (ids without the base IRI)."""
    def short(term) -> str:
        return term.value.removeprefix(BASE)

    def number(term) -> Decimal | None:
        return None if term is None else Decimal(term.value)

    mentions: dict[str, list[str]] = {}
    text = "SELECT DISTINCT ?claim ?actor { ?claim cg:statesQuantity ?q ; cg:mentions ?actor }"
    for claim, actor in run_query(store, text).rows:
        mentions.setdefault(short(claim), []).append(short(actor))
    text = """SELECT DISTINCT ?q ?claim ?source ?unit ?about ?value ?low ?high {
        ?claim cg:statesQuantity ?q ; prov:wasDerivedFrom ?source .
        OPTIONAL { ?q schema:unitText ?unit } OPTIONAL { ?q cg:about ?about }
        OPTIONAL { ?q schema:value ?value } OPTIONAL { ?q schema:minValue ?low }
        OPTIONAL { ?q schema:maxValue ?high } }"""
    return [StatedFigure(short(q), short(c), short(s), u and u.value, a and a.value,
                         number(v), number(lo), number(hi),
                         tuple(sorted(mentions.get(short(c), ()))))
            for q, c, s, u, a, v, lo, hi in run_query(store, text).rows]


def written_conflicts(store: pyoxigraph.Store) -> set[tuple]:
    """Every figure conflict node of the store, as a comparable tuple.

    The claims and sources are those cited (the claims at the extremes and their
    sources); the counts, of every claim and source behind the figures.
    """
    text = """SELECT ?c ?kind ?unit ?about ?actor ?lo ?hi ?figures ?claims ?sources
        ?lowestClaim ?highestClaim
        (GROUP_CONCAT(DISTINCT STR(?claim); separator=" ") AS ?claimList)
        (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sourceList) {
        ?c a cg:FigureConflict ; cg:conflictKind ?kind ; schema:unitText ?unit ;
           schema:minValue ?lo ; schema:maxValue ?hi ; cg:figures ?figures ;
           cg:claimCount ?claims ; cg:sourceCount ?sources ;
           cg:lowestClaim ?lowestClaim ; cg:highestClaim ?highestClaim ;
           prov:wasDerivedFrom ?claim ; dcterms:source ?source .
        OPTIONAL { ?c cg:about ?about } OPTIONAL { ?c cg:concerns ?actor } }
        GROUP BY ?c ?kind ?unit ?about ?actor ?lo ?hi ?figures ?claims ?sources
                 ?lowestClaim ?highestClaim"""

    def short(text: str) -> str:
        return text.removeprefix(BASE)

    found = set()
    for row in run_query(store, text).rows:
        (c, kind, unit, about, actor, lo, hi, figures, claims, sources, lowest_claim,
         highest_claim, claim_list, sources_list) = (None if t is None else t.value
                                                     for t in row)
        found.add((short(c), kind, unit, about, actor and short(actor), Decimal(lo),
                   Decimal(hi), figures, int(claims), int(sources), short(lowest_claim),
                   short(highest_claim), tuple(sorted(map(short, claim_list.split()))),
                   tuple(sorted(map(short, sources_list.split())))))
    return found


def expected_conflicts(store: pyoxigraph.Store) -> set[tuple]:
    """What :func:`find_conflicts` finds in the figures of the store, as written_conflicts."""
    return {(c.id, c.kind, c.unit, c.about, c.actor, c.lowest, c.highest, c.figures,
             c.claim_count, c.source_count, c.lowest_claim, c.highest_claim,
             c.cited_claims, c.cited_sources)
            for c in find_conflicts(figures_in(store))}


def _figure(quantity: str, claim: str, source: str, unit: str | None = "people",
            about: str | None = None, actors: tuple[str, ...] = (), **values) -> StatedFigure:
    numbers = {k: Decimal(str(v)) for k, v in values.items()}
    return StatedFigure(quantity, claim, source, unit, about, actors=actors, **numbers)


# ---------------------------------------------------------------- find_conflicts


def test_a_range_is_a_conflict_even_with_equal_bounds():
    found = find_conflicts([_figure("q/a", "c/a", "s/a", low=10, high=20, about="men"),
                            _figure("q/a", "c/b", "s/a", low=10, high=20, about="men"),
                            _figure("q/b", "c/c", "s/b", low=5, high=5)])
    assert [(c.kind, c.figures, c.about, c.claims, c.sources) for c in found] == [
        (RANGE, "5 to 5", None, ("c/c",), ("s/b",)),
        (RANGE, "10 to 20", "men", ("c/a", "c/b"), ("s/a",)),
    ]
    assert found[1].id == conflict_id(RANGE, "q/a", "people")
    # Two claims state the same range: the first by id stands for both extremes.
    assert [(c.lowest_claim, c.highest_claim, c.cited_claims, c.cited_sources)
            for c in found] == [("c/c", "c/c", ("c/c",), ("s/b",)),
                                ("c/a", "c/a", ("c/a",), ("s/a",))]


def test_the_same_thing_is_compared_in_lower_case_and_needs_different_figures():
    found = find_conflicts([
        _figure("q/a", "c/a", "s/a", about="Shahed drones", unit="drones", value=1000),
        _figure("q/b", "c/b", "s/a", about="shahed drones", unit="drones", value=36),
        _figure("q/c", "c/c", "s/b", about="SHAHED drones", unit="drones", value=1000.0),
        _figure("q/d", "c/d", "s/b", about="tanks", unit="drones", value=5),
        _figure("q/e", "c/e", "s/b", about="tanks", unit="drones", value=5),
    ])
    assert [(c.kind, c.about, c.figures, c.claim_count, c.source_count) for c in found] == [
        (SAME_THING, "SHAHED drones", "36 | 1000", 3, 2)]
    assert found[0].id == conflict_id(SAME_THING, "drones", "shahed drones")
    # c/a and c/c both state the highest figure (1000 and 1000.0): the first by id.
    assert (found[0].lowest_claim, found[0].highest_claim) == ("c/b", "c/a")
    assert (found[0].cited_claims, found[0].cited_sources) == (("c/a", "c/b"), ("s/a",))


def test_the_same_actor_needs_two_sources_and_counts_every_bound():
    russia = ("actor/russia",)
    one_source = [_figure("q/a", "c/a", "s/a", value=1, actors=russia),
                  _figure("q/b", "c/b", "s/a", value=2, actors=russia)]
    assert find_conflicts(one_source) == []
    found = find_conflicts([
        *one_source,
        _figure("q/c", "c/c", "s/b", low=2, high=30, actors=("actor/iran", *russia)),
        _figure("q/d", "c/d", "s/b", value=99, unit="drones", actors=russia),
        _figure("q/e", "c/e", "s/c", value=7),  # mentions no actor
    ])
    actor = [c for c in found if c.kind == SAME_ACTOR]
    assert [(c.actor, c.figures, c.lowest, c.highest, c.claim_count, c.source_count)
            for c in actor] == [("actor/russia", "1 | 2 | 30", 1, 30, 3, 2)]
    # The highest figure is a range's upper bound; c/b (2) is cited by no extreme.
    assert [(c.lowest_claim, c.highest_claim, c.cited_claims, c.cited_sources)
            for c in actor] == [("c/a", "c/c", ("c/a", "c/c"), ("s/a", "s/b"))]


def test_the_same_actor_joins_the_counted_things_it_has():
    """The analytic query lost them all when one figure had none (a GROUP_CONCAT over
    an unbound value fails); the conflict keeps the ones the figures name."""
    russia = ("actor/russia",)
    found = find_conflicts([
        _figure("q/a", "c/a", "s/a", value=1, about="men", actors=russia),
        _figure("q/b", "c/b", "s/b", value=2, actors=russia),
        _figure("q/c", "c/c", "s/b", value=3, about="Men", actors=russia),
    ])
    assert [c.about for c in found if c.kind == SAME_ACTOR] == ["Men | men"]


def test_figures_without_a_unit_take_no_part():
    assert find_conflicts([_figure("q/a", "c/a", "s/a", unit=None, low=1, high=2),
                           _figure("q/b", "c/b", "s/b", unit="", about="x", value=1),
                           _figure("q/c", "c/c", "s/c", unit="", about="x", value=2)]) == []


def test_conflicts_come_in_the_same_order_whatever_the_order_of_the_figures():
    figures = [_figure(f"q/{i}", f"c/{i}", f"s/{i % 3}", about=f"thing {i % 2}", value=i,
                       low=i, high=i + 1, actors=(f"actor/{i % 4}",)) for i in range(12)]
    found = find_conflicts(figures)
    assert {c.kind for c in found} == {RANGE, SAME_THING, SAME_ACTOR}
    assert find_conflicts(reversed(figures)) == found
    assert len({c.id for c in found}) == len(found)


@pytest.mark.parametrize(("text", "shown"), [
    ("300000.0", "300000"), ("0.50", "0.5"), ("-0.0", "0"), ("1E-7", "0.0000001"),
    ("12.0", "12"), ("1300000", "1300000"), ("-2.50", "-2.5"),
])
def test_figure_text_is_what_sparql_str_gives_a_decimal_in_oxigraph(text, shown):
    store = pyoxigraph.Store()
    (row,) = run_query(store, f'SELECT (STR({Decimal(text):f}) AS ?s) {{}}').rows
    assert figure_text(Decimal(text)) == shown == row[0].value


# ---------------------------------------------------------------- the RDF export


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_the_export_refuses_a_figure_that_is_no_finite_number(value):
    from graph.errors import ExportError
    from graph.rdf import quads

    graph = sample_graph()
    qid = next(n for n, d in graph.nodes(data=True) if d["type"] == "quantity"
               and d.get("value") is not None)
    graph.nodes[qid]["value"] = value
    with pytest.raises(ExportError, match="not a finite number"):
        quads(graph)


def _sample_store() -> pyoxigraph.Store:
    from graph.exports import to_oxigraph
    from graph.rdf import quads

    store = pyoxigraph.Store()
    store.bulk_extend(to_oxigraph(quads(sample_graph())))
    return store


def test_the_sample_graph_has_one_conflict_of_each_kind():
    found = {c.kind: c for c in find_conflicts(stated_figures(sample_graph()))}
    assert found[RANGE].figures == "10 to 20" and found[RANGE].about is None
    thing = found[SAME_THING]
    assert (thing.about, thing.figures, thing.sources) == (
        "People who left", "500000 | 1300000", (ARTICLE, NOTES))
    actor = found[SAME_ACTOR]
    assert (actor.actor, actor.about, actor.lowest, actor.highest) == (
        "actor/kazakhstan", "People who left | people who left", 500000, 1300000)


def test_the_export_writes_each_conflict_as_find_conflicts_finds_it():
    store = _sample_store()
    written = written_conflicts(store)
    assert len(written) == 3
    assert written == expected_conflicts(store)
    actors_graph = pyoxigraph.NamedNode(BASE + "graph/actors")
    typed = store.quads_for_pattern(None, None, pyoxigraph.NamedNode(
        "https://w3id.org/claimgraph/ontology#FigureConflict"), None)
    assert {q.graph_name for q in typed} == {actors_graph}


def test_the_export_cites_only_the_claims_at_the_extremes():
    """However many claims state a conflict's figures, it cites two, and counts all."""
    from graph.rdf import _conflict_quads

    figures = [_figure(f"q/{i:02}", f"claim/{i:02}", f"source/{i % 7}", about="men",
                       value=100 + i % 50) for i in range(60)]
    (conflict,) = find_conflicts(figures)
    by_predicate: dict[str, list[str]] = {}
    for q in _conflict_quads(conflict):
        by_predicate.setdefault(q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
                                []).append(q.object.value)
    assert by_predicate["lowestClaim"] == [BASE + "claim/00"]
    assert by_predicate["highestClaim"] == [BASE + "claim/49"]
    assert by_predicate["wasDerivedFrom"] == [BASE + "claim/00", BASE + "claim/49"]
    assert by_predicate["source"] == [BASE + "source/0"]
    assert (by_predicate["claimCount"], by_predicate["sourceCount"]) == (["60"], ["7"])


def test_the_ready_query_gives_the_reference_rows_on_the_sample_graph():
    rows = assert_same_as_reference(_sample_store())
    assert [(r["kind"], r["actorLabel"], r["figures"]) for r in rows] == [
        (RANGE, None, "10 to 20"),
        (SAME_ACTOR, "Kazakhstan", "500000 | 1300000"),
        (SAME_THING, None, "500000 | 1300000"),
    ]


def test_mini_graph_holds_the_conflicts_of_its_figures():
    store = open_store(MINI)
    assert written_conflicts(store) == expected_conflicts(store)
    assert_same_as_reference(store)


def test_the_ready_query_gives_the_reference_rows_on_a_synthetic_graph(tmp_path):
    from bench.bench_sparql import generate

    generate(tmp_path / "graph.nq", tmp_path / "graph.nt", claims=3000)
    store = open_store(tmp_path / "graph.nq")
    rows = assert_same_as_reference(store)
    assert {r["kind"] for r in rows} == {RANGE, SAME_THING, SAME_ACTOR}
    assert written_conflicts(store) == expected_conflicts(store)
