"""The ``[heterogeneity]`` table of a study file: which effect modifiers the report examines.

Example (studies/thew2024.toml)::

    [heterogeneity]
    modifiers = ["phq9_baseline", "age", "long_term_condition"]
    outcome_type = "binary"    # the effect is then a risk difference
    cv = 5                     # cross-fitting folds
    world = "no hidden confounding"   # simulated data only; default: the first world

Modifiers must be among the study's measured covariates (``[data] covariates``), so that they
are adjusted for as well as examined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from causal.spec import Study, register_validator, spec_error

KEYS = {"modifiers", "outcome_type", "cv", "world"}


@dataclass(frozen=True)
class HeterogeneitySpec:
    modifiers: tuple[str, ...]
    outcome_type: Literal["binary", "continuous"]
    cv: int = 5
    world: str | None = None


def heterogeneity_spec(study: Study) -> HeterogeneitySpec | None:
    """The parsed ``[heterogeneity]`` table, or None when the study has none."""
    table = study.section("heterogeneity")
    if not table:
        return None
    where = "heterogeneity"
    extra = sorted(set(table) - KEYS)
    if extra:
        raise spec_error(study.path, f"{where}.{extra[0]}",
                         f"absent (known fields: {', '.join(sorted(KEYS))})", table[extra[0]])
    modifiers = table.get("modifiers")
    if (not isinstance(modifiers, list) or not modifiers
            or not all(isinstance(m, str) for m in modifiers)):
        raise spec_error(study.path, f"{where}.modifiers", "a non-empty list of column names",
                         modifiers)
    unknown = [m for m in modifiers if m not in study.covariates]
    if unknown:
        raise spec_error(study.path, f"{where}.modifiers",
                         f"among the study's covariates ({', '.join(study.covariates)})", unknown)
    outcome_type = table.get("outcome_type")
    if outcome_type not in ("binary", "continuous"):
        raise spec_error(study.path, f"{where}.outcome_type", "'binary' or 'continuous'",
                         outcome_type)
    cv = table.get("cv", 5)
    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise spec_error(study.path, f"{where}.cv", "an integer number of folds >= 2", cv)
    world = table.get("world")
    if world is not None and not isinstance(world, str):
        raise spec_error(study.path, f"{where}.world", "the name of a [[worlds]] table", world)
    return HeterogeneitySpec(tuple(modifiers), outcome_type, cv, world)


@register_validator
def _validate(study: Study) -> None:
    heterogeneity_spec(study)
