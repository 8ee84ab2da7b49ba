"""``[individual_sensitivity]``: benchmarks for the omitted-variable bias on individual data.

``benchmarks``: measured covariates used as yardsticks (default: the covariate that best
predicts treatment); ``kd``: multiples of their strength (default ``[1, 2, 3]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"benchmarks", "kd"})


@dataclass(frozen=True)
class IndividualSensitivitySpec:
    benchmarks: tuple[str, ...] = ()
    kd: tuple[float, ...] = (1.0, 2.0, 3.0)


def parse(raw: Any, path: Path | str, covariates: tuple[str, ...]) -> IndividualSensitivitySpec:
    if raw is None:
        return IndividualSensitivitySpec()
    reader = TableReader(raw, "individual_sensitivity", path, KEYS)
    benchmarks = reader.names("benchmarks", (), what="a list of covariate names")
    unknown = [b for b in benchmarks if b not in covariates]
    if unknown:
        raise reader.error("benchmarks", f"among the study's covariates "
                           f"({', '.join(covariates)})", unknown)
    kd = reader.table.get("kd", [1, 2, 3])
    if (not isinstance(kd, list) or not kd or len(kd) > 100
            or not all(isinstance(k, int | float) and not isinstance(k, bool)
                       and math.isfinite(k) and 0 < k <= 1e6 for k in kd)):
        raise reader.error("kd", "a non-empty list of at most 100 positive multiples", kd)
    return IndividualSensitivitySpec(benchmarks, tuple(float(k) for k in kd))
