"""Benchmark the ready queries on a synthetic claimgraph of about a million triples.

Generates a graph that follows graph/vocab.py's mapping (actors, sources, claims with
their selectors, quantities, relationships with statement nodes, the figure conflicts
graph/conflicts.py finds; one named graph per source like the exports), then measures
load time and the median time of each ready query (results fully read) on the
pyoxigraph store and on rdflib's in-memory Graph.
rdflib queries run in a forked child that is killed past a time cap, so the whole
run stays within a few minutes. Results go to bench/results-sparql.md.

Usage: ``python bench/bench_sparql.py [--claims 40000] [--runs 5] [--rdflib-cap 12]``

To iterate on a query, ``--quick`` keeps the generated graph in a cache folder
between runs, times only the in-memory store and writes no results file;
``--only NAME ...`` picks ready queries and ``--queries DIR`` times the ``.rq``
files of another folder (e.g. the previous versions), e.g.
``python bench/bench_sparql.py --quick --only quantities --queries /tmp/old``.
``--before REV`` also times the ready queries as they were at a git revision, and
``--compare EXPORTS`` sets the predicate shares of a real build beside the synthetic
graph's (both go into the results file).
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import rdflib

from graph import conflicts
from graph.conflicts import StatedFigure, find_conflicts
from graph.query import ready_queries, run_query
from graph.rdf import decimal_text
from graph.store import load_store, open_store

BASE = "https://w3id.org/claimgraph/"
CG = BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
RELATIONS = ("suppliesTo", "dependsOn", "cooperatesWith", "attacks", "defendsAgainst",
             "sanctions", "migratesTo", "atWarWith", "prefers", "opposes")
MODALITIES = (("Asserted", 0.55), ("Hedged", 0.15), ("Forecast", 0.1), ("Reported", 0.15),
              ("Negated", 0.05))
QUALIFIERS = ("up to", "about", "more than", "approximately", "only", "estimated")
KINDS = ("Country", "Organization", "Person", "Group", "Region", "Bloc")
NAMED = ("Russia", "China", "Iran", "Ukraine", "Kazakhstan", "United States", "Poland")
RESULTS = Path(__file__).resolve().parent / "results-sparql.md"
CACHE = Path(tempfile.gettempdir()) / "claimgraph-bench-sparql"
"""Where ``--quick`` keeps generated graphs, one folder per claim count and generator."""
NOTES = """
Notes
-----
* The four listings (claims-about-actor, claims-by-modality, claims-by-speaker,
  quantities) return **1000 rows a page** (`LIMIT 1000`; the next pages with
  `OFFSET 1000`, `OFFSET 2000`, ... after it, as each query's `# page:` header says).
  Their first page costs 10-25 ms; every row at once (6,000-25,000 rows) does not
  meet the goal and cannot: reading 25,000 rows into Python alone costs about as
  much. Groups come sorted (speakers by name; modality, then source title; unit),
  rows inside a group in store order, which is the same for the same graph file in
  every process (load order in memory), so pages neither overlap nor skip rows
  (tests/test_query.py checks that the pages add up to the whole result).
  claims-about-actor is in store order.
* Why some patterns are slow on pyoxigraph 0.5's in-memory store: it keeps, for
  each subject, predicate, object and graph, a linked list of the triples that have
  it, and a pattern walks the shortest list among its bound terms. A much-cited
  actor such as Russia is the subject of thousands of relationship triples, so
  looking up its `rdfs:label` walks all of them: the queries join labels as a whole
  table (a sub-select, which Oxigraph hash-joins) instead. Any other lookup costs
  about 1 µs (a claim has a dozen triples), which bounds a query that touches every
  claim or figure.
* Its optimiser looks a pattern or a one-pattern `OPTIONAL` up row by row, and stops
  at a `LIMIT`, when the variables it shares are certainly bound; an `OPTIONAL` on a
  variable that may be unbound compares every row with every candidate (the source
  title in claims-about-actor is now a path from the claim), and a group of several
  patterns is hash-joined after reading all of it. The listings start from a small,
  already sorted left side (speakers, sources or units) and look the rest up claim by
  claim; sorting the 10,000 forecast and hedged claims instead costs about 40 ms for
  the sort alone.
* Relationship statements carry `cg:claimCount` and `cg:sourceCount` (counted at
  build time, checked by data/shapes.ttl), so depends-on, supplies-to, migration and
  multi-source-relationships count nothing at query time. Every rewrite returns the
  same rows as before on the seed graph, mini.ttl and this graph, up to the order of
  rows that tie and inside concatenated columns (sourceList, figures, abouts), which
  SPARQL leaves open; except that migration no longer loses a relationship's figures
  when one of its claims states none (a `GROUP_CONCAT` over an unbound value fails),
  which changes rows of this graph, not of the seed graph.
* conflicting-figures lists the `cg:FigureConflict` nodes the build writes in the
  actors graph (graph/conflicts.py finds them; this generator adds them with the same
  function): each states its kind, unit, lowest and highest figure, the figures as
  text and its claim and source counts, so the query joins only the actor labels (as
  a table) and sorts the 1,608 rows. Found at query time, as the query at 0509ff5
  did, kinds (2) and (3) aggregated every figure with every claim that states it
  and, for (3), every actor those claims mention (8,256 rows): about 40 ms of joins
  before anything was counted, 86-114 ms in all. tests/test_conflicts.py keeps that
  query as the reference and checks that both give the same rows on the seed build,
  mini.ttl and a graph from this generator (up to the order inside figures and
  abouts, and which spelling of a counted thing `SAMPLE` picks). One difference by
  design: a same-actor conflict keeps the counted things its figures name when one
  figure names none, where the old `GROUP_CONCAT` over the unbound value lost them
  all; no figure of these graphs lacks one.
* The conflicts' `cg:sourceCount` and `schema:unitText` are read by
  multi-source-relationships and quantities too, which pick statements and units by
  those predicates and then drop the conflicts: removing the 1,608 conflicts from the
  store takes about 3 ms off each.
* Since the conflicts cite only the claims at their extremes (`cg:lowestClaim`,
  `cg:highestClaim`, and those as `prov:wasDerivedFrom`; their counts are still of
  every claim and source) the graph has 950,793 triples, not 965,433. The table
  predates that and was not rerun: a `--quick` run of conflicting-figures, which now
  also returns the two claims, took 24.3 ms (24.3 ms CPU).
* claims-by-modality tests the modality of every claim of each source in title order,
  about ten claims per row on the first page (forecasts are 10 % of the claims), so
  it stays near 25 ms.
* The two cores are shared with other work; the CPU column is this process's own
  time, so a wall-clock time well above it means the run was waiting for a core.
  Even CPU time varies with that load: the queries other than conflicting-figures
  are the same text as at 0509ff5, yet their *before* column (timed later in the
  same run) differs by up to 12 ms, and a second run under heavier load gave
  35 ms for conflicting-figures (114 ms before) and 35 ms for
  multi-source-relationships.
* The on-disk store (RocksDB, read-only) is 2-4x slower than memory, so the server
  keeps the data in each worker's memory by default.
* rdflib's engine fails on `migration` and `roles` (GROUP_CONCAT over an unbound
  OPTIONAL value raises NotBoundError, which SPARQL says to skip) and is slower on
  the sub-select joins (multi-source-relationships is now cut at 12 s); pyoxigraph
  answers them.
"""


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: object, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"' + (f"^^<{datatype}>" if datatype else "")


def generate(path_nq: Path, path_nt: Path, claims: int, seed: int = 7) -> int:
    """Write the synthetic graph as N-Quads and N-Triples; return the triple count.

    Shares per claim, actor, source and quantity follow a real build of the default
    corpus (``claimgraph build data/corpus``; compare with ``--compare DIR``): sources are
    videos (one speaker, every claim timed), articles (several speakers) and their
    reader comments (no speakers); 65 % of claims mention an actor, 14 % state a
    figure; one relationship node per direct triple, backed by one or more claims; a
    ``cg:FigureConflict`` node for each conflict among the figures, found by
    :func:`graph.conflicts.find_conflicts` as the build finds them.
    """
    rng = random.Random(seed)
    n_actors, n_sources = max(50, claims // 20), max(12, claims // 80)
    actor_names = list(NAMED) + [f"Actor {i}" for i in range(n_actors - len(NAMED))]
    actors = [BASE + "actor/" + n.lower().replace(" ", "-") for n in actor_names]
    # Zipf-like, Russia in about a third of the claims (41 % in the default corpus).
    weights = [4.0] + [1.0 / (rank + 1) for rank in range(1, len(actors))]
    actors_graph = BASE + "graph/actors"
    lines: list[tuple[str, str, str, str]] = []

    def add(s: str, p: str, o: str, g: str) -> None:
        lines.append((s, p, o, g))

    people: list[str] = []
    for i, (name, actor) in enumerate(zip(actor_names, actors, strict=True)):
        a = _iri(actor)
        add(a, _iri(RDF + "type"), _iri(CG + "Actor"), actors_graph)
        kind = "Country" if i < len(NAMED) else KINDS[i % len(KINDS)]
        add(a, _iri(RDF + "type"), _iri(CG + kind), actors_graph)
        add(a, _iri(RDFS + "label"), _lit(name), actors_graph)
        if i < len(NAMED) or rng.random() < 0.5:
            add(a, _iri(OWL + "sameAs"),
                _iri(f"http://www.wikidata.org/entity/Q{1000 + i}"), actors_graph)
        for alt in (name + "n", name + " government")[: rng.choice([0, 0, 0, 1, 1, 2])]:
            add(a, _iri(SKOS + "altLabel"), _lit(alt), actors_graph)
        if kind == "Country":
            add(a, _iri(CG + "isoCode"), _lit(f"C{i % 26 + 10:X}"), actors_graph)
        if kind == "Person":
            people.append(actor)
            add(a, _iri(CG + "role"), _lit(rng.choice(["minister", "president", "analyst"])),
                actors_graph)
        if kind == "Person" or (kind == "Organization" and rng.random() < 0.3):
            add(a, _iri(CG + "affiliatedWith"), _iri(rng.choice(actors[:50])), actors_graph)
    # A quarter of the sources are videos, half articles, a quarter reader comments.
    sources: list[tuple[str, str, list[str]]] = []  # (IRI, kind, speakers)
    for i in range(n_sources):
        kind = ("video", "article", "article", "comments")[i % 4]
        source = BASE + f"source/doc-{i}"
        if kind == "comments":
            source = sources[-1][0] + "/comments"
        s = _iri(source)
        add(s, _iri(RDF + "type"), _iri(PROV + "Entity"), source)
        add(s, _iri(RDF + "type"), _iri(CG + "Source"), source)
        add(s, _iri(DCT + "title"), _lit(f"Document {i}"), source)
        add(s, _iri(DCT + "publisher"), _lit(f"Publisher {i % 7}"), source)
        if kind == "comments":
            add(s, _iri(DCT + "isPartOf"), _iri(sources[-1][0]), source)
            add(s, _iri(CG + "trust"), _iri(CG + "ReaderComments"), source)
            sources.append((source, kind, []))
            continue
        url = (f"https://www.youtube.com/watch?v=V{i}" if kind == "video"
               else f"https://example.org/doc/{i}")
        add(s, _iri(DCT + "source"), _iri(url), source)
        add(s, _iri(CG + "trust"), _iri(CG + "PrimarySource"), source)
        if kind == "article":
            add(s, _iri(DCT + "creator"), _lit(f"Author {i}"), source)
        speakers = rng.sample(people, 1 if kind == "video" else rng.randint(3, 12))
        sources.append((source, kind, speakers))
    claim_ids: list[tuple[str, str]] = []
    figures: list[StatedFigure] = []
    modal_names = [m for m, _ in MODALITIES]
    modal_weights = [w for _, w in MODALITIES]
    for i in range(claims):
        source, source_kind, speakers = rng.choice(sources)
        claim = BASE + f"claim/{i:016x}"
        claim_ids.append((claim, source))
        c, g = _iri(claim), source
        start = rng.randrange(100000)
        add(c, _iri(RDF + "type"), _iri(SCHEMA + "Claim"), g)
        text = f"Claim {i} says something about the world."
        add(c, _iri(SCHEMA + "text"), _lit(text), g)
        add(c, _iri(PROV + "wasDerivedFrom"), _iri(source), g)
        modality = rng.choices(modal_names, modal_weights)[0]
        add(c, _iri(CG + "modality"), _iri(CG + modality), g)
        add(c, _iri(CG + "section"), _lit("comment" if source_kind == "comments" else "body"), g)
        if rng.random() < 0.55:
            add(c, _iri(CG + "heading"), _lit(f"Heading {start % 13}"), g)
        add(c, _iri(CG + "startOffset"), _lit(start, XSD + "integer"), g)
        add(c, _iri(CG + "endOffset"), _lit(start + 40, XSD + "integer"), g)
        mentioned: set[str] = set()
        if rng.random() < 0.65:
            mentioned = set(rng.choices(actors, weights, k=rng.choice([1, 2, 2, 3])))
            for actor in mentioned:
                add(c, _iri(CG + "mentions"), _iri(actor), g)
        if speakers and (source_kind == "video" or rng.random() < 0.75):
            add(c, _iri(PROV + "wasAttributedTo"), _iri(rng.choice(speakers)), g)
        if source_kind == "video":
            second = rng.randrange(3600)
            add(c, _iri(CG + "videoTime"), _lit(second, XSD + "integer"), g)
            video = source.rsplit("-", 1)[1]
            add(c, _iri(CG + "videoLink"),
                _iri(f"https://www.youtube.com/watch?v=V{video}&t={second}s"), g)
        t, pos, quote = _iri(claim + "#target"), _iri(claim + "#position"), _iri(claim + "#quote")
        add(c, _iri(OA + "hasTarget"), t, g)
        add(t, _iri(RDF + "type"), _iri(OA + "SpecificResource"), g)
        add(t, _iri(OA + "hasSource"), _iri(source), g)
        add(t, _iri(OA + "hasSelector"), pos, g)
        add(t, _iri(OA + "hasSelector"), quote, g)
        add(pos, _iri(RDF + "type"), _iri(OA + "TextPositionSelector"), g)
        add(pos, _iri(OA + "start"), _lit(start, XSD + "integer"), g)
        add(pos, _iri(OA + "end"), _lit(start + 40, XSD + "integer"), g)
        add(quote, _iri(RDF + "type"), _iri(OA + "TextQuoteSelector"), g)
        add(quote, _iri(OA + "exact"), _lit(text), g)
        stated = rng.choice([1, 1, 1, 1, 1, 2]) if rng.random() < 0.14 else 0
        for k in range(stated):
            quantity = f"quantity/{i:015x}{k}"
            q = _iri(BASE + quantity)
            add(c, _iri(CG + "statesQuantity"), q, g)
            add(q, _iri(RDF + "type"), _iri(SCHEMA + "QuantitativeValue"), g)
            unit = rng.choice(["people", "drones", "tanks", "percent", "dollars"])
            add(q, _iri(SCHEMA + "unitText"), _lit(unit), g)
            value = rng.choice([1000, 5000, 300000, 800000, 1300000])
            bounds = (value, value * 2) if rng.random() < 0.08 else None
            if bounds:
                add(q, _iri(SCHEMA + "minValue"), _lit(f"{value}.0", XSD + "decimal"), g)
                add(q, _iri(SCHEMA + "maxValue"), _lit(f"{value * 2}.0", XSD + "decimal"), g)
            else:
                add(q, _iri(SCHEMA + "value"), _lit(f"{value}.0", XSD + "decimal"), g)
            if rng.random() < 0.75:
                add(q, _iri(CG + "qualifier"), _lit(rng.choice(QUALIFIERS)), g)
            about = f"{unit} counted in claim {i % 97}"
            add(q, _iri(CG + "about"), _lit(about), g)
            figures.append(StatedFigure(
                quantity, claim.removeprefix(BASE), source.removeprefix(BASE),
                unit, about, value=None if bounds else Decimal(value),
                low=Decimal(value) if bounds else None, high=Decimal(value * 2) if bounds else None,
                actors=tuple(sorted(a.removeprefix(BASE) for a in mentioned))))
    backing: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    for i in range(max(100, claims * 22 // 100)):
        s_actor, o_actor = rng.choices(actors, weights, k=2)
        if s_actor != o_actor:
            key = (s_actor, RELATIONS[i % len(RELATIONS)], o_actor)
            backing.setdefault(key, set()).update(rng.sample(claim_ids, rng.choice([1, 1, 1, 2])))
    for i, ((s_actor, predicate, o_actor), claims_of) in enumerate(sorted(backing.items())):
        r = _iri(BASE + f"relation/{i:016x}")
        add(_iri(s_actor), _iri(CG + predicate), _iri(o_actor), actors_graph)
        add(r, _iri(RDF + "type"), _iri(RDF + "Statement"), actors_graph)
        add(r, _iri(RDF + "type"), _iri(CG + "Relationship"), actors_graph)
        add(r, _iri(RDF + "subject"), _iri(s_actor), actors_graph)
        add(r, _iri(RDF + "predicate"), _iri(CG + predicate), actors_graph)
        add(r, _iri(RDF + "object"), _iri(o_actor), actors_graph)
        for claim, source in claims_of:
            add(r, _iri(PROV + "wasDerivedFrom"), _iri(claim), actors_graph)
            add(r, _iri(DCT + "source"), _iri(source), actors_graph)
            add(r, _iri(CG + "rule"), _lit(f"{predicate} rule {rng.randrange(3)}"), actors_graph)
        # Distinct claims and sources, as graph/rdf.py counts them on every statement.
        add(r, _iri(CG + "claimCount"), _lit(len({c for c, _ in claims_of}), XSD + "integer"),
            actors_graph)
        add(r, _iri(CG + "sourceCount"), _lit(len({s for _, s in claims_of}), XSD + "integer"),
            actors_graph)
        add(r, _iri(CG + "confidence"), _lit("0.8", XSD + "decimal"), actors_graph)
    # Figures that disagree, found as the build finds them (graph/conflicts.py).
    for conflict in find_conflicts(figures):
        f = _iri(BASE + conflict.id)
        add(f, _iri(RDF + "type"), _iri(CG + "FigureConflict"), actors_graph)
        add(f, _iri(CG + "conflictKind"), _lit(conflict.kind), actors_graph)
        add(f, _iri(SCHEMA + "unitText"), _lit(conflict.unit), actors_graph)
        if conflict.about:
            add(f, _iri(CG + "about"), _lit(conflict.about), actors_graph)
        if conflict.actor:
            add(f, _iri(CG + "concerns"), _iri(BASE + conflict.actor), actors_graph)
        add(f, _iri(SCHEMA + "minValue"), _lit(decimal_text(conflict.lowest), XSD + "decimal"),
            actors_graph)
        add(f, _iri(SCHEMA + "maxValue"), _lit(decimal_text(conflict.highest), XSD + "decimal"),
            actors_graph)
        add(f, _iri(CG + "figures"), _lit(conflict.figures), actors_graph)
        # Only the claims at the extremes are cited, as graph/rdf.py cites them.
        add(f, _iri(CG + "lowestClaim"), _iri(BASE + conflict.lowest_claim), actors_graph)
        add(f, _iri(CG + "highestClaim"), _iri(BASE + conflict.highest_claim), actors_graph)
        for claim in conflict.cited_claims:
            add(f, _iri(PROV + "wasDerivedFrom"), _iri(BASE + claim), actors_graph)
        for source in conflict.cited_sources:
            add(f, _iri(DCT + "source"), _iri(BASE + source), actors_graph)
        add(f, _iri(CG + "claimCount"), _lit(conflict.claim_count, XSD + "integer"),
            actors_graph)
        add(f, _iri(CG + "sourceCount"), _lit(conflict.source_count, XSD + "integer"),
            actors_graph)
    unique = sorted(set(lines))
    with path_nq.open("w", encoding="utf-8") as nq, path_nt.open("w", encoding="utf-8") as nt:
        for s, p, o, g in unique:
            nq.write(f"{s} {p} {o} <{g}> .\n")
        seen_triples = {(s, p, o) for s, p, o, _ in unique}
        for s, p, o in sorted(seen_triples):
            nt.write(f"{s} {p} {o} .\n")
    return len(seen_triples)


SHARE_CLASSES = ("schema:Claim", "cg:Actor", "cg:Source", "schema:QuantitativeValue",
                 "cg:Relationship", "cg:FigureConflict")
"""Classes whose predicate shares ``--compare`` sets side by side."""


def shares(store: pyoxigraph.Store) -> dict[str, tuple[int, dict[str, float]]]:
    """Return, per class of :data:`SHARE_CLASSES`, its size and triples per node by predicate."""
    found = {}
    for cls in SHARE_CLASSES:
        size = int(run_query(store, f"SELECT (COUNT(*) AS ?n) {{ ?x a {cls} }}").rows[0][0].value)
        text = f"SELECT ?p (COUNT(*) AS ?n) {{ ?x a {cls} ; ?p ?o }} GROUP BY ?p"
        result = run_query(store, text)
        per_node = {_short(p.value): int(n.value) / max(size, 1) for p, n in result.rows}
        found[cls] = (size, per_node)
    return found


def _short(iri: str) -> str:
    for prefix, ns in (("rdf", RDF), ("rdfs", RDFS), ("owl", OWL), ("skos", SKOS),
                       ("prov", PROV), ("schema", SCHEMA), ("dcterms", DCT), ("oa", OA),
                       ("cg", CG)):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def compare_shares(real: Path, synthetic: pyoxigraph.Store) -> list[str]:
    """Return Markdown rows: triples per node by class and predicate, real build vs synthetic."""
    got, want = shares(synthetic), shares(open_store(real))
    rows = ["| class | predicate | real build (per node) | synthetic (per node) |",
            "|---|---|---|---|"]
    for cls in SHARE_CLASSES:
        (n_real, real_of), (n_syn, syn_of) = want[cls], got[cls]
        rows.append(f"| {cls} | (nodes) | {n_real} | {n_syn} |")
        for pred in sorted(set(real_of) | set(syn_of)):
            rows.append(f"| | {pred} | {real_of.get(pred, 0):.2f} | {syn_of.get(pred, 0):.2f} |")
    return rows


def _median_ms(run, runs: int) -> tuple[float, int, float]:
    """Run once to warm up, then ``runs`` times; return median ms, result size, median CPU ms.

    The CPU time (of this process) shows what a query costs when other processes
    compete for the cores and stretch the wall-clock time.
    """
    size = run()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), size, statistics.median(cpu)


PAGE = "\nLIMIT 1000\n"
"""How a paged ready query ends its WHERE clause; removed to time every row."""


def _rdflib_child(graph: rdflib.Graph, text: str, runs: int, conn) -> None:
    def run() -> int:
        return len(list(graph.query(text)))

    try:
        first = time.perf_counter()
        size = run()
        elapsed = time.perf_counter() - first
        times = [elapsed * 1000]
        for _ in range(runs - 1 if elapsed < 2 else 0):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
    except Exception as err:  # rdflib's own failures are reported, not fatal
        conn.send(f"{type(err).__name__}: {err}")
        return
    conn.send((statistics.median(times), size, len(times)))


def machine() -> str:
    """Describe the CPU, cores and RAM of this machine."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return (f"{cpu}, {os.cpu_count()} cores, {ram} RAM; Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}")


def _generator_version() -> str:
    """Return a short digest of :func:`generate`'s source and of the conflicts it adds:
    a changed generator gets a new cache."""
    source = inspect.getsource(generate) + inspect.getsource(conflicts)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]


def _graph_files(folder: Path, claims: int) -> tuple[Path, Path, int]:
    """Generate the graph into ``folder`` unless it is already there; return files, triples."""
    nq, nt, count = folder / "graph.nq", folder / "graph.nt", folder / "triples.txt"
    if count.is_file() and nq.is_file() and nt.is_file():
        triples = int(count.read_text())
        print(f"reusing {triples} triples from {folder}")
        return nq, nt, triples
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    triples = generate(nq, nt, claims)
    count.write_text(str(triples))
    print(f"generated {triples} triples in {time.perf_counter() - start:.1f} s")
    return nq, nt, triples


def main() -> None:
    """Generate, load, time, and write bench/results-sparql.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rdflib-cap", type=float, default=12.0)
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="reuse the cached graph, memory store only, no results file")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="time these queries only")
    parser.add_argument("--queries", type=Path, help="folder of .rq files to time instead")
    parser.add_argument("--before", metavar="REV",
                        help="also time the ready queries as they were at this git revision")
    parser.add_argument("--compare", type=Path, metavar="EXPORTS",
                        help="set predicate shares of this real build beside the synthetic's")
    args = parser.parse_args()
    if args.before:  # name the commit, not a moving reference such as HEAD
        args.before = subprocess.run(
            ["git", "rev-parse", "--short", args.before], cwd=Path(__file__).resolve().parent,
            capture_output=True, text=True, check=True).stdout.strip()
    queries = ready_queries(args.queries) if args.queries else ready_queries()
    if args.only:
        queries = {name: q for name, q in queries.items() if name in args.only}
    tmp = Path(tempfile.mkdtemp(prefix="claimgraph-bench-"))
    try:
        folder = CACHE / f"claims-{args.claims}-{_generator_version()}" if args.quick else tmp
        nq, nt, triples = _graph_files(folder, args.claims)

        start = time.perf_counter()
        store = open_store(nq)
        oxi_load = time.perf_counter() - start
        disk = None
        disk_load = 0.0
        if not args.quick:
            start = time.perf_counter()
            load_store(nq, tmp / "db")
            disk_load = time.perf_counter() - start
            disk = pyoxigraph.Store.read_only(str(tmp / "db"))
        print(f"pyoxigraph: memory load {oxi_load:.1f} s, on-disk bulk load {disk_load:.1f} s")
        compared = compare_shares(args.compare, store) if args.compare else []
        if compared:
            print("\n".join(compared))
        oxi: dict[str, tuple[float, int, float]] = {}
        oxi_disk: dict[str, tuple[float, int, float]] = {}
        every: dict[str, tuple[float, int, float]] = {}
        for name, query in queries.items():
            text = query.text
            oxi[name] = _median_ms(lambda q=text, s=store: len(run_query(s, q)), args.runs)
            shown = ""
            if PAGE in text:
                whole = text.replace(PAGE, "\n")
                every[name] = _median_ms(lambda q=whole, s=store: len(run_query(s, q)), args.runs)
                shown += f" (every row: {every[name][0]:.1f} ms, {every[name][1]} rows)"
            if disk is not None:
                oxi_disk[name] = _median_ms(lambda q=text, s=disk: len(run_query(s, q)),
                                            args.runs)
                shown += f", {oxi_disk[name][0]:.1f} ms disk"
            print(f"  {name}: {oxi[name][0]:.1f} ms memory, {oxi[name][1]} rows, "
                  f"{oxi[name][2]:.1f} ms CPU{shown}")
        before = {}
        for name, text in _queries_at(args.before, queries).items():
            before[name] = _median_ms(lambda q=text, s=store: len(run_query(s, q)), args.runs)
            print(f"  {name} at {args.before}: {before[name][0]:.1f} ms memory, "
                  f"{before[name][1]} rows")
        del store, disk
        if args.quick:
            return

        rdf: dict[str, tuple[float, int, int] | str | None] = {}
        rdf_load = None
        if not args.skip_rdflib:
            start = time.perf_counter()
            graph = rdflib.Graph()
            graph.parse(nt, format="nt")
            rdf_load = time.perf_counter() - start
            print(f"rdflib: load {rdf_load:.1f} s")
            context = multiprocessing.get_context("fork")
            for name, query in queries.items():
                parent, child = context.Pipe()
                process = context.Process(target=_rdflib_child,
                                          args=(graph, query.text, 3, child))
                process.start()
                try:
                    rdf[name] = parent.recv() if parent.poll(args.rdflib_cap) else None
                except EOFError:
                    rdf[name] = "crashed"
                process.kill()
                process.join()
                shown = ("cut" if rdf[name] is None else rdf[name] if isinstance(rdf[name], str)
                         else f"{rdf[name][0]:.0f} ms")
                print(f"  {name}: {shown}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_results(triples, args, oxi_load, disk_load, rdf_load, oxi, oxi_disk, rdf, compared,
                  every, before)


def _queries_at(rev: str | None, queries: dict) -> dict[str, str]:
    """Return the text of each ready query at git revision ``rev`` (read with ``git show``)."""
    if not rev:
        return {}
    root = Path(__file__).resolve().parent.parent
    found = {}
    for name in queries:
        shown = subprocess.run(["git", "show", f"{rev}:data/queries/{name}.rq"], cwd=root,
                               capture_output=True, text=True, check=False)
        if shown.returncode == 0:
            found[name] = shown.stdout
    return found


def write_results(triples, args, oxi_load, disk_load, rdf_load, oxi, oxi_disk, rdf,
                  compared, every, before) -> None:
    """Write the measurements as a Markdown table to :data:`RESULTS`."""
    rows = [
        "# SPARQL benchmark: ready queries on a synthetic claimgraph",
        "",
        f"Machine: {machine()}.",
        f"Run: `python bench/bench_sparql.py --claims {args.claims} --runs {args.runs}"
        + (f" --before {args.before}" if args.before else "")
        + (f" --compare {args.compare}" if args.compare else "") + "` "
        f"on {time.strftime('%Y-%m-%d')}.",
        "",
        f"Graph: {triples:,} triples ({args.claims:,} claims with selectors, quantities, "
        "actors, relationships with statement nodes, figure conflicts), following graph/vocab.py; "
        "N-Quads with one named graph per source for pyoxigraph, N-Triples for rdflib.",
        "",
        "| load | seconds |",
        "|---|---|",
        f"| pyoxigraph in memory (`open_store`) | {oxi_load:.1f} |",
        f"| pyoxigraph on disk (`load_store`, bulk load) | {disk_load:.1f} |",
        f"| rdflib Graph (N-Triples parser) | "
        f"{'skipped' if rdf_load is None else f'{rdf_load:.1f}'} |",
        "",
        f"Median of {args.runs} runs after one warm-up, every row read "
        "(`run_query`), wall-clock and CPU time of this process; rdflib: median of up to "
        f"3 runs, cut at {args.rdflib_cap:g} s. Goal: ≤ 50 ms (wall-clock) per ready query "
        "on the store. Paged queries (`LIMIT 1000`, next pages with `OFFSET`) are timed "
        "for their first page and, without the `LIMIT` line, for every row."
        + (f" *Before*: the same query as of git revision `{args.before}`, same graph, "
           "memory store." if before else ""),
        "",
        "| query | rows | memory (ms) | memory CPU (ms) | before (ms, rows) "
        "| every row, no LIMIT (ms, rows) | disk (ms) | rdflib (ms) | ≤ 50 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (ms, size, cpu) in oxi.items():
        cell = rdf.get(name)
        if name not in rdf:
            rdf_cell = "skipped"
        elif cell is None:
            rdf_cell = f"> {args.rdflib_cap * 1000:.0f} (cut)"
        elif isinstance(cell, str):
            rdf_cell = "fails: " + cell.replace("|", "/")[:60]
        else:
            rdf_cell = f"{cell[0]:.0f}"
        then = f"{before[name][0]:.1f} ({before[name][1]})" if name in before else "–"
        whole = f"{every[name][0]:.1f} ({every[name][1]})" if name in every else "–"
        rows.append(f"| {name} | {size} | {ms:.1f} | {cpu:.1f} | {then} | {whole} | "
                    f"{oxi_disk[name][0]:.1f} | {rdf_cell} | {'yes' if ms <= 50 else 'no'} |")
    if compared:
        rows += ["", "Predicate shares, triples per node: the default corpus built with "
                 f"`claimgraph build data/corpus` (`--compare {args.compare}`) and the "
                 "synthetic graph.", "", *compared]
    RESULTS.write_text("\n".join(rows) + "\n" + NOTES, encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
