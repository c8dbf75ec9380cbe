"""Write every export of the claim graph, each file atomically.

Files written by :func:`write_exports`:

``graph.ttl``
    Turtle, the union of all named graphs in one graph (what SPARQL users and the
    scorer read).
``graph.trig`` / ``graph.nq``
    The dataset with its named graphs (see :mod:`graph.rdf`).
``graph.nt``
    N-Triples of the union, one canonical line per triple, sorted within each
    named graph (``graph.nq`` likewise).
``graph.jsonld``
    Compact JSON-LD of the dataset, named graphs as ``@graph`` objects, with the
    ``@context`` of ``data/context.jsonld`` *embedded* (so the file reads on its own,
    offline).
``graph.graphml`` / ``graph.gexf`` / ``claims.csv`` / ``relationships.csv``
    See :mod:`graph.tables`.
``README.md``
    The data card, see :mod:`graph.datacard`.

RDF text is written by pyoxigraph, one named graph at a time (:class:`RdfWriter`,
fed by :func:`graph.rdf.named_graphs`), so the whole RDF is never in memory: on a
graph of 283k triples pyoxigraph writes Turtle in 0.2 s where rdflib takes about
290 s (TriG 0.05 s against 89 s), and the output is byte-identical for the same
input order. Each file goes to a temporary file in the output folder first and is
then ``os.replace``-d into place, so a crash midway leaves the previous file intact.

Examples
--------
>>> compact_iri("https://w3id.org/claimgraph/actor/russia")
'id:actor/russia'
>>> compact_iri("https://w3id.org/claimgraph/ontology#Actor")
'cg:Actor'
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import orjson
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from graph.datacard import render_datacard
from graph.errors import ExportError
from graph.rdf import DATA, Quad, named_graphs_with_nquads, ntriples_from_nquads
from graph.tables import relationships_csv, write_claims_csv, write_graph_xml
from graph.vocab import ID, PREFIXES

CONTEXT_PATH = DATA / "context.jsonld"
"""The published JSON-LD context (prefixes and readable term names)."""

INSTANCE_PREFIXES = {
    kind: f"{ID}{kind}/" for kind in ("actor", "claim", "graph", "quantity", "relation", "source")
}
"""Prefixes for instance IRIs in Turtle and TriG (``actor:russia``)."""

TEXT_PREFIXES = {
    **{p: str(ns) for p, ns in PREFIXES.items() if p != "id"},
    **INSTANCE_PREFIXES,
}
"""Prefixes written in Turtle and TriG. ``id:`` is left out: pyoxigraph would have to
escape the slash (``id:actor\\/russia``); the instance prefixes read better."""

PREFIX_LINES = tuple(f"@prefix {p}: <{ns}> .".encode() for p, ns in TEXT_PREFIXES.items())
"""The ``@prefix`` lines that open Turtle and TriG, in :data:`TEXT_PREFIXES` order."""

FILES = (
    "graph.ttl", "graph.trig", "graph.nq", "graph.nt", "graph.jsonld", "graph.graphml",
    "graph.gexf", "claims.csv", "relationships.csv", "README.md",
)
"""Every file :func:`write_exports` writes, in the order it writes them."""


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_atomic(Path(d) / "a.txt", b"hi")
    ...     p.read_bytes(), sorted(x.name for x in Path(d).iterdir())
    (b'hi', ['a.txt'])
    """
    return _write_replacing(Path(path), lambda handle: handle.write(data))


def _open_temp(path: Path) -> tuple[str, BinaryIO]:
    """A new temporary file beside ``path``, open for writing, and its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        return tmp, os.fdopen(fd, "wb", buffering=1 << 20)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_replacing(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it into place."""
    tmp, handle = _open_temp(path)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def to_oxigraph(items: Iterable[Quad]) -> list[ox.Quad]:
    """Return claimgraph's quads as pyoxigraph quads, in the same order.

    Each IRI becomes one shared :class:`pyoxigraph.NamedNode`, looked up first by
    the identity of the rdflib term (most terms are shared objects) and then by
    its text.

    Raises
    ------
    ExportError
        On a blank node (exports never hold one).
    """
    by_text: dict[str, ox.NamedNode] = {}
    by_id: dict[int, ox.NamedNode] = {}
    keep: list[URIRef] = []  # the terms whose ids key by_id stay alive
    named_node, ox_literal, ox_quad = ox.NamedNode, ox.Literal, ox.Quad

    def iri(term: URIRef) -> ox.NamedNode:
        node = by_id.get(id(term))
        if node is None:
            text = str(term)
            node = by_text.get(text)
            if node is None:
                node = by_text[text] = named_node(text)
            by_id[id(term)] = node
            keep.append(term)
        return node

    out = []
    append = out.append
    for s, p, o, g in items:
        if type(o) is Literal:
            if o.language:
                obj = ox_literal(str(o), language=o.language)
            elif o.datatype is not None:
                obj = ox_literal(str(o), datatype=iri(o.datatype))
            else:
                obj = ox_literal(str(o))
        elif isinstance(o, URIRef):
            obj = iri(o)
        else:
            raise ExportError(f"cannot export a {type(o).__name__} ({o!r}): no blank nodes")
        append(ox_quad(iri(s), iri(p), obj, iri(g)))
    return out


def union_triples(data: list[ox.Quad]) -> list[ox.Triple]:
    """Return the triples of ``data`` without graph names, unique, in order.

    Every subject lives in one named graph, so sorted quads keep each subject's
    triples together and Turtle can group them.
    """
    return list(dict.fromkeys(q.triple for q in data))


def rdf_bytes(data: list[ox.Quad] | list[ox.Triple], fmt: str) -> bytes:
    """Serialise sorted quads as ``turtle``, ``trig``, ``nquads`` or ``ntriples``.

    Turtle and N-Triples hold the union of the named graphs (pass the quads, or
    their :func:`union_triples` to save making them twice). N-Triples and N-Quads
    lines are sorted.
    """
    formats = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
               "nquads": ox.RdfFormat.N_QUADS, "ntriples": ox.RdfFormat.N_TRIPLES}
    if fmt not in formats:
        raise ExportError(f"unknown RDF format {fmt!r}")
    items = data
    if fmt in ("turtle", "ntriples") and data and isinstance(data[0], ox.Quad):
        items = union_triples(data)
    if fmt in ("turtle", "trig"):
        return _fixed_prefix_order(
            ox.serialize(items, format=formats[fmt], prefixes=TEXT_PREFIXES)
        )
    lines = sorted(set(ox.serialize(items, format=formats[fmt]).splitlines()))
    return b"".join(line + b"\n" for line in lines)


def _fixed_prefix_order(text: bytes) -> bytes:
    """Rewrite the leading ``@prefix`` lines in :data:`TEXT_PREFIXES` order.

    pyoxigraph keeps its prefixes in a hash map, so their order is not promised.
    """
    lines = text.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    if sorted(PREFIX_LINES) != sorted(lines[:n]):
        raise ExportError("pyoxigraph wrote unexpected prefix lines")
    return b"\n".join([*PREFIX_LINES, b"", *lines[n:]])


def load_context() -> dict:
    """Return the JSON-LD context object of ``data/context.jsonld``."""
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]


_PREFIX_ORDER = sorted(
    ((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1])
)


@functools.lru_cache(maxsize=65536)
def compact_iri(iri: str) -> str:
    """Return ``iri`` as ``prefix:local`` with the longest matching prefix, if any."""
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _term_table(context: dict) -> dict[str, tuple[str, str | None]]:
    """Map predicate IRI -> (term name, coerced type as a full IRI, ``@id`` or None)."""

    def expand(value: str) -> str:
        prefix, _, local = value.partition(":")
        ns = context.get(prefix)
        return ns + local if isinstance(ns, str) and local else value

    table = {}
    for name, spec in context.items():
        if isinstance(spec, str):
            if name in PREFIXES:
                continue
            table[expand(spec)] = (name, None)
        else:
            kind = spec.get("@type")
            table[expand(spec["@id"])] = (name, kind if kind == "@id" else expand(kind))
    return table


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = str(RDF.type)


def _literal_plan(predicate: str, datatype: str, table: dict) -> tuple[str, str | None]:
    """(term, compact datatype or None for a plain string) for a literal of ``predicate``."""
    term, coerce = table.get(predicate, (None, None))
    fits = datatype == _XSD_STRING if coerce is None else (coerce != "@id"
                                                            and datatype == coerce)
    if term is None or not fits:
        term, coerce = compact_iri(predicate), None
    return term, None if datatype in (_XSD_STRING, coerce) else compact_iri(datatype)


def _iri_plan(predicate: str, table: dict) -> tuple[str, bool]:
    """(term, whether the value is written as a bare compact IRI) for an IRI value."""
    term, coerce = table.get(predicate, (None, None))
    if term is None or coerce != "@id":
        return compact_iri(predicate), False
    return term, True


class _JsonLdPlans:
    """How each predicate's values are written, worked out once per predicate (and
    datatype) rather than once per statement."""

    def __init__(self, table: dict) -> None:
        self.table = table
        self.literals: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.iris: dict[str, tuple[str, bool]] = {}

    def literal(self, predicate: str, datatype: str) -> tuple[str, str | None]:
        plan = self.literals.get((predicate, datatype))
        if plan is None:
            plan = self.literals[predicate, datatype] = _literal_plan(
                predicate, datatype, self.table)
        return plan

    def iri(self, predicate: str) -> tuple[str, bool]:
        plan = self.iris.get(predicate)
        if plan is None:
            plan = self.iris[predicate] = _iri_plan(predicate, self.table)
        return plan


def _jsonld_graph(name: URIRef, items: list[ox.Quad], plans: _JsonLdPlans) -> dict:
    """One named graph as a JSON-LD ``@graph`` object (its quads sorted, as made).

    Sorted quads keep each subject's statements together, so a node is finished
    when the subject changes.
    """
    out: list[dict] = []
    subject = None
    node: dict = {}
    literal_type, literal_plan, iri_plan = ox.Literal, plans.literal, plans.iri
    for s, p, o, _ in items:
        if s.value != subject:
            subject = s.value
            node = {"@id": compact_iri(subject)}
            out.append(node)
        predicate = p.value
        if type(o) is literal_type:
            if o.language:
                value: object = {"@value": o.value, "@language": o.language}
                term = compact_iri(predicate)
            else:
                term, datatype = literal_plan(predicate, o.datatype.value)
                value = o.value if datatype is None else {"@value": o.value, "@type": datatype}
        elif predicate == _RDF_TYPE:
            term, value = "@type", compact_iri(o.value)
        else:
            term, bare = iri_plan(predicate)
            value = compact_iri(o.value) if bare else {"@id": compact_iri(o.value)}
        values = node.get(term)
        if values is None:
            node[term] = [value]
        else:
            values.append(value)
    return {"@id": compact_iri(str(name)), "@graph": out}


def _indented(value: object, depth: int) -> bytes:
    """``value`` as JSON indented by two spaces, its lines shifted ``depth`` levels right."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    pad = b"  " * depth
    return pad + text.replace(b"\n", b"\n" + pad)


class _JsonLdText:
    """The pieces of ``graph.jsonld``: a header with the context, one object per named
    graph, and a footer; two-space indents (orjson, which writes them in C)."""

    def __init__(self) -> None:
        self.context = load_context()
        self.plans = _JsonLdPlans(_term_table(self.context))

    def header(self) -> bytes:
        return b'{\n  "@context": ' + _indented(self.context, 1).lstrip() + b',\n  "@graph": ['

    def graph(self, name: URIRef, items: list[ox.Quad], *, first: bool) -> bytes:
        return (b"\n" if first else b",\n") + _indented(
            _jsonld_graph(name, items, self.plans), 2)

    def footer(self) -> bytes:
        return b"\n  ]\n}\n"


def _body(text: bytes) -> bytes:
    """Turtle or TriG text without its leading ``@prefix`` lines (and the blank line after)."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    if text.startswith(b"\n", start):
        start += 1
    return text[start:]


class RdfWriter:
    """Write the RDF exports one named graph at a time, in bounded memory.

    Files (:data:`RDF_STREAM_FILES`): Turtle and N-Triples of the union, TriG and
    N-Quads of the dataset, compact JSON-LD with the context embedded. Feed it the
    chunks of :func:`graph.rdf.named_graphs` with :meth:`add`; :meth:`close` finishes
    each file and renames it into place (a failure before that leaves no file).

    Each chunk is serialised by pyoxigraph on its own, so a named graph's Turtle is
    the same whether it is written alone or among others; every subject lives in
    one named graph, so the union needs no merging across chunks. N-Triples and
    N-Quads lines are sorted within each named graph.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = _ensure_folder(out_dir)
        self.quads = 0
        """Statements written so far (each triple of the union once)."""
        self.graphs = 0
        """Named graphs written so far."""
        self._jsonld = _JsonLdText()
        self._files: dict[str, tuple[str, BinaryIO]] = {}
        try:
            for name in RDF_STREAM_FILES:
                self._files[name] = _open_temp(self.out_dir / name)
            header = b"".join(line + b"\n" for line in PREFIX_LINES) + b"\n"
            self._write("graph.ttl", header)
            self._write("graph.trig", header)
            self._write("graph.jsonld", self._jsonld.header())
        except BaseException:
            self.abort()
            raise

    def _write(self, name: str, data: bytes) -> None:
        try:
            self._files[name][1].write(data)
        except OSError as err:
            raise ExportError(f"{self.out_dir / name}: cannot write ({err})") from err

    def add(self, name: URIRef, items: list[ox.Quad], nquads: bytes) -> bytes:
        """Write one named graph: its sorted pyoxigraph quads and their N-Quads lines
        (:func:`graph.rdf.named_graphs_with_nquads`). Return its N-Triples lines."""
        # The quads come unique and sorted by their N-Quads text, so the lines of
        # both line formats come out sorted (a term is always followed by a space,
        # which sorts before any character a term can hold).
        triples = [q.triple for q in items]
        ntriples = ntriples_from_nquads(nquads, name)
        self._write("graph.nq", nquads)
        self._write("graph.nt", ntriples)
        self._write("graph.ttl", _body(ox.serialize(
            triples, format=ox.RdfFormat.TURTLE, prefixes=TEXT_PREFIXES)))
        self._write("graph.trig", _body(ox.serialize(
            items, format=ox.RdfFormat.TRIG, prefixes=TEXT_PREFIXES)))
        self._write("graph.jsonld", self._jsonld.graph(name, items, first=self.graphs == 0))
        self.quads += len(items)
        self.graphs += 1
        return ntriples

    def close(self) -> dict[str, Path]:
        """Finish every file and rename it into place; return name -> path."""
        self._write("graph.jsonld", self._jsonld.footer())
        written = {}
        try:
            for _, handle in self._files.values():
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
            for name, (tmp, _) in self._files.items():
                os.replace(tmp, self.out_dir / name)
                written[name] = self.out_dir / name
        except OSError as err:
            self.abort()
            raise ExportError(f"{self.out_dir}: cannot write the RDF exports ({err})") from err
        self._files = {}
        return written

    def abort(self) -> None:
        """Close and remove the unfinished files."""
        for tmp, handle in self._files.values():
            with contextlib.suppress(OSError):
                handle.close()
            Path(tmp).unlink(missing_ok=True)
        self._files = {}


GRAPH_FILES = ("graph.graphml", "graph.gexf", "claims.csv", "relationships.csv")
"""The files made from the networkx graph alone (see :func:`write_graph_exports`)."""

RDF_FILES = tuple(name for name in FILES if name not in GRAPH_FILES)
"""The files made from the RDF quads and the data card."""

RDF_STREAM_FILES = ("graph.ttl", "graph.trig", "graph.nq", "graph.nt", "graph.jsonld")
"""The files :class:`RdfWriter` writes."""


def _ensure_folder(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"{out_dir}: cannot make the output folder ({err})") from err
    return out_dir


def write_graph_exports(graph: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write the exports made from the networkx graph alone (:data:`GRAPH_FILES`).

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.
    out_dir
        Folder to write into; made if missing.

    Returns
    -------
    dict
        File name -> path written.

    Raises
    ------
    ExportError
        If a file cannot be written.
    """
    out_dir = _ensure_folder(out_dir)
    written = {}

    def write_xml(gexf: BinaryIO) -> None:
        # GraphML and GEXF in one pass over the graph, each value made text once.
        written["graph.graphml"] = write_streamed(
            out_dir / "graph.graphml", lambda graphml: write_graph_xml(graph, graphml, gexf))

    written["graph.gexf"] = write_streamed(out_dir / "graph.gexf", write_xml)
    written["claims.csv"] = write_streamed(
        out_dir / "claims.csv", lambda handle: write_claims_csv(graph, handle))
    written["relationships.csv"] = write_streamed(
        out_dir / "relationships.csv",
        lambda handle: handle.write(relationships_csv(graph).encode("utf-8")))
    return {name: written[name] for name in GRAPH_FILES}


def write_streamed(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it into place.

    As :func:`write_atomic`, for files written piece by piece; a failure to write is
    an :class:`ExportError`.
    """
    try:
        return _write_replacing(Path(path), write)
    except OSError as err:
        raise ExportError(f"{path}: cannot write ({err})") from err


def write_rdf_exports(graph: nx.MultiDiGraph, out_dir: Path,
                      on_graph: Callable[[URIRef, list[ox.Quad], bytes], None] | None = None,
                      ) -> tuple[dict[str, Path], int]:
    """Write the RDF exports and the data card, one named graph at a time.

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.
    out_dir
        Folder to write into; made if missing.
    on_graph
        Called with each named graph's name, quads and N-Triples lines once written
        (the build validates them as they come).

    Returns
    -------
    tuple
        File name -> path written, and the number of triples in the union.

    Raises
    ------
    ExportError
        If the graph cannot be mapped to RDF or a file cannot be written.
    """
    writer = RdfWriter(out_dir)
    try:
        for name, items, nquads in named_graphs_with_nquads(graph):
            ntriples = writer.add(name, items, nquads)
            if on_graph is not None:
                on_graph(name, items, ntriples)
        written = writer.close()
    except BaseException:
        writer.abort()
        raise
    card = render_datacard(graph, writer.quads, writer.graphs).encode("utf-8")
    written["README.md"] = write_streamed(writer.out_dir / "README.md",
                                          lambda handle: handle.write(card))
    return written, writer.quads


def write_exports(graph: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write every export of ``graph`` into ``out_dir``, each file atomically.

    Parameters
    ----------
    graph
        The claim graph built by :func:`graph.assemble.assemble`.
    out_dir
        Folder to write into; made if missing.

    Returns
    -------
    dict
        File name (see :data:`FILES`) -> path written.

    Raises
    ------
    ExportError
        If the graph cannot be mapped to RDF or a file cannot be written.
    """
    written, _ = write_rdf_exports(graph, out_dir)
    written.update(write_graph_exports(graph, out_dir))
    return {name: written[name] for name in FILES}
