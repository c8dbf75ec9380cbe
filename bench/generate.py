"""Write a synthetic corpus of realistic documents for benchmarks and scale tests.

Half the documents are timestamped markdown notes (front matter, headings, bullet
lists, wiki links, ``[hh:mm:ss]`` markers); half are plain-text news articles (a
header, byline, a duplicated photo caption with credit, quoted speakers, a
sub-heading and reader comments). Sentences are drawn from templates over many
actors, relationship verbs and figures, with a fixed seed, so the same N always
gives the same corpus.

    python -m bench.generate 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

COUNTRIES = [
    ("Russia", "Russian"), ("China", "Chinese"), ("Iran", "Iranian"), ("Ukraine", "Ukrainian"),
    ("Kazakhstan", "Kazakh"), ("Uzbekistan", "Uzbek"), ("Poland", "Polish"),
    ("Hungary", "Hungarian"), ("Japan", "Japanese"), ("India", "Indian"), ("Turkey", "Turkish"),
    ("Germany", "German"), ("France", "French"), ("the United States", "American"),
    ("the United Kingdom", "British"), ("North Korea", "North Korean"), ("Belarus", "Belarusian"),
    ("Georgia", "Georgian"), ("Armenia", "Armenian"), ("Azerbaijan", "Azerbaijani"),
    ("Kyrgyzstan", "Kyrgyz"), ("Tajikistan", "Tajik"), ("Finland", "Finnish"),
    ("Lithuania", "Lithuanian"), ("Estonia", "Estonian"), ("Latvia", "Latvian"),
    ("Israel", "Israeli"), ("Syria", "Syrian"), ("Brazil", "Brazilian"), ("Egypt", "Egyptian"),
]
PEOPLE = [
    "Anna Kovalenko", "Dmitri Orlov", "Li Wei", "Sara Haddad", "James Whitfield",
    "Aigerim Nurlanova", "Tomasz Nowak", "Keiko Tanaka", "Rahul Mehta", "Elif Demir",
    "Markus Weber", "Claire Dubois", "Olena Shevchenko", "Bakhyt Sarsenov", "Ilya Petrov",
]
ROLES = [
    "a senior analyst at the Centre for Eastern Studies", "the deputy foreign minister",
    "a professor of economics at the National University", "a retired colonel",
    "the head of the trade ministry", "a researcher at the Institute for Security Studies",
]
GOODS = ["drones", "microchips", "artillery shells", "oil", "grain", "missiles",
         "semiconductors", "machine tools", "gas turbines", "electronics"]
UNITS = ["people", "drones", "tonnes of grain", "missiles", "workers", "refugees"]

TEMPLATES = [
    "{A} has had to rely on {b} {goods} since the sanctions took effect.",
    "{A} is increasingly dependent on {b} {goods}.",
    "{A} and {C} are the only partners willing to sell {goods} to {B}.",
    "{A} exported {n} {goods_unit} to {B} last year, officials said.",
    "About {n} people fled {A} for {B} after the mobilisation was announced.",
    "Many {a} engineers have settled in {B}, according to local officials.",
    "{A} launched more than {n} drones at {B} over the winter.",
    "{B} said its forces shot down {small} {a}-made drones that {C} used to attack the east.",
    "{A} imposed new sanctions on {B} in March.",
    "{A} condemned {B}'s actions at the United Nations.",
    "{A} and {B} signed a cooperation agreement on energy and transport.",
    "{A} is not able to replace {b} {goods} in the near term.",
    "Trade between {A} and {B} will likely grow by {pct}% next year.",
    "An estimated {lo} to {hi} people have left {A} since the war began.",
    "Up to {m} million people could leave {A} within a decade, the report warned.",
    "Failure rates of {b} {goods} are as high as {pct}%, the ministry reported.",
    "Countries such as {A}, {B} and {C} prefer to work with Western technology.",
    "The war between {A} and {B} has exposed deficiencies in {a} industry.",
]


def _fill(rng: random.Random, template: str) -> str:
    (a_name, a_adj), (b_name, b_adj), (c_name, _c_adj) = rng.sample(COUNTRIES, 3)
    text = template.format(
        A=a_name, B=b_name, C=c_name, a=a_adj, b=b_adj, goods=rng.choice(GOODS),
        goods_unit=rng.choice(GOODS), n=f"{rng.randrange(2, 900) * 100:,}",
        small=rng.randrange(5, 60), pct=rng.randrange(2, 60),
        lo=f"{rng.randrange(1, 4) * 100_000:,}", hi=f"{rng.randrange(5, 9) * 100_000:,}",
        m=rng.choice(["1.3", "2", "0.5", "3.2"]),
    )
    return text[0].upper() + text[1:]


def _sentences(rng: random.Random, k: int) -> list[str]:
    return [_fill(rng, rng.choice(TEMPLATES)) for _ in range(k)]


def _timestamp(seconds: int) -> str:
    return f"[{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}]"


def markdown_note(rng: random.Random, i: int) -> str:
    """A timestamped transcript note with front matter, headings, bullets and links."""
    t = rng.randrange(5, 60)
    lines = [
        "---",
        f"title: Briefing {i} on {rng.choice(COUNTRIES)[0]} and its neighbours",
        f"videoId: vid{i:07d}",
        "---",
        "",
        "From: [[geopoliticsdaily]] <br/> ",
        "",
    ]
    for section in range(rng.randrange(2, 4)):
        lines.append(f"## Section {section + 1}")
        lines.append("")
        body = []
        for s in _sentences(rng, 2):
            t += rng.randrange(5, 40)
            body.append(f"{s[:-1]} {_timestamp(t)}.")
        lines.append(" ".join(body))
        lines.append("")
        lines.append("*   **Key points**")
        for s in _sentences(rng, rng.randrange(3, 6)):
            t += rng.randrange(5, 40)
            if rng.random() < 0.3:
                s = s.replace("the war", "the [[war_overview | war]]", 1)
            lines.append(f"    *   {s[:-1]} {_timestamp(t)}.")
        lines.append("")
    return "\n".join(lines)


def news_article(rng: random.Random, i: int) -> str:
    """A plain-text news article with byline, captions, quotes, sub-heading and comments."""
    speaker, other = rng.sample(PEOPLE, 2)
    caption = (
        f"{_fill(rng, rng.choice(TEMPLATES))[:-1]}, pictured here on May {rng.randrange(1, 28)}. "
        f"[{rng.choice(PEOPLE)}/Reuters]"
    )
    body = _sentences(rng, rng.randrange(6, 12))
    quote = _fill(rng, rng.choice(TEMPLATES))[:-1] + ","
    parts = [
        "Eurasia Monitor",
        "Security",
        "",
        f"Report {i}: {_fill(rng, rng.choice(TEMPLATES))[:-1]}",
        "",
        f"By {rng.choice(PEOPLE)}",
        "",
        caption,
        "",
        caption,
        "",
        "ALMATY -- " + " ".join(body[:2]),
        "",
        f'"{quote}" said {speaker}, {rng.choice(ROLES)}.',
        "",
        f'"{_fill(rng, rng.choice(TEMPLATES))[:-1]}," he said.',
        "",
        "Supply lines under strain",
        "",
        " ".join(body[2:5]),
        "",
        f"{_fill(rng, rng.choice(TEMPLATES))[:-1]}, {other} wrote in a report.",
        "",
        " ".join(body[5:]),
        "",
        "Do you like this article?",
        "",
        "2 Comment(s)",
        "",
        "Comment Policy * Denotes Required Field 1500 / 1500",
        "",
        _fill(rng, rng.choice(TEMPLATES)),
        "",
        "Reply",
        "",
        "Nobody believes this anymore.",
        "",
        "Reply",
    ]
    return "\n".join(parts) + "\n"


def generate(n: int, out: Path, seed: int = 7) -> list[Path]:
    """Write ``n`` documents into ``out`` (alternating notes and articles); return their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        if i % 2 == 0:
            path, text = out / f"note-{i:05d}.md", markdown_note(rng, i)
        else:
            path, text = out / f"article-{i:05d}.txt", news_article(rng, i)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """Command line: ``python -m bench.generate N OUT``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.n, args.out, args.seed)
    print(f"wrote {len(paths)} documents to {args.out}")


if __name__ == "__main__":
    main()
