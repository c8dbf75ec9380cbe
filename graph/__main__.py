"""``python -m graph`` runs the claimgraph command line."""

from graph.cli import main

main()
