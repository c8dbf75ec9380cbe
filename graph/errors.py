"""Named exceptions of claimgraph; the CLI turns them into one-line messages.

Every error a user can cause (a bad file, a bad query, a missing model) is one of
these, with a message that names the thing and the reason, never a traceback.

Examples
--------
>>> str(ReadError("notes/a.pdf", "unsupported file type '.pdf'"))
"notes/a.pdf: unsupported file type '.pdf'"
"""

from __future__ import annotations


class ClaimgraphError(Exception):
    """Base class of every error claimgraph reports to its user."""


class ReadError(ClaimgraphError):
    """A document could not be read; the rest of the corpus still builds."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class BuildFailedError(ClaimgraphError):
    """A build wrote nothing; ``errors`` names each file that failed and why."""

    def __init__(self, message: str, errors: list[ReadError] | None = None) -> None:
        self.errors = list(errors or [])
        super().__init__(message)


class ModelMissingError(ClaimgraphError):
    """The spaCy language model is not installed or not the expected one."""


class ValidationError(ClaimgraphError):
    """An RDF graph does not conform to claimgraph's SHACL shapes."""


class QueryError(ClaimgraphError):
    """A SPARQL query is malformed, refused, or names no known ready query."""


class ExportError(ClaimgraphError):
    """An export could not be written, or a format name is unknown."""
