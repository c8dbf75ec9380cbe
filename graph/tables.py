"""Non-RDF exports of the claim graph: GraphML, GEXF (Gephi) and CSV tables.

GraphML and GEXF hold only scalar attributes: lists and dicts become JSON strings
and ``None`` values are dropped. Characters XML cannot hold (most control
characters) are removed from text. In GEXF, ``start``/``end`` (which Gephi reads as
time spans) are written as ``offset_start``/``offset_end`` and every node gets a
readable ``label``.

CSV tables
    ``claims.csv``: id, source, section, timestamp, modality, speaker, text, start,
    end. ``relationships.csv``: subject, predicate, object, claims (count),
    sources, rules (lists joined by ``;``), confidence, subject_name, object_name.

Examples
--------
>>> scalar_attrs({"a": [1, 2], "b": None, "c": "x\\x00y", "d": 3})
{'a': '[1, 2]', 'c': 'xy', 'd': 3}
"""

from __future__ import annotations

import csv
import io
import json
import re

import networkx as nx

from graph.vocab import RELATIONS

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CLAIM_COLUMNS = ("id", "source", "section", "timestamp", "modality", "speaker", "text",
                 "start", "end")
"""Columns of ``claims.csv``."""

RELATIONSHIP_COLUMNS = ("subject", "predicate", "object", "claims", "sources", "rules",
                        "confidence", "subject_name", "object_name")
"""Columns of ``relationships.csv``."""


def _clean(value: object) -> object:
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


def scalar_attrs(attrs: dict) -> dict:
    """Return ``attrs`` with lists/dicts as JSON, ``None`` dropped, XML-safe text."""
    return {k: _clean(v) for k, v in attrs.items() if v is not None}


def _label(nid: str, data: dict) -> str:
    text = data.get("name") or data.get("title") or data.get("text") or nid
    return str(_clean(text))[:80]


def flat_graph(graph: nx.MultiDiGraph, gexf: bool = False) -> nx.MultiDiGraph:
    """Return a copy of ``graph`` with scalar attributes only (see the module doc)."""
    flat = nx.MultiDiGraph()
    for nid, data in graph.nodes(data=True):
        attrs = scalar_attrs(data)
        if gexf:
            for key in ("start", "end"):
                if key in attrs:
                    attrs[f"offset_{key}"] = attrs.pop(key)
            attrs["label"] = _label(nid, data)
        flat.add_node(nid, **attrs)
    for s, o, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(s, o, key=key, relation=key, **scalar_attrs(data))
    return flat


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """Return the graph as GraphML bytes (edge ids are the edge keys)."""
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(graph: nx.MultiDiGraph) -> bytes:
    """Return the graph as GEXF 1.2 bytes for Gephi.

    The bytes are those of ``nx.write_gexf(..., encoding="utf-8", prettyprint=True)``;
    the XML is serialised to text and encoded once, rather than through a byte
    stream that encodes every small piece on its own (several times slower).
    """
    from xml.etree.ElementTree import ElementTree

    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph(flat_graph(graph, gexf=True))
    writer.indent(writer.xml)
    buffer = io.StringIO()
    ElementTree(writer.xml).write(buffer, encoding="unicode")
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + buffer.getvalue()).encode("utf-8")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (CSV injection)."""


def csv_cell(value: object) -> object:
    """Return ``value`` safe to open in a spreadsheet: document text never runs as a formula.

    >>> csv_cell("=1+1") == "'=1+1", csv_cell(-3), csv_cell("Russia")
    (True, -3, 'Russia')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else csv_cell(row[k]) for k in columns})
    return buffer.getvalue()


def claim_rows(graph: nx.MultiDiGraph) -> list[dict]:
    """Return one row per claim (columns :data:`CLAIM_COLUMNS`), sorted by id."""
    return [
        {"id": nid, **{k: data.get(k) for k in CLAIM_COLUMNS if k != "id"}}
        for nid, data in sorted(graph.nodes(data=True))
        if data.get("type") == "claim"
    ]


def relationship_rows(graph: nx.MultiDiGraph) -> list[dict]:
    """Return one row per relationship (columns :data:`RELATIONSHIP_COLUMNS`)."""
    rows = []
    for s, o, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        if key not in RELATIONS:
            continue
        rows.append({
            "subject": s, "predicate": key, "object": o,
            "claims": len(data.get("claims") or ()),
            "sources": ";".join(data.get("sources") or ()),
            "rules": ";".join(data.get("rules") or ()),
            "confidence": data.get("confidence"),
            "subject_name": graph.nodes[s].get("name"),
            "object_name": graph.nodes[o].get("name"),
        })
    return rows


def claims_csv(graph: nx.MultiDiGraph) -> str:
    """Return ``claims.csv`` text: a header and one row per claim."""
    return _csv(CLAIM_COLUMNS, claim_rows(graph))


def relationships_csv(graph: nx.MultiDiGraph) -> str:
    """Return ``relationships.csv`` text: a header and one row per relationship."""
    return _csv(RELATIONSHIP_COLUMNS, relationship_rows(graph))
