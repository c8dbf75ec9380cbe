"""Extraction: turn one read :class:`~graph.model.Document` into an Extraction.

Every segment's clean text goes through ``nlp.pipe`` once, in order. Then, for the
whole document: actor mentions (:mod:`graph.mentions`), speakers
(:mod:`graph.attribution`), and per sentence of a TITLE, BODY, CAPTION or COMMENT
segment one claim with its source offsets, timestamp, mentions, quantities
(:mod:`graph.quantities`), modality (:mod:`graph.modality`) and relations
(:mod:`graph.relations`). The publisher, author and channel of each source and the
photo credits in ``Document.metadata["credits"]`` are actors too.

:func:`analyse_document` also keeps how each decision was made, for
:mod:`graph.explain`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from graph.attribution import NO_SPEAKER, Attribution, SpeakerFinder, load_speech_vocab
from graph.data import DATA, load_yaml
from graph.errors import ClaimgraphError
from graph.gazetteer import load_gazetteer
from graph.ids import claim_id
from graph.mentions import (
    ActorBook,
    MentionFinder,
    TokenMention,
    name_kind,
    pronoun_actors,
    sentence_subject,
)
from graph.modality import ModalityResult, classify
from graph.model import (
    ActorKind,
    Claim,
    Document,
    Extraction,
    Mention,
    Quantity,
    Relation,
    SectionKind,
    Segment,
)

try:
    from graph.quantities import find_quantities
except ModuleNotFoundError as exc:  # built by another stage; optional until it lands
    if exc.name != "graph.quantities":
        raise
    find_quantities = None

try:
    from graph.relations import RelationContext, find_relations
except ModuleNotFoundError as exc:
    if exc.name != "graph.relations":
        raise
    RelationContext = find_relations = None

CLAIMS_PATH = DATA / "claims.yaml"

CLAIM_SECTIONS = frozenset(
    {SectionKind.TITLE, SectionKind.BODY, SectionKind.CAPTION, SectionKind.COMMENT}
)
"""Sections whose sentences are claims (never headings or bylines)."""


@dataclass(frozen=True)
class SentenceReport:
    """One claim and how its parts were found (for :mod:`graph.explain`)."""

    claim: Claim
    modality_cue: str
    speaker_how: str
    relations: tuple[Relation, ...]


@functools.cache
def load_boilerplate(path: Path = CLAIMS_PATH) -> tuple[re.Pattern, ...]:
    """Load the patterns of sentences that are page furniture, not claims.

    >>> any(p.match("Reply") for p in load_boilerplate())
    True
    """
    raw = load_yaml(path, "claim vocabulary")
    return tuple(re.compile(p, re.IGNORECASE) for p in raw["boilerplate"])


CLOSING = " \t\"'”’)]»"


def is_question(text: str) -> bool:
    """True if a sentence asks rather than asserts: a question is not a claim.

    >>> is_question("Is it possible that Russia suffers?"), is_question('"Why?" he asked.')
    (True, False)
    """
    return text.rstrip(CLOSING).endswith("?")


def is_boilerplate(text: str) -> bool:
    """True if a sentence carries no claim (page furniture, or no words at all).

    >>> is_boilerplate("5 Comment(s)"), is_boilerplate("Russia left.")
    (True, False)
    """
    text = text.strip()
    if not any(ch.isalpha() for ch in text):
        return True
    return any(p.match(text) for p in load_boilerplate())


@functools.lru_cache(maxsize=4)
def _finder(nlp: Language) -> MentionFinder:
    return MentionFinder(nlp, load_gazetteer(), speech_verbs=load_speech_vocab().verbs)


def source_offsets(segment: Segment, start: int, end: int) -> tuple[int, int]:
    """Map a clean-text range of ``segment`` to a source range (end exclusive).

    >>> from graph.model import OffsetMap
    >>> seg = Segment("ab cd", OffsetMap(((0, 10), (3, 20))), SectionKind.BODY, "s")
    >>> source_offsets(seg, 3, 5)
    (20, 22)
    """
    return segment.offsets.to_source(start), segment.offsets.to_source(end - 1) + 1


def _credit_names(doc: Document) -> list[str]:
    """The photo credits of ``doc`` that NER reads (see :func:`graph.mentions.name_kind`)."""
    return [n for n in doc.metadata.get("credits") or () if isinstance(n, str)]


def _register_sources(doc: Document, book: ActorBook, nlp: Language,
                      parsed_credits: Mapping[str, Doc] | None = None) -> dict[str, str]:
    """Register publishers, authors, channels and credits; return role -> actor id."""
    gaz = load_gazetteer()
    found: dict[str, str] = {}

    def add(name: str | None, kind: ActorKind) -> str | None:
        if not name or not name.strip():
            return None
        entry = gaz.lookup(name)
        return book.add_entry(entry) if entry else book.add(name.strip(), kind)

    for source in doc.sources:
        for role, name, kind in (
            ("publisher", source.publisher, ActorKind.ORGANIZATION),
            ("author", source.author, ActorKind.PERSON),
            ("channel", source.channel, ActorKind.ORGANIZATION),
        ):
            aid = add(name, kind)
            if aid:
                found.setdefault(role, aid)
                found.setdefault(f"{role}:{source.id}", aid)
    for i, name in enumerate(doc.metadata.get("credits") or ()):
        parsed = parsed_credits.get(name) if parsed_credits and isinstance(name, str) else None
        aid = add(name, name_kind(name, nlp, parsed))
        if aid:
            found[f"credit:{i}"] = aid
    # Transcript speaker labels are people (or, in a debate, states); a lone surname
    # is the person an earlier label named in full.
    full_names: dict[str, str] = {}
    for segment in doc.segments:
        name = segment.speaker
        if not name or f"label:{name}" in found:
            continue
        aid = full_names.get(name) if " " not in name else None
        aid = aid or add(name, ActorKind.PERSON)
        if aid:
            found[f"label:{name}"] = aid
            full_names.setdefault(name.split()[-1], aid)
    return found


def _token_actors(mentions: Sequence[TokenMention]) -> dict[int, str]:
    return {i: m.actor_id for m in mentions for i in range(m.start, m.end)}


def _claim_mentions(sent: Span, mentions: Sequence[TokenMention], segment: Segment,
                    extra: Attribution) -> tuple[Mention, ...]:
    doc = sent.doc
    out = []
    for m in mentions:
        if sent.start <= m.start and m.end <= sent.end:
            span = doc[m.start:m.end]
            start, end = source_offsets(segment, span.start_char, span.end_char)
            out.append(Mention(m.actor_id, span.text, start, end, m.how))
    if extra.mention and extra.speaker_id:
        span = doc[extra.mention[0]:extra.mention[1]]
        start, end = source_offsets(segment, span.start_char, span.end_char)
        out.append(Mention(extra.speaker_id, span.text, start, end, "institution phrase"))
    return tuple(out)


def _quantities(sent: Span, segment: Segment) -> tuple[Quantity, ...]:
    if find_quantities is None:
        return ()
    out = []
    for q in find_quantities(sent):
        start, end = source_offsets(segment, q.start, q.end)
        out.append(Quantity(
            text=q.text, start=start, end=end, unit=q.unit, value=q.value,
            min_value=q.min_value, max_value=q.max_value, qualifier=q.qualifier,
            subject=q.subject,
        ))
    return tuple(out)


def _timestamp(doc: Document, start: int, end: int, opening: int | None = None) -> int | None:
    """The time of a ``[hh:mm:ss]`` in or right after a sentence, else ``opening``
    (the time its transcript line opens with)."""
    for marker in doc.timestamps:
        if start <= marker.start < end + 2:
            return marker.seconds
    return opening


def _relations(sent: Span, token_actors: Mapping[int, str], context: object,
               cid: str) -> tuple[Relation, ...]:
    if find_relations is None or context is None:
        return ()
    return tuple(
        Relation(h.subject_id, h.predicate, h.object_id, cid, h.rule, h.confidence)
        for h in find_relations(sent, token_actors, context)
    )


def parse_texts(doc: Document) -> list[str]:
    """The texts of ``doc`` that extraction parses, in order: claim segments, then credits.

    :func:`extract_documents` parses the texts of many documents in one
    ``nlp.pipe`` call; a parse depends only on its own text, so the result is the
    same as parsing each document alone.
    """
    return [s.text for s in doc.segments if s.section in CLAIM_SECTIONS] + _credit_names(doc)


def analyse_document(doc: Document, nlp: Language, parsed: Sequence[Doc] | None = None,
                     ) -> tuple[Extraction, tuple[SentenceReport, ...]]:
    """Extract ``doc`` and keep, per claim, how its modality and speaker were found.

    Parameters
    ----------
    doc
        A document as read by :mod:`graph.ingest`.
    nlp
        The pipeline from :func:`graph.nlp.load_nlp`.
    parsed
        ``nlp`` applied to each of :func:`parse_texts`, if the caller parsed them
        already; parsed here otherwise.

    Returns
    -------
    tuple
        The :class:`~graph.model.Extraction` and one :class:`SentenceReport` per claim.
    """
    segments = [s for s in doc.segments if s.section in CLAIM_SECTIONS]
    credits = _credit_names(doc)
    if parsed is None:
        parsed = list(nlp.pipe(parse_texts(doc)))
    if len(parsed) != len(segments) + len(credits):
        raise ClaimgraphError(f"{doc.path}: {len(parsed)} parses for "
                              f"{len(segments) + len(credits)} texts")
    docs: list[Doc] = list(parsed[:len(segments)])
    book = ActorBook()
    roles = _register_sources(doc, book, nlp, dict(zip(credits, parsed[len(segments):],
                                                       strict=True)))
    finder = _finder(nlp)
    mentions = finder.find(docs, book, [s.section == SectionKind.TITLE for s in segments])
    actor_maps = [_token_actors(ms) for ms in mentions]

    channel = roles.get("channel")
    speakers = SpeakerFinder(book)
    attributions: list[list[Attribution]] = []
    for segment, sdoc, ta in zip(segments, docs, actor_maps, strict=True):
        if segment.section == SectionKind.COMMENT:
            attributions.append([NO_SPEAKER] * len(list(sdoc.sents)))
        else:
            attributions.append(speakers.paragraph(sdoc, ta))

    context = None
    if RelationContext is not None:
        context = RelationContext(kinds=book.kinds(), country_of=dict(book.country_of),
                                  default_origin=book.origin)
    speech_verbs = load_speech_vocab().verbs
    reports: list[SentenceReport] = []
    used: set[str] = set(roles.values())
    previous_subject: str | None = None
    last_person: str | None = None
    for segment, sdoc, ms, ta, attrs in zip(
        segments, docs, mentions, actor_maps, attributions, strict=True
    ):
        for sent, attribution in zip(sdoc.sents, attrs, strict=True):
            raw = sent.text
            text = raw.strip()
            if is_boilerplate(text) or is_question(text):
                continue
            lead = len(raw) - len(raw.lstrip())
            start, end = source_offsets(
                segment, sent.start_char + lead, sent.start_char + lead + len(text)
            )
            speaker, how = attribution.speaker_id, attribution.how
            labelled = roles.get(f"label:{segment.speaker}") if segment.speaker else None
            if segment.section == SectionKind.COMMENT:
                speaker, how = None, "reader comment: no speaker"
            elif speaker is None and labelled:
                speaker, how = labelled, f"transcript label '{segment.speaker}:'"
            elif speaker is None and channel and doc.source.channel:
                speaker, how = channel, "the source's channel"
            cid = claim_id(segment.source_id, start, end)
            sent_actors = dict(ta)
            if attribution.mention and attribution.speaker_id:
                for i in range(*attribution.mention):
                    sent_actors[i] = attribution.speaker_id
            persons = [sent_actors[t.i] for t in sent if t.i in sent_actors
                       and book.kind(sent_actors[t.i]) == ActorKind.PERSON]
            sent_actors.update(pronoun_actors(
                sent, sent_actors, book, previous_subject,
                attribution.person or last_person or (persons[0] if persons else None),
            ))
            mood: ModalityResult = classify(
                # The source's own voices (its channel, its transcript's speakers)
                # assert; others are reported.
                sent, reported=speaker is not None and speaker not in (channel, labelled),
                reported_cue=f"speaker ({how})", speech_verbs=speech_verbs,
            )
            claim_mentions = _claim_mentions(sent, ms, segment, attribution)
            claim = Claim(
                id=cid, source_id=segment.source_id, text=text, start=start, end=end,
                section=segment.section, modality=mood.value, heading=segment.heading,
                timestamp=_timestamp(doc, start, end, segment.time), speaker_id=speaker,
                mentions=claim_mentions, quantities=_quantities(sent, segment),
            )
            relations = _relations(sent, sent_actors, context, cid)
            reports.append(SentenceReport(claim, mood.cue, how, relations))
            used.update(m.actor_id for m in claim_mentions)
            if speaker:
                used.add(speaker)
            for r in relations:
                used.update((r.subject_id, r.object_id))
            previous_subject = sentence_subject(sent, sent_actors, book) or previous_subject
            if persons:
                last_person = persons[-1]
    extraction = Extraction(
        document=doc,
        actors=book.actors(used),
        claims=tuple(r.claim for r in reports),
        relations=tuple(r for rep in reports for r in rep.relations),
    )
    return extraction, tuple(reports)


def extract_document(doc: Document, nlp: Language) -> Extraction:
    """Extract the actors, claims and relations of one document.

    Parameters
    ----------
    doc
        A document as read by :mod:`graph.ingest`.
    nlp
        The pipeline from :func:`graph.nlp.load_nlp`.

    Returns
    -------
    Extraction
        Actors (gazetteer entries keep their canonical name, QID and ISO code),
        one claim per sentence of the claim-bearing segments, and relations.
    """
    return analyse_document(doc, nlp)[0]


def extract_documents(documents: Sequence[Document], nlp: Language,
                      batch_size: int = 256) -> list[Extraction]:
    """Extract many documents, parsing all their texts in one ``nlp.pipe`` call.

    Gives the same extractions as :func:`extract_document` on each (a parse
    depends only on its own text) without the fixed cost of one ``nlp.pipe`` call
    per document.

    Parameters
    ----------
    documents
        Documents as read by :mod:`graph.ingest`.
    nlp
        The pipeline from :func:`graph.nlp.load_nlp`.
    batch_size
        Texts per batch inside ``nlp.pipe``.

    Returns
    -------
    list of Extraction
        One per document, in input order.
    """
    texts = [parse_texts(doc) for doc in documents]
    parsed = iter(nlp.pipe((t for ts in texts for t in ts), batch_size=batch_size))
    out = []
    for doc, ts in zip(documents, texts, strict=True):
        mine = [next(parsed) for _ in ts]
        out.append(analyse_document(doc, nlp, mine)[0])
    return out
