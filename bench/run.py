"""Benchmark whole builds against bare spaCy parsing of the same texts.

For each corpus size it generates documents (``bench.generate``), then measures:

* ``build``: ``claimgraph build`` end to end in a fresh process (read, extract,
  assemble, RDF, SHACL validation, every export, HTML), cold cache;
* ``rebuild``: the same command again on the unchanged corpus (warm cache);
* ``spacy``: bare ``nlp.pipe`` over the very texts the build parses
  (:func:`graph.extract.parse_texts`: claim segments and photo credits), same
  components, same number of processes -- the ceiling the build is measured against.

It reports documents/s, words/s, the ratio build/spacy throughput, peak memory of the
whole process tree (sampled from /proc) and the size of every export, and writes
``bench/results.md`` with the machine described.

    python -m bench.run --sizes 100 1000 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.generate import generate
from graph.validate import fast_engine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"


def machine() -> str:
    """Describe this machine: CPU model, cores, memory, Python."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{cpu}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def _tree_memory(root: int) -> tuple[int, int]:
    """Memory in bytes of ``root`` and all its descendants: (PSS, RSS) summed.

    PSS (proportional set size) splits each shared page between the processes
    sharing it, so a forked child's pages are not counted twice: the sum is what
    the tree really holds. The RSS sum counts shared pages once per process.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total_pss = total_rss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        total_rss += rss.get(pid, 0)
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total_pss += next(int(line.split()[1]) for line in rollup.splitlines()
                              if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration, ValueError):
            total_pss += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total_pss, total_rss


def run_measured(cmd: list[str]) -> tuple[float, tuple[int, int], str]:
    """Run ``cmd``; return wall seconds, peak tree (PSS, RSS) in bytes and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=ROOT)
    peak_pss = peak_rss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while not done.is_set():
            pss, rss = _tree_memory(proc.pid)
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-2000:]}")
    return elapsed, (peak_pss, peak_rss), output


SPACY_BASELINE = """
import sys, time
from pathlib import Path
from graph.build import read_documents
from graph.extract import parse_texts
from graph.nlp import load_nlp
workers = int(sys.argv[2])
documents, _ = read_documents([Path(sys.argv[1])], max_bytes=20_000_000)
texts = [t for doc in documents for t in parse_texts(doc)]
del documents
nlp = load_nlp()
start = time.perf_counter()
for _ in nlp.pipe(texts, n_process=workers, batch_size=64):
    pass
print(time.perf_counter() - start, sum(len(t.split()) for t in texts))
"""


def paired_ratio(build_s: list[float], spacy_s: list[float]) -> tuple[float, float, float]:
    """Median, lowest and highest of the ratios spacy/build over runs made side by side.

    The machine's speed drifts (on a shared host, bare parsing of the same 1,000
    documents took 25 s and, twenty minutes later, 36 s), so each build is compared
    with the baseline run next to it in time, not with a baseline from another hour.

    >>> paired_ratio([10.0, 20.0, 40.0], [8.0, 15.0, 36.0])
    (0.8, 0.75, 0.9)
    """
    if not build_s or len(build_s) != len(spacy_s):
        raise ValueError("one baseline run for each build")
    ratios = sorted(s / b for b, s in zip(build_s, spacy_s, strict=True))
    return statistics.median(ratios), ratios[0], ratios[-1]


def bench_size(n: int, workers: int, work: Path, repeat: int = 1) -> dict:
    """Measure one corpus size ``repeat`` times; return a row of results.

    Each round is a cold build and a bare-spaCy run, taken one after the other, the
    order swapped every round so that a machine getting faster or slower favours
    neither; the warm rebuild runs on the output and cache of the last cold build.
    """
    corpus = work / f"corpus-{n}"
    generate(n, corpus)
    out, cache = work / f"out-{n}", work / f"cache-{n}"
    claimgraph = [sys.executable, "-m", "graph", "build", str(corpus), "--out", str(out),
                  "--workers", str(workers), "--cache-dir", str(cache), "--quiet"]
    spacy_cmd = [sys.executable, "-c", SPACY_BASELINE, str(corpus), str(workers)]
    builds: list[float] = []
    parses: list[float] = []
    build_peaks: list[tuple[int, int]] = []
    spacy_peaks: list[tuple[int, int]] = []
    words = 0

    def cold_build() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        seconds, peak, _ = run_measured(claimgraph)
        builds.append(seconds)
        build_peaks.append(peak)

    def bare_parse() -> None:
        nonlocal words
        _, peak, output = run_measured(spacy_cmd)
        parse_seconds, counted = output.strip().splitlines()[-1].split()
        parses.append(float(parse_seconds))
        spacy_peaks.append(peak)
        words = int(counted)

    for round_ in range(repeat):
        steps = (cold_build, bare_parse) if round_ % 2 == 0 else (bare_parse, cold_build)
        for step in steps:
            step()
    warm, warm_peak, _ = run_measured(claimgraph)
    sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}
    ratio, lowest, highest = paired_ratio(builds, parses)
    return {
        "n": n, "workers": workers, "words": words, "runs": len(builds),
        "build_s": statistics.median(builds), "rebuild_s": warm,
        "spacy_s": statistics.median(parses), "ratio": ratio, "ratio_range": (lowest, highest),
        "build_peak": max(build_peaks), "rebuild_peak": warm_peak,
        "spacy_peak": max(spacy_peaks), "sizes": sizes,
    }


def report(rows: list[dict]) -> str:
    """Format results as the markdown written to bench/results.md."""
    lines = [
        "# Build throughput against bare spaCy",
        "",
        f"Machine: {machine()}.",
        "",
        "Corpus: `bench/generate.py` (half timestamped markdown notes, half news articles",
        "with captions, quotes and comments). `build` is `claimgraph build` end to end in a",
        "fresh process with a cold cache (reading, extraction, graph, RDF, SHACL validation,",
        "all exports, HTML); `rebuild` is the same command on the unchanged corpus; `spacy` is",
        "bare `nlp.pipe` over the same texts with the same processes (model load and",
        "process start excluded; the build's wall time includes both). Ratio = build",
        "throughput / spacy throughput (goal >= 0.8), the median over rounds of a cold build",
        "and a bare parse run side by side (their order swapped every round; the range of",
        "the rounds' ratios beside it; times are medians). Peak memory is the whole process tree,",
        "sampled every 0.2 s: PSS (each shared page split between the processes sharing",
        "it, so a forked child is not counted twice; goal < 2 GB at 10,000 documents) and",
        "the plain sum of RSS (shared pages counted once per process).",
        "",
        f"SHACL engine of the build: {fast_engine()} (see `graph/validate.py`).",
        "",
        "| docs | workers | rounds | words | build s | docs/s | words/s | spacy s | ratio |"
        " ratio range | rebuild s | rebuild/build | peak PSS MB build |"
        " peak RSS-sum MB build | peak PSS MB spacy |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['workers']} | {r['runs']} | {r['words']} | {r['build_s']:.1f} | "
            f"{r['n'] / r['build_s']:.1f} | {r['words'] / r['build_s']:.0f} | "
            f"{r['spacy_s']:.1f} | {r['ratio']:.2f} | "
            f"{r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f} | {r['rebuild_s']:.1f} | "
            f"{r['rebuild_s'] / r['build_s']:.1%} | {r['build_peak'][0] / 2**20:.0f} | "
            f"{r['build_peak'][1] / 2**20:.0f} | {r['spacy_peak'][0] / 2**20:.0f} |"
        )
    lines += ["", "Export sizes (bytes):", ""]
    names = sorted({name for r in rows for name in r["sizes"]})
    lines.append("| file | " + " | ".join(f"{r['n']} docs" for r in rows) + " |")
    lines.append("|---|" + "---:|" * len(rows))
    for name in names:
        lines.append(f"| {name} | " + " | ".join(str(r["sizes"].get(name, "")) for r in rows)
                     + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Command line: ``python -m bench.run [--sizes N ...] [--workers W] [--repeat K]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of cold build and bare parse per size (default 3)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cg-bench-") as tmp:
        for n in args.sizes:
            row = bench_size(n, args.workers, Path(tmp), max(1, args.repeat))
            pss, rss = (m / 2**20 for m in row["build_peak"])
            print(f"{n} docs: build {row['build_s']:.1f}s, spacy {row['spacy_s']:.1f}s, "
                  f"ratio {row['ratio']:.2f}, "
                  f"rebuild {row['rebuild_s']:.1f}s, peak PSS {pss:.0f} MB, RSS sum {rss:.0f} MB",
                  flush=True)
            rows.append(row)
    args.out.write_text(report(rows), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
