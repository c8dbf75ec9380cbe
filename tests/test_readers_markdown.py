"""Markdown transcript notes: front matter, wiki links, timestamps, lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import ReadError
from graph.ingest import read_document
from graph.model import SectionKind

READERS = Path(__file__).resolve().parent / "fixtures" / "readers"


@pytest.fixture(scope="module")
def zeihan(corpus):
    return read_document(corpus / "zeihan-postcollapse-russia-technology.md")


@pytest.fixture(scope="module")
def note():
    return read_document(READERS / "note-full.md")


def texts(doc, section):
    return [s.text for s in doc.segments if s.section is section]


def test_markdown_seed_source_has_title_video_url_and_channel(zeihan):
    source = zeihan.source
    assert source.id == "source/zeihan-postcollapse-russia-technology"
    assert source.title == "Technology and Military Assets in PostCollapse Russia"
    assert source.url == "https://www.youtube.com/watch?v=FQEa7t-Jjgo"
    assert source.channel == "zeihanongeopolitics"
    assert zeihan.metadata["video_id"] == "FQEa7t-Jjgo"


def test_markdown_seed_title_is_first_segment_and_points_into_front_matter(zeihan):
    title = zeihan.segments[0]
    assert title.section is SectionKind.TITLE
    assert title.text == "Technology and Military Assets in PostCollapse Russia"
    start = title.offsets.to_source(0)
    assert zeihan.text[start : start + len(title.text)] == title.text


def test_markdown_seed_timestamp_has_seconds_and_offset(zeihan):
    offset = zeihan.text.index("[00:01:46]")
    stamp = next(t for t in zeihan.timestamps if t.start == offset)
    assert stamp.seconds == 106
    assert stamp.end == offset + len("[00:01:46]")
    assert len(zeihan.timestamps) == zeihan.text.count("[00:")


def test_markdown_seed_wiki_link_keeps_target_and_display_text(zeihan):
    link = zeihan.links[0]
    assert link.target == "impact_of_equipment_and_manpower_shortages_on_russian_military"
    assert link.text == "Ukraine war"
    assert zeihan.text[link.start : link.end] == (
        "[[impact_of_equipment_and_manpower_shortages_on_russian_military | Ukraine war]]"
    )


def test_markdown_seed_clean_text_drops_markup(zeihan):
    for segment in zeihan.segments:
        for markup in ("[[", "]]", "[00:", "**", "<br", "*   "):
            assert markup not in segment.text
    assert "However, the Ukraine war has exposed critical deficiencies" in " ".join(
        texts(zeihan, SectionKind.BODY)
    )
    assert 'is "woefully lacking".' in " ".join(texts(zeihan, SectionKind.BODY))


def test_markdown_seed_from_line_is_metadata_not_a_segment(zeihan):
    assert not any("zeihanongeopolitics" in s.text or "From:" in s.text for s in zeihan.segments)


def test_markdown_seed_headings_and_bold_labels_are_heading_segments(zeihan):
    assert texts(zeihan, SectionKind.HEADING) == [
        "State of Military Technology",
        "Production Limitations",
        "Transferability of Technology",
        "Technical and Intelligence Personnel Exodus",
        "Skilled Labor",
        "Intelligence Services",
    ]
    tank = next(s for s in zeihan.segments if s.text.startswith("Only one advanced tank"))
    assert tank.section is SectionKind.BODY
    assert tank.heading == "State of Military Technology"


def test_markdown_list_items_at_any_depth_are_body_segments_without_markers(note):
    body = texts(note, SectionKind.BODY)
    assert "Chips come from Taiwan and South Korea." in body
    assert "Deeply nested: Estonia supplies software for the flight_controller module." in body
    assert "Even deeper: Latvia tests the airframes." in body
    assert "Poland wants to buy 2,000 drones." in body
    assert "Sweden is still deciding." in body
    assert "Estonia's minister said exports will double." in body


def test_markdown_code_fence_is_skipped(note):
    assert not any("Russia invades nobody" in s.text for s in note.segments)
    assert "fake_link" not in [link.target for link in note.links]
    assert len(note.timestamps) == 9


def test_markdown_short_timestamp_and_bare_wiki_link(note):
    assert note.timestamps[0].seconds == 65
    assert note.text[note.timestamps[0].start : note.timestamps[0].end] == "[01:05]"
    bare = next(link for link in note.links if link.target == "kaunas_plant")
    assert bare.text == "kaunas_plant"
    assert "already hiring kaunas_plant engineers." in texts(note, SectionKind.BODY)[0]


def test_markdown_emphasis_and_br_are_removed(note):
    body = texts(note, SectionKind.BODY)
    assert body[0].startswith("Lithuania is expected to lead drone production in the region.")
    assert "The Kaunas plant" in body[0]
    assert "Finland offers test ranges in Lapland." in body


def test_markdown_front_matter_becomes_plain_metadata(note):
    assert note.metadata["date"] == "2024-03-12"
    assert note.metadata["front_matter"]["tags"] == ["baltics", "drones"]
    assert note.source.author == "Jane Roe, John Doe"
    assert note.source.channel == "Baltic Defence Channel"
    json.dumps(note.metadata)


def test_markdown_table_rows_are_kept_as_text(note):
    assert "| Lithuania | 5,000 |" in texts(note, SectionKind.BODY)


def test_markdown_heading_sets_heading_of_following_segments(note):
    chips = next(s for s in note.segments if s.text.startswith("Chips come"))
    assert chips.heading == "Supply Chains"


def test_markdown_title_falls_back_to_first_heading(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Sanctions on Iran\n\nThe EU extended sanctions on Iran.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.source.title == "Sanctions on Iran"
    assert [s.section for s in doc.segments] == [SectionKind.TITLE, SectionKind.BODY]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("alias-bomb.md", "front matter uses YAML anchors or aliases (refused)"),
        ("list-front-matter.md", "front matter is not a mapping (found list)"),
    ],
)
def test_markdown_refuses_unsafe_or_malformed_front_matter(name, reason):
    with pytest.raises(ReadError) as caught:
        read_document(READERS / name)
    assert caught.value.reason == reason


def test_markdown_refuses_python_object_tag():
    with pytest.raises(ReadError, match=r"broken front matter .*python/object"):
        read_document(READERS / "python-tag.md")


def test_markdown_refuses_broken_yaml():
    with pytest.raises(ReadError, match="broken front matter"):
        read_document(READERS / "broken-yaml.md")


def test_markdown_refuses_front_matter_over_64kb(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text("---\n" + "note: " + "x" * 70_000 + "\n---\n\nBody.\n", encoding="utf-8")
    with pytest.raises(ReadError, match="front matter too large"):
        read_document(path)


TRANSCRIPT = """---
title: Interview with a former commander
---

[00:00:10] **Host:** Is Russia preparing to attack the Baltic states?

[00:00:25] **James Morton:** Russia is rebuilding its forces. Moscow could threaten Estonia.

**Morton**: China supplies Russia with machine tools [00:01:40].

**Note:** the audio drops here.
"""


def test_markdown_transcript_speaker_labels_and_opening_times(tmp_path):
    path = tmp_path / "interview.md"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    doc = read_document(path)
    body = [s for s in doc.segments if s.section is SectionKind.BODY]
    assert [(s.speaker, s.time, s.text) for s in body] == [
        (None, 10, "Is Russia preparing to attack the Baltic states?"),  # a role, not a name
        ("James Morton", 25, "Russia is rebuilding its forces. Moscow could threaten Estonia."),
        ("Morton", None, "China supplies Russia with machine tools."),
        (None, None, "Note: the audio drops here."),  # a label that names no one stays
    ]
    assert [t.seconds for t in doc.timestamps] == [10, 25, 100]
    for segment in body[:3]:  # the label is out of the text, and offsets still cite it
        start = segment.offsets.to_source(0)
        assert doc.text[start:start + 12] == segment.text[:12]
