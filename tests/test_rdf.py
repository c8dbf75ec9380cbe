"""Tests of graph.rdf: the networkx claim graph as RDF quads and an rdflib Dataset.

``sample_graph()`` builds, by hand from model objects, a small graph that has
every node and edge kind, reader comments, a timestamped video source and text
that could break an IRI or a literal; the other export tests import it.
"""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from graph.assemble import assemble
from graph.errors import ExportError
from graph.ids import actor_id, claim_id, relation_id
from graph.model import (
    Actor,
    ActorKind,
    Claim,
    Document,
    DocumentKind,
    Extraction,
    Mention,
    Modality,
    Quantity,
    Relation,
    SectionKind,
    Source,
    Trust,
)
from graph.rdf import ACTORS_GRAPH, DATASET, ONTOLOGY_IRI, quads, to_dataset
from graph.vocab import CG, ID, OA, SCHEMA, WD

ARTICLE = "source/caravanserai"
COMMENTS = "source/caravanserai-comments"
NOTES = "source/zeihan-notes"
TRICKY = 'line one\nline "two" \\ <script>alert(1)</script> 中国石油 and الجزيرة'
ARTICLE_TEXT = (
    "Iran supplies drones to Russia. "
    "\"Sanctions won't stop us,\" said Сергей Шойгу. "
    "Up to 1.3 million people left; between 10 and 20 % moved to Kazakhstan. "
    + TRICKY
    + "\n--- comments ---\nChina supplies Russia too.\n"
)
NOTES_TEXT = (
    "[00:01:46] Iran sells Shahed drones to Russia.\n"
    "[00:03:20] Russia is at war with Ukraine.\n"
    "[00:04:10] About 500,000 people left Russia for Kazakhstan.\n"
)
SHOIGU = actor_id("Сергей Шойгу")
CHINESE_ORG = actor_id("中国石油")
ARABIC_ORG = actor_id("الجزيرة")


def _actor(name: str, kind: ActorKind, **kw) -> Actor:
    return Actor(actor_id(name), name, kind, **kw)


ACTORS = {
    "Iran": _actor("Iran", ActorKind.COUNTRY, wikidata="Q794", iso="IR"),
    "Russia": _actor("Russia", ActorKind.COUNTRY, wikidata="Q159", iso="RU",
                     aliases=("Moscow", "Russian")),
    "China": _actor("China", ActorKind.COUNTRY, wikidata="Q148", iso="CN"),
    "Kazakhstan": _actor("Kazakhstan", ActorKind.COUNTRY, wikidata="Q232"),
    "Ukraine": _actor("Ukraine", ActorKind.COUNTRY, wikidata="Q212"),
    "Shoigu": _actor("Сергей Шойгу", ActorKind.PERSON, roles=("minister",),
                     affiliations=(actor_id("Russia"),)),
    "Chinese org": _actor("中国石油", ActorKind.ORGANIZATION),
    "Arabic org": _actor("الجزيرة", ActorKind.ORGANIZATION),
}


def _claim(source: str, text: str, doc: str, modality=Modality.ASSERTED, **kw) -> Claim:
    start = doc.index(text)
    end = start + len(text)
    mentions = []
    for key in kw.pop("names", ()):
        actor = ACTORS[key]
        at = doc.find(actor.name, start, end)
        span = (at, at + len(actor.name)) if at >= 0 else (start, end)
        mentions.append(Mention(actor.id, actor.name, *span, "gazetteer"))
    mentions = tuple(mentions)
    return Claim(claim_id(source, start, end), source, " ".join(text.split()), start, end,
                 SectionKind.BODY, modality, mentions=mentions, **kw)


def sample_extractions() -> list[Extraction]:
    """Two documents: an article with reader comments, and timestamped video notes."""
    a = ARTICLE_TEXT
    c_supply = _claim(ARTICLE, "Iran supplies drones to Russia.", a, names=("Iran", "Russia"),
                      heading="Drones & <sanctions>")
    c_said = _claim(ARTICLE, "\"Sanctions won't stop us,\" said Сергей Шойгу.", a,
                    Modality.REPORTED, speaker_id=SHOIGU, names=("Shoigu",))
    q_text = "Up to 1.3 million people left; between 10 and 20 % moved to Kazakhstan."
    q_start = a.index(q_text)
    c_qty = _claim(ARTICLE, q_text, a, Modality.HEDGED, names=("Kazakhstan",), quantities=(
        Quantity("1.3 million people", q_start + 6, q_start + 24, "people", value=1300000.0,
                 qualifier="up to", subject="people who left"),
        Quantity("10 and 20 %", q_start + 39, q_start + 50, "percent", min_value=10.0,
                 max_value=20.0),
    ))
    c_tricky = _claim(ARTICLE, TRICKY, a, names=("Chinese org", "Arabic org"))
    c_comment = _claim(COMMENTS, "China supplies Russia too.", a, names=("China", "Russia"))
    article = Document(
        path="corpus/caravanserai.txt", text=a, kind=DocumentKind.ARTICLE, segments=(),
        sources=(
            Source(ARTICLE, 'Russia\'s IT "exodus" — Исход', DocumentKind.ARTICLE,
                   "corpus/caravanserai.txt", url="https://example.org/news?id=1&lang=en",
                   publisher="Caravanserai", author="A. Writer"),
            Source(COMMENTS, "Reader comments", DocumentKind.ARTICLE,
                   "corpus/caravanserai.txt", trust=Trust.READER_COMMENTS,
                   parent_id=ARTICLE),
        ),
    )
    ex_article = Extraction(
        article,
        actors=tuple(ACTORS[k] for k in ("Iran", "Russia", "China", "Kazakhstan", "Shoigu",
                                         "Chinese org", "Arabic org")),
        claims=(c_supply, c_said, c_qty, c_tricky, c_comment),
        relations=(
            Relation(ACTORS["Iran"].id, "suppliesTo", ACTORS["Russia"].id, c_supply.id,
                     "supply-verb", 0.8),
            Relation(ACTORS["Russia"].id, "migratesTo", ACTORS["Kazakhstan"].id, c_qty.id,
                     "migration", 0.6),
            Relation(ACTORS["China"].id, "suppliesTo", ACTORS["Russia"].id, c_comment.id,
                     "supply-verb", 0.7),
        ),
    )
    n = NOTES_TEXT
    c_sells = _claim(NOTES, "Iran sells Shahed drones to Russia.", n, names=("Iran", "Russia"),
                     timestamp=106)
    c_war = _claim(NOTES, "Russia is at war with Ukraine.", n, names=("Russia", "Ukraine"),
                   timestamp=200)
    # The article counts 1.3 million people who left: figures in conflict (graph.conflicts).
    left = "About 500,000 people left Russia for Kazakhstan."
    left_at = n.index(left)
    c_left = _claim(NOTES, left, n, names=("Russia", "Kazakhstan"), timestamp=250, quantities=(
        Quantity("500,000 people", left_at + 6, left_at + 20, "people", value=500000.0,
                 qualifier="about", subject="People who left"),
    ))
    notes = Document(
        path="corpus/zeihan-notes.md", text=n, kind=DocumentKind.MARKDOWN, segments=(),
        sources=(Source(NOTES, "Zeihan: post-collapse Russia", DocumentKind.MARKDOWN,
                        "corpus/zeihan-notes.md",
                        url="https://www.youtube.com/watch?v=abc123", channel="Zeihan"),),
    )
    ex_notes = Extraction(
        notes,
        actors=(ACTORS["Iran"], ACTORS["Russia"], ACTORS["Ukraine"], ACTORS["Kazakhstan"]),
        claims=(c_sells, c_war, c_left),
        relations=(
            Relation(ACTORS["Iran"].id, "suppliesTo", ACTORS["Russia"].id, c_sells.id,
                     "supply-verb", 0.9),
            Relation(ACTORS["Ukraine"].id, "atWarWith", ACTORS["Russia"].id, c_war.id,
                     "war", 0.95),
        ),
    )
    return [ex_article, ex_notes]


def sample_graph() -> nx.MultiDiGraph:
    """The sample claim graph, assembled from :func:`sample_extractions`."""
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return sample_graph()


@pytest.fixture(scope="module")
def dataset(graph):
    return to_dataset(graph)


def _claim_node(graph: nx.MultiDiGraph, text_start: str) -> URIRef:
    nid = next(n for n, d in graph.nodes(data=True)
               if d["type"] == "claim" and d["text"].startswith(text_start))
    return ID[nid]


def test_to_dataset_puts_claims_in_their_source_graph(graph, dataset):
    claim = _claim_node(graph, "Iran supplies")
    article = dataset.graph(ID[ARTICLE])
    assert (claim, RDF.type, SCHEMA.Claim) in article
    assert (claim, PROV.wasDerivedFrom, ID[ARTICLE]) in article
    assert (URIRef(claim + "#quote"), RDF.type, OA.TextQuoteSelector) in article
    assert (claim, RDF.type, SCHEMA.Claim) not in dataset.graph(ACTORS_GRAPH)


def test_to_dataset_keeps_reader_comments_in_their_own_graph(graph, dataset):
    comment = _claim_node(graph, "China supplies")
    comments = dataset.graph(ID[COMMENTS])
    assert (comment, RDF.type, SCHEMA.Claim) in comments
    assert (ID[COMMENTS], CG.trust, CG.ReaderComments) in comments
    assert (ID[COMMENTS], DCTERMS.isPartOf, ID[ARTICLE]) in comments
    assert (comment, RDF.type, SCHEMA.Claim) not in dataset.graph(ID[ARTICLE])
    assert (ID[ARTICLE], CG.trust, CG.PrimarySource) in dataset.graph(ID[ARTICLE])
    # A commenter asserts no relationship.
    china, russia = ID["actor/china"], ID["actor/russia"]
    assert (china, CG.suppliesTo, russia) not in dataset.graph(ACTORS_GRAPH)


def test_to_dataset_writes_actor_contract(dataset):
    shared = dataset.graph(ACTORS_GRAPH)
    russia = ID["actor/russia"]
    assert {o for o in shared.objects(russia, RDF.type)} == {CG.Actor, CG.Country}
    assert list(shared.objects(russia, RDFS.label)) == [Literal("Russia")]
    assert list(shared.objects(russia, OWL.sameAs)) == [WD.Q159]
    shoigu = ID[SHOIGU]
    assert list(shared.objects(shoigu, RDFS.label)) == [Literal("Сергей Шойгу")]
    assert (shoigu, CG.affiliatedWith, russia) in shared
    assert (shoigu, OWL.sameAs, None) not in shared


def test_to_dataset_writes_direct_triple_and_statement_per_relationship(graph, dataset):
    shared = dataset.graph(ACTORS_GRAPH)
    iran, russia = ID["actor/iran"], ID["actor/russia"]
    assert (iran, CG.suppliesTo, russia) in shared
    stmt = ID[relation_id("actor/iran", "suppliesTo", "actor/russia")]
    assert (stmt, RDF.type, RDF.Statement) in shared
    assert (stmt, RDF.subject, iran) in shared
    assert (stmt, RDF.predicate, CG.suppliesTo) in shared
    assert (stmt, RDF.object, russia) in shared
    claims = set(shared.objects(stmt, PROV.wasDerivedFrom))
    assert claims == {_claim_node(graph, "Iran supplies"), _claim_node(graph, "Iran sells")}
    assert set(shared.objects(stmt, DCTERMS.source)) == {ID[ARTICLE], ID[NOTES]}
    assert list(shared.objects(stmt, CG.confidence)) == [Literal("0.9", datatype=XSD.decimal)]
    assert list(shared.objects(stmt, CG.claimCount)) == [Literal("2", datatype=XSD.integer)]
    assert list(shared.objects(stmt, CG.sourceCount)) == [Literal("2", datatype=XSD.integer)]
    war = ID[relation_id("actor/russia", "atWarWith", "actor/ukraine")]
    assert shared.value(war, CG.claimCount).toPython() == 1
    assert shared.value(war, CG.sourceCount).toPython() == 1


def test_to_dataset_writes_symmetric_relation_once(dataset):
    union = set(dataset.quads((None, CG.atWarWith, None, None)))
    assert [(s, o) for s, _, o, _ in union] == [(ID["actor/russia"], ID["actor/ukraine"])]


def test_to_dataset_writes_claim_provenance_and_selectors(graph, dataset):
    claim = _claim_node(graph, "line one")
    g = dataset.graph(ID[ARTICLE])
    start = ARTICLE_TEXT.index(TRICKY)
    assert g.value(claim, CG.startOffset) == Literal(start, datatype=XSD.integer)
    position = URIRef(claim + "#position")
    assert g.value(position, OA.start).toPython() == start
    assert g.value(position, OA.end).toPython() == start + len(TRICKY)
    assert str(g.value(URIRef(claim + "#quote"), OA.exact)) == TRICKY
    assert str(g.value(claim, SCHEMA.text)) == " ".join(TRICKY.split())
    assert g.value(URIRef(claim + "#target"), OA.hasSource) == ID[ARTICLE]
    said = _claim_node(graph, '"Sanctions')
    assert g.value(said, PROV.wasAttributedTo) == ID[SHOIGU]
    assert g.value(said, CG.modality) == CG.Reported


def test_to_dataset_points_comment_selectors_at_the_article_text(graph, dataset):
    comment = _claim_node(graph, "China supplies")
    g = dataset.graph(ID[COMMENTS])
    assert g.value(URIRef(comment + "#target"), OA.hasSource) == ID[ARTICLE]


def test_to_dataset_links_video_time(graph, dataset):
    claim = _claim_node(graph, "Iran sells")
    g = dataset.graph(ID[NOTES])
    assert g.value(claim, CG.videoTime) == Literal(106, datatype=XSD.integer)
    assert g.value(claim, CG.videoLink) == URIRef("https://www.youtube.com/watch?v=abc123&t=106s")
    assert g.value(ID[NOTES], DCTERMS.source) == URIRef("https://www.youtube.com/watch?v=abc123")


def test_to_dataset_writes_exact_decimal_quantities(graph, dataset):
    claim = _claim_node(graph, "Up to")
    g = dataset.graph(ID[ARTICLE])
    qs = list(g.objects(claim, CG.statesQuantity))
    values = {str(g.value(q, SCHEMA.unitText)): q for q in qs}
    assert g.value(values["people"], SCHEMA.value) == Literal("1300000.0", datatype=XSD.decimal)
    assert str(g.value(values["people"], CG.qualifier)) == "up to"
    assert str(g.value(values["percent"], SCHEMA.minValue)) == "10.0"
    assert str(g.value(values["percent"], SCHEMA.maxValue)) == "20.0"
    assert (values["percent"], SCHEMA.value, None) not in g


def test_to_dataset_imports_the_ontology(dataset):
    assert (DATASET, OWL.imports, ONTOLOGY_IRI) in dataset.graph(ACTORS_GRAPH)


def test_quads_have_no_blank_nodes(graph):
    from rdflib import BNode

    assert not any(isinstance(t, BNode) for q in quads(graph) for t in q)


def test_quads_are_the_same_for_the_same_graph():
    assert quads(sample_graph()) == quads(assemble(reversed(sample_extractions())))


def test_quads_refuse_an_id_unsafe_in_an_iri():
    g = nx.MultiDiGraph()
    g.add_node('actor/a"b', type="actor", name="A", kind="Country")
    with pytest.raises(ExportError, match="not safe in an IRI"):
        quads(g)


def test_quads_refuse_a_node_without_type():
    g = nx.MultiDiGraph()
    g.add_node("actor/a")
    with pytest.raises(ExportError, match="no known type"):
        quads(g)


def test_quads_refuse_an_unknown_relation():
    g = nx.MultiDiGraph()
    g.add_node("actor/a", type="actor", name="A", kind="Country")
    g.add_node("actor/b", type="actor", name="B", kind="Country")
    g.add_edge("actor/a", "actor/b", key="likes", claims=[])
    with pytest.raises(ExportError, match="unknown relation 'likes'"):
        quads(g)


def test_quads_encode_an_unsafe_source_url():
    g = nx.MultiDiGraph()
    g.add_node("source/s", type="source", title="t", trust="primary",
               url='https://ex.org/a b"<c>')
    urls = [o for _, p, o, _ in quads(g) if p == DCTERMS.source]
    assert urls == [URIRef("https://ex.org/a%20b%22%3Cc%3E")]


def _ontology():
    from rdflib import Graph

    from graph.rdf import ONTOLOGY_PATH

    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def test_ontology_defines_every_cg_term_the_export_uses(graph):
    onto = _ontology()
    used = {t for q in quads(graph) for t in q[:3]
            if isinstance(t, URIRef) and str(t).startswith(str(CG))}
    undefined = {t for t in used if (t, RDFS.label, None) not in onto}
    assert used and not undefined, undefined


def test_ontology_describes_every_relation_of_the_spec():
    from graph.vocab import RELATIONS

    onto = _ontology()
    for name in RELATIONS:
        p = CG[name]
        assert (p, RDFS.domain, CG.Actor) in onto, name
        assert (p, RDFS.range, CG.Actor) in onto, name
        assert (p, RDFS.comment, None) in onto, name
    symmetric = set(onto.subjects(RDF.type, OWL.SymmetricProperty))
    assert symmetric == {CG.cooperatesWith, CG.atWarWith}


def test_ontology_declares_classes_and_version():
    from graph.rdf import ontology_version

    onto = _ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert ontology_version() == str(onto.value(ONTOLOGY_IRI, OWL.versionInfo))
    for kind in ActorKind:
        assert (CG[kind.value], RDFS.subClassOf, CG.Actor) in onto
    assert (CG.Source, RDFS.subClassOf, PROV.Entity) in onto
    assert (CG.Relationship, RDFS.subClassOf, RDF.Statement) in onto
    assert set(onto.subjects(RDF.type, CG.Modality)) == {
        CG.Asserted, CG.Hedged, CG.Forecast, CG.Reported, CG.Negated}
    assert set(onto.subjects(RDF.type, CG.Trust)) == {CG.PrimarySource, CG.ReaderComments}
