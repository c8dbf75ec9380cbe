"""Every segment's clean text maps back exactly onto Document.text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ingest import read_document
from graph.model import Document, DocumentKind, OffsetMap, SectionKind, Segment, Source
from graph.readers import offset_problems, segment_span
from graph.readers.article import read_article
from graph.readers.markdown import read_markdown

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
READABLE = [
    READERS / "article-full.txt",
    READERS / "crlf-article.txt",
    READERS / "latin1-article.txt",
    READERS / "news-page.html",
    READERS / "no-byline.txt",
    READERS / "note-full.md",
    READERS / "utf16-note.md",
    *sorted(CORPUS.glob("*")),
]


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_readers_offsets_map_clean_text_back_to_source(path):
    doc = read_document(path)
    assert doc.segments
    assert offset_problems(doc) == []


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_readers_links_and_timestamps_point_at_their_markup(path):
    doc = read_document(path)
    for link in doc.links:
        assert doc.text[link.start : link.end].startswith("[[")
        assert doc.text[link.start : link.end].endswith("]]")
        assert link.text in doc.text[link.start : link.end]
    for stamp in doc.timestamps:
        assert doc.text[stamp.start] == "[" and doc.text[stamp.end - 1] == "]"


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_readers_segments_are_in_source_order(path):
    doc = read_document(path)
    starts = [segment_span(segment)[0] for segment in doc.segments]
    assert starts == sorted(starts)


def test_offset_problems_reports_a_clean_character_that_maps_elsewhere():
    source = Source("source/x", "X", DocumentKind.ARTICLE, "x.txt")
    wrong = Segment("Kyiv", OffsetMap(((0, 0),)), SectionKind.BODY, "source/x")
    doc = Document("x.txt", "Kiev is a city", DocumentKind.ARTICLE, (source,), (wrong,))
    assert offset_problems(doc) == ["segment 0 ('Kyiv'): clean 'y' at 1 maps to 'i'"]


MARKUP = st.sampled_from(
    [
        "word", "Russia", " ", "  ", "\n", "\n\n", "\t", "*", "**", "_", "__", "~~", "`", "```",
        "[[", "]]", "|", "[", "]", "(", ")", "[00:01:46]", "[12:05]", "[[a | b]]", "[[x]]",
        "<br/>", "<b>", "</b>", "# ", "## ", "* ", "- ", "+ ", "1. ", "> ", "---", "|---|",
        "\\*", "!", "é", "By Anna", "KYIV -- ", "[Name/AFP]", ". ", "Reply", "5 Comment(s)",
    ]
)  # fmt: skip
"""Pieces of markup and text that random documents are assembled from."""


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.lists(MARKUP, max_size=60).map("".join))
def test_readers_offsets_hold_for_any_markup(text):
    for reader, name in ((read_markdown, "random.md"), (read_article, "random.txt")):
        doc = reader(Path(name), text)
        assert offset_problems(doc) == []
        assert all(segment.text == segment.text.strip() for segment in doc.segments)


def _copied_char_by_char(source: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The definition of CleanText.copy: each whitespace run becomes one space, at the
    run's first character, also across consecutive copies."""
    chars: list[str] = []
    offsets: list[int] = []
    for start, end in spans:
        for offset in range(start, end):
            char = source[offset]
            if char.isspace():
                if chars and chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            offsets.append(offset)
    return "".join(chars), offsets


@settings(max_examples=300, deadline=None)
@given(
    source=st.text(alphabet=st.sampled_from("ab \n\t\r\u00a0\u2003\u3000.\x0b\x1c"), max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=6),
    kept=st.lists(st.booleans(), min_size=1, max_size=6),
)
def test_clean_text_copy_collapses_whitespace_like_the_character_definition(
        source, cuts, kept):
    from graph.readers import CleanText

    # Consecutive spans, some left out (as where markup is dropped).
    bounds = sorted({0, len(source), *(min(c, len(source)) for c in cuts)})
    spans = [span for i, span in enumerate(itertools.pairwise(bounds))
             if kept[i % len(kept)]]
    clean = CleanText(source)
    for start, end in spans:
        clean.copy(start, end)
    want_text, want_offsets = _copied_char_by_char(source, spans)
    assert "".join(clean._chars) == want_text
    assert clean._offsets == want_offsets
