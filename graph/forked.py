"""Run one job in a forked child process beside this one (POSIX), or here.

The exports made from the networkx graph alone (GraphML, GEXF, CSV, HTML) are
pure Python, so a thread cannot write them beside the RDF exports (the GIL);
a forked child can, and it starts with the graph already in its memory (shared
copy-on-write, nothing pickled). Where ``os.fork`` does not exist, or where the
child's copy would cost too much memory (:func:`fork_affordable`), the job runs in
this process when the caller waits for it.

Examples
--------
>>> job = ForkedJob(lambda: None)
>>> job.wait()
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable

from graph.errors import ClaimgraphError, ExportError

_MESSAGE_LIMIT = 1 << 16
"""At most this many bytes of a child's error message are passed back."""

FORK_MAX_RSS = 768 << 20
"""Fork only while this process holds at most this many bytes (resident).

A child copies every page it touches (CPython writes a reference count into each
object it reads), which for the graph files is most of the graph: at 10,000
documents the build holds about 1.1 GB after assembly, and a child beside it took
the build's peak from 1.8 GB to 2.6 GB. Below this size the copy is small enough
to pay for the time it saves."""


def _kilobytes_field(path: str, key: str) -> int | None:
    """The value in bytes of a ``key:  N kB`` line of a /proc file, or ``None``."""
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def resident_bytes() -> int | None:
    """This process's resident memory in bytes (``/proc/self/status``), or ``None``."""
    return _kilobytes_field("/proc/self/status", "VmRSS")


def available_bytes() -> int | None:
    """Memory the machine can still give (``MemAvailable`` of ``/proc/meminfo``), or ``None``."""
    return _kilobytes_field("/proc/meminfo", "MemAvailable")


def fork_affordable(max_rss: int | None = None) -> bool:
    """Whether a forked child's copy of this process fits: ``os.fork`` exists, this
    process holds at most ``max_rss`` bytes (default :data:`FORK_MAX_RSS`), and the
    machine has at least twice that size free (where it can tell).

    >>> fork_affordable(max_rss=0)
    False
    """
    if max_rss is None:
        max_rss = FORK_MAX_RSS
    rss = resident_bytes()
    if not hasattr(os, "fork") or rss is None or rss > max_rss:
        return False
    free = available_bytes()
    return free is None or free >= 2 * rss


class ForkedJob:
    """``job()`` running in a forked child; :meth:`wait` for it, :meth:`kill` to stop it.

    With ``fork=False`` (or no ``os.fork``) the job runs in this process, in
    :meth:`wait`, and raises there as it would.

    The child returns nothing but success or an error: a
    :class:`~graph.errors.ClaimgraphError`'s message (or the type and text of
    any other exception) comes back through a pipe and :meth:`wait` raises it as an
    :class:`~graph.errors.ExportError`. The child leaves with ``os._exit``, so it
    runs no exit handlers and flushes none of this process's buffers.

    Fork only where this process runs no other thread that the job could need
    (the SHACL checker's thread starts after); the cyclic garbage collector should
    be paused (:func:`graph.build.gc_paused`), so the child does not walk, and so
    copy, every page it shares.
    """

    def __init__(self, job: Callable[[], object], *, fork: bool = True) -> None:
        self._job: Callable[[], object] | None = None
        self._pid = 0
        self._fd = -1
        if not fork or not hasattr(os, "fork"):
            self._job = job  # run by wait(), in this process
            return
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read_fd)
            status = 0
            try:
                job()
            except BaseException as exc:  # every failure is reported, never raised
                status = 1
                with contextlib.suppress(BaseException):
                    text = (str(exc) if isinstance(exc, ClaimgraphError)
                            else f"{type(exc).__name__}: {exc}")
                    os.write(write_fd, text.encode("utf-8", "replace")[:_MESSAGE_LIMIT])
            finally:
                os._exit(status)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def wait(self) -> None:
        """Wait for the job to end; raise :class:`ExportError` if it failed."""
        if self._job is not None:
            job, self._job = self._job, None
            job()
            return
        if not self._pid:
            return
        chunks = []
        try:
            while chunk := os.read(self._fd, _MESSAGE_LIMIT):
                chunks.append(chunk)
        finally:
            os.close(self._fd)
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if status:
            message = b"".join(chunks).decode("utf-8", "replace")
            if not message:
                code = os.waitstatus_to_exitcode(status)
                message = (f"stopped by signal {-code}" if code < 0
                           else f"stopped with exit code {code}")
            raise ExportError(message)

    def kill(self) -> None:
        """Stop the job, if it still runs (the build failed elsewhere)."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(self._fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        self._job = None
