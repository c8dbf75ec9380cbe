"""Tests for graph.quantities: the numbers a sentence states, as a graph user reads them."""

from __future__ import annotations

import re

import pytest

from graph.quantities import find_quantities, load_vocabulary, parse_number


def quantities(nlp, text: str) -> list:
    """Every quantity of every sentence of ``text``, checking offsets on the way."""
    doc = nlp(text)
    found = [q for sent in doc.sents for q in find_quantities(sent)]
    for q in found:
        assert doc.text[q.start : q.end] == q.text
    return found


def only(nlp, text: str):
    """The single quantity ``text`` states."""
    found = quantities(nlp, text)
    assert len(found) == 1, found
    return found[0]


def reading(q) -> tuple:
    """What a SPARQL user sees of a quantity: value or range, unit, qualifier."""
    value = q.value if q.value is not None else (q.min_value, q.max_value)
    return value, q.unit, q.qualifier


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Russia saw 1.3 million people leave.", 1_300_000, "people"),
        ("Approximately 1 million men fled Russia.", 1_000_000, "people"),
        ("Around 10 million Russians left the country.", 10_000_000, "people"),
        ("About 100,000 IT specialists have fled the country.", 100_000, "people"),
        ("Russia has launched more than 1,000 Iranian suicide drones.", 1_000, "drones"),
        ("Just a dozen advanced jets have been manufactured.", 12, "jets"),
        ("Two dozen workers were arrested.", 24, "people"),
        ("Nearly half a million refugees crossed the border.", 500_000, "people"),
        ("Three soldiers were wounded.", 3, "people"),
        ("Only one advanced tank can be produced at a time.", 1, "tanks"),
        ("Inflation reached 10% in March.", 10, "percent"),
        ("Inflation reached 10 percent in March.", 10, "percent"),
        ("Some 10 per cent of staff left.", 10, "percent"),
        ("The government approved a $5 billion budget.", 5_000_000_000, "USD"),
        ("The EU pledged €2bn in aid.", 2_000_000_000, "EUR"),
        ("Britain pledged £300m more.", 300_000_000, "GBP"),
        ("The army sent 2 million dollars.", 2_000_000, "USD"),
        ("The front line moved 5 km east.", 5, "km"),
        ("Troops advanced 12 kilometres.", 12, "km"),
        ("They left with twenty-five colleagues.", 25, "colleagues"),
        ("Two hundred and fifty engineers were hired.", 250, "people"),
    ],
)
def test_find_quantities_normalises_value_and_unit(nlp, text, value, unit):
    q = only(nlp, text)
    assert (q.value, q.unit) == (value, unit)
    assert q.min_value is None and q.max_value is None


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("An estimated 300,000 to 800,000 men have been lost.", 300_000, 800_000, "people"),
        ("Between 300,000 and 800,000 soldiers were killed.", 300_000, 800_000, "people"),
        ("The UN says 300,000-800,000 civilians were killed.", 300_000, 800_000, "people"),
        ("Between 1 and 2 million people fled.", 1_000_000, 2_000_000, "people"),
        ("The state spent $5-6 billion on drones.", 5_000_000_000, 6_000_000_000, "USD"),
        ("Ukraine says 30 to 40 percent of missiles were intercepted.", 30, 40, "percent"),
    ],
)
def test_find_quantities_reads_ranges_as_min_and_max(nlp, text, low, high, unit):
    q = only(nlp, text)
    assert (q.value, q.min_value, q.max_value, q.unit) == (None, low, high, unit)


def test_find_quantities_range_text_covers_both_ends_and_qualifier(nlp):
    q = only(nlp, "An estimated 300,000 to 800,000 men have been lost.")
    assert q.text == "An estimated 300,000 to 800,000 men"


def test_find_quantities_from_to_is_a_change_not_a_range(nlp):
    found = quantities(nlp, "Oil fell from $80 to $60 a barrel.")
    assert [reading(q) for q in found] == [(80, "USD", None), (60, "USD", None)]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Russia saw up to 1.3 million people leave.", "up to"),
        ("Russia launched more than 1,000 drones.", "more than"),
        ("Over 5,000 troops arrived.", "more than"),
        ("In excess of 1 million people left.", "more than"),
        ("Fewer than 200 civilians stayed.", "less than"),
        ("Under 50 engineers remained.", "less than"),
        ("Less than 10% of staff stayed.", "less than"),
        ("At least 40 residents were hurt.", "at least"),
        ("Failure rates are as high as 40%.", "as high as"),
        ("As many as 70 migrants drowned.", "as many as"),
        ("Approximately 1 million men fled.", "approximately"),
        ("About 100,000 IT specialists fled.", "approximately"),
        ("Around 10 million Russians left.", "approximately"),
        ("Roughly 12 personnel stayed.", "approximately"),
        ("Some 2,000 citizens signed.", "approximately"),
        ("Nearly half a million refugees crossed.", "almost"),
        ("Almost 300 tanks were lost.", "almost"),
        ("An estimated 300 tanks were lost.", "estimated"),
        ("Just a dozen advanced jets were built.", "only"),
        ("Only one advanced tank can be produced.", "only"),
        ("Russia lost 300 tanks.", None),
    ],
)
def test_find_quantities_normalises_qualifier(nlp, text, qualifier):
    assert only(nlp, text).qualifier == qualifier


def test_find_quantities_text_spans_qualifier_number_and_counted_noun(nlp):
    q = only(nlp, "Russia saw up to 1.3 million people leave the country in 2022.")
    assert q.text == "up to 1.3 million people"
    q = only(nlp, "Russia launched more than 1,000 Iranian suicide drones.")
    assert q.text == "more than 1,000 Iranian suicide drones"


def test_find_quantities_offsets_index_the_whole_document(nlp):
    doc = nlp("Russia fired missiles. Ukraine said it shot down 36 drones.")
    second = list(doc.sents)[1]
    (q,) = find_quantities(second)
    assert (q.start, q.end) == (49, 58)
    assert doc.text[q.start : q.end] == "36 drones"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("About 100,000 IT specialists have fled.", "IT specialists"),
        ("Russia has launched more than 1,000 Iranian suicide drones.", "Iranian suicide drones"),
        ("Approximately 1 million men fled Russia.", "men"),
        ("Some 10 million Russians with degrees left.", "Russians with degrees"),
        ("Russia relies on chips with failure rates as high as 40%.", "failure rates"),
        ("About 10% of Russia's workers in the field have fled.", "Russia's workers in the field"),
        ("The army lost 300 of its tanks.", "its tanks"),
    ],
)
def test_find_quantities_describes_what_is_counted(nlp, text, subject):
    assert only(nlp, text).subject == subject


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Only one advanced tank can be produced.", "tanks"),
        ("Three men and women were hired.", "people"),
        ("Four specialists left.", "people"),
        ("Forty soldiers and 12 troops died.", "people"),
        ("Ten Russians left.", "people"),
        ("One box was found.", "boxes"),
        ("One country objected.", "countries"),
        ("The army lost 300 of its tanks.", "tanks"),
    ],
)
def test_find_quantities_unit_is_plural_counted_noun_or_people(nlp, text, unit):
    assert {q.unit for q in quantities(nlp, text)} == {unit}


def test_find_quantities_editorial_brackets_keep_the_counted_noun(nlp):
    q = only(nlp, '"Continuing to terrorise Ukraine, the enemy used 36 Shahed [drones]," he wrote.')
    assert (q.value, q.unit, q.text) == (36, "drones", "36 Shahed [drones]")
    assert q.subject == "Shahed drones"


@pytest.mark.parametrize(
    "text",
    [
        "The invasion began in February 2022.",
        "The update was posted on Twitter on May 7.",
        "Ukraine May 25 said its forces shot down drones.",
        "Jets have been manufactured in the last 15 years.",
        "They were FBI technocrats 40 years ago.",
        "A similar phenomenon was observed in the early 1990s.",
        "The collapse is not expected within this decade.",
        "Nikita, a 31-year-old IT specialist, left.",
        "He is 31 years old.",
        "Russia was the world's second most powerful military.",
        "He finished 1st in the race.",
        "Chips were used in the 9M544 guided missiles for the Tornado-S system.",
        "The Su-35 and S-300 were shown.",
        "The speaker said so at [00:01:50].",
        "Call 555-123-4567 for details.",
        "See Resolution 2231 and page 12.",
        "The rule is in No. 7 of the treaty.",
        "One of the soldiers died.",
        "No one is selling chips.",
        "They help one another.",
        "He is the one who left.",
        "On the one hand, some insist Russia is great.",
        "Tens of thousands of IT workers left.",
        "Dozens of tanks and hundreds of drones were lost.",
        "Many jets, countless civilians and a few men.",
        'The pool is now in the "low single digit million number".',
        "5 Comment(s)",
        "Comment Policy * Denotes Required Field 1500 / 1500",
        "About 1 in 5 Russians supports the war.",
        "The 2014 annexation of Crimea was condemned.",
    ],
)
def test_find_quantities_ignores_what_is_no_amount(nlp, text):
    assert quantities(nlp, text) == []


def test_find_quantities_counts_digits_without_noun_as_count(nlp):
    q = only(nlp, "The death toll rose to 300 on Tuesday.")
    assert (q.value, q.unit, q.subject) == (300, "count", "death toll")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Pentagon requested $842 billion for fiscal 2024, up from $816.7 billion.",
            [(842e9, "USD", None), (816.7e9, "USD", None)],
        ),
        (
            "Germany pledged €1.1 billion and Britain £2.3bn in military aid.",
            [(1.1e9, "EUR", None), (2.3e9, "GBP", None)],
        ),
        (
            "The convoy stretched 40 miles north of Kyiv and the front is 1,000 km long.",
            [(40, "miles", None), (1000, "km", None)],
        ),
        (
            "The UN says 6,000-8,000 civilians were killed and 1.2m people displaced.",
            [((6000, 8000), "people", None), (1.2e6, "people", None)],
        ),
        (
            "Nearly half a million refugees reached Poland, about 8% of its population.",
            [(500_000, "people", "almost"), (8, "percent", "approximately")],
        ),
        (
            "Kyiv got $5 billion in 2023, and police killed 12 in 2022.",
            [(5e9, "USD", None), (12, "count", None)],
        ),
        (
            "Ukraine recaptured 7,000 square kilometres, officials said.",
            [(7000, "km2", None)],
        ),
        (
            "At least 40 residents and as many as 70 migrants were killed in the strike.",
            [(40, "people", "at least"), (70, "people", "as many as")],
        ),
    ],
)
def test_find_quantities_reads_news_genres(nlp, text, expected):
    got = [reading(q) for q in quantities(nlp, text)]
    assert got == [(pytest.approx(v) if isinstance(v, float) else v, u, q) for v, u, q in expected]


def seed_paragraphs(path) -> list[str]:
    """The seed file's paragraphs, wiki links reduced to their text, timestamps removed."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\[\[(?:[^\]|]*\|\s*)?([^\]]*)\]\]", lambda m: m.group(1).strip(), text)
    text = re.sub(r"\s*\[\d\d:\d\d:\d\d\]", "", text)
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def seed_readings(nlp, path) -> list[tuple]:
    return [reading(q) for p in seed_paragraphs(path) for q in quantities(nlp, p)]


def test_find_quantities_reads_every_figure_of_zeihan_note(nlp, corpus):
    got = seed_readings(nlp, corpus / "zeihan-postcollapse-russia-technology.md")
    assert got == [
        (1, "tanks", "only"),
        (12, "jets", "only"),
        (1_000_000, "people", "approximately"),
        ((300_000, 800_000), "people", "estimated"),
        (10_000_000, "people", "approximately"),
    ]


def test_find_quantities_reads_every_figure_of_caravanserai_article(nlp, corpus):
    # The whole file: the caption is printed twice and restated in the body, so
    # 100,000 and 10% come three times; reader comments and page chrome give nothing.
    got = seed_readings(nlp, corpus / "caravanserai-russian-it-exodus.txt")
    caption = [(100_000, "people", "approximately"), (10, "percent", None)]
    assert got == [
        *caption,
        *caption,
        (1_300_000, "people", "up to"),
        *caption,
        (40, "percent", "as high as"),
        (1000, "drones", "more than"),
        (36, "drones", None),
        (36, "drones", None),
        (100, "percent", None),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.3 million", 1_300_000),
        ("1 million", 1_000_000),
        ("10 million", 10_000_000),
        ("100,000", 100_000),
        ("1,000", 1000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("half a million", 500_000),
        ("three", 3),
        ("twenty-five", 25),
        ("two hundred and fifty thousand", 250_000),
        ("2bn", 2_000_000_000),
        ("2.5", 2.5),
    ],
)
def test_parse_number_normalises(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["dozens", "many", "million number low", "tens", "Su-35", ""])
def test_parse_number_rejects_vague_or_non_numbers(text):
    assert parse_number(text) is None


def test_load_vocabulary_keeps_people_nouns_as_data():
    vocab = load_vocabulary()
    assert {"men", "specialist", "soldier", "refugee", "personnel"} <= vocab.people
    assert vocab.qualifiers[("fewer", "than")] == "less than"
