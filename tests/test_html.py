"""Tests of graph.html: the page data, its escaping, and the written file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graph.assemble import assemble
from graph.errors import ExportError
from graph.html import (
    LABEL_SCALE,
    LARGE_GRAPH,
    LAZY_LABELS_ABOVE,
    HtmlSummary,
    _vis_options,
    build_page_data,
    safe_json,
    select_actors,
    video_link,
    web_url,
    write_html,
)
from graph.layout import COARSEST, close_pairs, force_layout
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
    Relation,
    SectionKind,
    Segment,
    Source,
)

PAYLOADS = (Path(__file__).parent / "fixtures" / "html" / "payloads.txt").read_text(
    encoding="utf-8"
).splitlines()

CARAVANSERAI = (
    "Iran, China are Russia's last suppliers of military technology - Caravanserai"
)
KOMMERSANT = (
    "Russia has had to rely on Chinese substitutes with failure rates as high as 40%, "
    "as Kommersant reported last year."
)


def _extraction(source: Source, text: str, actors, claims, relations) -> Extraction:
    segment = Segment(text, OffsetMap(((0, 0),)), SectionKind.BODY, source.id)
    document = Document(source.path, text, source.kind, (source,), (segment,))
    return Extraction(document, tuple(actors), tuple(claims), tuple(relations))


def russia_graph() -> nx.MultiDiGraph:
    """Russia, China, Iran; Russia dependsOn China backed by the Kommersant claim."""
    source = Source("source/caravanserai", CARAVANSERAI, DocumentKind.ARTICLE,
                    "articles/caravanserai.html", url="https://example.org/caravanserai")
    video = Source("source/video-notes", "Video notes: Russia and Iran", DocumentKind.MARKDOWN,
                   "notes/video.md", url="https://www.youtube.com/watch?v=abc123")
    russia = Actor("actor/russia", "Russia", ActorKind.COUNTRY, wikidata="Q159")
    paper = Actor("actor/kommersant", "Kommersant", ActorKind.ORGANIZATION)
    china = Actor("actor/china", "China", ActorKind.COUNTRY, wikidata="Q148")
    iran = Actor("actor/iran", "Iran", ActorKind.COUNTRY, wikidata="Q794")
    kommersant = Claim(
        "claim/kommersant", source.id, KOMMERSANT, 0, len(KOMMERSANT), SectionKind.BODY,
        Modality.REPORTED,
        mentions=(Mention("actor/russia", "Russia", 0, 6, "name"),
                  Mention("actor/china", "Chinese", 26, 33, "demonym"),
                  Mention("actor/kommersant", "Kommersant", 84, 94, "name")),
    )
    drones_text = "Iran sells drones to Russia."
    drones = Claim(
        "claim/drones", video.id, drones_text, 0, len(drones_text), SectionKind.BODY,
        Modality.ASSERTED, timestamp=75,
        mentions=(Mention("actor/iran", "Iran", 0, 4, "name"),
                  Mention("actor/russia", "Russia", 21, 27, "name")),
    )
    return assemble([
        _extraction(source, KOMMERSANT, [russia, china, paper], [kommersant], [
            Relation("actor/russia", "dependsOn", "actor/china", kommersant.id, "rely-on", 0.9),
        ]),
        _extraction(video, drones_text, [iran, russia], [drones], [
            Relation("actor/iran", "suppliesTo", "actor/russia", drones.id, "sell-to", 0.8),
        ]),
    ])


def payload_graph() -> nx.MultiDiGraph:
    """Actors, a source and claims whose names, title and texts are XSS payloads."""
    title = " ".join(PAYLOADS)
    source = Source("source/evil", title, DocumentKind.ARTICLE, "evil.html",
                    url="javascript:alert(1)")
    actors = [Actor(f"actor/p{i}", p, kind, aliases=(p,))
              for i, (p, kind) in enumerate(zip(PAYLOADS, list(ActorKind), strict=False))]
    claims, relations = [], []
    for i, payload in enumerate(PAYLOADS):
        a, b = actors[i % len(actors)], actors[(i + 1) % len(actors)]
        claims.append(Claim(
            f"claim/p{i}", source.id, payload, 0, len(payload), SectionKind.BODY,
            Modality.ASSERTED, heading=payload, speaker_id=a.id,
            mentions=(Mention(a.id, a.name, 0, 1, "name"), Mention(b.id, b.name, 0, 1, "name")),
        ))
        relations.append(Relation(a.id, "opposes", b.id, f"claim/p{i}", "x", 0.5))
    return assemble([_extraction(source, title, actors, claims, relations)])


def star_graph(n: int) -> nx.MultiDiGraph:
    """A hub actor with relationships to ``n`` leaves, plus one isolated actor."""
    graph = nx.MultiDiGraph()
    graph.add_node("actor/hub", type="actor", name="Hub", kind="Country", claim_count=n)
    graph.add_node("actor/lonely", type="actor", name="Lonely", kind="Person", claim_count=9)
    for i in range(n):
        leaf = f"actor/leaf{i:03d}"
        graph.add_node(leaf, type="actor", name=f"Leaf {i}", kind="Group", claim_count=1)
        graph.add_edge("actor/hub", leaf, key="attacks", predicate="attacks", claims=[],
                       rules=[], sources=[], confidence=0.5)
    return graph


def page_json(html: str, element: str) -> object:
    """Parse the JSON block ``element`` embedded in a written page."""
    match = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>',
                      html, re.S)
    assert match, element
    return json.loads(match.group(1))


def test_write_html_returns_summary_of_what_is_shown(tmp_path):
    summary = write_html(russia_graph(), tmp_path / "graph.html")
    assert summary == HtmlSummary(nodes_shown=4, edges_shown=2, actors_left_out=0)


def test_write_html_is_byte_identical_for_the_same_graph(tmp_path):
    write_html(russia_graph(), tmp_path / "a.html")
    write_html(russia_graph(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_write_html_links_nothing_from_the_network(tmp_path):
    write_html(russia_graph(), tmp_path / "graph.html")
    html = (tmp_path / "graph.html").read_text(encoding="utf-8")
    lowered = html.lower()
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "googleapis"):
        assert cdn not in lowered
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert "vis.Network" in html  # vis-network is inlined


def test_write_html_leaves_no_temporary_file(tmp_path):
    write_html(russia_graph(), tmp_path / "graph.html")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_write_html_raises_export_error_when_unwritable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        write_html(russia_graph(), blocker / "graph.html")


def test_write_html_embeds_payloads_only_escaped(tmp_path):
    write_html(payload_graph(), tmp_path / "graph.html")
    html = (tmp_path / "graph.html").read_text(encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html
    data = page_json(html, "cg-data")
    assert {c["text"] for c in data["claims"]} == set(PAYLOADS)
    assert data["sources"][0]["url"] is None  # javascript: URL dropped


def test_build_page_data_draws_actors_not_claims():
    data = build_page_data(russia_graph())
    assert [n["label"] for n in data["nodes"]] == ["China", "Iran", "Kommersant", "Russia"]
    shapes = {n["label"]: n["shape"] for n in data["nodes"]}
    assert shapes["Russia"] == "dot" and shapes["Kommersant"] == "diamond"


def test_build_page_data_edge_lists_its_supporting_claim():
    data = build_page_data(russia_graph())
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    edge = next(e for e in data["edges"] if e["label"] == "dependsOn")
    assert (labels[edge["from"]], labels[edge["to"]]) == ("Russia", "China")
    info = data["edgeInfo"][edge["id"]]
    claim = data["claims"][info["claims"][0]]
    assert claim["text"] == KOMMERSANT
    assert data["sources"][claim["source"]]["title"] == CARAVANSERAI
    assert claim["modality"] == "reported"
    assert claim["section"] == "body"


def test_build_page_data_node_lists_claims_that_mention_it():
    data = build_page_data(russia_graph())
    russia = next(n["id"] for n in data["nodes"] if n["label"] == "Russia")
    texts = [data["claims"][c]["text"] for c in data["nodeInfo"][russia]["claims"]]
    assert sorted(texts) == sorted([KOMMERSANT, "Iran sells drones to Russia."])


def test_build_page_data_links_video_claims_to_their_second():
    data = build_page_data(russia_graph())
    claim = next(c for c in data["claims"] if c["time"] is not None)
    assert claim["link"] == "https://www.youtube.com/watch?v=abc123&t=75s"


def test_build_page_data_places_every_node():
    data = build_page_data(star_graph(30))
    points = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(points) == len(data["nodes"])


def test_build_page_data_styles_kinds_and_relationships_differently():
    data = build_page_data(star_graph(3))
    shapes = {n["label"]: n["shape"] for n in data["nodes"]}
    assert shapes["Hub"] != shapes["Lonely"]
    assert [k["name"] for k in data["kinds"]] == ["Country", "Group", "Person"]
    assert [r["name"] for r in data["relations"]] == ["attacks"]


def test_build_page_data_sizes_nodes_by_claim_count():
    data = build_page_data(star_graph(3))
    size = {n["label"]: n["size"] for n in data["nodes"]}
    assert size["Hub"] > size["Leaf 0"]


def test_build_page_data_counts_what_is_left_out():
    data = build_page_data(star_graph(10), max_nodes=5)
    assert data["summary"]["actorsLeftOut"] == 7
    assert data["summary"]["edgesLeftOut"] == 6
    assert len(data["edges"]) == 4


def test_select_actors_keeps_the_most_connected():
    kept = select_actors(star_graph(10), 3)
    assert kept == ["actor/hub", "actor/leaf000", "actor/leaf001"]


def test_select_actors_keeps_all_under_the_limit():
    assert len(select_actors(star_graph(10), 100)) == 12


def test_write_html_reports_left_out_actors(tmp_path):
    summary = write_html(star_graph(10), tmp_path / "graph.html", max_nodes=5)
    assert summary.actors_left_out == 7
    assert summary.nodes_shown == 5


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_json_cannot_close_a_script_element(payload):
    text = safe_json({"x": payload})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": payload}


@pytest.mark.parametrize(
    ("url", "seconds", "expected"),
    [
        ("https://www.youtube.com/watch?v=a", 5, "https://www.youtube.com/watch?v=a&t=5s"),
        ("https://youtu.be/a", 5, "https://youtu.be/a?t=5s"),
        ("https://example.org/v.mp4#x", 5, "https://example.org/v.mp4#t=5"),
        ("https://www.youtube.com/watch?v=a", None, None),
        ("javascript:alert(1)", 5, None),
        (None, 5, None),
    ],
)
def test_video_link_points_at_the_second(url, seconds, expected):
    assert video_link(url, seconds) == expected


def test_web_url_refuses_non_web_schemes():
    assert web_url("data:text/html,<script>") is None
    assert web_url("https://example.org/a") == "https://example.org/a"


def test_build_page_data_labels_small_graphs_eagerly():
    assert build_page_data(star_graph(10))["lazyLabels"] is None


def test_build_page_data_adds_labels_lazily_on_large_graphs():
    data = build_page_data(star_graph(LAZY_LABELS_ABOVE))
    assert data["lazyLabels"] == {"scale": LABEL_SCALE}
    assert all(e["label"] == "attacks" for e in data["edges"])  # still in the data


def test_build_page_data_draws_large_graphs_without_physics_or_curves():
    options = _vis_options(LARGE_GRAPH + 1)
    assert options["physics"] == {"enabled": False}
    assert options["layout"]["improvedLayout"] is False
    assert options["edges"]["smooth"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True


def test_build_page_data_curves_parallel_edges_apart():
    graph = star_graph(1)
    graph.add_edge("actor/leaf000", "actor/hub", key="opposes", claims=[], confidence=0.5)
    edges = build_page_data(graph)["edges"]
    assert "smooth" not in edges[0]
    assert edges[1]["smooth"]["type"] == "curvedCW"


def _random_edges(n: int, m: int, seed: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    return [(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2))]


def test_force_layout_is_deterministic_coarse_to_fine():
    edges = _random_edges(COARSEST * 3, COARSEST * 6, 3)
    first = force_layout(COARSEST * 3, edges)
    assert (first == force_layout(COARSEST * 3, edges)).all()


def test_force_layout_spreads_a_large_graph():
    n = COARSEST * 3
    pos = force_layout(n, _random_edges(n, 2 * n, 4))
    assert pos.shape == (n, 2) and np.isfinite(pos).all()
    assert len({(round(x, 1), round(y, 1)) for x, y in pos.tolist()}) == n
    i, _j = close_pairs(pos, 10.0)
    assert len(i) < n // 20  # few nodes on top of each other


def test_force_layout_keeps_neighbours_closer_than_strangers():
    n = COARSEST * 2
    edges = [(i, i + 1) for i in range(n - 1)]  # a path, folded by the layout
    pos = force_layout(n, edges)
    linked = np.linalg.norm(pos[:-1] - pos[1:], axis=1)
    far = np.linalg.norm(pos[: n // 2] - pos[n // 2:], axis=1)
    assert np.median(linked) * 5 < np.median(far)


def test_ring_isolated_keeps_linked_nodes_central_and_puts_loners_outside():
    import numpy as np

    from graph.layout import ring_isolated

    pos = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0], [9000.0, 0.0], [-7000.0, 50.0]])
    out = ring_isolated(pos, [(0, 1), (0, 2)])
    core = np.linalg.norm(out[:3], axis=1).max()
    loners = np.linalg.norm(out[3:], axis=1)
    assert (loners > core).all() and (loners < core + 400).all()
    assert np.allclose(out[1] - out[0], pos[1] - pos[0])  # the linked layout is kept
