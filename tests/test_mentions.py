"""Behaviour of graph.mentions on sentences parsed by the real pipeline."""

from __future__ import annotations

import pytest

from graph.mentions import ActorBook, MentionFinder, institution_actor, name_kind
from graph.model import ActorKind


@pytest.fixture(scope="module")
def finder(nlp):
    return MentionFinder(nlp, speech_verbs={"say"})


def _find(nlp, finder, *texts):
    book = ActorBook()
    docs = [nlp(t) for t in texts]
    found = finder.find(docs, book)
    names = [[(d[m.start:m.end].text, book.name(m.actor_id)) for m in ms]
             for d, ms in zip(docs, found, strict=True)]
    return book, names


def test_mention_finder_ignores_lowercase_gazetteer_forms(nlp, finder):
    _, names = _find(nlp, finder, "We ate turkey with us and washed the china.")
    assert names == [[]]


def test_mention_finder_resolves_demonyms_and_seats_to_the_state(nlp, finder):
    _, names = _find(nlp, finder, "The Kremlin said Russian troops left Moscow.")
    assert {actor for _, actor in names[0]} == {"Russia"}


def test_mention_finder_resolves_surname_to_earlier_full_name(nlp, finder):
    _, names = _find(nlp, finder, "Oleksiy Hetman is a veteran.", "Hetman said it was bad.")
    assert ("Hetman", "Oleksiy Hetman") in names[1]


def test_mention_finder_title_prefix_gives_role_and_state(nlp, finder):
    book, names = _find(nlp, finder, "Russian President Vladimir Putin met the envoy.")
    putin = next(a for a in book.actors() if a.name == "Vladimir Putin")
    assert names[0][0][0] == "Russian President Vladimir Putin"
    assert "President" in putin.roles
    assert book.country_of[putin.id] == "actor/russia"


def test_mention_finder_apposition_gives_role_and_affiliation(nlp, finder):
    book, _ = _find(nlp, finder, "Maksut Shadayev, the Russian minister of digital "
                                 "development, acknowledged the losses.")
    person = next(a for a in book.actors() if a.name == "Maksut Shadayev")
    assert person.roles == ("minister of digital development",)
    assert "actor/russia" in person.affiliations


def test_mention_finder_apposition_origin_sets_default_origin(nlp, finder):
    book, _ = _find(nlp, finder, "Nikita, a 31-year-old IT specialist from Russia who "
                                 "now lives in Almaty, said he left.")
    assert book.origin == "actor/russia"
    assert "Nikita" in {a.name for a in book.actors()}


def test_mention_finder_drops_cities_products_and_abbreviations(nlp, finder):
    _, names = _find(nlp, finder, "IT workers in Lviv bought Shahed drones.")
    assert names == [[]]


def test_mention_finder_keeps_organisation_name_with_demonym(nlp, finder):
    book, names = _find(nlp, finder, "The British Ministry of Defence wrote an update.")
    assert names[0] == [("British Ministry of Defence", "British Ministry of Defence")]
    org = next(a for a in book.actors() if a.name == "British Ministry of Defence")
    assert org.affiliations == ("actor/united-kingdom",)


def test_institution_actor_names_a_state_institution(nlp, finder):
    doc = nlp("The Ukrainian air force said on Telegram that it shot down drones.")
    book = ActorBook()
    mentions = finder.find([doc], book)[0]
    token_actors = {i: m.actor_id for m in mentions for i in range(m.start, m.end)}
    aid, start, end = institution_actor(doc[3], token_actors, book)
    assert book.name(aid) == "Ukrainian Air Force"
    assert doc[start:end].text == "Ukrainian air force"
    assert book.country_of[aid] == "actor/ukraine"


def test_name_kind_uses_ner_for_bare_names(nlp):
    assert name_kind("Yekaterina Shtukina", nlp) == "Person"
    assert name_kind("Sputnik", nlp) == "Organization"


def test_mention_finder_drops_cities_that_ner_calls_organisations(nlp, finder):
    _, names = _find(nlp, finder, "Russian strikes on Odesa have damaged the port.")
    assert {actor for _, actor in names[0]} == {"Russia"}


def test_mention_finder_drops_person_entities_introduced_by_the(nlp, finder):
    _, names = _find(nlp, finder,
                     "Turkey controls access to the Black Sea through the Bosporus.")
    assert "Bosporus" not in {actor for _, actor in names[0]}


def test_mention_finder_keeps_a_portfolio_in_the_title_not_as_an_organisation(nlp, finder):
    book, names = _find(nlp, finder, "Energy Minister Almasadam Satkaliyev told Reuters.")
    assert "Energy" not in {actor for _, actor in names[0]}
    person = next(a for a in book.actors() if a.name == "Almasadam Satkaliyev")
    assert person.roles == ("Energy Minister",)


@pytest.mark.parametrize(("text", "owner"), [
    # A copula's subject is not the owner in its own complement ...
    ("Kazakhstan says China is its largest trading partner.", "actor/kazakhstan"),
    # ... unless the pronoun says so.
    ("Poland says Russia is its own worst enemy.", "actor/russia"),
    # Elsewhere "its" is the nearest subject before it.
    ("Kazakhstan says China has doubled its imports.", "actor/china"),
])
def test_pronoun_actors_resolves_its_to_its_owner(nlp, text, owner):
    from graph.mentions import pronoun_actors

    doc = nlp(text)
    book = ActorBook()
    token_actors = {}
    for t in doc:
        if t.text in ("Kazakhstan", "China", "Poland", "Russia"):
            token_actors[t.i] = book.add(t.text, ActorKind.COUNTRY)
    [its] = [t.i for t in doc if t.lower_ == "its"]
    assert pronoun_actors(doc[:], token_actors, book, None, None)[its] == owner
