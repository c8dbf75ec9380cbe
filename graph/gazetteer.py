"""The gazetteer: known actors and every way a text names them.

``data/gazetteer.yaml`` lists states, blocs, regions and well-known organisations,
each with its canonical English name, kind, Wikidata id, ISO code, and the surface
forms that stand for it: aliases, demonyms, capitals and seats of power ("Moscow",
"the Kremlin" stand for Russia).

Examples
--------
>>> gaz = load_gazetteer()
>>> gaz.lookup("the Kremlin").name
'Russia'
>>> gaz.lookup("Iranians").name, gaz.lookup("Iranians").wikidata
('Iran', 'Q794')
>>> gaz.lookup("nowhere") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from graph.errors import ClaimgraphError
from graph.model import ActorKind

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_PATH = DATA / "gazetteer.yaml"

FORM_FIELDS = ("name", "aliases", "demonyms", "capitals", "seats")
"""Entry fields that hold surface forms, in order of precedence on a clash."""


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


def normalise(surface: str) -> str:
    """Return the lookup key of a surface form: casefolded, no leading 'the'.

    >>> normalise("The  Kremlin's")
    'kremlin'
    """
    key = re.sub(r"['’]s?$", "", surface.strip())
    key = re.sub(r"\s+", " ", key).casefold()
    return re.sub(r"^the ", "", key)


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


def _entry(raw: dict, path: Path) -> Entry:
    try:
        return Entry(
            name=raw["name"],
            kind=ActorKind(raw["kind"]),
            wikidata=raw.get("wikidata"),
            iso=raw.get("iso"),
            **{f: tuple(raw.get(f) or ()) for f in FORM_FIELDS[1:]},
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ClaimgraphError(f"{path}: bad gazetteer entry {raw!r}: {exc}") from None


@functools.cache
def load_gazetteer(path: Path = DEFAULT_PATH) -> Gazetteer:
    """Load and index the gazetteer at ``path`` (cached per path)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ClaimgraphError(f"{path}: cannot read gazetteer: {exc}") from None
    if not isinstance(raw, list):
        raise ClaimgraphError(f"{path}: gazetteer must be a list of entries")
    return Gazetteer(tuple(_entry(r, path) for r in raw))
