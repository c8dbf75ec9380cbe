"""Plain-text news articles: header, captions, sub-headings, boilerplate, comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.ingest import read_document
from graph.model import SectionKind, Trust

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"


@pytest.fixture(scope="module")
def caravanserai(corpus):
    return read_document(corpus / "caravanserai-russian-it-exodus.txt")


@pytest.fixture(scope="module")
def article():
    return read_document(READERS / "article-full.txt")


def texts(doc, section):
    return [s.text for s in doc.segments if s.section is section]


def test_article_seed_header_fields(caravanserai):
    source = caravanserai.source
    assert source.publisher == "Caravanserai"
    assert source.topic == "Technology"
    assert source.title == (
        "With Russian IT specialists settling in Central Asia, Moscow's military is left reeling"
    )
    assert source.author == "Olha Chepil"
    assert texts(caravanserai, SectionKind.TITLE) == [source.title]
    assert texts(caravanserai, SectionKind.BYLINE) == ["By Olha Chepil"]


def test_article_seed_has_one_caption_segment_per_distinct_caption(caravanserai):
    captions = texts(caravanserai, SectionKind.CAPTION)
    assert len(captions) == 2
    assert captions[0].startswith("Russian Security Council Deputy Chairman Dmitry Medvedev")
    assert captions[0].endswith("on October 14.")
    assert captions[1].endswith("on July 5, 2022.")


def test_article_seed_credits_are_sorted_names_without_publisher(caravanserai):
    assert caravanserai.metadata["credits"] == [
        "AFP",
        "Kanat Altynbayev",
        "Sputnik",
        "Yekaterina Shtukina",
    ]


def test_article_seed_dateline_stays_in_text_but_not_in_clean_text(caravanserai):
    assert caravanserai.metadata["dateline"] == "KYIV"
    first_body = texts(caravanserai, SectionKind.BODY)[0]
    assert first_body.startswith("The departure of tens of thousands")
    assert "KYIV -- The departure" in caravanserai.text


def test_article_seed_subheadings_set_heading(caravanserai):
    assert texts(caravanserai, SectionKind.HEADING) == [
        "A crippled defence sector",
        "Dependence on China, Iran",
    ]
    imports = next(s for s in caravanserai.segments if s.text.startswith("Russia's military"))
    assert imports.heading == "A crippled defence sector"


def test_article_seed_comments_are_a_separate_lower_trust_source(caravanserai):
    article_source, comments_source = caravanserai.sources
    assert comments_source.id == article_source.id + "/comments"
    assert comments_source.trust is Trust.READER_COMMENTS
    assert comments_source.parent_id == article_source.id
    assert comments_source.title == "Reader comments on " + article_source.title
    comments = [s for s in caravanserai.segments if s.source_id == comments_source.id]
    assert len(comments) == 5
    assert all(s.section is SectionKind.COMMENT for s in comments)
    assert comments[0].text == "Traitors!!"
    assert not any(
        s.section is SectionKind.COMMENT
        for s in caravanserai.segments
        if s.source_id == article_source.id
    )


def test_article_seed_boilerplate_gives_no_segment(caravanserai):
    for segment in caravanserai.segments:
        for boilerplate in ("Do you like this article?", "Comment Policy", "Reply", "5 Comment"):
            assert boilerplate not in segment.text


def test_article_bracketed_insert_in_quote_is_not_a_caption(caravanserai):
    last_body = texts(caravanserai, SectionKind.BODY)[-1]
    assert last_body.startswith(
        '"Continuing to terrorise Ukraine, the enemy used 36 Shahed [drones]'
    )


def test_article_fixture_header_with_date_line(article):
    assert article.source.publisher == "The Northern Monitor"
    assert article.source.topic == "Defence"
    assert article.source.author == "Anna Lindqvist and Piotr Nowak"
    assert article.metadata["date"] == "March 12, 2024"
    assert not any(s.text == "March 12, 2024" for s in article.segments)


def test_article_fixture_drops_duplicate_caption_and_keeps_single_credit(article):
    captions = texts(article, SectionKind.CAPTION)
    assert len(captions) == 2
    assert captions[1] == (
        "A Patriot launcher at a military base in Sochaczew, Poland, in February 2023."
    )
    assert article.metadata["credits"] == ["AFP", "Petras Malukas", "Reuters"]


def test_article_fixture_boilerplate_lines_give_no_segments(article):
    joined = "\n".join(s.text for s in article.segments)
    for boilerplate in (
        "Share this article",
        "Subscribe to our newsletter",
        "Related articles",
        "Do you like this article?",
        "Comments (3)",
        "1500 / 1500",
    ):
        assert boilerplate not in joined


def test_article_fixture_hard_wrapped_paragraph_is_one_segment(article):
    assert (
        "The network will cost about 2 billion euros, officials said, with the European Union "
        "expected to cover part of the bill."
    ) in texts(article, SectionKind.BODY)


def test_article_fixture_comments_split_on_reply_lines(article):
    comments = texts(article, SectionKind.COMMENT)
    assert comments == [
        "About time the Baltics took this seriously.",
        "Another waste of money. Nobody will ever attack Poland.",
        "Russia will see this as a provocation.",
    ]
    assert article.metadata["comments_declared"] == 3


def test_article_fixture_subheading_and_quote(article):
    assert texts(article, SectionKind.HEADING) == ["Money from Brussels"]
    quote = next(s for s in article.segments if s.text.startswith('"This is'))
    assert quote.section is SectionKind.BODY


def test_article_without_byline_uses_first_line_as_title():
    doc = read_document(READERS / "no-byline.txt")
    assert doc.source.title == "Moscow expands drone output as sanctions bite"
    assert doc.source.author is None
    assert len(doc.sources) == 1
    assert [s.section for s in doc.segments] == [
        SectionKind.TITLE,
        SectionKind.BODY,
        SectionKind.BODY,
    ]
