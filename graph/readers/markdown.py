"""Read markdown transcript notes: YAML front matter, wiki links and video timestamps.

The format is the restricted markdown of note-taking tools: an optional YAML front
matter block, an optional ``From: [[channel]]`` line, ``#`` headings, paragraphs
and (nested) bullet lists whose text carries ``[[target | text]]`` wiki links and
``[hh:mm:ss]`` timestamps. Lines are scanned by hand so every clean character keeps
its exact offset in ``Document.text``.

Segments
--------
- the title (front matter ``title``, else the first ``#`` heading): TITLE;
- each ``#`` heading, and each list item or one-line paragraph that is only a bold
  label (``*   **Production Limitations**``): HEADING;
- each paragraph and each list item: BODY.

``heading`` is the text of the current ``#`` heading (None before the first one and
on the title); bold labels do not change it.

Transcript lines: a paragraph or item that opens with a bold speaker label
(``**Name:** text`` or ``**Name**: text``, perhaps after a ``[hh:mm:ss]``) gives a
segment whose ``speaker`` is the name and whose text leaves the label out; a role
label (``**Host:**``) is left out too but names no speaker, and a label such as
``**Note:**`` is no speaker label. A ``[hh:mm:ss]`` that opens the line is the
segment's ``time``.

Clean text drops list markers, emphasis markers, inline HTML, code-span backticks,
link brackets (keeping the display text, or the target of ``[[target]]``) and
timestamps with the whitespace before them. Fenced code blocks, thematic breaks
and table separator rows give no segments.

Examples
--------
>>> from pathlib import Path
>>> doc = read_markdown(Path("n.md"), "# Title\\n\\n* **Bold** [[a | b]] said [01:02].\\n")
>>> [(s.section.value, s.text) for s in doc.segments]
[('title', 'Title'), ('body', 'Bold b said.')]
>>> doc.timestamps[0].seconds, doc.links[0].target
(62, 'a')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from graph import ids
from graph.errors import ReadError
from graph.model import (
    Document,
    DocumentKind,
    Link,
    SectionKind,
    Segment,
    Source,
    Timestamp,
)
from graph.readers import CleanText, make_segment, web_url

MAX_FRONT_MATTER_BYTES = 64 * 1024
"""Front matter larger than this is refused."""

MAX_FRONT_MATTER_DEPTH = 20
"""Front matter nested deeper than this (lists in maps in lists...) is refused.

PyYAML's scanner slows down quadratically and its composer recurses with nesting,
so ``[[[[...`` would otherwise take seconds and end in a RecursionError.
"""

YOUTUBE_WATCH = "https://www.youtube.com/watch?v="

_FM_OPEN = re.compile(r"---[ \t]*\n")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_TITLE_LINE = re.compile(r"^title[ \t]*+:[ \t]*+(.*)$", re.M)

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE = re.compile(r"[ \t]{0,3}(?:>[ \t]?)+")
_FROM = re.compile(
    r"[ \t]*+From:[ \t]*+\[\[(?P<target>[^\[\]|]++)(?:\|(?P<label>[^\[\]]*+))?\]\]"
    r"[ \t]*+(?:<br[ \t]*+/?>[ \t]*+)*+$"
)
_BOLD_LABEL = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1:?[ \t]*$")
_STAMP = r"\[(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})\]"
"""A ``[hh:mm:ss]`` or ``[mm:ss]`` video time."""
_OPENING_STAMP = re.compile(_STAMP + r"[ \t]*")
_SPEAKER_LABEL = re.compile(
    r"(\*\*|__)(?P<name>[A-Z\u00C0-\u024F\u0400-\u04FF][\w.'’-]*"
    r"(?:[ \t]+[A-Z\u00C0-\u024F\u0400-\u04FF][\w.'’-]*){0,3})"
    r"(?::\1|\1:)[ \t]+(?=\S)"
)
"""A transcript line's speaker: ``**Name:** text`` or ``**Name**: text``."""
NOT_SPEAKERS = frozenset({
    "note", "notes", "update", "source", "sources", "summary", "photo", "context",
    "background", "edit", "disclaimer", "warning", "tip", "example", "key", "question",
    "answer", "takeaway", "conclusion", "correction", "related", "see", "read", "watch",
    "transcript", "topic", "date", "time", "location", "q", "a",
})
"""Bold labels that name no speaker (lower case, the label's first word)."""
ROLE_LABELS = frozenset({
    "host", "interviewer", "moderator", "guest", "reporter", "narrator", "speaker",
    "audience", "caller", "anchor", "presenter", "panelist", "panellist", "unknown",
})
"""Speaker labels that name a role, not who: left out of the text, no speaker."""

MAX_CODE_SPAN = 1000
"""Longest inline code span recognised, in characters (bounds the search for its end)."""

# Every repetition below is possessive or bounded, and no alternative can run
# into the next one, so scanning a line is linear in its length whatever it holds
# (runs of brackets, backticks, spaces or "<!--"). Whitespace before a timestamp
# and the end of an HTML comment are found by hand in ``_Parser._inline``.
_INLINE = re.compile(
    rf"(?<!`)(?P<code>`++)(?P<codebody>.{{1,{MAX_CODE_SPAN}}}?)(?<!`)(?P=code)(?!`)"
    r"|\[\[(?P<target>[^\[\]|\n]++)(?:\|(?P<label>[^\[\]\n]*+))?\]\]"
    rf"|(?P<stamp>{_STAMP})"
    r"|!?\[(?P<text>[^\[\]\n]*+)\]\([^()\s]*+(?:[ \t]++\"[^\"\n]*+\")?\)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9-]*+(?:[ \t][^<>\n]*+)?/?>)"
    r"|(?P<comment><!--)"
    r"|\\(?P<escaped>[\\`*_{}\[\]()#+\-.!|>~])"
    r"|(?P<emph>\*{1,3}|_{1,3}|~~)"
)


_OPENERS = (
    yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken,
    yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken,
)  # fmt: skip
_CLOSERS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` on which a date that is no real date stays a string.

    ``date: 2024-13-01`` makes the plain safe loader raise ``ValueError`` (and
    ``!!timestamp x`` an ``AttributeError``); a note's metadata keeps it as text.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        """Return the date or datetime of ``node``, or its text if it is not a valid one."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp
)


@dataclass
class _Block:
    """Lines of one paragraph, list item or heading being collected."""

    kind: str  # "paragraph", "item" or "heading"
    spans: list[tuple[int, int]] = field(default_factory=list)


def read_markdown(path: Path, text: str) -> Document:
    """Parse the decoded text of a markdown note into a :class:`Document`.

    Parameters
    ----------
    path : Path
        The file the text was read from (its stem names the source).
    text : str
        The decoded, newline-normalised file text.

    Raises
    ------
    ReadError
        If the front matter is too large, not valid YAML, uses anchors, aliases or
        non-standard tags, or is not a mapping.
    """
    name = str(path)
    front = split_front_matter(text)
    meta: dict = {}
    body_start = 0
    title_span: tuple[int, int] | None = None
    if front is not None:
        fm_start, fm_end, body_start = front
        meta = parse_front_matter(text[fm_start:fm_end], name)
        title = meta.get("title")
        if isinstance(title, str) and title.strip():
            title_span = _find_title(text, fm_start, fm_end, title.strip())
    parser = _Parser(text, ids.source_id(path.stem))
    parser.scan(body_start, title_known=bool(_text(meta.get("title"))))
    segments = parser.segments
    if title_span is not None:
        clean = CleanText(text)
        clean.copy(*title_span)
        title_segment = make_segment(clean, SectionKind.TITLE, parser.source_id)
        if title_segment is not None:
            segments.insert(0, title_segment)
    title = _text(meta.get("title")) or parser.first_title or path.stem
    source, metadata = _source(path, meta, title, parser.channel)
    return Document(
        path=name,
        text=text,
        kind=DocumentKind.MARKDOWN,
        sources=(source,),
        segments=tuple(segments),
        links=tuple(parser.links),
        timestamps=tuple(parser.timestamps),
        metadata=metadata,
    )


def split_front_matter(text: str) -> tuple[int, int, int] | None:
    """Locate a YAML front matter block at the start of ``text``.

    Returns
    -------
    tuple[int, int, int] | None
        ``(yaml_start, yaml_end, body_start)`` offsets, or None without a closed block.

    Examples
    --------
    >>> split_front_matter("---\\ntitle: a\\n---\\nbody")
    (4, 13, 17)
    >>> split_front_matter("--- not front matter\\n") is None
    True
    """
    opening = _FM_OPEN.match(text)
    if opening is None:
        return None
    closing = _FM_CLOSE.search(text, opening.end())
    if closing is None:
        return None
    body_start = closing.end() + (text[closing.end() : closing.end() + 1] == "\n")
    return opening.end(), closing.start(), body_start


def parse_front_matter(raw: str, name: str) -> dict:
    """Safely parse YAML front matter into a mapping of plain JSON-able values.

    Only PyYAML's safe loader is used (no tag can build a Python object); anchors
    and aliases (alias bombs), blocks over 64 KB, nesting over
    :data:`MAX_FRONT_MATTER_DEPTH` levels, values an explicit tag cannot convert
    (``!!int abc``) and non-mapping documents are refused. Dates become ISO strings,
    invalid dates stay strings; control characters and lone surrogates in strings
    become U+FFFD so they cannot break the XML and RDF exports.

    Raises
    ------
    ReadError
        Naming ``name`` and what is wrong with the front matter.

    Examples
    --------
    >>> parse_front_matter("title: A\\ndate: 2024-05-01\\n", "a.md")
    {'title': 'A', 'date': '2024-05-01'}
    >>> parse_front_matter("a: &x 1\\nb: *x\\n", "a.md")
    Traceback (most recent call last):
    graph.errors.ReadError: a.md: front matter uses YAML anchors or aliases (refused)
    """
    if len(raw.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ReadError(name, "front matter too large (over 64 KB)")
    try:
        depth = 0
        for token in yaml.scan(raw, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                raise ReadError(name, "front matter uses YAML anchors or aliases (refused)")
            if isinstance(token, _OPENERS):
                depth += 1
                if depth > MAX_FRONT_MATTER_DEPTH:
                    raise ReadError(
                        name,
                        f"front matter nested too deeply (over {MAX_FRONT_MATTER_DEPTH} levels)",
                    )
            elif isinstance(token, _CLOSERS):
                depth -= 1
        data = yaml.load(raw, Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        raise ReadError(name, f"broken front matter ({_yaml_reason(exc)})") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # An explicit tag PyYAML cannot apply, e.g. ``!!int abc`` or ``!!float x``.
        reason = " ".join(str(exc).split())[:200]
        raise ReadError(name, f"broken front matter ({reason})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError(name, f"front matter is not a mapping (found {type(data).__name__})")
    return _jsonable(data)


def _yaml_reason(exc: yaml.YAMLError) -> str:
    """Return a one-line description of a YAML error, with its line when known."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(problem).split())
    return f"{problem}, line {mark.line + 2}" if mark is not None else problem


def _jsonable(value: object) -> object:
    """Return ``value`` with dates as ISO strings and only JSON types left."""
    if isinstance(value, dict):
        return {_jsonable(str(key)): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return _UNSAFE_CHARS.sub("\ufffd", value)
    if value is None or isinstance(value, int | float | bool):
        return value
    return str(value)


def _text(value: object) -> str | None:
    """Return ``value`` as a stripped string (lists joined by commas), or None."""
    if isinstance(value, list):
        parts = [str(item).strip() for item in value if item is not None and str(item).strip()]
        return ", ".join(parts) or None
    if value is None or isinstance(value, dict):
        return None
    return str(value).strip() or None


def _find_title(text: str, start: int, end: int, title: str) -> tuple[int, int] | None:
    """Return the span of the front matter title's value in ``text``, if it is copied verbatim."""
    line = _TITLE_LINE.search(text, start, end)
    if line is not None:
        raw = line.group(1).rstrip(" \t")
        offset = line.start(1)
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            raw, offset = raw[1:-1], offset + 1
        if raw.strip() == title:
            lead = len(raw) - len(raw.lstrip())
            return offset + lead, offset + lead + len(title)
    found = text.find(title, start, end)
    return (found, found + len(title)) if found >= 0 else None


def _source(path: Path, meta: dict, title: str, channel: str | None) -> tuple[Source, dict]:
    """Return the note's source and its plain metadata."""
    video_id = _text(meta.get("videoId") or meta.get("video_id"))
    url = web_url(_text(meta.get("url")))
    if url is None:
        url = web_url(_text(meta.get("source")))
    if url is None and video_id:
        url = web_url(YOUTUBE_WATCH + quote(video_id, safe=""))
    channel = _text(meta.get("channel")) or channel
    fields = {
        "title": title,
        "url": url,
        "author": _text(meta.get("author") or meta.get("authors")),
        "channel": channel,
        "publisher": _text(meta.get("publisher")),
        "topic": _text(meta.get("topic") or meta.get("section")),
        "date": _text(meta.get("date")),
        "video_id": video_id,
    }
    source = Source(
        id=ids.source_id(path.stem),
        title=title,
        kind=DocumentKind.MARKDOWN,
        path=str(path),
        url=url,
        publisher=fields["publisher"],
        author=fields["author"],
        channel=channel,
        topic=fields["topic"],
    )
    metadata = {key: value for key, value in fields.items() if value is not None}
    metadata["front_matter"] = meta
    return source, metadata


class _Parser:
    """Line scanner turning the markdown body into segments, links and timestamps."""

    def __init__(self, text: str, source_id: str) -> None:
        self.text = text
        self.source_id = source_id
        self.segments: list[Segment] = []
        self.links: list[Link] = []
        self.timestamps: list[Timestamp] = []
        self.channel: str | None = None
        self.first_title: str | None = None
        self.heading: str | None = None
        self._title_known = False
        self._seen_body = False
        self._block: _Block | None = None

    def scan(self, start: int, title_known: bool) -> None:
        """Scan ``text[start:]`` line by line."""
        self._title_known = title_known
        text = self.text
        fence: str | None = None
        position = start
        while position < len(text):
            newline = text.find("\n", position)
            end = len(text) if newline < 0 else newline
            line = text[position:end]
            if fence is not None:
                stripped = line.strip()
                if stripped.startswith(fence) and not stripped.strip(fence[0]):
                    fence = None
            else:
                fence = self._line(position, end, line)
            position = end + 1
        self._close()

    def _line(self, start: int, end: int, line: str) -> str | None:
        """Handle one line outside code fences; return a fence opener if it starts one."""
        if not line.strip():
            self._close()
            return None
        if match := _FENCE.match(line):
            self._close()
            return match.group(1)
        if (match := _SETEXT.match(line)) and self._block and self._block.kind == "paragraph":
            self._block.kind = "heading"
            self._close()
            return None
        if match := _HEADING.match(line):
            self._close()
            content = line[match.end() :].rstrip()
            unhashed = content.rstrip("#")
            if unhashed != content and (not unhashed or unhashed[-1] in " \t"):
                content = unhashed.rstrip()
            begin = start + match.end()
            self._block = _Block("heading", [(begin, begin + len(content))])
            self._close()
            return None
        if _BREAK.match(line) or _is_table_rule(line):
            self._close()
            return None
        if not self._seen_body and (match := _FROM.match(line)):
            self._close()
            label = (match.group("label") or "").strip()
            self.channel = label or match.group("target").strip()
            return None
        if match := _QUOTE.match(line):
            start += match.end()
            line = line[match.end() :]
            if not line.strip():  # a bare ">" line separates paragraphs like a blank line
                self._close()
                return None
        if match := _ITEM.match(line):
            self._close()
            self._block = _Block("item", [(start + match.end(), end)])
            return None
        lead = len(line) - len(line.lstrip())
        if self._block is None:
            self._block = _Block("paragraph")
        self._block.spans.append((start + lead, end))
        return None

    def _close(self) -> None:
        """Turn the block being collected into a segment."""
        block, self._block = self._block, None
        if block is None or not block.spans:
            return
        clean = CleanText(self.text)
        speaker, time, label_end = self._speaker_label(block)
        for number, (start, end) in enumerate(block.spans):
            if number:
                clean.space(start - 1 if self.text[start - 1].isspace() else start)
            if number == 0 and label_end is not None:
                self._inline(CleanText(self.text), start, label_end)  # notes the time
                start = label_end
            self._inline(clean, start, end)
        section = SectionKind.BODY
        heading = self.heading
        if block.kind == "heading":
            if not self._title_known and self.first_title is None:
                section = SectionKind.TITLE
            else:
                section = SectionKind.HEADING
        elif len(block.spans) == 1:
            start, end = block.spans[0]
            if _BOLD_LABEL.fullmatch(self.text, start, end):
                section = SectionKind.HEADING
        segment = make_segment(clean, section, self.source_id, None)
        if segment is None:
            return
        self._seen_body = self._seen_body or section is SectionKind.BODY
        if section is SectionKind.TITLE:
            self.first_title = segment.text
            heading = None
        elif block.kind == "heading":
            self.heading = heading = segment.text
        if section is not SectionKind.BODY:
            speaker = time = None
        self.segments.append(
            Segment(segment.text, segment.offsets, section, self.source_id, heading,
                    speaker, time)
        )

    def _speaker_label(self, block: _Block) -> tuple[str | None, int | None, int | None]:
        """A transcript line's speaker label and opening time.

        Returns the speaker's name, the seconds of an opening ``[hh:mm:ss]`` and where
        the text after the label starts (``None`` for what the line lacks).
        """
        if block.kind == "heading":
            return None, None, None
        start, end = block.spans[0]
        position, time = start, None
        if stamp := _OPENING_STAMP.match(self.text, position, end):
            time = _seconds(stamp)
            position = stamp.end()
        label = _SPEAKER_LABEL.match(self.text, position, end)
        if label is None or label.group("name").split()[0].lower() in NOT_SPEAKERS:
            return None, time, None
        name = label.group("name")
        return (None if name.lower() in ROLE_LABELS else name), time, label.end()

    def _inline(self, clean: CleanText, start: int, end: int) -> None:
        """Copy ``text[start:end]`` into ``clean`` without inline markup, noting links and times."""
        text = self.text
        position = start  # everything before this is handled
        search_from = start
        comments_close = True  # False once an unclosed "<!--" shows no "-->" follows
        while (match := _INLINE.search(text, search_from, end)) is not None:
            search_from = match.end()
            if match.group("comment") is not None:
                close = text.find("-->", match.end(), end) if comments_close else -1
                if close < 0:
                    comments_close = False  # a later "<!--" cannot be closed either
                    continue  # not a comment: "<!--" stays as text
                clean.copy(position, match.start())
                position = search_from = close + 3
                continue
            if match.group("stamp") is not None:
                begin = match.start()
                while begin > position and text[begin - 1] in " \t":
                    begin -= 1
                clean.copy(position, begin)
                position = match.end()
                self._stamp(clean, match, begin)
                continue
            clean.copy(position, match.start())
            position = match.end()
            if match.group("code") is not None:
                clean.copy(*match.span("codebody"))
            elif match.group("target") is not None:
                target_start, target_end = match.span("target")
                target_end = max(target_start + 1, _rstrip_blank(text, target_start, target_end))
                label_span = _strip_blank(text, *match.span("label"))
                label = text[label_span[0] : label_span[1]]
                target = text[target_start:target_end].strip()
                self.links.append(Link(target, label or target, match.start(), match.end()))
                clean.copy(*(label_span if label else (target_start, target_end)))
            elif match.group("text") is not None:
                clean.copy(*match.span("text"))
            elif match.group("tag") is not None:
                if match.group("tag").lower().startswith("<br"):
                    clean.separator(match.start())
            elif match.group("escaped") is not None:
                clean.copy(*match.span("escaped"))
            elif match.group("emph") is not None and not _is_delimiter(text, match, start, end):
                clean.copy(match.start(), match.end())
        clean.copy(position, end)

    def _stamp(self, clean: CleanText, match: re.Match, begin: int) -> None:
        """Record a ``[hh:mm:ss]`` timestamp, or copy it (from ``begin``) if it is not a valid time.

        ``begin`` is where the whitespace before the timestamp starts.
        """
        seconds = _seconds(match)
        if seconds is None:
            clean.copy(begin, match.end())
            return
        self.timestamps.append(Timestamp(seconds, match.start(), match.end()))


def _seconds(match: re.Match) -> int | None:
    """The seconds of a matched :data:`_STAMP`, or ``None`` if it is not a valid time."""
    hours = int(match.group("h") or 0)
    minutes, seconds = int(match.group("m")), int(match.group("s"))
    if seconds >= 60 or (match.group("h") is not None and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


def _rstrip_blank(text: str, start: int, end: int) -> int:
    """Return ``end`` moved back over spaces and tabs, not before ``start``."""
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


def _strip_blank(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span ``(start, end)`` without leading and trailing spaces and tabs.

    A missing group (``-1, -1``) gives an empty span.
    """
    if start < 0:
        return 0, 0
    while start < end and text[start] in " \t":
        start += 1
    return start, _rstrip_blank(text, start, end)


def _is_delimiter(text: str, match: re.Match, start: int, end: int) -> bool:
    """Return True if an emphasis run opens or closes emphasis.

    A run inside a word (``snake_case``) or between spaces (``5 * 3``) is text.
    """
    before = text[match.start() - 1] if match.start() > start else " "
    after = text[match.end()] if match.end() < end else " "
    if before.isalnum() and after.isalnum():
        return False
    return not (before.isspace() and after.isspace())


def _is_table_rule(line: str) -> bool:
    """Return True for a table separator row such as ``|---|:--:|``."""
    stripped = line.strip()
    return "|" in stripped and "--" in stripped and not stripped.strip("|-: \t")
