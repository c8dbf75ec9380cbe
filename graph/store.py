"""Load claimgraph's RDF exports into a pyoxigraph store for SPARQL.

An export folder holds the same graph in several syntaxes; the store reads the one
that keeps the most (N-Quads, then TriG, Turtle, N-Triples). A single RDF file is
read in the syntax its extension names. Stores live in memory unless a directory is
given; an on-disk store remembers a digest of the file it was loaded from, so
opening it again with the same data skips the load.

Queries see the union of all graphs as their default graph (see
:func:`graph.query.run_query`), so a query written for ``graph.ttl`` also answers on
``graph.nq``, whose triples sit in one named graph per source.

Examples
--------
>>> rdf_format(Path("exports/graph.ttl")).name
'Turtle'
>>> rdf_format(Path("notes.txt"))
Traceback (most recent call last):
...
graph.errors.ReadError: notes.txt: unsupported RDF file type '.txt'
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph

from graph.errors import ReadError

EXPORT_FILES: tuple[str, ...] = ("graph.nq", "graph.trig", "graph.ttl", "graph.nt")
"""Export file names tried in order when ``data`` is a folder."""

FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    ".nq": pyoxigraph.RdfFormat.N_QUADS,
    ".nquads": pyoxigraph.RdfFormat.N_QUADS,
    ".trig": pyoxigraph.RdfFormat.TRIG,
    ".ttl": pyoxigraph.RdfFormat.TURTLE,
    ".turtle": pyoxigraph.RdfFormat.TURTLE,
    ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    ".n3": pyoxigraph.RdfFormat.N3,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".json": pyoxigraph.RdfFormat.JSON_LD,
    ".rdf": pyoxigraph.RdfFormat.RDF_XML,
    ".owl": pyoxigraph.RdfFormat.RDF_XML,
    ".xml": pyoxigraph.RdfFormat.RDF_XML,
}
"""RDF syntax by file extension, as ``rdflib.util.guess_format`` maps them."""

STAMP = "claimgraph-loaded.json"
"""File written beside an on-disk store naming the data it holds."""


def rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    """Return the RDF syntax of ``path`` from its extension.

    Parameters
    ----------
    path
        An RDF file name.

    Returns
    -------
    pyoxigraph.RdfFormat
        The syntax to parse it with.

    Raises
    ------
    ReadError
        If the extension names no RDF syntax.

    Examples
    --------
    >>> rdf_format(Path("graph.nq")).name
    'N-Quads'
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(str(path), f"unsupported RDF file type '{path.suffix}'")
    return fmt


def data_file(data: Path) -> Path:
    """Return the RDF file to load for ``data``, an export folder or one file.

    Parameters
    ----------
    data
        An exports folder (``graph.nq`` is preferred, then ``graph.trig``,
        ``graph.ttl``, ``graph.nt``) or the path of one RDF file.

    Returns
    -------
    Path
        The file to parse.

    Raises
    ------
    ReadError
        If ``data`` does not exist or the folder holds no export.

    Examples
    --------
    >>> data_file(Path("no/such/place"))
    Traceback (most recent call last):
    ...
    graph.errors.ReadError: no/such/place: no such file or folder
    """
    if data.is_dir():
        for name in EXPORT_FILES:
            if (data / name).is_file():
                return data / name
        looked = ", ".join(EXPORT_FILES)
        raise ReadError(str(data), f"no RDF export found (looked for {looked})")
    if not data.is_file():
        raise ReadError(str(data), "no such file or folder")
    rdf_format(data)
    return data


def file_digest(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _parse_into(store: pyoxigraph.Store, path: Path, *, bulk: bool) -> None:
    """Parse ``path`` into ``store``, turning parser errors into :class:`ReadError`."""
    try:
        if bulk:
            store.bulk_load(path=path, format=rdf_format(path))
        else:
            store.load(path=path, format=rdf_format(path))
    except SyntaxError as err:
        raise ReadError(str(path), f"not valid {rdf_format(path).name}: {err}") from None
    except OSError as err:
        raise ReadError(str(path), str(err)) from None


def load_store(data: Path, store_dir: Path) -> int:
    """Load ``data`` into a fresh on-disk store in ``store_dir``.

    Whatever the directory held before is replaced. A stamp file records the digest
    of the loaded file so that :func:`open_store` can reuse the store.

    Parameters
    ----------
    data
        An exports folder or one RDF file (see :func:`data_file`).
    store_dir
        The directory of the on-disk store; created if missing.

    Returns
    -------
    int
        The number of quads in the store.

    Raises
    ------
    ReadError
        If the data cannot be found or parsed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "g.nt").write_text("<urn:a> <urn:b> <urn:c> .\\n")
    ...     load_store(Path(tmp, "g.nt"), Path(tmp, "db"))
    1
    """
    path = data_file(data)
    digest = file_digest(path)
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store = pyoxigraph.Store(str(store_dir))
    try:
        _parse_into(store, path, bulk=True)
        store.flush()
        count = len(store)
    finally:
        del store
    stamp = {"file": str(path.resolve()), "sha256": digest, "quads": count}
    (store_dir / STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return count


def store_holds(store_dir: Path, data: Path) -> bool:
    """Tell whether the on-disk store in ``store_dir`` was loaded from ``data``.

    Parameters
    ----------
    store_dir
        The directory of an on-disk store.
    data
        An exports folder or one RDF file.

    Returns
    -------
    bool
        True when the store's stamp names a file with the same bytes.
    """
    stamp_file = store_dir / STAMP
    if not stamp_file.is_file():
        return False
    try:
        stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return stamp.get("sha256") == file_digest(data_file(data))


def open_store(data: Path, store_dir: Path | None = None) -> pyoxigraph.Store:
    """Return a pyoxigraph store holding ``data``.

    Parameters
    ----------
    data
        An exports folder (``graph.nq`` if present, else ``graph.trig``,
        ``graph.ttl``, ``graph.nt``) or one RDF file, its syntax taken from its
        extension.
    store_dir
        If given, an on-disk store there: reused when it already holds the same
        data, (re)loaded otherwise. If None, the store is in memory.

    Returns
    -------
    pyoxigraph.Store
        The store; query it with :func:`graph.query.run_query`, which makes the
        default graph the union of all graphs.

    Raises
    ------
    ReadError
        If the data cannot be found or parsed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "graph.ttl").write_text("<urn:a> <urn:b> 1 .\\n")
    ...     len(open_store(Path(tmp)))
    1
    """
    if store_dir is None:
        path = data_file(data)
        store = pyoxigraph.Store()
        _parse_into(store, path, bulk=False)
        return store
    if not store_holds(store_dir, data):
        load_store(data, store_dir)
    return pyoxigraph.Store(str(store_dir))


def open_read_only(store_dir: Path) -> pyoxigraph.Store:
    """Open an on-disk store for reading only; several processes may do so at once.

    Parameters
    ----------
    store_dir
        A directory written by :func:`load_store`.

    Returns
    -------
    pyoxigraph.Store
        A read-only handle.
    """
    return pyoxigraph.Store.read_only(str(store_dir))
