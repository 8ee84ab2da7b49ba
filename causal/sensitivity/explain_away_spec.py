"""The ``[explain_away]`` table of a study file: options of the report's explain-away section.

Keys (all optional; defaults in :data:`DEFAULTS`): ``uptake_or_range`` and
``recovery_or_range`` (``[lowest, highest]`` ORs of the hidden binary confounder, positive, lowest < highest;
the grid is log-spaced), ``grid`` (points per axis,
2-40), ``replicates`` (simulated cohorts per cell, 20-5000), ``prevalence`` (in (0, 1)) and
``margins`` (``"overall"`` or ``"arms"``, see :func:`causal.sensitivity.explain_away`).
The seed is the report's ``random_state``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causal.spec import Study, register_validator, spec_error

DEFAULTS: dict[str, Any] = {"uptake_or_range": [1.0, 20.0], "recovery_or_range": [1.0, 20.0],
                            "grid": 8, "replicates": 200, "prevalence": 0.5,
                            "margins": "overall"}


def explain_away_options(study: Study) -> dict[str, Any] | None:
    """Checked options with defaults filled in, as keyword arguments of ``explain_away``
    (None when the study has no ``[explain_away]`` table)."""
    if "explain_away" not in study.raw:
        return None
    table = study.section("explain_away")
    where = "explain_away"
    unknown = sorted(set(table) - set(DEFAULTS))
    if unknown:
        raise spec_error(study.path, f"{where}.{unknown[0]}",
                         f"one of the known keys ({', '.join(sorted(DEFAULTS))})", unknown[0])
    options = {**DEFAULTS, **table}
    axes = {}
    for key in ("uptake_or_range", "recovery_or_range"):
        value = options[key]
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           and math.isfinite(v) and v > 0 for v in value)
                or not value[0] < value[1]):
            raise spec_error(study.path, f"{where}.{key}",
                             "a list [lowest, highest] of odds ratios > 0, lowest < highest",
                             value)
        axes[key] = value
    grid = options["grid"]
    if isinstance(grid, bool) or not isinstance(grid, int) or not 2 <= grid <= 40:
        raise spec_error(study.path, f"{where}.grid", "an integer from 2 to 40", grid)
    replicates = options["replicates"]
    if isinstance(replicates, bool) or not isinstance(replicates, int) or \
            not 20 <= replicates <= 5000:
        raise spec_error(study.path, f"{where}.replicates", "an integer from 20 to 5000",
                         replicates)
    prevalence = options["prevalence"]
    if isinstance(prevalence, bool) or not isinstance(prevalence, (int, float)) or \
            not 0 < prevalence < 1:
        raise spec_error(study.path, f"{where}.prevalence", "a prevalence in (0, 1)",
                         prevalence)
    if options["margins"] not in ("overall", "arms"):
        raise spec_error(study.path, f"{where}.margins", "'overall' or 'arms'",
                         options["margins"])
    return {"uptake_ors": np.geomspace(*axes["uptake_or_range"], grid),
            "recovery_ors": np.geomspace(*axes["recovery_or_range"], grid),
            "replicates": replicates, "prevalence": float(prevalence),
            "margins": options["margins"]}


@register_validator
def _validate(study: Study) -> None:
    explain_away_options(study)
