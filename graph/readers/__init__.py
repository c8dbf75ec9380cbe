"""Shared helpers of the document readers: clean text with exact offsets.

Every reader turns spans of ``Document.text`` into :class:`~graph.model.Segment`
objects whose *clean* text leaves out markup (list markers, emphasis, timestamps,
wiki link brackets). :class:`CleanText` builds that clean text one source
character at a time, so each clean character remembers where it came from, and
turns the result into an :class:`~graph.model.OffsetMap`.

The contract every reader keeps (checked by :func:`offset_problems`): for each
clean character ``c`` at clean offset ``i`` of a segment,
``document.text[segment.offsets.to_source(i)]`` is ``c`` itself, or both are
whitespace (runs of spaces and newlines become one space in clean text), or ``c``
is a space standing for a removed tag such as ``<br/>`` and maps to its ``<``.

Examples
--------
>>> source = "Hello  **big**\\n world"
>>> clean = CleanText(source)
>>> clean.copy(0, 7)
>>> clean.copy(9, 12)
>>> clean.copy(14, 21)
>>> text, offsets = clean.finish()
>>> text
'Hello big world'
>>> source[offsets.to_source(text.index("big"))]
'b'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from graph.model import Document, OffsetMap, SectionKind, Segment, Source, Trust

_SPACES = re.compile(r"\s+")
_COLLAPSE = re.compile(r"\s{2,}|[^\S ]")
r"""Whitespace that collapsing changes: a run of two or more, or one character other
than a plain space (``\s`` matches what ``str.isspace`` does)."""


class CleanText:
    """Clean text being built from pieces of one source text, with exact offsets.

    Parameters
    ----------
    source : str
        The document text that every copied character comes from.

    Notes
    -----
    Whitespace runs collapse to a single space (mapped to the first whitespace
    character of the run); leading and trailing whitespace is dropped by
    :meth:`finish`.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._chars: list[str] = []
        self._offsets: list[int] = []

    def copy(self, start: int, end: int) -> None:
        """Append ``source[start:end]`` to the clean text, collapsing whitespace."""
        chars, offsets, source = self._chars, self._offsets, self.source
        at = start
        if at < end and chars and chars[-1] == " " and source[at].isspace():
            at = _SPACES.match(source, at, end).end()  # the run goes on from before
        # Only runs that change are visited (two or more whitespace characters, or
        # one that is not a plain space); the text between is copied as it is.
        for run in _COLLAPSE.finditer(source, at, end):
            if run.start() > at:
                chars.extend(source[at:run.start()])
                offsets.extend(range(at, run.start()))
            if not chars or chars[-1] != " ":
                chars.append(" ")
                offsets.append(run.start())
            at = run.end()
        if at < end:
            chars.extend(source[at:end])
            offsets.extend(range(at, end))

    def space(self, offset: int) -> None:
        """Append a word break standing for source position ``offset`` (if none yet).

        Used where removed markup separated two words; ``offset`` should point at a
        source whitespace character so the offset contract still holds.
        """
        if (
            self._chars
            and self._chars[-1] != " "
            and 0 <= offset < len(self.source)
            and self.source[offset].isspace()
        ):
            self._chars.append(" ")
            self._offsets.append(offset)

    def separator(self, offset: int) -> None:
        """Append a space standing for removed markup starting at ``offset`` (a ``<`` of a tag).

        Used where markup such as ``<br/>`` separated two words with no whitespace.
        """
        if self._chars and self._chars[-1] != " " and self.source[offset] == "<":
            self._chars.append(" ")
            self._offsets.append(offset)

    def __len__(self) -> int:
        return len(self._chars)

    def finish(self) -> tuple[str, OffsetMap] | None:
        """Return the stripped clean text and its offset map, or None if it is empty."""
        chars, offsets = self._chars, self._offsets
        start, end = 0, len(chars)
        while start < end and chars[start] == " ":
            start += 1
        while end > start and chars[end - 1] == " ":
            end -= 1
        if start == end:
            return None
        anchors: list[tuple[int, int]] = []
        previous = -2
        for clean_offset, source_offset in enumerate(offsets[start:end]):
            if source_offset != previous + 1:
                anchors.append((clean_offset, source_offset))
            previous = source_offset
        return "".join(chars[start:end]), OffsetMap(tuple(anchors))


def comments_source_id(article_id: str) -> str:
    """The id of the reader-comments source under the article ``article_id``.

    >>> comments_source_id("source/a")
    'source/a/comments'
    """
    return article_id + "/comments"


def comments_source(article: Source) -> Source:
    """The lower-trust source holding the reader comments under ``article``."""
    return Source(
        id=comments_source_id(article.id),
        title=f"Reader comments on {article.title}",
        kind=article.kind,
        path=article.path,
        trust=Trust.READER_COMMENTS,
        url=article.url,
        publisher=article.publisher,
        parent_id=article.id,
    )


def span_segment(
    source: str,
    start: int,
    end: int,
    section: SectionKind,
    source_id: str,
    heading: str | None = None,
) -> Segment | None:
    """Return a segment whose clean text is ``source[start:end]`` with whitespace collapsed.

    Returns None when the span holds only whitespace.

    Examples
    --------
    >>> seg = span_segment("a  b\\n c", 0, 7, SectionKind.BODY, "source/x")
    >>> seg.text, seg.offsets.to_source(2)
    ('a b c', 3)
    """
    clean = CleanText(source)
    clean.copy(start, end)
    return make_segment(clean, section, source_id, heading)


def make_segment(
    clean: CleanText,
    section: SectionKind,
    source_id: str,
    heading: str | None = None,
) -> Segment | None:
    """Return a :class:`Segment` from finished clean text, or None if it is empty."""
    finished = clean.finish()
    if finished is None:
        return None
    text, offsets = finished
    return Segment(text, offsets, section, source_id, heading)


def segment_span(segment: Segment) -> tuple[int, int]:
    """Return the ``(start, end)`` source span a segment's clean text covers.

    Examples
    --------
    >>> seg = span_segment("xx hello", 3, 8, SectionKind.BODY, "source/x")
    >>> segment_span(seg)
    (3, 8)
    """
    return segment.offsets.to_source(0), segment.offsets.to_source(len(segment.text) - 1) + 1


def source_offsets(segment: Segment) -> list[int]:
    """Return the source offset of every clean character of ``segment``, in one pass.

    Same result as calling ``segment.offsets.to_source(i)`` for each ``i``, in linear time.

    Examples
    --------
    >>> seg = span_segment("a  b", 0, 4, SectionKind.BODY, "source/x")
    >>> source_offsets(seg)
    [0, 1, 3]
    """
    anchors = segment.offsets.anchors
    offsets: list[int] = []
    for number, (clean, source) in enumerate(anchors):
        run_end = anchors[number + 1][0] if number + 1 < len(anchors) else len(segment.text)
        offsets.extend(range(source, source + run_end - clean))
    return offsets


def offset_problems(document: Document) -> list[str]:
    """Return every way the segments of ``document`` break the offset contract.

    A clean character must map to the same character in ``document.text`` (or
    both must be whitespace, or a clean space may stand for a removed tag's ``<``),
    source offsets must rise strictly, and every
    segment's ``source_id`` must name one of the document's sources. An empty
    list means the document is consistent.

    Examples
    --------
    >>> from graph.model import DocumentKind, Source
    >>> src = Source("source/x", "X", DocumentKind.ARTICLE, "x.txt")
    >>> good = span_segment("one two", 4, 7, SectionKind.BODY, "source/x")
    >>> doc = Document("x.txt", "one two", DocumentKind.ARTICLE, (src,), (good,))
    >>> offset_problems(doc)
    []
    >>> bad = Segment("owt", good.offsets, SectionKind.BODY, "source/y")
    >>> for problem in offset_problems(Document("x.txt", "one two", doc.kind, (src,), (bad,))):
    ...     print(problem)
    segment 0 ('owt'): unknown source 'source/y'
    segment 0 ('owt'): clean 'o' at 0 maps to 't'
    """
    problems: list[str] = []
    source_ids = {source.id for source in document.sources}
    text = document.text
    for number, segment in enumerate(document.segments):
        label = f"segment {number} ({segment.text[:30]!r})"
        if segment.source_id not in source_ids:
            problems.append(f"{label}: unknown source {segment.source_id!r}")
        if not segment.text:
            problems.append(f"{label}: empty text")
        previous = -1
        for clean_offset, (char, offset) in enumerate(
            zip(segment.text, source_offsets(segment), strict=True)
        ):
            if not 0 <= offset < len(text):
                problems.append(f"{label}: offset {offset} outside the text")
                break
            if offset <= previous:
                problems.append(f"{label}: offsets do not rise at {clean_offset}")
                break
            previous = offset
            same = text[offset] == char or (
                char == " " and (text[offset].isspace() or text[offset] == "<")
            )
            if not same:
                problems.append(
                    f"{label}: clean {char!r} at {clean_offset} maps to {text[offset]!r}"
                )
                break
    return problems


def web_url(value: str | None) -> str | None:
    """Return ``value`` stripped if it is an ``http(s)`` URL with a host, else None.

    A source's URL comes from the document itself (front matter, a page's
    canonical link), so ``javascript:``, ``data:`` or ``file:`` addresses and
    text with spaces are not taken as the source's web address.

    Examples
    --------
    >>> web_url(" https://example.org/a?b=1 ")
    'https://example.org/a?b=1'
    >>> web_url("javascript:alert(1)") is None, web_url("file:///etc/passwd") is None
    (True, True)
    """
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(char.isspace() or char in '<>"' for char in value):
        return None
    return value
