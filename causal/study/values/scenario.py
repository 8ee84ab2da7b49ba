"""One hypothesised unmeasured confounder, as a study file's ``[[scenarios]]`` table declares it.

A :class:`ConfounderScenario` is either **binary** (the confounder's prevalence among the
treated and controls and its risk ratio with the outcome) or **strength** (the two risk ratios
of the E-value literature); :func:`causal.sensitivity.assess_scenario` reads it against a
published measure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from causal._validation import check_positive, check_probability
from causal.errors import ParameterError
from causal.study.values.bias_factors import binary_bias_factor, bounding_factor


@dataclass(frozen=True)
class ConfounderScenario:
    """A hypothesised unmeasured confounder.

    Parameters
    ----------
    name : str
        Short label, e.g. "engagement (hypothesis)".
    prevalence_treated, prevalence_control : float, optional
        Binary scenario: prevalence among the treated and controls, in [0, 1].
    outcome_rr : float, optional
        Binary scenario: risk ratio of the confounder with the outcome (> 0).
    rr_eu, rr_ud : float, optional
        Strength scenario: treatment-confounder and confounder-outcome risk ratios (>= 1).
    description : str
        Plain-language description for reports.

    Examples
    --------
    >>> s = ConfounderScenario("engagement", prevalence_treated=0.5, prevalence_control=0.2,
    ...                        outcome_rr=2)
    >>> s.bias_factor
    1.25
    """

    name: str = ""
    prevalence_treated: float | None = None
    prevalence_control: float | None = None
    outcome_rr: float | None = None
    rr_eu: float | None = None
    rr_ud: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        binary = [self.prevalence_treated, self.prevalence_control, self.outcome_rr]
        strength = [self.rr_eu, self.rr_ud]
        if all(v is not None for v in binary) and all(v is None for v in strength):
            object.__setattr__(self, "prevalence_treated",
                               check_probability(self.prevalence_treated, "prevalence_treated"))
            object.__setattr__(self, "prevalence_control",
                               check_probability(self.prevalence_control, "prevalence_control"))
            object.__setattr__(self, "outcome_rr", check_positive(
                self.outcome_rr, "outcome_rr", what="a confounder-outcome risk ratio"))
        elif all(v is not None for v in strength) and all(v is None for v in binary):
            for name in ("rr_eu", "rr_ud"):
                value = check_positive(getattr(self, name), name, what="a risk ratio")
                if value < 1:
                    raise ParameterError(f"`{name}` must be a risk ratio >= 1 (invert a "
                                         f"protective association); got {value:g}.")
                object.__setattr__(self, name, value)
        else:
            raise ParameterError(
                "a ConfounderScenario needs either `prevalence_treated`, `prevalence_control` "
                "and `outcome_rr` (binary) or `rr_eu` and `rr_ud` (strength), not a mix; got "
                f"{self._given()}.")

    def _given(self) -> str:
        names = ("prevalence_treated", "prevalence_control", "outcome_rr", "rr_eu", "rr_ud")
        given = [n for n in names if getattr(self, n) is not None]
        return ", ".join(given) if given else "none of them"

    @property
    def kind(self) -> str:
        """``"binary"`` or ``"strength"``."""
        return "binary" if self.outcome_rr is not None else "strength"

    @property
    def bias_factor(self) -> float:
        """Exact bias factor (binary) or the bounding factor (strength)."""
        if self.kind == "binary":
            return float(binary_bias_factor(self.prevalence_treated, self.prevalence_control,
                                            self.outcome_rr))
        return float(bounding_factor(self.rr_eu, self.rr_ud))

    @property
    def evalue_coordinates(self) -> tuple[float, float]:
        """``(RR_EU, RR_UD)`` of the scenario on the E-value plot."""
        if self.kind == "strength":
            return float(self.rr_eu), float(self.rr_ud)  # type: ignore[arg-type]
        p1, p0, g = self.prevalence_treated, self.prevalence_control, self.outcome_rr
        assert p1 is not None and p0 is not None and g is not None
        up = p1 / p0 if p0 > 0 else math.inf
        down = (1 - p1) / (1 - p0) if p0 < 1 else math.inf
        return max(up, down), max(g, 1 / g)

    def describe(self) -> str:
        if self.kind == "binary":
            return (f"present in {self.prevalence_treated:.0%} of the treated and "
                    f"{self.prevalence_control:.0%} of controls, outcome RR {self.outcome_rr:g}")
        return f"RR_EU {self.rr_eu:g}, RR_UD {self.rr_ud:g}"
