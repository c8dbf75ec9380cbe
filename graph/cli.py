"""The ``claimgraph`` command line: a thin layer over the library.

Each command parses its arguments, calls one library function and turns
claimgraph's named errors into one-line messages (exit code 1). ``build`` exits
with 3 when the graph was built but some files could not be read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from graph.errors import BuildFailedError, ClaimgraphError

EXIT_PARTIAL = 3
"""Exit code of a build that wrote its exports but skipped files it could not read."""


class UserError(click.ClickException):
    """A claimgraph error shown as ``error: <message>`` with exit code 1."""

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def fail(exc: ClaimgraphError) -> UserError:
    """Turn a library error into the CLI's error."""
    return UserError(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimgraph")
def cli() -> None:
    """Build a knowledge graph of claims, actors and relationships from documents.

    \b
    Example:
      claimgraph build data/corpus --out exports
      claimgraph query depends-on --data exports
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("exports"),
              show_default=True, help="Folder the exports are written to.")
@click.option("--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="number of cores", help="Processes that parse and extract.")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path(".claimgraph-cache"),
              show_default=True, help="Where per-document extraction results are kept.")
@click.option("--no-cache", is_flag=True, help="Extract every document again.")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, if any file fails.")
@click.option("--max-size", "max_bytes", type=click.IntRange(min=1), default=20_000_000,
              show_default=True, help="Refuse documents larger than this many bytes.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(paths: tuple[Path, ...], out_dir: Path, workers: int, cache_dir: Path,
          no_cache: bool, strict: bool, max_bytes: int, quiet: bool) -> None:
    """Read documents and write the graph's exports.

    PATHS are files or folders (default: data/corpus). Writes graph.ttl,
    graph.jsonld, graph.nt, graph.trig, graph.nq, graph.graphml, graph.gexf, CSV
    tables, a data card and graph.html into --out.

    \b
    Example:
      claimgraph build data/corpus --out exports
      claimgraph build notes/ article.txt --out /tmp/graph --workers 2
    """
    from graph.build import build as run_build
    from graph.progress import progress_bar

    sources = list(paths) or [Path("data/corpus")]
    show = not quiet and sys.stderr.isatty()
    try:
        with progress_bar(enabled=show) as progress:
            report = run_build(
                sources, out_dir, workers=workers,
                cache_dir=None if no_cache else cache_dir,
                strict=strict, max_bytes=max_bytes, progress=progress,
            )
    except BuildFailedError as exc:
        for err in exc.errors:
            click.echo(f"error: {err}", err=True)
        raise fail(exc) from None
    except ClaimgraphError as exc:
        raise fail(exc) from None
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    if not quiet:
        click.echo(f"built {out_dir}: {report.summary()}")
    if report.errors:
        sys.exit(EXIT_PARTIAL)


@cli.command()
@click.argument("query")
@click.option("--data", type=click.Path(path_type=Path), default=Path("exports"),
              show_default=True, help="An exports folder or one RDF file.")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=None,
              help="Use (or create) an on-disk Oxigraph store in this folder.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle"]),
              help="Output format.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, help="Give up after this many seconds.")
def query(query: str, data: Path, store_dir: Path | None, fmt: str, timeout: float) -> None:
    """Run a SPARQL query: a query string, a .rq file or a ready query's name.

    Ready queries live in data/queries/ (e.g. depends-on, supplies-to, migration).

    \b
    Example:
      claimgraph query depends-on --data exports
      claimgraph query 'SELECT ?a WHERE { ?a a <https://w3id.org/claimgraph/ontology#Country> }'
      claimgraph query my-query.rq --format csv
    """
    from graph.query import format_result, resolve_query, run_query
    from graph.store import open_store

    try:
        _, text = resolve_query(query)
        store = open_store(data, store_dir)
        result = run_query(store, text, timeout=timeout)
        click.echo(format_result(result, fmt), nl=False)
    except ClaimgraphError as exc:
        raise fail(exc) from None


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--store", "store_dir", type=click.Path(path_type=Path), required=True,
              help="Folder of the on-disk Oxigraph store.")
def load(data: Path, store_dir: Path) -> None:
    """Load exports into an on-disk store for fast queries on large corpora.

    \b
    Example:
      claimgraph load exports --store /tmp/cg-store
      claimgraph query depends-on --store /tmp/cg-store
    """
    from graph.store import load_store

    try:
        count = load_store(data, store_dir)
    except ClaimgraphError as exc:
        raise fail(exc) from None
    click.echo(f"loaded {count} quads into {store_dir}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
def explain(file: Path) -> None:
    """Show, sentence by sentence, what extraction finds in FILE and why.

    \b
    Example:
      claimgraph explain data/corpus/caravanserai-russian-it-exodus.txt
    """
    from graph.explain import explain_document
    from graph.ingest import read_document
    from graph.nlp import load_nlp

    try:
        doc = read_document(file)
        click.echo(explain_document(doc, load_nlp()))
    except ClaimgraphError as exc:
        raise fail(exc) from None


@cli.command()
@click.argument("file", type=click.Path(path_type=Path), default=Path("exports/graph.ttl"))
def validate(file: Path) -> None:
    """Check an RDF file against claimgraph's SHACL shapes.

    \b
    Example:
      claimgraph validate exports/graph.ttl
    """
    from graph.validate import describe, validate_file

    try:
        violations = validate_file(file)
    except ClaimgraphError as exc:
        raise fail(exc) from None
    if violations:
        click.echo(describe(violations), err=True)
        raise UserError(f"{file}: {len(violations)} violation(s) of data/shapes.ttl")
    click.echo(f"{file}: conforms to data/shapes.ttl")


@cli.command()
@click.option("--data", type=click.Path(path_type=Path), default=Path("exports"),
              show_default=True, help="An exports folder or one RDF file.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; loopback unless you mean to share it.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds a query may run.")
@click.option("--max-results", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Most result rows a query may return.")
def serve(data: Path, host: str, port: int, timeout: float, max_results: int) -> None:
    """Serve a read-only SPARQL 1.1 endpoint, the HTML network and a query page.

    \b
    Example:
      claimgraph serve --data exports --port 7878
      curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    from graph.server import serve as run_serve

    try:
        run_serve(data, host=host, port=port, timeout=timeout, max_results=max_results)
    except ClaimgraphError as exc:
        raise fail(exc) from None


@cli.group()
def cache() -> None:
    """Manage the per-document extraction cache.

    \b
    Example:
      claimgraph cache clear
    """


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path(".claimgraph-cache"),
              show_default=True)
def cache_clear(cache_dir: Path) -> None:
    """Delete every cached extraction result.

    \b
    Example:
      claimgraph cache clear --cache-dir .claimgraph-cache
    """
    from graph.cache import ExtractionCache

    removed = ExtractionCache(cache_dir).clear()
    click.echo(f"removed {removed} cached result(s) from {cache_dir}")


def main() -> None:
    """Entry point of the ``claimgraph`` console script."""
    cli(prog_name="claimgraph")
