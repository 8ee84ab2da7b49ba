"""``[design]``: how the data were collected.

``randomised = true`` declares that the treatment was assigned at random (an experiment): the
crude contrast is then the design-based estimate, adjustment for covariates only adds
precision, and no adjustment set needs to be identified from a graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"randomised"})


def parse(raw: Any, path: Path | str) -> bool:
    if raw is None:
        return False
    return bool(TableReader(raw, "design", path, KEYS).boolean("randomised", False))
