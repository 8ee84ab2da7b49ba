"""Putting a published measure on the risk-ratio scale, and back (shared by the sensitivity
methods that work on the risk-ratio scale: tipping points, bias factors, scenarios).

Conventions, the same as :mod:`causal.sensitivity.evalues.evalue`:

* RR: used as is.
* OR with ``rare_outcome=True``: RR = OR (a :class:`~causal.errors.CommonOutcomeWarning` is
  issued if the OR states a prevalence or control risk above
  :data:`causal.measures.RARE_OUTCOME_THRESHOLD`, 15%).
  OR with ``rare_outcome=False``: RR ~ sqrt(OR) (VanderWeele 2017), the convention of EValue
  and of tipr's ``or_correction``; back to an OR by squaring.
* HR with ``rare_outcome=True``: RR = HR; common: RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))
  (VanderWeele 2017), inverted numerically.
* A bare number is read as a risk ratio.

Which CI limit: the one nearest ``true`` (the null by default); it is always reported.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from causal._validation import check_positive
from causal.errors import CommonOutcomeWarning, ParameterError
from causal.measures import (
    RARE_OUTCOME_THRESHOLD,
    HazardRatio,
    OddsRatio,
    RiskRatio,
    is_rare_outcome,
)


def _warn_if_common(measure: Any, name: str) -> tuple[str, ...]:
    prevalence = getattr(measure, "prevalence", None)
    control_risk = getattr(measure, "control_risk", None)
    known = [p for p in (prevalence, control_risk) if p is not None]
    if known and not is_rare_outcome(max(known)):
        message = (
            f"The {name} is treated as a risk ratio (rare_outcome=True) but the known outcome "
            f"risk is {max(known):.0%}, above {RARE_OUTCOME_THRESHOLD:.0%}; the E-value "
            f"will be too large. Use rare_outcome=False."
        )
        warnings.warn(message, CommonOutcomeWarning, stacklevel=5)
        return (message,)
    return ()

CiLimit = Literal["lower", "upper", "none"]


@dataclass(frozen=True)
class RRScale:
    """A measure on the risk-ratio scale with the maps to and from its own scale."""

    input_name: str  # "RR", "OR", "HR"
    estimate: float  # on the input scale
    ci: tuple[float, float] | None  # on the input scale
    rr_point: float
    rr_ci: tuple[float, float] | None
    conversion: str
    to_rr: Callable[[float], float]
    from_rr: Callable[[float], float]
    notes: tuple[str, ...] = ()

    def ci_limit(self, rr_true: float = 1.0) -> tuple[CiLimit, float | None]:
        """The CI limit nearest ``rr_true`` on the RR scale ("none" if the CI contains it)."""
        if self.rr_ci is None:
            return "none", None
        lower, upper = self.rr_ci
        if lower <= rr_true <= upper:
            return "none", None
        return ("lower", lower) if self.rr_point > rr_true else ("upper", upper)


def _hr_to_rr(hr: float) -> float:
    return (1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr))


def _rr_to_hr(rr: float) -> float:
    from scipy.optimize import brentq

    if rr == 1:
        return 1.0
    low, high = (1.0, 2.0) if rr > 1 else (0.5, 1.0)
    while _hr_to_rr(high) < rr:
        high *= 2
    while _hr_to_rr(low) > rr:
        low /= 2
    return float(brentq(lambda h: _hr_to_rr(h) - rr, low, high, xtol=1e-14, rtol=1e-14))


def _identity(value: float) -> float:
    return value


def to_rr_scale(measure: Any) -> RRScale:
    """Read ``measure`` (RiskRatio, OddsRatio, HazardRatio or a number) on the RR scale."""
    if isinstance(measure, bool) or isinstance(measure, (int, float)):
        value = check_positive(measure, "effect", what="a risk ratio")
        return RRScale("RR", value, None, value, None, "risk ratio used as is", _identity,
                       _identity)
    if hasattr(measure, "to_measure") and not isinstance(measure, RiskRatio | OddsRatio
                                                         | HazardRatio):
        measure = measure.to_measure()
    notes: tuple[str, ...] = ()
    if isinstance(measure, RiskRatio):
        to_rr, from_rr, conversion = _identity, _identity, "risk ratio used as is"
    elif isinstance(measure, OddsRatio | HazardRatio):
        name = "odds ratio" if isinstance(measure, OddsRatio) else "hazard ratio"
        if measure.rare_outcome is None:
            known = getattr(measure, "prevalence", None)
            hint = f" (the known prevalence is {known:.0%})" if known is not None else ""
            raise ParameterError(
                f"`rare_outcome` must be stated for an {name}: True if the outcome is rare "
                f"(< {RARE_OUTCOME_THRESHOLD:.0%}), False if common{hint}; got None.")
        if measure.rare_outcome:
            notes = _warn_if_common(measure, name)
            to_rr, from_rr = _identity, _identity
            conversion = f"rare outcome: {name} ~ risk ratio"
        elif isinstance(measure, OddsRatio):
            to_rr, from_rr = math.sqrt, (lambda rr: rr * rr)
            conversion = "common outcome: RR ~ sqrt(OR) (VanderWeele 2017)"
        else:
            to_rr, from_rr = _hr_to_rr, _rr_to_hr
            conversion = ("common outcome: RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) "
                          "(VanderWeele 2017)")
    else:
        raise ParameterError(
            "`measure` must be a RiskRatio, OddsRatio, HazardRatio or a positive number (a risk "
            f"ratio); got {type(measure).__name__}.")
    ci = measure.ci
    rr_ci = None if ci is None else (to_rr(ci[0]), to_rr(ci[1]))
    return RRScale(measure.short_name, measure.estimate, ci, to_rr(measure.estimate), rr_ci,
                   conversion, to_rr, from_rr, notes)
