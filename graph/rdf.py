"""Turn the claim graph (networkx) into RDF quads and an rdflib Dataset.

The mapping is the one documented in :mod:`graph.vocab`. Triples are built in one
pass over the nodes and edges and placed in named graphs:

``<source IRI>`` (e.g. ``id:source/x``)
    The source node itself, every claim derived from it, the claim's
    ``#target``/``#position``/``#quote`` nodes and the quantities it states.
    Reader comments are a source of their own (``cg:trust cg:ReaderComments``), so
    they always sit in a graph of their own and can be left out of a query with
    ``FROM NAMED`` / ``GRAPH`` patterns.
``id:graph/actors`` (:data:`ACTORS_GRAPH`)
    Actors, the direct relationship triples ``?a cg:<relation> ?b``, their
    statement nodes (a relationship may be backed by claims of several sources, so
    its statement is shared; ``dcterms:source`` on it names every source), the
    figure conflicts of :mod:`graph.conflicts` (``cg:FigureConflict``: figures that
    disagree, found once here so that queries need not compare every figure) and
    the description of the dataset itself (:data:`DATASET`).

The ontology is *referenced*, not copied: ``id:dataset a owl:Ontology ; owl:imports
<https://w3id.org/claimgraph/ontology>``. Its text lives in ``data/ontology.ttl``.

No blank nodes are made: auxiliary nodes are fragments of their claim's IRI.

Examples
--------
>>> decimal_text(1300000.0), decimal_text(0.8), decimal_text(1e-07), decimal_text(Decimal("5"))
('1300000.0', '0.8', '0.0000001', '5.0')
>>> video_link("https://www.youtube.com/watch?v=abc", 106)
'https://www.youtube.com/watch?v=abc&t=106s'
>>> video_link("https://example.org/talk.mp4", 106)
'https://example.org/talk.mp4#t=106'
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD
from rdflib.term import Node

from graph.conflicts import FigureConflict, find_conflicts, stated_figures
from graph.data import DATA
from graph.errors import ExportError
from graph.ids import relation_id
from graph.model import ActorKind
from graph.vocab import (
    CG,
    ID,
    MODALITY_CLASS_TERMS,
    OA,
    PREFIXES,
    RELATIONS,
    SCHEMA,
    TRUST_TERMS,
    WD,
)

ONTOLOGY_PATH = DATA / "ontology.ttl"
"""The ontology file that defines every ``cg:`` term."""

ONTOLOGY_IRI = URIRef("https://w3id.org/claimgraph/ontology")
"""Stable IRI of the ontology, imported by every export."""

ACTORS_GRAPH = ID["graph/actors"]
"""Name of the shared graph: actors, relationships and the dataset description."""

DATASET = ID["dataset"]
"""IRI of the dataset description (``owl:imports`` the ontology)."""

RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

Quad = tuple[URIRef, URIRef, Node, URIRef]
"""One statement: subject, predicate, object, graph name."""

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
"""Only web URLs become IRIs: javascript:, data: or file: values stay out of the RDF."""
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


@functools.lru_cache(maxsize=1 << 16)
def node_iri(node_id: str) -> URIRef:
    """Return the IRI of a graph node, refusing ids that would break an IRI.

    >>> str(node_iri("actor/russia"))
    'https://w3id.org/claimgraph/actor/russia'
    >>> node_iri("actor/a b")
    Traceback (most recent call last):
    ...
    graph.errors.ExportError: node id 'actor/a b' is not safe in an IRI
    """
    if not isinstance(node_id, str) or not _SAFE_ID.fullmatch(node_id):
        raise ExportError(f"node id {node_id!r} is not safe in an IRI")
    return ID[node_id]


def url_iri(url: str | None) -> URIRef | None:
    """Return ``url`` as an IRI with unsafe characters percent-encoded.

    ``None`` for a missing or relative URL (it would resolve against the file) and for
    any scheme but http(s).

    >>> str(url_iri('https://ex.org/a b"<x>'))
    'https://ex.org/a%20b%22%3Cx%3E'
    >>> url_iri("notes/a.md") is None
    True
    >>> url_iri("javascript:alert(1)") is None
    True
    """
    if not url or not _SCHEME.match(url):
        return None
    return URIRef(quote(url.strip(), safe=_IRI_SAFE))


def decimal_text(value: float | int | Decimal) -> str:
    """Return ``value`` as the text of an exact ``xsd:decimal``, never in E notation.

    Integral values keep a ``.0`` so that Turtle writes them as bare decimals.
    """
    if isinstance(value, bool) or not math.isfinite(float(value)):
        raise ExportError(f"{value!r} is not a finite number")
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(exact, "f")
    if "." not in text:
        text += ".0"
    return text


def video_link(url: str, seconds: int) -> str:
    """Return a link to ``seconds`` into the video at ``url``.

    YouTube watch URLs get ``&t=<s>s`` (what YouTube understands), youtu.be short
    links ``?t=<s>s``, anything else a Media Fragments ``#t=<s>``.
    """
    base = url.split("#", 1)[0]
    if re.match(r"https?://(www\.|m\.)?youtube\.com/watch\?", base):
        return f"{base}&t={int(seconds)}s"
    if re.match(r"https?://youtu\.be/[^?]+$", base):
        return f"{base}?t={int(seconds)}s"
    return f"{base}#t={int(seconds)}"


@functools.cache
def ontology_version() -> str:
    """Return the ``owl:versionInfo`` of ``data/ontology.ttl``.

    >>> ontology_version().count(".") >= 1
    True
    """
    onto = Graph().parse(ONTOLOGY_PATH, format="turtle")
    version = onto.value(ONTOLOGY_IRI, OWL.versionInfo)
    if version is None:
        raise ExportError(f"{ONTOLOGY_PATH}: no owl:versionInfo on {ONTOLOGY_IRI}")
    return str(version)


# Terms used per triple, made once, as pyoxigraph terms: the exports are written by
# pyoxigraph, and its terms cost a fraction of rdflib's to make.
def _ox(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


@functools.lru_cache(maxsize=1 << 16)
def _node(node_id: str) -> ox.NamedNode:
    return ox.NamedNode(str(node_iri(node_id)))


def _url(url: str | None) -> ox.NamedNode | None:
    iri = url_iri(url)
    return None if iri is None else ox.NamedNode(str(iri))


_OX_DECIMAL = ox.NamedNode(str(XSD.decimal))
_OX_INTEGER = ox.NamedNode(str(XSD.integer))


def _decimal(value: float | int | Decimal) -> ox.Literal:
    return ox.Literal(decimal_text(value), datatype=_OX_DECIMAL)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_OX_INTEGER)


_Lit = ox.Literal
_Quad = ox.Quad
_OX_ACTORS_GRAPH = _ox(ACTORS_GRAPH)
_OX_DATASET = _ox(DATASET)
_OX_ONTOLOGY = _ox(ONTOLOGY_IRI)
_OX_RDFS_LABEL = _ox(RDFS_LABEL)
_OX_CG = {key: _ox(CG[key]) for key in RELATIONS}
_OX_KINDS = {k.value: _ox(CG[k.value]) for k in ActorKind}
_OX_MODALITY = {k: _ox(v) for k, v in MODALITY_CLASS_TERMS.items()}
_OX_TRUST = {k: _ox(v) for k, v in TRUST_TERMS.items()}
_CG_Actor = _ox(CG.Actor)
_CG_FigureConflict = _ox(CG.FigureConflict)
_CG_Relationship = _ox(CG.Relationship)
_CG_Source = _ox(CG.Source)
_CG_about = _ox(CG.about)
_CG_affiliatedWith = _ox(CG.affiliatedWith)
_CG_claimCount = _ox(CG.claimCount)
_CG_concerns = _ox(CG.concerns)
_CG_conflictKind = _ox(CG.conflictKind)
_CG_confidence = _ox(CG.confidence)
_CG_endOffset = _ox(CG.endOffset)
_CG_figures = _ox(CG.figures)
_CG_heading = _ox(CG.heading)
_CG_highestClaim = _ox(CG.highestClaim)
_CG_isoCode = _ox(CG.isoCode)
_CG_lowestClaim = _ox(CG.lowestClaim)
_CG_mentions = _ox(CG.mentions)
_CG_modality = _ox(CG.modality)
_CG_qualifier = _ox(CG.qualifier)
_CG_role = _ox(CG.role)
_CG_rule = _ox(CG.rule)
_CG_section = _ox(CG.section)
_CG_sourceCount = _ox(CG.sourceCount)
_CG_startOffset = _ox(CG.startOffset)
_CG_statesQuantity = _ox(CG.statesQuantity)
_CG_trust = _ox(CG.trust)
_CG_videoLink = _ox(CG.videoLink)
_CG_videoTime = _ox(CG.videoTime)
_DCTERMS_creator = _ox(DCTERMS.creator)
_DCTERMS_isPartOf = _ox(DCTERMS.isPartOf)
_DCTERMS_publisher = _ox(DCTERMS.publisher)
_DCTERMS_source = _ox(DCTERMS.source)
_DCTERMS_title = _ox(DCTERMS.title)
_OA_SpecificResource = _ox(OA.SpecificResource)
_OA_TextPositionSelector = _ox(OA.TextPositionSelector)
_OA_TextQuoteSelector = _ox(OA.TextQuoteSelector)
_OA_end = _ox(OA.end)
_OA_exact = _ox(OA.exact)
_OA_hasSelector = _ox(OA.hasSelector)
_OA_hasSource = _ox(OA.hasSource)
_OA_hasTarget = _ox(OA.hasTarget)
_OA_start = _ox(OA.start)
_OWL_Ontology = _ox(OWL.Ontology)
_OWL_imports = _ox(OWL.imports)
_OWL_sameAs = _ox(OWL.sameAs)
_PROV_Entity = _ox(PROV.Entity)
_PROV_wasAttributedTo = _ox(PROV.wasAttributedTo)
_PROV_wasDerivedFrom = _ox(PROV.wasDerivedFrom)
_RDF_Statement = _ox(RDF.Statement)
_RDF_object = _ox(RDF.object)
_RDF_predicate = _ox(RDF.predicate)
_RDF_subject = _ox(RDF.subject)
_RDF_type = _ox(RDF.type)
_SCHEMA_Claim = _ox(SCHEMA.Claim)
_SCHEMA_QuantitativeValue = _ox(SCHEMA.QuantitativeValue)
_SCHEMA_maxValue = _ox(SCHEMA.maxValue)
_SCHEMA_minValue = _ox(SCHEMA.minValue)
_SCHEMA_text = _ox(SCHEMA.text)
_SCHEMA_unitText = _ox(SCHEMA.unitText)
_SCHEMA_value = _ox(SCHEMA.value)
_SKOS_altLabel = _ox(SKOS.altLabel)


def _source_quads(nid: str, data: dict) -> Iterator[ox.Quad]:
    s = _node(nid)
    g = s
    yield _Quad(s, _RDF_type, _PROV_Entity, g)
    yield _Quad(s, _RDF_type, _CG_Source, g)
    yield _Quad(s, _DCTERMS_title, _Lit(data.get("title") or ""), g)
    url = _url(data.get("url"))
    if url is not None:
        yield _Quad(s, _DCTERMS_source, url, g)
    if data.get("publisher"):
        yield _Quad(s, _DCTERMS_publisher, _Lit(data["publisher"]), g)
    if data.get("author"):
        yield _Quad(s, _DCTERMS_creator, _Lit(data["author"]), g)
    trust = _OX_TRUST.get(data.get("trust") or "primary")
    if trust is None:
        raise ExportError(f"source {nid!r}: unknown trust {data.get('trust')!r}")
    yield _Quad(s, _CG_trust, trust, g)
    if data.get("parent"):
        yield _Quad(s, _DCTERMS_isPartOf, _node(data["parent"]), g)


def _actor_quads(nid: str, data: dict) -> Iterator[ox.Quad]:
    a = _node(nid)
    g = _OX_ACTORS_GRAPH
    kind = data.get("kind")
    if kind not in {k.value for k in ActorKind}:
        raise ExportError(f"actor {nid!r}: unknown kind {kind!r}")
    name = data.get("name") or ""
    yield _Quad(a, _RDF_type, _CG_Actor, g)
    yield _Quad(a, _RDF_type, _OX_KINDS[kind], g)
    yield _Quad(a, _OX_RDFS_LABEL, _Lit(name), g)
    if data.get("wikidata"):
        yield _Quad(a, _OWL_sameAs, _ox(WD[str(data["wikidata"]).rsplit("/", 1)[-1]]), g)
    for alias in data.get("aliases") or ():
        if alias != name:
            yield _Quad(a, _SKOS_altLabel, _Lit(alias), g)
    if data.get("iso"):
        yield _Quad(a, _CG_isoCode, _Lit(data["iso"]), g)
    for role in data.get("roles") or ():
        yield _Quad(a, _CG_role, _Lit(role), g)
    for other in data.get("affiliations") or ():
        yield _Quad(a, _CG_affiliatedWith, _node(other), g)


def _claim_quads(graph: nx.MultiDiGraph, nid: str, data: dict) -> Iterator[ox.Quad]:
    c = _node(nid)
    src_id = data.get("source")
    source = graph.nodes.get(src_id) if src_id is not None else None
    if source is None or source.get("type") != "source":
        raise ExportError(f"claim {nid!r}: its source {src_id!r} is not in the graph")
    g = _node(src_id)
    modality = _OX_MODALITY.get(data.get("modality"))
    if modality is None:
        raise ExportError(f"claim {nid!r}: unknown modality {data.get('modality')!r}")
    yield _Quad(c, _RDF_type, _SCHEMA_Claim, g)
    yield _Quad(c, _SCHEMA_text, _Lit(data.get("text") or ""), g)
    yield _Quad(c, _PROV_wasDerivedFrom, g, g)
    yield _Quad(c, _CG_modality, modality, g)
    if data.get("section"):
        yield _Quad(c, _CG_section, _Lit(data["section"]), g)
    if data.get("heading"):
        yield _Quad(c, _CG_heading, _Lit(data["heading"]), g)
    start, end = int(data["start"]), int(data["end"])
    yield _Quad(c, _CG_startOffset, _integer(start), g)
    yield _Quad(c, _CG_endOffset, _integer(end), g)
    if data.get("timestamp") is not None:
        yield _Quad(c, _CG_videoTime, _integer(data["timestamp"]), g)
        url = source.get("url") or (graph.nodes.get(source.get("parent")) or {}).get("url")
        link = _url(video_link(url, data["timestamp"])) if url else None
        if link is not None:
            yield _Quad(c, _CG_videoLink, link, g)
    for target, keyed in graph.succ[nid].items():
        for key in keyed:
            if key == "mentions":
                yield _Quad(c, _CG_mentions, _node(target), g)
            elif key == "attributedTo":
                yield _Quad(c, _PROV_wasAttributedTo, _node(target), g)
            elif key == "states":
                yield _Quad(c, _CG_statesQuantity, _node(target), g)
    # The offsets index the text of the document read; for reader comments, that
    # is the article they belong to.
    text_source = _node(source.get("parent") or src_id)
    iri = c.value
    target = ox.NamedNode(iri + "#target")
    position = ox.NamedNode(iri + "#position")
    quote_ = ox.NamedNode(iri + "#quote")
    yield _Quad(c, _OA_hasTarget, target, g)
    yield _Quad(target, _RDF_type, _OA_SpecificResource, g)
    yield _Quad(target, _OA_hasSource, text_source, g)
    yield _Quad(target, _OA_hasSelector, position, g)
    yield _Quad(target, _OA_hasSelector, quote_, g)
    yield _Quad(position, _RDF_type, _OA_TextPositionSelector, g)
    yield _Quad(position, _OA_start, _integer(start), g)
    yield _Quad(position, _OA_end, _integer(end), g)
    yield _Quad(quote_, _RDF_type, _OA_TextQuoteSelector, g)
    yield _Quad(quote_, _OA_exact, _Lit(data.get("exact") or ""), g)


def _quantity_quads(graph: nx.MultiDiGraph, nid: str, data: dict) -> Iterator[ox.Quad]:
    q = _node(nid)
    claim = graph.nodes.get(data.get("claim")) if data.get("claim") is not None else None
    if claim is None or claim.get("type") != "claim":
        raise ExportError(f"quantity {nid!r}: its claim {data.get('claim')!r} is not in the graph")
    g = _node(claim["source"])
    yield _Quad(q, _RDF_type, _SCHEMA_QuantitativeValue, g)
    for attr, prop in (("value", _SCHEMA_value), ("min_value", _SCHEMA_minValue),
                       ("max_value", _SCHEMA_maxValue)):
        if data.get(attr) is not None:
            yield _Quad(q, prop, _decimal(data[attr]), g)
    if data.get("unit"):
        yield _Quad(q, _SCHEMA_unitText, _Lit(data["unit"]), g)
    if data.get("qualifier"):
        yield _Quad(q, _CG_qualifier, _Lit(data["qualifier"]), g)
    if data.get("subject"):
        yield _Quad(q, _CG_about, _Lit(data["subject"]), g)


def _relation_quads(s_id: str, o_id: str, key: str, data: dict) -> Iterator[ox.Quad]:
    if key not in RELATIONS:
        raise ExportError(f"edge {s_id!r} -> {o_id!r}: unknown relation {key!r}")
    g = _OX_ACTORS_GRAPH
    s, o, p = _node(s_id), _node(o_id), _OX_CG[key]
    r = _node(relation_id(s_id, key, o_id))
    yield _Quad(s, p, o, g)
    yield _Quad(r, _RDF_type, _RDF_Statement, g)
    yield _Quad(r, _RDF_type, _CG_Relationship, g)
    yield _Quad(r, _RDF_subject, s, g)
    yield _Quad(r, _RDF_predicate, p, g)
    yield _Quad(r, _RDF_object, o, g)
    for claim in data.get("claims") or ():
        yield _Quad(r, _PROV_wasDerivedFrom, _node(claim), g)
    for rule in data.get("rules") or ():
        yield _Quad(r, _CG_rule, _Lit(rule), g)
    for source in data.get("sources") or ():
        yield _Quad(r, _DCTERMS_source, _node(source), g)
    # How well the relationship is backed (distinct claims and sources), counted
    # once here so that queries need not aggregate every statement; data/shapes.ttl
    # checks that both match the values above.
    yield _Quad(r, _CG_claimCount, _integer(len(set(data.get("claims") or ()))), g)
    yield _Quad(r, _CG_sourceCount, _integer(len(set(data.get("sources") or ()))), g)
    if data.get("confidence") is not None:
        yield _Quad(r, _CG_confidence, _decimal(data["confidence"]), g)


def _conflict_quads(conflict: FigureConflict) -> Iterator[ox.Quad]:
    g = _OX_ACTORS_GRAPH
    c = _node(conflict.id)
    yield _Quad(c, _RDF_type, _CG_FigureConflict, g)
    yield _Quad(c, _CG_conflictKind, _Lit(conflict.kind), g)
    yield _Quad(c, _SCHEMA_unitText, _Lit(conflict.unit), g)
    if conflict.about:
        yield _Quad(c, _CG_about, _Lit(conflict.about), g)
    if conflict.actor:
        yield _Quad(c, _CG_concerns, _node(conflict.actor), g)
    yield _Quad(c, _SCHEMA_minValue, _decimal(conflict.lowest), g)
    yield _Quad(c, _SCHEMA_maxValue, _decimal(conflict.highest), g)
    yield _Quad(c, _CG_figures, _Lit(conflict.figures), g)
    # Only the claims at the extremes are cited (and their sources): a conflict of a
    # much-cited actor gathers thousands of claims, and checking that many values of
    # one node costs a SHACL engine time quadratic in their number (graph/conflicts.py).
    yield _Quad(c, _CG_lowestClaim, _node(conflict.lowest_claim), g)
    yield _Quad(c, _CG_highestClaim, _node(conflict.highest_claim), g)
    for claim in conflict.cited_claims:
        yield _Quad(c, _PROV_wasDerivedFrom, _node(claim), g)
    for source in conflict.cited_sources:
        yield _Quad(c, _DCTERMS_source, _node(source), g)
    # The counts are of every claim and source of the group, not only the cited.
    yield _Quad(c, _CG_claimCount, _integer(conflict.claim_count), g)
    yield _Quad(c, _CG_sourceCount, _integer(conflict.source_count), g)


def quads(graph: nx.MultiDiGraph) -> list[Quad]:
    """Return every RDF statement for ``graph`` as sorted quads.

    The concatenation of :func:`named_graphs`, in its order.

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.

    Returns
    -------
    list of Quad
        ``(subject, predicate, object, graph name)`` tuples, unique, grouped by
        named graph and sorted within each.

    Raises
    ------
    ExportError
        If a node has no known ``type``, an id is unsafe in an IRI, or a claim or
        quantity points at a node that is missing.

    Examples
    --------
    >>> (DATASET, OWL.imports, ONTOLOGY_IRI, ACTORS_GRAPH) in quads(nx.MultiDiGraph())
    True
    """
    return [rdflib_quad(item) for _, chunk in named_graphs(graph) for item in chunk]


_XSD_STRING = str(XSD.string)


def rdflib_term(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    """The rdflib term for a pyoxigraph IRI or literal.

    >>> rdflib_term(ox.Literal("42", datatype=ox.NamedNode(str(XSD.integer)))).toPython()
    42
    """
    if type(term) is ox.NamedNode:
        return URIRef(term.value)
    if type(term) is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise ExportError(f"cannot export a {type(term).__name__} ({term!r}): no blank nodes")


def rdflib_quad(item: ox.Quad) -> Quad:
    """``item`` as an rdflib ``(subject, predicate, object, graph name)`` tuple."""
    s, p, o, g = item
    return rdflib_term(s), rdflib_term(p), rdflib_term(o), rdflib_term(g)


def _graph_of(graph: nx.MultiDiGraph, nid: str, data: dict) -> str | None:
    """The id of the source whose named graph holds node ``nid`` (None: the actors graph)."""
    kind = data.get("type")
    if kind == "source":
        return nid
    if kind == "claim":
        if data.get("source") is None:
            raise ExportError(f"claim {nid!r}: its source None is not in the graph")
        return data["source"]
    if kind == "quantity":
        claim = graph.nodes.get(data.get("claim")) if data.get("claim") is not None else None
        if claim is None or claim.get("type") != "claim":
            raise ExportError(
                f"quantity {nid!r}: its claim {data.get('claim')!r} is not in the graph")
        return claim.get("source")
    if kind == "actor":
        return None
    raise ExportError(f"node {nid!r} has no known type ({kind!r})")


def named_graphs(graph: nx.MultiDiGraph) -> Iterator[tuple[URIRef, list[ox.Quad]]]:
    """Yield ``(graph name, sorted unique quads)`` for each named graph.

    As :func:`named_graphs_with_nquads`, without the N-Quads text.
    """
    for name, items, _ in named_graphs_with_nquads(graph):
        yield name, items


def named_graphs_with_nquads(
    graph: nx.MultiDiGraph,
) -> Iterator[tuple[URIRef, list[ox.Quad], bytes]]:
    """Yield ``(graph name, sorted unique quads, their N-Quads lines)`` for each named graph.

    The quads are pyoxigraph's (what the exports are written with; see
    :func:`rdflib_quad` for rdflib's), sorted by their N-Quads text.

    Graphs come by name, except that a reader-comments graph comes right after the
    graph of its article (so a document's graphs can be checked together).

    Only one named graph's quads exist at a time, so the exports can be written
    graph by graph in memory that does not grow with the corpus (a source's graph
    holds its claims, their selectors and quantities; :data:`ACTORS_GRAPH` the
    actors, relationships, figure conflicts and the dataset description).

    Raises
    ------
    ExportError
        As :func:`quads`.
    """
    members: dict[str | None, list[tuple[str, dict]]] = {None: []}
    for nid, data in graph.nodes(data=True):
        members.setdefault(_graph_of(graph, nid, data), []).append((nid, data))
    names = {key: ACTORS_GRAPH if key is None else node_iri(key) for key in members}

    def order(key: str | None) -> tuple[str, str]:
        # A reader-comments graph follows the graph of its article.
        parent = None if key is None else (graph.nodes.get(key) or {}).get("parent")
        root = names[parent] if parent is not None and parent in names else names[key]
        return str(root), str(names[key])

    for key in sorted(members, key=order):
        out: list[ox.Quad] = []
        for nid, data in members.pop(key):
            kind = data["type"]
            if kind == "source":
                out.extend(_source_quads(nid, data))
            elif kind == "actor":
                out.extend(_actor_quads(nid, data))
            elif kind == "claim":
                out.extend(_claim_quads(graph, nid, data))
            else:
                out.extend(_quantity_quads(graph, nid, data))
        if key is None:
            out.append(_Quad(_OX_DATASET, _RDF_type, _OWL_Ontology, _OX_ACTORS_GRAPH))
            out.append(_Quad(_OX_DATASET, _OWL_imports, _OX_ONTOLOGY, _OX_ACTORS_GRAPH))
            for s_id, o_id, rel, data in graph.edges(keys=True, data=True):
                if (graph.nodes[s_id].get("type") == "actor"
                        and graph.nodes[o_id].get("type") == "actor"):
                    out.extend(_relation_quads(s_id, o_id, rel, data))
            for conflict in find_conflicts(stated_figures(graph)):
                out.extend(_conflict_quads(conflict))
        yield names[key], *_sorted_unique(out)


def _sorted_unique(items: list[ox.Quad]) -> tuple[list[ox.Quad], bytes]:
    """``items`` without repeats, sorted by their N-Quads text (a canonical order),
    and that text.

    The text comes from one pyoxigraph call for all of them (a line per quad),
    not one string per quad.
    """
    text = ox.serialize(items, format=ox.RdfFormat.N_QUADS)
    lines = text.split(b"\n")
    if len(lines) != len(items) + 1:  # one line per quad, then the end
        unique = {str(item): item for item in items}
        out = [unique[k] for k in sorted(unique)]
        return out, ox.serialize(out, format=ox.RdfFormat.N_QUADS)
    out: list[ox.Quad] = []
    kept: list[bytes] = []
    last = None
    for i in sorted(range(len(items)), key=lines.__getitem__):
        if lines[i] != last:
            last = lines[i]
            out.append(items[i])
            kept.append(last)
    kept.append(b"")
    return out, b"\n".join(kept)


def ntriples_from_nquads(nquads: bytes, name: URIRef | str) -> bytes:
    """The N-Triples lines of one named graph ``name``, from its N-Quads lines.

    Each N-Quads line is the N-Triples line with `` <name>`` before its final
    `` .``; a line holds no raw line break, so that text can only end a line, and
    cutting it keeps the lines in their order. Where a line does not end so, the
    text is parsed and written again.

    >>> ntriples_from_nquads(b'<http://e/a> <http://e/p> "x" <http://e/g> .\\n', "http://e/g")
    b'<http://e/a> <http://e/p> "x" .\\n'
    """
    suffix = f" <{name}> .\n".encode()
    lines = nquads.count(b"\n")
    if nquads.count(suffix) == lines and (not nquads or nquads.endswith(b"\n")):
        return nquads.replace(suffix, b" .\n")
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    return ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)


def bind_prefixes(rdf: Graph) -> Graph:
    """Bind every prefix of :data:`graph.vocab.PREFIXES` on ``rdf`` and return it."""
    for prefix, ns in PREFIXES.items():
        rdf.bind(prefix, str(ns), override=True, replace=True)
    return rdf


def dataset_from_quads(items: list[Quad]) -> Dataset:
    """Return an rdflib Dataset holding ``items``, with claimgraph's prefixes bound."""
    ds = Dataset()
    bind_prefixes(ds)
    named: dict[URIRef, Graph] = {}
    for g in {item[3] for item in items}:
        named[g] = ds.graph(g)
    ds.addN((s, p, o, named[g]) for s, p, o, g in items)
    return ds


def to_dataset(graph: nx.MultiDiGraph) -> Dataset:
    """Return the claim graph as an rdflib Dataset of named graphs.

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.

    Returns
    -------
    rdflib.Dataset
        One named graph per source (named by the source IRI) and the shared graph
        :data:`ACTORS_GRAPH`; see the module docstring.

    Examples
    --------
    >>> ds = to_dataset(nx.MultiDiGraph())
    >>> (DATASET, OWL.imports, ONTOLOGY_IRI) in ds.graph(ACTORS_GRAPH)
    True
    """
    return dataset_from_quads(quads(graph))
