"""Take a screenshot of a written ``graph.html`` with headless chromium.

Used by ``make screenshot`` to refresh ``exports/graph.png`` for the README. It
needs the test extras (playwright) and Debian's chromium; the page is opened from
disk with every network request refused, as an analyst would open it offline.

    python -m graph.screenshot exports/graph.html exports/graph.png
"""

from __future__ import annotations

import sys
from pathlib import Path

from graph.errors import ExportError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)


def _shoot(browser, html: Path, png: Path, width: int, height: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else r.abort())
    page.goto(html.resolve().as_uri())
    page.wait_for_function("window.claimgraph && window.claimgraph.timing.firstDraw !== null")
    page.screenshot(path=str(png))
    page.close()


def screenshot(html: Path, png: Path, *, width: int = 1400, height: int = 900,
               browser: object | None = None) -> Path:
    """Render ``html`` offline in headless chromium and write a PNG to ``png``.

    ``browser`` is an already launched playwright browser to reuse; by default one
    is started for this screenshot.
    """
    if browser is not None:
        _shoot(browser, html, png, width, height)
        return png
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ExportError("screenshots need playwright: make test installs it") from None
    if not Path(CHROMIUM).exists():
        raise ExportError(f"screenshots need Debian's chromium at {CHROMIUM}")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        _shoot(launched, html, png, width, height)
        launched.close()
    return png


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m graph.screenshot GRAPH.html OUT.png")
    try:
        print(screenshot(Path(sys.argv[1]), Path(sys.argv[2])))
    except ExportError as exc:
        sys.exit(f"error: {exc}")
