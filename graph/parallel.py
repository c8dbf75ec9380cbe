"""Run extraction over many documents, in this process or in worker processes.

Documents are extracted in chunks of :data:`CHUNK_DOCS`: all texts of a chunk go
through one ``nlp.pipe`` call (see :func:`graph.extract.extract_documents`), which
saves the fixed cost of a call per document. Chunks are the same whatever the
number of workers, each worker starts with the language model loaded
(:class:`Workers`), and results come back in input order, so a build with N
workers gives exactly the graph a build with one worker gives.

A worker sends back an extraction without its document (the parent has it), so
each document's text crosses between processes once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import multiprocessing.pool
import threading
from collections.abc import Iterator, Sequence

from graph.model import Document, Extraction

MIN_DOCS_PER_WORKER = 4
"""Below this many documents per worker, starting workers costs more than it saves."""

CHUNK_DOCS = 8
"""Documents parsed together in one ``nlp.pipe`` call (and sent to a worker at once)."""


@dataclasses.dataclass(frozen=True)
class ExtractionFailure:
    """A document whose extraction raised: reported for that file, the rest still build."""

    path: str
    reason: str


Outcome = Extraction | ExtractionFailure


def _extract_chunk(docs: Sequence[Document]) -> list[Outcome]:
    from graph.extract import extract_documents
    from graph.nlp import load_nlp

    nlp = load_nlp()
    try:
        return list(extract_documents(docs, nlp))
    except Exception:
        pass  # find the document that fails: retry one by one, so the others still build
    outcomes: list[Outcome] = []
    for doc in docs:
        try:
            outcomes.extend(extract_documents([doc], nlp))
        except Exception as exc:
            reason = f"extraction failed: {type(exc).__name__}: {exc}"
            outcomes.append(ExtractionFailure(doc.path, reason))
    return outcomes


def _extract_chunk_remote(docs: Sequence[Document]) -> list[Outcome]:
    return [dataclasses.replace(e, document=None) if isinstance(e, Extraction) else e
            for e in _extract_chunk(docs)]


WARM_UP_TEXT = (
    "MOSCOW, Russia\n\nRussia may sign a $5 billion gas deal with China next year, "
    "officials said. \"We will not back down,\" President Vladimir Putin told reporters.\n"
)
"""A short article that takes extraction through every table it loads lazily."""


def warm_up() -> None:
    """Load the language model and every extraction table in this process.

    Run once in the forkserver that starts the workers (see
    :mod:`graph.worker_preload`), so the workers fork with all of it loaded and
    share its pages, instead of each spending a second or two loading its own copy.
    A failure here is left for the worker to meet and report: the worker loads what
    is missing itself.
    """
    try:
        from pathlib import Path

        from graph.extract import extract_documents
        from graph.nlp import load_nlp
        from graph.readers.article import read_article

        extract_documents([read_article(Path("warm-up.txt"), WARM_UP_TEXT)], load_nlp())
    except Exception:  # the worker's own load reports it properly
        pass
    _freeze()


def _freeze() -> None:
    # What is loaded lives as long as the worker: keep the cyclic garbage
    # collector from walking it again at every full collection (and so from
    # touching, and copying, the pages a forked worker shares).
    gc.collect()
    gc.freeze()


def _warm_up() -> None:
    from graph.errors import ClaimgraphError
    from graph.nlp import load_nlp

    # Normally loaded already (forked from the warm forkserver). An initializer that
    # raises makes the pool start a new worker, for ever: a missing model is left
    # for the first chunk to raise, which stops the build with its message.
    with contextlib.suppress(ClaimgraphError):
        load_nlp()
    _freeze()


def chunks(items: Sequence[Document], size: int = CHUNK_DOCS) -> list[Sequence[Document]]:
    """Split ``items`` into consecutive chunks of ``size`` (the last may be shorter).

    >>> [list(c) for c in chunks(list("abcde"), 2)]
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    return [items[i:i + size] for i in range(0, len(items), size)]


def extract_parallel(
    documents: Sequence[Document], *, workers: int = 1, indices: Sequence[int] | None = None,
    started: Workers | None = None,
) -> Iterator[tuple[int, Outcome]]:
    """Yield ``(index, extraction or failure)`` for each document, in input order.

    ``indices`` names each document's position in the caller's list (defaults to
    0..n-1). With ``workers`` > 1 and at least :data:`MIN_DOCS_PER_WORKER` documents
    per worker, extraction runs in that many processes (started by a forkserver);
    with ``started``, on those workers (the caller closes them).
    """
    idx = list(indices) if indices is not None else list(range(len(documents)))
    docs = list(documents)
    if len(idx) != len(docs):
        raise ValueError(f"{len(idx)} indices for {len(docs)} documents")
    groups = chunks(docs)
    if started is not None and docs:
        yield from _gather(started.pool, groups, docs, idx)
        return
    workers = worker_count(workers, len(docs))
    if workers == 1:
        results: Iterator[list[Outcome]] = map(_extract_chunk, groups)
        position = 0
        for group in results:
            for extraction in group:
                yield idx[position], extraction
                position += 1
        return
    with Workers(workers) as started_here:
        yield from _gather(started_here.pool, groups, docs, idx)


def _gather(pool: multiprocessing.pool.Pool, groups: list[Sequence[Document]],
            docs: list[Document], idx: list[int]) -> Iterator[tuple[int, Outcome]]:
    """Extract ``groups`` on ``pool``; yield results in input order, documents put back."""
    position = 0
    for group in pool.imap(_extract_chunk_remote, groups, chunksize=1):
        for extraction in group:
            doc = docs[position]
            if isinstance(extraction, Extraction):
                extraction = dataclasses.replace(extraction, document=doc)
            yield idx[position], extraction
            position += 1


def worker_count(workers: int, documents: int) -> int:
    """How many worker processes to use for ``documents``: at most ``workers``, and at
    least :data:`MIN_DOCS_PER_WORKER` documents each (1: extract in this process).

    >>> worker_count(4, 10), worker_count(2, 1000), worker_count(8, 3)
    (2, 2, 1)
    """
    return max(1, min(workers, documents // MIN_DOCS_PER_WORKER))


class Workers:
    """Extraction worker processes, each with the language model loaded.

    Forked from a forkserver that loads the model and the extraction tables once
    (:func:`warm_up`); the forkserver starts on a background thread, so a caller
    can start the workers and read the documents meanwhile. :attr:`pool` waits
    until they are up. Close them with :meth:`close` (or use as a context manager).
    """

    def __init__(self, count: int) -> None:
        self._pool: multiprocessing.pool.Pool | None = None
        self._error: BaseException | None = None
        self._closed = False
        self._starting = threading.Thread(target=self._start, args=(count,), daemon=True)
        self._starting.start()

    def _start(self, count: int) -> None:
        try:
            ctx = multiprocessing.get_context("forkserver")
            # Takes effect when this process starts its forkserver (the first pool).
            ctx.set_forkserver_preload(["graph.worker_preload"])
            self._pool = ctx.Pool(count, initializer=_warm_up)
        except BaseException as exc:  # raised again where the pool is used
            self._error = exc

    @property
    def pool(self) -> multiprocessing.pool.Pool:
        """The worker pool, once its processes are up."""
        self._starting.join()
        if self._error is not None:
            raise self._error
        if self._pool is None or self._closed:
            raise RuntimeError("the workers are closed")
        return self._pool

    def close(self) -> None:
        """Stop the workers (again: nothing)."""
        if not self._closed:
            self._closed = True
            self._starting.join()
            if self._pool is not None:
                self._pool.terminate()
                self._pool.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
