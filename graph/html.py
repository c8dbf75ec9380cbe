"""Write the interactive network view, ``graph.html``, with pyvis.

Analysts open this file first, from disk and offline, so it carries everything
inline: vis-network (pyvis's ``in_line`` resources), the page's own script and
style from ``graph/templates/``, and the data as one JSON block. Only actors and
their relationships are drawn; claims are listed in a side panel when an edge or
an actor is clicked. Positions come from :func:`graph.layout.force_layout` at
build time, so the browser runs no physics (nor vis-network's improved layout).

Edges are straight, except that parallel edges between two actors are curved
apart so each stays visible and clickable. Above :data:`LARGE_GRAPH` actors,
edges are hidden while dragging or zooming; above :data:`LAZY_LABELS_ABOVE`
actors plus relationships, the graph is drawn without labels at first, and the
page hands vis-network the labels of what is on screen once the view is zoomed
in to :data:`LABEL_SCALE`, where they become readable. Measuring every label
made the first frame slow.

Document text (quotes, names, titles) only ever reaches the page inside the JSON
block, escaped by :func:`safe_json`, and the page script renders it with
``textContent``, so text from a document can never become markup.

Examples
--------
>>> safe_json({"q": "</script><b>"})
'{"q":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
>>> video_link("https://www.youtube.com/watch?v=abc", 75)
'https://www.youtube.com/watch?v=abc&t=75s'
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx
import pyvis
from pyvis.network import Network

from graph.errors import ExportError
from graph.layout import force_layout, ring_isolated

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_LIB = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"

KIND_STYLE: dict[str, tuple[str, str]] = {
    "Country": ("#1f77b4", "dot"),
    "Bloc": ("#9467bd", "hexagon"),
    "Region": ("#2ca02c", "square"),
    "Organization": ("#ff7f0e", "diamond"),
    "Person": ("#d62728", "triangle"),
    "Group": ("#8c564b", "star"),
}
"""Colour and vis-network shape of each actor kind."""

OTHER_KIND = ("#7f7f7f", "dot")

RELATION_COLOURS: dict[str, str] = {
    "suppliesTo": "#1f77b4",
    "dependsOn": "#ff7f0e",
    "cooperatesWith": "#2ca02c",
    "attacks": "#d62728",
    "defendsAgainst": "#9467bd",
    "sanctions": "#8c564b",
    "migratesTo": "#e377c2",
    "atWarWith": "#7f0000",
    "prefers": "#17becf",
    "opposes": "#bcbd22",
}
"""Colour of each relationship type from ``spec/relations.md``."""

OTHER_RELATION = "#7f7f7f"
SYMMETRIC = frozenset({"cooperatesWith", "atWarWith"})
MODALITIES = ("asserted", "hedged", "forecast", "reported", "negated")
LAZY_LABELS_ABOVE = 1500
"""Above this many drawn actors plus relationships, labels are added only when zoomed in."""
LABEL_SCALE = 0.35
"""Zoom from which lazily added labels appear (vis draws 14 px text from about 0.36)."""
LARGE_GRAPH = 1500
"""Above this many drawn actors, edges are hidden while dragging or zooming."""


@dataclass(frozen=True)
class HtmlSummary:
    """What :func:`write_html` put in the picture.

    Attributes
    ----------
    nodes_shown : int
        Actors drawn.
    edges_shown : int
        Relationship edges drawn (between shown actors).
    actors_left_out : int
        Actors not drawn because the graph has more than ``max_nodes``.
    """

    nodes_shown: int
    edges_shown: int
    actors_left_out: int


def safe_json(value: object) -> str:
    """Serialise ``value`` as compact JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so no string can close
    the element or open a comment; U+2028/U+2029 are escaped for old parsers.

    Parameters
    ----------
    value : object
        Any JSON-serialisable value.

    Returns
    -------
    str
        JSON text without raw ``<``, ``>`` or ``&`` characters.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def web_url(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) URL with a host, else ``None``.

    Examples
    --------
    >>> web_url("javascript:alert(1)") is None
    True
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url.strip()


def video_link(url: str | None, seconds: int | None) -> str | None:
    """Return a link to second ``seconds`` of the video at ``url``, or ``None``.

    YouTube watch URLs get ``&t=<seconds>s``; youtu.be links ``?t=<seconds>s``;
    other video URLs a media fragment ``#t=<seconds>``.

    Parameters
    ----------
    url : str or None
        The source's URL; only http(s) URLs give a link.
    seconds : int or None
        Offset into the video.

    Returns
    -------
    str or None
        The link, or ``None`` without a usable URL or time.
    """
    url = web_url(url)
    if url is None or seconds is None:
        return None
    seconds = int(seconds)
    parts = urlsplit(url)
    host = parts.netloc.lower().split(":")[0]
    base = url.split("#", 1)[0]
    if host.endswith("youtube.com") and parts.path == "/watch":
        return f"{base}&t={seconds}s" if parts.query else f"{base}?t={seconds}s"
    if host == "youtu.be":
        return f"{base}&t={seconds}s" if parts.query else f"{base}?t={seconds}s"
    return f"{base}#t={seconds}"


def _relationship_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict]]:
    """Actor-to-actor relationship edges, in graph order."""
    types = graph.nodes
    return [
        (s, o, key, data)
        for s, o, key, data in graph.edges(keys=True, data=True)
        if types[s].get("type") == "actor" and types[o].get("type") == "actor"
    ]


def select_actors(graph: nx.MultiDiGraph, max_nodes: int) -> list[str]:
    """Return the ids of the actors to draw, sorted: all, or the most connected.

    Actors are ranked by number of relationship edges, then by claim count, then
    by id, so the choice is deterministic.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Graph from :func:`graph.assemble.assemble`.
    max_nodes : int
        Most actors to keep.

    Returns
    -------
    list of str
        Actor ids in sorted order.
    """
    actors = [n for n, d in graph.nodes(data=True) if d.get("type") == "actor"]
    if len(actors) <= max_nodes:
        return sorted(actors)
    degree: dict[str, int] = defaultdict(int)
    for s, o, _key, _data in _relationship_edges(graph):
        degree[s] += 1
        degree[o] += 1
    ranked = sorted(
        actors,
        key=lambda a: (-degree[a], -int(graph.nodes[a].get("claim_count") or 0), a),
    )
    return sorted(ranked[:max(0, max_nodes)])


class _Tables:
    """Claim and source tables of the page, filled as edges and actors need them."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.claims: list[dict] = []
        self.sources: list[dict] = []
        self._claim_index: dict[str, int] = {}
        self._source_index: dict[str, int] = {}

    def source(self, sid: str) -> int:
        """Index of source ``sid`` in the source table."""
        if sid not in self._source_index:
            data = self.graph.nodes[sid] if sid in self.graph else {}
            self._source_index[sid] = len(self.sources)
            self.sources.append({
                "title": str(data.get("title") or sid),
                "url": web_url(data.get("url")),
                "kind": str(data.get("kind") or ""),
            })
        return self._source_index[sid]

    def claim(self, cid: str) -> int:
        """Index of claim ``cid`` in the claim table."""
        if cid not in self._claim_index:
            data = self.graph.nodes[cid] if cid in self.graph else {}
            sid = str(data.get("source") or "")
            url = self.graph.nodes[sid].get("url") if sid in self.graph else None
            speaker = data.get("speaker")
            if speaker and speaker in self.graph:
                speaker = self.graph.nodes[speaker].get("name") or speaker
            modality = str(data.get("modality") or "")
            self._claim_index[cid] = len(self.claims)
            self.claims.append({
                "text": str(data.get("text") or ""),
                "modality": modality,
                "speaker": str(speaker) if speaker else None,
                "source": self.source(sid),
                "section": str(data.get("section") or ""),
                "heading": str(data.get("heading")) if data.get("heading") else None,
                "time": data.get("timestamp"),
                "link": video_link(url, data.get("timestamp")),
            })
        return self._claim_index[cid]


def _node_size(claim_count: int) -> float:
    """Node radius in pixels for an actor mentioned by ``claim_count`` claims."""
    return round(min(60.0, 10.0 + 4.0 * math.sqrt(max(0, claim_count))), 1)


def _edge_width(claims: int) -> float:
    """Edge width in pixels for an edge backed by ``claims`` claims."""
    return round(min(12.0, 1.0 + 2.0 * math.log2(1 + max(0, claims))), 2)


def build_page_data(graph: nx.MultiDiGraph, max_nodes: int = 5000) -> dict:
    """Collect everything the page shows: vis nodes and edges, claims, legend.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Graph from :func:`graph.assemble.assemble`.
    max_nodes : int
        Most actors to draw; the most connected are kept.

    Returns
    -------
    dict
        Keys ``nodes`` and ``edges`` (vis-network items with positions),
        ``nodeInfo`` and ``edgeInfo`` (claim indices and filter keys per item),
        ``claims``, ``sources``, ``kinds``, ``relations``, ``modalities``,
        ``summary`` (counts shown and left out) and ``lazyLabels`` (``None``, or
        the zoom from which the page adds labels on a large graph).
    """
    actors = select_actors(graph, max_nodes)
    index = {aid: i for i, aid in enumerate(actors)}
    all_actors = sum(1 for _n, d in graph.nodes(data=True) if d.get("type") == "actor")
    rel_edges = _relationship_edges(graph)
    shown = [e for e in rel_edges if e[0] in index and e[1] in index]
    tables = _Tables(graph)

    pairs = [(index[s], index[o]) for s, o, _k, _d in shown]
    positions = ring_isolated(force_layout(len(actors), pairs), pairs)
    nodes, node_info = [], []
    for i, aid in enumerate(actors):
        data = graph.nodes[aid]
        kind = str(data.get("kind") or "")
        colour, shape = KIND_STYLE.get(kind, OTHER_KIND)
        mentioning = sorted(
            c for c, _a, key in graph.in_edges(aid, keys=True) if key == "mentions"
        )
        nodes.append({
            "id": i, "label": str(data.get("name") or aid),
            "x": round(float(positions[i, 0]), 1), "y": round(float(positions[i, 1]), 1),
            "shape": shape, "color": colour,
            "size": _node_size(int(data.get("claim_count") or 0)),
        })
        node_info.append({
            "actor": aid, "kind": kind,
            "aliases": [str(a) for a in data.get("aliases") or []],
            "claims": [tables.claim(c) for c in mentioning],
        })

    edges, edge_info = [], []
    parallel: dict[tuple[int, int], int] = defaultdict(int)
    for s, o, key, data in shown:
        a, b = index[s], index[o]
        pair = (min(a, b), max(a, b))
        nth = parallel[pair]
        parallel[pair] += 1
        claims = [tables.claim(c) for c in data.get("claims") or []]
        edge = {
            "id": len(edges), "from": a, "to": b, "label": str(key),
            "color": RELATION_COLOURS.get(str(key), OTHER_RELATION),
            "width": _edge_width(len(claims)),
            "arrows": "" if key in SYMMETRIC else "to",
        }
        if nth:
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * nth}
        edges.append(edge)
        edge_info.append({
            "relation": str(key), "claims": claims,
            "confidence": data.get("confidence"),
        })

    kinds_present = sorted({info["kind"] for info in node_info})
    relations_present = sorted({info["relation"] for info in edge_info})
    return {
        "nodes": nodes,
        "edges": edges,
        "nodeInfo": node_info,
        "edgeInfo": edge_info,
        "claims": tables.claims,
        "sources": tables.sources,
        "kinds": [
            {"name": k, "color": KIND_STYLE.get(k, OTHER_KIND)[0],
             "shape": KIND_STYLE.get(k, OTHER_KIND)[1]}
            for k in kinds_present
        ],
        "relations": [
            {"name": r, "color": RELATION_COLOURS.get(r, OTHER_RELATION),
             "symmetric": r in SYMMETRIC}
            for r in relations_present
        ],
        "modalities": sorted(
            {c["modality"] for c in tables.claims},
            key=lambda m: (MODALITIES.index(m) if m in MODALITIES else len(MODALITIES), m),
        ),
        "summary": {
            "actors": all_actors,
            "actorsShown": len(actors),
            "actorsLeftOut": all_actors - len(actors),
            "edges": len(rel_edges),
            "edgesShown": len(shown),
            "edgesLeftOut": len(rel_edges) - len(shown),
        },
        "lazyLabels": (
            {"scale": LABEL_SCALE} if len(nodes) + len(edges) > LAZY_LABELS_ABOVE else None
        ),
    }


def _vis_options(node_count: int) -> dict:
    """vis-network options: no physics, straight edges, light drawing at size."""
    large = node_count > LARGE_GRAPH
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": False,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "tooltipDelay": 200,
            "navigationButtons": False,
        },
        "nodes": {"borderWidth": 1, "font": {"size": 14}},
        "edges": {
            "smooth": False,
            "font": {"size": 10, "align": "middle", "strokeWidth": 3},
            "arrows": {"to": {"scaleFactor": 0.5}},
            "selectionWidth": 2,
        },
    }


def render_html(data: dict) -> str:
    """Render the page for ``data`` from :func:`build_page_data` with pyvis.

    pyvis holds the vis-network items and options; the page uses claimgraph's own
    template (no CDN links) with vis-network inlined from pyvis's bundled copy.

    Parameters
    ----------
    data : dict
        Page data from :func:`build_page_data`.

    Returns
    -------
    str
        The complete, self-contained HTML document.
    """
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.nodes = data["nodes"]
    net.edges = data["edges"]
    net.node_ids = [n["id"] for n in data["nodes"]]
    net.node_map = {n["id"]: n for n in data["nodes"]}
    net.options = _vis_options(len(data["nodes"]))
    net.set_template_dir(str(TEMPLATES) + os.sep, "claimgraph.html")
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    page = {k: v for k, v in data.items() if k not in {"nodes", "edges"}}
    template = net.templateEnv.get_template(net.path)
    return template.render(
        vis_css=(VIS_LIB / "vis-network.css").read_text(encoding="utf-8"),
        vis_js=(VIS_LIB / "vis-network.min.js").read_text(encoding="utf-8"),
        page_css=(TEMPLATES / "claimgraph.css").read_text(encoding="utf-8"),
        page_js=(TEMPLATES / "claimgraph.js").read_text(encoding="utf-8"),
        nodes_json=safe_json(nodes),
        edges_json=safe_json(edges),
        options_json=safe_json(net.options),
        page_json=safe_json(page),
    )


def write_html(graph: nx.MultiDiGraph, path: Path, *, max_nodes: int = 5000) -> HtmlSummary:
    """Write the interactive network of ``graph`` to ``path`` as one HTML file.

    The file is written to a temporary file beside ``path`` and moved into place,
    so a reader never sees half a page.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        Graph from :func:`graph.assemble.assemble`.
    path : pathlib.Path
        Where to write the page.
    max_nodes : int
        Most actors to draw; above it the most connected are shown and the page
        says how many were left out.

    Returns
    -------
    HtmlSummary
        Counts of actors and relationships shown and actors left out.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    data = build_page_data(graph, max_nodes=max_nodes)
    html = render_html(data)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(html)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise ExportError(f"{path}: cannot write HTML ({err.strerror or err})") from err
    summary = data["summary"]
    return HtmlSummary(
        nodes_shown=summary["actorsShown"],
        edges_shown=summary["edgesShown"],
        actors_left_out=summary["actorsLeftOut"],
    )
