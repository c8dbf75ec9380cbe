"""Behaviour of graph.modality on sentences parsed by the real pipeline."""

from __future__ import annotations

import pytest

from graph.modality import classify, main_predicates

CASES = [
    ("China is not sophisticated enough to copy Russian equipment.", False, "negated", "not"),
    ("They can't make their own servers.", False, "negated", "n't"),
    ("Many young Uzbeks no longer see Moscow as a destination.", False, "negated",
     "no longer"),
    ("Most military hardware is expected to fade away quickly.", False, "forecast",
     "is expected to"),
    ("A similar phenomenon is likely to recur.", False, "forecast", "is likely to"),
    ("Russia will produce most drones at home.", False, "forecast", "will"),
    ("Such chips have reportedly been used in Russian arms.", False, "hedged", "reportedly"),
    ("About 100,000 IT specialists have fled the country.", False, "hedged", "About"),
    ("An estimated 300,000 men have been lost.", False, "hedged", "estimated"),
    ("The US Navy is said to be the only force able to patrol the region.", False, "hedged",
     "is said to"),
    ("Iran is believed to have supplied the drones.", False, "hedged", "is believed to"),
    ("North Korean troops were reported to be fighting in Kursk.", False, "hedged",
     "were reported to"),
    ("Russia has launched drones at Ukraine.", True, "reported", "speaker"),
    ("Russia has launched drones at Ukraine.", False, "asserted", ""),
    ("He was thinking about leaving Russia.", False, "asserted", ""),
]


@pytest.mark.parametrize(("text", "reported", "value", "cue"), CASES)
def test_classify_gives_modality_and_cue(nlp, text, reported, value, cue):
    result = classify(next(nlp(text).sents), reported=reported)
    assert (result.value, result.cue) == (value, cue)


def test_classify_negation_beats_forecast(nlp):
    sent = next(nlp("The collapse is not anticipated to occur within this decade.").sents)
    assert classify(sent).value == "negated"


def test_main_predicates_include_reported_clause_of_speech_verb(nlp):
    doc = nlp("Nikita said he is not contacting employers.")
    preds = main_predicates(next(doc.sents), {"say"})
    assert {doc[i].text for i in preds} >= {"said", "contacting"}
