"""IRIs are stable: rebuilding, or adding a document, renumbers nothing."""

from __future__ import annotations

import shutil

from rdflib import RDF, Graph, URIRef

from graph.build import build

SCHEMA_CLAIM = URIRef("https://schema.org/Claim")
ACTOR = URIRef("https://w3id.org/claimgraph/ontology#Actor")


def _claims(path) -> set[URIRef]:
    return set(Graph().parse(path).subjects(RDF.type, SCHEMA_CLAIM))


def test_adding_a_document_keeps_every_existing_iri(tmp_path, corpus, fixtures):
    one = tmp_path / "one"
    shutil.copytree(corpus, one)
    build([one], tmp_path / "a", workers=1, cache_dir=None)
    extra = next(p for p in sorted((fixtures / "extraction").iterdir()) if p.suffix == ".txt")
    shutil.copy(extra, one / extra.name)
    build([one], tmp_path / "b", workers=1, cache_dir=None)
    before, after = _claims(tmp_path / "a" / "graph.ttl"), _claims(tmp_path / "b" / "graph.ttl")
    assert before < after
    russia = URIRef("https://w3id.org/claimgraph/actor/russia")
    for build_dir in ("a", "b"):
        g = Graph().parse(tmp_path / build_dir / "graph.ttl")
        assert (russia, RDF.type, ACTOR) in g
