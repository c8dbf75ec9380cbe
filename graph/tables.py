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
from collections.abc import Iterator
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

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


def _node_items(data: dict, gexf: bool) -> Iterator[tuple[str, object]]:
    """A node's set attributes as ``(name, raw value)``; for GEXF, ``start``/``end``
    renamed ``offset_start``/``offset_end`` and moved last."""
    moved = {}
    for name, value in data.items():
        if value is None:
            continue
        if gexf and name in ("start", "end"):
            moved[name] = value
            continue
        yield name, value
    for name in ("start", "end"):
        if name in moved:
            yield f"offset_{name}", moved[name]


def _edge_items(key: str, data: dict, gexf: bool) -> Iterator[tuple[str, object]]:
    """An edge's set attributes as ``(name, raw value)``, its key first as ``relation``
    (and, for GEXF, last as ``networkx_key``)."""
    yield "relation", key
    yield from ((name, value) for name, value in data.items() if value is not None)
    if gexf:
        yield "networkx_key", key


def _xml_type(value: object) -> str:
    """The XML type of a raw attribute value (lists and dicts are written as JSON text)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _value_text(value: object) -> str:
    value = _clean(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attribute_types(rows: Iterator[Iterator[tuple[str, object]]]) -> dict[str, str]:
    """Attribute name -> XML type, in order of first appearance (ints and floats: double).

    Read from the raw values: nothing is cleaned or turned into JSON twice.
    """
    types: dict[str, str] = {}
    for items in rows:
        for name, value in items:
            kind = _xml_type(value)
            seen = types.setdefault(name, kind)
            if seen != kind:
                types[name] = "double" if {seen, kind} == {"long", "double"} else "string"
    return types


class _Buffered:
    """Collect small pieces of text and write them to a binary handle in large blocks."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.parts, self.size = handle, [], 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.parts).encode("utf-8"))
        self.parts, self.size = [], 0


def write_graphml(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    """Write the graph as GraphML to ``handle``, node by node (edge ids are the edge keys).

    Only the attribute names and types are gathered first (GraphML declares its
    keys before the graph); nothing else is held, unlike ``nx.write_graphml``,
    which copies the graph and builds the whole XML tree in memory.
    """
    node_types = _attribute_types(_node_items(d, False) for _, d in graph.nodes(data=True))
    edge_types = _attribute_types(
        _edge_items(k, d, False) for _, _, k, d in graph.edges(keys=True, data=True))
    out = _Buffered(handle)
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    node_ids, edge_ids = {}, {}
    for kind, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        for name, xml_type in types.items():
            ids[name] = key = f"d{len(node_ids) + len(edge_ids)}"
            out.write(f'  <key id="{key}" for="{kind}" attr.name={quoteattr(name)} '
                      f'attr.type="{xml_type}"/>\n')
    out.write('  <graph edgedefault="directed">\n')
    for nid, data in graph.nodes(data=True):
        out.write(f"    <node id={quoteattr(nid)}>")
        for name, value in _node_items(data, False):
            out.write(f'<data key="{node_ids[name]}">{escape(_value_text(value))}</data>')
        out.write("</node>\n")
    for s, o, key, data in graph.edges(keys=True, data=True):
        out.write(f"    <edge id={quoteattr(key)} source={quoteattr(s)} target={quoteattr(o)}>")
        for name, value in _edge_items(key, data, False):
            out.write(f'<data key="{edge_ids[name]}">{escape(_value_text(value))}</data>')
        out.write("</edge>\n")
    out.write("  </graph>\n</graphml>\n")
    out.flush()


def write_gexf(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    """Write the graph as GEXF 1.2 (for Gephi) to ``handle``, node by node.

    As :func:`write_graphml`: attribute names and types first, then each node and
    edge as it comes. Every node has a readable ``label``; ``start``/``end`` are
    ``offset_start``/``offset_end`` (Gephi would read them as time spans); each
    edge carries its key as ``networkx_key``. No date is written, so the same
    graph always gives the same bytes.
    """
    node_types = _attribute_types(_node_items(d, True) for _, d in graph.nodes(data=True))
    edge_types = _attribute_types(
        _edge_items(k, d, True) for _, _, k, d in graph.edges(keys=True, data=True))
    out = _Buffered(handle)
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<gexf xmlns="http://www.gexf.net/1.2draft" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://www.gexf.net/1.2draft '
              'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
              '  <meta>\n    <creator>claimgraph</creator>\n  </meta>\n'
              '  <graph defaultedgetype="directed" mode="static" name="">\n')
    ids: dict[str, dict[str, int]] = {"node": {}, "edge": {}}
    for kind, types in (("node", node_types), ("edge", edge_types)):
        out.write(f'    <attributes mode="static" class="{kind}">\n')
        for name, xml_type in types.items():
            ids[kind][name] = number = len(ids["node"]) + len(ids["edge"])
            out.write(f'      <attribute id="{number}" title={quoteattr(name)} '
                      f'type="{xml_type}" />\n')
        out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for nid, data in graph.nodes(data=True):
        out.write(f"      <node id={quoteattr(nid)} label={quoteattr(_label(nid, data))}>"
                  "<attvalues>")
        for name, value in _node_items(data, True):
            out.write(f'<attvalue for="{ids["node"][name]}" '
                      f"value={quoteattr(_value_text(value))} />")
        out.write("</attvalues></node>\n")
    out.write("    </nodes>\n    <edges>\n")
    for number, (s, o, key, data) in enumerate(graph.edges(keys=True, data=True)):
        out.write(f'      <edge source={quoteattr(s)} target={quoteattr(o)} id="{number}">'
                  "<attvalues>")
        for name, value in _edge_items(key, data, True):
            out.write(f'<attvalue for="{ids["edge"][name]}" '
                      f"value={quoteattr(_value_text(value))} />")
        out.write("</attvalues></edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")
    out.flush()


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """Return the graph as GraphML bytes (see :func:`write_graphml`)."""
    buffer = io.BytesIO()
    write_graphml(graph, buffer)
    return buffer.getvalue()


def to_gexf(graph: nx.MultiDiGraph) -> bytes:
    """Return the graph as GEXF 1.2 bytes for Gephi (see :func:`write_gexf`)."""
    buffer = io.BytesIO()
    write_gexf(graph, buffer)
    return buffer.getvalue()


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
    buffer = io.BytesIO()
    write_claims_csv(graph, buffer)
    return buffer.getvalue().decode("utf-8")


def write_claims_csv(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    """Write ``claims.csv`` to ``handle`` row by row (claims sorted by id)."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    writer = csv.DictWriter(text, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    writer.writeheader()
    claims = sorted(nid for nid, kind in graph.nodes(data="type") if kind == "claim")
    nodes = graph.nodes
    for nid in claims:
        data = nodes[nid]
        row = {"id": nid, **{k: data.get(k) for k in CLAIM_COLUMNS if k != "id"}}
        writer.writerow({k: "" if row.get(k) is None else csv_cell(row[k])
                         for k in CLAIM_COLUMNS})
    text.flush()
    text.detach()


def relationships_csv(graph: nx.MultiDiGraph) -> str:
    """Return ``relationships.csv`` text: a header and one row per relationship."""
    return _csv(RELATIONSHIP_COLUMNS, relationship_rows(graph))
