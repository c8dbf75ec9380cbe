"""Check RDF exports against claimgraph's SHACL shapes (``data/shapes.ttl``).

The shapes are checked on the union of all named graphs (claims in a source's
graph point at actors in the shared graph), with no inference: every export types
its nodes explicitly (``a cg:Actor, cg:Country``), so ``sh:class`` needs no class
hierarchy and the ontology is not loaded.

pySHACL evaluates a SPARQL constraint once per focus node, which costs about a
second per few thousand triples; so :func:`validate` hands pySHACL the core
constraints only and runs each ``sh:sparql`` constraint itself as one query over
the whole graph (``$this`` unbound), keeping the focus nodes of the shape's target
classes. The results are the same; a standard SHACL engine can run
``data/shapes.ttl`` as it is.

Two engines check the same shapes file (:data:`ENGINES`):

``"pyshacl"``
    pySHACL, the reference. ``claimgraph validate`` uses it.
``"turbo"``
    pyshacl-turbo (a Rust SHACL engine with pySHACL's API and report format),
    which runs ``data/shapes.ttl`` unchanged, SPARQL constraint included, about ten
    times faster. ``claimgraph build`` uses it when it is installed (see
    :func:`fast_engine`), in batches as the RDF is written (:class:`ChunkValidator`),
    and pySHACL otherwise. ``tests/test_validate.py`` breaks the graph for every
    shape and checks that both engines, and the batches, report it.

Examples
--------
>>> from rdflib import Graph
>>> validate(Graph())
[]
>>> describe([])
'The graph conforms to the claimgraph shapes.'
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.data import DATA
from graph.errors import ClaimgraphError
from graph.ids import ONTOLOGY
from graph.rdf import ACTORS_GRAPH
from graph.vocab import ID, PREFIXES

SHAPES_PATH = DATA / "shapes.ttl"
"""The SHACL shapes every export must conform to."""

ENGINES = ("pyshacl", "turbo")
"""SHACL engines :func:`validate` can use; ``"pyshacl"`` is the reference."""


@dataclass(frozen=True)
class Violation:
    """One way in which a node breaks a shape.

    Attributes
    ----------
    focus : str
        IRI (or literal) of the node that breaks the shape.
    path : str | None
        The property at fault (``None`` for a node-level constraint).
    message : str
        What is wrong, in plain words.
    shape : str
        IRI of the shape (or SPARQL constraint) that fired
        (``https://w3id.org/claimgraph/shapes#…``).
    value : str | None
        The offending value, where there is one.
    """

    focus: str
    path: str | None
    message: str
    shape: str
    value: str | None = None


@functools.cache
def load_shapes(path: Path = SHAPES_PATH) -> Graph:
    """Return the shapes graph, parsed once per process."""
    return Graph().parse(path, format="turtle")


def _union(data: Graph | Dataset) -> Graph:
    if isinstance(data, Dataset):
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return data


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _split_sparql(shapes: Graph) -> tuple[Graph, list[tuple[Node, Node]]]:
    """Return the shapes without ``sh:sparql`` links, and the (shape, constraint) pairs."""
    core = Graph()
    pairs = []
    for triple in shapes:
        if triple[1] == SH.sparql:
            pairs.append((triple[0], triple[2]))
        else:
            core.add(triple)
    return core, sorted(pairs)


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(lines)) + "\n"


def _sparql_violations(graph: Graph, shapes: Graph, pairs) -> set[Violation]:
    found = set()
    for shape, constraint in pairs:
        targets = set(shapes.objects(shape, SH.targetClass))
        query = _prefixes(shapes, constraint) + str(shapes.value(constraint, SH.select))
        message = str(shapes.value(constraint, SH.message) or "shape not met")
        for row in graph.query(query.replace("$this", "?this")):
            focus = row[0]
            if targets and not any((focus, RDF.type, t) in graph for t in targets):
                continue
            found.add(Violation(str(focus), None, message, str(constraint), str(focus)))
    return found


@functools.cache
def _prepared(path: Path = SHAPES_PATH) -> tuple[Graph, list[tuple[Node, Node]]]:
    return _split_sparql(load_shapes(path))


def fast_engine() -> str:
    """Return the fastest installed engine: ``"turbo"`` if pyshacl-turbo is there.

    >>> fast_engine() in ENGINES
    True
    """
    return "turbo" if importlib.util.find_spec("pyshacl_turbo") is not None else "pyshacl"


@functools.cache
def _turbo_shapes(path: Path = SHAPES_PATH) -> object:
    from pyshacl_turbo import compile_shapes

    return compile_shapes(load_shapes(path), advanced=True)


def _report_violations(report: Graph) -> set[Violation]:
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        message = report.value(result, SH.resultMessage)
        # A SPARQL constraint is reported under its node shape; name the constraint.
        shape = report.value(result, SH.sourceConstraint)
        if not isinstance(shape, URIRef):
            shape = report.value(result, SH.sourceShape)
        found.add(Violation(
            focus=str(report.value(result, SH.focusNode)),
            path=_text(report.value(result, SH.resultPath)),
            message=str(message) if isinstance(message, Literal) else "shape not met",
            shape=str(shape),
            value=_text(report.value(result, SH.value)),
        ))
    return found


def _sorted(found: set[Violation]) -> list[Violation]:
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.shape, v.message,
                                        v.value or ""))


def _is_store(data: object) -> bool:
    return type(data).__module__.startswith("pyoxigraph") and hasattr(data, "quads_for_pattern")


def _store_graph(store: ox.Store) -> Graph:
    """The union of a pyoxigraph store's graphs as an rdflib Graph (for pySHACL)."""
    text = store.dump(format=ox.RdfFormat.N_QUADS)
    union = Graph()
    for s, p, o, _ in Dataset().parse(data=text, format="nquads").quads():
        union.add((s, p, o))
    return union


def validate(data: Graph | Dataset | ox.Store, shapes: Graph | None = None, *,
             engine: str = "pyshacl") -> list[Violation]:
    """Return every violation of the claimgraph shapes in ``data`` (empty: valid).

    Parameters
    ----------
    data
        A graph, a dataset or a pyoxigraph store (named graphs are checked
        together, as one).
    shapes
        Shapes to check against; the default is ``data/shapes.ttl``.
    engine
        ``"pyshacl"`` (the reference) or ``"turbo"``; see :data:`ENGINES`.

    Returns
    -------
    list of Violation
        Sorted, so the same data always gives the same list.

    Raises
    ------
    ClaimgraphError
        If ``engine`` is unknown or not installed.
    """
    if engine not in ENGINES:
        raise ClaimgraphError(f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
    if engine == "turbo":
        return _validate_turbo(data, shapes)
    graph = _store_graph(data) if _is_store(data) else _union(data)
    full = shapes if shapes is not None else load_shapes()
    core, pairs = _split_sparql(full) if shapes is not None else _prepared()
    _, report, _ = shacl_validate(
        graph,
        shacl_graph=core,
        inference="none",
        advanced=True,
        allow_warnings=False,
    )
    found = _sparql_violations(graph, full, pairs)
    found |= _report_violations(report)
    return _sorted(found)


def _validate_turbo(data: Graph | Dataset | ox.Store, shapes: Graph | None) -> list[Violation]:
    if fast_engine() != "turbo":
        raise ClaimgraphError(
            "the SHACL engine pyshacl-turbo is not installed; "
            "install it with: .venv/bin/pip install pyshacl-turbo==0.6.5"
        )
    if shapes is None:
        compiled = _turbo_shapes()
    else:
        from pyshacl_turbo import compile_shapes

        compiled = compile_shapes(shapes, advanced=True)
    if not _is_store(data) and isinstance(data, Graph):
        data = _union(data)
    conforms, report, _ = compiled.validate(data, inference="none")
    found = _report_violations(report)
    if not conforms and not found:
        raise ClaimgraphError("pyshacl-turbo reported a failure without results")
    return _sorted(found)


def validate_nquads(text: bytes, *, engine: str = "turbo") -> list[Violation]:
    """Return every violation of the shapes in N-Quads written by pyoxigraph.

    With pyshacl-turbo this hands the text straight to the engine -- exactly what
    it does with a pyoxigraph store, which it first dumps as N-Quads -- so no
    store is built. Otherwise the text is loaded into a store and checked by
    :func:`validate`.

    Parameters
    ----------
    text
        N-Quads, as :func:`graph.exports.rdf_bytes` writes them.
    engine
        ``"pyshacl"`` or ``"turbo"``; see :data:`ENGINES`.

    Returns
    -------
    list of Violation
        Sorted, as :func:`validate` returns them.

    Examples
    --------
    >>> validate_nquads(b"", engine="pyshacl")
    []
    """

    if engine == "turbo" and fast_engine() == "turbo":
        try:
            from pyshacl_turbo.rdf import Input
        except ImportError:  # another version of pyshacl-turbo: go through a store
            Input = None
        if Input is not None:
            # The format name is the one pyshacl-turbo gives a store's dump.
            data = Input(text.decode("utf-8"), "oxigraph-nquads", None, {}, preserve_ids=True)
            return _validate_turbo(data, None)
    store = ox.Store()
    if text:
        store.load(text, format=ox.RdfFormat.N_QUADS)
    return validate(store, engine=engine)


def validate_file(path: Path, *, engine: str = "pyshacl") -> list[Violation]:
    """Return the violations of the shapes in an RDF file (format from its suffix).

    Raises
    ------
    ClaimgraphError
        If the file cannot be read or parsed.
    """
    from rdflib.util import guess_format

    path = Path(path)
    fmt = guess_format(path.name) or "turtle"
    data: Graph = Dataset() if fmt in ("trig", "nquads") else Graph()
    try:
        data.parse(path, format=fmt)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ClaimgraphError(f"{path}: cannot read RDF ({exc})") from None
    except Exception as exc:  # rdflib parsers raise many types on bad input
        raise ClaimgraphError(f"{path}: cannot parse as {fmt} ({exc})") from None
    return validate(data, engine=engine)


def describe(violations: list[Violation], limit: int = 20) -> str:
    """Return the violations as plain sentences, one per line, at most ``limit``.

    Examples
    --------
    >>> v = Violation("https://w3id.org/claimgraph/actor/x",
    ...     "http://www.w3.org/2000/01/rdf-schema#label", "an actor needs one label",
    ...     "https://w3id.org/claimgraph/shapes#Actor-label")
    >>> print(describe([v]))
    1 problem with the graph:
    - https://w3id.org/claimgraph/actor/x: an actor needs one label (rdfs:label; rule Actor-label)
    """
    if not violations:
        return "The graph conforms to the claimgraph shapes."
    noun = "problem" if len(violations) == 1 else "problems"
    lines = [f"{len(violations)} {noun} with the graph:"]
    for v in violations[:limit]:
        where = [_short(v.path)] if v.path else []
        if v.value is not None:
            where.append(f"value {v.value!r}")
        where.append("rule " + v.shape.rsplit("#", 1)[-1])
        lines.append(f"- {v.focus}: {v.message} ({'; '.join(where)})")
    if len(violations) > limit:
        lines.append(f"... and {len(violations) - limit} more")
    return "\n".join(lines)


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


@functools.cache
def _shape_targets(path: Path = SHAPES_PATH) -> dict[URIRef, tuple[set, set]]:
    """Node shape -> (classes it targets, predicates whose subjects or objects it targets)."""
    shapes = load_shapes(path)
    found: dict[URIRef, tuple[set, set]] = {}
    for shape, _, cls in shapes.triples((None, SH.targetClass, None)):
        found.setdefault(shape, (set(), set()))[0].add(str(cls))
    for kind in (SH.targetSubjectsOf, SH.targetObjectsOf):
        for shape, _, pred in shapes.triples((None, kind, None)):
            found.setdefault(shape, (set(), set()))[1].add(str(pred))
    for shape in shapes.subjects(SH.targetNode, None):
        raise ClaimgraphError(f"{path}: {shape} uses sh:targetNode, which the build "
                              "cannot check graph by graph")
    return found


@functools.cache
def _checked_classes(path: Path = SHAPES_PATH) -> frozenset[str]:
    """Every class a shape asks a value node to be an instance of (``sh:class``)."""
    return frozenset(str(cls) for cls in load_shapes(path).objects(None, SH["class"]))


_RDF_TYPE = str(RDF.type)
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_STATEMENT_PARTS = frozenset((_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT))
# claimgraph's own nodes have IRIs under ID, and so do the ontology and its terms.
_INSTANCES = str(ID)
_VOCABULARY = ONTOLOGY.rstrip("#")


def _cites(row: tuple[str, str, str, bool], subjects: set[str]) -> bool:
    """Whether a (subject, predicate, object, object is an IRI) row points at a
    claimgraph node (not a term of the ontology) that is not one of ``subjects``."""
    _, p, o, iri = row
    return (iri and p != _RDF_TYPE and o.startswith(_INSTANCES)
            and not o.startswith(_VOCABULARY) and o not in subjects)


@dataclass
class _CitingSubject:
    """A subject of the actors graph that cites other graphs' nodes: its lines (and
    the triple it describes, if a statement), the nodes it cites and how many of
    them have not come yet."""

    lines: list[bytes] = field(default_factory=list)
    cited: set[str] = field(default_factory=set)
    missing: int = 0


class ChunkValidator:
    """Check the RDF against the shapes named graph by named graph, as it is written.

    The build hands each named graph to :meth:`add` in the order of
    :func:`graph.rdf.named_graphs` (the actors graph first, each reader-comments
    graph right after its article), calls :meth:`end` once the last is in (the
    checks left then run on while the build writes other files) and reads the
    verdict from :meth:`finish`.

    The shapes fall in two parts: those that target something in the actors graph
    (actors, relationship statements, figure conflicts, relationship triples) and the
    rest (sources, claims, selectors, quantities). Source graphs are checked with the
    second part in batches of about ``batch_quads`` statements, each batch carrying
    the ``rdf:type`` statements of the actors graph that name a class some shape
    asks for with ``sh:class`` (an actor's ``cg:Actor``). The actors graph is split
    by subject (:meth:`_split_actors`): what cites no other graph's node (actors,
    their relationship triples) is checked as soon as it comes; a relationship
    statement or figure conflict, which cites claims and sources, once the graphs
    holding them are in, in pieces of about ``batch_quads`` statements, each
    carrying the actors' types, the triple each statement describes and the types
    of the claims and sources it cites.

    Batches are checked on ``threads`` background threads (pyshacl-turbo lets go of
    the GIL), and at most one more than that wait, so memory stays at a few batches
    whatever the corpus. Small batches start the checks early and cost less:
    pyshacl-turbo's cost of reading a batch grows faster than its size.

    The verdict is the one of checking everything at once because every shape
    looks only at its focus node's own statements, at the *type* of nodes it
    points to (``sh:class``) and, for a relationship statement, at the triple it
    describes, which is what a batch carries; a document's graphs always share a
    batch. A source graph holding something an actors-graph shape
    targets would escape that shape, so it stops the check with an error instead.
    ``tests/test_validate.py`` checks that every deliberately broken graph gets the
    same violations both ways.

    With ``engine="pyshacl"`` (no pyshacl-turbo) the quads are kept and checked
    together by :func:`validate` in :meth:`finish`.
    """

    def __init__(self, *, engine: str = "turbo", batch_quads: int = 10_000,
                 threads: int = 2) -> None:
        from concurrent.futures import ThreadPoolExecutor

        if engine not in ENGINES:
            raise ClaimgraphError(
                f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
        self.engine = engine
        self.batch_quads = batch_quads
        self._targets = _shape_targets()
        self._actors: bytes | None = None
        self._actor_shapes: list[URIRef] = []
        self._source_shapes: list[URIRef] = []
        self._actor_classes: set[str] = set()
        self._actor_predicates: set[str] = set()
        self._actor_types: list[bytes] = []
        self._citing: list[_CitingSubject] = []
        self._waiting: dict[str, list[int]] = {}
        self._ready: list[int] = []
        self._ready_quads = 0
        self._arrived: dict[str, URIRef] = {}
        self._citing_shapes: list[URIRef] = []
        self._wanted: dict[str, list[bytes]] = {}
        self._batch: list[bytes] = []
        self._batch_quads = 0
        self._root = ""
        self._all: list = []
        self._threads = max(1, threads)
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="shacl")
        self._pending: list = []
        self._done: list[set[Violation]] = []
        self._ended = False

    def add(self, name: URIRef, items: list[ox.Quad], ntriples: bytes, document: str) -> None:
        """Take one named graph: its name, pyoxigraph quads and N-Triples lines (the
        shapes read the union of the graphs, and the engine reads N-Triples faster
        than N-Quads: shorter lines).

        ``document`` names the document the graph comes from (an article and its
        reader comments share one), so that its graphs share a batch.
        """
        if self._ended:
            raise ClaimgraphError("a named graph came after the end of the input")
        if self.engine != "turbo":
            self._all.extend(items)
            return
        if name == ACTORS_GRAPH:
            self._take_actors(items, ntriples)
            return
        if self._actors is None:
            raise ClaimgraphError("a source graph came before the actors graph")
        rdf_type, wanted, actor_predicates = _RDF_TYPE, self._wanted, self._actor_predicates
        for item in items:
            s, p, o, g = item
            predicate = p.value
            if predicate in actor_predicates:
                raise ClaimgraphError(
                    f"{name} holds relationship triples, which only the actors graph may hold")
            if predicate == rdf_type:
                if o.value in self._actor_classes:
                    raise ClaimgraphError(
                        f"{s.value} in {g.value} is a {o.value}, which only the actors "
                        "graph may hold; the shapes cannot be checked graph by graph")
                node = s.value
                lines = wanted.get(node)
                if lines is not None:
                    lines.append(f"{item.triple} .\n".encode())
                    self._arrive(node, name)
        if self._ready_quads >= self.batch_quads:
            self._submit_citing(self._ready)
            self._ready, self._ready_quads = [], 0
        if document != self._root:
            self._root = document
            if self._batch_quads >= self.batch_quads:
                self._flush()
        self._batch.append(ntriples)
        self._batch_quads += len(items)

    def _take_actors(self, items: list[ox.Quad], ntriples: bytes) -> None:
        if self._actors is not None:
            raise ClaimgraphError("the actors graph came twice")
        self._actors = ntriples
        # Each term's text read once (pyoxigraph makes a new string at each read).
        named_node = ox.NamedNode
        rows = [(q.subject.value, q.predicate.value, q.object.value, type(q.object) is named_node)
                for q in items]
        subjects = {row[0] for row in rows}
        type_rows = [i for i, row in enumerate(rows) if row[1] == _RDF_TYPE]
        self._actor_classes = {rows[i][2] for i in type_rows}
        predicates = {row[1] for row in rows}
        for shape, (classes, preds) in sorted(self._targets.items()):
            targeted = classes & self._actor_classes or preds & predicates
            (self._actor_shapes if targeted else self._source_shapes).append(shape)
        self._actor_predicates = {p for shape in self._actor_shapes
                                  for p in self._targets[shape][1]}
        # Source batches need an actors-graph node's type only where a shape asks
        # for it with sh:class (relationship statements' and conflicts' types would
        # only make every batch larger).
        classes = _checked_classes()
        self._actor_types = [f"{items[i].triple} .\n".encode() for i in type_rows
                             if rows[i][2] in classes]
        self._wanted = {o: [] for _, _, o, iri in rows if iri and o not in subjects}
        self._split_actors(rows, ntriples, subjects)

    def _split_actors(self, rows: list[tuple[str, str, str, bool]], ntriples: bytes,
                      subjects: set[str]) -> None:
        """Check the actors graph's self-contained part now and keep the rest in pieces.

        ``rows`` are the graph's quads as (subject, predicate, object, whether the
        object is an IRI), in the order of the lines of ``ntriples``.

        A subject *cites* when it points at a claimgraph node of another named graph
        (a statement's claims and sources): its check needs their types, known only
        once the graphs holding them are in (:meth:`_arrive`). The other subjects
        (actors, their relationship triples, the dataset) are checked at once, with
        the shapes that target them. Citing subjects are checked as they become
        ready (those whose cited nodes never come, at the end), in pieces of about
        ``batch_quads`` statements, each with the shapes that target citing
        subjects and carrying the actors' types, the triple each of its
        ``rdf:Statement`` nodes describes and the types of the nodes it cites.
        Where one shape targets subjects of both kinds, the graph is checked in
        one piece at the end, as a whole.
        """
        lines = ntriples.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        if len(lines) != len(rows):  # one line per quad: else keep the graph whole
            return
        runs: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            runs.setdefault(row[0], []).append(i)
        citing: dict[str, list[int]] = {}
        own: list[int] = []
        for subject, at in runs.items():
            if any(_cites(rows[i], subjects) for i in at):
                citing[subject] = at
            else:
                own.extend(at)
        if not citing or not own:
            return
        own_shapes = self._shapes_targeting([rows[i] for i in own])
        citing_shapes = self._shapes_targeting([rows[i] for at in citing.values() for i in at])
        if own_shapes & citing_shapes:
            return
        own_triples = {rows[i][:3]: i for i in own}
        self._submit([b"".join(lines[i] + b"\n" for i in own), *self._actor_types],
                     sorted(own_shapes))
        for at in citing.values():
            subject = _CitingSubject()
            parts = {}
            for i in at:
                _, p, o, _ = rows[i]
                subject.lines.append(lines[i] + b"\n")
                if p in _STATEMENT_PARTS:
                    parts[p] = o
                if _cites(rows[i], subjects):
                    subject.cited.add(o)
            # The triple an rdf:Statement describes (its ?s ?p ?o), where there is one.
            described = own_triples.get(
                (parts.get(_RDF_SUBJECT), parts.get(_RDF_PREDICATE), parts.get(_RDF_OBJECT)))
            if described is not None:
                subject.lines.append(lines[described] + b"\n")
            subject.missing = len(subject.cited)
            for iri in subject.cited:
                self._waiting.setdefault(iri, []).append(len(self._citing))
            self._citing.append(subject)
        self._citing_shapes = sorted(citing_shapes)
        self._actors = b""

    def _shapes_targeting(self, rows: list[tuple[str, str, str, bool]]) -> set[URIRef]:
        """The actors-graph shapes with a target among ``rows`` (as in :meth:`_split_actors`)."""
        classes = {o for _, p, o, _ in rows if p == _RDF_TYPE}
        predicates = {p for _, p, _, _ in rows}
        return {shape for shape in self._actor_shapes
                if self._targets[shape][0] & classes or self._targets[shape][1] & predicates}

    def _arrive(self, node: str, name: URIRef) -> None:
        """Note that the types of ``node``, cited by the actors graph, came in graph ``name``.

        The subjects citing it wait for one node fewer; those waiting for none are
        ready to be checked. A node's statements all live in one named graph, so
        its types are complete with that graph: a node typed in a second graph
        stops the check.
        """
        first = self._arrived.setdefault(node, name)
        if first != name:
            raise ClaimgraphError(
                f"{node} has statements in {first} and in {name}; the shapes cannot be "
                "checked graph by graph")
        for k in self._waiting.pop(node, ()):
            subject = self._citing[k]
            subject.missing -= 1
            if not subject.missing:
                self._ready.append(k)
                self._ready_quads += len(subject.lines)

    def _submit_citing(self, chosen: list[int]) -> None:
        """Queue a check of the citing subjects ``chosen`` (indices into the list)."""
        if not chosen:
            return
        subjects = [self._citing[k] for k in chosen]
        cited = sorted({iri for subject in subjects for iri in subject.cited})
        stubs = [line for iri in cited for line in self._wanted.get(iri, ())]
        self._submit([line for subject in subjects for line in subject.lines]
                     + self._actor_types + stubs, self._citing_shapes)
        for k in chosen:
            self._citing[k] = _CitingSubject()  # checked: its lines are not needed again

    def _flush(self) -> None:
        if self._batch_quads:
            self._submit(self._batch + self._actor_types, self._source_shapes)
        self._batch, self._batch_quads = [], 0

    def _submit(self, parts: list[bytes], shapes: list[URIRef]) -> None:
        # At most one batch per thread and one more wait, so memory stays bounded.
        while len(self._pending) > self._threads:
            self._done.append(self._pending.pop(0).result())
        self._pending.append(self._pool.submit(self._check, parts, shapes))

    @staticmethod
    def _check(parts: list[bytes], shapes: list[URIRef]) -> set[Violation]:
        from pyshacl_turbo.rdf import Input

        if not shapes:
            return set()
        data = Input(b"".join(parts).decode("utf-8"), "nt", None, {},
                     preserve_ids=True)
        conforms, report, _ = _turbo_shapes().validate(data, inference="none",
                                                       use_shapes=shapes)
        found = _report_violations(report)
        if not conforms and not found:
            raise ClaimgraphError("pyshacl-turbo reported a failure without results")
        return found

    def end(self) -> None:
        """No more graphs: queue the last batch and the actors graph, without waiting.

        The checks then run on while the caller does other work; :meth:`finish`
        waits for them.
        """
        if self._ended:
            return
        self._ended = True
        if self.engine != "turbo":
            return
        self._flush()
        # Subjects still waiting for a cited node (which never came) go with the
        # last ready ones, in pieces of about batch_quads statements.
        ready = set(self._ready)
        rest = self._ready + [k for k, subject in enumerate(self._citing)
                              if subject.missing and k not in ready]
        piece: list[int] = []
        size = 0
        for k in rest:
            piece.append(k)
            size += len(self._citing[k].lines)
            if size >= self.batch_quads:
                self._submit_citing(piece)
                piece, size = [], 0
        self._submit_citing(piece)
        self._citing, self._waiting, self._ready, self._ready_quads = [], {}, [], 0
        if self._actors:
            stubs = [line for iri in sorted(self._wanted) for line in self._wanted[iri]]
            self._submit([self._actors, *stubs], self._actor_shapes)
        self._actors, self._wanted = b"", {}

    def finish(self) -> list[Violation]:
        """Check what is left and return every violation, sorted (empty: valid)."""
        if self.engine != "turbo":
            from graph.rdf import dataset_from_quads, rdflib_quad

            return validate(dataset_from_quads([rdflib_quad(q) for q in self._all]),
                            engine=self.engine)
        try:
            self.end()
            found: set[Violation] = set()
            for result in self._done:
                found |= result
            for future in self._pending:
                found |= future.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
        return _sorted(found)

    def close(self) -> None:
        """Stop the background thread without a verdict (the build failed)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
