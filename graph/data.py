"""Where claimgraph's data files live, and how they are read.

The gazetteer, rule vocabularies, ontology, shapes and ready queries sit in
``data/`` beside the package; every module finds them through :data:`DATA` and
reads YAML through :func:`load_yaml`, so a missing or broken file is always the
same one-line :class:`~graph.errors.ClaimgraphError`.

Examples
--------
>>> (DATA / "gazetteer.yaml").is_file()
True
>>> try:
...     load_yaml(DATA / "nope.yaml", "test vocabulary")
... except ClaimgraphError as exc:
...     print(str(exc).split(": ")[1])
cannot read test vocabulary
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.errors import ClaimgraphError

DATA = Path(__file__).resolve().parent.parent / "data"
"""The project's data folder."""


def load_yaml(path: Path, what: str) -> Any:
    """Read the YAML file at ``path`` safely; ``what`` names it in the error message."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ClaimgraphError(f"{path}: cannot read {what}: {exc}") from None
