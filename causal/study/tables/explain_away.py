"""``[explain_away]``: options of the report's explain-away simulation.

``uptake_or_range`` and ``recovery_or_range`` (``[lowest, highest]`` ORs of the hidden binary
confounder; the grid is log-spaced), ``grid`` (points per axis, 2-40), ``replicates``
(simulated cohorts per cell, 20-5000), ``prevalence`` (in (0, 1)) and ``margins``
(``"overall"`` or ``"arms"``, see :func:`causal.sensitivity.simulations.explain_away`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from causal.study._reader import TableReader

DEFAULTS: dict[str, Any] = {"uptake_or_range": (1.0, 20.0), "recovery_or_range": (1.0, 20.0),
                            "grid": 8, "replicates": 200, "prevalence": 0.5,
                            "margins": "overall"}
KEYS = frozenset(DEFAULTS)


@dataclass(frozen=True)
class ExplainAwayOptions:
    uptake_or_range: tuple[float, float] = DEFAULTS["uptake_or_range"]
    recovery_or_range: tuple[float, float] = DEFAULTS["recovery_or_range"]
    grid: int = DEFAULTS["grid"]
    replicates: int = DEFAULTS["replicates"]
    prevalence: float = DEFAULTS["prevalence"]
    margins: str = DEFAULTS["margins"]

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`causal.sensitivity.simulations.explain_away`."""
        return {"uptake_ors": np.geomspace(*self.uptake_or_range, self.grid),
                "recovery_ors": np.geomspace(*self.recovery_or_range, self.grid),
                "replicates": self.replicates, "prevalence": self.prevalence,
                "margins": self.margins}


def _range(reader: TableReader, key: str) -> tuple[float, float]:
    value = reader.table.get(key, list(DEFAULTS[key]))
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                       and math.isfinite(v) and v > 0 for v in value)
            or not value[0] < value[1]):
        raise reader.error(key, "a list [lowest, highest] of odds ratios > 0, lowest < highest",
                           value)
    return float(value[0]), float(value[1])


def parse(raw: Any, path: Path | str) -> ExplainAwayOptions | None:
    if raw is None:
        return None
    reader = TableReader(raw, "explain_away", path, KEYS)
    return ExplainAwayOptions(
        uptake_or_range=_range(reader, "uptake_or_range"),
        recovery_or_range=_range(reader, "recovery_or_range"),
        grid=reader.integer("grid", DEFAULTS["grid"], low=2, high=40),
        replicates=reader.integer("replicates", DEFAULTS["replicates"], low=20, high=5000),
        prevalence=float(reader.number("prevalence", DEFAULTS["prevalence"], low=0, high=1,
                                       open_low=True, open_high=True,
                                       expected="a prevalence in (0, 1)")),
        margins=reader.choice("margins", ("overall", "arms"), "overall"))
