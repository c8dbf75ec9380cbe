"""Tests of graph.validate: each SHACL constraint fires on a graph broken for it.

Every test of a verdict runs with both engines: pySHACL (the reference) and
pyshacl-turbo (what the build uses when it is installed), so the two provably agree.
"""

from __future__ import annotations

import importlib.util

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD
from test_rdf import COMMENTS, sample_graph

from graph.conflicts import RANGE, SAME_ACTOR, SAME_THING
from graph.errors import ClaimgraphError
from graph.exports import rdf_bytes, to_oxigraph
from graph.rdf import ACTORS_GRAPH, named_graphs, quads, to_dataset
from graph.validate import (
    ENGINES,
    ChunkValidator,
    Violation,
    describe,
    validate,
    validate_file,
)
from graph.vocab import CG, ID, OA, SCHEMA

SHAPES = "https://w3id.org/claimgraph/shapes#"

TURBO = pytest.mark.skipif(importlib.util.find_spec("pyshacl_turbo") is None,
                           reason="pyshacl-turbo is not installed")
BOTH = pytest.mark.parametrize("engine", [
    "pyshacl", pytest.param("turbo", marks=TURBO),
])


def _good() -> Graph:
    g = Graph()
    for s, p, o, _ in to_dataset(sample_graph()).quads((None, None, None, None)):
        g.add((s, p, o))
    return g


GOOD = _good()


def first(g: Graph, cls: URIRef) -> URIRef:
    return sorted(g.subjects(RDF.type, cls))[0]


def actor(g):
    return ID["actor/russia"]


def statement(g):
    return first(g, CG.Relationship)


def claim(g):
    return next(c for c in sorted(g.subjects(RDF.type, SCHEMA.Claim))
                if (c, CG.videoTime, None) in g)


def quantity(g):
    return next(q for q in sorted(g.subjects(RDF.type, SCHEMA.QuantitativeValue))
                if (q, SCHEMA.value, None) in g)


def quantity_range(g):
    return next(q for q in sorted(g.subjects(RDF.type, SCHEMA.QuantitativeValue))
                if (q, SCHEMA.minValue, None) in g)


def source(g):
    return ID["source/caravanserai"]


def conflict(kind):
    """The sample's figure conflict of ``kind`` (it has one of each)."""
    def find(g):
        return next(c for c in sorted(g.subjects(RDF.type, CG.FigureConflict))
                    if str(g.value(c, CG.conflictKind)) == kind)
    return find


range_conflict, thing_conflict, actor_conflict = (conflict(k)
                                                  for k in (RANGE, SAME_THING, SAME_ACTOR))


def _no_spread(g):
    node = thing_conflict(g)
    g.set((node, SCHEMA.minValue, g.value(node, SCHEMA.maxValue)))


def _cite_another_claim(g):
    """The range's one claim is at both extremes; name another claim as its highest."""
    node = range_conflict(g)
    other = next(c for c in sorted(g.subjects(RDF.type, SCHEMA.Claim))
                 if c != g.value(node, CG.highestClaim))
    g.set((node, CG.highestClaim, other))


def drop(node, p):
    def change(g):
        g.remove((node(g), p, None))
    return change


def put(node, p, value):
    def change(g):
        g.set((node(g), p, value))
    return change


def add(node, p, value):
    def change(g):
        g.add((node(g), p, value))
    return change


def frag(name):
    return lambda g: URIRef(claim(g) + "#" + name)


def _drop_selector(name):
    def change(g):
        g.remove((frag("target")(g), OA.hasSelector, frag(name)(g)))
    return change


def _drop_direct(g):
    s, p, o = (g.value(statement(g), x) for x in (RDF.subject, RDF.predicate, RDF.object))
    g.remove((s, p, o))


def _unstate(g):
    g.remove((None, CG.statesQuantity, quantity(g)))


def _no_value(g):
    g.remove((quantity(g), SCHEMA.value, None))


I = XSD.integer  # noqa: E741
D = XSD.decimal

BROKEN = {
    "Actor-label": drop(actor, RDFS.label),
    "Actor-kind": lambda g: g.remove((actor(g), RDF.type, CG.Country)),
    "Actor-sameAs": put(actor, OWL.sameAs, URIRef("https://example.org/russia")),
    "Actor-affiliatedWith": add(actor, CG.affiliatedWith, ID["source/caravanserai"]),
    "RelationSubject": lambda g: g.add((source(g), CG.attacks, actor(g))),
    "RelationObject": lambda g: g.add((actor(g), CG.attacks, source(g))),
    "Relationship-subject": drop(statement, RDF.subject),
    "Relationship-predicate": put(statement, RDF.predicate, CG.likes),
    "Relationship-object": drop(statement, RDF.object),
    "Relationship-derivedFrom": drop(statement, PROV.wasDerivedFrom),
    "Relationship-confidence": put(statement, CG.confidence, Literal("1.5", datatype=D)),
    "Relationship-rule": add(statement, CG.rule, Literal("7", datatype=I)),
    "Relationship-source": add(statement, DCTERMS.source, ID["actor/iran"]),
    "Relationship-direct": _drop_direct,
    "Relationship-claimCount": put(statement, CG.claimCount, Literal("1")),
    "Relationship-sourceCount": drop(statement, CG.sourceCount),
    "Relationship-claimsCounted": put(statement, CG.claimCount, Literal(7, datatype=I)),
    "Relationship-sourcesCounted": put(statement, CG.sourceCount, Literal(7, datatype=I)),
    "Claim-text": drop(claim, SCHEMA.text),
    "Claim-derivedFrom": add(claim, PROV.wasDerivedFrom, ID["source/caravanserai"]),
    "Claim-modality": drop(claim, CG.modality),
    "Claim-mentions": add(claim, CG.mentions, ID["source/caravanserai"]),
    "Claim-attributedTo": lambda g: (g.add((claim(g), PROV.wasAttributedTo, ID["actor/iran"])),
                                     g.add((claim(g), PROV.wasAttributedTo, ID["actor/china"]))),
    "Claim-start": put(claim, CG.startOffset, Literal("11")),
    "Claim-end": drop(claim, CG.endOffset),
    "Claim-offsets": put(claim, CG.startOffset, Literal(999, datatype=I)),
    "Claim-videoTime": put(claim, CG.videoTime, Literal(-1, datatype=I)),
    "Claim-videoLink": put(claim, CG.videoLink, Literal("https://youtu.be/x")),
    "Claim-statesQuantity": add(claim, CG.statesQuantity, ID["actor/iran"]),
    "Claim-target": drop(claim, OA.hasTarget),
    "Target-source": drop(frag("target"), OA.hasSource),
    "Target-position": _drop_selector("position"),
    "Target-quote": _drop_selector("quote"),
    "PositionSelector-start": drop(frag("position"), OA.start),
    "PositionSelector-end": put(frag("position"), OA.end, Literal("46", datatype=D)),
    "PositionSelector-order": put(frag("position"), OA.start, Literal(999, datatype=I)),
    "QuoteSelector-exact": drop(frag("quote"), OA.exact),
    "Quantity": _no_value,
    "Quantity-value": put(quantity, SCHEMA.value, Literal(1.3e6)),
    "Quantity-min": add(quantity_range, SCHEMA.minValue, Literal("5.0", datatype=D)),
    "Quantity-max": put(quantity_range, SCHEMA.maxValue, Literal("20")),
    "Quantity-range": put(quantity_range, SCHEMA.minValue, Literal("99.0", datatype=D)),
    "Quantity-unit": add(quantity, SCHEMA.unitText, Literal("persons")),
    "Quantity-statedBy": _unstate,
    "FigureConflict-kind": put(range_conflict, CG.conflictKind, Literal("ranges")),
    "FigureConflict-unit": drop(range_conflict, SCHEMA.unitText),
    "FigureConflict-about": add(thing_conflict, CG.about, Literal("something else")),
    "FigureConflict-concerns": put(actor_conflict, CG.concerns, ID["source/caravanserai"]),
    "FigureConflict-min": put(thing_conflict, SCHEMA.minValue, Literal("500000")),
    "FigureConflict-max": drop(thing_conflict, SCHEMA.maxValue),
    "FigureConflict-order": put(range_conflict, SCHEMA.minValue, Literal("99.0", datatype=D)),
    "FigureConflict-figures": put(range_conflict, CG.figures, Literal("")),
    "FigureConflict-lowestClaim": drop(thing_conflict, CG.lowestClaim),
    "FigureConflict-highestClaim": put(actor_conflict, CG.highestClaim, ID["actor/iran"]),
    "FigureConflict-derivedFrom": add(actor_conflict, PROV.wasDerivedFrom, ID["actor/iran"]),
    "FigureConflict-source": add(thing_conflict, DCTERMS.source, ID["actor/iran"]),
    "FigureConflict-claimCount": put(thing_conflict, CG.claimCount, Literal("2")),
    "FigureConflict-sourceCount": drop(actor_conflict, CG.sourceCount),
    "FigureConflict-cited": _cite_another_claim,
    "FigureConflict-claimsCounted": put(thing_conflict, CG.claimCount, Literal(1, datatype=I)),
    "FigureConflict-sourcesCounted": put(thing_conflict, CG.sourceCount,
                                         Literal(1, datatype=I)),
    "FigureConflict-spread": _no_spread,
    "FigureConflict-actor": drop(actor_conflict, CG.concerns),
    "Source": lambda g: g.remove((source(g), RDF.type, PROV.Entity)),
    "Source-title": drop(source, DCTERMS.title),
    "Source-url": put(source, DCTERMS.source, Literal("https://example.org")),
    "Source-trust": drop(source, CG.trust),
    "Source-partOf": add(source, DCTERMS.isPartOf, ID["actor/iran"]),
    "Source-comments": lambda g: g.remove((ID[COMMENTS], DCTERMS.isPartOf, None)),
}


def _store(g: Graph) -> ox.Store:
    store = ox.Store()
    store.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


@BOTH
def test_validate_accepts_the_sample_graph(engine):
    assert validate(GOOD, engine=engine) == []


@BOTH
def test_validate_accepts_a_dataset_checking_graphs_together(engine):
    assert validate(to_dataset(sample_graph()), engine=engine) == []


@BOTH
def test_validate_accepts_a_store_of_named_graphs(engine):
    store = ox.Store()
    store.bulk_extend(to_oxigraph(quads(sample_graph())))
    assert validate(store, engine=engine) == []


@BOTH
@pytest.mark.parametrize("shape", sorted(BROKEN))
def test_validate_fires_each_shape_on_a_graph_broken_for_it(shape, engine):
    g = Graph()
    for t in GOOD:
        g.add(t)
    BROKEN[shape](g)
    fired = {v.shape.removeprefix(SHAPES) for v in validate(g, engine=engine)}
    assert shape in fired, fired


@TURBO
@pytest.mark.parametrize("shape", sorted(BROKEN))
def test_validate_engines_report_the_same_violations(shape):
    g = Graph()
    for t in GOOD:
        g.add(t)
    BROKEN[shape](g)
    def where(violations):  # a store may write a decimal's value in canonical form
        return {(v.focus, v.path, v.shape) for v in violations}

    reference = where(validate(g, engine="pyshacl"))
    assert where(validate(g, engine="turbo")) == reference
    assert where(validate(_store(g), engine="turbo")) == reference


def _checked_in_chunks(g: Graph, batch_quads: int) -> list[Violation]:
    """What the build's ChunkValidator finds in ``g``, split into the sample's named graphs.

    A triple goes to the named graph its subject lives in (the actors graph for a
    new subject), and the graphs come in the build's order.
    """
    home = {}
    for s, _, _, name in quads(sample_graph()):
        home.setdefault(s, name)
    by_graph: dict = {}
    for s, p, o in g:
        name = home.get(s, ACTORS_GRAPH)
        by_graph.setdefault(name, []).append((s, p, o, name))
    checker = ChunkValidator(engine="turbo", batch_quads=batch_quads)
    sample = sample_graph()
    try:
        for name, _ in named_graphs(sample):
            items = sorted(to_oxigraph(by_graph.get(name, [])), key=str)
            sid = str(name).removeprefix(ID)
            checker.add(name, items, rdf_bytes(items, "ntriples"),
                        document=sample.nodes.get(sid, {}).get("parent") or sid)
    except ClaimgraphError:
        checker.close()
        raise
    return checker.finish()


@TURBO
@pytest.mark.parametrize("batch_quads", [1, 10**9])
def test_chunk_validator_accepts_the_sample_graph(batch_quads):
    assert _checked_in_chunks(GOOD, batch_quads) == []


@TURBO
@pytest.mark.parametrize("batch_quads", [1, 10**9])
@pytest.mark.parametrize("shape", sorted(BROKEN))
def test_chunk_validator_finds_what_checking_everything_at_once_finds(shape, batch_quads):
    """Graph by graph, in batches of one document or all, the build's check agrees with
    checking the whole graph; a relationship triple in a source graph stops it loudly."""
    g = Graph()
    for t in GOOD:
        g.add(t)
    BROKEN[shape](g)

    def where(violations):
        return {(v.focus, v.path, v.shape) for v in violations}

    reference = where(validate(g, engine="turbo"))
    assert reference
    try:
        found = where(_checked_in_chunks(g, batch_quads))
    except ClaimgraphError as err:
        assert "only the actors graph may hold" in str(err)
        assert shape in {"RelationSubject", "RelationObject"}
        return
    assert found == reference


def test_validate_refuses_an_unknown_engine():
    with pytest.raises(ClaimgraphError, match="unknown SHACL engine"):
        validate(GOOD, engine="guess")
    assert ENGINES[0] == "pyshacl"


def test_validate_file_reads_turtle_and_nquads(tmp_path):
    bad = Graph()
    for t in GOOD:
        bad.add(t)
    bad.remove((ID["actor/russia"], RDFS.label, None))
    (tmp_path / "bad.ttl").write_bytes(bad.serialize(format="turtle", encoding="utf-8"))
    nq = tmp_path / "good.nq"
    nq.write_bytes(rdf_bytes(to_oxigraph(quads(sample_graph())), "nquads"))
    assert [v.shape for v in validate_file(tmp_path / "bad.ttl")] == [SHAPES + "Actor-label"]
    assert validate_file(nq) == []
    (tmp_path / "broken.ttl").write_text("not turtle <", encoding="utf-8")
    with pytest.raises(ClaimgraphError, match=r"broken\.ttl"):
        validate_file(tmp_path / "broken.ttl")


def test_validate_covers_every_named_shape_with_a_broken_graph():
    shapes = Graph().parse("data/shapes.ttl")
    from rdflib.namespace import SH

    named = {str(s).removeprefix(SHAPES) for s in shapes.subjects(RDF.type, None)
             if str(s).startswith(SHAPES)
             and ((s, SH.path, None) in shapes or (s, SH.select, None) in shapes
                  or (s, SH["class"], None) in shapes or (s, SH["or"], None) in shapes)}
    assert named <= set(BROKEN), named - set(BROKEN)


@BOTH
def test_validate_reports_focus_path_and_message(engine):
    g = Graph()
    for t in GOOD:
        g.add(t)
    g.remove((ID["actor/russia"], RDFS.label, None))
    (v,) = validate(g, engine=engine)
    assert v == Violation(str(ID["actor/russia"]), str(RDFS.label),
                          "an actor needs exactly one non-empty plain rdfs:label",
                          SHAPES + "Actor-label")
    assert "actor/russia: an actor needs exactly one" in describe([v])
    assert "rdfs:label" in describe([v])


@TURBO
def test_chunk_validator_checks_a_statement_once_the_graphs_it_cites_are_in():
    """A relationship statement is checked as soon as the claims and sources it cites
    have come, not at the end; a cited node typed in two graphs stops the check."""
    sample = sample_graph()
    graphs = list(named_graphs(sample))
    checked: list[str] = []
    checker = ChunkValidator(engine="turbo", batch_quads=1)
    real_submit = checker._submit

    def submit(parts, shapes):
        checked.append("statements" if str(CG.Relationship) in b"".join(parts).decode()
                       else "other")
        real_submit(parts, shapes)

    checker._submit = submit
    try:
        for name, items in graphs:
            sid = str(name).removeprefix(str(ID))
            checker.add(name, items, rdf_bytes(items, "ntriples"),
                        document=sample.nodes.get(sid, {}).get("parent") or sid)
        before_end = list(checked)
    finally:
        assert checker.finish() == []
    assert "statements" in before_end

    again = ChunkValidator(engine="turbo")
    try:
        name, items = graphs[0]
        again.add(name, items, rdf_bytes(items, "ntriples"), document="actors")
        cited = next(q.object for q in items if q.predicate.value == str(PROV.wasDerivedFrom))
        twice = ox.Quad(cited, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SCHEMA.Claim)),
                        ox.NamedNode(str(ID["source/elsewhere"])))
        for name, items in graphs[1:]:
            sid = str(name).removeprefix(str(ID))
            again.add(name, items, rdf_bytes(items, "ntriples"), document=sid)
        with pytest.raises(ClaimgraphError, match="the shapes cannot be checked graph by graph"):
            again.add(URIRef(str(ID["source/elsewhere"])), [twice],
                      rdf_bytes([twice], "ntriples"), document="source/elsewhere")
    finally:
        again.close()
