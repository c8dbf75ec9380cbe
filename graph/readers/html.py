"""Read HTML pages: main text, metadata and comments extracted by trafilatura.

Offsets into raw HTML would be useless to cite, so for an HTML page
``Document.text`` is *the extracted text*, not the file: the page title, then each
block trafilatura keeps in the main text (headings, paragraphs, list items, table
rows with cells joined by ``" | "``, quotes), then each photo caption, then each
reader comment, every block with its whitespace collapsed and blocks separated by a
blank line. Scripts, styles, navigation and footers are left out by the
extraction; no network is used.

Segments: the title is TITLE, headings HEADING (setting ``heading``), other main
text blocks BODY, and comments COMMENT segments of a second source
``<page id>/comments`` trusted as reader comments. trafilatura drops photo
captions, so they are read from the page's ``<figcaption>`` elements (those inside
``<article>`` or ``<main>`` if there are any, never those in navigation, asides,
headers or footers): each is a CAPTION segment, without a trailing bracketed
credit (``(Reuters)``, ``[Name/AFP]``), whose names go to ``metadata["credits"]``.

Examples
--------
>>> from pathlib import Path
>>> page = "<html><head><title>Talks resume</title></head><body><article>"
>>> page += "<p>" + "Negotiators from both sides met in Geneva on Monday. " * 3 + "</p>"
>>> page += "</article></body></html>"
>>> doc = read_html(Path("talks.html"), page)
>>> [s.section.value for s in doc.segments], doc.source.title
(['title', 'body'], 'Talks resume')
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from graph import ids
from graph.errors import ReadError
from graph.model import Document, DocumentKind, SectionKind, Segment, Source
from graph.readers import comments_source, comments_source_id, span_segment, web_url
from graph.readers.article import (
    Boilerplate,
    credit_names,
    is_boilerplate,
    load_boilerplate,
    split_dateline,
)

_SKIPPED = {"code", "graphic", "fw", "note"}
"""trafilatura elements whose text is not prose to analyse."""

_CAPTION_CREDIT = re.compile(r"\s*[(\[](?P<credit>[^()\[\]]{2,120})[)\]]\s*$")
"""A credit closing a caption: ``(Reuters)``, ``[Name/AFP]``."""

_FIGCAPTIONS = "//figcaption[not(ancestor::nav or ancestor::aside or ancestor::header " \
               "or ancestor::footer)]"


def read_html(path: Path, text: str) -> Document:
    """Extract the main text of an HTML page into a :class:`Document`.

    Parameters
    ----------
    path : Path
        The file the page was read from (its stem names the source).
    text : str
        The decoded HTML.

    Raises
    ------
    ReadError
        If the page cannot be parsed or has no extractable main text.
    """
    name = str(path)
    try:
        result = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=True, include_tables=True
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise ReadError(name, f"cannot parse HTML ({exc})") from None
    if result is None or result.body is None:
        raise ReadError(name, "no main text found")
    boilerplate = load_boilerplate()
    body = [
        (kind, block)
        for kind, block in _blocks(result.body)
        if not is_boilerplate(boilerplate.lines, block)
    ]
    if not any(kind == "p" for kind, _ in body):
        raise ReadError(name, "no main text found")
    comments = []
    if result.commentsbody is not None:
        for kind, block in _blocks(result.commentsbody):
            skip = kind == "head" or any(
                is_boilerplate(pattern, block)
                for pattern in (
                    boilerplate.lines,
                    boilerplate.comment_lines,
                    boilerplate.comment_markers,
                )
            )
            if not skip:
                comments.append(block)

    source_id = ids.source_id(path.stem)
    comments_id = comments_source_id(source_id)
    title = " ".join((result.title or "").split())
    if body and body[0][0] == "head" and body[0][1] == title:
        body = body[1:]
    captions, credits = _captions(text, {block for _, block in body}, boilerplate)
    blocks: list[tuple[str, str]] = [("title", title)] if title else []
    blocks += body
    blocks += [("caption", caption) for caption in captions]
    blocks += [("comment", comment) for comment in comments]

    document_text, spans = _join(blocks)
    segments: list[Segment] = []
    heading: str | None = None
    metadata: dict = {}
    first_paragraph = True
    for (kind, _), (start, end) in zip(blocks, spans, strict=True):
        if kind == "title":
            section, owner = SectionKind.TITLE, source_id
        elif kind == "head":
            section, owner = SectionKind.HEADING, source_id
            heading = document_text[start:end]
        elif kind == "comment":
            section, owner, heading = SectionKind.COMMENT, comments_id, None
        elif kind == "caption":
            section, owner = SectionKind.CAPTION, source_id
        else:
            section, owner = SectionKind.BODY, source_id
            if first_paragraph and (found := split_dateline(document_text, start, end)):
                metadata["dateline"], start = found
            first_paragraph = False
        segment = span_segment(document_text, start, end, section, owner, heading)
        if segment is not None:
            segments.append(segment)

    title = title or path.stem
    categories = [c for c in (result.categories or []) if c]
    source = Source(
        id=source_id,
        title=title,
        kind=DocumentKind.HTML,
        path=name,
        url=web_url(result.url),
        publisher=result.sitename or None,
        author=result.author or None,
        topic=categories[0] if categories else None,
    )
    sources = [source]
    if comments:
        sources.append(comments_source(source))
    fields = {
        "title": title,
        "url": source.url,
        "publisher": source.publisher,
        "author": source.author,
        "date": result.date or None,
        "section": source.topic,
    }
    metadata.update({key: value for key, value in fields.items() if value is not None})
    if credits:
        metadata["credits"] = credits
    return Document(
        path=name,
        text=document_text,
        kind=DocumentKind.HTML,
        sources=tuple(sources),
        segments=tuple(segments),
        metadata=metadata,
    )


def _captions(page: str, body: set[str],
              boilerplate: Boilerplate) -> tuple[list[str], list[str]]:
    """The photo captions of the page's main part, and the names credited in them.

    Captions already in ``body`` (the main text's blocks) and boilerplate are left
    out; each caption and each name is kept once, in page order.
    """
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.LxmlError, ValueError):
        return [], []
    elements = root.xpath(_FIGCAPTIONS)
    main = [e for e in elements
            if any(a.tag in ("article", "main") for a in e.iterancestors())]
    captions: list[str] = []
    credits: list[str] = []
    for element in main or elements:
        caption = " ".join(element.text_content().split())
        match = _CAPTION_CREDIT.search(caption)
        names = credit_names(match.group("credit")) if match else None
        if match and names is not None:
            caption = caption[:match.start()].rstrip()
            credits += [name for name in names if name not in credits]
        if (caption and caption not in body and caption not in captions
                and not is_boilerplate(boilerplate.lines, caption)):
            captions.append(caption)
    return captions, credits


def _join(blocks: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Join block texts with blank lines; return the text and each block's span."""
    spans = []
    position = 0
    for _, block in blocks:
        spans.append((position, position + len(block)))
        position += len(block) + 2
    return "\n\n".join(block for _, block in blocks), spans


def _blocks(element: etree._Element) -> list[tuple[str, str]]:
    """Return ``(kind, text)`` for each text block under a trafilatura result element.

    ``kind`` is ``"head"`` for headings and ``"p"`` for every other block.
    """
    blocks: list[tuple[str, str]] = []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIPPED:
            continue
        if tag == "list":
            blocks.extend(_list_blocks(child))
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row if cell.tag == "cell"]
                _add(blocks, "p", " | ".join(cell for cell in cells if cell))
        elif tag in {"quote", "div"} and any(sub.tag in {"p", "list", "head"} for sub in child):
            blocks.extend(_blocks(child))
        else:
            _add(blocks, "head" if tag == "head" else "p", _text(child))
    return blocks


def _list_blocks(element: etree._Element) -> list[tuple[str, str]]:
    """Return one block per item of a (possibly nested) list."""
    blocks: list[tuple[str, str]] = []
    for item in element:
        _add(blocks, "p", _text(item))
        for nested in item.iter("list"):
            if nested.getparent() is item:
                blocks.extend(_list_blocks(nested))
    return blocks


def _add(blocks: list[tuple[str, str]], kind: str, text: str) -> None:
    if text:
        blocks.append((kind, text))


def _text(element: etree._Element) -> str:
    """Return an element's text with line breaks as spaces and whitespace collapsed.

    Code, graphics and nested lists are left out (nested lists are blocks of their own).
    """
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == "lb":
            parts.append(" ")
        elif node is element or (node.tag not in _SKIPPED and node.tag != "list"):
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(element)
    return " ".join("".join(parts).split())
