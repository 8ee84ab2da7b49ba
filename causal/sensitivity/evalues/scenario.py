"""One hypothesised unmeasured confounder, read by every risk-ratio-scale method.

A :class:`ConfounderScenario` is either

* **binary**: the confounder's prevalence among the treated (``p1``) and controls (``p0``) and
  its risk ratio with the outcome (``g``), e.g. "engagement, present in 50% of those who
  accepted support and 20% of those who declined, doubling the chance of recovery"; or
* **strength**: the two risk ratios of the E-value literature, treatment-confounder ``rr_eu``
  and confounder-outcome ``rr_ud`` (both >= 1), with no further assumption.

:func:`assess_scenario` reports, for a published measure:

* the bias factor: exact for a binary scenario, ``(g p1 + 1 - p1) / (g p0 + 1 - p0)``
  (Schlesselman 1978); for a strength scenario the bounding factor
  ``rr_eu rr_ud / (rr_eu + rr_ud - 1)`` (Ding & VanderWeele 2016), the largest bias such a
  confounder can produce, applied towards the null;
* the bias-adjusted estimate and CI limit nearest the null (RR scale and the input's scale);
* whether it tips the estimate and the CI (reaches or crosses ``true``);
* where it lies on the E-value curve: its coordinates ``(rr_eu, rr_ud)`` (for a binary
  scenario ``rr_eu = max(p1/p0, (1-p1)/(1-p0))`` and ``rr_ud = max(g, 1/g)``), its bounding
  factor, and whether that reaches the RR needed (on or beyond the curve);
* for a binary scenario, the outcome risk ratio that, with the same prevalences, would tip the
  estimate and the CI (:func:`causal.sensitivity.tip`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_positive
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity._scale import to_rr_scale
from causal.sensitivity.evalues.evalue import e_value_of_rr
from causal.sensitivity.tipping_points.risk_ratio import solve_outcome_rr
from causal.study.values.scenario import ConfounderScenario


@dataclass(frozen=True)
class ScenarioAssessment(SummaryMixin):
    """What every risk-ratio-scale method says about one scenario (:func:`assess_scenario`)."""

    scenario: ConfounderScenario
    input_name: str
    conversion: str
    observed_rr: float
    observed_ci_limit_rr: float | None
    ci_limit_used: str
    bias_factor: float
    adjusted_rr: float
    adjusted_ci_limit_rr: float | None
    adjusted: float
    adjusted_ci_limit: float | None
    tips_estimate: bool
    tips_ci: bool
    evalue_point: float
    evalue_ci: float | None
    rr_eu: float
    rr_ud: float
    scenario_bounding_factor: float
    beyond_point_curve: bool
    beyond_ci_curve: bool
    outcome_rr_to_tip_estimate: float = math.nan
    outcome_rr_to_tip_ci: float = math.nan
    true: float = 1.0
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> pd.DataFrame:
        name = self.scenario.name or "scenario"
        method = f"confounder scenario ({self.scenario.kind})"
        rows = [
            {"quantity": f"{name}: bias factor", "estimate": self.bias_factor, "method": method,
             "note": ("exact (Schlesselman 1978)" if self.scenario.kind == "binary"
                      else "bounding factor (Ding & VanderWeele 2016)")},
            {"quantity": f"{name}: adjusted {self.input_name}", "estimate": self.adjusted,
             "method": method, "note": f"tips the estimate: {self.tips_estimate}"},
        ]
        if self.adjusted_ci_limit is not None:
            rows.append({"quantity": f"{name}: adjusted {self.ci_limit_used} CI limit",
                         "estimate": self.adjusted_ci_limit, "method": method,
                         "note": f"tips the CI: {self.tips_ci}"})
        rows.append({"quantity": f"{name}: bounding factor vs E-value curve",
                     "estimate": self.scenario_bounding_factor, "method": "E-value",
                     "note": f"RR_EU {self.rr_eu:.3g}, RR_UD {self.rr_ud:.3g}; beyond the "
                             f"estimate's curve: {self.beyond_point_curve}; beyond the CI "
                             f"curve: {self.beyond_ci_curve}"})
        return summary_frame(rows)

    def sentence(self, on_rr: bool = False) -> str:
        """The scenario's effect in words; ``on_rr=True`` gives it on the risk-ratio scale the
        bias is computed on (the estimate's own scale otherwise)."""
        s = self.scenario
        label = s.name or "The scenario"
        name = "risk ratio" if on_rr else self.input_name
        value = self.adjusted_rr if on_rr else self.adjusted
        limit = self.adjusted_ci_limit_rr if on_rr else self.adjusted_ci_limit
        text = f"{label} ({s.describe()}) would move the {name} to {value:.2f}"
        if limit is not None:
            text += f" and its {self.ci_limit_used} CI limit to {limit:.2f}"
        if self.tips_estimate:
            verdict = "it would explain the estimate away."
        elif self.tips_ci:
            verdict = ("it would not explain the estimate away, but the confidence interval "
                       "would include the null.")
        else:
            verdict = "neither the estimate nor the confidence interval would reach the null."
        return f"{text}: {verdict}"


def assess_scenario(scenario: ConfounderScenario, measure: Any, *, true: float = 1.0
                    ) -> ScenarioAssessment:
    """Apply a confounder scenario to a published measure.

    Parameters
    ----------
    scenario : ConfounderScenario
    measure : RiskRatio, OddsRatio, HazardRatio or float (a risk ratio)
        ORs and HRs must state ``rare_outcome``; they are put on the risk-ratio scale as in
        :mod:`causal.sensitivity._scale`, and adjusted values are mapped back.
    true : float
        The null on the input's scale.

    Returns
    -------
    ScenarioAssessment

    Notes
    -----
    See the module docstring. The CI limit used is the one nearest ``true``; "tips" means the
    adjusted value reaches or crosses ``true``.

    References
    ----------
    Schlesselman, J. J. (1978). Assessing effects of confounding variables. American Journal of
    Epidemiology 108(1), 3-8.
    Ding, P. & VanderWeele, T. J. (2016). Sensitivity analysis without assumptions.
    Epidemiology 27(3), 368-377.
    """
    if not isinstance(scenario, ConfounderScenario):
        raise ParameterError(f"`scenario` must be a ConfounderScenario; got "
                             f"{type(scenario).__name__}.")
    scale = to_rr_scale(measure)
    true = check_positive(true, "true")
    rr_true = scale.to_rr(true)
    upward = scale.rr_point >= rr_true
    factor = scenario.bias_factor

    def adjust(rr: float) -> float:
        if scenario.kind == "binary":
            return rr / factor
        return rr / factor if upward else rr * factor

    def tipped(adjusted: float) -> bool:
        return adjusted <= rr_true if upward else adjusted >= rr_true

    adjusted_rr = adjust(scale.rr_point)
    limit_name, limit = scale.ci_limit(rr_true)
    adjusted_limit_rr = None if limit is None else adjust(limit)
    tips_ci = scale.rr_ci is not None and (limit is None or tipped(adjusted_limit_rr))
    target_point = max(scale.rr_point / rr_true, rr_true / scale.rr_point)
    target_ci = None if limit is None else max(limit / rr_true, rr_true / limit)
    rr_eu, rr_ud = scenario.evalue_coordinates
    # B = eu ud / (eu + ud - 1), written so that a huge (or infinite, p0 = 0) RR_EU is safe
    scenario_bf = rr_ud / (1 + (rr_ud - 1) / rr_eu)
    tip_point = tip_ci = math.nan
    if scenario.kind == "binary":
        p1, p0 = scenario.prevalence_treated, scenario.prevalence_control
        try:
            tip_point = solve_outcome_rr(scale.rr_point / rr_true, p1, p0)  # type: ignore[arg-type]
        except NoSolutionError:
            pass
        if limit is not None:
            try:
                tip_ci = solve_outcome_rr(limit / rr_true, p1, p0)  # type: ignore[arg-type]
            except NoSolutionError:
                pass
    return ScenarioAssessment(
        scenario=scenario, input_name=scale.input_name, conversion=scale.conversion,
        observed_rr=scale.rr_point, observed_ci_limit_rr=limit, ci_limit_used=limit_name,
        bias_factor=factor, adjusted_rr=adjusted_rr, adjusted_ci_limit_rr=adjusted_limit_rr,
        adjusted=scale.from_rr(adjusted_rr),
        adjusted_ci_limit=None if adjusted_limit_rr is None else scale.from_rr(adjusted_limit_rr),
        tips_estimate=tipped(adjusted_rr), tips_ci=bool(tips_ci),
        evalue_point=float(e_value_of_rr(target_point)),
        evalue_ci=None if target_ci is None else float(e_value_of_rr(target_ci)),
        rr_eu=rr_eu, rr_ud=rr_ud, scenario_bounding_factor=scenario_bf,
        beyond_point_curve=scenario_bf >= target_point,
        beyond_ci_curve=target_ci is None or scenario_bf >= target_ci,
        outcome_rr_to_tip_estimate=tip_point, outcome_rr_to_tip_ci=tip_ci, true=true,
        notes=scale.notes)


def scenario_table(scenarios: list[ConfounderScenario], measure: Any, *, true: float = 1.0
                   ) -> pd.DataFrame:
    """One row per scenario: bias factor, adjusted estimate and CI limit, tipping, E-value
    position (a plain table for reports and the command line)."""
    rows = []
    for s in scenarios:
        a = assess_scenario(s, measure, true=true)
        rows.append({
            "scenario": s.name, "confounder": s.describe(), "bias_factor": a.bias_factor,
            f"adjusted_{a.input_name}": a.adjusted,
            "adjusted_ci_limit": a.adjusted_ci_limit if a.adjusted_ci_limit is not None
            else math.nan,
            "tips_estimate": "yes" if a.tips_estimate else "no",
            "tips_ci": "yes" if a.tips_ci else "no",
            "beyond_evalue_curve": ("estimate" if a.beyond_point_curve else
                                    "CI only" if a.beyond_ci_curve else "no"),
        })
    return pd.DataFrame(rows)
