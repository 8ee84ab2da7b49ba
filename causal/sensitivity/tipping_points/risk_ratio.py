"""Tipping-point analysis for an unmeasured confounder (Lin, Psaty & Kronmal 1998;
Schlesselman 1978), on the risk-ratio scale.

A binary confounder ``U`` with prevalence ``p1`` among the treated and ``p0`` among controls,
and risk ratio ``gamma`` with the outcome (the same in both groups, no effect modification),
biases the observed risk ratio by the factor

    B = (gamma p1 + 1 - p1) / (gamma p0 + 1 - p0),   adjusted RR = observed RR / B.

A normal confounder (unit variance, standardised mean difference ``d`` between treated and
controls) with a log-linear effect ``gamma`` per standard deviation on the outcome risk biases it
by ``B = gamma^d`` (Lin et al. 1998, exact for a log-linear risk model, approximate otherwise).

The tipping point is where the adjusted RR equals ``true`` (1 by default): ``B = RR / true``.
``tip`` solves for whichever confounder parameter is left out; given all of them, it reports how
many independent confounders of that kind (their bias factors multiply) would tip the result,
``n = log(RR / true) / log(B)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_finite, check_positive, check_probability
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity._scale import to_rr_scale
from causal.sensitivity.tipping_points.binary_solvers import (
    n_confounders,
    solve_outcome_rr,
    solve_prevalence_control,
    solve_prevalence_treated,
)
from causal.study.values.bias_factors import binary_bias_factor

__all__ = ["TippingPoint", "TippingResult", "binary_bias_factor", "n_confounders",
           "solve_outcome_rr", "solve_prevalence_control", "solve_prevalence_treated", "tip"]

Solved = Literal["outcome_rr", "prevalence_treated", "prevalence_control", "smd",
                 "n_confounders"]


@dataclass(frozen=True)
class TippingPoint:
    """The solution for one target (the point estimate or the CI limit nearest ``true``)."""

    target: Literal["estimate", "ci_limit"]
    observed_rr: float
    value: float  # the solved quantity (NaN if there is nothing to tip)
    bias_factor: float  # B at the solution (= observed_rr / rr_true)
    value_input_scale: float | None = None  # outcome effect back on the input scale
    note: str = ""


@dataclass(frozen=True)
class TippingResult(SummaryMixin):
    """Result of :func:`tip`.

    Attributes
    ----------
    solved_for : str
        ``"outcome_rr"``, ``"prevalence_treated"``, ``"prevalence_control"``, ``"smd"`` or
        ``"n_confounders"``.
    confounder : {"binary", "normal"}
    given : dict
        The confounder parameters that were given.
    estimate, ci_limit : TippingPoint
        Solutions that tip the point estimate and the CI limit nearest ``true``
        (``ci_limit`` is None without a CI; its ``value`` is NaN when the CI already contains
        ``true``).
    input_name, conversion : str
        The input's measure ("RR", "OR", "HR") and how it was put on the risk-ratio scale.
    """

    solved_for: Solved
    confounder: Literal["binary", "normal"]
    given: dict[str, float]
    estimate: TippingPoint
    ci_limit: TippingPoint | None
    ci_limit_used: str
    input_name: str
    conversion: str
    true: float
    notes: tuple[str, ...] = field(default=())

    @property
    def value(self) -> float:
        """The solved quantity for the point estimate."""
        return self.estimate.value

    def to_dict(self) -> dict[str, Any]:
        """The summary with what was solved for, its value at the estimate and at the CI limit
        (None without a CI or when the CI already contains ``true``) and the conversion."""
        limit = self.ci_limit
        limit_value = None if limit is None or limit.value != limit.value else limit.value
        return jsonable({**super().to_dict(), "solved_for": self.solved_for, "value": self.value,
                         "ci_limit_used": self.ci_limit_used, "ci_limit_value": limit_value,
                         "conversion": self.conversion})

    def summary(self) -> pd.DataFrame:
        rows = []
        given = ", ".join(f"{k} = {v:.4g}" for k, v in self.given.items())
        for point in (self.estimate, self.ci_limit):
            if point is None:
                continue
            what = "estimate" if point.target == "estimate" else f"{self.ci_limit_used} CI limit"
            rows.append({"quantity": f"{self.solved_for} to tip the {what}",
                         "estimate": point.value, "method": f"tipping point ({self.confounder})",
                         "note": "; ".join(p for p in (f"observed RR {point.observed_rr:.4g}",
                                                      given, point.note) if p)})
            if point.value_input_scale is not None:
                rows.append({"quantity": f"{self.solved_for} on the {self.input_name} scale "
                                         f"({what})", "estimate": point.value_input_scale,
                             "method": f"tipping point ({self.confounder})",
                             "note": self.conversion})
        return summary_frame(rows)


def tip(measure: Any, *, prevalence_treated: float | None = None,
        prevalence_control: float | None = None, outcome_rr: float | None = None,
        smd: float | None = None, confounder: Literal["binary", "normal"] = "binary",
        true: float = 1.0) -> TippingResult:
    """Tipping point of an unmeasured confounder: solve for the one parameter left out.

    Parameters
    ----------
    measure : RiskRatio, OddsRatio, HazardRatio or float
        The published estimate (a number is read as a risk ratio). ORs and HRs are put on the
        risk-ratio scale as in :mod:`causal.sensitivity._scale` (they must state
        ``rare_outcome``).
    prevalence_treated, prevalence_control : float, optional
        Binary confounder: its prevalence among the treated (``p1``) and controls (``p0``).
    outcome_rr : float, optional
        Risk ratio of the confounder with the outcome (``gamma`` > 0); for a normal confounder,
        per standard deviation.
    smd : float, optional
        Normal confounder: standardised mean difference between treated and controls.
    confounder : {"binary", "normal"}
    true : float
        The value (on the input's scale) the estimate is tipped to; 1 by default.

    Returns
    -------
    TippingResult
        Solutions for the point estimate and the CI limit nearest ``true``; the solved outcome
        effect is given on the risk-ratio scale and on the input's scale (e.g. an OR).

    Raises
    ------
    NoSolutionError
        If no value of the free parameter tips the point estimate (the message says why).

    Notes
    -----
    See the module docstring for the bias factors. With all parameters given, ``value`` is the
    number of independent confounders needed, ``log(RR/true) / log(B)`` (round up for a count).

    References
    ----------
    Lin, D. Y., Psaty, B. M. & Kronmal, R. A. (1998). Assessing the sensitivity of regression
    results to unmeasured confounders in observational studies. Biometrics 54(3), 948-963.
    Schlesselman, J. J. (1978). Assessing effects of confounding variables. American Journal of
    Epidemiology 108(1), 3-8.

    Examples
    --------
    >>> round(tip(1.09, prevalence_treated=0.25, prevalence_control=0.1).value, 6)
    1.638298
    """
    if confounder not in ("binary", "normal"):
        raise ParameterError(f"`confounder` must be one of 'binary', 'normal'; got {confounder!r}.")
    scale = to_rr_scale(measure)
    true_input = check_positive(true, "true")
    rr_true = scale.to_rr(true_input)
    given: dict[str, float] = {}
    if confounder == "binary":
        if smd is not None:
            raise ParameterError("`smd` is for confounder='normal'; got a value with "
                                 "confounder='binary'.")
        if prevalence_treated is not None:
            given["prevalence_treated"] = check_probability(prevalence_treated,
                                                            "prevalence_treated")
        if prevalence_control is not None:
            given["prevalence_control"] = check_probability(prevalence_control,
                                                            "prevalence_control")
        if outcome_rr is not None:
            given["outcome_rr"] = _check_effect(outcome_rr)
        missing = [k for k in ("prevalence_treated", "prevalence_control", "outcome_rr")
                   if k not in given]
        if len(missing) > 1:
            raise ParameterError(
                "give at least two of `prevalence_treated`, `prevalence_control` and "
                f"`outcome_rr` (the third is solved for); got only {sorted(given) or 'none'}.")
        solved: Solved = missing[0] if missing else "n_confounders"  # type: ignore[assignment]
    else:
        if prevalence_treated is not None or prevalence_control is not None:
            raise ParameterError("prevalences are for confounder='binary'; a normal confounder "
                                 "takes `smd` and `outcome_rr`.")
        if smd is not None:
            given["smd"] = check_finite(smd, "smd")
        if outcome_rr is not None:
            given["outcome_rr"] = _check_effect(outcome_rr)
        if not given:
            raise ParameterError("give `smd` or `outcome_rr` (or both) for a normal confounder; "
                                 "got neither.")
        solved = ("n_confounders" if len(given) == 2 else
                  "outcome_rr" if "smd" in given else "smd")  # type: ignore[assignment]

    def solve(observed: float, target_name: Literal["estimate", "ci_limit"]) -> TippingPoint:
        target = observed / rr_true
        value = _solve(solved, confounder, target, given)
        back = scale.from_rr(value) if (solved == "outcome_rr"
                                        and scale.input_name != "RR") else None
        return TippingPoint(target_name, observed, value, target, back)

    point = solve(scale.rr_point, "estimate")
    limit_name, limit = scale.ci_limit(rr_true)
    ci_point: TippingPoint | None = None
    if scale.rr_ci is not None:
        if limit is None:
            ci_point = TippingPoint("ci_limit", math.nan, math.nan, 1.0,
                                    note="the CI already contains the null")
        else:
            try:
                ci_point = solve(limit, "ci_limit")
            except NoSolutionError as error:
                ci_point = TippingPoint("ci_limit", limit, math.nan, limit / rr_true,
                                        note=str(error))
    return TippingResult(solved, confounder, given, point, ci_point, limit_name,
                         scale.input_name, scale.conversion, true_input, scale.notes)


def _check_effect(value: Any) -> float:
    return check_positive(value, "outcome_rr", what="a confounder-outcome risk ratio")


def _solve(solved: str, confounder: str, target: float, given: dict[str, float]) -> float:
    if confounder == "binary":
        p1 = given.get("prevalence_treated")
        p0 = given.get("prevalence_control")
        gamma = given.get("outcome_rr")
        if solved == "outcome_rr":
            return solve_outcome_rr(target, p1, p0)  # type: ignore[arg-type]
        if solved == "prevalence_control":
            return solve_prevalence_control(target, p1, gamma)  # type: ignore[arg-type]
        if solved == "prevalence_treated":
            return solve_prevalence_treated(target, p0, gamma)  # type: ignore[arg-type]
        return n_confounders(target, float(binary_bias_factor(p1, p0, gamma)))
    d = given.get("smd")
    gamma = given.get("outcome_rr")
    if solved == "smd":
        if gamma == 1:
            raise NoSolutionError("no standardised difference tips the result: a confounder "
                                  "with outcome risk ratio 1 causes no bias.")
        return math.log(target) / math.log(gamma)  # type: ignore[arg-type]
    if solved == "outcome_rr":
        if d == 0:
            raise NoSolutionError("no outcome effect tips the result: a confounder balanced "
                                  "between the groups (smd 0) causes no bias.")
        return target ** (1 / d)  # type: ignore[operator]
    return n_confounders(target, gamma ** d)  # type: ignore[operator]
