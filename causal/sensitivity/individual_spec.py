"""The ``[individual_sensitivity]`` table of a study file: benchmarks for the data-level OVB.

Example (studies/thew2024.toml)::

    [individual_sensitivity]
    benchmarks = ["phq9_baseline"]   # measured covariates used as yardsticks
    kd = [1, 2, 3]                   # a confounder 1, 2, 3 times as strong as each

Optional: without it the report's individual-data section uses the measured covariate with the
largest partial R² with the treatment (the strongest measured predictor of who was treated)
and ``kd = [1, 2, 3]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from causal.spec import Study, register_validator, spec_error

KEYS = {"benchmarks", "kd"}


@dataclass(frozen=True)
class IndividualSensitivitySpec:
    benchmarks: tuple[str, ...] = ()
    kd: tuple[float, ...] = (1.0, 2.0, 3.0)


def individual_sensitivity_spec(study: Study) -> IndividualSensitivitySpec:
    """The parsed table (defaults when the study has none)."""
    table = study.section("individual_sensitivity")
    where = "individual_sensitivity"
    extra = sorted(set(table) - KEYS)
    if extra:
        raise spec_error(study.path, f"{where}.{extra[0]}",
                         f"absent (known fields: {', '.join(sorted(KEYS))})", table[extra[0]])
    benchmarks = table.get("benchmarks", [])
    if not isinstance(benchmarks, list) or not all(isinstance(b, str) for b in benchmarks):
        raise spec_error(study.path, f"{where}.benchmarks", "a list of covariate names",
                         benchmarks)
    unknown = [b for b in benchmarks if b not in study.covariates]
    if unknown:
        raise spec_error(study.path, f"{where}.benchmarks",
                         f"among the study's covariates ({', '.join(study.covariates)})", unknown)
    kd = table.get("kd", [1, 2, 3])
    if (not isinstance(kd, list) or not kd
            or not all(isinstance(k, int | float) and not isinstance(k, bool)
                       and math.isfinite(k) and k > 0 for k in kd)):
        raise spec_error(study.path, f"{where}.kd", "a non-empty list of positive multiples",
                         kd)
    return IndividualSensitivitySpec(tuple(benchmarks), tuple(float(k) for k in kd))


@register_validator
def _validate(study: Study) -> None:
    individual_sensitivity_spec(study)
