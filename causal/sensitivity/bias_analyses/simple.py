"""Simple bias analysis for an unmeasured binary confounder on a 2x2 table (Lash, Fox &
MacLehose; Lash, Fox & Fink 2009, chapter 6).

The observed table is split into the two strata of the confounder ``C`` using the bias
parameters, and the stratified table is summarised by an SMR (standardised to the treated) and a
Mantel-Haenszel estimate. With a common effect across strata (no effect modification, which the
bias parameters assume), both equal the crude estimate divided by the bias factor.

Bias parameters, by measure:

* ``"RR"``: ``prevalence_treated``/``prevalence_control`` are the prevalences of ``C`` in the
  treated and control groups, ``effect`` the risk ratio of ``C`` with the outcome.
* ``"OR"``: the prevalences are **among those without the outcome** (the case-control
  convention of Lash, Fox & Fink and of episensr's ``type = "OR"``), ``effect`` the odds ratio
  of ``C`` with the outcome.
* ``"RD"``: prevalences in the two groups; ``effect`` the risk difference of ``C`` with the
  outcome; adjusted RD = crude RD - effect (p1 - p0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_finite, check_literal, check_positive, check_probability
from causal.errors import NoSolutionError, ParameterError
from causal.measures import TwoByTwo

Measure = Literal["RR", "OR", "RD"]


@dataclass(frozen=True)
class ConfounderAdjustment(SummaryMixin):
    """Result of :func:`adjust_for_confounder`.

    Attributes
    ----------
    measure : {"RR", "OR", "RD"}
    crude : RiskRatio, OddsRatio or RiskDifference
        The crude measure with its conventional (Katz / Woolf / Wald) interval.
    adjusted_smr, adjusted_mh : float
        Bias-adjusted estimate, standardised to the treated (SMR; NaN for RD) and
        Mantel-Haenszel.
    bias_factor : float
        Crude over adjusted for ratios (the confounding factor, episensr's ``RR_conf``);
        crude minus adjusted for the RD.
    strata : pandas.DataFrame
        The reconstructed table: one row per (confounder stratum, group) with events and total.
    """

    measure: Measure
    crude: Any
    adjusted_smr: float
    adjusted_mh: float
    bias_factor: float
    parameters: dict[str, float]
    strata: pd.DataFrame

    @property
    def adjusted(self) -> float:
        """The Mantel-Haenszel bias-adjusted estimate."""
        return self.adjusted_mh

    def to_dict(self) -> dict[str, Any]:
        """The summary with the adjusted estimates (Mantel-Haenszel, SMR) and the bias factor."""
        return {**super().to_dict(), "adjusted_mh": self.adjusted_mh,
                "adjusted_smr": self.adjusted_smr, "bias_factor": self.bias_factor}

    def summary(self) -> pd.DataFrame:
        given = ", ".join(f"{k} = {v:.4g}" for k, v in self.parameters.items())
        rows = [
            {"quantity": f"crude {self.measure}", "estimate": self.crude.estimate,
             "std_error": self.crude.std_error, "ci_lower": self.crude.ci[0],
             "ci_upper": self.crude.ci[1], "method": "2x2 table"},
            {"quantity": f"bias-adjusted {self.measure} (SMR)", "estimate": self.adjusted_smr,
             "method": "simple bias analysis", "note": given},
            {"quantity": f"bias-adjusted {self.measure} (MH)", "estimate": self.adjusted_mh,
             "method": "simple bias analysis", "note": given},
            {"quantity": "confounding factor" if self.measure != "RD" else "confounding bias",
             "estimate": self.bias_factor, "method": "simple bias analysis",
             "note": "crude / adjusted" if self.measure != "RD" else "crude - adjusted"},
        ]
        return summary_frame(rows)


def adjust_for_confounder(table: TwoByTwo, *, prevalence_treated: float,
                          prevalence_control: float, effect: float,
                          measure: Measure = "RR") -> ConfounderAdjustment:
    """Bias-adjust a 2x2 table for an unmeasured binary confounder.

    Parameters
    ----------
    table : TwoByTwo
        Observed counts (treated = exposed).
    prevalence_treated, prevalence_control : float
        Prevalence of the confounder among the treated and controls (for ``measure="OR"``:
        among treated and control *non-events*; see the module docstring).
    effect : float
        The confounder-outcome association: a risk ratio (RR), odds ratio (OR, > 0) or risk
        difference (RD, in [-1, 1]).
    measure : {"RR", "OR", "RD"}

    Returns
    -------
    ConfounderAdjustment

    Raises
    ------
    NoSolutionError
        If the bias parameters imply a negative or empty cell in the stratified table.

    Notes
    -----
    RR: with ``M1 = p1 N1`` treated and ``M0 = p0 N0`` controls in the confounder stratum,
    events there are ``a1 = g a M1 / (g M1 + N1 - M1)`` (and likewise ``b1``), so that the
    outcome risk ratio of the confounder is ``g`` within each group. SMR = ``a / (b1 M1/M0 +
    b0 (N1-M1)/(N0-M0))``. Both summaries equal ``crude / B`` with
    ``B = (g p1 + 1 - p1) / (g p0 + 1 - p0)``.

    References
    ----------
    Lash, T. L., Fox, M. P. & Fink, A. K. (2009). Applying Quantitative Bias Analysis to
    Epidemiologic Data, ch. 6. Springer. (2nd ed. with MacLehose, 2021.)
    """
    if not isinstance(table, TwoByTwo):
        raise ParameterError(f"`table` must be a TwoByTwo; got {type(table).__name__}.")
    check_literal(measure, "measure", ("RR", "OR", "RD"))
    p1 = check_probability(prevalence_treated, "prevalence_treated")
    p0 = check_probability(prevalence_control, "prevalence_control")
    if measure == "RD":
        g = check_finite(effect, "effect")
        if not -1 <= g <= 1:
            raise ParameterError(f"`effect` (a risk difference) must be in [-1, 1]; got {g:g}.")
    else:
        g = check_positive(effect, "effect", what=f"the confounder-outcome {measure}")
    a, c_, b, d_ = table.cells  # treated events, treated non-events, control events, non-events
    n1, n0 = table.treated_total, table.control_total
    params = {"prevalence_treated": p1, "prevalence_control": p0, "effect": g}

    if measure == "OR":
        m1, m0 = p1 * c_, p0 * d_  # non-events with the confounder
        a1 = g * m1 * a / (g * m1 + c_ - m1)
        b1 = g * m0 * b / (g * m0 + d_ - m0)
        rows = [(1, "treated", a1, a1 + m1), (1, "control", b1, b1 + m0),
                (0, "treated", a - a1, a - a1 + c_ - m1), (0, "control", b - b1, b - b1 + d_ - m0)]
    elif measure == "RR":
        m1, m0 = p1 * n1, p0 * n0
        a1 = g * a * m1 / (g * m1 + n1 - m1)
        b1 = g * b * m0 / (g * m0 + n0 - m0)
        rows = [(1, "treated", a1, m1), (1, "control", b1, m0),
                (0, "treated", a - a1, n1 - m1), (0, "control", b - b1, n0 - m0)]
    else:
        m1, m0 = p1 * n1, p0 * n0
        # risk(C=1) - risk(C=0) = g within each group
        a1 = m1 * (a + g * (n1 - m1)) / n1
        b1 = m0 * (b + g * (n0 - m0)) / n0
        rows = [(1, "treated", a1, m1), (1, "control", b1, m0),
                (0, "treated", a - a1, n1 - m1), (0, "control", b - b1, n0 - m0)]
    strata = pd.DataFrame(rows, columns=["confounder", "group", "events", "total"])
    events, totals = strata["events"].to_numpy(), strata["total"].to_numpy()
    if np.any(events < -1e-12) or np.any(events > totals + 1e-12) or np.any(totals <= 0):
        raise NoSolutionError(
            "the bias parameters imply an impossible stratified table (a negative count, more "
            f"events than people, or an empty stratum) for this 2x2 table: {params}; use prevalences strictly between 0 "
            "and 1 and an effect the observed counts can carry.")
    # stratum arrays: index 0 = confounder present, 1 = absent
    e1, t1 = events[[0, 2]], totals[[0, 2]]
    e0, t0 = events[[1, 3]], totals[[1, 3]]
    total = t1 + t0
    if measure == "RR":
        crude: Any = table.risk_ratio()
        smr = a / np.sum(e0 / t0 * t1)
        mh = np.sum(e1 * t0 / total) / np.sum(e0 * t1 / total)
        factor = crude.estimate / mh
    elif measure == "OR":
        crude = table.odds_ratio()
        ne1, ne0 = t1 - e1, t0 - e0
        smr = a / np.sum(e0 * ne1 / ne0)
        mh = np.sum(e1 * ne0 / total) / np.sum(e0 * ne1 / total)
        factor = crude.estimate / mh
    else:
        crude = table.risk_difference()
        weights = t1 * t0 / total
        mh = np.sum(weights * (e1 / t1 - e0 / t0)) / np.sum(weights)
        smr = math.nan
        factor = crude.estimate - mh
    return ConfounderAdjustment(measure, crude, float(smr), float(mh), float(factor), params,
                                strata)

