"""Run extraction over many documents, in this process or in worker processes.

Documents are extracted in chunks of :data:`CHUNK_DOCS`: all texts of a chunk go
through one ``nlp.pipe`` call (see :func:`graph.extract.extract_documents`), which
saves the fixed cost of a call per document. Chunks are the same whatever the
number of workers, each worker loads the language model once, and results come
back in input order, so a build with N workers gives exactly the graph a build with
one worker gives.

A worker sends back an extraction without its document (the parent has it), so
each document's text crosses between processes once.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
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


def _warm_up() -> None:
    from graph.nlp import load_nlp

    load_nlp()
    # The model's objects live as long as the worker: keep the cyclic garbage
    # collector from walking them again at every full collection.
    gc.collect()
    gc.freeze()


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

    Started from a forkserver; each loads the model as it starts (in the
    background), so a caller can start them before it reads the documents. Close
    them with :meth:`close` (or use as a context manager).
    """

    def __init__(self, count: int) -> None:
        ctx = multiprocessing.get_context("forkserver")
        self.pool = ctx.Pool(count, initializer=_warm_up)
        self._closed = False

    def close(self) -> None:
        """Stop the workers (again: nothing)."""
        if not self._closed:
            self._closed = True
            self.pool.terminate()
            self.pool.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
