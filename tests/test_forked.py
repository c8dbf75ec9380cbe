"""The forked job that writes the graph files beside the RDF exports."""

from __future__ import annotations

import os
import time

import pytest

from graph.errors import ExportError
from graph.forked import ForkedJob

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_the_job_runs_in_another_process_and_its_files_stay(tmp_path):
    out = tmp_path / "pid.txt"
    job = ForkedJob(lambda: out.write_text(str(os.getpid())))
    job.wait()
    assert int(out.read_text()) != os.getpid()


def test_the_job_sees_this_process_memory_as_it_was_at_the_fork(tmp_path):
    data = {"nodes": list(range(1000))}
    out = tmp_path / "sum.txt"
    job = ForkedJob(lambda: out.write_text(str(sum(data["nodes"]))))
    data["nodes"].clear()  # the child keeps its own copy
    job.wait()
    assert out.read_text() == str(sum(range(1000)))


def test_a_failing_job_raises_its_message_here():
    def broken() -> None:
        raise ExportError("graph.gexf: cannot write (No space left on device)")

    job = ForkedJob(broken)
    with pytest.raises(ExportError, match=r"graph\.gexf: cannot write \(No space left"):
        job.wait()


def test_an_unexpected_error_is_named_by_its_type():
    job = ForkedJob(lambda: {}["missing"])
    with pytest.raises(ExportError, match="KeyError: 'missing'"):
        job.wait()


def test_a_job_killed_by_a_signal_is_reported():
    import signal

    job = ForkedJob(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ExportError, match="stopped by signal 9"):
        job.wait()


def test_kill_stops_a_job_that_still_runs(tmp_path):
    marker = tmp_path / "done"

    def slow() -> None:
        time.sleep(30)
        marker.write_text("finished")

    started = time.monotonic()
    job = ForkedJob(slow)
    job.kill()
    job.wait()  # nothing left to wait for
    assert time.monotonic() - started < 10
    assert not marker.exists()
