"""Plain typed objects that flow between the pipeline stages.

Reading produces :class:`Document` objects (with :class:`Segment` pieces of text to
analyse); extraction turns each into an :class:`Extraction` (actors, claims,
quantities, relations); assembly merges extractions into one networkx graph. No
stage keeps spaCy objects: everything here is offsets, strings and numbers, so the
objects pickle, cache and compare by value.

Offsets
-------
``Document.text`` is the decoded source text exactly as read. Every ``start``/``end``
pair on a claim, mention or quantity is a character offset into that text, so a
user can cite the span. Segments carry a *clean* text for the language model (wiki
link markup and timestamps removed) plus an :class:`OffsetMap` back to the source.

Examples
--------
>>> m = OffsetMap(((0, 10), (5, 20)))
>>> m.to_source(3), m.to_source(7)
(13, 22)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum


class DocumentKind(StrEnum):
    """What kind of file a document was read from."""

    MARKDOWN = "markdown"
    ARTICLE = "article"
    HTML = "html"


class SectionKind(StrEnum):
    """Which part of a document a segment comes from."""

    TITLE = "title"
    HEADING = "heading"
    BYLINE = "byline"
    BODY = "body"
    CAPTION = "caption"
    COMMENT = "comment"


class ActorKind(StrEnum):
    """The kind of an actor; each maps to an ontology class ``cg:<value>``."""

    COUNTRY = "Country"
    ORGANIZATION = "Organization"
    PERSON = "Person"
    GROUP = "Group"
    REGION = "Region"
    BLOC = "Bloc"


class Modality(StrEnum):
    """How a claim is put forward by its source."""

    ASSERTED = "asserted"
    HEDGED = "hedged"
    FORECAST = "forecast"
    REPORTED = "reported"
    NEGATED = "negated"


class Trust(StrEnum):
    """How far a source is trusted: reader comments are kept apart and marked lower."""

    PRIMARY = "primary"
    READER_COMMENTS = "reader-comments"


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in a segment's clean text back to the source text.

    ``anchors`` is a sorted tuple of ``(clean_offset, source_offset)`` pairs; each
    starts a run where clean and source text are copied one to one.
    """

    anchors: tuple[tuple[int, int], ...]
    _keys: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Kept once so that mapping many offsets stays O(log n) each.
        object.__setattr__(self, "_keys", tuple(a[0] for a in self.anchors))

    def to_source(self, clean_offset: int) -> int:
        """Return the source offset for ``clean_offset``."""
        i = max(0, bisect.bisect_right(self._keys, clean_offset) - 1)
        clean, source = self.anchors[i]
        return source + (clean_offset - clean)


@dataclass(frozen=True)
class Link:
    """A ``[[target | text]]`` wiki link, kept as a link to a topic."""

    target: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Timestamp:
    """A ``[hh:mm:ss]`` video time marker at a source offset."""

    seconds: int
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A run of text to analyse: a paragraph, bullet, caption or comment.

    ``text`` is clean text for the language model; ``offsets`` maps it back into
    ``Document.text``; ``source_id`` says which source (article or its comments) the
    segment belongs to. In a transcript, ``speaker`` is the name a line is labelled
    with (``**Name:**``, left out of ``text``) and ``time`` the video time, in
    seconds, of a ``[hh:mm:ss]`` the line opens with.
    """

    text: str
    offsets: OffsetMap
    section: SectionKind
    source_id: str
    heading: str | None = None
    speaker: str | None = None
    time: int | None = None


@dataclass(frozen=True)
class Source:
    """A citable source: a document, or the reader comments under an article."""

    id: str
    title: str
    kind: DocumentKind
    path: str
    trust: Trust = Trust.PRIMARY
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    channel: str | None = None
    topic: str | None = None
    parent_id: str | None = None


@dataclass(frozen=True)
class Document:
    """One document as read: its text, metadata, sources and segments."""

    path: str
    text: str
    kind: DocumentKind
    sources: tuple[Source, ...]
    segments: tuple[Segment, ...]
    links: tuple[Link, ...] = ()
    timestamps: tuple[Timestamp, ...] = ()
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def source(self) -> Source:
        """The document's main (primary) source."""
        return self.sources[0]


@dataclass(frozen=True)
class Actor:
    """A real-world actor: one node however many ways the texts name it."""

    id: str
    name: str
    kind: ActorKind
    wikidata: str | None = None
    iso: str | None = None
    roles: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A span of source text that names an actor, and how it was resolved."""

    actor_id: str
    text: str
    start: int
    end: int
    how: str


@dataclass(frozen=True)
class Quantity:
    """A stated number, normalised, with unit, qualifier and what it counts."""

    text: str
    start: int
    end: int
    unit: str
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    qualifier: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Claim:
    """A statement in a source: its exact span, context, modality and speaker."""

    id: str
    source_id: str
    text: str
    start: int
    end: int
    section: SectionKind
    modality: Modality
    heading: str | None = None
    timestamp: int | None = None
    speaker_id: str | None = None
    mentions: tuple[Mention, ...] = ()
    quantities: tuple[Quantity, ...] = ()


@dataclass(frozen=True)
class Relation:
    """A typed relationship between two actors, backed by one claim."""

    subject_id: str
    predicate: str
    object_id: str
    claim_id: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    actors: tuple[Actor, ...]
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
