"""Behaviour of graph.attribution on paragraphs parsed by the real pipeline."""

from __future__ import annotations

from graph.attribution import SpeakerFinder, quoted_ranges
from graph.mentions import ActorBook, MentionFinder


def _attribute(nlp, *paragraphs):
    book = ActorBook()
    finder = MentionFinder(nlp, speech_verbs={"say"})
    docs = [nlp(p) for p in paragraphs]
    mentions = finder.find(docs, book)
    speakers = SpeakerFinder(book)
    out = []
    for doc, ms in zip(docs, mentions, strict=True):
        ta = {i: m.actor_id for m in ms for i in range(m.start, m.end)}
        out.append([a.speaker_id for a in speakers.paragraph(doc, ta)])
    return out


def test_speaker_finder_takes_subject_of_speech_verb(nlp):
    assert _attribute(nlp, '"All the brains have left," said Nadezhda Balovsyak.') == [
        ["actor/nadezhda-balovsyak"]]


def test_speaker_finder_reads_according_to(nlp):
    assert _attribute(nlp, "According to Kommersant, chips fail often.") == [
        ["actor/kommersant"]]


def test_speaker_finder_pronoun_takes_last_named_speaker(nlp):
    got = _attribute(nlp, "Oleksiy Hetman said the war goes on.",
                     '"They need to buy everything," he said.')
    assert got[1] == ["actor/oleksiy-hetman"]


def test_speaker_finder_pronoun_takes_speaker_named_by_according_to(nlp):
    got = _attribute(nlp, "Oleksiy Hetman said the war goes on.",
                     "Kazakhstan relies on Chinese loans, according to Aida Bekova, an economist.",
                     "She said many migrants had left.")
    assert got[2] == ["actor/aida-bekova"]


def test_speaker_finder_quotes_take_paragraph_speaker(nlp):
    got = _attribute(nlp, '"The components are good," Hetman said. "Chinese ones are worse."')
    assert got == [["actor/hetman", "actor/hetman"]]


def test_speaker_finder_quote_only_paragraph_continues_previous_speaker(nlp):
    got = _attribute(nlp, '"The components are good," Oleksiy Hetman said.',
                     '"Chinese ones are worse."', "Russia has launched drones.")
    assert got == [["actor/oleksiy-hetman"], ["actor/oleksiy-hetman"], [None]]


def test_speaker_finder_ignores_speech_verbs_inside_quotes(nlp):
    got = _attribute(nlp, "Russia launched drones at night.",
                     '"Russia said nothing to us."')
    assert got == [[None], [None]]


def test_speaker_finder_skips_negated_speech_verbs(nlp):
    assert _attribute(nlp, "Russia has not commented on the deal.") == [[None]]


def test_speaker_finder_takes_actor_before_apposition_when_parse_has_no_subject(nlp):
    got = _attribute(nlp, "About 100,000 IT specialists had left Russia since the invasion, "
                          "Maksut Shadayev, the Russian minister of digital development, "
                          "acknowledged late last year.")
    assert got == [["actor/maksut-shadayev"]]


def test_quoted_ranges_runs_unclosed_quote_to_the_end():
    assert quoted_ranges('He said "yes', ('"',)) == [(8, 12)]


def test_speaker_finder_takes_person_named_in_apposition_to_a_role_subject(nlp):
    got = _attribute(nlp, "A spokesperson for the Kremlin, Dmitry Peskov, said Russia "
                          "remained a reliable partner.")
    assert got == [["actor/dmitry-peskov"]]


def test_speaker_finder_ignores_non_actor_appositions(nlp):
    got = _attribute(nlp, "A spokesman for the ministry, a veteran diplomat, said talks failed.")
    assert got == [[None]]


def test_speaker_finder_pronoun_takes_a_more_recent_subject_person(nlp):
    got = _attribute(nlp, "Sergey Lavrov said Lithuania had blockaded Kaliningrad.",
                     "Lithuanian President Gitanas Nauseda rejected the accusation. "
                     '"We are implementing sanctions, nothing more," he said.')
    assert got[1] == [None, "actor/gitanas-nauseda"]


def test_speaker_finder_pronoun_skips_people_named_inside_quotes(nlp):
    got = _attribute(nlp, "Oleksiy Hetman said the war goes on.",
                     '"Vladimir Putin wants more," he said.', "He added that drones matter.")
    assert got[1:] == [["actor/oleksiy-hetman"], ["actor/oleksiy-hetman"]]


def test_speaker_finder_conjoined_speech_verb_shares_the_first_verbs_subject(nlp):
    got = _attribute(nlp, "Sergey Lavrov accused Lithuania of blockading Kaliningrad, and "
                          "warned that Moscow would respond with practical measures.")
    assert got == [["actor/sergei-lavrov"]]


def test_speaker_finder_ignores_speech_verbs_inside_what_is_said(nlp):
    got = _attribute(nlp, "A spokesman warned that Moscow would respond with force.")
    assert got == [[None]]
    # A parenthetical "X said" hangs off the main verb but is no part of what is said.
    assert _attribute(nlp, "Russia, Sergey Lavrov said, will respond with force.") == [
        ["actor/sergei-lavrov"]]
