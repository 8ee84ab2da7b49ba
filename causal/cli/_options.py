"""Options and argument types shared by several command groups, and their parsers."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli.app import (
    fail,
)

StudyArg = Annotated[Path, typer.Argument(
    help="Study file (TOML), e.g. studies/thew2024.toml, or the name of a bundled example "
         "(thew2024; see `causal examples`).")]


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class RatioChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"


CommonOpt = Annotated[bool, typer.Option(
    "--common-outcome/--rare-outcome",
    help="For or/hr: is the outcome common (>= 15%)? Must be stated.")]


def ratio_measure(kind: str, estimate: float, ci: Any, se: Any, common_outcome: Any,
                   alpha: float = 0.05) -> Any:
    from causal import measures

    if kind in ("or", "hr") and common_outcome is None:
        fail(f"for {kind} state whether the outcome is common: add --common-outcome "
             "(prevalence >= 15%) or --rare-outcome.")
    common: dict[str, Any] = {"ci": ci, "std_error": se, "alpha": alpha}
    if kind == "rr":
        return measures.RiskRatio(estimate, **common)
    if kind == "or":
        return measures.OddsRatio(estimate, rare_outcome=not common_outcome, **common)
    return measures.HazardRatio(estimate, rare_outcome=not common_outcome, **common)


def parse_columns(value: list[str] | None) -> list[str]:
    """Names from repeated and/or comma-separated options ("a,b" "c" -> [a, b, c])."""
    return [name.strip() for item in value or [] for name in item.split(",") if name.strip()]


def parse_counts(values: list[float], names: tuple[str, ...]) -> list[int]:
    if len(values) != len(names):
        fail(f"expected {len(names)} counts ({' '.join(names)}); got {len(values)} value(s).")
    out = []
    for name, value in zip(names, values, strict=True):
        if not float(value).is_integer():
            fail(f"`{name}` must be a whole number; got {value:g}.")
        out.append(int(value))
    return out
