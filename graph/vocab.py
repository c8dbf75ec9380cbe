"""RDF namespaces and claimgraph's own terms, in one place.

The exporters write these terms, the ready queries read them and the ontology in
``data/ontology.ttl`` defines them; ``tests/test_vocab.py`` checks that every term
used here is defined there.

How the graph maps to RDF (instance IRIs are ``ids.BASE`` + the node id)::

    actor/russia  a cg:Actor, cg:Country ; rdfs:label "Russia" ; owl:sameAs wd:Q159 ;
                  skos:altLabel "Russian", "Moscow" ; cg:isoCode "RU" ;
                  cg:role "minister" ; cg:affiliatedWith actor/… .
    actor/iran    cg:suppliesTo actor/russia .                    # direct triple
    relation/<h>  a rdf:Statement, cg:Relationship ; rdf:subject actor/iran ;
                  rdf:predicate cg:suppliesTo ; rdf:object actor/russia ;
                  prov:wasDerivedFrom claim/<h> ; dcterms:source source/… ;
                  cg:claimCount 1 ; cg:sourceCount 1 ;        # distinct claims, sources
                  cg:rule "…" ; cg:confidence 0.8 .
    conflict/<h>  a cg:FigureConflict ;                          # see graph/conflicts.py
                  cg:conflictKind "same actor, different sources" ;
                  schema:unitText "people" ; cg:about "men | people who left" ;
                  cg:concerns actor/russia ;                  # that kind only
                  schema:minValue 300000.0 ; schema:maxValue 1300000.0 ;
                  cg:figures "300000 | 1300000" ;
                  cg:lowestClaim claim/<h> ; cg:highestClaim claim/<h> ;  # at the extremes
                  prov:wasDerivedFrom claim/<h> ;            # the same one or two claims
                  dcterms:source source/… ;                  # and their sources
                  cg:claimCount 2 ; cg:sourceCount 2 .       # every claim and source
    claim/<h>     a schema:Claim ; schema:text "…" ; prov:wasDerivedFrom source/… ;
                  cg:mentions actor/… ; prov:wasAttributedTo actor/… ;
                  cg:modality cg:Hedged ; cg:section "body" ; cg:heading "…" ;
                  cg:startOffset 10 ; cg:endOffset 42 ; cg:videoTime 106 ;
                  cg:videoLink <https://www.youtube.com/watch?v=ID&t=106s> ;
                  cg:statesQuantity quantity/<h> ; oa:hasTarget claim/<h>#target .
    claim/<h>#target  a oa:SpecificResource ; oa:hasSource source/… ;
                  oa:hasSelector claim/<h>#position, claim/<h>#quote .
    claim/<h>#position  a oa:TextPositionSelector ; oa:start 10 ; oa:end 42 .
    claim/<h>#quote     a oa:TextQuoteSelector ; oa:exact "…" .
    quantity/<h>  a schema:QuantitativeValue ; schema:value 1300000 ;
                  schema:unitText "people" ; schema:minValue … ; schema:maxValue … ;
                  cg:qualifier "up to" ; cg:about "people who left" .
    source/<slug> a prov:Entity, cg:Source ; dcterms:title "…" ;
                  dcterms:source <url> ; dcterms:publisher "…" ; dcterms:creator "…" ;
                  cg:trust cg:PrimarySource | cg:ReaderComments ;
                  dcterms:isPartOf source/<article> .          # comments only

No blank nodes are written (they would make byte-for-byte rebuilds impossible):
every auxiliary node is a fragment of the IRI it belongs to.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from graph.ids import BASE, ONTOLOGY

CG = Namespace(ONTOLOGY)
ID = Namespace(BASE)
SCHEMA = SDO
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace] = {
    "cg": CG,
    "id": ID,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "oa": OA,
    "wd": WD,
}
"""Prefixes bound in every export and every query (order is the output order)."""

RELATIONS: tuple[str, ...] = (
    "suppliesTo", "dependsOn", "cooperatesWith", "attacks", "defendsAgainst",
    "sanctions", "migratesTo", "atWarWith", "prefers", "opposes",
)
"""Local names of the relationship properties, from ``spec/relations.md``."""

MODALITY_CLASS_TERMS = {
    "asserted": CG.Asserted,
    "hedged": CG.Hedged,
    "forecast": CG.Forecast,
    "reported": CG.Reported,
    "negated": CG.Negated,
}
"""The individual that stands for each modality value."""

TRUST_TERMS = {"primary": CG.PrimarySource, "reader-comments": CG.ReaderComments}
"""The individual that stands for each trust level of a source."""


def sparql_prefixes() -> str:
    """Return PREFIX lines for every namespace in :data:`PREFIXES`.

    >>> "PREFIX cg: <https://w3id.org/claimgraph/ontology#>" in sparql_prefixes()
    True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
