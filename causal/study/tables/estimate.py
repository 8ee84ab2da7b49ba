"""``[estimate]``: options of the study-level estimators."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from causal.study._reader import TableReader

KEYS = frozenset({"estimand", "saturated"})
ESTIMANDS = ("ate", "att", "atc", "atu")


def parse(raw: Any, path: Path | str) -> Literal["ate", "att", "atc"]:
    """``estimand``: "ate" (default), "att" (the effect on the treated, e.g. when controls far
    outnumber and barely overlap the treated, as NSW-treated + CPS controls), or "atc" (the
    effect on the controls, also called the ATU; "atu" is accepted and read as "atc")."""
    if raw is None:
        return "ate"
    chosen = TableReader(raw, "estimate", path, KEYS).choice("estimand", ESTIMANDS, "ate")
    return "atc" if chosen == "atu" else chosen


def parse_saturated(raw: Any, path: Path | str) -> bool:
    """``saturated``: fit g-computation and IPW with saturated (cell-mean) models over the
    declared categorical covariates, and match exactly on them (default false)."""
    if raw is None:
        return False
    return bool(TableReader(raw, "estimate", path, KEYS).boolean("saturated", False))
