"""Browser tests of graph.html: the written page in headless chromium, offline.

Every request that is not a file: URL is aborted and counted; a test fails on any
network request, failed request, console error or dialog.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_html import (
    CARAVANSERAI,
    KOMMERSANT,
    PAYLOADS,
    payload_graph,
    russia_graph,
    star_graph,
)

from graph.html import LAZY_LABELS_ABOVE, write_html

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="needs Debian's chromium"),
]


@dataclass
class Visit:
    """A page opened offline, with everything that went wrong on it."""

    page: object
    network: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Fail if the page reached for the network, failed a request or logged an error."""
        assert self.network == []
        assert self.failed == []
        assert self.errors == []
        assert self.dialogs == []

    def js(self, script: str, arg: object = None) -> object:
        """Evaluate ``script`` in the page."""
        return self.page.evaluate(script, arg)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ])
        yield chromium
        chromium.close()


def open_page(browser, path: Path) -> Iterator[Visit]:
    """Open ``path`` with the network blocked and wait for the first drawing."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    visit = Visit(page)

    def route(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            visit.network.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: visit.failed.append(r.url))
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))

    def dialog(d):
        visit.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    page.wait_for_function("window.claimgraph && window.claimgraph.timing.firstDraw !== null")
    yield visit
    page.close()


@pytest.fixture
def russia(browser, tmp_path) -> Iterator[Visit]:
    write_html(russia_graph(), tmp_path / "graph.html")
    yield from open_page(browser, tmp_path / "graph.html")


@pytest.fixture
def payloads(browser, tmp_path) -> Iterator[Visit]:
    write_html(payload_graph(), tmp_path / "graph.html")
    yield from open_page(browser, tmp_path / "graph.html")


@pytest.fixture
def large(browser, tmp_path) -> Iterator[Visit]:
    write_html(star_graph(LAZY_LABELS_ABOVE), tmp_path / "graph.html")
    yield from open_page(browser, tmp_path / "graph.html")


def node_id(visit: Visit, label: str) -> int:
    return visit.js("l => window.claimgraph.nodes.get({filter: n => n.label === l})[0].id",
                    label)


def edge_id(visit: Visit, relation: str) -> int:
    return visit.js("r => window.claimgraph.edges.get({filter: e => e.label === r})[0].id",
                    relation)


def page_point(visit: Visit, canvas_xy: str, arg: object) -> tuple[float, float]:
    """Page coordinates of a canvas point computed by the JS expression ``canvas_xy``."""
    return tuple(visit.js(f"""arg => {{
        const net = window.claimgraph.network;
        const p = net.canvasToDOM(({canvas_xy})(net, arg));
        const box = document.getElementById("mynetwork").getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }}""", arg))


def click_node(visit: Visit, label: str) -> None:
    x, y = page_point(visit, "(net, id) => net.getPositions([id])[id]", node_id(visit, label))
    visit.page.mouse.click(x, y)


def click_edge(visit: Visit, relation: str) -> None:
    x, y = page_point(visit, """(net, id) => {
        const edge = window.claimgraph.edges.get(id), a = edge.from, b = edge.to;
        const p = net.getPositions([a, b]);
        return {x: (p[a].x + p[b].x) / 2, y: (p[a].y + p[b].y) / 2};
    }""", edge_id(visit, relation))
    visit.page.mouse.click(x, y)


def panel_text(visit: Visit) -> str:
    return visit.page.locator("#cg-panel").inner_text()


def visible(visit: Visit) -> tuple[set[str], set[str]]:
    """Labels of the nodes and edges the network currently draws."""
    nodes, edges = visit.js("""() => {
        const body = window.claimgraph.network.body;
        const shown = Object.values(body.nodes).filter(n => body.nodeIndices.includes(n.id));
        const edges = body.edgeIndices.map(id => body.edges[id]);
        return [shown.map(n => n.options.label), edges.map(e => e.options.label)];
    }""")
    return set(nodes), set(edges)


def uncheck(visit: Visit, group: str, label: str) -> None:
    visit.page.locator(f'#cg-filter-{group} label:has-text("{label}") input').uncheck()


def test_page_opens_offline_without_errors(russia):
    russia.assert_clean()
    assert visible(russia) == ({"China", "Iran", "Kommersant", "Russia"},
                               {"dependsOn", "suppliesTo"})
    assert russia.page.locator("#cg-filter-kind label").all_inner_texts()[0].strip()


def test_page_edge_click_shows_claim_and_source(russia):
    click_edge(russia, "dependsOn")
    text = panel_text(russia)
    assert KOMMERSANT in text
    assert CARAVANSERAI in text
    assert "Russia dependsOn China" in text
    assert "reported" in text and "body" in text
    russia.assert_clean()


def test_page_node_click_shows_claims_that_mention_it(russia):
    click_node(russia, "Iran")
    text = panel_text(russia)
    assert "Iran sells drones to Russia." in text
    assert KOMMERSANT not in text
    link = russia.page.locator("#cg-claims a.cg-video")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=abc123&t=75s"
    russia.assert_clean()


def test_page_search_focuses_actor_and_its_neighbourhood(russia):
    russia.page.fill("#cg-search", "iran")
    russia.page.press("#cg-search", "Enter")
    iran, russia_id = node_id(russia, "Iran"), node_id(russia, "Russia")
    assert russia.js("() => window.claimgraph.network.getSelectedNodes()") == [iran]
    highlighted = russia.js("() => window.claimgraph.state.highlighted.nodes")
    assert sorted(highlighted) == sorted([iran, russia_id])
    centre = russia.js("() => window.claimgraph.network.getViewPosition()")
    position = russia.js("id => window.claimgraph.network.getPositions([id])[id]", iran)
    assert abs(centre["x"] - position["x"]) < 1 and abs(centre["y"] - position["y"]) < 1
    assert "Iran sells drones to Russia." in panel_text(russia)
    russia.assert_clean()


def test_page_relationship_filter_hides_its_edges(russia):
    uncheck(russia, "relation", "dependsOn")
    assert visible(russia)[1] == {"suppliesTo"}
    russia.assert_clean()


def test_page_kind_filter_hides_its_actors(russia):
    uncheck(russia, "kind", "Organization")
    assert visible(russia)[0] == {"China", "Iran", "Russia"}
    uncheck(russia, "kind", "Country")
    assert visible(russia) == (set(), set())


def test_page_source_filter_hides_what_only_it_supports(russia):
    uncheck(russia, "source", "Video notes")
    nodes, edges = visible(russia)
    assert nodes == {"China", "Kommersant", "Russia"}
    assert edges == {"dependsOn"}


def test_page_modality_filter_hides_what_only_it_supports(russia):
    uncheck(russia, "modality", "reported")
    nodes, edges = visible(russia)
    assert nodes == {"Iran", "Russia"}
    assert edges == {"suppliesTo"}


def test_page_renders_payloads_as_text(payloads):
    for payload in PAYLOADS:
        payloads.page.fill("#cg-search", payload)
        payloads.page.press("#cg-search", "Enter")
        text = panel_text(payloads)
        assert payload in text
    click_node(payloads, PAYLOADS[0])
    assert PAYLOADS[0] in panel_text(payloads)
    injected = payloads.js(
        "() => document.querySelectorAll('img[src=x], svg[onload], #cg-panel script').length")
    assert injected == 0
    payloads.assert_clean()


def drawn_labels(visit: Visit) -> tuple[set[str], set[str]]:
    """Labels vis-network holds for its nodes and edges (empty ones left out)."""
    nodes, edges = visit.js("""() => {
        const body = window.claimgraph.network.body;
        return [Object.values(body.nodes).map(n => n.options.label || ""),
                Object.values(body.edges).map(e => e.options.label || "")];
    }""")
    return set(nodes) - {""}, set(edges) - {""}


def test_large_page_adds_labels_only_when_zoomed_in(large):
    assert drawn_labels(large) == (set(), set())
    large.page.fill("#cg-search", "Hub")
    large.page.press("#cg-search", "Enter")
    nodes, edges = drawn_labels(large)
    assert "Hub" in nodes and "Lonely" not in nodes
    assert edges == {"attacks"}
    assert "Hub" in panel_text(large)
    large.assert_clean()


def test_large_page_filters_and_clicks_still_work(large):
    uncheck(large, "relation", "attacks")
    assert large.js("() => window.claimgraph.network.body.edgeIndices.length") == 0
    large.page.locator('#cg-filter-relation input').check()
    assert large.js("() => window.claimgraph.network.body.edgeIndices.length") == \
        LAZY_LABELS_ABOVE
    hub = large.js("() => window.claimgraph.edges.get()[0].from")  # every edge leaves the hub
    x, y = page_point(large, "(net, id) => net.getPositions([id])[id]", hub)
    large.page.mouse.click(x, y)
    assert "Hub" in panel_text(large)
    large.assert_clean()
