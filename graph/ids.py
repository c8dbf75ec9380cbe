"""Stable, readable identifiers for sources, actors, claims, quantities and conflicts.

Identifiers are derived from content, never from counters, so rebuilding the same
corpus gives the same ids and adding a document does not renumber the rest. They
are safe as IRI path segments: ASCII letters, digits and hyphens only.

Examples
--------
>>> slugify("Czech Republic")
'czech-republic'
>>> slugify("Ministry of Defence (United Kingdom)")
'ministry-of-defence-united-kingdom'
>>> slugify("Зеленський")[:2]
'x-'
>>> actor_id("Russia")
'actor/russia'
>>> claim_id("source/a", 10, 42) == claim_id("source/a", 10, 42)
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BASE = "https://w3id.org/claimgraph/"
"""Namespace of instance IRIs; an id ``actor/russia`` becomes ``BASE + 'actor/russia'``."""

ONTOLOGY = BASE + "ontology#"
"""Namespace of claimgraph's own ontology terms (prefix ``cg:``)."""


def digest(*parts: object, length: int = 16) -> str:
    """Return a short hex SHA-256 digest of ``parts`` joined by NUL bytes."""
    joined = "\x00".join(str(p) for p in parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:length]


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lowercase ASCII slug of ``text``.

    Text with no Latin letters or digits left after folding accents (a non-Latin
    script, say) gets ``x-`` plus a digest, so distinct names never collide.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:max_length].strip("-")
    return slug or "x-" + digest(text, length=12)


def source_id(name: str) -> str:
    """Return the id of a source named ``name`` (usually the file stem)."""
    return "source/" + slugify(name)


def actor_id(name: str) -> str:
    """Return the id of the actor with canonical name ``name``."""
    return "actor/" + slugify(name)


def claim_id(source: str, start: int, end: int) -> str:
    """Return the id of the claim spanning ``start:end`` of ``source``."""
    return "claim/" + digest(source, start, end)


def quantity_id(source: str, unit: str, value: object, low: object, high: object) -> str:
    """Return the id of a figure as one source states it.

    A source that restates the same figure with the same unit (a caption repeating
    the body, say) states one quantity, so the id depends on the figure, not on
    where it is written.
    """
    return "quantity/" + digest(source, unit, value, low, high)


def relation_id(subject: str, predicate: str, obj: str) -> str:
    """Return the id of the statement node describing one relationship."""
    return "relation/" + digest(subject, predicate, obj)


def conflict_id(kind: str, *key: object) -> str:
    """Return the id of the figure conflict of ``kind`` over the group ``key``.

    The group key says what the figures disagree about (one quantity; a unit and a
    counted thing; an actor and a unit), so the id stays put however many figures
    or claims the group gains.
    """
    return "conflict/" + digest(kind, *key)
