"""Run extraction over many documents, in this process or in worker processes.

Each worker loads the language model once and extracts whole documents; results
come back in input order, so a build with N workers gives exactly the graph a
build with one worker gives.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence

from graph.model import Document, Extraction

MIN_DOCS_PER_WORKER = 4
"""Below this many documents per worker, starting workers costs more than it saves."""


def _extract_one(doc: Document) -> Extraction:
    from graph.extract import extract_document
    from graph.nlp import load_nlp

    return extract_document(doc, load_nlp())


def _warm_up() -> None:
    from graph.nlp import load_nlp

    load_nlp()


def extract_parallel(
    documents: Sequence[Document], *, workers: int = 1, indices: Sequence[int] | None = None
) -> Iterator[tuple[int, Extraction]]:
    """Yield ``(index, extraction)`` for each document, in input order.

    ``indices`` names each document's position in the caller's list (defaults to
    0..n-1). With ``workers`` > 1 and enough documents, extraction runs in that many
    processes.
    """
    idx = list(indices) if indices is not None else list(range(len(documents)))
    workers = max(1, min(workers, len(documents) // MIN_DOCS_PER_WORKER))
    if workers == 1:
        for i, doc in zip(idx, documents, strict=True):
            yield i, _extract_one(doc)
        return
    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(workers, initializer=_warm_up) as pool:
        results = pool.imap(_extract_one, documents, chunksize=1)
        yield from zip(idx, results, strict=True)
