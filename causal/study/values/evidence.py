"""One effect estimate with what it measured, in whom, and where it was reported: the value a
study file's ``[[randomised_evidence]]`` table declares (read by
:func:`causal.sensitivity.compare_with_randomised`).

A risk-difference CI from arms is the Wald interval
``RD -/+ z sqrt(p1 (1 - p1) / n1 + p0 (1 - p0) / n0)`` and needs the group sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from causal._validation import check_alpha, check_count, check_probability
from causal.errors import ParameterError
from causal.measures import OddsRatio, RiskDifference, RiskRatio, z_critical

Design = Literal["randomised", "observational"]


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"`{name}` must be a non-empty string; got {value!r}.")
    return value.strip()


@dataclass(frozen=True)
class EvidenceEntry:
    """One effect estimate with what it measured, in whom, and where it was reported.

    Parameters
    ----------
    label, outcome, population, citation : str
    design : {"randomised", "observational"}
    arms : (float, float), optional
        Outcome proportions (treated, control).
    arm_sizes : (int, int), optional
        Group sizes (treated, control), for a CI from ``arms``.
    effect : OddsRatio, RiskRatio or RiskDifference, optional
        The effect as reported (give ``arms`` or ``effect``, or both).
    caveat : str
        How this entry's outcome or population differs from the observational one; required
        when they differ.
    alpha : float
        For a CI computed from arms.
    """

    label: str
    outcome: str
    population: str
    citation: str
    design: Design = "randomised"
    arms: tuple[float, float] | None = None
    arm_sizes: tuple[int, int] | None = None
    effect: Any = None
    caveat: str = ""
    alpha: float = 0.05

    def __post_init__(self) -> None:
        for name in ("label", "outcome", "population", "citation"):
            object.__setattr__(self, name, _text(getattr(self, name), name))
        if self.design not in ("randomised", "observational"):
            raise ParameterError("`design` must be one of 'randomised', 'observational'; got "
                                 f"{self.design!r}.")
        if self.arms is None and self.effect is None:
            raise ParameterError(f"`arms` or `effect` must be given for {self.label!r}; got "
                                 "neither.")
        if self.arms is not None:
            if len(self.arms) != 2:
                raise ParameterError(f"`arms` must be (treated, control) proportions; got "
                                     f"{self.arms!r}.")
            object.__setattr__(self, "arms", (check_probability(self.arms[0], "arms[0]"),
                                              check_probability(self.arms[1], "arms[1]")))
        if self.arm_sizes is not None:
            if self.arms is None or len(self.arm_sizes) != 2:
                raise ParameterError("`arm_sizes` must be (treated, control) sizes given with "
                                     f"`arms`; got {self.arm_sizes!r}.")
            sizes = (check_count(self.arm_sizes[0], "arm_sizes[0]"),
                     check_count(self.arm_sizes[1], "arm_sizes[1]"))
            if min(sizes) == 0:
                raise ParameterError(f"`arm_sizes` must be positive; got {sizes}.")
            object.__setattr__(self, "arm_sizes", sizes)
        if self.effect is not None and not isinstance(self.effect, OddsRatio | RiskRatio
                                                      | RiskDifference):
            raise ParameterError("`effect` must be an OddsRatio, RiskRatio or RiskDifference; "
                                 f"got {type(self.effect).__name__}.")
        if not isinstance(self.caveat, str):
            raise ParameterError(f"`caveat` must be a string; got {self.caveat!r}.")
        check_alpha(self.alpha)

    @property
    def risk_difference(self) -> tuple[float, float, float] | None:
        """``(RD, lower, upper)`` in proportions from the arms (NaN limits without sizes)."""
        if self.arms is None:
            return None
        p1, p0 = self.arms
        rd = p1 - p0
        if self.arm_sizes is None:
            return rd, math.nan, math.nan
        n1, n0 = self.arm_sizes
        se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        z = z_critical(self.alpha)
        return rd, rd - z * se, rd + z * se

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        where = f"outcome: {self.outcome}; population: {self.population}; {self.citation}"
        if self.caveat:
            where += f"; caveat: {self.caveat}"
        if self.arms is not None:
            rd, low, high = self.risk_difference  # type: ignore[misc]
            arms = f"{100 * self.arms[0]:.1f}% vs {100 * self.arms[1]:.1f}%"
            rows.append({"quantity": f"{self.label}: risk difference (percentage points)",
                         "estimate": 100 * rd, "ci_lower": 100 * low, "ci_upper": 100 * high,
                         "method": self.design, "note": f"{arms}; {where}"})
        if self.effect is not None:
            lower, upper = self.effect.ci if self.effect.ci is not None else (math.nan, math.nan)
            rows.append({"quantity": f"{self.label}: {self.effect.short_name} as reported",
                         "estimate": self.effect.estimate, "ci_lower": lower, "ci_upper": upper,
                         "method": self.design, "note": where})
        return rows


def check_comparable(observational: EvidenceEntry, randomised: Sequence[EvidenceEntry]) -> None:
    """Refuse to put ``randomised`` beside ``observational`` silently: each must be an
    EvidenceEntry of its design, and an entry whose outcome or population differs from the
    observational one must say how in its ``caveat``."""
    if not isinstance(observational, EvidenceEntry) or observational.design != "observational":
        raise ParameterError("`observational` must be an EvidenceEntry with design "
                             f"'observational'; got {observational!r:.80}.")
    if isinstance(randomised, EvidenceEntry) or not isinstance(randomised, Sequence):
        raise ParameterError("`randomised` must be a sequence of EvidenceEntry; got "
                             f"{type(randomised).__name__}.")
    for entry in randomised:
        if not isinstance(entry, EvidenceEntry) or entry.design != "randomised":
            raise ParameterError("`randomised` entries must be EvidenceEntry objects with "
                                 f"design 'randomised'; got {entry!r:.80}.")
        differs = [what for what in ("outcome", "population")
                   if getattr(entry, what).casefold() != getattr(observational, what).casefold()]
        if differs and not entry.caveat:
            raise ParameterError(
                f"`caveat` of {entry.label!r} must say how its {' and '.join(differs)} differ "
                f"from the observational study's; got an empty caveat.")
