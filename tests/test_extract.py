"""Behaviour of graph.extract and graph.explain on small real documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graph.explain import explain_document
from graph.extract import extract_document, is_boilerplate
from graph.ingest import read_document
from graph.model import SectionKind

EXTRACTION = Path(__file__).resolve().parent / "fixtures" / "extraction"
CASES = sorted(p for p in EXTRACTION.iterdir() if not p.name.endswith(".expected.yaml"))


def _expected(path: Path) -> dict:
    return yaml.safe_load(path.with_name(path.stem + ".expected.yaml").read_text())


@pytest.fixture(scope="module")
def extractions(nlp):
    return {p.name: extract_document(read_document(p), nlp) for p in CASES}


def _claim(extraction, start: str):
    hits = [c for c in extraction.claims if c.text.startswith(start)]
    assert hits, f"no claim starts with {start!r}"
    return hits[0]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_extract_document_finds_expected_actors(path, extractions):
    want = _expected(path)
    names = {a.name for a in extractions[path.name].actors}
    assert set(want["actors"]) <= names
    assert not names & set(want["not_actors"])


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_extract_document_attributes_expected_speakers(path, extractions):
    extraction = extractions[path.name]
    name = {a.id: a.name for a in extraction.actors}
    for start, speaker in _expected(path)["speakers"].items():
        got = _claim(extraction, start).speaker_id
        assert (name[got] if got else None) == speaker, start


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_extract_document_gives_expected_modality(path, extractions):
    for start, modality in _expected(path)["modality"].items():
        assert _claim(extractions[path.name], start).modality == modality, start


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_extract_document_finds_expected_relationships_and_no_listed_false_ones(
        path, extractions):
    want = _expected(path)
    extraction = extractions[path.name]
    name = {a.id: a.name for a in extraction.actors}
    found = {f"{name[r.subject_id]} {r.predicate} {name[r.object_id]}"
             for r in extraction.relations
             if _claim_source(extraction, r.claim_id) == extraction.document.source.id}
    assert set(want.get("relations", [])) <= found
    assert not found & set(want.get("not_relations", []))


def _claim_source(extraction, claim_id: str) -> str:
    return next(c.source_id for c in extraction.claims if c.id == claim_id)


def test_extract_document_records_roles_and_affiliations(extractions):
    path = EXTRACTION / "wire-kazakhstan-china.txt"
    want = _expected(path)
    actors = {a.name: a for a in extractions[path.name].actors}
    ids = {a.name: a.id for a in actors.values()}
    for person, role in want["roles"].items():
        assert role in actors[person].roles
    for actor, other in want["affiliations"].items():
        assert ids[other] in actors[actor].affiliations


@pytest.mark.parametrize("path", [p for p in CASES if "timestamps" in _expected(p)],
                         ids=lambda p: p.name)
def test_extract_document_timestamps_transcript_claims(path, extractions):
    for start, seconds in _expected(path)["timestamps"].items():
        assert _claim(extractions[path.name], start).timestamp == seconds


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_extract_document_claim_offsets_cite_the_source(path, extractions):
    extraction = extractions[path.name]
    text = extraction.document.text
    for claim in extraction.claims:
        exact = text[claim.start:claim.end]
        assert exact.split()[0] == claim.text.split()[0]
        assert exact.rstrip()[-1] == claim.text.rstrip()[-1]
        for m in claim.mentions:
            assert claim.start <= m.start < m.end <= claim.end


def test_extract_document_makes_no_claims_from_headings_or_bylines(nlp, corpus):
    doc = read_document(corpus / "zeihan-postcollapse-russia-technology.md")
    extraction = extract_document(doc, nlp)
    headings = {s.text for s in doc.segments if s.section == SectionKind.HEADING}
    assert headings
    assert not headings & {c.text for c in extraction.claims}
    assert {c.section for c in extraction.claims} <= {SectionKind.TITLE, SectionKind.BODY}


def test_extract_document_leaves_reader_comments_without_speaker(nlp, corpus):
    doc = read_document(corpus / "caravanserai-russian-it-exodus.txt")
    extraction = extract_document(doc, nlp)
    comments = [c for c in extraction.claims if c.section == SectionKind.COMMENT]
    assert comments
    assert all(c.speaker_id is None for c in comments)
    assert not any(c.text == "Reply" for c in extraction.claims)


def test_extract_document_makes_credits_and_author_actors(nlp, corpus):
    doc = read_document(corpus / "caravanserai-russian-it-exodus.txt")
    kinds = {a.name: a.kind for a in extract_document(doc, nlp).actors}
    assert kinds["Olha Chepil"] == "Person"
    assert kinds["Kanat Altynbayev"] == "Person"
    assert kinds["AFP"] == "Organization"


def test_is_boilerplate_keeps_sentences_and_drops_furniture():
    assert is_boilerplate("Comment Policy * Denotes Required Field")
    assert not is_boilerplate("Russia has not commented on the deal.")


def test_explain_document_shows_speaker_cue_and_actor_resolution(nlp):
    doc = read_document(EXTRACTION / "wire-kazakhstan-china.txt")
    report = explain_document(doc, nlp)
    assert "Russia has not commented on the deal." in report
    assert "modality: negated (cue: 'not')" in report
    assert "'Bektenov' -> Olzhas Bektenov (Person)  [surname of a full name]" in report


def test_extract_document_makes_no_claims_of_questions(nlp, tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("Paper\n\nQuestions about Russia\n\nBy Ann Lee\n\n"
                    "Russia sells oil to China. Will Russia sell gas to China? "
                    'She asked: "Who would have thought?"\n', encoding="utf-8")
    texts = [c.text for c in extract_document(read_document(path), nlp).claims]
    assert "Russia sells oil to China." in texts
    assert not any(t.rstrip('"').endswith("?") for t in texts)


def _article_triples(nlp, folder: Path, body: str) -> set[tuple[str, str, str]]:
    """The relationships extracted from a short news article with ``body``."""
    path = folder / "article.txt"
    path.write_text(f"Paper\n\nNews\n\nBy Ann Lee\n\n{body}\n", encoding="utf-8")
    extraction = extract_document(read_document(path), nlp)
    return {(r.subject_id, r.predicate, r.object_id) for r in extraction.relations}


def test_its_in_a_copulas_complement_is_not_the_copulas_subject(nlp, tmp_path):
    found = _article_triples(nlp, tmp_path, (
        "Armenia relied on Russian weapons for decades, but India is now its largest arms "
        "supplier. Belarus has deepened its dependence on China."))
    assert ("actor/india", "suppliesTo", "actor/armenia") in found
    # Outside a copula's complement "its" is still the nearest subject.
    assert ("actor/belarus", "dependsOn", "actor/china") in found


def test_he_in_an_early_paragraph_is_not_the_documents_last_speaker(nlp, tmp_path):
    """Pronouns resolve in reading order, not with what later paragraphs tell."""
    found = _article_triples(nlp, tmp_path, (
        "Russian Foreign Minister Sergey Lavrov spoke in Moscow on Monday. He accused "
        "Lithuania of blockading Kaliningrad.\n\nUS Secretary of State Antony Blinken said "
        "Washington supports Vilnius."))
    assert ("actor/russia", "opposes", "actor/lithuania") in found
    assert not any(s == "actor/antony-blinken" for s, _, _ in found)


def test_transcript_labels_give_claims_their_speaker_and_time(nlp, tmp_path):
    from tests.test_readers_markdown import TRANSCRIPT

    path = tmp_path / "interview.md"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    extraction = extract_document(read_document(path), nlp)
    claims = {c.text: c for c in extraction.claims}
    rebuilding = claims["Russia is rebuilding its forces."]
    assert (rebuilding.speaker_id, rebuilding.timestamp, rebuilding.modality) == (
        "actor/james-morton", 25, "asserted")  # the transcript's own voice asserts
    threat = claims["Moscow could threaten Estonia."]
    assert (threat.speaker_id, threat.timestamp) == ("actor/james-morton", 25)
    # A lone surname is the speaker an earlier label named in full.
    assert claims["China supplies Russia with machine tools."].speaker_id == "actor/james-morton"
    found = {(r.subject_id, r.predicate, r.object_id) for r in extraction.relations}
    assert ("actor/china", "suppliesTo", "actor/russia") in found
    assert not any("james-morton" in s for s, _, _ in found)
