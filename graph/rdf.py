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
    its statement is shared; ``dcterms:source`` on it names every source), and the
    description of the dataset itself (:data:`DATASET`).

The ontology is *referenced*, not copied: ``id:dataset a owl:Ontology ; owl:imports
<https://w3id.org/claimgraph/ontology>``. Its text lives in ``data/ontology.ttl``.

No blank nodes are made: auxiliary nodes are fragments of their claim's IRI.

Examples
--------
>>> decimal_literal(1300000.0)
rdflib.term.Literal('1300000.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
>>> str(decimal_literal(0.8)), str(decimal_literal(1e-07))
('0.8', '0.0000001')
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
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD
from rdflib.term import Node

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

_DECIMAL = XSD.decimal
_INTEGER = XSD.integer
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


def decimal_literal(value: float | int) -> Literal:
    """Return ``value`` as an exact ``xsd:decimal`` literal, never in E notation.

    Integral values keep a ``.0`` so that Turtle writes them as bare decimals.
    """
    if isinstance(value, bool) or not math.isfinite(float(value)):
        raise ExportError(f"{value!r} is not a finite number")
    text = format(Decimal(repr(value)), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=_DECIMAL)


def integer_literal(value: int) -> Literal:
    """Return ``value`` as an ``xsd:integer`` literal.

    >>> str(integer_literal(42)), integer_literal(42).datatype == XSD.integer
    ('42', True)
    """
    return Literal(str(int(value)), datatype=_INTEGER)


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


# Terms used per triple, made once (a Namespace lookup builds a new URIRef).
_CG_Actor = CG.Actor
_CG_Relationship = CG.Relationship
_CG_Source = CG.Source
_CG_about = CG.about
_CG_affiliatedWith = CG.affiliatedWith
_CG_claimCount = CG.claimCount
_CG_confidence = CG.confidence
_CG_endOffset = CG.endOffset
_CG_heading = CG.heading
_CG_isoCode = CG.isoCode
_CG_mentions = CG.mentions
_CG_modality = CG.modality
_CG_qualifier = CG.qualifier
_CG_role = CG.role
_CG_rule = CG.rule
_CG_section = CG.section
_CG_sourceCount = CG.sourceCount
_CG_startOffset = CG.startOffset
_CG_statesQuantity = CG.statesQuantity
_CG_trust = CG.trust
_CG_videoLink = CG.videoLink
_CG_videoTime = CG.videoTime
_DCTERMS_creator = DCTERMS.creator
_DCTERMS_isPartOf = DCTERMS.isPartOf
_DCTERMS_publisher = DCTERMS.publisher
_DCTERMS_source = DCTERMS.source
_DCTERMS_title = DCTERMS.title
_OA_SpecificResource = OA.SpecificResource
_OA_TextPositionSelector = OA.TextPositionSelector
_OA_TextQuoteSelector = OA.TextQuoteSelector
_OA_end = OA.end
_OA_exact = OA.exact
_OA_hasSelector = OA.hasSelector
_OA_hasSource = OA.hasSource
_OA_hasTarget = OA.hasTarget
_OA_start = OA.start
_OWL_Ontology = OWL.Ontology
_OWL_imports = OWL.imports
_OWL_sameAs = OWL.sameAs
_PROV_Entity = PROV.Entity
_PROV_wasAttributedTo = PROV.wasAttributedTo
_PROV_wasDerivedFrom = PROV.wasDerivedFrom
_RDF_Statement = RDF.Statement
_RDF_object = RDF.object
_RDF_predicate = RDF.predicate
_RDF_subject = RDF.subject
_RDF_type = RDF.type
_SCHEMA_Claim = SCHEMA.Claim
_SCHEMA_QuantitativeValue = SCHEMA.QuantitativeValue
_SCHEMA_maxValue = SCHEMA.maxValue
_SCHEMA_minValue = SCHEMA.minValue
_SCHEMA_text = SCHEMA.text
_SCHEMA_unitText = SCHEMA.unitText
_SCHEMA_value = SCHEMA.value
_SKOS_altLabel = SKOS.altLabel


def _source_quads(nid: str, data: dict) -> Iterator[Quad]:
    s = node_iri(nid)
    g = s
    yield s, _RDF_type, _PROV_Entity, g
    yield s, _RDF_type, _CG_Source, g
    yield s, _DCTERMS_title, Literal(data.get("title") or ""), g
    url = url_iri(data.get("url"))
    if url is not None:
        yield s, _DCTERMS_source, url, g
    if data.get("publisher"):
        yield s, _DCTERMS_publisher, Literal(data["publisher"]), g
    if data.get("author"):
        yield s, _DCTERMS_creator, Literal(data["author"]), g
    trust = TRUST_TERMS.get(data.get("trust") or "primary")
    if trust is None:
        raise ExportError(f"source {nid!r}: unknown trust {data.get('trust')!r}")
    yield s, _CG_trust, trust, g
    if data.get("parent"):
        yield s, _DCTERMS_isPartOf, node_iri(data["parent"]), g


def _actor_quads(nid: str, data: dict) -> Iterator[Quad]:
    a = node_iri(nid)
    g = ACTORS_GRAPH
    kind = data.get("kind")
    if kind not in {k.value for k in ActorKind}:
        raise ExportError(f"actor {nid!r}: unknown kind {kind!r}")
    name = data.get("name") or ""
    yield a, _RDF_type, _CG_Actor, g
    yield a, _RDF_type, CG[kind], g
    yield a, RDFS_LABEL, Literal(name), g
    if data.get("wikidata"):
        yield a, _OWL_sameAs, WD[str(data["wikidata"]).rsplit("/", 1)[-1]], g
    for alias in data.get("aliases") or ():
        if alias != name:
            yield a, _SKOS_altLabel, Literal(alias), g
    if data.get("iso"):
        yield a, _CG_isoCode, Literal(data["iso"]), g
    for role in data.get("roles") or ():
        yield a, _CG_role, Literal(role), g
    for other in data.get("affiliations") or ():
        yield a, _CG_affiliatedWith, node_iri(other), g


def _claim_quads(graph: nx.MultiDiGraph, nid: str, data: dict) -> Iterator[Quad]:
    c = node_iri(nid)
    src_id = data.get("source")
    source = graph.nodes.get(src_id) if src_id is not None else None
    if source is None or source.get("type") != "source":
        raise ExportError(f"claim {nid!r}: its source {src_id!r} is not in the graph")
    g = node_iri(src_id)
    modality = MODALITY_CLASS_TERMS.get(data.get("modality"))
    if modality is None:
        raise ExportError(f"claim {nid!r}: unknown modality {data.get('modality')!r}")
    yield c, _RDF_type, _SCHEMA_Claim, g
    yield c, _SCHEMA_text, Literal(data.get("text") or ""), g
    yield c, _PROV_wasDerivedFrom, g, g
    yield c, _CG_modality, modality, g
    if data.get("section"):
        yield c, _CG_section, Literal(data["section"]), g
    if data.get("heading"):
        yield c, _CG_heading, Literal(data["heading"]), g
    start, end = int(data["start"]), int(data["end"])
    yield c, _CG_startOffset, integer_literal(start), g
    yield c, _CG_endOffset, integer_literal(end), g
    if data.get("timestamp") is not None:
        yield c, _CG_videoTime, integer_literal(data["timestamp"]), g
        url = source.get("url") or (graph.nodes.get(source.get("parent")) or {}).get("url")
        link = url_iri(video_link(url, data["timestamp"])) if url else None
        if link is not None:
            yield c, _CG_videoLink, link, g
    for target, keyed in graph.succ[nid].items():
        for key in keyed:
            if key == "mentions":
                yield c, _CG_mentions, node_iri(target), g
            elif key == "attributedTo":
                yield c, _PROV_wasAttributedTo, node_iri(target), g
            elif key == "states":
                yield c, _CG_statesQuantity, node_iri(target), g
    # The offsets index the text of the document read; for reader comments, that
    # is the article they belong to.
    text_source = node_iri(source.get("parent") or src_id)
    target, position, quote_ = URIRef(c + "#target"), URIRef(c + "#position"), URIRef(
        c + "#quote"
    )
    yield c, _OA_hasTarget, target, g
    yield target, _RDF_type, _OA_SpecificResource, g
    yield target, _OA_hasSource, text_source, g
    yield target, _OA_hasSelector, position, g
    yield target, _OA_hasSelector, quote_, g
    yield position, _RDF_type, _OA_TextPositionSelector, g
    yield position, _OA_start, integer_literal(start), g
    yield position, _OA_end, integer_literal(end), g
    yield quote_, _RDF_type, _OA_TextQuoteSelector, g
    yield quote_, _OA_exact, Literal(data.get("exact") or ""), g


def _quantity_quads(graph: nx.MultiDiGraph, nid: str, data: dict) -> Iterator[Quad]:
    q = node_iri(nid)
    claim = graph.nodes.get(data.get("claim")) if data.get("claim") is not None else None
    if claim is None or claim.get("type") != "claim":
        raise ExportError(f"quantity {nid!r}: its claim {data.get('claim')!r} is not in the graph")
    g = node_iri(claim["source"])
    yield q, _RDF_type, _SCHEMA_QuantitativeValue, g
    for attr, prop in (("value", _SCHEMA_value), ("min_value", _SCHEMA_minValue),
                       ("max_value", _SCHEMA_maxValue)):
        if data.get(attr) is not None:
            yield q, prop, decimal_literal(data[attr]), g
    if data.get("unit"):
        yield q, _SCHEMA_unitText, Literal(data["unit"]), g
    if data.get("qualifier"):
        yield q, _CG_qualifier, Literal(data["qualifier"]), g
    if data.get("subject"):
        yield q, _CG_about, Literal(data["subject"]), g


def _relation_quads(s_id: str, o_id: str, key: str, data: dict) -> Iterator[Quad]:
    if key not in RELATIONS:
        raise ExportError(f"edge {s_id!r} -> {o_id!r}: unknown relation {key!r}")
    g = ACTORS_GRAPH
    s, o, p = node_iri(s_id), node_iri(o_id), CG[key]
    r = node_iri(relation_id(s_id, key, o_id))
    yield s, p, o, g
    yield r, _RDF_type, _RDF_Statement, g
    yield r, _RDF_type, _CG_Relationship, g
    yield r, _RDF_subject, s, g
    yield r, _RDF_predicate, p, g
    yield r, _RDF_object, o, g
    for claim in data.get("claims") or ():
        yield r, _PROV_wasDerivedFrom, node_iri(claim), g
    for rule in data.get("rules") or ():
        yield r, _CG_rule, Literal(rule), g
    for source in data.get("sources") or ():
        yield r, _DCTERMS_source, node_iri(source), g
    # How well the relationship is backed (distinct claims and sources), counted
    # once here so that queries need not aggregate every statement; data/shapes.ttl
    # checks that both match the values above.
    yield r, _CG_claimCount, integer_literal(len(set(data.get("claims") or ()))), g
    yield r, _CG_sourceCount, integer_literal(len(set(data.get("sources") or ()))), g
    if data.get("confidence") is not None:
        yield r, _CG_confidence, decimal_literal(data["confidence"]), g


def quads(graph: nx.MultiDiGraph) -> list[Quad]:
    """Return every RDF statement for ``graph``, in one pass, as sorted quads.

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.

    Returns
    -------
    list of Quad
        ``(subject, predicate, object, graph name)`` tuples, sorted and unique.

    Raises
    ------
    ExportError
        If a node has no known ``type``, an id is unsafe in an IRI, or a claim or
        quantity points at a node that is missing.

    Examples
    --------
    >>> (DATASET, _OWL_imports, ONTOLOGY_IRI, ACTORS_GRAPH) in quads(nx.MultiDiGraph())
    True
    """
    out: list[Quad] = [
        (DATASET, _RDF_type, _OWL_Ontology, ACTORS_GRAPH),
        (DATASET, _OWL_imports, ONTOLOGY_IRI, ACTORS_GRAPH),
    ]
    for nid, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind == "source":
            out.extend(_source_quads(nid, data))
        elif kind == "actor":
            out.extend(_actor_quads(nid, data))
        elif kind == "claim":
            out.extend(_claim_quads(graph, nid, data))
        elif kind == "quantity":
            out.extend(_quantity_quads(graph, nid, data))
        else:
            raise ExportError(f"node {nid!r} has no known type ({kind!r})")
    for s_id, o_id, key, data in graph.edges(keys=True, data=True):
        if graph.nodes[s_id].get("type") == "actor" and graph.nodes[o_id].get("type") == "actor":
            out.extend(_relation_quads(s_id, o_id, key, data))
    unique = {quad_key(item): item for item in out}
    return [unique[key] for key in sorted(unique)]


def quad_key(item: Quad) -> tuple[str, str, str, bool, str, str, str]:
    """Sort key of a quad, in plain strings: graph, subject, predicate, object.

    Plain strings compare far faster than rdflib terms, and literals with equal
    text but different datatypes stay apart.

    >>> quad_key((ID.a, RDF.type, CG.Actor, ACTORS_GRAPH))[3]
    False
    """
    s, p, o, g = item
    if type(o) is Literal:
        return (str(g), str(s), str(p), True, str(o), str(o.datatype or ""),
                o.language or "")
    return str(g), str(s), str(p), False, str(o), "", ""


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
