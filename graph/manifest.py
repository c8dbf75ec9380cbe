"""Build manifests: what the last build into an output folder was made from.

Each finished build leaves a manifest in the cache folder, one per output folder.
It holds two keys of the build's inputs, the counts of its report, the read errors
it reported and the size and time of every file it wrote:

- :func:`corpus_key`: the files as bytes. Checked first, before any document is
  parsed, so a rebuild of an unchanged corpus costs reading and hashing the files.
- :func:`build_key`: the documents as read. Checked after reading, so a file whose
  bytes changed in a way its document does not show still skips the exports.

Both digests also cover everything else the exports depend on: claimgraph's code,
its data files, the HTML templates and whether HTML is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from graph.data import DATA
from graph.errors import ReadError

PACKAGE = Path(__file__).resolve().parent


def code_digest(package: Path = PACKAGE) -> str:
    """Digest of claimgraph's code and data files (a new version may write different exports)."""
    h = hashlib.sha256()
    files = [p for p in sorted(DATA.iterdir()) if p.is_file()]
    files += sorted(package.rglob("*.py"))
    for folder in (package / "templates", package / "static", DATA / "queries"):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        root = DATA.parent if path.is_relative_to(DATA.parent) else package.parent
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def build_key(document_keys: Sequence[str], *, html: bool, code: str) -> str:
    """Digest of the documents as read (their cache keys, in order) and of the code
    (``code``: :func:`code_digest`)."""
    h = hashlib.sha256(f"html={html}\n{code}\n".encode())
    for key in document_keys:
        h.update(key.encode() + b"\n")
    return h.hexdigest()


def corpus_key(files: Sequence[tuple[str, Path]], *, max_bytes: int, html: bool,
               code: str) -> str | None:
    """Digest of the document files, byte for byte, and of the code (``code``:
    :func:`code_digest`).

    ``files`` are ``(name, path)`` pairs: the name a document is read under (it
    becomes its path in the graph) and where the file is. A file over ``max_bytes``
    counts by its size alone (it is refused unread). Returns ``None`` if a file
    cannot be opened or read now: the build then reads the documents and reports why.
    """
    from graph.ingest import open_regular

    h = hashlib.sha256(f"html={html}\nmax_bytes={max_bytes}\n{code}\n".encode())
    for name, path in files:
        try:
            handle, size = open_regular(path, name)
            with handle:
                data = handle.read(max_bytes + 1) if size <= max_bytes else b""
        except (ReadError, OSError):
            return None
        h.update(f"{len(name)}:{name}\0{size}:{len(data)}\0".encode("utf-8", "surrogatepass"))
        h.update(data)
    return h.hexdigest()


def manifest_path(cache_dir: Path, out_dir: Path) -> Path:
    """Where the manifest of builds into ``out_dir`` is kept."""
    where = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    return cache_dir / "builds" / f"{where}.json"


def _file_stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def unchanged(cache_dir: Path, out_dir: Path, *, corpus: str | None = None,
              key: str | None = None) -> dict | None:
    """The manifest of the last build into ``out_dir``, if it matches and its files stand.

    It matches if it has the ``corpus`` key (:func:`corpus_key`) or the ``key``
    (:func:`build_key`) given. Returns ``None`` otherwise, or if any file it lists
    has changed size or time since, or if it cannot be read.
    """
    try:
        manifest = json.loads(manifest_path(cache_dir, out_dir).read_text(encoding="utf-8"))
        if not ((corpus is not None and manifest.get("corpus") == corpus)
                or (key is not None and manifest.get("key") == key)):
            return None
        for name, stamp in manifest["files"].items():
            if _file_stamp(out_dir / name) != stamp:
                return None
        manifest["errors"] = [ReadError(str(path), str(reason))
                              for path, reason in manifest.get("errors", [])]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def write_manifest(cache_dir: Path, out_dir: Path, *, key: str, corpus: str | None,
                   written: dict[str, Path], counts: dict[str, int],
                   errors: Sequence[ReadError]) -> None:
    """Record a finished build into ``out_dir`` (atomic write).

    ``errors`` are the read errors it reported: a rebuild that skips reading
    reports them again.
    """
    from graph.exports import write_atomic

    path = manifest_path(cache_dir, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {"key": key, "corpus": corpus, "counts": counts,
                "errors": [[e.path, e.reason] for e in errors],
                "files": {name: _file_stamp(p) for name, p in sorted(written.items())}}
    write_atomic(path, json.dumps(manifest, sort_keys=True).encode("utf-8"))


def forget(cache_dir: Path, out_dir: Path) -> None:
    """Remove the manifest of ``out_dir``: the next build into it builds in full."""
    manifest_path(cache_dir, out_dir).unlink(missing_ok=True)
