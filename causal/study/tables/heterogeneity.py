"""``[heterogeneity]``: which effect modifiers the report examines (EconML DR-learner).

``modifiers`` must be among the study's covariates (so they are adjusted for as well as
examined); ``outcome_type`` is "binary" (the effect is then a risk difference) or
"continuous"; ``cv`` the cross-fitting folds; ``world`` the simulated world (default: the
first).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from causal.study._reader import TableReader

KEYS = frozenset({"modifiers", "outcome_type", "cv", "world"})


@dataclass(frozen=True)
class HeterogeneitySpec:
    modifiers: tuple[str, ...]
    outcome_type: Literal["binary", "continuous"]
    cv: int = 5
    world: str | None = None


def parse(raw: Any, path: Path | str, covariates: tuple[str, ...]) -> HeterogeneitySpec | None:
    if raw is None:
        return None
    reader = TableReader(raw, "heterogeneity", path, KEYS)
    modifiers = reader.names("modifiers", nonempty=True)
    unknown = [m for m in modifiers if m not in covariates]
    if unknown:
        raise reader.error("modifiers", f"among the study's covariates "
                           f"({', '.join(covariates)})", unknown)
    return HeterogeneitySpec(
        modifiers, reader.choice("outcome_type", ("binary", "continuous")),
        reader.integer("cv", 5, low=2, high=100, expected="an integer number of folds"),
        reader.string("world", None, expected="the name of a [[worlds]] table"))
