"""claimgraph: a knowledge graph of claims, actors and relationships from documents."""

__version__ = "0.1.0"
