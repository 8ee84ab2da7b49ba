"""A normally distributed unmeasured confounder: adjusting an effect for it, and the tipping
point of a regression coefficient (Lin, Psaty & Kronmal 1998; R ``tipr``'s ``adjust_coef``,
``adjust_rr``/``adjust_or``/``adjust_hr`` and ``tip_coef``).

The confounder ``U`` is normal with unit variance in both groups; ``smd`` is the difference of
its means, treated minus control (a standardised mean difference), and ``outcome_association``
its effect on the outcome per standard deviation, the same in both groups (no interaction).

* Coefficient (a mean difference or linear-regression coefficient; Lin et al. 1998, exact for
  a linear outcome model): ``adjusted = observed - smd x outcome_association``.
* Ratio (risk ratio; Lin et al. 1998, exact for a log-linear risk model with normal ``U``):
  ``adjusted = observed / outcome_association ^ smd``, with ``outcome_association`` a risk
  ratio per SD. An odds or hazard ratio is first put on the risk-ratio scale as in
  :mod:`causal.sensitivity._scale`; ``outcome_association`` is then given on the same scale as
  the estimate (an OR per SD for an OR) and converted by the same rule, as tipr's
  ``or_correction``/``hr_correction`` do (with a rare outcome no conversion is made, as tipr's
  default).

A CI is adjusted limit by limit (the adjustment is a fixed shift, or a fixed factor, for given
confounder parameters). The tipping point of a ratio for a normal confounder is
:func:`causal.sensitivity.tipping_points.risk_ratio.tip` with ``confounder="normal"``; of a coefficient,
:func:`tip_coef` here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_finite, check_positive
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity._scale import to_rr_scale

METHOD = "normal unmeasured confounder (Lin, Psaty & Kronmal 1998)"


@dataclass(frozen=True)
class NormalConfounderAdjustment(SummaryMixin):
    """Result of :func:`adjust_coef` and :func:`adjust_rr`.

    ``observed``/``adjusted`` (and their CIs) are on the input's scale ("coefficient", "RR",
    "OR" or "HR"); ``rr_observed``/``rr_adjusted`` on the risk-ratio scale for ratios (tipr's
    corrected output), None for a coefficient.
    """

    scale: str
    observed: float
    adjusted: float
    ci: tuple[float, float] | None
    adjusted_ci: tuple[float, float] | None
    smd: float
    outcome_association: float
    conversion: str
    rr_observed: float | None = None
    rr_adjusted: float | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The summary with the adjusted estimate, its CI, the risk-ratio-scale estimate and
        the conversion."""
        return jsonable({**super().to_dict(), "adjusted": self.adjusted,
                         "adjusted_ci": self.adjusted_ci, "rr_adjusted": self.rr_adjusted,
                         "conversion": self.conversion})

    def summary(self) -> pd.DataFrame:
        given = f"smd = {self.smd:.4g}, outcome association {self.outcome_association:.4g} per SD"
        lo, hi = self.adjusted_ci if self.adjusted_ci else (math.nan, math.nan)
        rows = [{"quantity": f"adjusted {self.scale}", "estimate": self.adjusted,
                 "ci_lower": lo, "ci_upper": hi, "method": METHOD,
                 "note": f"observed {self.observed:.4g}; {given}; {self.conversion}"}]
        if self.rr_adjusted is not None and self.scale != "RR":
            rows.append({"quantity": "adjusted risk ratio", "estimate": self.rr_adjusted,
                         "method": METHOD, "note": f"observed RR {self.rr_observed:.4g}"})
        return summary_frame(rows)


def _coefficient(effect: Any) -> tuple[float, tuple[float, float] | None]:
    from causal.measures import MeanDifference

    if isinstance(effect, MeanDifference):
        return effect.estimate, effect.ci
    if isinstance(effect, bool) or not isinstance(effect, int | float):
        raise ParameterError("`effect` must be a number or a MeanDifference (a coefficient); "
                             f"got {type(effect).__name__}.")
    return check_finite(effect, "effect"), None


def adjust_coef(effect: Any, *, smd: float, outcome_association: float
                ) -> NormalConfounderAdjustment:
    """A coefficient adjusted for a normal confounder: ``effect - smd x outcome_association``.

    Parameters
    ----------
    effect : float or MeanDifference
        The observed coefficient (its CI, if any, is adjusted too).
    smd : float
        Confounder mean in the treated minus in controls, in its standard deviations.
    outcome_association : float
        Change in the outcome mean per standard deviation of the confounder.

    Returns
    -------
    NormalConfounderAdjustment

    Notes
    -----
    Lin et al. (1998): for a linear outcome model with normal ``U`` the observed coefficient
    is biased by ``smd x outcome_association`` (module docstring). Same as
    ``tipr::adjust_coef(effect, smd, outcome_association)``.

    References
    ----------
    Lin, D. Y., Psaty, B. M. & Kronmal, R. A. (1998). Assessing the sensitivity of regression
    results to unmeasured confounders in observational studies. Biometrics 54(3), 948-963.

    Examples
    --------
    >>> round(adjust_coef(1.5, smd=0.5, outcome_association=0.8).adjusted, 6)
    1.1
    """
    estimate, ci = _coefficient(effect)
    d = check_finite(smd, "smd")
    beta = check_finite(outcome_association, "outcome_association")
    shift = d * beta
    adjusted_ci = None if ci is None else (ci[0] - shift, ci[1] - shift)
    return NormalConfounderAdjustment("coefficient", estimate, estimate - shift, ci,
                                      adjusted_ci, d, beta, "linear outcome model")


def adjust_rr(measure: Any, *, smd: float, outcome_association: float
              ) -> NormalConfounderAdjustment:
    """A ratio adjusted for a normal confounder: ``RR / outcome_association ^ smd``.

    Parameters
    ----------
    measure : RiskRatio, OddsRatio, HazardRatio or float
        The observed ratio (a number is a risk ratio); an OR or HR must state
        ``rare_outcome`` (module docstring).
    smd : float
        Confounder mean in the treated minus in controls, in its standard deviations.
    outcome_association : float
        Ratio of the outcome per standard deviation of the confounder, on the measure's scale.

    Returns
    -------
    NormalConfounderAdjustment
        On the input's scale and on the risk-ratio scale.

    Notes
    -----
    Same as ``tipr::adjust_rr(effect, smd, outcome_association)``; for a common-outcome OR or
    HR, as ``tipr::adjust_or(..., or_correction = TRUE)`` / ``adjust_hr(..., hr_correction =
    TRUE)`` on the risk-ratio scale, and mapped back to the input's scale.

    References
    ----------
    Lin, D. Y., Psaty, B. M. & Kronmal, R. A. (1998). Biometrics 54(3), 948-963.

    Examples
    --------
    >>> round(adjust_rr(1.8, smd=0.5, outcome_association=2.2).adjusted, 6)
    1.21356
    """
    scale = to_rr_scale(measure)
    d = check_finite(smd, "smd")
    gamma = check_positive(outcome_association, "outcome_association",
                           what="a ratio per standard deviation of the confounder")
    factor = scale.to_rr(gamma) ** d
    rr_adjusted = scale.rr_point / factor
    adjusted_ci = (None if scale.rr_ci is None else
                   (scale.from_rr(scale.rr_ci[0] / factor), scale.from_rr(scale.rr_ci[1] / factor)))
    return NormalConfounderAdjustment(scale.input_name, scale.estimate,
                                      scale.from_rr(rr_adjusted), scale.ci, adjusted_ci, d, gamma,
                                      scale.conversion, scale.rr_point, rr_adjusted, scale.notes)


Solved = Literal["smd", "outcome_association", "n_confounders"]


@dataclass(frozen=True)
class CoefficientTipping(SummaryMixin):
    """Result of :func:`tip_coef`: the solved quantity for the estimate and, with a CI, for the
    CI limit nearest 0 (NaN when the CI contains 0)."""

    solved_for: Solved
    given: dict[str, float]
    observed: float
    value: float
    ci_limit_used: Literal["lower", "upper", "none"]
    ci_limit: float | None
    ci_limit_value: float | None

    def to_dict(self) -> dict[str, Any]:
        """The summary with what was solved for and its value at the estimate and CI limit."""
        return jsonable({**super().to_dict(), "solved_for": self.solved_for, "value": self.value,
                         "ci_limit_used": self.ci_limit_used,
                         "ci_limit_value": self.ci_limit_value})

    def summary(self) -> pd.DataFrame:
        given = ", ".join(f"{k} = {v:.4g}" for k, v in self.given.items())
        rows = [{"quantity": f"{self.solved_for} to tip the estimate", "estimate": self.value,
                 "method": f"tipping point ({METHOD})",
                 "note": f"observed coefficient {self.observed:.4g}; {given}"}]
        if self.ci_limit_value is not None:
            which = "CI limit nearest 0" if self.ci_limit_used == "none" else (
                f"{self.ci_limit_used} CI limit")
            rows.append({"quantity": f"{self.solved_for} to tip the {which}",
                         "estimate": self.ci_limit_value,
                         "method": f"tipping point ({METHOD})",
                         "note": (f"CI limit {self.ci_limit:.4g}" if self.ci_limit is not None
                                  else "the CI already contains 0")})
        return summary_frame(rows)


def _solve_coef(b: float, solved: Solved, d: float | None, beta: float | None) -> float:
    if solved == "outcome_association":
        if d == 0:
            raise NoSolutionError("no outcome association tips the result: a confounder "
                                  "balanced between the groups (smd 0) causes no bias.")
        return b / d  # type: ignore[operator]
    if solved == "smd":
        if beta == 0:
            raise NoSolutionError("no standardised difference tips the result: a confounder "
                                  "unrelated to the outcome causes no bias.")
        return b / beta  # type: ignore[operator]
    bias = d * beta  # type: ignore[operator]
    if b == 0:
        return 0.0
    if bias == 0 or (bias > 0) != (b > 0):
        raise NoSolutionError(f"no number of such confounders tips the result: each shifts the "
                              f"estimate by {-bias:.4g}, which does not move {b:.4g} towards 0.")
    return b / bias


def tip_coef(effect: Any, *, smd: float | None = None,
             outcome_association: float | None = None) -> CoefficientTipping:
    """Tipping point of a coefficient for a normal confounder: solve for the parameter left out.

    Parameters
    ----------
    effect : float or MeanDifference
        The observed coefficient; with a CI, the limit nearest 0 is tipped too.
    smd, outcome_association : float, optional
        As in :func:`adjust_coef`. Give one to solve for the other (the value that moves the
        estimate exactly to 0), or both to get the number of independent such confounders
        needed, ``effect / (smd x outcome_association)``.

    Returns
    -------
    CoefficientTipping

    Raises
    ------
    NoSolutionError
        When no value tips the estimate: ``tipr::tip_coef`` then warns and reports 0
        confounders; we raise, because such a confounder moves the estimate away from 0.

    Notes
    -----
    Same as ``tipr::tip_coef(effect, exposure_confounder_effect = smd,
    confounder_outcome_effect = outcome_association)`` (module docstring for the model).

    References
    ----------
    Lin, D. Y., Psaty, B. M. & Kronmal, R. A. (1998). Biometrics 54(3), 948-963.
    """
    b, ci = _coefficient(effect)
    given: dict[str, float] = {}
    if smd is not None:
        given["smd"] = check_finite(smd, "smd")
    if outcome_association is not None:
        given["outcome_association"] = check_finite(outcome_association, "outcome_association")
    if not given:
        raise ParameterError("give `smd` or `outcome_association` (or both); got neither.")
    solved: Solved = ("n_confounders" if len(given) == 2 else
                      "outcome_association" if "smd" in given else "smd")
    d, beta = given.get("smd"), given.get("outcome_association")
    value = _solve_coef(b, solved, d, beta)
    limit_name: Literal["lower", "upper", "none"] = "none"
    limit = limit_value = None
    if ci is not None:
        if ci[0] <= 0 <= ci[1]:
            limit_value = math.nan
        else:
            limit_name = "lower" if b > 0 else "upper"
            limit = ci[0] if b > 0 else ci[1]
            limit_value = _solve_coef(limit, solved, d, beta)
    return CoefficientTipping(solved, given, b, value, limit_name, limit, limit_value)
