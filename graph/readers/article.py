"""Read plain-text news articles scraped from the web.

The genre: a header of short lines (publisher, section, headline, ``By`` byline,
perhaps a date), body paragraphs separated by blank lines, photo captions ending
in a bracketed credit (often scraped twice), short sub-headings, boilerplate
(share and newsletter prompts) and, after a marker such as ``5 Comment(s)``,
reader comments separated by ``Reply`` lines or blank lines.

Rules
-----
- Header: a ``By <Name>`` line among the first lines is the byline (BYLINE
  segment; ``Source.author``). The headline is the last header line before it
  without terminal punctuation (TITLE segment); the short line before the
  headline is the section (``Source.topic``), the one before that the publisher.
  Without a byline the first non-empty line is the title. Bare URL and date
  lines in the header become metadata.
- A paragraph ending in a bracketed credit (``... October 14. [Name/Agency]``) is
  a CAPTION without the credit; credit names go to ``metadata["credits"]``. A
  paragraph identical to the one right before it (a scraping artifact) is dropped.
  The publisher's own name is left out of the credits (it is ``Source.publisher``).
- A dateline (``KYIV -- ``) opening the first body paragraph stays in
  ``Document.text`` but not in clean text; it is kept in ``metadata["dateline"]``.
- A short single line without terminal punctuation between body paragraphs is a
  sub-heading: a HEADING segment that sets ``heading`` for what follows.
- Boilerplate lines (patterns in ``data/boilerplate.yaml``) give no segments.
- After a comments marker, each comment is a COMMENT segment of a second source,
  ``<article id>/comments``, trusted as reader comments.

Examples
--------
>>> from pathlib import Path
>>> text = "Daily Planet\\nWorld\\n\\nRussia buys drones\\n\\nBy Lois Lane\\n\\n"
>>> text += "MOSCOW -- Russia bought drones."
>>> doc = read_article(Path("planet.txt"), text)
>>> doc.source.publisher, doc.source.topic, doc.source.title, doc.source.author
('Daily Planet', 'World', 'Russia buys drones', 'Lois Lane')
>>> [(s.section.value, s.text) for s in doc.segments]
[('title', 'Russia buys drones'), ('byline', 'By Lois Lane'), ('body', 'Russia bought drones.')]
>>> doc.metadata["dateline"]
'MOSCOW'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph import ids
from graph.data import DATA, load_yaml
from graph.model import Document, DocumentKind, SectionKind, Segment, Source
from graph.readers import CleanText, comments_source, comments_source_id, make_segment

BOILERPLATE_PATH = DATA / "boilerplate.yaml"
"""Where the boilerplate, comment-form and comments-marker patterns live."""

HEADER_LINES = 8
"""How many leading non-empty lines may hold the header (byline included)."""

_BYLINE = re.compile(r"(?:By|BY|by)[ \t]+(?P<name>[A-Z\u00C0-\u024F\u0400-\u04FF][^\n]{0,119})")
_TERMINAL = re.compile(r"[.!?:;,\"”’»…)]\s*$")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    r"(?:(?:published|updated|posted|last updated)(?: on)?:?\s*)?(?:[a-z]+,?\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:[ ,|-].{0,30})?",
    re.I,
)
_CREDIT = re.compile(r"\[(?P<credit>[^\[\]\n]{2,120})\]\s*$")
_CREDIT_PART = re.compile(
    r"(?i:(?:photo|image|picture|file|video)\s*(?:by|:)\s*)?"
    r"(?P<name>[A-Z0-9\u00C0-\u024F\u0400-\u04FF][\w.'’&-]*"
    r"(?:\s+(?:[A-Z0-9\u00C0-\u024F\u0400-\u04FF][\w.'’&-]*|de|van|von|al|el|la|du|of|for|the"
    r"|and|via|der|bin|ibn|dos|da))*)"
)
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?:[ \t]+[A-Z][A-Z.'’-]+){0,3})"
    r"(?:,[ \t]+[A-Z][A-Za-z.]+(?:[ \t]+\d{1,2})?)?(?:[ \t]+\([A-Za-z .]+\))?"
    r"[ \t]*(?:--|—|–|-)[ \t]+"
)
_NUMBER = re.compile(r"\d+")
MAX_BOILERPLATE_LINE = 300
"""Lines longer than this are never boilerplate (nor comment markers).

Boilerplate is short; the limit also keeps the patterns of ``data/boilerplate.yaml``
(some of which backtrack on long lines) from taking quadratic time.
"""
_SUBHEADING_WORDS = 10
_SUBHEADING_CHARS = 100


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate patterns (see ``data/boilerplate.yaml``)."""

    lines: re.Pattern
    comment_lines: re.Pattern
    comment_markers: re.Pattern


@functools.cache
def load_boilerplate(path: Path = BOILERPLATE_PATH) -> Boilerplate:
    """Load and compile the boilerplate patterns.

    Examples
    --------
    >>> bp = load_boilerplate()
    >>> bool(bp.lines.fullmatch("do you like this article?"))
    True
    >>> bool(bp.comment_markers.fullmatch("5 Comment(s)"))
    True
    """
    data = load_yaml(path, "boilerplate patterns")

    def compile_any(key: str) -> re.Pattern:
        return re.compile("|".join(f"(?:{pattern})" for pattern in data[key]), re.I)

    return Boilerplate(
        compile_any("lines"), compile_any("comment_lines"), compile_any("comment_markers")
    )


def is_boilerplate(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> bool:
    """Return True if ``text[start:end]`` is short and wholly matches a boilerplate ``pattern``.

    Examples
    --------
    >>> bp = load_boilerplate()
    >>> is_boilerplate(bp.lines, "Tags: war"), is_boilerplate(bp.lines, "Tags: " + "x" * 400)
    (True, False)
    """
    end = len(text) if end is None else end
    return end - start <= MAX_BOILERPLATE_LINE and pattern.fullmatch(text, start, end) is not None


@dataclass
class _Header:
    """What the header block says, and where the body starts (a line index)."""

    body_line: int
    title: tuple[int, int] | None = None
    byline: tuple[int, int] | None = None
    author: str | None = None
    section: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    deks: list[tuple[int, int]] = field(default_factory=list)


def read_article(path: Path, text: str) -> Document:
    """Parse the decoded text of a plain-text news article into a :class:`Document`.

    Parameters
    ----------
    path : Path
        The file the text was read from (its stem names the source).
    text : str
        The decoded, newline-normalised file text.
    """
    boilerplate = load_boilerplate()
    lines = _line_spans(text)
    header = _header(text, lines)
    source_id = ids.source_id(path.stem)
    title = _span_text(text, header.title) if header.title else path.stem
    segments: list[Segment] = []
    if header.title:
        segments.append(_segment(text, [header.title], SectionKind.TITLE, source_id))
    for dek in header.deks:
        segments.append(_segment(text, [dek], SectionKind.BODY, source_id))
    if header.byline:
        segments.append(_segment(text, [header.byline], SectionKind.BYLINE, source_id))

    marker = _comments_marker(text, lines, header.body_line, boilerplate)
    body_end = len(lines) if marker is None else marker
    metadata: dict = {"credits": []}
    credits: set[str] = set()
    segments.extend(
        _body(text, lines[header.body_line : body_end], source_id, boilerplate, credits, metadata)
    )
    publisher = (header.publisher or "").casefold()
    metadata["credits"] = sorted(name for name in credits if name.casefold() != publisher)
    comments_id = comments_source_id(source_id)
    comments: list[Segment] = []
    if marker is not None:
        comments = _comments(text, lines[marker + 1 :], comments_id, boilerplate)
        declared = _NUMBER.search(_span_text(text, lines[marker]))
        if declared:
            metadata["comments_declared"] = int(declared.group())
    source = Source(
        id=source_id,
        title=title,
        kind=DocumentKind.ARTICLE,
        path=str(path),
        url=header.url,
        publisher=header.publisher,
        author=header.author,
        topic=header.section,
    )
    sources = [source]
    if comments:
        sources.append(comments_source(source))
    fields = {
        "title": title,
        "publisher": header.publisher,
        "section": header.section,
        "author": header.author,
        "url": header.url,
        "date": header.date,
    }
    metadata.update({key: value for key, value in fields.items() if value is not None})
    return Document(
        path=str(path),
        text=text,
        kind=DocumentKind.ARTICLE,
        sources=tuple(sources),
        segments=tuple(segments + comments),
        metadata=metadata,
    )


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` span of every line with surrounding whitespace trimmed.

    Blank lines have ``start == end``.
    """
    spans = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        start = position + (line.find(stripped) if stripped else 0)
        spans.append((start, start + len(stripped)))
        position += len(line) + 1
    return spans


def _span_text(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _segment(
    text: str,
    spans: list[tuple[int, int]],
    section: SectionKind,
    source_id: str,
    heading: str | None = None,
) -> Segment:
    """Return a segment of the given non-blank line spans, joined by spaces."""
    clean = CleanText(text)
    for number, (start, end) in enumerate(spans):
        if number:
            clean.space(start - 1)
        clean.copy(start, end)
    segment = make_segment(clean, section, source_id, heading)
    assert segment is not None  # spans are never blank
    return segment


def _is_short_label(line: str, max_words: int = 5) -> bool:
    """Return True for a short line without terminal punctuation (a section or publisher)."""
    return 0 < len(line) <= 40 and len(line.split()) <= max_words and not _TERMINAL.search(line)


def _header(text: str, lines: list[tuple[int, int]]) -> _Header:
    """Find the header fields among the leading lines."""
    candidates = [i for i, (start, end) in enumerate(lines) if end > start][:HEADER_LINES]
    if not candidates:
        return _Header(body_line=len(lines))
    byline_at = None
    for i in candidates:
        line = _span_text(text, lines[i])
        match = _BYLINE.fullmatch(line)
        if match and len(line.split()) <= 14 and not _SENTENCE_END.search(line):
            byline_at = i
            break
    if byline_at is None:
        header = _Header(body_line=candidates[0] + 1, title=lines[candidates[0]])
        return _after_header(text, lines, header)
    header = _Header(body_line=byline_at + 1, byline=lines[byline_at])
    name = _BYLINE.fullmatch(_span_text(text, lines[byline_at])).group("name")
    header.author = name.strip()
    before = [i for i in candidates if i < byline_at]
    labels: list[int] = []
    for i in before:
        line = _span_text(text, lines[i])
        if _URL.fullmatch(line):
            header.url = header.url or line
        elif _DATE_LINE.fullmatch(line):
            header.date = header.date or line
        else:
            labels.append(i)
    if labels:
        headline = labels[-1]
        undecked = [i for i in labels if not _TERMINAL.search(_span_text(text, lines[i]))]
        if undecked:
            headline = undecked[-1]
        header.title = lines[headline]
        earlier = [i for i in labels if i < headline]
        names = [_span_text(text, lines[i]) for i in earlier]
        if names and _is_short_label(names[-1]):
            header.section = names[-1]
            if len(names) > 1 and _is_short_label(names[-2], max_words=8):
                header.publisher = names[-2]
        # A standfirst (a sentence between headline and byline) is body text.
        header.deks = [lines[i] for i in labels if i > headline]
    return _after_header(text, lines, header)


def _after_header(text: str, lines: list[tuple[int, int]], header: _Header) -> _Header:
    """Consume URL and date lines right after the header into the header."""
    index = header.body_line
    while index < len(lines):
        start, end = lines[index]
        if start == end:
            index += 1
            continue
        line = text[start:end]
        if _URL.fullmatch(line) and header.url is None:
            header.url = line
        elif _DATE_LINE.fullmatch(line) and header.date is None:
            header.date = line
        else:
            break
        index += 1
        header.body_line = index
    return header


def _comments_marker(
    text: str, lines: list[tuple[int, int]], first: int, boilerplate: Boilerplate
) -> int | None:
    """Return the index of the first comments-marker line at or after ``first``."""
    for index in range(first, len(lines)):
        start, end = lines[index]
        if end > start and is_boilerplate(boilerplate.comment_markers, text, start, end):
            return index
    return None


def _units(
    text: str, lines: list[tuple[int, int]], skip: re.Pattern, also_skip: re.Pattern | None = None
) -> list[list[tuple[int, int]]]:
    """Group lines into runs of content lines, split by blank and boilerplate lines."""
    units: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in lines:
        boring = start == end or is_boilerplate(skip, text, start, end)
        if not boring and also_skip is not None:
            boring = is_boilerplate(also_skip, text, start, end)
        if boring:
            if current:
                units.append(current)
            current = []
        else:
            current.append((start, end))
    if current:
        units.append(current)
    return units


def _body(
    text: str,
    lines: list[tuple[int, int]],
    source_id: str,
    boilerplate: Boilerplate,
    credits: set[str],
    metadata: dict,
) -> list[Segment]:
    """Return the caption, sub-heading and body segments of the article body."""
    units = _units(text, lines, boilerplate.lines)
    segments: list[Segment] = []
    heading: str | None = None
    previous: str | None = None
    seen_body = False
    for number, unit in enumerate(units):
        joined = " ".join(text[start:end] for start, end in unit)
        if joined == previous:
            continue
        previous = joined
        caption = _caption(text, unit)
        if caption is not None:
            spans, names = caption
            credits.update(names)
            segments.append(_segment(text, spans, SectionKind.CAPTION, source_id, heading))
            continue
        is_last = number == len(units) - 1
        if seen_body and not is_last and len(unit) == 1 and _is_subheading(joined):
            segment = _segment(text, unit, SectionKind.HEADING, source_id)
            heading = segment.text
            segments.append(
                Segment(segment.text, segment.offsets, segment.section, source_id, heading)
            )
            continue
        if not seen_body:
            unit = _strip_dateline(text, unit, metadata)
        seen_body = True
        segments.append(_segment(text, unit, SectionKind.BODY, source_id, heading))
    return segments


def _caption(
    text: str, unit: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[str]] | None:
    """If ``unit`` is a photo caption, return its spans without the credit, and the credits."""
    start, end = unit[-1]
    match = _CREDIT.search(text, start, end)
    if match is None:
        return None
    before = text[unit[0][0] : match.start()].rstrip()
    if not before or not _TERMINAL.search(before):
        return None
    names = credit_names(match.group("credit"))
    if names is None:
        return None
    cut = match.start()
    while cut > start and text[cut - 1].isspace():
        cut -= 1
    spans = [*unit[:-1], (start, cut)] if cut > start else unit[:-1]
    return (spans, names) if spans else None


def credit_names(credit: str) -> list[str] | None:
    """The names in a photo credit (``"Name/Agency"``, ``"Photo: Reuters"``).

    Returns ``None`` if a part is not a name (the brackets held something else);
    "File" and "Handout" are left out.

    >>> credit_names("Photo: Vyacheslav Oseledko/AFP")
    ['Vyacheslav Oseledko', 'AFP']
    >>> credit_names("in 2022") is None
    True
    """
    names = []
    for part in credit.split("/"):
        part_match = _CREDIT_PART.fullmatch(part.strip())
        if part_match is None:
            return None
        names.append(part_match.group("name"))
    return [name for name in names if name.lower() not in {"file", "handout"}]


def _is_subheading(line: str) -> bool:
    """Return True for a short line of a few words without terminal punctuation."""
    words = line.split()
    return (
        len(line) <= _SUBHEADING_CHARS
        and 1 <= len(words) <= _SUBHEADING_WORDS
        and not _TERMINAL.search(line)
        and line[0] not in "\"'“‘«-–—*•("
        and (line[0].isupper() or line[0].isdigit())
    )


def _strip_dateline(
    text: str, unit: list[tuple[int, int]], metadata: dict
) -> list[tuple[int, int]]:
    """Leave a dateline (``KYIV -- ``) out of the first body paragraph, noting its place."""
    start, end = unit[0]
    found = split_dateline(text, start, end)
    if found is None:
        return unit
    metadata["dateline"], body_start = found
    return [(body_start, end), *unit[1:]]


def split_dateline(text: str, start: int, end: int) -> tuple[str, int] | None:
    """Find a dateline opening ``text[start:end]``.

    Returns
    -------
    tuple[str, int] | None
        The dateline's place and the offset where the paragraph proper starts.

    Examples
    --------
    >>> split_dateline("KYIV -- The war goes on.", 0, 24)
    ('KYIV', 8)
    >>> split_dateline("WASHINGTON (Reuters) - Talks began.", 0, 35)
    ('WASHINGTON', 23)
    >>> split_dateline("NATO -- and only NATO", 0, 4) is None
    True
    """
    match = _DATELINE.match(text, start, end)
    if match is None or match.end() >= end:
        return None
    return match.group("place"), match.end()


def _comments(
    text: str, lines: list[tuple[int, int]], comments_id: str, boilerplate: Boilerplate
) -> list[Segment]:
    """Return one COMMENT segment per reader comment."""
    units = _units(text, lines, boilerplate.lines, boilerplate.comment_lines)
    return [_segment(text, unit, SectionKind.COMMENT, comments_id) for unit in units]
