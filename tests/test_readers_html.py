"""HTML pages: main text and metadata by trafilatura, comments kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.ingest import read_document
from graph.model import DocumentKind, SectionKind, Trust

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"


@pytest.fixture(scope="module")
def page():
    return read_document(READERS / "news-page.html")


def test_html_metadata_fills_source(page):
    source = page.source
    assert page.kind is DocumentKind.HTML
    assert source.title == "Baltic states expand drone production"
    assert source.publisher == "Northern Monitor"
    assert source.author == "Anna Lindqvist"
    assert source.url == "https://northern-monitor.example/defence/baltic-drones"
    assert page.metadata["date"] == "2024-03-12"


def test_html_text_has_no_script_style_or_navigation(page):
    for unwanted in (
        "SCRIPT-SHOULD-NEVER-APPEAR",
        "ANOTHER-SCRIPT-MARKER",
        "secret-style-marker",
        "font-family",
        "Economy",
        "All rights reserved",
    ):
        assert unwanted not in page.text


def test_html_paragraphs_become_body_segments_under_headings(page):
    body = [s for s in page.segments if s.section is SectionKind.BODY]
    assert len(body) == 4
    assert body[0].text.startswith("Lithuania, Latvia and Estonia agreed on Tuesday")
    assert page.metadata["dateline"] == "VILNIUS"
    assert body[2].heading == "Funding from Brussels"
    assert [s.text for s in page.segments if s.section is SectionKind.TITLE] == [
        "Baltic states expand drone production"
    ]


def test_html_comments_go_to_comments_source(page):
    comments_source = page.sources[1]
    assert comments_source.trust is Trust.READER_COMMENTS
    assert comments_source.parent_id == page.source.id
    comments = [s for s in page.segments if s.source_id == comments_source.id]
    assert [s.text for s in comments] == [
        "Finally some common sense from the Baltic governments.",
        "This will take years and the money will vanish before a single drone flies.",
    ]
    assert all(s.section is SectionKind.COMMENT for s in comments)
