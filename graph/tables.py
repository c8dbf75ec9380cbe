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
from typing import BinaryIO

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


def _escape(text: str) -> str:
    """``text`` as XML character data (what ``xml.sax.saxutils.escape`` gives, faster)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value (what ``xml.sax.saxutils.quoteattr``
    gives, faster)."""
    text = _escape(text)
    if "\n" in text or "\r" in text or "\t" in text:
        text = text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        if "'" in text:
            return '"' + text.replace('"', "&quot;") + '"'
        return "'" + text + "'"
    return '"' + text + '"'


_MOVED = ("start", "end")
"""Node attributes GEXF gets as ``offset_start``/``offset_end``, last (Gephi would read
``start``/``end`` as time spans)."""


def _gexf_order(items: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """A node's ``(name, x)`` pairs as GEXF has them: ``start``/``end`` renamed
    ``offset_start``/``offset_end`` and moved last, in that order."""
    moved = dict(item for item in items if item[0] in _MOVED)
    return ([item for item in items if item[0] not in _MOVED]
            + [(f"offset_{name}", moved[name]) for name in _MOVED if name in moved])


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


def _add_type(types: dict[str, str], name: str, kind: str) -> None:
    seen = types.setdefault(name, kind)
    if seen != kind:  # ints and floats: double; anything else mixed: string
        types[name] = "double" if {seen, kind} == {"long", "double"} else "string"


class _AttributeTypes:
    """Attribute name -> XML type, in order of first appearance, for GraphML and GEXF
    (which renames and moves ``start``/``end`` and adds ``networkx_key``), read in
    one pass from the raw values."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graphml_nodes: dict[str, str] = {}
        self.gexf_nodes: dict[str, str] = {}
        # Every edge starts with its key as "relation" (a string).
        self.edges: dict[str, str] = {"relation": "string"} if graph.number_of_edges() else {}
        for _, data in graph.nodes(data=True):
            kinds = [(name, _xml_type(value)) for name, value in data.items()
                     if value is not None]
            for name, kind in kinds:
                _add_type(self.graphml_nodes, name, kind)
            for name, kind in _gexf_order(kinds):
                _add_type(self.gexf_nodes, name, kind)
        self.gexf_edges: dict[str, str] = dict(self.edges)
        for _, _, key, data in graph.edges(keys=True, data=True):
            for name, value in data.items():
                if value is not None:
                    kind = _xml_type(value)
                    _add_type(self.edges, name, kind)
                    _add_type(self.gexf_edges, name, kind)
            _add_type(self.gexf_edges, "networkx_key", _xml_type(key))


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


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')

_GEXF_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft '
    'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
    '  <meta>\n    <creator>claimgraph</creator>\n  </meta>\n'
    '  <graph defaultedgetype="directed" mode="static" name="">\n')


def _graphml_keys(types: _AttributeTypes) -> tuple[str, dict[str, str], dict[str, str]]:
    """The GraphML ``<key>`` lines and the key id of each node and edge attribute."""
    lines, node_ids, edge_ids = [], {}, {}
    for kind, declared, ids in (("node", types.graphml_nodes, node_ids),
                                ("edge", types.edges, edge_ids)):
        for name, xml_type in declared.items():
            ids[name] = key = f"d{len(node_ids) + len(edge_ids)}"
            lines.append(f'  <key id="{key}" for="{kind}" attr.name={_quoteattr(name)} '
                         f'attr.type="{xml_type}"/>\n')
    return "".join(lines), node_ids, edge_ids


def _gexf_attributes(types: _AttributeTypes) -> tuple[str, dict[str, int], dict[str, int]]:
    """The GEXF ``<attributes>`` blocks and the number of each node and edge attribute."""
    lines = []
    ids: dict[str, dict[str, int]] = {"node": {}, "edge": {}}
    for kind, declared in (("node", types.gexf_nodes), ("edge", types.gexf_edges)):
        lines.append(f'    <attributes mode="static" class="{kind}">\n')
        for name, xml_type in declared.items():
            ids[kind][name] = number = len(ids["node"]) + len(ids["edge"])
            lines.append(f'      <attribute id="{number}" title={_quoteattr(name)} '
                         f'type="{xml_type}" />\n')
        lines.append("    </attributes>\n")
    return "".join(lines), ids["node"], ids["edge"]


def write_graph_xml(graph: nx.MultiDiGraph, graphml: BinaryIO | None,
                    gexf: BinaryIO | None) -> None:
    """Write the graph as GraphML and/or GEXF 1.2 (for Gephi), node by node, in one pass.

    Only the attribute names and types are gathered first (both formats declare
    them before the graph); nothing else is held, unlike networkx's writers, which
    copy the graph and build the whole XML tree in memory. Each value is turned into
    text once for both files.

    GraphML edge ids are the edge keys. In GEXF every node has a readable
    ``label``, ``start``/``end`` are ``offset_start``/``offset_end``, each edge
    carries its key as ``networkx_key``, and no date is written, so the same graph
    always gives the same bytes.
    """
    types = _AttributeTypes(graph)
    ml = _Buffered(graphml) if graphml is not None else None
    gx = _Buffered(gexf) if gexf is not None else None
    keys, ml_nodes, ml_edges = _graphml_keys(types)
    attributes, gx_nodes, gx_edges = _gexf_attributes(types)
    if ml is not None:
        ml.write(_GRAPHML_HEAD + keys + '  <graph edgedefault="directed">\n')
    if gx is not None:
        gx.write(_GEXF_HEAD + attributes + "    <nodes>\n")
    for nid, data in graph.nodes(data=True):
        texts = [(name, _value_text(value)) for name, value in data.items()
                 if value is not None]
        node_id = _quoteattr(nid)
        if ml is not None:
            ml.write("".join([f"    <node id={node_id}>",
                              *(f'<data key="{ml_nodes[name]}">{_escape(text)}</data>'
                                for name, text in texts),
                              "</node>\n"]))
        if gx is not None:
            gx.write("".join([f"      <node id={node_id} label={_quoteattr(_label(nid, data))}>"
                              "<attvalues>",
                              *(f'<attvalue for="{gx_nodes[name]}" value={_quoteattr(text)} />'
                                for name, text in _gexf_order(texts)),
                              "</attvalues></node>\n"]))
    if gx is not None:
        gx.write("    </nodes>\n    <edges>\n")
    for number, (s, o, key, data) in enumerate(graph.edges(keys=True, data=True)):
        key_text = _value_text(key)
        texts = [("relation", key_text), *((name, _value_text(value))
                                      for name, value in data.items() if value is not None)]
        source, target = _quoteattr(s), _quoteattr(o)
        if ml is not None:
            ml.write("".join([f"    <edge id={_quoteattr(key)} source={source} target={target}>",
                              *(f'<data key="{ml_edges[name]}">{_escape(text)}</data>'
                                for name, text in texts),
                              "</edge>\n"]))
        if gx is not None:
            gx.write("".join([f'      <edge source={source} target={target} id="{number}">'
                              "<attvalues>",
                              *(f'<attvalue for="{gx_edges[name]}" value={_quoteattr(text)} />'
                                for name, text in texts),
                              f'<attvalue for="{gx_edges["networkx_key"]}" '
                              f"value={_quoteattr(key_text)} />",
                              "</attvalues></edge>\n"]))
    if ml is not None:
        ml.write("  </graph>\n</graphml>\n")
        ml.flush()
    if gx is not None:
        gx.write("    </edges>\n  </graph>\n</gexf>\n")
        gx.flush()


def write_graphml(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    """Write the graph as GraphML to ``handle`` (see :func:`write_graph_xml`)."""
    write_graph_xml(graph, handle, None)


def write_gexf(graph: nx.MultiDiGraph, handle: BinaryIO) -> None:
    """Write the graph as GEXF 1.2 (for Gephi) to ``handle`` (see :func:`write_graph_xml`)."""
    write_graph_xml(graph, None, handle)


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
