"""Find who says each sentence: the speaker a claim is attributed to.

A sentence names its own speaker through a speech verb outside quotation marks ("X
said", "said X", "as X reported", "X acknowledged"; verbs in ``data/speech.yaml``) or
"according to X". The speaker is the verb's subject when it is an actor, a person
pronoun ("he said": the last named person who spoke or, more recently, was the
subject of a sentence outside quotation marks), or a phrase naming a state
institution ("the Ukrainian air force said"). Within one paragraph, quoted sentences
with no attribution of their own take the paragraph's speaker; a paragraph that is
only a quotation with no attribution continues the previous paragraph's speaker.

Examples
--------
>>> quoted_ranges('"Yes," he said. "No."', ('"',))
[(0, 6), (16, 21)]
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from graph.data import DATA, load_yaml
from graph.mentions import ActorBook, ActorVocab, institution_actor, load_actor_vocab
from graph.model import ActorKind

SPEECH_PATH = DATA / "speech.yaml"


@dataclass(frozen=True)
class SpeechVocab:
    """Speech verbs, "according to" phrases and quotation marks."""

    verbs: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]
    quotes: tuple[str, ...]

    @functools.cached_property
    def according_first(self) -> frozenset[str] | None:
        """The words an "according to" phrase starts with (``None``: a phrase is empty,
        so any token may start one)."""
        if not all(self.according_to):
            return None
        return frozenset(p[0] for p in self.according_to)


@functools.cache
def load_speech_vocab(path: Path = SPEECH_PATH) -> SpeechVocab:
    """Load ``data/speech.yaml``.

    >>> "say" in load_speech_vocab().verbs
    True
    """
    raw = load_yaml(path, "speech vocabulary")
    return SpeechVocab(
        verbs=frozenset(raw["verbs"]),
        according_to=tuple(tuple(p) for p in raw["according_to"]),
        quotes=tuple(raw["quotes"]),
    )


@dataclass(frozen=True)
class Attribution:
    """The speaker of one sentence and how it was found.

    ``mention`` is the token range ``(start, end)`` of a phrase that named a new
    actor (an institution) while finding the speaker, else ``None``. ``person`` is
    the person "he" or "she" stands for in this sentence (see
    :meth:`SpeakerFinder.paragraph`), if any is known.
    """

    speaker_id: str | None
    how: str
    mention: tuple[int, int] | None = None
    person: str | None = None


NO_SPEAKER = Attribution(None, "no speaker")


def quoted_ranges(text: str, quotes: Sequence[str]) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` character ranges of ``text`` inside quotation marks.

    Straight quotes pair up in order; an unclosed quotation runs to the end.
    """
    ranges = []
    start = None
    for i, ch in enumerate(text):
        if ch not in quotes:
            continue
        if start is None:
            start = i
        else:
            ranges.append((start, i + 1))
            start = None
    if start is not None:
        ranges.append((start, len(text)))
    return ranges


def _inside(ranges: Sequence[tuple[int, int]], offset: int) -> bool:
    return any(s <= offset < e for s, e in ranges)


def _quoted(sent: Span, ranges: Sequence[tuple[int, int]]) -> bool:
    words = [t for t in sent if t.is_alpha]
    if not words:
        return False
    return sum(_inside(ranges, t.idx) for t in words) * 2 > len(words)


class SpeakerFinder:
    """Attribute the sentences of a document's paragraphs, in reading order.

    Parameters
    ----------
    book
        The document's actors; institution speakers are added to it.
    speech, vocab
        Vocabularies (default: ``data/speech.yaml`` and ``data/actors.yaml``).
    """

    def __init__(self, book: ActorBook, speech: SpeechVocab | None = None,
                 vocab: ActorVocab | None = None) -> None:
        self.book = book
        self.speech = speech or load_speech_vocab()
        self.vocab = vocab or load_actor_vocab()
        self.last_person: str | None = None
        self.previous: str | None = None

    def paragraph(self, doc: Doc, token_actors: Mapping[int, str]) -> list[Attribution]:
        """Return one :class:`Attribution` per sentence of ``doc`` (one paragraph).

        Paragraphs are given in document order. "He" and "she" stand for the last
        person who spoke or, more recently, was the subject of a sentence outside
        quotation marks ("Nauseda rejected the accusation. 'We ...,' he said").
        """
        ranges = quoted_ranges(doc.text, self.speech.quotes)
        sents = list(doc.sents)
        own: list[Attribution] = []
        persons: list[str | None] = []
        for sent in sents:
            attribution = self.sentence(sent, token_actors, ranges)
            spoke = attribution.speaker_id is not None and (
                self.book.kind(attribution.speaker_id) == ActorKind.PERSON)
            subject = None if spoke else self._subject_person(sent, token_actors, ranges)
            if subject:
                self.last_person = subject
            own.append(attribution)
            persons.append(self.last_person)
        quoted = [_quoted(s, ranges) for s in sents]
        named = [a for a in own if a.speaker_id]
        para_speaker = named[0].speaker_id if named else None
        out = []
        for attribution, is_quote, person in zip(own, quoted, persons, strict=True):
            if attribution.speaker_id:
                pass
            elif is_quote and para_speaker:
                attribution = Attribution(para_speaker, "quotation in the speaker's paragraph")
            elif is_quote and all(quoted) and self.previous:
                attribution = Attribution(self.previous,
                                          "quotation continuing previous paragraph")
            else:
                attribution = NO_SPEAKER
            out.append(dataclasses.replace(attribution, person=person))
        if para_speaker:
            self.previous = para_speaker
        elif not (all(quoted) and self.previous):
            self.previous = None
        return out

    def sentence(self, sent: Span, token_actors: Mapping[int, str],
                 ranges: Sequence[tuple[int, int]] = ()) -> Attribution:
        """Return the speaker a sentence names itself, or :data:`NO_SPEAKER`."""
        for t in sent:
            if _inside(ranges, t.idx):
                continue
            if self._speech_verb(t) and not any(c.dep_ == "neg" for c in t.children) and (
                    not self._inside_what_is_said(t)):
                # Not "has not commented"; not a speech verb inside what is said
                # ("a spokesman warned that Moscow would respond").
                found = self._subject_speaker(t, token_actors) or self._preceding_speaker(
                    t, token_actors
                )
                if found:
                    return found
            found = self._according_to(t, token_actors)
            if found:
                return found
        return NO_SPEAKER

    def _subject_person(self, sent: Span, token_actors: Mapping[int, str],
                        ranges: Sequence[tuple[int, int]]) -> str | None:
        """The last named person who is a subject in ``sent``, outside quotation marks."""
        found = None
        for t in sent:
            aid = token_actors.get(t.i)
            if (aid and t.dep_ in ("nsubj", "nsubjpass") and not _inside(ranges, t.idx)
                    and self.book.kind(aid) == ActorKind.PERSON):
                found = aid
        return found

    def _according_to(self, t: Token, token_actors: Mapping[int, str]) -> Attribution | None:
        first = self.speech.according_first  # most tokens start no such phrase
        if first is not None and t.lower_ not in first:
            return None
        doc = t.doc
        for phrase in self.speech.according_to:
            end = t.i + len(phrase)
            if end > len(doc) or tuple(w.lower_ for w in doc[t.i:end]) != phrase:
                continue
            for w in doc[end - 1].subtree:
                if w.i >= end and w.dep_ == "pobj":
                    found = self._actor(w, token_actors)
                    if found:
                        if self.book.kind(found[0]) == ActorKind.PERSON:
                            self.last_person = found[0]  # "..., according to X. She said"
                        return Attribution(found[0], "according to " + doc[end:w.i + 1].text,
                                           found[1])
        return None

    def _inside_what_is_said(self, t: Token) -> bool:
        """Whether ``t`` sits in the complement clause of a speech verb above it.

        "warned that Moscow would respond": yes; the parenthetical "said" of
        "Russia, Lavrov said, will respond" hangs off "respond" but is no part of it.
        """
        clause = False
        while t.head.i != t.i:  # spaCy makes a new Token on each access: no "is"
            clause = clause or t.dep_ in ("ccomp", "xcomp")
            t = t.head
            if clause and self._speech_verb(t):
                return True
        return False

    def _speech_verb(self, t: Token) -> bool:
        return t.pos_ in ("VERB", "AUX") and (
            t.lemma_.lower() in self.speech.verbs or t.lower_ in self.speech.verbs)

    def _subject_speaker(self, verb: Token, token_actors: Mapping[int, str]
                         ) -> Attribution | None:
        # "X accused Lithuania ... and warned that ...": a conjoined verb without a
        # subject of its own shares the first verb's.
        holder = verb
        while (holder.dep_ == "conj" and holder.head.i != holder.i
               and not any(c.dep_ in ("nsubj", "nsubjpass") for c in holder.children)):
            holder = holder.head
        for child in holder.children:
            # "X said"; a passive subject speaks only in "as X reported" parses.
            passive_ok = child.dep_ == "nsubjpass" and verb.lemma_ == "report"
            if child.dep_ != "nsubj" and not passive_ok:
                continue
            low = child.lower_
            if low in self.vocab.person_pronouns:
                if self.last_person:
                    return Attribution(self.last_person, f"'{child.text} {verb.text}': "
                                       "the last person named as speaker or subject")
                return None
            found = self._actor(child, token_actors)
            how = f"subject of speech verb '{verb.text}'"
            if not found and child.lower_ in self.vocab.role_nouns:
                # "A spokesperson for the Kremlin, Dmitry Peskov, said": the person is
                # named in apposition inside the subject (the parser may hang it lower).
                named = [a for a in child.subtree if a.dep_ == "appos" and a.i in token_actors
                         and self.book.kind(token_actors[a.i]) == ActorKind.PERSON]
                found = self._actor(named[0], token_actors) if named else None
                how = f"named in apposition to the subject of '{verb.text}'"
            if found:
                aid, mention = found
                if self.book.kind(aid) == ActorKind.PERSON:
                    self.last_person = aid
                return Attribution(aid, how, mention)
        return None

    def _preceding_speaker(self, verb: Token, token_actors: Mapping[int, str]
                           ) -> Attribution | None:
        """A speech verb the parser left without subject: "..., X, the minister, said".

        The speaker is the actor right before the verb, with only its apposition and
        punctuation in between.
        """
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            return None
        doc = verb.doc
        i = verb.i - 1
        while i >= 0 and doc[i].is_punct:
            i -= 1
        for j in range(i, -1, -1):
            aid = token_actors.get(j)
            if aid is None:
                continue
            head = doc[j]
            between = doc[j + 1:verb.i]
            inside = {t.i for t in head.subtree}
            if all(t.i in inside or t.is_punct or token_actors.get(t.i) == aid
                   for t in between):
                if self.book.kind(aid) == ActorKind.PERSON:
                    self.last_person = aid
                return Attribution(aid, f"actor and apposition before '{verb.text}'")
        return None

    def _actor(self, head: Token, token_actors: Mapping[int, str]
               ) -> tuple[str, tuple[int, int] | None] | None:
        aid = token_actors.get(head.i)
        if aid:
            return aid, None
        made = institution_actor(head, token_actors, self.book, self.vocab)
        if made:
            return made[0], (made[1], made[2])
        return None
