"""Benchmark graph.html: layout, writing, and time to first frame in chromium.

Run with ``python bench/bench_html.py``; results go to ``bench/results-html.md``.
Each page is opened ``RUNS`` times in a fresh tab; the median is reported with the
range, since other processes on a shared machine make single runs noisy.
Synthetic graphs follow the assembled schema: actors of every kind, preferential-
attachment relationships (about two per actor) each backed by one claim that
mentions both ends, claims spread over 40 sources. Beside claimgraph's page it
times pyvis's defaults (``from_nx``, physics on) for comparison.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import tempfile
import time
from pathlib import Path

import networkx as nx

from graph.html import build_page_data, write_html
from graph.layout import force_layout

HERE = Path(__file__).resolve().parent
OUT = HERE / "results-html.md"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
KINDS = ("Country", "Organization", "Person", "Group", "Region", "Bloc")
RELATIONS = ("suppliesTo", "dependsOn", "cooperatesWith", "attacks", "defendsAgainst",
             "sanctions", "migratesTo", "atWarWith", "prefers", "opposes")
MODALITIES = ("asserted", "hedged", "forecast", "reported", "negated")
PYVIS_LIMIT = 120.0
RUNS = 5
GOALS_MS = {5000: 1500, 20000: 4000}
"""Time to interactive the viewer must meet, by actors shown (from the issue)."""


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A claim graph with ``n`` actors and about ``2 n`` relationships."""
    skeleton = nx.barabasi_albert_graph(n, 2, seed=seed)
    graph = nx.MultiDiGraph()
    for s in range(40):
        graph.add_node(f"source/s{s:02d}", type="source", title=f"Source {s}", kind="article",
                       url=f"https://example.org/{s}")
    for a in range(n):
        graph.add_node(f"actor/a{a:05d}", type="actor", name=f"Actor {a}",
                       kind=KINDS[a % len(KINDS)], aliases=[], claim_count=0)
    for e, (a, b) in enumerate(sorted(skeleton.edges())):
        cid, rel = f"claim/c{e:06d}", RELATIONS[e % len(RELATIONS)]
        s, o = f"actor/a{a:05d}", f"actor/a{b:05d}"
        graph.add_node(cid, type="claim", text=f"Actor {a} {rel} actor {b}.",
                       source=f"source/s{e % 40:02d}", section="body", heading=None,
                       timestamp=None, modality=MODALITIES[e % len(MODALITIES)], speaker=None)
        graph.add_edge(cid, s, key="mentions")
        graph.add_edge(cid, o, key="mentions")
        graph.nodes[s]["claim_count"] += 1
        graph.nodes[o]["claim_count"] += 1
        graph.add_edge(s, o, key=rel, predicate=rel, claims=[cid], rules=["r"],
                       sources=[f"source/s{e % 40:02d}"], confidence=0.8)
    return graph


def machine() -> str:
    """CPU model, cores and RAM of this machine."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return (f"{cpu}, {os.cpu_count()} cores, {kib / 2**20:.1f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def load_average() -> str:
    """The 1-minute load average, to show how busy the machine was."""
    return Path("/proc/loadavg").read_text().split()[0]


def first_frame(path: Path, script: str, timeout: float = 120.0, runs: int = 1,
                extra: str | None = None) -> dict:
    """Open ``path`` offline in chromium ``runs`` times; ``script`` returns the ready time.

    Returns the median ready time and load time, all ready times, the value of the
    ``extra`` expression on the median run, and the most blocked requests and
    console errors seen in one run.
    """
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            results.append(_open(browser, path, script, timeout, extra))
        browser.close()
    done = sorted((r for r in results if r["ready_ms"] is not None), key=lambda r: r["ready_ms"])
    middle = done[len(done) // 2] if done else results[0]
    return {**middle, "all_ms": [r["ready_ms"] for r in results],
            "blocked": max(r["blocked"] for r in results),
            "errors": max(r["errors"] for r in results)}


def _open(browser, path: Path, script: str, timeout: float, extra: str | None) -> dict:
    """One visit of ``path`` in a new tab of ``browser``."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), timeout=timeout * 1000)
    loaded = page.evaluate(
        "performance.timing.loadEventEnd - performance.timing.navigationStart")
    try:
        page.wait_for_function(f"({script})() !== null", timeout=timeout * 1000, polling=50)
        ready = page.evaluate(f"({script})()")
    except Exception:
        ready = None
    detail = page.evaluate(extra) if extra and ready is not None else None
    page.close()
    return {"load_ms": loaded, "ready_ms": ready, "blocked": len(blocked), "errors": len(errors),
            "detail": detail}


OURS_READY = "() => window.claimgraph && window.claimgraph.timing.firstDraw"
OURS_DETAIL = "window.claimgraph.timing"
PYVIS_READY = ("() => (document.getElementById('text') && "
               "document.getElementById('text').textContent === '100%') ? performance.now() : null")


def bench_ours(n: int, max_nodes: int, workdir: Path) -> dict:
    """Time layout, page data, writing and first frame of claimgraph's page."""
    graph = synthetic_graph(n)
    actors = sorted(a for a, d in graph.nodes(data=True) if d["type"] == "actor")
    index = {a: i for i, a in enumerate(actors)}
    pairs = [(index[s], index[o]) for s, o, k in graph.edges(keys=True)
             if k not in {"mentions"}]
    t = time.perf_counter()
    force_layout(len(actors), pairs)
    layout = time.perf_counter() - t
    t = time.perf_counter()
    build_page_data(graph, max_nodes=max_nodes)
    data = time.perf_counter() - t
    path = workdir / f"ours-{n}-{max_nodes}.html"
    t = time.perf_counter()
    summary = write_html(graph, path, max_nodes=max_nodes)
    write = time.perf_counter() - t
    browser = first_frame(path, OURS_READY, runs=RUNS, extra=OURS_DETAIL)
    return {"n": n, "edges": len(pairs), "max_nodes": max_nodes, "shown": summary.nodes_shown,
            "edges_shown": summary.edges_shown, "layout_s": layout, "data_s": data,
            "write_s": write, "size_mb": path.stat().st_size / 1e6, **browser}


def _pyvis_write(n: int, path: str) -> None:
    from pyvis.network import Network

    graph = synthetic_graph(n)
    actors = nx.Graph()
    actors.add_nodes_from(a for a, d in graph.nodes(data=True) if d["type"] == "actor")
    actors.add_edges_from((s, o) for s, o, k in graph.edges(keys=True) if k != "mentions")
    net = Network(cdn_resources="in_line")
    net.from_nx(actors)
    net.write_html(path)


def bench_pyvis(n: int, workdir: Path) -> dict:
    """Time writing and stabilisation of pyvis's default page."""
    path = workdir / f"pyvis-{n}.html"
    t = time.perf_counter()
    proc = multiprocessing.Process(target=_pyvis_write, args=(n, str(path)))
    proc.start()
    proc.join(PYVIS_LIMIT)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return {"n": n, "write_s": None, "note": f"write did not finish in {PYVIS_LIMIT:.0f} s"}
    write = time.perf_counter() - t
    left = max(1.0, PYVIS_LIMIT - write)
    browser = first_frame(path, PYVIS_READY, timeout=left)
    note = "" if browser["ready_ms"] is not None else (
        f"stabilisation did not finish in {PYVIS_LIMIT:.0f} s")
    return {"n": n, "write_s": write, "size_mb": path.stat().st_size / 1e6, "note": note,
            **browser}


def _fmt(value, unit="", digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def main() -> None:
    """Run every measurement and write ``bench/results-html.md``."""
    before = load_average()
    with tempfile.TemporaryDirectory(prefix="claimgraph-html-bench-") as tmp:
        ours, theirs = _run_all(Path(tmp))
    _report(ours, theirs, (before, load_average()))


def _run_all(workdir: Path) -> tuple[list[dict], list[dict]]:
    ours = [bench_ours(500, 5000, workdir), bench_ours(5000, 5000, workdir),
            bench_ours(20000, 20000, workdir), bench_ours(20000, 5000, workdir)]
    theirs = [bench_pyvis(500, workdir), bench_pyvis(5000, workdir)]
    return ours, theirs


def _ready(r: dict) -> str:
    """Median first frame with the range over all runs."""
    if r["ready_ms"] is None:
        return "—"
    runs = [t for t in r["all_ms"] if t is not None]
    return f"{r['ready_ms']:.0f} ms ({min(runs):.0f}–{max(runs):.0f})"


def _goal(r: dict) -> str:
    """Whether the median run met the issue's goal for this size, if there is one."""
    goal = GOALS_MS.get(r["shown"]) if r["max_nodes"] == r["n"] else None
    if goal is None or r["ready_ms"] is None:
        return ""
    return f"{'met' if r['ready_ms'] <= goal else 'missed'} (≤ {goal / 1000:g} s)"


def _report(ours: list[dict], theirs: list[dict], load: tuple[str, str]) -> None:
    """Write the results table to ``bench/results-html.md`` and print it."""
    lines = [
        "# graph.html benchmark",
        "",
        f"Machine: {machine()}. Browser: Debian chromium, headless, `--disable-gpu`, "
        "viewport 1400×900, all network requests aborted. "
        f"Load average (1 min) {load[0]} at the start and {load[1]} at the end: the "
        "machine is shared, so times vary between runs.",
        "",
        "Synthetic graphs (`bench/bench_html.py`): preferential attachment, ~2 relationships "
        "per actor, one claim per relationship. *Layout* is `force_layout` alone; *page data* "
        "is `build_page_data` (includes layout); *write* is `write_html` end to end. "
        "*First frame* is `performance.now()` at vis-network's first `afterDrawing`, measured "
        f"from navigation start: median of {RUNS} page loads, range in brackets; the page is "
        "interactive from then on (physics off). *Script* and *network* are when the page "
        "script started (HTML and vis-network parsed) and when `new vis.Network` returned, "
        "on the median run.",
        "",
        "| actors | relationships | max_nodes | shown | edges shown | layout | page data | "
        "write | file | load event | script | network | first frame / interactive | goal | "
        "console errors | blocked requests |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in ours:
        detail = r.get("detail") or {}
        lines.append(
            f"| {r['n']:,} | {r['edges']:,} | {r['max_nodes']:,} | {r['shown']:,} | "
            f"{r['edges_shown']:,} | {_fmt(r['layout_s'], ' s')} | {_fmt(r['data_s'], ' s')} | "
            f"{_fmt(r['write_s'], ' s')} | {r['size_mb']:.1f} MB | {r['load_ms']} ms | "
            f"{_fmt(detail.get('start'), ' ms', 0)} | {_fmt(detail.get('network'), ' ms', 0)} | "
            f"{_ready(r)} | {_goal(r)} | {r['errors']} | {r['blocked']} |")
    lines += [
        "",
        "pyvis defaults for comparison (`Network(cdn_resources='in_line')`, `from_nx`, "
        "physics on; *ready* is when pyvis's loading bar reaches 100% on "
        "`stabilizationIterationsDone`, polled every 50 ms, one page load; physics keeps "
        "running after). Its template links bootstrap from a CDN: those requests are the "
        "blocked ones.",
        "",
        "| actors | write | file | load event | stabilisation done | console errors | "
        "blocked requests | note |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in theirs:
        if r.get("write_s") is None:
            lines.append(f"| {r['n']:,} | — | — | — | — | — | — | {r['note']} |")
            continue
        lines.append(
            f"| {r['n']:,} | {_fmt(r['write_s'], ' s')} | {r['size_mb']:.1f} MB | "
            f"{r['load_ms']} ms | {_fmt(r['ready_ms'], ' ms', 0)} | {r['errors']} | "
            f"{r['blocked']} | {r['note']} |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
