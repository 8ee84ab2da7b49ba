"""Robustness of inference to replacement (RIR) and the impact threshold of a confounding
variable (ITCV) (Frank 2000; Frank, Maroulis, Duong & Kelcey 2013; Frank et al. 2021).

For a regression coefficient with estimate ``b``, standard error ``se``, ``n`` observations and
``k`` covariates besides the treatment, following Frank et al. (2013) and konfound:

* ``df = n - k - 2`` (an intercept, the treatment and ``k`` covariates);
* threshold ``b# = t_{1-alpha/2, df} se`` (one tail: ``t_{1-alpha, df}``), signed like ``b``;
* share of the estimate that would have to be due to bias: ``1 - b# / b``;
* RIR = ``n (1 - b# / b)`` cases to replace with cases of zero effect. konfound 1.0.3
  rounds it to the nearest integer, later versions round it up: ``rounding`` selects
  (``"round"``, ``"ceiling"`` or ``"none"``);
* ITCV (conditional on the covariates): with ``r = t / sqrt(t² + df)`` and
  ``r# = t# / sqrt(t#² + df)``, ``ITCV = (r - r#) / (1 - |r#|)``; a confounder correlated
  ``sqrt(ITCV)`` with both treatment and outcome (given the covariates) would make the
  estimate just lose significance (Frank 2000).
* unconditional ITCV (needs the SDs of treatment and outcome and the model R²): the partial
  correlations are turned into raw ones with ``r_xcv = r_xcv|z sqrt(1 - R²_xz)`` and
  ``r_ycv = r_ycv|z sqrt(1 - R²_yz)``, where ``R²_xz = 1 - sd_y² (1 - R²) / (sd_x² df se²)``
  (from the OLS standard-error formula ``se² = sd_y² (1 - R²) / (sd_x² (1 - R²_xz) df)``) and
  ``R²_yz`` solves ``1 - R² = (1 - R²_yz)(1 - r²_yx|z)``.

For a 2x2 table (Frank et al. 2021), the fragility is the number of treated events that must be
switched to non-events (for a positive effect) so that Fisher's exact test is no longer
significant at ``alpha``; the RIR is that number divided by the probability that a replacement
case drawn from the control group is a non-event, ``fragility / (1 - control risk)``, rounded up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_count, check_finite, check_literal, check_positive
from causal.errors import NoSolutionError, ParameterError
from causal.measures import TwoByTwo

Rounding = Literal["round", "ceiling", "none"]


def _round(value: float, rounding: Rounding) -> float:
    if rounding == "round":
        # R's round() is half-to-even, like Python's
        return float(round(value))
    if rounding == "ceiling":
        return float(math.ceil(value - 1e-12))
    return value


@dataclass(frozen=True)
class RIRResult(SummaryMixin):
    """Result of :func:`rir` (regression estimate).

    Attributes
    ----------
    rir : float
        Cases to replace (rounded as ``rounding`` says); 0 if not significant to begin with
        (then ``invalidate`` is False and it counts cases to *sustain* the inference).
    share_bias : float
        ``1 - b#/b`` (or ``1 - b/b#`` when sustaining).
    threshold : float
        ``b#``, the estimate that would just be significant.
    itcv, r_xcv_given_z, r_ycv_given_z : float
        Conditional impact threshold and the component correlations.
    itcv_unconditional, r_xcv, r_ycv : float
        Unconditional versions (NaN unless ``sd_x``, ``sd_y`` and ``r2`` are given).
    """

    estimate: float
    std_error: float
    n_obs: int
    n_covariates: int
    df: int
    critical_t: float
    threshold: float
    share_bias: float
    rir_exact: float
    rir: float
    rounding: Rounding
    invalidate: bool
    observed_r: float
    critical_r: float
    itcv: float
    r_xcv_given_z: float
    r_ycv_given_z: float
    itcv_unconditional: float = math.nan
    r_xcv: float = math.nan
    r_ycv: float = math.nan
    alpha: float = 0.05
    tails: int = 2

    def summary(self) -> pd.DataFrame:
        method = "RIR / ITCV (Frank et al. 2013)"
        verb = "invalidate" if self.invalidate else "sustain"
        rows = [
            {"quantity": "threshold estimate", "estimate": self.threshold, "method": method,
             "note": f"t_crit = {self.critical_t:.4g}, df = {self.df}"},
            {"quantity": f"share of the estimate due to bias to {verb} the inference",
             "estimate": self.share_bias, "method": method},
            {"quantity": f"RIR (cases to replace to {verb})", "estimate": self.rir,
             "method": method, "note": f"rounding: {self.rounding}; exact {self.rir_exact:.4g}"},
            {"quantity": "ITCV (conditional on covariates)", "estimate": self.itcv,
             "method": "ITCV (Frank 2000)",
             "note": f"r_xcv|z = r_ycv|z = {self.r_xcv_given_z:.4g}"},
        ]
        if not math.isnan(self.itcv_unconditional):
            rows.append({"quantity": "ITCV (unconditional)", "estimate": self.itcv_unconditional,
                         "method": "ITCV (Frank 2000)",
                         "note": f"r_xcv = {self.r_xcv:.4g}, r_ycv = {self.r_ycv:.4g}"})
        return summary_frame(rows)


def rir(estimate: float, std_error: float, n_obs: int, n_covariates: int, *,
        alpha: float = 0.05, tails: Literal[1, 2] = 2, rounding: Rounding = "round",
        sd_x: float | None = None, sd_y: float | None = None, r2: float | None = None
        ) -> RIRResult:
    """Robustness of inference to replacement and the ITCV of a regression estimate.

    Parameters
    ----------
    estimate, std_error : float
        The coefficient of the treatment and its standard error.
    n_obs : int
        Number of observations.
    n_covariates : int
        Number of covariates besides the treatment (``df = n_obs - n_covariates - 2``).
    alpha : float
    tails : {1, 2}
    rounding : {"round", "ceiling", "none"}
        ``"round"`` reproduces konfound 1.0.3, ``"ceiling"`` later konfound versions.
    sd_x, sd_y, r2 : float, optional
        SDs of treatment and outcome and the model's R², for the unconditional ITCV.

    Returns
    -------
    RIRResult

    Notes
    -----
    See the module docstring for the formulas and the degrees of freedom.

    References
    ----------
    Frank, K. A. (2000). Impact of a confounding variable on a regression coefficient.
    Sociological Methods & Research 29(2), 147-194.
    Frank, K. A., Maroulis, S. J., Duong, M. Q. & Kelcey, B. M. (2013). What would it take to
    change an inference? Educational Evaluation and Policy Analysis 35(4), 437-460.

    Examples
    --------
    >>> result = rir(2, 0.4, 100, 3)
    >>> result.rir, round(result.itcv, 4)
    (60.0, 0.3209)
    """
    from scipy.stats import t as t_dist

    b = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    n = check_count(n_obs, "n_obs")
    k = check_count(n_covariates, "n_covariates")
    alpha = check_alpha(alpha)
    if tails not in (1, 2):
        raise ParameterError(f"`tails` must be 1 or 2; got {tails!r}.")
    check_literal(rounding, "rounding", ("round", "ceiling", "none"))
    df = n - k - 2
    if df < 1:
        raise ParameterError(f"`n_obs` must exceed `n_covariates` + 2 (df = n - k - 2 >= 1); "
                             f"got n_obs = {n}, n_covariates = {k}.")
    if b == 0:
        raise NoSolutionError("the estimate is exactly 0: there is no inference to invalidate.")
    t_crit = float(t_dist.ppf(1 - alpha / tails, df))
    threshold = math.copysign(t_crit * se, b)
    invalidate = abs(b) > abs(threshold)
    share = 1 - threshold / b if invalidate else 1 - b / threshold
    rir_exact = n * share
    t_obs = b / se
    r_obs = t_obs / math.sqrt(t_obs**2 + df)
    r_crit = math.copysign(t_crit / math.sqrt(t_crit**2 + df), b)
    itcv = (r_obs - r_crit) / (1 - abs(r_crit))
    r_cv = math.sqrt(abs(itcv))
    unconditional = (math.nan, math.nan, math.nan)
    if sd_x is not None or sd_y is not None or r2 is not None:
        if sd_x is None or sd_y is None or r2 is None:
            raise ParameterError("the unconditional ITCV needs all of `sd_x`, `sd_y` and `r2`; "
                                 "got only some.")
        sdx = check_positive(sd_x, "sd_x", what="a standard deviation")
        sdy = check_positive(sd_y, "sd_y", what="a standard deviation")
        r2v = check_finite(r2, "r2")
        if not 0 <= r2v < 1:
            raise ParameterError(f"`r2` must be in [0, 1); got {r2v:g}.")
        r2xz = 1 - sdy**2 * (1 - r2v) / (sdx**2 * df * se**2)
        r2yz = (r_obs**2 - r2v) / (r_obs**2 - 1)
        if not (0 <= r2xz < 1 and 0 <= r2yz < 1):
            raise ParameterError(
                "`sd_x`, `sd_y` and `r2` are inconsistent with the estimate and SE: they imply "
                f"R²_xz = {r2xz:.4g} and R²_yz = {r2yz:.4g}, outside [0, 1).")
        r_x = r_cv * math.sqrt(1 - r2xz)
        r_y = r_cv * math.sqrt(1 - r2yz)
        unconditional = (r_x * r_y, r_x, r_y)
    return RIRResult(b, se, n, k, df, t_crit, threshold, share, rir_exact,
                     _round(rir_exact, rounding), rounding, invalidate, r_obs, r_crit, itcv,
                     r_cv, r_cv, *unconditional, alpha=alpha, tails=tails)


@dataclass(frozen=True)
class TableRIRResult(SummaryMixin):
    """Result of :func:`rir_table`: fragility and RIR of a 2x2 table's inference."""

    table: TwoByTwo
    p_value: float
    fragility: int
    rir: float
    switched_table: tuple[int, int, int, int]
    switched_p_value: float
    alpha: float

    def summary(self) -> pd.DataFrame:
        method = "fragility / RIR for a 2x2 table (Frank et al. 2021)"
        return summary_frame([
            {"quantity": "Fisher exact p-value (observed)", "estimate": self.p_value,
             "p_value": self.p_value, "method": "Fisher's exact test"},
            {"quantity": "fragility (outcomes to switch in the treated group)",
             "estimate": self.fragility, "method": method,
             "note": f"p = {self.switched_p_value:.4g} after switching"},
            {"quantity": "RIR (treated cases to replace)", "estimate": self.rir,
             "method": method, "note": "fragility / (1 - control risk), rounded up"},
        ])


def rir_table(table: TwoByTwo, *, alpha: float = 0.05) -> TableRIRResult:
    """Fragility and RIR of the significance of a 2x2 table (Fisher's exact test).

    Parameters
    ----------
    table : TwoByTwo
    alpha : float

    Returns
    -------
    TableRIRResult

    Raises
    ------
    NoSolutionError
        If the observed table is not significant at ``alpha`` (nothing to invalidate).

    References
    ----------
    Frank, K. A., Lin, Q., Maroulis, S., et al. (2021). Hypothetical case replacement can be
    used to quantify the robustness of trial results. Journal of Clinical Epidemiology 134,
    150-159.
    """
    from scipy.stats import fisher_exact

    if not isinstance(table, TwoByTwo):
        raise ParameterError(f"`table` must be a TwoByTwo; got {type(table).__name__}.")
    alpha = check_alpha(alpha)
    a, b, c, d = table.cells
    p_obs = float(fisher_exact([[a, b], [c, d]]).pvalue)
    if p_obs >= alpha:
        raise NoSolutionError(f"the table is not significant at alpha = {alpha:g} (Fisher p = "
                              f"{p_obs:.4g}); there is no inference to invalidate.")
    positive = table.treated_risk > table.control_risk
    # switch treated events -> non-events (positive effect) or the reverse
    max_switch = a if positive else b
    ks = np.arange(1, max_switch + 1)
    for k in ks:  # at most a few hundred exact tests; stops at the first non-significant one
        aa, bb = (a - k, b + k) if positive else (a + k, b - k)
        p = float(fisher_exact([[aa, bb], [c, d]]).pvalue)
        if p >= alpha:
            p_control = table.control_risk
            share_useful = (1 - p_control) if positive else p_control
            if share_useful == 0:
                raise NoSolutionError("replacement cases from the control group could never "
                                      "switch the outcome (control risk is 0 or 1).")
            return TableRIRResult(table, p_obs, int(k), float(math.ceil(k / share_useful
                                                                         - 1e-12)),
                                  (int(aa), int(bb), c, d), p, alpha)
    raise NoSolutionError("switching every treated outcome does not make the test "
                          "non-significant.")
