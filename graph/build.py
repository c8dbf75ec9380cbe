"""The build: documents in, exports out.

``build`` runs the stages in the order the data flows -- discover and read the
documents, extract claims, actors and relationships, assemble one graph, write
every export -- and validates the RDF before anything replaces the previous
exports. One broken document is reported and the rest still build; a build that
fails midway leaves the previous exports as they were.

With a cache folder, extractions are cached per document (:mod:`graph.cache`) and
each finished build leaves a manifest there (:mod:`graph.manifest`: keys of its
inputs, the errors it reported and the size and time of every file written). A
build whose inputs match and whose files are still as written skips extraction,
assembly, validation and export: if the files are the same bytes it does not even
parse them. A build in which a document failed to extract leaves no manifest, so
the next one tries that document again.

Validation uses the fastest SHACL engine installed (:func:`graph.validate.fast_engine`).
After extraction the build runs on both cores where it can: the RDF is written
one named graph at a time while a thread checks it against the shapes, and the
checks go on while the graph-only exports are written (see :func:`export_graph`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graph import manifest
from graph.errors import BuildFailedError, ReadError, ValidationError
from graph.model import Document, Extraction

if TYPE_CHECKING:
    import networkx as nx

    from graph.parallel import Workers
    from graph.validate import ChunkValidator

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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then restore it.

    The build's later stages make millions of small acyclic objects (graph
    attributes, RDF terms, XML elements); each full collection walks all of them,
    which took about half the time of making the quads. Reference counting still
    frees them; only reference cycles wait until the block ends.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def display_path(path: Path) -> Path:
    """``path`` relative to the working directory when it lies inside it.

    Sources record the path they were read from; the same corpus must give the same
    exports whether it was named as ``data/corpus`` or by its absolute path, and
    exports should not carry the builder's home directory.

    >>> display_path(Path.cwd() / "data" / "a.md") == Path("data/a.md")
    True
    >>> display_path(Path("/elsewhere/a.md"))
    PosixPath('/elsewhere/a.md')
    """
    try:  # abspath, not resolve: a symbolic link is read as the link it is
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd()))
    except ValueError:
        return path


def read_documents(
    paths: Sequence[Path], *, max_bytes: int
) -> tuple[list[Document], list[ReadError]]:
    """Discover and read every document under ``paths``; collect errors, never raise them."""
    from graph.ingest import discover

    files, errors = discover(paths)
    documents, read_errors = read_files(files, max_bytes=max_bytes)
    return documents, errors + read_errors


def read_files(files: Sequence[Path], *, max_bytes: int) -> tuple[list[Document], list[ReadError]]:
    """Read the document files ``discover`` found; collect errors, never raise them."""
    from graph.ingest import read_document

    errors: list[ReadError] = []
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(read_document(display_path(path), max_bytes=max_bytes))
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


def for_assembly(extraction: Extraction) -> Extraction:
    """``extraction`` without what assembly never reads: the document's segments
    (with their offset maps), links, timestamps and metadata.

    Extractions are held until all documents are done; the segments are most of a
    document's memory.
    """
    doc = extraction.document
    slim = dataclasses.replace(doc, segments=(), links=(), timestamps=(), metadata={})
    return dataclasses.replace(extraction, document=slim)


def extract_all(
    documents: Sequence[Document],
    *,
    workers: int = 1,
    cache_dir: Path | None = None,
    keys: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    started: Workers | None = None,
) -> tuple[list[Extraction], int, list[ReadError]]:
    """Extract every document, using the cache where it has a result.

    ``keys`` are the documents' cache keys (:func:`graph.cache.document_key`) when
    the caller has them already; ``started``, worker processes already started
    (:class:`graph.parallel.Workers`), used instead of starting ``workers``. Returns
    the extractions (in input order), how many came from the cache, and an error for
    each document whose extraction failed (the others still build).
    """
    from graph.cache import ExtractionCache, document_key
    from graph.parallel import ExtractionFailure, extract_parallel

    failures: list[ReadError] = []
    cache = ExtractionCache(cache_dir) if cache_dir is not None else None
    if cache and keys is None:
        keys = [document_key(doc) for doc in documents]
    results: list[Extraction | None] = [None] * len(documents)
    todo: list[int] = []
    for i in range(len(documents)):
        hit = cache.get(keys[i]) if cache else None
        if hit is not None:
            results[i] = for_assembly(hit)
        else:
            todo.append(i)
    cached = len(documents) - len(todo)
    done = cached
    for i, extraction in extract_parallel([documents[i] for i in todo], workers=workers,
                                          indices=todo, started=started):
        done += 1
        if progress:
            progress(done, len(documents), documents[i].path)
        if isinstance(extraction, ExtractionFailure):
            failures.append(ReadError(extraction.path, extraction.reason))
            continue
        if cache:
            cache.put(keys[i], extraction)
        results[i] = for_assembly(extraction)
    return [r for r in results if r is not None], cached, failures


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

    Parameters
    ----------
    paths
        Files and folders to read.
    out_dir
        Where the exports go; made if missing.
    workers
        Processes that parse and extract (results are the same for any number).
    cache_dir
        Folder of the extraction cache and build manifests; ``None``: no cache.
    strict
        Fail if any file cannot be read.
    max_bytes
        Files larger than this are refused.
    html
        Write ``graph.html`` too.
    progress
        Called after each document is extracted.

    Returns
    -------
    BuildReport
        Counts, read errors, files written and how many extractions were cached.

    Raises
    ------
    ClaimgraphError
        If no document could be read, if ``strict`` and any file failed, or if the
        RDF output does not conform to the shapes (:class:`ValidationError`). The
        previous exports are then left untouched.
    """
    from graph.ingest import discover
    from graph.parallel import Workers, worker_count

    files, errors = discover(paths)
    # A first build into ``out_dir`` (no manifest) will extract: start the workers
    # now, so that they load the language model while the documents are read. A
    # rebuild may turn out unchanged and need none.
    count = worker_count(workers, len(files))
    first = cache_dir is None or not manifest.manifest_path(cache_dir, out_dir).exists()
    started = Workers(count) if count > 1 and first else None
    try:
        return _build(files, errors, out_dir, workers=workers, cache_dir=cache_dir,
                      strict=strict, max_bytes=max_bytes, html=html, progress=progress,
                      started=started)
    finally:
        if started is not None:
            started.close()


def _build(files: list[Path], errors: list[ReadError], out_dir: Path, *, workers: int,
           cache_dir: Path | None, strict: bool, max_bytes: int, html: bool,
           progress: ProgressFn | None, started: Workers | None) -> BuildReport:
    from graph.cache import document_key

    corpus = code = None
    if cache_dir is not None:
        code = manifest.code_digest()
        names = [(str(display_path(path)), path) for path in files]
        corpus = manifest.corpus_key(names, max_bytes=max_bytes, html=html, code=code)
        last = manifest.unchanged(cache_dir, out_dir, corpus=corpus) if corpus else None
        if last is not None:  # the same files, byte for byte: nothing to read
            errors = errors + last["errors"]
            if strict and errors:
                raise _strict_failure(errors)
            failed = {e.path for e in last["errors"]}
            done = [name for name, _ in names if name not in failed]
            return _unchanged_report(last, out_dir, errors, done, progress)

    with gc_paused():
        documents, read_errors = read_files(files, max_bytes=max_bytes)
    errors = errors + read_errors
    if strict and errors:
        raise _strict_failure(errors)
    if not documents:
        raise BuildFailedError("no document could be read; nothing written", errors)

    key = keys = None
    if code is not None:  # building with a cache
        keys = [document_key(doc) for doc in documents]
        key = manifest.build_key(keys, html=html, code=code)
        last = manifest.unchanged(cache_dir, out_dir, key=key)
        if last is not None:  # the same documents as read: record the files' new bytes
            report = _unchanged_report(last, out_dir, errors, [d.path for d in documents],
                                       progress)
            manifest.write_manifest(cache_dir, out_dir, key=key, corpus=corpus,
                                    written=report.written, counts=last["counts"],
                                    errors=read_errors)
            return report

    n_documents = len(documents)
    # With workers, this process only gathers results: no cyclic garbage to collect.
    with gc_paused() if workers > 1 else contextlib.nullcontext():
        extractions, cached, failures = extract_all(
            documents, workers=workers, cache_dir=cache_dir, keys=keys, progress=progress,
            started=started,
        )
    if started is not None:
        started.close()  # the workers' memory is not needed for the exports
    errors = errors + failures
    if strict and failures:
        raise _strict_failure(failures)
    if not extractions:
        raise BuildFailedError("no document could be extracted; nothing written", errors)
    del documents  # each extraction holds its document
    from graph.assemble import assemble

    with gc_paused():
        graph = assemble(extractions)
        del extractions
        written, counts = export_graph(graph, out_dir, html=html)
    if cache_dir is not None and key is not None:
        if failures:  # not cached: the next build tries those documents again
            manifest.forget(cache_dir, out_dir)
        else:
            manifest.write_manifest(cache_dir, out_dir, key=key, corpus=corpus,
                                    written=written, counts=counts, errors=read_errors)
    return BuildReport(
        documents=n_documents, errors=errors, written=written, cached=cached, **counts,
    )


def _strict_failure(errors: list[ReadError]) -> BuildFailedError:
    return BuildFailedError(
        f"{len(errors)} file(s) failed and --strict is set; nothing written", errors)


def _unchanged_report(last: dict, out_dir: Path, errors: list[ReadError], done: list[str],
                      progress: ProgressFn | None) -> BuildReport:
    """The report of a build whose inputs match the last build's manifest ``last``.

    ``errors`` are every error to report; ``done``, the documents read.
    """
    if progress:
        for i, name in enumerate(done, 1):
            progress(i, len(done), name)
    return BuildReport(documents=len(done), errors=errors, cached=len(done),
                       written={name: out_dir / name for name in last["files"]},
                       **last["counts"])


def _write_rdf_files(graph: nx.MultiDiGraph, staging: Path, checker: ChunkValidator) -> int:
    """Write the RDF exports and the data card, handing each named graph to ``checker``.

    One named graph at a time: written to every RDF file, then queued for the
    checker's background thread while the next is made. Returns the number of
    triples.
    """
    from rdflib import URIRef

    from graph.exports import write_rdf_exports
    from graph.vocab import ID

    def check(name: URIRef, items: list, ntriples: bytes) -> None:
        sid = str(name).removeprefix(ID)
        parent = graph.nodes.get(sid, {}).get("parent")
        checker.add(name, items, ntriples, document=parent or sid)

    _, triples = write_rdf_exports(graph, staging, on_graph=check)
    return triples


def _write_graph_files(graph: nx.MultiDiGraph, staging: Path, html: bool) -> None:
    """The exports made from the networkx graph alone (run beside the RDF exports)."""
    from graph.exports import write_graph_exports

    write_graph_exports(graph, staging)
    if html:
        from graph.html import write_html

        write_html(graph, staging / "graph.html")


def _missing_folders(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    path = path.resolve()
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


def export_graph(graph: nx.MultiDiGraph, out_dir: Path, *, html: bool = True,
                 engine: str | None = None) -> tuple[dict[str, Path], dict[str, int]]:
    """Validate the RDF of ``graph``, then write every export into ``out_dir``.

    Files are written into a staging folder inside ``out_dir`` and renamed into
    place only once all are written and the RDF has passed validation, so a
    failure leaves the previous exports (and a missing ``out_dir`` stays missing).

    The RDF is written one named graph at a time
    (:func:`graph.exports.write_rdf_exports`), so it is never held whole in memory,
    and checked against the shapes in batches on background threads
    (:class:`graph.validate.ChunkValidator`; pyshacl-turbo lets go of the GIL). The
    exports made from the networkx graph alone (GraphML, GEXF, CSV, HTML) are pure
    Python, so they are written meanwhile by a forked child process
    (:class:`graph.forked.ForkedJob`), which shares the graph's pages with this one
    (nothing is copied but the pages it touches), where that copy is affordable
    (:func:`graph.forked.fork_affordable`; otherwise they are written after the
    RDF, while the last checks run). The cyclic garbage collector is
    paused throughout (:func:`gc_paused`), also so that the child does not walk,
    and copy, the whole graph.

    Parameters
    ----------
    graph
        The assembled claim graph.
    out_dir
        Where the exports go; made if missing.
    html
        Write ``graph.html`` too.
    engine
        SHACL engine (see :data:`graph.validate.ENGINES`); default the fastest installed.

    Returns
    -------
    tuple
        File name -> path written, and the counts of :class:`BuildReport`
        (actors, claims, quantities, relationships, triples).

    Raises
    ------
    ValidationError
        If the RDF does not conform to the shapes; nothing is written.
    """
    with gc_paused():
        return _export_graph(graph, out_dir, html=html, engine=engine)


def _export_graph(graph: nx.MultiDiGraph, out_dir: Path, *, html: bool,
                  engine: str | None) -> tuple[dict[str, Path], dict[str, int]]:
    from graph.forked import ForkedJob, fork_affordable
    from graph.validate import ChunkValidator, describe, fast_engine

    engine = engine or fast_engine()
    out_dir = Path(out_dir)
    made = _missing_folders(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    # Forked before the checker starts its threads, so no lock of theirs is held in
    # the child.
    graph_files = ForkedJob(lambda: _write_graph_files(graph, staging, html),
                            fork=fork_affordable())
    checker = ChunkValidator(engine=engine)
    try:
        triples = _write_rdf_files(graph, staging, checker)
        checker.end()
        graph_files.wait()
        violations = checker.finish()
        if violations:
            raise ValidationError(
                "the built RDF does not conform to data/shapes.ttl; nothing written:\n"
                + describe(violations)
            )
        written = publish(staging, out_dir)
    except BaseException:
        graph_files.kill()
        checker.close()
        shutil.rmtree(staging, ignore_errors=True)
        for folder in made:
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = graph_counts(graph)
    counts["triples"] = triples
    return written, counts
