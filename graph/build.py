"""The build: documents in, exports out.

``build`` runs the stages in the order the data flows -- discover and read the
documents, extract claims, actors and relationships, assemble one graph, write
every export -- and validates the RDF before anything replaces the previous
exports. One broken document is reported and the rest still build; a build that
fails midway leaves the previous exports as they were.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graph.assemble import assemble
from graph.errors import ClaimgraphError, ReadError, ValidationError
from graph.model import Document, Extraction

ProgressFn = Callable[[int, int, str], None]
"""Called as ``progress(done, total, path)`` after each document is extracted."""


@dataclass
class BuildReport:
    """What a build read, found and wrote."""

    documents: int = 0
    actors: int = 0
    claims: int = 0
    relationships: int = 0
    quantities: int = 0
    triples: int = 0
    errors: list[ReadError] = field(default_factory=list)
    written: dict[str, Path] = field(default_factory=dict)
    cached: int = 0

    def summary(self) -> str:
        """One line a user reads after a build."""
        line = (
            f"{self.documents} documents, {self.actors} actors, {self.claims} claims, "
            f"{self.relationships} relationships, {self.quantities} quantities, "
            f"{self.triples} triples"
        )
        if self.errors:
            line += f"; {len(self.errors)} file(s) failed"
        return line


def graph_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Count actors, claims, quantities and relationships in an assembled graph."""
    kinds = [data["type"] for _, data in graph.nodes(data=True)]
    relationships = sum(
        1 for _, _, data in graph.edges(data=True) if "predicate" in data
    )
    return {
        "actors": kinds.count("actor"),
        "claims": kinds.count("claim"),
        "quantities": kinds.count("quantity"),
        "relationships": relationships,
    }


def read_documents(
    paths: Sequence[Path], *, max_bytes: int
) -> tuple[list[Document], list[ReadError]]:
    """Discover and read every document under ``paths``; collect errors, never raise them."""
    from graph.ingest import discover, read_document

    files, errors = discover(paths)
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(read_document(path, max_bytes=max_bytes))
        except ReadError as exc:
            errors.append(exc)
    # Two files with the same stem in different folders would share a source id.
    seen: dict[str, str] = {}
    unique: list[Document] = []
    for doc in documents:
        other = seen.get(doc.source.id)
        if other is not None:
            errors.append(ReadError(doc.path, f"has the same name as {other}; rename one"))
            continue
        seen[doc.source.id] = doc.path
        unique.append(doc)
    return unique, errors


def extract_all(
    documents: Sequence[Document],
    *,
    workers: int = 1,
    cache_dir: Path | None = None,
    progress: ProgressFn | None = None,
) -> tuple[list[Extraction], int]:
    """Extract every document, using the cache where it has a result.

    Returns the extractions (in input order) and how many came from the cache.
    """
    from graph.cache import ExtractionCache
    from graph.parallel import extract_parallel

    cache = ExtractionCache(cache_dir) if cache_dir is not None else None
    results: list[Extraction | None] = [None] * len(documents)
    todo: list[int] = []
    for i, doc in enumerate(documents):
        hit = cache.get(doc) if cache else None
        if hit is not None:
            results[i] = hit
        else:
            todo.append(i)
    cached = len(documents) - len(todo)
    done = cached
    for i, extraction in extract_parallel([documents[i] for i in todo], workers=workers,
                                          indices=todo):
        results[i] = extraction
        if cache:
            cache.put(documents[i], extraction)
        done += 1
        if progress:
            progress(done, len(documents), documents[i].path)
    return [r for r in results if r is not None], cached


STAGING_PREFIX = ".staging-"
"""Exports are written into a hidden staging folder inside --out, then renamed into place."""


def remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders that a killed build left behind in ``out_dir``."""
    for stale in out_dir.glob(STAGING_PREFIX + "*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def publish(staging: Path, out_dir: Path) -> dict[str, Path]:
    """Move every file from ``staging`` into ``out_dir``, each by an atomic rename."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for item in sorted(staging.iterdir()):
        target = out_dir / item.name
        os.replace(item, target)
        written[item.name] = target
    return written


def build(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    workers: int = 1,
    cache_dir: Path | None = None,
    strict: bool = False,
    max_bytes: int = 20_000_000,
    html: bool = True,
    progress: ProgressFn | None = None,
) -> BuildReport:
    """Build the graph of the documents under ``paths`` and write every export to ``out_dir``.

    Raises
    ------
    ClaimgraphError
        If no document could be read, if ``strict`` and any file failed, or if the
        RDF output does not conform to the shapes. The previous exports are then
        left untouched.
    """
    from graph.exports import write_exports
    from graph.rdf import dataset_from_quads, quads
    from graph.validate import describe, validate

    documents, errors = read_documents(paths, max_bytes=max_bytes)
    if strict and errors:
        raise ClaimgraphError(
            f"{len(errors)} file(s) failed and --strict is set; nothing written"
        )
    if not documents:
        raise ClaimgraphError("no document could be read; nothing written")

    extractions, cached = extract_all(
        documents, workers=workers, cache_dir=cache_dir, progress=progress
    )
    graph = assemble(extractions)

    items = quads(graph)
    violations = validate(dataset_from_quads(items))
    if violations:
        raise ValidationError(
            "the built RDF does not conform to data/shapes.ttl; nothing written:\n"
            + describe(violations)
        )

    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        write_exports(graph, staging, items)
        if html:
            from graph.html import write_html

            write_html(graph, staging / "graph.html")
        written = publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    counts = graph_counts(graph)
    return BuildReport(
        documents=len(documents),
        triples=len({(s, p, o) for s, p, o, _ in items}),
        errors=errors,
        written=written,
        cached=cached,
        **counts,
    )
