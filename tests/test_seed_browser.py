"""The seed graph in a real browser: an analyst clicks an edge and finds its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_html_browser import CHROMIUM, browser, open_page, page_point, panel_text  # noqa: F401

from graph.build import build
from graph.screenshot import screenshot

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]

RELIANCE = "Russia has had to rely on Chinese substitutes with failure rates as high as 40%"
ARTICLE_TITLE = "With Russian IT specialists settling in Central Asia"


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory, corpus) -> Path:
    out = tmp_path_factory.mktemp("seed")
    build([corpus], out, workers=1, cache_dir=None)
    return out / "graph.html"


def test_seed_graph_edge_click_cites_reliance_on_chinese_substitutes(browser, seed_html):  # noqa: F811
    for visit in open_page(browser, seed_html):
        edge = visit.js("""() => {
            const cg = window.claimgraph;
            const id = n => cg.nodes.get({filter: x => x.label === n})[0].id;
            const [russia, china] = [id("Russia"), id("China")];
            return cg.edges.get({filter: e => e.label === "dependsOn" && e.from === russia
                                 && e.to === china})[0].id;
        }""")
        # The drawn midpoint: parallel edges between two actors curve apart.
        x, y = page_point(visit, "(net, id) => net.body.edges[id].edgeType.getPoint(0.5)",
                          edge)
        visit.page.mouse.click(x, y)
        text = panel_text(visit)
        assert RELIANCE in text
        assert ARTICLE_TITLE in text
        assert "Kommersant" in text
        visit.assert_clean()


def test_screenshot_writes_a_png_of_the_seed_graph(browser, seed_html, tmp_path):  # noqa: F811
    png = screenshot(seed_html, tmp_path / "graph.png", browser=browser)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a drawn network, not a blank page
