"""Find the numbers a sentence states, normalised, with unit, qualifier and subject.

The extractor calls :func:`find_quantities` once per parsed sentence. Numbers are
found token by token ("1.3 million", "a dozen", "300,000-800,000", "€2bn"), then
the dependency parse and named entities decide what they count and whether they are
amounts at all: dates, durations, ages, ordinals, model and reference numbers and
pronoun "one" give nothing. Every vocabulary (number words, qualifiers, currencies,
units, people nouns) lives in ``data/quantities.yaml``.

Examples
--------
>>> parse_number("1.3 million"), parse_number("half a million"), parse_number("€2bn")
(1300000.0, 500000.0, 2000000000.0)
>>> from graph.nlp import load_nlp
>>> doc = load_nlp()("Russia saw up to 1.3 million people leave the country in 2022.")
>>> [(q.text, q.value, q.unit, q.qualifier) for q in find_quantities(next(doc.sents))]
[('up to 1.3 million people', 1300000.0, 'people', 'up to')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from graph.data import DATA, load_yaml
from graph.model import Quantity

DEFAULT_PATH = DATA / "quantities.yaml"

DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
GLUED = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)([a-z]+)$")
WORD = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")
HYPHENS = frozenset({"-", "–", "—"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "poss"})
NP_PREPS = frozenset({"of", "with", "in"})
DATED = frozenset({"DATE", "TIME"})
NOMINAL = frozenset({"NOUN", "PROPN"})
PHRASE_DEPS = frozenset({"prep", "pobj", "compound", "amod", "poss", "case", "nummod"})


class Phrases(dict[tuple[str, ...], str]):
    """Phrases (tuples of words) -> value, with the phrases each word starts and ends.

    ``by_first`` and ``by_last`` list a word's phrases longest first, phrases of one
    length in table order: trying them finds the phrase that trying every phrase,
    longest first, would find, without looking at the phrases that cannot match.

    >>> Phrases({("a",): "x", ("a", "b"): "y", ("c",): "z"}).by_first
    {'a': (('a', 'b'), ('a',)), 'c': (('c',),)}
    """

    def __init__(self, pairs: dict[tuple[str, ...], str]) -> None:
        super().__init__(pairs)
        if () in self:
            raise ValueError("an empty phrase in a quantity vocabulary")
        longest_first = sorted(self, key=len, reverse=True)
        self.by_first = _by_word(longest_first, 0)
        self.by_last = _by_word(longest_first, -1)


def _by_word(phrases: list[tuple[str, ...]], word: int) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[word], []).append(phrase)
    return {w: tuple(keys) for w, keys in index.items()}


def _phrases(items) -> Phrases:
    """Key a ``{phrase: value}`` mapping (or a list) by its tuple of words."""
    pairs = items.items() if isinstance(items, dict) else ((i, i) for i in items)
    return Phrases({tuple(str(k).split()): v for k, v in pairs})


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of ``data/quantities.yaml``, ready for matching."""

    units: dict[str, int]
    multipliers: dict[str, int]
    suffixes: dict[str, int]
    money_suffixes: dict[str, int]
    articles: frozenset[str]
    fractions: dict[str, float]
    qualifiers: Phrases
    prepositional_qualifiers: frozenset[str]
    range_joiners: frozenset[str]
    ratio_joiners: Phrases
    percent: Phrases
    currency_signs: dict[str, str]
    currency_words: dict[str, str]
    measures: Phrases
    people: frozenset[str]
    plurals: dict[str, str]
    time_nouns: frozenset[str]
    idioms: tuple[tuple[str, ...], ...]
    reference_markers: frozenset[str]
    bare_unit: str


@functools.cache
def load_vocabulary(path: Path = DEFAULT_PATH) -> Vocabulary:
    """Read the quantity vocabularies from ``path`` (loaded once per path).

    Parameters
    ----------
    path : Path
        A YAML file laid out like ``data/quantities.yaml``.

    Returns
    -------
    Vocabulary
        The vocabularies, lowercased and keyed by word tuples.

    Examples
    --------
    >>> vocab = load_vocabulary()
    >>> vocab.qualifiers[("in", "excess", "of")], vocab.currency_signs["€"]
    ('more than', 'EUR')
    """
    raw = load_yaml(Path(path), "quantity vocabulary")
    return Vocabulary(
        units=raw["units"],
        multipliers=raw["multipliers"],
        suffixes=raw["suffixes"],
        money_suffixes=raw["money_suffixes"],
        articles=frozenset(raw["articles"]),
        fractions=raw["fractions"],
        qualifiers=_phrases(raw["qualifiers"]),
        prepositional_qualifiers=frozenset(raw["prepositional_qualifiers"]),
        range_joiners=frozenset(raw["range_joiners"]),
        ratio_joiners=_phrases(raw["ratio_joiners"]),
        percent=_phrases({p: "percent" for p in raw["percent"]}),
        currency_signs={str(k): v for k, v in raw["currency_signs"].items()},
        currency_words=raw["currency_words"],
        measures=_phrases(raw["measures"]),
        people=frozenset(raw["people"]),
        plurals=raw["plurals"],
        time_nouns=frozenset(raw["time_nouns"]),
        idioms=tuple(tuple(i.split()) for i in raw["idioms"]),
        reference_markers=frozenset(raw["reference_markers"]),
        bare_unit=raw["bare_unit"],
    )


def _word_value(words: list[str], vocab: Vocabulary, money: bool = False) -> Decimal | None:
    """Return the value of a number written as ``words``, or None if it is none."""
    total, current, fraction, seen = Decimal(0), None, None, False
    for w in words:
        if w in HYPHENS or w == "and" or w in vocab.articles:
            continue
        if w in vocab.fractions:
            fraction = Decimal(str(vocab.fractions[w]))
            continue
        glued = GLUED.match(w)
        suffixes = {**vocab.suffixes, **(vocab.money_suffixes if money else {})}
        if glued and glued.group(2) in suffixes:
            total += Decimal(glued.group(1).replace(",", "")) * suffixes[glued.group(2)]
            seen = True
        elif DIGITS.match(w) or w in vocab.units:
            n = vocab.units[w] if w in vocab.units else Decimal(w.replace(",", ""))
            current, seen = (current or 0) + n, True
        elif w in vocab.multipliers:
            m, base, seen = vocab.multipliers[w], (1 if current is None else current), True
            if m < 1000:
                current = base * m
            else:
                total, current = total + base * m, None
        else:
            return None
    if not seen:
        return None
    value = total + (current or 0)
    return value * fraction if fraction is not None else value


def parse_number(text: str) -> float | None:
    """Return the value of a number written in digits and/or words, or None.

    Parameters
    ----------
    text : str
        A number alone, e.g. ``"100,000"``, ``"two dozen"``, ``"$5bn"`` is not one
        (the currency sign is not part of the number) but ``"5bn"`` is.

    Returns
    -------
    float or None
        The normalised value; None if ``text`` is not a number.

    Examples
    --------
    >>> parse_number("two hundred and fifty thousand"), parse_number("a dozen")
    (250000.0, 12.0)
    >>> parse_number("twenty-five"), parse_number("dozens") is None
    (25.0, True)
    """
    words = re.findall(r"\d[\d,.]*[a-z]*|[^\W\d_]+|[-–—]", text.lower())
    value = _word_value(words, load_vocabulary(), money=True)
    return None if value is None else float(value)


@dataclass(frozen=True)
class _Number:
    """A run of tokens ``first..last`` that reads as one number."""

    first: int
    last: int
    value: Decimal
    scale: int
    words: bool


def _glued(a: Token, b: Token) -> bool:
    """True when ``b`` follows ``a`` with no space between them."""
    return b.i == a.i + 1 and not a.whitespace_


def _number_start(low: list[str], vocab: Vocabulary) -> bool:
    """True when the words ``low`` begin a number ("5", "three", "a dozen", "half a")."""
    first, rest = low[0], [*low[1:3], "", ""]
    if DIGITS.match(first) or GLUED.match(first) or first in vocab.units:
        return True
    if first in vocab.articles:
        return rest[0] in vocab.multipliers
    if first in vocab.fractions:
        return rest[0] in vocab.multipliers or (
            rest[0] in vocab.articles and rest[1] in vocab.multipliers
        )
    return False


def _number_continues(low: list[str], n: int, vocab: Vocabulary) -> bool:
    """True when word ``n`` of ``low`` continues the number before it."""
    w, prev = low[n], low[n - 1]
    nxt = low[n + 1] if n + 1 < len(low) else ""
    units = vocab.units
    tens = prev in units and units[prev] >= 20
    return (
        w in vocab.multipliers
        or (w in units and tens and units[w] < 10)
        or (w in units and prev in vocab.multipliers and low[0] in units)
        or (w in units and prev in HYPHENS | {"and"})
        or (w in vocab.articles and prev in vocab.fractions)
        or (w in HYPHENS and tens and nxt in units)
        or (w == "and" and prev in vocab.multipliers and nxt in units)
    )


def _scale(word: str, vocab: Vocabulary) -> int:
    """The multiplier a number's last word applies ("million" -> 10**6), else 1."""
    glued = GLUED.match(word)
    if glued:
        return {**vocab.suffixes, **vocab.money_suffixes}.get(glued.group(2), 1)
    return vocab.multipliers.get(word, 1)


def _match(doc: Doc, i: int, stop: int, table: Phrases) -> tuple[str, int] | None:
    """Match the longest phrase of ``table`` starting at token ``i``; (value, length)."""
    if i >= stop:
        return None
    for key in table.by_first.get(doc[i].lower_, ()):
        end = i + len(key)
        if end <= stop and tuple(t.lower_ for t in doc[i:end]) == key:
            return table[key], len(key)
    return None


def _plural(noun: Token, vocab: Vocabulary) -> str:
    """The lowercase plural of a counted noun ("tank" -> "tanks", "man" -> "men")."""
    text = noun.lower_
    if noun.tag_ in {"NNS", "NNPS"} or text in vocab.plurals.values():
        return text
    lemma = noun.lemma_.lower()
    if lemma in vocab.plurals:
        return vocab.plurals[lemma]
    if re.search(r"(s|x|z|ch|sh)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def _phrase_end(tok: Token) -> int:
    """The last token of the phrase under ``tok``, leaving out clauses ("who left")."""
    ends = [_phrase_end(c) for c in tok.rights if c.dep_ in PHRASE_DEPS]
    return max([tok.i, *ends])


def _phrase(noun: Token, left: int | None, skip: set[int]) -> str:
    """Describe ``noun`` with its modifiers (from token ``left``) and of/with/in complement."""
    if left is None:
        mods = [c for c in noun.lefts if c.dep_ in MODIFIER_DEPS and c.i not in skip]
        left = min((c.left_edge.i for c in mods), default=noun.i)
        while left in skip and left < noun.i:
            left += 1
    right = noun.i
    for child in noun.rights:
        complement = child.dep_ == "prep" and child.lower_ in NP_PREPS and child.i == right + 1
        if complement and not {t.i for t in child.subtree} & skip:
            right = max(right, _phrase_end(child))
    doc = noun.doc
    text = doc[left : right + 1].text
    return " ".join(text.replace("[", "").replace("]", "").split())


def _clause_subject(tok: Token, skip: set[int]) -> str | None:
    """The subject of the clause a number sits in ("Inflation" in "Inflation hit 10%")."""
    for _ in range(6):
        if tok.pos_ in {"VERB", "AUX"}:
            subjects = [
                c for c in tok.children
                if c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ in NOMINAL and c.i not in skip
            ]
            return _phrase(subjects[0], None, skip) if subjects else None
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def _ancestor_noun(tok: Token, skip: set[int]) -> Token | None:
    """The nearest noun above ``tok`` outside the quantity ("rates" for "as high as 40%")."""
    for _ in range(6):
        if tok.head.i == tok.i or tok.head.pos_ in {"VERB", "AUX"}:
            return None
        tok = tok.head
        if tok.pos_ in NOMINAL and tok.i not in skip:
            return tok
    return None


@dataclass
class _Reading:
    """A number being read into a quantity: its tokens, value or range, and unit."""

    num: _Number
    first: int
    last: int
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    subject: str | None = None
    high_last: int = 0

    @property
    def resume(self) -> int:
        """The token after the number or range, where reading goes on."""
        return max(self.num.last, self.high_last) + 1

    def scale(self, factor: int) -> None:
        """Multiply the value, or both ends of the range, by ``factor``."""
        self.value, self.low, self.high = (
            None if x is None else x * factor for x in (self.value, self.low, self.high)
        )

    def tokens(self) -> set[int]:
        """Indices of the tokens read so far."""
        return set(range(self.first, self.last + 1))


class _Reader:
    """Reads the quantities of one sentence, token by token."""

    def __init__(self, sent: Span, vocab: Vocabulary) -> None:
        self.doc, self.start, self.stop, self.vocab = sent.doc, sent.start, sent.end, vocab
        self.openers = frozenset({*vocab.units, *vocab.articles, *vocab.fractions})

    def number(self, i: int, money: bool) -> _Number | None:
        """Read the number starting at token ``i``, if one does."""
        if i >= self.stop:
            return None
        word = self.doc[i].lower_
        if not (word[:1].isdigit() or word in self.openers):
            return None
        low = [t.lower_ for t in self.doc[i : min(self.stop, i + 8)]]
        if not _number_start(low, self.vocab):
            return None
        n = 1
        while n < len(low) and not GLUED.match(low[0]) and _number_continues(low, n, self.vocab):
            n += 1
        value = _word_value(low[:n], self.vocab, money)
        if value is None:
            return None
        words = not any(DIGITS.match(w) or GLUED.match(w) for w in low[:n])
        return _Number(i, i + n - 1, value, _scale(low[n - 1], self.vocab), words)

    def noise_end(self, num: _Number, money: bool) -> int | None:
        """Where to resume if ``num`` is a counter, phone number or label; else None."""
        doc, stop, after = self.doc, self.stop, num.last + 1
        if after + 1 < stop and doc[after].text == "/" and DIGITS.match(doc[after + 1].text):
            return after + 2
        chain = after
        while chain + 1 < stop and doc[chain].text in HYPHENS and DIGITS.match(doc[chain + 1].text):
            chain += 2
        if chain - after > 2 and _glued(doc[num.last], doc[after]):
            return chain
        if money:
            return None
        ratio = _match(doc, after, stop, self.vocab.ratio_joiners)
        if ratio is not None:
            other = self.number(after + ratio[1], money)
            if other is not None and doc[other.first].ent_type_ not in DATED:
                return other.last + 1
        if num.first == self.start:
            return None
        prev = doc[num.first - 1]
        before = doc[num.first - 2].lower_ if num.first - 1 > self.start else ""
        if (
            prev.lower_ in self.vocab.reference_markers
            or prev.text in {"+", "#"}
            or (prev.text == "." and before in {"no", "nos", "p", "pp"})
            or (_glued(prev, doc[num.first]) and (prev.is_alpha or prev.text in HYPHENS | {"/"}))
        ):
            return after
        return None

    def extent(self, num: _Number, money: bool) -> _Reading | int:
        """Read ``num`` on into a range and a glued suffix; or where to resume if noise."""
        doc, stop = self.doc, self.stop
        reading = _Reading(num, num.first, num.last, num.value)
        j = num.last + 1
        before = doc[num.first - 1].lower_ if num.first > self.start else ""
        joiner = doc[j].lower_ if j < stop else ""
        between = joiner == "and" and before == "between"
        if between or (joiner in self.vocab.range_joiners and before != "from"):
            signed = j + 1 < stop and doc[j + 1].lower_ in self.vocab.currency_signs
            k = j + 2 if signed else j + 1
            upper = self.number(k, money)
            if upper is not None:
                low = num.value
                if num.scale == 1 and upper.scale > 1 and low <= upper.value / upper.scale:
                    low *= upper.scale
                if low < upper.value:
                    reading.value, reading.low, reading.high = None, low, upper.value
                    reading.last = reading.high_last = upper.last
                    reading.first -= between
                elif joiner in HYPHENS:
                    return upper.last + 1
        k = reading.last + 1
        if k < stop and _glued(doc[k - 1], doc[k]):
            suffix = doc[k].lower_
            # "£300m", and "1.2m people": "m" is million after a currency or before a noun.
            million = money or self.counted_noun(k + 1) is not None
            suffixes = {**self.vocab.suffixes, **(self.vocab.money_suffixes if million else {})}
            if suffix in suffixes:
                reading.scale(suffixes[suffix])
                reading.last, k = k, k + 1
        if k < stop and _glued(doc[k - 1], doc[k]):
            word = doc[k].is_alpha and doc[k].lower_ not in self.vocab.currency_words
            hyphen_word = doc[k].text in HYPHENS and k + 1 < stop and doc[k + 1].is_alpha
            if (word and not _match(doc, k, stop, self.vocab.measures)) or hyphen_word:
                return k
        return reading

    def counted_noun(self, k: int) -> Token | None:
        """The noun a number counts: the head of the noun phrase starting at ``k``."""
        doc, end = self.doc, min(self.stop, k + 8)
        for j in range(k, end):
            t = doc[j]
            if t.is_bracket or t.text in HYPHENS:
                continue
            if t.pos_ in NOMINAL:
                modifier = t.dep_ in MODIFIER_DEPS and t.i < t.head.i < end
                hyphened = j + 1 < end and _glued(t, doc[j + 1]) and doc[j + 1].text in HYPHENS
                if not (modifier or hyphened):
                    return t
            elif not (
                t.pos_ == "ADJ"
                or (t.pos_ == "VERB" and t.tag_ in {"VBN", "VBG"} and t.dep_ == "amod")
                or (t.pos_ == "ADV" and t.dep_ == "advmod" and t.head.i > t.i)
            ):
                return None
        return None

    def of_noun(self, k: int) -> Token | None:
        """The noun of an explicit ``of``-phrase at ``k`` ("300 of its tanks")."""
        if k >= self.stop or self.doc[k].lower_ != "of":
            return None
        objs = [c for c in self.doc[k].children if c.dep_ == "pobj" and c.pos_ in NOMINAL]
        return objs[0] if objs else None

    def in_idiom(self, i: int) -> bool:
        """True when the number word at ``i`` sits inside a fixed phrase ("no one")."""
        word = self.doc[i].lower_
        for idiom in self.vocab.idioms:
            for pos in (p for p, w in enumerate(idiom) if w == word):
                a, b = i - pos, i - pos + len(idiom)
                span = self.doc[max(a, self.start) : min(b, self.stop)]
                if tuple(t.lower_ for t in span) == idiom:
                    return True
        return False

    def percent(self, r: _Reading, k: int, length: int) -> None:
        """Set a percentage's unit and subject: what it is a share or rate of."""
        r.unit, r.last = "percent", k + length - 1
        skip = r.tokens()
        root = self.doc[r.first : r.last + 1].root
        anchor = self.of_noun(r.last + 1) or _ancestor_noun(root, skip)
        subject = _phrase(anchor, None, skip) if anchor is not None else None
        r.subject = subject or _clause_subject(root, skip)

    def count(self, r: _Reading, k: int) -> bool:
        """Set the unit and subject of a count; False if it is no quantity."""
        vocab, doc = self.vocab, self.doc
        noun = self.counted_noun(k)
        counted = noun or self.of_noun(k)
        if counted is not None:
            lemma = counted.lemma_.lower()
            if not WORD.match(counted.text):
                return False
            if counted.lower_ in vocab.time_nouns or lemma in vocab.time_nouns:
                return False
            if counted.pos_ == "PROPN" and counted.tag_ != "NNPS":
                counted = None
            elif counted.tag_ == "NN" and r.value != 1 and noun is not None and not (
                lemma in vocab.people or lemma in vocab.plurals
            ):
                return False  # "the 2014 annexation", "a 737 jet": no count of a singular
        if r.num.words and (counted is None or self.in_idiom(r.num.first)):
            return False
        if counted is None:
            return self.bare(r)
        people = counted.lower_ in vocab.people or lemma in vocab.people
        people = people or (counted.ent_type_ == "NORP" and counted.tag_ in {"NNS", "NNPS"})
        if counted.lower_ in vocab.currency_words:
            r.unit = vocab.currency_words[counted.lower_]
        else:
            r.unit = "people" if people else _plural(counted, vocab)
        r.subject = _phrase(counted, k if noun is not None else None, r.tokens())
        r.last = counted.i
        if r.last + 1 < self.stop and doc[r.last + 1].text == "]" and doc[r.last - 1].text == "[":
            r.last += 1
        return True

    def bare(self, r: _Reading) -> bool:
        """Accept digits that count no noun only when spaCy calls them a cardinal."""
        num, doc = r.num, self.doc
        ents = {doc[x].ent_type_ for x in r.tokens()}
        year = r.value is not None and len(doc[num.first].text) == 4 and 1800 <= r.value <= 2100
        root = doc[num.first : num.last + 1].root
        label = root.dep_ == "nummod" and root.head.i < num.first
        if ents & DATED or not ents & {"CARDINAL", "QUANTITY"} or year or label:
            return False
        anchor = _ancestor_noun(root, r.tokens())
        subject = _phrase(anchor, None, r.tokens()) if anchor is not None else None
        if subject is None and root.dep_ != "dobj":  # "the toll rose to 300", not "police killed 5"
            subject = _clause_subject(root, r.tokens())
        r.unit, r.subject = self.vocab.bare_unit, subject
        return True

    def unit(self, r: _Reading, currency: str | None) -> bool:
        """Read what follows the number: percent, currency, measure or counted noun."""
        doc, stop, vocab, k = self.doc, self.stop, self.vocab, r.last + 1
        if (m := _match(doc, k, stop, vocab.percent)) is not None:
            self.percent(r, k, m[1])
        elif k < stop and doc[k].lower_ in vocab.currency_words:
            r.unit, r.last = vocab.currency_words[doc[k].lower_], k
        elif (m := _match(doc, k, stop, vocab.measures)) is not None:
            r.unit, r.last = m[0], k + m[1] - 1
        elif currency is not None:
            noun = self.counted_noun(k)
            r.unit, r.subject = currency, _phrase(noun, k, r.tokens()) if noun else None
        else:
            return self.count(r, k)
        return True

    def qualifier(self, i: int, owners: set[int]) -> tuple[str, int] | None:
        """Find the qualifier ending just before token ``i``; (normalised, first token)."""
        vocab = self.vocab
        if i <= self.start:
            return None
        for key in vocab.qualifiers.by_last.get(self.doc[i - 1].lower_, ()):
            begin = i - len(key)
            if begin < self.start or tuple(t.lower_ for t in self.doc[begin:i]) != key:
                continue
            tok = self.doc[begin]
            ambiguous = len(key) == 1 and key[0] in vocab.prepositional_qualifiers
            if ambiguous and tok.dep_ == "prep" and tok.head.i not in owners:
                return None
            return vocab.qualifiers[key], begin
        return None

    def read(self, i: int) -> tuple[Quantity | None, int]:
        """Read the quantity whose number starts at token ``i``; (quantity, next token)."""
        doc = self.doc
        currency = self.vocab.currency_signs.get(doc[i - 1].lower_) if i > self.start else None
        num = self.number(i, currency is not None)
        if num is None:
            return None, i + 1
        resume = self.noise_end(num, currency is not None)
        if resume is not None:
            return None, resume
        r = self.extent(num, currency is not None)
        if isinstance(r, int):
            return None, r
        if not self.unit(r, currency):
            return None, num.last + 1
        if currency is not None:
            r.first = min(r.first, i - 1)
        qualifier = self.qualifier(r.first, r.tokens())
        if qualifier is not None:
            r.first = qualifier[1]
        start, end = doc[r.first].idx, doc[r.last].idx + len(doc[r.last])
        quantity = Quantity(
            text=doc[r.first : r.last + 1].text,
            start=start,
            end=end,
            unit=r.unit,
            value=None if r.value is None else float(r.value),
            min_value=None if r.low is None else float(r.low),
            max_value=None if r.high is None else float(r.high),
            qualifier=qualifier[0] if qualifier else None,
            subject=r.subject or None,
        )
        return quantity, r.resume


def find_quantities(sent: Span) -> list[Quantity]:
    """Return the numbers stated in one parsed sentence, in order.

    Parameters
    ----------
    sent : spacy.tokens.Span
        A sentence of a parsed ``Doc`` (tagger, parser and NER have run).

    Returns
    -------
    list of Quantity
        One per stated number or range; ``start``/``end`` are character offsets into
        ``sent.doc.text`` and ``text`` is the span from any qualifier to the unit or
        counted noun. Dates, durations, ages, ordinals, labels ("Su-35", "page 12"),
        pronoun "one" and vague amounts ("dozens") give nothing.

    Examples
    --------
    >>> from graph.nlp import load_nlp
    >>> doc = load_nlp()("An estimated 300,000 to 800,000 men have been lost since 2022.")
    >>> q, = find_quantities(next(doc.sents))
    >>> q.text, q.min_value, q.max_value, q.unit, q.qualifier, q.subject
    ('An estimated 300,000 to 800,000 men', 300000.0, 800000.0, 'people', 'estimated', 'men')
    """
    reader = _Reader(sent, load_vocabulary())
    found: list[Quantity] = []
    i = sent.start
    while i < sent.end:
        quantity, nxt = reader.read(i)
        if quantity is not None:
            found.append(quantity)
        i = max(nxt, i + 1)
    return sorted(found, key=lambda q: (q.start, q.end))
