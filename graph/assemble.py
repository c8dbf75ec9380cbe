"""Assemble per-document extractions into one networkx graph.

The graph is a :class:`networkx.MultiDiGraph`; it is the single input of every
exporter (RDF, GraphML, HTML). Its schema:

Nodes (key = id from :mod:`graph.ids`; attribute ``type`` says which kind)
    ``type="source"``: title, kind, path, trust, url, publisher, author, channel,
    topic, parent (id of the article a comments source belongs to) -- ``None`` where
    unknown.
    ``type="actor"``: name, kind (an :class:`~graph.model.ActorKind` value), wikidata,
    iso, roles (list), affiliations (list of actor ids), aliases (sorted list of
    surface forms seen), claim_count (claims that mention it).
    ``type="claim"``: text (clean sentence), exact (source text of the span), source,
    start, end, section, heading, timestamp (seconds or ``None``), modality, speaker
    (actor id or ``None``), mentions (list of dicts: actor, text, start, end, how).
    ``type="quantity"``: a figure as one source states it -- claim (the first claim
    stating it), claims (every claim stating it, sorted), text, start, end (of the
    first statement), unit, value, min_value, max_value, qualifier, subject.

Edges (key says which kind)
    claim -> source, key ``"derivedFrom"``.
    claim -> actor, key ``"mentions"``; claim -> actor, key ``"attributedTo"``.
    claim -> quantity, key ``"states"``.
    actor -> actor, key = the relation's local name from ``spec/relations.md``, with
    attributes predicate, claims (sorted claim ids), rules (sorted), sources (sorted
    source ids), confidence (the highest of its supporting claims). Only claims of
    primary sources support relationships: reader comments are kept as claims (with
    their mentions, modality and figures) in their own lower-trust source, but what
    a commenter says never becomes a relationship between actors.

Every list is sorted and nodes and edges are inserted in sorted order, so the same
extractions always give the same graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from graph.ids import quantity_id
from graph.model import Actor, Extraction, Trust

SYMMETRIC = frozenset({"cooperatesWith", "atWarWith"})
"""Relations whose direction carries no meaning; stored once, subject id first."""


def merge_actors(actors: Iterable[Actor]) -> dict[str, Actor]:
    """Merge actors that share an id, pooling roles, affiliations and aliases.

    >>> from graph.model import ActorKind
    >>> a = Actor("actor/x", "X", ActorKind.PERSON, roles=("minister",))
    >>> b = Actor("actor/x", "X", ActorKind.PERSON, aliases=("Mr X",))
    >>> merged = merge_actors([a, b])["actor/x"]
    >>> merged.roles, merged.aliases
    (('minister',), ('Mr X',))
    """
    merged: dict[str, Actor] = {}
    for actor in actors:
        seen = merged.get(actor.id)
        if seen is None:
            merged[actor.id] = actor
            continue
        merged[actor.id] = Actor(
            id=seen.id,
            name=seen.name,
            kind=seen.kind,
            wikidata=seen.wikidata or actor.wikidata,
            iso=seen.iso or actor.iso,
            roles=tuple(sorted(set(seen.roles) | set(actor.roles))),
            affiliations=tuple(sorted(set(seen.affiliations) | set(actor.affiliations))),
            aliases=tuple(sorted(set(seen.aliases) | set(actor.aliases))),
        )
    return merged


def assemble(extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
    """Build the claim graph from extractions (in any order; the result is the same)."""
    items = sorted(extractions, key=lambda e: e.document.source.id)
    graph = nx.MultiDiGraph()

    sources = sorted((s for e in items for s in e.document.sources), key=lambda s: s.id)
    for s in sources:
        graph.add_node(
            s.id, type="source", title=s.title, kind=str(s.kind), path=s.path,
            trust=str(s.trust), url=s.url, publisher=s.publisher, author=s.author,
            channel=s.channel, topic=s.topic, parent=s.parent_id,
        )

    actors = merge_actors(a for e in items for a in e.actors)
    claims = sorted((c for e in items for c in e.claims), key=lambda c: c.id)
    mention_count: dict[str, int] = defaultdict(int)
    surface: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        for actor in {m.actor_id for m in c.mentions}:
            mention_count[actor] += 1
        for m in c.mentions:
            surface[m.actor_id].add(m.text)
    for aid in sorted(actors):
        a = actors[aid]
        graph.add_node(
            aid, type="actor", name=a.name, kind=str(a.kind), wikidata=a.wikidata,
            iso=a.iso, roles=sorted(a.roles), affiliations=sorted(a.affiliations),
            aliases=sorted(set(a.aliases) | surface[aid]), claim_count=mention_count[aid],
        )

    text_of = {e.document.source.id: e.document.text for e in items}
    parent_of = {s.id: (s.parent_id or s.id) for s in sources}
    for c in claims:
        doc_text = text_of.get(parent_of.get(c.source_id, c.source_id), "")
        graph.add_node(
            c.id, type="claim", text=c.text, exact=doc_text[c.start:c.end],
            source=c.source_id, start=c.start, end=c.end, section=str(c.section),
            heading=c.heading, timestamp=c.timestamp, modality=str(c.modality),
            speaker=c.speaker_id,
            mentions=[
                {"actor": m.actor_id, "text": m.text, "start": m.start, "end": m.end,
                 "how": m.how}
                for m in sorted(c.mentions, key=lambda m: (m.start, m.end, m.actor_id))
            ],
        )
        graph.add_edge(c.id, c.source_id, key="derivedFrom")
        for aid in sorted({m.actor_id for m in c.mentions}):
            graph.add_edge(c.id, aid, key="mentions")
        if c.speaker_id:
            graph.add_edge(c.id, c.speaker_id, key="attributedTo")
        for q in sorted(c.quantities, key=lambda q: (q.start, q.end)):
            qid = quantity_id(c.source_id, q.unit, q.value, q.min_value, q.max_value)
            if qid not in graph:
                graph.add_node(
                    qid, type="quantity", claim=c.id, claims=[], text=q.text, start=q.start,
                    end=q.end, unit=q.unit, value=q.value, min_value=q.min_value,
                    max_value=q.max_value, qualifier=q.qualifier, subject=q.subject,
                )
            graph.nodes[qid]["claims"].append(c.id)
            graph.add_edge(c.id, qid, key="states")

    source_of = {c.id: c.source_id for c in claims}
    primary = {s.id for s in sources if s.trust == Trust.PRIMARY}
    grouped: dict[tuple[str, str, str], list] = defaultdict(list)
    for e in items:
        for r in e.relations:
            if source_of.get(r.claim_id) not in primary:
                continue  # reader comments keep their claims but assert no relationships
            s, o = r.subject_id, r.object_id
            if r.predicate in SYMMETRIC and o < s:
                s, o = o, s
            grouped[(s, r.predicate, o)].append(r)
    for (s, p, o) in sorted(grouped):
        rels = grouped[(s, p, o)]
        graph.add_edge(
            s, o, key=p, predicate=p,
            claims=sorted({r.claim_id for r in rels}),
            rules=sorted({r.rule for r in rels}),
            sources=sorted({source_of[r.claim_id] for r in rels if r.claim_id in source_of}),
            confidence=max(r.confidence for r in rels),
        )
    return graph
