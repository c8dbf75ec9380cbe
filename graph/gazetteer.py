"""The gazetteer: known actors and every way a text names them.

``data/gazetteer.yaml`` lists states (every UN member plus Vatican City, Palestine,
Taiwan and Kosovo, and a few historical states), blocs, regions, well-known
organisations, armed groups and people, each with its canonical English name, kind,
Wikidata id, ISO code, and the surface forms that stand for it: aliases, demonyms,
capitals and seats of power ("Moscow", "the Kremlin" stand for Russia).

A normalised form names one actor. Two entries sharing a form is a data error that
:func:`clashes` reports; only the forms in :data:`ALLOWED_CLASHES` may be shared.

Examples
--------
>>> gaz = load_gazetteer()
>>> gaz.lookup("the Kremlin").name
'Russia'
>>> gaz.lookup("Iranians").name, gaz.lookup("Iranians").wikidata
('Iran', 'Q794')
>>> gaz.lookup("nowhere") is None
True
>>> gaz.lookup("us") is None  # the pronoun, not the United States
True
>>> gaz.how("Downing Street")
'seats'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.data import DATA, load_yaml
from graph.errors import ClaimgraphError
from graph.model import ActorKind

DEFAULT_PATH = DATA / "gazetteer.yaml"

FORM_FIELDS = ("name", "aliases", "demonyms", "capitals", "seats")
"""Entry fields that hold surface forms, in order of precedence on a clash."""

FIELDS = ("name", "kind", "wikidata", "iso", *FORM_FIELDS[1:])
"""Every field an entry in the YAML file may have."""

ALLOWED_CLASHES: frozenset[str] = frozenset()
"""Normalised forms deliberately shared by several entries. The lookup then goes to
the earlier field (a name beats an alias), then to the earlier entry in the file.
Empty today: every surface form in data/gazetteer.yaml names exactly one actor."""

QID = re.compile(r"Q[1-9]\d*")
ISO2 = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Entry:
    """One known actor and the surface forms that name it."""

    name: str
    kind: ActorKind
    wikidata: str | None = None
    iso: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()

    def forms(self) -> Iterator[tuple[str, str]]:
        """Yield ``(surface form, field)`` for every way of naming this actor."""
        yield self.name, "name"
        for field in FORM_FIELDS[1:]:
            for form in getattr(self, field):
                yield form, field


_POSSESSIVE = re.compile(r"['’]s?$")
_SPACES = re.compile(r"\s+")


def normalise(surface: str) -> str:
    """Return the lookup key of a surface form: casefolded, no leading 'the'.

    >>> normalise("The  Kremlin's")
    'kremlin'
    """
    key = _POSSESSIVE.sub("", surface.strip())
    key = _SPACES.sub(" ", key).casefold()
    return key[4:] if key.startswith("the ") else key


class Gazetteer:
    """Look up actors by any surface form."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self._index: dict[str, tuple[Entry, str]] = {}
        # Earlier fields win: a country's name beats another's alias of the same form.
        for field in FORM_FIELDS:
            for entry in entries:
                forms = [entry.name] if field == "name" else getattr(entry, field)
                for form in forms:
                    self._index.setdefault(normalise(form), (entry, field))

    def lookup(self, surface: str) -> Entry | None:
        """Return the entry a surface form names, or ``None``."""
        hit = self._index.get(normalise(surface))
        return hit[0] if hit else None

    def how(self, surface: str) -> str | None:
        """Return which field matched ``surface`` (name, aliases, demonyms, ...)."""
        hit = self._index.get(normalise(surface))
        return hit[1] if hit else None

    def forms(self) -> Iterator[tuple[str, Entry, str]]:
        """Yield ``(surface form, entry, field)`` for every indexed form."""
        for entry in self.entries:
            for form, field in entry.forms():
                yield form, entry, field

    def __len__(self) -> int:
        return len(self.entries)


def clashes(gazetteer: Gazetteer) -> list[tuple[str, str, str]]:
    """Return ``(normalised form, entry A, entry B)`` for forms naming two entries.

    Every pair of distinct entries sharing a form is reported once, in file order;
    forms listed in :data:`ALLOWED_CLASHES` are reported too, so a test can check that
    only those remain.

    >>> a = Entry("Georgia", ActorKind.COUNTRY, demonyms=("Georgian",))
    >>> b = Entry("Georgian era", ActorKind.REGION, aliases=("the Georgian",))
    >>> clashes(Gazetteer((a, b)))
    [('georgian', 'Georgia', 'Georgian era')]
    """
    owners: dict[str, list[str]] = {}
    for form, entry, _field in gazetteer.forms():
        names = owners.setdefault(normalise(form), [])
        if entry.name not in names:
            names.append(entry.name)
    return [
        (form, first, other)
        for form, names in owners.items()
        for i, first in enumerate(names)
        for other in names[i + 1 :]
    ]


def _forms(raw: dict, field: str) -> tuple[str, ...]:
    """Return the list in ``raw[field]`` as a tuple of non-empty strings."""
    value = raw.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{field} must be a list of non-empty strings, not {value!r}")
    return tuple(value)


def _entry(raw: object, path: Path) -> Entry:
    """Build one :class:`Entry` from its YAML mapping; raise ClaimgraphError if bad."""
    try:
        if not isinstance(raw, dict):
            raise TypeError("an entry must be a mapping")
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(map(str, unknown))}")
        name, wikidata, iso = raw["name"], raw.get("wikidata"), raw.get("iso")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("name must be a non-empty string")
        if wikidata is not None and not (isinstance(wikidata, str) and QID.fullmatch(wikidata)):
            raise ValueError(f"wikidata must be a QID like Q159, not {wikidata!r}")
        if iso is not None and not (isinstance(iso, str) and ISO2.fullmatch(iso)):
            raise ValueError(f"iso must be an ISO 3166-1 alpha-2 code, not {iso!r}")
        return Entry(
            name=name,
            kind=ActorKind(raw["kind"]),
            wikidata=wikidata,
            iso=iso,
            **{f: _forms(raw, f) for f in FORM_FIELDS[1:]},
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ClaimgraphError(f"{path}: bad gazetteer entry {raw!r}: {exc}") from None


@functools.cache
def load_gazetteer(path: Path = DEFAULT_PATH) -> Gazetteer:
    """Load and index the gazetteer at ``path`` (cached per path)."""
    raw = load_yaml(path, "gazetteer")
    if not isinstance(raw, list):
        raise ClaimgraphError(f"{path}: gazetteer must be a list of entries")
    return Gazetteer(tuple(_entry(r, path) for r in raw))
