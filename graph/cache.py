"""A per-document cache of extraction results.

A result is stored under a key made of the document (its path, kinds, text and
metadata as read) and the pipeline version (a digest of claimgraph's code, its data
files and the language model version), so an unchanged document is never parsed
twice and any change to the document, the rules or the code re-extracts it.
Entries are pickles written atomically; an unreadable entry counts as a miss.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from graph.data import DATA
from graph.model import Document, Extraction

PACKAGE = Path(__file__).resolve().parent
DEFAULT_CACHE_DIR = Path(".claimgraph-cache")

EXTRACTION_MODULES = (
    "model.py", "ids.py", "nlp.py", "gazetteer.py", "extract.py", "mentions.py",
    "attribution.py", "modality.py", "relations.py", "quantities.py", "parallel.py",
    "data.py",
)
"""The code an extraction depends on (readers are covered by the document itself)."""


@functools.cache
def pipeline_version() -> str:
    """Digest of everything that shapes an extraction: code, rule data, model version."""
    from graph.nlp import EXPECTED_META

    h = hashlib.sha256(EXPECTED_META["version"].encode())
    files = [PACKAGE / name for name in EXTRACTION_MODULES] + sorted(DATA.glob("*.yaml"))
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def document_key(doc: Document) -> str:
    """The cache key of ``doc`` under the current pipeline version."""
    h = hashlib.sha256(pipeline_version().encode())
    h.update(repr((doc.path, doc.kind, doc.sources, doc.segments, doc.links,
                   doc.timestamps, sorted(doc.metadata.items()))).encode())
    h.update(doc.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class ExtractionCache:
    """Extraction results on disk, one file per document and pipeline version."""

    def __init__(self, root: Path = DEFAULT_CACHE_DIR) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Extraction | None:
        """Return the extraction cached under ``key`` (see :func:`document_key`), or ``None``."""
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                result = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:
            path.unlink(missing_ok=True)
            return None
        return result if isinstance(result, Extraction) else None

    def put(self, key: str, extraction: Extraction) -> None:
        """Store ``extraction`` under ``key`` (atomic write)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(extraction, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def clear(self) -> int:
        """Delete every entry; return how many were removed."""
        if not self.root.exists():
            return 0
        count = sum(1 for _ in self.root.rglob("*.pickle"))
        shutil.rmtree(self.root)
        return count
