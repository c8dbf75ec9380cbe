"""A read-only SPARQL 1.1 Protocol endpoint over claimgraph's exports.

Routes
------
``/sparql``
    GET ``?query=`` and POST (``application/x-www-form-urlencoded`` with
    ``query=``, or an ``application/sparql-query`` body). Results are negotiated
    from ``Accept`` (or a ``format=`` parameter): SPARQL results JSON, XML, CSV
    and TSV for SELECT/ASK; Turtle, N-Triples, JSON-LD and RDF/XML for
    CONSTRUCT/DESCRIBE. Errors have a JSON body ``{"error", "message"}``.
``/``
    The HTML network view (``graph.html`` of the exports folder) if there is one,
    else a redirect to ``/query``; other paths serve files beside it.
``/query``, ``/static/…``, ``/queries.json``
    The offline query page (no CDN) and the ready queries it offers.

Design
------
Requests are answered by a stdlib :class:`~http.server.ThreadingHTTPServer`;
queries run in a pool of worker *processes*, each holding the data in memory (or
opening one on-disk store read-only). pyoxigraph cannot cancel a running query,
but a process can be killed: a query that passes its time limit gets ``503`` and
its worker is replaced while the others keep serving. Oxigraph's own server
(``oxigraph serve-read-only`` 0.5.6) was measured and rejected: its
``--timeout-s`` did not stop a cartesian ``COUNT`` (200 after 37 s with a
cancelled stream), it follows ``SERVICE`` to other hosts, and it has no result
limit or offline page.

* Read-only: ``update=``, ``application/sparql-update`` and update keywords in a
  query get ``403``; ``SERVICE`` gets ``403``; a malformed query ``400`` with the
  parser's line, column and message.
* Result limit: at most ``max_results`` rows or triples are sent; a cut result
  keeps status 200 and says so in ``X-Result-Truncated: true`` and
  ``X-Result-Limit`` headers (a partial answer is more useful than a 413).
* Binds to ``127.0.0.1`` unless told otherwise.

Examples
--------
>>> negotiate("text/csv, application/json;q=0.5", "select")
'csv'
>>> negotiate("text/turtle", "select") is None
True
>>> safe_path(Path("/srv/site"), "/%2e%2e/etc/passwd") is None
True
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from graph.errors import ClaimgraphError, QueryError, ReadError
from graph.query import (
    QueryRefusedError,
    QuerySyntaxError,
    format_result,
    guard_query,
    ready_queries,
    run_query,
)
from graph.store import data_file, load_store, open_read_only, open_store, store_holds

LOG = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
"""Folder of the offline query page."""

MAX_BODY = 1 << 20
"""Largest POST body accepted, in bytes."""

MEDIA_TYPES: dict[str, dict[str, str]] = {
    "select": {
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    },
    "graph": {
        "text/turtle": "turtle",
        "application/x-turtle": "turtle",
        "application/n-triples": "ntriples",
        "text/plain": "ntriples",
        "application/ld+json": "jsonld",
        "application/json": "jsonld",
        "application/rdf+xml": "rdfxml",
        "application/xml": "rdfxml",
        "text/xml": "rdfxml",
    },
}
"""Format name for each media type a client may ask for, by kind of result."""

CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
"""Content-Type sent for each format name."""

DEFAULT_FORMAT = {"select": "json", "graph": "turtle"}
FORMAT_ALIASES = {"graph": {"json": "jsonld", "xml": "rdfxml"}}
FILE_TYPES = {
    ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
    ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
    ".ttl": "text/turtle", ".nq": "application/n-quads", ".trig": "application/trig",
    ".nt": "application/n-triples", ".jsonld": "application/ld+json",
}


def negotiate(accept: str, kind: str) -> str | None:
    """Return the format to send a ``kind`` result in, from an ``Accept`` header.

    Parameters
    ----------
    accept
        The header value; empty means anything.
    kind
        ``"select"`` (also ASK) or ``"graph"`` (CONSTRUCT, DESCRIBE).

    Returns
    -------
    str or None
        A format name of :func:`graph.query.format_result`, or None when nothing
        acceptable fits (the server answers 406).

    Examples
    --------
    >>> negotiate("", "graph")
    'turtle'
    >>> negotiate("application/ld+json;q=0.9, */*;q=0.1", "graph")
    'jsonld'
    """
    kind = "graph" if kind == "graph" else "select"
    if not accept.strip():
        return DEFAULT_FORMAT[kind]
    ranked = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, order, fields[0].lower()))
    for negative_quality, _, media in sorted(ranked):
        if negative_quality >= 0:
            continue
        if media in MEDIA_TYPES[kind]:
            return MEDIA_TYPES[kind][media]
        if media in ("*/*", "application/*", "text/*"):
            return DEFAULT_FORMAT[kind] if media != "text/*" else (
                "csv" if kind == "select" else "turtle")
    return None


def safe_path(root: Path, url_path: str) -> Path | None:
    """Return the file under ``root`` that ``url_path`` names, or None.

    The path is percent-decoded once; ``..`` segments, backslashes, NUL bytes and
    anything resolving (through symlinks too) outside ``root`` give None.

    Parameters
    ----------
    root
        The served folder.
    url_path
        The path part of the request URL.

    Returns
    -------
    Path or None
        An existing file inside ``root``.

    Examples
    --------
    >>> safe_path(Path("/srv/site"), "/../etc/passwd") is None
    True
    """
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    base = root.resolve()
    candidate = base.joinpath(*parts).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


def _worker_main(source: str, on_disk: bool, conn: Connection) -> None:
    """Answer query requests from ``conn`` until told to stop.

    ``source`` is an on-disk store opened read-only, or an RDF file loaded into
    this process's memory (faster queries, slower start).
    """
    try:
        store = open_read_only(Path(source)) if on_disk else open_store(Path(source))
    except (ClaimgraphError, OSError) as err:
        conn.send(("failed", str(err)))
        return
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        conn.send(answer(store, request))


def answer(store: object, request: dict) -> tuple[int, dict[str, str], bytes]:
    """Run one protocol request on ``store``; return status, headers and body.

    Parameters
    ----------
    store
        A pyoxigraph store.
    request
        ``query``, ``accept``, ``format`` (or None), ``max_results``,
        ``default_graphs`` and ``named_graphs``.

    Returns
    -------
    tuple
        HTTP status, headers and body bytes.
    """
    try:
        result = run_query(
            store, request["query"], max_results=request["max_results"],
            default_graphs=request.get("default_graphs"),
            named_graphs=request.get("named_graphs"),
        )
    except QueryRefusedError as err:
        return error_reply(HTTPStatus.FORBIDDEN, "refused", str(err))
    except QuerySyntaxError as err:
        return error_reply(HTTPStatus.BAD_REQUEST, "malformed query", str(err),
                           line=err.line, column=err.column, parser=err.message)
    except QueryError as err:
        return error_reply(HTTPStatus.BAD_REQUEST, "query failed", str(err))
    kind = "graph" if result.kind == "graph" else "select"
    fmt = request.get("format") or ""
    fmt = MEDIA_TYPES[kind].get(fmt, FORMAT_ALIASES.get(kind, {}).get(fmt, fmt))
    if fmt not in CONTENT_TYPES or fmt not in MEDIA_TYPES[kind].values():
        fmt = negotiate(request.get("accept") or "", kind)
    if fmt is None:
        offered = ", ".join(sorted({CONTENT_TYPES[f] for f in MEDIA_TYPES[kind].values()}))
        return error_reply(HTTPStatus.NOT_ACCEPTABLE, "not acceptable",
                           f"a {result.kind.upper()} result can be sent as: {offered}")
    body = format_result(result, fmt).encode("utf-8")
    headers = {"Content-Type": f"{CONTENT_TYPES[fmt]}; charset=utf-8"}
    if result.truncated:
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(request["max_results"])
    return HTTPStatus.OK, headers, body


def error_reply(status: int, error: str, message: str, **extra: object
                ) -> tuple[int, dict[str, str], bytes]:
    """Return a JSON error reply: status, headers and ``{"error", "message", …}``.

    Examples
    --------
    >>> error_reply(403, "refused", "read-only")[2]
    b'{"error": "refused", "message": "read-only", "status": 403}'
    """
    body = {"error": error, "message": message, "status": int(status), **extra}
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return int(status), {"Content-Type": "application/json; charset=utf-8"}, data


@dataclass
class _Worker:
    """One query process and the parent's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    conn: Connection


@dataclass
class WorkerPool:
    """Worker processes that run queries and can be killed.

    Parameters
    ----------
    source
        An RDF file each worker loads into memory, or with ``on_disk`` an on-disk
        store written by :func:`graph.store.load_store`, opened read-only.
    size
        Number of worker processes.
    on_disk
        Whether ``source`` is an on-disk store.
    """

    source: Path
    size: int = 2
    on_disk: bool = False
    _idle: queue.Queue = field(default_factory=queue.Queue, init=False)
    _closed: bool = field(default=False, init=False)

    def start(self) -> None:
        """Start the workers and wait until each has opened the store."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            self._await_ready(worker)

    def _spawn(self) -> _Worker:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(str(self.source), self.on_disk, child),
            name="claimgraph-sparql-worker", daemon=True,
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _await_ready(self, worker: _Worker) -> None:
        reason = "it stopped"
        try:
            message = worker.conn.recv() if worker.conn.poll(600) else ("failed", "no answer")
        except (EOFError, OSError):
            message = ("failed", "it stopped")
        ready = message == "ready"
        if not ready:
            reason = message[1]
        if ready and not self._closed:
            self._idle.put(worker)
        elif ready:
            self._kill(worker)
        else:
            self._kill(worker)
            raise ReadError(str(self.source), f"a query worker could not load it: {reason}")

    def _kill(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        self._kill(worker)
        if self._closed:
            return

        def respawn() -> None:
            try:
                self._await_ready(self._spawn())
            except ReadError as err:
                if not self._closed:
                    LOG.error("%s", err)

        threading.Thread(target=respawn, name="claimgraph-respawn", daemon=True).start()

    def run(self, request: dict, timeout: float) -> tuple[int, dict[str, str], bytes]:
        """Run ``request`` in an idle worker; 503 when it is busy or too slow.

        Parameters
        ----------
        request
            See :func:`answer`.
        timeout
            Seconds for waiting for a worker plus running the query.

        Returns
        -------
        tuple
            HTTP status, headers and body bytes.
        """
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error_reply(HTTPStatus.SERVICE_UNAVAILABLE, "busy",
                               f"every query worker stayed busy for {timeout:g} s; try again")
        try:
            worker.conn.send(request)
            if worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                reply = worker.conn.recv()
                if self._closed:
                    self._kill(worker)
                else:
                    self._idle.put(worker)
                return reply
        except (EOFError, OSError) as err:
            self._replace(worker)
            return error_reply(HTTPStatus.INTERNAL_SERVER_ERROR, "worker failed",
                               f"the query worker stopped: {err}")
        self._replace(worker)
        return error_reply(HTTPStatus.SERVICE_UNAVAILABLE, "timeout",
                           f"the query ran longer than {timeout:g} s and was cancelled")

    def close(self) -> None:
        """Stop every idle worker; busy ones are killed when their request returns."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            self._kill(worker)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
"""Names a loopback-bound endpoint answers to."""

EXPORTED_PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                     "img-src data:; font-src data:; connect-src 'none'")
"""The exported graph.html is self-contained: it may run its inline script, fetch nothing."""


class EndpointHTTPServer(ThreadingHTTPServer):
    """The HTTP server: one thread per connection, a listen backlog sized for bursts.

    The stdlib default backlog of 5 resets connections when a few dozen clients
    connect at once; queries are bounded by the worker pool, not by the backlog.
    """

    request_queue_size = 128
    daemon_threads = True


@dataclass
class ServerSettings:
    """What a running endpoint serves and its limits."""

    pool: WorkerPool
    timeout: float
    max_results: int
    site: Path | None
    html: Path | None


class SparqlHandler(BaseHTTPRequestHandler):
    """Handle one HTTP request for the endpoint; see the module docstring."""

    server_version = "claimgraph-sparql/0.1"
    protocol_version = "HTTP/1.1"
    settings: ServerSettings  # set on a subclass by :func:`start_server`

    def log_message(self, format: str, *args: object) -> None:
        """Log requests through :mod:`logging` instead of stderr."""
        LOG.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, error: str, message: str) -> None:
        self._send(*error_reply(status, error, message))

    def _host_allowed(self) -> bool:
        """Refuse (421) a Host header naming another site while bound to loopback.

        A page on another site could otherwise point its own domain at 127.0.0.1
        (DNS rebinding) and read the endpoint from the analyst's browser.
        """
        bound = self.server.server_address[0]
        if bound not in LOOPBACK_HOSTS:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if name in LOOPBACK_HOSTS or name == "":
            return True
        self._error(HTTPStatus.MISDIRECTED_REQUEST, "wrong host",
                    f"this endpoint answers only to loopback names, not {host!r}")
        return False

    def do_GET(self) -> None:
        """Serve ``/sparql`` queries, the pages and static files."""
        if not self._host_allowed():
            return
        url = urlsplit(self.path)
        if url.path == "/sparql":
            self._protocol(parse_qs(url.query, keep_blank_values=True))
        elif url.path == "/":
            if self.settings.html is not None:
                self._file(self.settings.html)
            else:
                self._send(HTTPStatus.FOUND, {"Location": "/query"}, b"")
        elif url.path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, {}, b"")  # browsers ask; a 404 logs an error
        elif url.path in ("/query", "/query/"):
            self._file(STATIC / "query.html")
        elif url.path == "/queries.json":
            listing = [
                {"name": q.name, "title": q.title, "answers": q.answers, "query": q.text}
                for q in ready_queries().values()
            ]
            body = json.dumps(listing, ensure_ascii=False).encode("utf-8")
            self._send(HTTPStatus.OK, {"Content-Type": "application/json; charset=utf-8"}, body)
        elif url.path.startswith("/static/"):
            self._file(safe_path(STATIC, url.path[len("/static/"):]))
        elif self.settings.site is not None:
            self._file(safe_path(self.settings.site, url.path))
        else:
            self._file(None)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        """Serve SPARQL protocol POST requests on ``/sparql``."""
        if not self._host_allowed():
            return
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found", f"no POST handler for {url.path}")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large",
                        f"request bodies are limited to {MAX_BODY} bytes")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/x-www-form-urlencoded":
            for name, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        elif media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, "refused",
                        "updates are refused: this endpoint is read-only")
            return
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported media type",
                        "POST application/x-www-form-urlencoded (query=…) or "
                        "application/sparql-query")
            return
        self._protocol(params)

    def _protocol(self, params: dict[str, list[str]]) -> None:
        """Check one protocol request and run it in the worker pool."""
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "refused",
                        "updates are refused: this endpoint is read-only")
            return
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "missing query",
                        "give exactly one SPARQL query as query=… (GET or POST)")
            return
        try:
            guard_query(queries[0])
        except QueryRefusedError as err:
            self._error(HTTPStatus.FORBIDDEN, "refused", str(err))
            return
        fmt = (params.get("format") or params.get("output") or [None])[0]
        request = {
            "query": queries[0],
            "accept": self.headers.get("Accept") or "",
            "format": fmt.lower() if fmt else None,
            "max_results": self.settings.max_results,
            "default_graphs": params.get("default-graph-uri") or None,
            "named_graphs": params.get("named-graph-uri") or None,
        }
        self._send(*self.settings.pool.run(request, self.settings.timeout))

    def _file(self, path: Path | None) -> None:
        """Send a static file, or 404."""
        if path is None or not path.is_file():
            self._error(HTTPStatus.NOT_FOUND, "not found", "no such page")
            return
        media = FILE_TYPES.get(path.suffix.lower(), "application/octet-stream")
        headers = {"Content-Type": media + ("; charset=utf-8" if media.startswith("text")
                                              else "")}
        if path.parent == STATIC:
            headers["Content-Security-Policy"] = "default-src 'self'"
        elif media == "text/html":
            headers["Content-Security-Policy"] = EXPORTED_PAGE_CSP
        self._send(HTTPStatus.OK, headers, path.read_bytes())


@dataclass
class RunningServer:
    """An endpoint serving in a background thread; stop it with :meth:`stop`."""

    httpd: EndpointHTTPServer
    pool: WorkerPool
    thread: threading.Thread

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:7878``."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        """Stop serving and end the workers."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
        self.pool.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    data: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    timeout: float = 10.0,
    max_results: int = 10000,
    html: Path | None = None,
    workers: int = 2,
    store_dir: Path | None = None,
) -> RunningServer:
    """Load ``data`` and start the endpoint in a background thread.

    Parameters
    ----------
    data
        An exports folder or one RDF file (see :func:`graph.store.open_store`).
    host, port
        Where to listen; port 0 picks a free port (see :attr:`RunningServer.url`).
    timeout
        Seconds a query may take, waiting for a worker included; then 503.
    max_results
        Rows or triples sent at most; a longer result is cut and flagged.
    html
        The HTML network file served at ``/``; defaults to ``graph.html`` in an
        exports folder. Other files in its folder are served too.
    workers
        Query worker processes.
    store_dir
        Serve from an on-disk store there (loaded, or reused when it holds the
        same data), opened read-only by every worker. By default each worker
        loads the data into its own memory: queries run several times faster
        (see bench/results-sparql.md), at the cost of memory per worker and a
        reload when a worker is replaced after a timeout.

    Returns
    -------
    RunningServer
        The running server; call ``stop()`` or use it as a context manager.
    """
    if html is None and data.is_dir() and (data / "graph.html").is_file():
        html = data / "graph.html"
    if store_dir is not None:
        if not store_holds(store_dir, data):
            load_store(data, store_dir)
        pool = WorkerPool(store_dir, size=max(1, workers), on_disk=True)
    else:
        pool = WorkerPool(data_file(data), size=max(1, workers))
    try:
        pool.start()
        settings = ServerSettings(pool, timeout, max_results,
                                  html.resolve().parent if html else None,
                                  html.resolve() if html else None)
        handler = type("BoundSparqlHandler", (SparqlHandler,), {"settings": settings})
        httpd = EndpointHTTPServer((host, port), handler)
    except BaseException:
        pool.close()
        raise
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="claimgraph-http", daemon=True)
    thread.start()
    return RunningServer(httpd, pool, thread)


def serve(
    data: Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout: float = 10.0,
    max_results: int = 10000,
    html: Path | None = None,
) -> None:
    """Serve ``data`` over the SPARQL 1.1 Protocol until interrupted (Ctrl-C).

    Parameters
    ----------
    data
        An exports folder or one RDF file.
    host, port
        Where to listen; ``127.0.0.1`` keeps the endpoint on this machine.
    timeout
        Seconds a query may take before it is cancelled with 503.
    max_results
        Rows or triples sent at most per query.
    html
        The HTML network file served at ``/`` (default: ``graph.html`` in ``data``).
    """
    running = start_server(data, host, port, timeout=timeout, max_results=max_results,
                           html=html)
    LOG.warning("SPARQL endpoint at %s/sparql, query page at %s/query", running.url,
                running.url)
    try:
        while running.thread.is_alive():
            running.thread.join(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
