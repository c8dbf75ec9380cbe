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


PAGE_WITH_PHOTOS = """<!DOCTYPE html><html><head><title>Armenia buys radars</title></head><body>
<nav><figure><figcaption>Menu photo of the week.</figcaption></figure></nav>
<article><h1>Armenia buys radars</h1>
<p>Armenia is buying French air-defence radars, Prime Minister Nikol Pashinyan said on
Monday, as relations with Moscow cool further.</p>
<figure><img src="radar.jpg"><figcaption>A French-made radar at a trade fair in
Paris. (Ivan Petrov/AFP)</figcaption></figure>
<p>Russia still keeps about 3,000 troops at its base in Gyumri, near the Turkish
border, according to the defence ministry.</p>
<figure><img src="base.jpg"><figcaption>The Russian base in Gyumri. [Reuters]</figcaption>
</figure></article>
<aside><figure><figcaption>An unrelated photo in a sidebar.</figcaption></figure></aside>
</body></html>
"""


def test_html_figure_captions_become_caption_segments_with_their_credits(tmp_path):
    path = tmp_path / "radars.html"
    path.write_text(PAGE_WITH_PHOTOS, encoding="utf-8")
    doc = read_document(path)
    captions = [s for s in doc.segments if s.section is SectionKind.CAPTION]
    assert [s.text for s in captions] == [
        "A French-made radar at a trade fair in Paris.",
        "The Russian base in Gyumri.",
    ]
    assert all(s.source_id == doc.source.id for s in captions)
    assert doc.metadata["credits"] == ["Ivan Petrov", "AFP", "Reuters"]
    for unwanted in ("Menu photo", "sidebar"):
        assert unwanted not in doc.text


def test_html_caption_claims_cite_the_caption_and_credits_are_actors(tmp_path, nlp):
    from graph.extract import extract_document

    path = tmp_path / "radars.html"
    path.write_text(PAGE_WITH_PHOTOS, encoding="utf-8")
    doc = read_document(path)
    extraction = extract_document(doc, nlp)
    [claim] = [c for c in extraction.claims if c.section is SectionKind.CAPTION
               and c.text.startswith("A French-made")]
    assert doc.text[claim.start:claim.end] == claim.text
    assert {"AFP", "Reuters", "Ivan Petrov"} <= {a.name for a in extraction.actors}
