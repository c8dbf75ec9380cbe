"""The endpoint's query page in a real browser: results holding XSS payloads stay text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_html_browser import CHROMIUM, browser  # noqa: F401

from graph.server import start_server

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]

PAYLOADS = (Path(__file__).parent / "fixtures" / "html" / "payloads.txt").read_text(
    encoding="utf-8").splitlines()
MINI = Path(__file__).parent / "fixtures" / "sparql" / "mini.ttl"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    exports = tmp_path_factory.mktemp("exports")
    shutil.copy(MINI, exports / "graph.ttl")
    with start_server(exports, timeout=5.0, workers=1) as running:
        yield running


def test_query_page_shows_payloads_in_results_as_text(browser, endpoint):  # noqa: F811
    payloads = [p for p in PAYLOADS if p.strip()]
    values = " ".join(f"({_literal(p)})" for p in payloads)
    query = f"SELECT ?x WHERE {{ VALUES (?x) {{ {values} }} }}"
    page = browser.new_page()
    dialogs, errors, outside = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(endpoint.url) else outside.append(r.url))
    page.goto(endpoint.url + "/query")
    page.fill("#query", query)
    page.click("#run")
    # A locator wait, not wait_for_function: the page's CSP forbids the eval it needs.
    page.locator("#results td").first.wait_for()
    cells = page.locator("#results td").all_inner_texts()
    page.wait_for_timeout(300)  # give any injected handler the chance to fire
    page.close()
    assert dialogs == [] and errors == [] and outside == []
    assert set(payloads) <= {c.strip() for c in cells} | set(cells)
