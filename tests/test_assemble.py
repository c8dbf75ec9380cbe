"""Assembly of extractions into the graph every export reads."""

from __future__ import annotations

from graph.assemble import assemble
from graph.ids import actor_id, claim_id
from graph.model import (
    Actor,
    ActorKind,
    Claim,
    Document,
    DocumentKind,
    Extraction,
    Mention,
    Modality,
    OffsetMap,
    Quantity,
    Relation,
    SectionKind,
    Segment,
    Source,
    Trust,
)

TEXT = "Russia relies on China. China sells chips to Russia. Readers: China sells to Russia."
ARTICLE = Source("source/a", "An article", DocumentKind.ARTICLE, "a.txt")
COMMENTS = Source("source/a/comments", "Reader comments on An article", DocumentKind.ARTICLE,
                  "a.txt", trust=Trust.READER_COMMENTS, parent_id="source/a")
RUSSIA = Actor(actor_id("Russia"), "Russia", ActorKind.COUNTRY, wikidata="Q159")
CHINA = Actor(actor_id("China"), "China", ActorKind.COUNTRY, wikidata="Q148")


def _claim(source: Source, start: int, end: int, quantities=()) -> Claim:
    return Claim(
        id=claim_id(source.id, start, end), source_id=source.id, text=TEXT[start:end],
        start=start, end=end, section=SectionKind.BODY, modality=Modality.ASSERTED,
        mentions=(Mention(RUSSIA.id, "Russia", start, start + 6, "gazetteer:name"),),
        quantities=tuple(quantities),
    )


def _extraction(claims, relations) -> Extraction:
    doc = Document("a.txt", TEXT, DocumentKind.ARTICLE, (ARTICLE, COMMENTS),
                   (Segment(TEXT, OffsetMap(((0, 0),)), SectionKind.BODY, "source/a"),))
    return Extraction(doc, (RUSSIA, CHINA), tuple(claims), tuple(relations))


def test_assemble_keeps_relationships_of_primary_sources_only():
    body, comment = _claim(ARTICLE, 0, 23), _claim(COMMENTS, 53, 84)
    g = assemble([_extraction([body, comment], [
        Relation(RUSSIA.id, "dependsOn", CHINA.id, body.id, "r", 0.9),
        Relation(CHINA.id, "suppliesTo", RUSSIA.id, comment.id, "r", 0.9),
    ])])
    assert g.has_edge(RUSSIA.id, CHINA.id, key="dependsOn")
    assert not g.has_edge(CHINA.id, RUSSIA.id, key="suppliesTo")
    assert g.nodes[comment.id]["source"] == "source/a/comments"


def test_assemble_merges_support_for_one_relationship():
    first, second = _claim(ARTICLE, 0, 23), _claim(ARTICLE, 24, 52)
    g = assemble([_extraction([first, second], [
        Relation(RUSSIA.id, "dependsOn", CHINA.id, first.id, "rule-a", 0.7),
        Relation(RUSSIA.id, "dependsOn", CHINA.id, second.id, "rule-b", 0.9),
    ])])
    edge = g.edges[RUSSIA.id, CHINA.id, "dependsOn"]
    assert edge["claims"] == sorted([first.id, second.id])
    assert edge["rules"] == ["rule-a", "rule-b"]
    assert edge["confidence"] == 0.9


def test_assemble_stores_symmetric_relationships_once():
    first, second = _claim(ARTICLE, 0, 23), _claim(ARTICLE, 24, 52)
    g = assemble([_extraction([first, second], [
        Relation(RUSSIA.id, "cooperatesWith", CHINA.id, first.id, "r", 0.8),
        Relation(CHINA.id, "cooperatesWith", RUSSIA.id, second.id, "r", 0.8),
    ])])
    edges = [(u, v) for u, v, k in g.edges(keys=True) if k == "cooperatesWith"]
    assert edges == [(CHINA.id, RUSSIA.id)]
    assert len(g.edges[CHINA.id, RUSSIA.id, "cooperatesWith"]["claims"]) == 2


def test_assemble_restated_figure_is_one_quantity_stated_by_each_claim():
    q1 = Quantity("100,000 people", 0, 14, "people", value=100000.0)
    q2 = Quantity("100,000 specialists", 24, 43, "people", value=100000.0)
    first, second = _claim(ARTICLE, 0, 23, [q1]), _claim(ARTICLE, 24, 52, [q2])
    g = assemble([_extraction([first, second], [])])
    quantities = [n for n, d in g.nodes(data=True) if d["type"] == "quantity"]
    assert len(quantities) == 1
    assert g.nodes[quantities[0]]["claims"] == sorted([first.id, second.id])
    assert g.has_edge(first.id, quantities[0], key="states")
    assert g.has_edge(second.id, quantities[0], key="states")


def test_assemble_is_independent_of_input_order():
    first, second = _claim(ARTICLE, 0, 23), _claim(ARTICLE, 24, 52)
    a = assemble([_extraction([first, second], [])])
    b = assemble([_extraction([second, first], [])])
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
