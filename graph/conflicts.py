"""Find where stated figures disagree, once, at build time.

The RDF export writes each disagreement as a ``cg:FigureConflict`` node in the
actors graph, so that the ready query ``conflicting-figures`` lists them instead of
aggregating every figure with every claim and actor at query time. The input is
plain records, one :class:`StatedFigure` per figure and claim that states it, so the
build (:func:`stated_figures` reads them from the claim graph) and the synthetic
graph of ``bench/bench_sparql.py`` share :func:`find_conflicts`.

There are three kinds (:data:`KINDS`), each the figures of one group; only figures
with a unit take part:

``"range in one statement"`` (:data:`RANGE`)
    A quantity with both a lowest and a highest value: an estimate that disagrees
    with itself. One per quantity, however close its bounds.
``"same thing, different figures"`` (:data:`SAME_THING`)
    Single values (``schema:value``) in the same unit about the same counted thing
    (``cg:about``, compared in lower case), when they are not all equal.
``"same actor, different sources"`` (:data:`SAME_ACTOR`)
    Every value, lowest and highest value in the same unit stated by claims that
    mention the same actor, when they come from more than one source and are not
    all equal.

A conflict counts the distinct claims and sources behind its figures, and lists
the distinct figures as text, lowest first, as Oxigraph writes an ``xsd:decimal``.
It names only the claims at its two extremes (:attr:`FigureConflict.lowest_claim`,
:attr:`FigureConflict.highest_claim`): the RDF export cites those, not every claim,
because a much-cited actor's conflict gathers thousands of claims and a SHACL engine
checks a node's values along one path in time quadratic in their number (pyshacl-turbo
0.6.5 took 55 s for the conflicts of 10,000 documents). The counts stay the totals of
the whole group.

Examples
--------
>>> a = StatedFigure("quantity/a", "claim/a", "source/a", "people", "people who left",
...                  value=Decimal("1300000.0"), actors=("actor/russia",))
>>> b = StatedFigure("quantity/b", "claim/b", "source/b", "people", "People who left",
...                  value=Decimal("500000"), actors=("actor/russia",))
>>> for c in find_conflicts([a, b]):
...     print(f"{c.kind}: {c.figures} ({c.claim_count} claims, {c.source_count} sources)")
same actor, different sources: 500000 | 1300000 (2 claims, 2 sources)
same thing, different figures: 500000 | 1300000 (2 claims, 2 sources)
>>> c.lowest_claim, c.highest_claim
('claim/b', 'claim/a')
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx

from graph.errors import ExportError
from graph.ids import conflict_id

RANGE = "range in one statement"
SAME_THING = "same thing, different figures"
SAME_ACTOR = "same actor, different sources"
KINDS: tuple[str, ...] = (RANGE, SAME_THING, SAME_ACTOR)
"""The kinds of conflict."""

SEPARATOR = " | "
"""Between the figures (and the counted things) of a conflict, as the query joined them."""


@dataclass(frozen=True)
class StatedFigure:
    """One figure as one claim states it (a quantity stated twice is two records).

    Attributes
    ----------
    quantity : str
        Id of the quantity.
    claim, source : str
        Id of a claim that states it, and of that claim's source.
    unit, about : str | None
        The quantity's unit and what it counts (``None`` when not known).
    value, low, high : Decimal | None
        Its single value, or the bounds of its range.
    actors : tuple of str
        Ids of the actors the claim mentions.
    """

    quantity: str
    claim: str
    source: str
    unit: str | None
    about: str | None = None
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureConflict:
    """Figures that disagree: what they are about, how far apart, and who states them.

    Attributes
    ----------
    id : str
        Id from :func:`graph.ids.conflict_id` (kind and group).
    kind : str
        One of :data:`KINDS`.
    unit : str
        The unit of every figure.
    lowest, highest : Decimal
        The lowest and highest figure.
    figures : str
        For a range ``"<lowest> to <highest>"``; otherwise every distinct figure,
        lowest first, joined by :data:`SEPARATOR`.
    claims, sources : tuple of str
        Ids of the distinct claims stating the figures and of their sources, sorted
        (the group's totals: what :attr:`claim_count` and :attr:`source_count` count).
    lowest_claim, highest_claim : str
        Id of the claim stating the lowest (highest) figure; of several, the first by
        id. The same claim for a range that one claim states.
    cited_sources : tuple of str
        Ids of the sources of those one or two claims, sorted.
    about : str | None
        What the figures count: the quantity's for a range, one of the group's
        spellings for the same thing, every distinct one joined by
        :data:`SEPARATOR` for an actor; ``None`` when no figure says.
    actor : str | None
        Id of the actor, for :data:`SAME_ACTOR` only.
    """

    id: str
    kind: str
    unit: str
    lowest: Decimal
    highest: Decimal
    figures: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    lowest_claim: str
    highest_claim: str
    cited_sources: tuple[str, ...]
    about: str | None = None
    actor: str | None = None

    @property
    def claim_count(self) -> int:
        """How many distinct claims state the figures (all of them, not only the cited)."""
        return len(self.claims)

    @property
    def source_count(self) -> int:
        """How many distinct sources the claims come from (all of them)."""
        return len(self.sources)

    @property
    def cited_claims(self) -> tuple[str, ...]:
        """The claims at the extremes, sorted and distinct: one or two."""
        return tuple(sorted({self.lowest_claim, self.highest_claim}))


def figure_text(value: Decimal) -> str:
    """Return ``value`` as SPARQL's ``STR`` gives an ``xsd:decimal`` in Oxigraph.

    No exponent, no trailing zeros, no ``.0`` on whole numbers, no ``-0``.

    >>> figure_text(Decimal("300000.0")), figure_text(Decimal("0.50")), figure_text(Decimal("-0.0"))
    ('300000', '0.5', '0')
    >>> figure_text(Decimal("1E-7"))
    '0.0000001'
    """
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _joined(values: Iterable[Decimal]) -> str:
    return SEPARATOR.join(figure_text(v) for v in sorted(set(values)))


class _Group:
    """The figures, claims, sources and counted things of one group, and its extremes."""

    __slots__ = ("abouts", "claims", "high", "low", "sources", "values")

    def __init__(self) -> None:
        self.values: list[Decimal] = []
        self.claims: dict[str, str] = {}
        self.sources: set[str] = set()
        self.abouts: set[str] = set()
        # (figure, claim, source) at each extreme; of equal figures the first claim by id.
        self.low: tuple[Decimal, str, str] | None = None
        self.high: tuple[Decimal, str, str] | None = None

    def add(self, figure: StatedFigure, values: Iterable[Decimal]) -> None:
        """Take a record and the figures of it that take part."""
        self.values.extend(values)
        self.claims[figure.claim] = figure.source
        self.sources.add(figure.source)
        if figure.about:
            self.abouts.add(figure.about)

    def bound(self, low: Decimal, high: Decimal, figure: StatedFigure) -> None:
        """Let ``figure``'s claim state ``low`` and ``high`` for the extremes."""
        claim, source = figure.claim, figure.source
        if self.low is None or (low, claim) < self.low[:2]:
            self.low = (low, claim, source)
        if self.high is None or (-high, claim) < (-self.high[0], self.high[1]):
            self.high = (high, claim, source)

    def conflict(self, cid: str, kind: str, unit: str, figures: str, about: str | None,
                 actor: str | None = None) -> FigureConflict:
        """The group as a conflict (every group has had :meth:`bound` called)."""
        return FigureConflict(
            cid, kind, unit, self.low[0], self.high[0], figures,
            claims=tuple(sorted(self.claims)), sources=tuple(sorted(self.sources)),
            lowest_claim=self.low[1], highest_claim=self.high[1],
            cited_sources=tuple(sorted({self.low[2], self.high[2]})), about=about,
            actor=actor)


def _ranges(figures: list[StatedFigure]) -> Iterator[FigureConflict]:
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for f in figures:
        if f.low is not None and f.high is not None:
            group = groups[(f.quantity, f.unit)]
            group.add(f, ())
            group.bound(f.low, f.high, f)
    for (quantity, unit), group in groups.items():
        low, high = group.low[0], group.high[0]
        yield group.conflict(conflict_id(RANGE, quantity, unit), RANGE, unit,
                             f"{figure_text(low)} to {figure_text(high)}",
                             min(group.abouts, default=None))


def _same_things(figures: list[StatedFigure]) -> Iterator[FigureConflict]:
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for f in figures:
        if f.value is not None and f.about:
            group = groups[(f.unit, f.about.lower())]
            group.add(f, (f.value,))
            group.bound(f.value, f.value, f)
    for (unit, thing), group in groups.items():
        if group.low[0] < group.high[0]:
            # Spellings of the thing differ only in case; any one names it.
            yield group.conflict(conflict_id(SAME_THING, unit, thing), SAME_THING, unit,
                                 _joined(group.values), min(group.abouts))


def _same_actors(figures: list[StatedFigure]) -> Iterator[FigureConflict]:
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for f in figures:
        values = [v for v in (f.value, f.low, f.high) if v is not None]
        if values:
            for actor in set(f.actors):
                group = groups[(actor, f.unit)]
                group.add(f, values)
                group.bound(min(values), max(values), f)
    for (actor, unit), group in groups.items():
        if len(group.sources) > 1 and group.low[0] < group.high[0]:
            yield group.conflict(conflict_id(SAME_ACTOR, actor, unit), SAME_ACTOR, unit,
                                 _joined(group.values),
                                 SEPARATOR.join(sorted(group.abouts)) or None, actor)


def find_conflicts(figures: Iterable[StatedFigure]) -> list[FigureConflict]:
    """Return every conflict among ``figures`` (see the module docstring for the kinds).

    Parameters
    ----------
    figures
        One record per figure and claim stating it, in any order; figures without a
        unit are left out.

    Returns
    -------
    list of FigureConflict
        Sorted by kind (its text), actor, unit, lowest figure and id: the same
        records give the same list.
    """
    rows = [f for f in figures if f.unit]
    found = [*_ranges(rows), *_same_things(rows), *_same_actors(rows)]
    return sorted(found, key=lambda c: (c.kind, c.actor or "", c.unit, c.lowest, c.id))


def _number(qid: str, value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ExportError(f"quantity {qid!r}: {value!r} is not a finite number")
    # repr() is the shortest text that reads back as the same float: the text the
    # RDF export writes (graph.rdf.decimal_text), so the numbers compare the same.
    return Decimal(repr(value))


def stated_figures(graph: nx.MultiDiGraph) -> list[StatedFigure]:
    """Return the :class:`StatedFigure` records of the claim graph's quantities.

    Claims and their mentions are read from the ``states`` and ``mentions`` edges,
    the ones the RDF export writes as ``cg:statesQuantity`` and ``cg:mentions``.

    Raises
    ------
    ExportError
        If a figure is not a finite number (the RDF export refuses it too).
    """
    found = []
    for qid, data in graph.nodes(data=True):
        if data.get("type") != "quantity":
            continue
        for claim, keyed in graph.pred[qid].items():
            if "states" not in keyed:
                continue
            found.append(StatedFigure(
                quantity=qid, claim=claim, source=graph.nodes[claim].get("source"),
                unit=data.get("unit") or None, about=data.get("subject") or None,
                value=_number(qid, data.get("value")),
                low=_number(qid, data.get("min_value")),
                high=_number(qid, data.get("max_value")),
                actors=tuple(sorted(a for a, k in graph.succ[claim].items() if "mentions" in k)),
            ))
    return found
