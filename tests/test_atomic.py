"""A build killed midway leaves the previous exports exactly as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bench.generate import generate
from graph.build import build


@pytest.mark.slow
def test_build_killed_midway_keeps_previous_exports(tmp_path, corpus):
    out = tmp_path / "out"
    build([corpus], out, workers=1, cache_dir=None)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    docs = tmp_path / "docs"
    generate(60, docs)
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph", "build", str(docs), "--out", str(out), "--workers", "1",
         "--cache-dir", str(cache), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # Kill it once extraction is under way: the first cached result shows that.
    deadline = time.monotonic() + 120
    while not list(cache.rglob("*.pickle")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the build never started extracting"
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before

    # The next build cleans up whatever the killed one left behind.
    build([corpus], out, workers=1, cache_dir=None)
    assert not list(out.glob(".staging-*"))
