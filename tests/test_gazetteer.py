"""The gazetteer: its data checked against independent sources, and its loader."""

from __future__ import annotations

import re
from collections import Counter

import pycountry
import pytest

from graph.errors import ClaimgraphError
from graph.gazetteer import (
    ALLOWED_CLASHES,
    Entry,
    Gazetteer,
    clashes,
    load_gazetteer,
    normalise,
)
from graph.model import ActorKind

# ISO codes whose pycountry names are not usable as surface forms ("Congo, The
# Democratic Republic of the", "Holy See (Vatican City State)"): the entry name used
# instead. Keep this list small.
ISO_NAME_EXCEPTIONS = {"CD": "Democratic Republic of the Congo", "VA": "Vatican City"}

# The identifiers /work/shared/spec/relations.md requires, copied from the spec.
SPEC_QIDS = {
    "Russia": "Q159",
    "China": "Q148",
    "Iran": "Q794",
    "Kazakhstan": "Q232",
    "Ukraine": "Q212",
    "Uzbekistan": "Q265",
    "United States": "Q30",
    "United Kingdom": "Q145",
    "Poland": "Q36",
    "Czech Republic": "Q213",
    "Hungary": "Q28",
    "Japan": "Q17",
    "South Africa": "Q258",
    "Soviet Union": "Q15180",
    "Central Asia": "Q27275",
    "European Union": "Q458",
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The shipped gazetteer."""
    return load_gazetteer()


def _by_iso(gaz: Gazetteer) -> dict[str, Entry]:
    return {e.iso: e for e in gaz.entries if e.iso}


def test_gazetteer_iso_codes_are_real_and_name_the_country(gaz):
    mismatched = []
    for entry in gaz.entries:
        if entry.iso is None:
            continue
        country = pycountry.countries.get(alpha_2=entry.iso)
        assert country is not None, f"{entry.name}: {entry.iso} is not an ISO alpha-2 code"
        official = {
            normalise(getattr(country, attr))
            for attr in ("name", "common_name", "official_name")
            if getattr(country, attr, None)
        }
        ours = {normalise(entry.name), *map(normalise, entry.aliases)}
        if not official & ours and ISO_NAME_EXCEPTIONS.get(entry.iso) != entry.name:
            mismatched.append((entry.iso, entry.name, sorted(official)))
    assert mismatched == []


def test_gazetteer_iso_codes_are_unique_and_on_countries(gaz):
    codes = Counter(e.iso for e in gaz.entries if e.iso)
    assert [code for code, n in codes.items() if n > 1] == []
    assert {e.kind for e in gaz.entries if e.iso} == {ActorKind.COUNTRY}


def test_gazetteer_has_every_un_member_state():
    coco = pytest.importorskip("country_converter")
    members = set(coco.CountryConverter().UNas("ISO2")["ISO2"])
    assert len(members) == 193
    missing = members - set(_by_iso(load_gazetteer()))
    assert missing == set()


@pytest.mark.parametrize(
    ("name", "iso"),
    [("Vatican City", "VA"), ("Palestine", "PS"), ("Taiwan", "TW"), ("Kosovo", None)],
)
def test_gazetteer_has_non_member_states(gaz, name, iso):
    entry = gaz.lookup(name)
    assert entry is not None
    assert (entry.name, entry.kind, entry.iso) == (name, ActorKind.COUNTRY, iso)


def test_gazetteer_qids_are_well_formed_and_unique(gaz):
    qids = [e.wikidata for e in gaz.entries if e.wikidata]
    assert [q for q in qids if not re.fullmatch(r"Q[1-9]\d*", q)] == []
    assert [q for q, n in Counter(qids).items() if n > 1] == []


def test_gazetteer_names_are_unique(gaz):
    names = Counter(normalise(e.name) for e in gaz.entries)
    assert [name for name, n in names.items() if n > 1] == []


@pytest.mark.parametrize(("name", "qid"), sorted(SPEC_QIDS.items()))
def test_gazetteer_spec_qids_are_exact(gaz, name, qid):
    entry = gaz.lookup(name)
    assert entry is not None
    assert (entry.name, entry.wikidata) == (name, qid)


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("the Kremlin", "Russia"),
        ("Moscow", "Russia"),
        ("Russians", "Russia"),
        ("Iranian", "Iran"),
        ("Chinese", "China"),
        ("Soviet", "Soviet Union"),
        ("Central European", "Central Europe"),
        ("South African", "South Africa"),
        ("Western", "West"),
        ("the global community", "West"),
        ("British", "United Kingdom"),
        ("American", "United States"),
        ("U.S.", "United States"),
        ("Putin", "Vladimir Putin"),
        ("the Czech Republic", "Czech Republic"),
        ("Czechia", "Czech Republic"),
        ("Türkiye", "Turkey"),
        ("Kiev", "Ukraine"),
        ("European", "Europe"),
        ("the Baltics", "Baltic states"),
        ("Malé", "Maldives"),
        ("Daesh", "ISIS"),
        ("Economic Community of West African States", "ECOWAS"),
        ("Confederation of Sahel States", "Alliance of Sahel States"),
        ("Mercosur", "Mercosur"),
    ],
)
def test_gazetteer_lookup_resolves_surface_form(gaz, surface, name):
    entry = gaz.lookup(surface)
    assert entry is not None, surface
    assert entry.name == name


@pytest.mark.parametrize("surface", ["us", "US", "the US", "Male", "is", "car", "Victoria"])
def test_gazetteer_lookup_ignores_pronouns_and_common_words(gaz, surface):
    assert gaz.lookup(surface) is None


def test_gazetteer_every_form_is_reachable(gaz):
    # Each entry's own forms must resolve to it: no form is shadowed by another entry.
    shadowed = [
        (form, entry.name, gaz.lookup(form).name)
        for form, entry, _field in gaz.forms()
        if gaz.lookup(form) is not entry and normalise(form) not in ALLOWED_CLASHES
    ]
    assert shadowed == []


def test_gazetteer_persons_have_no_state_fields(gaz):
    persons = [e for e in gaz.entries if e.kind is ActorKind.PERSON]
    assert persons
    assert [e.name for e in persons if e.iso or e.demonyms or e.capitals or e.seats] == []


def test_clashes_returns_only_the_allowed_forms(gaz):
    assert {form for form, _a, _b in clashes(gaz)} == set(ALLOWED_CLASHES)


def test_clashes_reports_a_form_shared_by_two_entries():
    a = Entry("Georgia", ActorKind.COUNTRY, demonyms=("Georgian",))
    b = Entry("Georgia (US state)", ActorKind.REGION, aliases=("The Georgian",))
    c = Entry("Armenia", ActorKind.COUNTRY, aliases=("Armenia",))
    assert clashes(Gazetteer((a, b, c))) == [("georgian", "Georgia", "Georgia (US state)")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: Russia\nkind: Country\n", "must be a list"),
        ("- {name: Russia, kind: Empire}\n", "Empire"),
        ("- {kind: Country}\n", "name"),
        ("- {name: Russia, kind: Country, alias: [RF]}\n", "unknown field(s) alias"),
        ("- {name: Norway, kind: Country, iso: NO}\n", "iso must be"),
        ("- {name: Russia, kind: Country, wikidata: 159}\n", "wikidata must be"),
        ("- {name: Russia, kind: Country, aliases: Russian Federation}\n", "aliases must be"),
        ("- [Russia, Country]\n", "mapping"),
        ("- {name: Russia, kind: Country\n", "cannot read"),
    ],
)
def test_load_gazetteer_rejects_broken_file_naming_its_path(tmp_path, text, reason):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimgraphError) as excinfo:
        load_gazetteer(path)
    assert str(path) in str(excinfo.value)
    assert reason in str(excinfo.value)


def test_load_gazetteer_reads_a_minimal_file(tmp_path):
    path = tmp_path / "gazetteer.yaml"
    path.write_text(
        "- {name: Norway, kind: Country, wikidata: Q20, iso: 'NO', capitals: [Oslo]}\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(path)
    assert gaz.lookup("oslo") == Entry("Norway", ActorKind.COUNTRY, "Q20", "NO", capitals=("Oslo",))
    assert gaz.how("Oslo") == "capitals"
