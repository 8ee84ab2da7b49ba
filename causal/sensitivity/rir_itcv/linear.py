"""Robustness of inference to replacement (RIR) and the impact threshold of a confounding
variable (ITCV) for a regression coefficient (Frank 2000; Frank, Maroulis, Duong & Kelcey 2013).

For an estimate ``b`` with standard error ``se``, ``n`` observations and ``k`` covariates
besides the treatment, following Frank et al. (2013) and konfound:

* ``df = n - k - 2`` (an intercept, the treatment and ``k`` covariates);
* threshold ``b# = t_{1-alpha/2, df} se`` (one tail: ``t_{1-alpha, df}``), signed like ``b``;
* significant (``|b| > |b#|``): ``1 - b#/b`` of the estimate must be due to bias to
  *invalidate* the inference; not significant: ``1 - b/b#`` of the threshold is missing to
  *sustain* it. RIR = ``n`` times that share, the cases to replace with cases of zero effect.
  konfound 1.0.3 rounds it to the nearest integer, its later versions round up: ``rounding``
  selects (``"round"``, ``"ceiling"`` or ``"none"``);
* ITCV, conditional on the covariates: with ``r = t / sqrt(t² + df)`` and
  ``r# = t# / sqrt(t#² + df)`` (signed like ``b``), a confounder with ``r_xcv = sqrt(|ITCV|)``
  and ``r_ycv = sign(ITCV) sqrt(|ITCV|)`` moves the partial correlation exactly to ``r#``:

      ITCV = (r - r#) / (1 - sign(r - r#) r#).

  Derivation (Frank 2000, eq. 3): conditioning on a confounder with ``r_xcv r_ycv = k`` and
  ``|r_xcv| = |r_ycv|`` turns ``r`` into ``(r - k) / (1 - |k|)``; setting that to ``r#``
  gives ``k = (r - r#) / (1 - sign(k) r#)`` and ``sign(k) = sign(r - r#)``. A significant
  estimate is approached from outside, ``ITCV = (r - r#)/(1 - |r#|)``, with a confounder that
  pulls ``r`` towards zero; a non-significant one from inside,
  ``ITCV = (r - r#)/(1 + |r#|)``, with a confounder whose product has the opposite sign, i.e.
  a suppressor that would *sustain* the inference. konfound does the same (``mp`` and
  ``signITCV`` in ``test_sensitivity``).
* unconditional ITCV (needs the SDs of treatment and outcome and the model R²): the partial
  correlations become raw ones with ``r_xcv = |r_xcv|z| sqrt(1 - R²_xz)`` and
  ``r_ycv = r_ycv|z sqrt(1 - R²_yz)``, where ``R²_xz = 1 - sd_y² (1 - R²) / (sd_x² df se²)``
  (from the OLS standard-error formula ``se² = sd_y² (1 - R²) / (sd_x² (1 - R²_xz) df)``) and
  ``R²_yz`` solves ``1 - R² = (1 - R²_yz)(1 - r²)``. With no covariates the two coincide.

From a confidence interval ``(L, U)`` (:func:`rir_from_ci`): ``b = (L + U)/2`` and
``se = (U - L) / (2 t_{(1+level)/2, df_ci})``.

The 2x2-table and logistic versions are in :mod:`causal.sensitivity.rir_itcv.table` and
:mod:`causal.sensitivity.rir_itcv.logistic`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import (
    check_alpha,
    check_count,
    check_finite,
    check_interval,
    check_literal,
    check_positive,
)
from causal.errors import NoSolutionError, ParameterError

Rounding = Literal["round", "ceiling", "none"]


def _round(value: float, rounding: Rounding) -> float:
    if rounding == "round":
        # R's round() is half-to-even, like Python's
        return float(round(value))
    if rounding == "ceiling":
        return float(math.ceil(value - 1e-12))
    return value


def _check_tails(tails: object) -> int:
    if tails not in (1, 2) or isinstance(tails, bool):
        raise ParameterError(f"`tails` must be 1 or 2; got {tails!r}.")
    return int(tails)  # type: ignore[call-overload]


def model_df(n_obs: int, n_covariates: int) -> int:
    """Residual degrees of freedom ``n - k - 2``, checked to be at least 1."""
    n = check_count(n_obs, "n_obs")
    k = check_count(n_covariates, "n_covariates")
    if n - k - 2 < 1:
        raise ParameterError(f"`n_obs` must exceed `n_covariates` + 2 (df = n - k - 2 >= 1); "
                             f"got n_obs = {n}, n_covariates = {k}.")
    return n - k - 2


def estimate_from_ci(lower: float, upper: float, df: float, *, level: float = 0.95
                     ) -> tuple[float, float]:
    """Estimate and standard error behind a symmetric ``level`` confidence interval.

    ``estimate = (lower + upper)/2``, ``std_error = (upper - lower) / (2 q)`` with ``q`` the
    ``(1 + level)/2`` quantile of Student's t with ``df`` degrees of freedom (``math.inf``:
    the normal quantile, for a Wald z interval).
    """
    from scipy.stats import norm
    from scipy.stats import t as t_dist

    lo, hi = check_interval((lower, upper), "ci")
    if hi == lo:
        raise ParameterError(f"`ci` must have a positive width; got ({lo:g}, {hi:g}).")
    level = check_alpha(level, "level")
    if isinstance(df, bool) or not isinstance(df, (int, float)) or not df > 0:
        raise ParameterError(f"`ci_df` must be a positive number or math.inf; got {df!r}.")
    q = float(norm.ppf((1 + level) / 2) if math.isinf(df) else t_dist.ppf((1 + level) / 2, df))
    return (lo + hi) / 2, (hi - lo) / (2 * q)


@dataclass(frozen=True)
class RIRResult(SummaryMixin):
    """Result of :func:`rir` or :func:`rir_from_ci` (regression estimate).

    Attributes
    ----------
    rir : float
        Cases to replace (rounded as ``rounding`` says): to *invalidate* the inference when
        ``invalidate`` is True, to *sustain* it (make it significant) otherwise.
    share_bias : float
        ``1 - b#/b`` (invalidate) or ``1 - b/b#`` (sustain).
    threshold : float
        ``b#``, the estimate that would just be significant.
    itcv, r_xcv_given_z, r_ycv_given_z : float
        Conditional impact threshold and the component correlations (``r_xcv`` >= 0,
        ``r_ycv`` signed like the ITCV).
    itcv_unconditional, r_xcv, r_ycv : float
        Unconditional versions (NaN unless ``sd_x``, ``sd_y`` and ``r2`` are given, or there
        are no covariates).
    ci, ci_level, ci_df : optional
        The confidence interval the estimate and SE were recovered from, if any.
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
    ci: tuple[float, float] | None = None
    ci_level: float = math.nan
    ci_df: float = math.nan

    def summary(self) -> pd.DataFrame:
        method = "RIR / ITCV (Frank et al. 2013)"
        verb = "invalidate" if self.invalidate else "sustain"
        source = ("" if self.ci is None else f"; from the {self.ci_level:.0%} CI "
                  f"({self.ci[0]:g}, {self.ci[1]:g}) with df {self.ci_df:g}")
        rows = [
            {"quantity": "estimate", "estimate": self.estimate, "std_error": self.std_error,
             "ci_lower": self.ci[0] if self.ci else None,
             "ci_upper": self.ci[1] if self.ci else None, "method": method, "note": f"n = {self.n_obs}, covariates = {self.n_covariates}"
             + source},
            {"quantity": "threshold estimate", "estimate": self.threshold, "method": method,
             "note": f"t_crit = {self.critical_t:.4g}, df = {self.df}"},
            {"quantity": f"share of the estimate due to bias to {verb} the inference",
             "estimate": self.share_bias, "method": method},
            {"quantity": f"RIR (cases to replace to {verb})", "estimate": self.rir,
             "method": method, "note": f"rounding: {self.rounding}; exact {self.rir_exact:.4g}"},
            {"quantity": f"ITCV to {verb} (conditional on covariates)", "estimate": self.itcv,
             "method": "ITCV (Frank 2000)",
             "note": f"r_xcv|z = {self.r_xcv_given_z:.4g}, r_ycv|z = {self.r_ycv_given_z:.4g}"},
        ]
        if not math.isnan(self.itcv_unconditional):
            rows.append({"quantity": f"ITCV to {verb} (unconditional)",
                         "estimate": self.itcv_unconditional, "method": "ITCV (Frank 2000)",
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
        SDs of treatment and outcome and the model's R², for the unconditional ITCV (not
        needed without covariates, where it equals the conditional one; then ignored).

    Returns
    -------
    RIRResult

    Notes
    -----
    See the module docstring for the formulas, the two branches of the ITCV and the degrees
    of freedom.

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
    >>> round(rir(0.01, 0.4, 100, 3).itcv, 4)  # not significant: a suppressor sustains it
    -0.1642
    """
    from scipy.stats import t as t_dist

    b = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    df = model_df(n_obs, n_covariates)
    n, k = int(n_obs), int(n_covariates)
    alpha = check_alpha(alpha)
    tails = _check_tails(tails)  # type: ignore[assignment]
    check_literal(rounding, "rounding", ("round", "ceiling", "none"))
    if b == 0:
        raise NoSolutionError("the estimate is exactly 0: replacing cases with cases of zero "
                              "effect cannot move it.")
    t_crit = float(t_dist.ppf(1 - alpha / tails, df))
    threshold = math.copysign(t_crit * se, b)
    invalidate = abs(b) > abs(threshold)
    share = 1 - threshold / b if invalidate else 1 - b / threshold
    rir_exact = n * share
    t_obs = b / se
    r_obs = t_obs / math.sqrt(t_obs**2 + df)
    r_crit = math.copysign(t_crit / math.sqrt(t_crit**2 + df), b)
    sign = 1.0 if r_obs > r_crit else -1.0 if r_obs < r_crit else 0.0
    itcv = (r_obs - r_crit) / (1 - sign * r_crit)
    r_cv = math.sqrt(abs(itcv))
    unconditional = (math.nan, math.nan, math.nan)
    if k == 0:
        unconditional = (itcv, r_cv, sign * r_cv)
    elif sd_x is not None or sd_y is not None or r2 is not None:
        unconditional = _unconditional(r_cv, sign, r_obs, df, se, sd_x, sd_y, r2)
    return RIRResult(b, se, n, k, df, t_crit, threshold, share, rir_exact,
                     _round(rir_exact, rounding), rounding, invalidate, r_obs, r_crit, itcv,
                     r_cv, sign * r_cv, *unconditional, alpha=alpha, tails=tails)


def _unconditional(r_cv: float, sign: float, r_obs: float, df: int, se: float,
                   sd_x: float | None, sd_y: float | None, r2: float | None
                   ) -> tuple[float, float, float]:
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
    r_y = sign * r_cv * math.sqrt(1 - r2yz)
    return r_x * r_y, r_x, r_y


def rir_from_ci(lower: float, upper: float, n_obs: int, n_covariates: int, *,
                level: float = 0.95, ci_df: float | None = None, alpha: float = 0.05,
                tails: Literal[1, 2] = 2, rounding: Rounding = "round",
                sd_x: float | None = None, sd_y: float | None = None,
                r2: float | None = None) -> RIRResult:
    """RIR and ITCV of a regression coefficient reported only with its confidence interval.

    Parameters
    ----------
    lower, upper : float
        The reported confidence limits (symmetric around the estimate).
    n_obs, n_covariates, alpha, tails, rounding, sd_x, sd_y, r2
        As in :func:`rir`.
    level : float
        Confidence level of the reported interval (0.95 for a 95% CI).
    ci_df : float, optional
        Degrees of freedom of the t quantile the interval was built with; default the model's
        ``n_obs - n_covariates - 2``; ``math.inf`` for a normal (Wald z) interval.

    Returns
    -------
    RIRResult
        With ``ci``, ``ci_level`` and ``ci_df`` recorded.

    Notes
    -----
    ``estimate = (lower + upper)/2``, ``std_error = (upper - lower)/(2 t_{(1+level)/2, ci_df})``
    (:func:`estimate_from_ci`), then :func:`rir`.

    Where we differ from konfound (``pkonfound(lower_bound=, upper_bound=)``), and why:
    konfound recovers the SE with ``qt(alpha/tails, n_obs - n_covariates)``, i.e. it ties the
    interval's level to ``alpha`` and ``tails`` (a one-tailed test reads a 95% CI as a 90%
    one) and uses ``n - k`` degrees of freedom while its own threshold uses ``n - k - 2``.
    Here the level is stated, and the default df is the model's, so that an interval whose
    limit touches 0 gives exactly the threshold (RIR 0). ``ci_df = n_obs - n_covariates``
    with ``level = 1 - 2 alpha / tails`` reproduces konfound to machine precision.
    """
    df = model_df(n_obs, n_covariates)
    used_df = float(df) if ci_df is None else ci_df
    b, se = estimate_from_ci(lower, upper, used_df, level=level)
    result = rir(b, se, n_obs, n_covariates, alpha=alpha, tails=tails, rounding=rounding,
                 sd_x=sd_x, sd_y=sd_y, r2=r2)
    return replace(result, ci=(float(lower), float(upper)), ci_level=float(level),
                   ci_df=float(used_df))
