"""A progress bar for long builds, silent when output is not a terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graph.build import ProgressFn


@contextlib.contextmanager
def progress_bar(*, enabled: bool) -> Iterator[ProgressFn | None]:
    """Yield a ``progress(done, total, path)`` callback drawing a rich bar, or ``None``.

    The bar shows documents done, the rate and the time left; it is drawn on
    standard error only when ``enabled`` (a terminal, and not ``--quiet``).
    """
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("extract", total=None, rate="")

        def update(done: int, total: int, path: str) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:.1f} docs/s" if elapsed > 0 else ""
            bar.update(task, completed=done, total=total, rate=rate)

        yield update
