"""Run SPARQL queries on a claimgraph store and format their results.

A query is a SPARQL string, a path to a ``.rq`` file, or the name of a ready query
in ``data/queries/`` (see :func:`resolve_query`). :func:`run_query` runs it
read-only: update forms, ``LOAD`` and ``SERVICE`` are refused before evaluation,
and a syntax error becomes a :class:`QuerySyntaxError` naming line and column.
:func:`format_result` writes the result as an aligned table, CSV, TSV, SPARQL
results JSON or XML, or (for ``CONSTRUCT``/``DESCRIBE``) Turtle, N-Triples,
JSON-LD or RDF/XML.

Every prefix in :data:`graph.vocab.PREFIXES` is predeclared, and the default graph
is the union of all graphs.

Examples
--------
>>> import pyoxigraph
>>> from graph.vocab import CG, ID
>>> store = pyoxigraph.Store()
>>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(ID["actor/iran"]),
...     pyoxigraph.NamedNode(CG.suppliesTo), pyoxigraph.NamedNode(ID["actor/russia"])))
>>> result = run_query(store, "SELECT ?who WHERE { ?who cg:suppliesTo ?whom }")
>>> print(format_result(result, "csv"), end="")
who
https://w3id.org/claimgraph/actor/iran
>>> run_query(store, "DROP ALL")
Traceback (most recent call last):
...
graph.query.QueryRefusedError: updates are refused: this store is read-only (found DROP)
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

from graph.data import DATA
from graph.errors import QueryError
from graph.vocab import ID, PREFIXES

QUERIES_DIR = DATA / "queries"
"""Folder of the ready queries, one ``<name>.rq`` file each."""

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "turtle", "ntriples", "jsonld", "rdfxml", "json", "xml", "csv", "tsv")
RDF_SYNTAX = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "json": pyoxigraph.RdfFormat.JSON_LD,
    "rdfxml": pyoxigraph.RdfFormat.RDF_XML,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
}
"""Syntax of a graph result for each format name that writes RDF."""

UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
"""Keywords that occur only in SPARQL Update requests."""

_TOKENS = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
       |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<comment>\#[^\n]*)
    |(?P<name>[?$]?[^\W\d][\w.\-]*(?::[\w.\-:%]*)?|:[\w.\-:%]*)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_SYNTAX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")


class QueryRefusedError(QueryError):
    """A request would change the store or reach another service; it is refused."""


class QuerySyntaxError(QueryError):
    """A query does not parse; carries the parser's line, column and message."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"malformed query at line {line}, column {column}: {message}")


class QueryTimeoutError(QueryError):
    """A query ran longer than its time limit."""


@dataclass(frozen=True)
class ReadyQuery:
    """A ready query from ``data/queries/``: name, header fields and text."""

    name: str
    title: str
    answers: str
    text: str


@dataclass(frozen=True)
class QueryResult:
    """The materialised result of one query.

    ``kind`` is ``"select"`` (``variables`` and ``rows``), ``"ask"`` (``boolean``)
    or ``"graph"`` (``triples``, for CONSTRUCT and DESCRIBE). ``truncated`` is True
    when rows or triples were cut at the caller's ``max_results``.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[object, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[pyoxigraph.Triple, ...] = ()
    truncated: bool = field(default=False)

    def __len__(self) -> int:
        """Return the number of rows, triples, or 1 for an ASK result."""
        if self.kind == "ask":
            return 1
        return len(self.rows) if self.kind == "select" else len(self.triples)


def ready_queries(folder: Path = QUERIES_DIR) -> dict[str, ReadyQuery]:
    """Return the ready queries in ``folder`` by name.

    Parameters
    ----------
    folder
        A folder of ``<name>.rq`` files whose leading comment lines hold
        ``# title:`` and ``# answers:`` fields.

    Returns
    -------
    dict[str, ReadyQuery]
        Ready queries sorted by name.

    Examples
    --------
    >>> "depends-on" in ready_queries()
    True
    """
    found = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                header.setdefault(match[1].lower(), match[2].strip())
        found[path.stem] = ReadyQuery(
            path.stem, header.get("title", path.stem), header.get("answers", ""), text
        )
    return found


def resolve_query(text_or_path_or_name: str) -> tuple[str, str]:
    """Return ``(name, query text)`` for a query string, ``.rq`` path or ready name.

    Parameters
    ----------
    text_or_path_or_name
        The name of a ready query (``depends-on``), the path of a ``.rq`` file, or
        SPARQL text.

    Returns
    -------
    tuple[str, str]
        The ready query's name, the file's stem, or ``"query"`` for text; and the
        query text.

    Raises
    ------
    QueryError
        If it is neither SPARQL, a readable file, nor a ready query's name; the
        message lists the ready names.

    Examples
    --------
    >>> resolve_query("depends-on")[0]
    'depends-on'
    >>> resolve_query("ASK { ?s ?p ?o }")
    ('query', 'ASK { ?s ?p ?o }')
    >>> resolve_query("no-such-query")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: unknown query 'no-such-query'; ready queries: claims-about-actor, ...
    """
    given = text_or_path_or_name.strip()
    ready = ready_queries()
    if given in ready:
        return given, ready[given].text
    if not re.search(r"[\s{]", given):
        path = Path(given)
        if path.is_file():
            return path.stem, path.read_text(encoding="utf-8")
        if path.suffix in (".rq", ".sparql"):
            raise QueryError(f"{given}: no such query file")
        raise QueryError(f"unknown query '{given}'; ready queries: " + ", ".join(ready))
    return "query", text_or_path_or_name


def guard_query(query: str) -> None:
    """Refuse SPARQL Update forms and ``SERVICE`` before anything is parsed.

    Keywords are found outside IRIs, strings, comments, variables and prefixed
    names, so ``?insert`` or ``"drop"`` pass.

    Parameters
    ----------
    query
        SPARQL text.

    Raises
    ------
    QueryRefusedError
        If the text holds an update keyword or ``SERVICE``.

    Examples
    --------
    >>> guard_query('SELECT ?insert WHERE { ?insert ex:drop "DELETE" } # LOAD')
    >>> guard_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.query.QueryRefusedError: SERVICE is refused: queries run on this store only
    """
    for match in _TOKENS.finditer(query):
        word = (match["name"] or "").upper()
        if word in UPDATE_WORDS:
            raise QueryRefusedError(
                f"updates are refused: this store is read-only (found {word})"
            )
        if word == "SERVICE":
            raise QueryRefusedError("SERVICE is refused: queries run on this store only")


def _syntax_error(err: SyntaxError) -> QuerySyntaxError:
    """Turn pyoxigraph's ``error at L:C: message`` into a :class:`QuerySyntaxError`."""
    text = str(err)
    match = _SYNTAX_ERROR.match(text)
    if match:
        return QuerySyntaxError(int(match[1]), int(match[2]), match[3].strip())
    return QuerySyntaxError(1, 1, text)


def _materialise(raw: object, max_results: int | None, stop: threading.Event) -> QueryResult:
    """Read a pyoxigraph result into a :class:`QueryResult`, at most ``max_results``."""
    if isinstance(raw, pyoxigraph.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw))
    items = []
    truncated = False
    for item in raw:  # type: ignore[attr-defined]
        if stop.is_set():
            break
        if max_results is not None and len(items) >= max_results:
            truncated = True
            break
        items.append(item)
    if isinstance(raw, pyoxigraph.QuerySolutions):
        names = tuple(v.value for v in raw.variables)
        rows = tuple(map(tuple, items))  # a solution iterates its values in variable order
        return QueryResult("select", variables=names, rows=rows, truncated=truncated)
    return QueryResult("graph", triples=tuple(items), truncated=truncated)


def run_query(
    store: pyoxigraph.Store,
    query: str,
    *,
    timeout: float | None = None,
    max_results: int | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).

    Parameters
    ----------
    store
        The store, from :func:`graph.store.open_store`.
    query
        SPARQL 1.1 query text; the prefixes of :data:`graph.vocab.PREFIXES` are
        predeclared.
    timeout
        Seconds after which :class:`QueryTimeoutError` is raised; None waits. The
        evaluation stops at its next solution; an operator that blocks before its
        first solution (ORDER BY, GROUP BY over a huge join) keeps a background
        thread busy until it ends, which the server avoids by running queries in
        killable worker processes.
    max_results
        Keep at most this many rows or triples and mark the result truncated.
    default_graphs, named_graphs
        Graph IRIs for the SPARQL protocol's ``default-graph-uri`` and
        ``named-graph-uri``; without ``default_graphs`` the default graph is the
        union of all graphs.

    Returns
    -------
    QueryResult
        The materialised rows, boolean or triples.

    Raises
    ------
    QueryRefusedError
        For update forms, LOAD and SERVICE.
    QuerySyntaxError
        For a query that does not parse, with line, column and the parser's message.
    QueryTimeoutError
        When ``timeout`` passes.
    QueryError
        When evaluation fails.
    """
    guard_query(query)
    options: dict[str, object] = {"prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
    if default_graphs:
        options["default_graph"] = [pyoxigraph.NamedNode(iri) for iri in default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [pyoxigraph.NamedNode(iri) for iri in named_graphs]
    stop = threading.Event()
    if timeout is None:
        return _execute(store, query, options, max_results, stop)
    box: dict[str, object] = {}

    def work() -> None:
        # pyoxigraph results cannot cross threads: query and read them here.
        try:
            box["result"] = _execute(store, query, options, max_results, stop)
        except QueryError as err:
            box["error"] = err

    worker = threading.Thread(target=work, name="claimgraph-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        stop.set()
        raise QueryTimeoutError(f"query exceeded its time limit of {timeout:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def _execute(
    store: pyoxigraph.Store,
    query: str,
    options: dict[str, object],
    max_results: int | None,
    stop: threading.Event,
) -> QueryResult:
    """Parse, evaluate and materialise ``query``, turning errors into :class:`QueryError`."""
    try:
        raw = store.query(query, **options)
    except SyntaxError as err:
        raise _syntax_error(err) from None
    try:
        return _materialise(raw, max_results, stop)
    except (OSError, ValueError, RuntimeError, SyntaxError) as err:
        raise QueryError(f"query failed: {err}") from None


def _json_term(term: object) -> dict[str, object]:
    """Return the SPARQL results JSON object of one RDF term."""
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, pyoxigraph.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    raise QueryError(f"cannot write term {term!r}")


def _xml_term(term: object) -> str:
    """Return the SPARQL results XML element of one RDF term."""
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    parts = ("subject", "predicate", "object")
    inner = "".join(f"<{p}>{_xml_term(getattr(term, p))}</{p}>" for p in parts)
    return f"<triple>{inner}</triple>"


def _plain(term: object) -> str:
    """Return a term as CSV writes it: IRI, lexical form, or ``_:id``."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.Literal)):
        return term.value
    return str(term)


def _short(term: object) -> str:
    """Return a term for the terminal table: prefixed IRI or lexical form."""
    if isinstance(term, pyoxigraph.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(str(ns)) and prefix != "id":
                return f"{prefix}:{term.value[len(str(ns)):]}"
        if term.value.startswith(str(ID)):
            return term.value[len(str(ID)):]
    return _plain(term)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int = 60) -> str:
    """Return rows as plain text columns aligned under ``header``."""
    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [tuple(cut(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _rows_of(result: QueryResult) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """Return header and rows of a SELECT result, or subject/predicate/object of triples."""
    if result.kind == "select":
        return result.variables, list(result.rows)
    return ("subject", "predicate", "object"), [
        (t.subject, t.predicate, t.object) for t in result.triples
    ]


def format_result(result: QueryResult, fmt: str) -> str:
    """Write a query result in format ``fmt``.

    Parameters
    ----------
    result
        A result of :func:`run_query`.
    fmt
        ``table`` (aligned text), ``csv``, ``tsv``, ``json`` (SPARQL 1.1 results
        JSON; JSON-LD for graph results), ``xml`` (SPARQL results XML; RDF/XML for
        graph results); for CONSTRUCT/DESCRIBE results also ``turtle``,
        ``ntriples``, ``jsonld`` and ``rdfxml``.

    Returns
    -------
    str
        The serialised result.

    Raises
    ------
    QueryError
        If ``fmt`` is unknown or does not fit the kind of result.

    Examples
    --------
    >>> print(format_result(QueryResult("ask", boolean=True), "json"))
    {"head": {}, "boolean": true}
    """
    fmt = fmt.lower()
    allowed = GRAPH_FORMATS if result.kind == "graph" else SELECT_FORMATS
    if fmt not in allowed:
        raise QueryError(
            f"format '{fmt}' does not fit a {result.kind.upper()} result; use one of "
            + ", ".join(allowed)
        )
    if result.kind == "graph" and fmt in RDF_SYNTAX:
        prefixes = {p: str(ns) for p, ns in PREFIXES.items() if p != "id"}
        data = pyoxigraph.serialize(result.triples, format=RDF_SYNTAX[fmt], prefixes=prefixes)
        return data.decode("utf-8")
    if result.kind == "ask":
        return _format_boolean(bool(result.boolean), fmt)
    header, rows = _rows_of(result)
    if fmt == "table":
        text = _table(header, [tuple(_short(t) for t in row) for row in rows])
        note = f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
        note += ", truncated)" if result.truncated else ")"
        return text + note + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([_plain(t) for t in row] for row in rows)
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + name for name in header)]
        for row in rows:
            lines.append("\t".join(
                "" if t is None else str(t).replace("\t", "\\t") for t in row
            ))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        bindings = [
            {name: _json_term(t) for name, t in zip(header, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(header)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False)
    return _format_xml(header, rows)


def _format_boolean(value: bool, fmt: str) -> str:
    """Write an ASK result."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value})
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head/>'
                f"<boolean>{word}</boolean></sparql>\n")
    if fmt == "table":
        return word + "\n"
    return ("_askResult\r\n" if fmt == "csv" else "?_askResult\n") + word + (
        "\r\n" if fmt == "csv" else "\n")


def _format_xml(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    """Write SELECT rows as SPARQL results XML."""
    parts = [f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head>']
    parts += [f"<variable name={quoteattr(name)}/>" for name in header]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts += [
            f"<binding name={quoteattr(name)}>{_xml_term(t)}</binding>"
            for name, t in zip(header, row, strict=True) if t is not None
        ]
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts)

