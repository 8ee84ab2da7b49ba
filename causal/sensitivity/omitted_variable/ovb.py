"""Omitted-variable bias in the partial-R² parametrisation (Cinelli & Hazlett 2020).

Everything is a pure function of the regression's estimate, standard error and residual degrees
of freedom ``dof`` (n - p for a linear model with p coefficients, as in the paper), and of the
hypothesised confounder's partial R²s:

* ``r2dz_x``: partial R² of the confounder with the treatment, given the covariates;
* ``r2yz_dx``: partial R² of the confounder with the outcome, given treatment and covariates.

Formulas (paper section and equation numbers of Cinelli & Hazlett 2020):

* partial R² of the treatment with the outcome: ``t² / (t² + dof)`` (sec. 4.3);
* bias: ``|bias| = se sqrt(dof) sqrt(r2yz_dx r2dz_x / (1 - r2dz_x))`` (eq. 12);
* adjusted SE: ``se sqrt((1 - r2yz_dx) / (1 - r2dz_x)) sqrt(dof / (dof - 1))`` (eq. 13), with
  ``dof - 1`` residual degrees of freedom for the adjusted t and CI (the confounder uses one);
* robustness value, with ``f_q = q |t| / sqrt(dof)``, ``f* = t_{1-alpha/2, dof-1} /
  sqrt(dof - 1)`` and ``f = f_q - f*``: ``RV = (sqrt(f⁴ + 4 f²) - f²) / 2`` (0 if ``f <= 0``);
  when ``f_q > 1 / f*`` the constraint ``r2yz_dx <= 1`` binds and
  ``RV = (f_q² - f*²) / (1 + f_q²)`` (the "extreme" case; sec. 4.2 and appendix). Without
  ``alpha`` (``alpha=None``) ``f* = 0`` and this is ``RV_q``.
* bounds from a benchmark covariate ``X_j`` with partial R²s ``r2dxj_x`` (with the treatment)
  and ``r2yxj_dx`` (with the outcome), for a confounder ``kd`` / ``ky`` times as strong
  (sec. 6.1, eqs. 51-52): ``r2dz_x = kd r2dxj_x / (1 - r2dxj_x)``,
  ``eta = kd r2dxj_x² / ((1 - kd r2dxj_x)(1 - r2dxj_x))``,
  ``r2yz_dx = min(1, ((sqrt(ky) + sqrt(eta)) / sqrt(1 - eta))² r2yxj_dx / (1 - r2yxj_dx))``.

Adjustment direction: ``reduce=True`` (default) moves the estimate towards zero.

Degrees of freedom of the adjusted CI: ``ci_dof="dof - 1"`` (default) uses the t quantile on
``dof - 1``, as the paper's adjusted t-test and ``RV_{q,alpha}`` do (so a confounder at
``RV_{q,alpha}`` puts the CI limit exactly at zero); R sensemakr's ``adjusted_ci`` uses ``dof``
(``ci_dof="dof"`` reproduces it; the limits differ in the sixth significant digit at dof 783).

A logistic-regression log-OR with a z statistic can be given as well (``heuristic=True`` is set
on the result): the formulas are exact for linear regression only, so for a log-OR they are a
heuristic reading of the z statistic as a t statistic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_alpha, check_finite, check_literal, check_positive
from causal.errors import ParameterError


def _check_dof(dof: Any) -> float:
    value = check_positive(dof, "dof", what="residual degrees of freedom")
    if value <= 1:
        raise ParameterError(f"`dof` must be > 1 (one is used by the confounder); got {value:g}.")
    return value


def _check_r2(value: Any, name: str, *, below_one: bool = False) -> float:
    value = check_finite(value, name)
    if not 0 <= value <= 1 or (below_one and value >= 1):
        interval = "[0, 1)" if below_one else "[0, 1]"
        raise ParameterError(f"`{name}` must be a partial R² in {interval}; got {value:g}.")
    return value


def _t_quantile(alpha: float, dof: float) -> float:
    from scipy.stats import t

    return float(t.ppf(1 - alpha / 2, dof))


def partial_r2(t_statistic: float, dof: float) -> float:
    """Partial R² of the treatment with the outcome, ``t² / (t² + dof)``.

    Parameters
    ----------
    t_statistic : float
        t (or, heuristically, z) statistic of the treatment coefficient.
    dof : float
        Residual degrees of freedom of the regression.

    Returns
    -------
    float

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67.

    Examples
    --------
    >>> round(partial_r2(2, 10), 6)
    0.285714
    """
    t = check_finite(t_statistic, "t_statistic")
    dof = _check_dof(dof)
    return t * t / (t * t + dof)


def robustness_value(t_statistic: float, dof: float, *, q: float = 1.0,
                     alpha: float | None = None, se_inflation: float = 1.0) -> float:
    """Robustness value ``RV_q`` (``alpha=None``) or ``RV_{q,alpha}``.

    The minimum strength, equal partial R² with treatment and outcome, of a confounder that
    reduces the estimate by ``100 q``% (or, with ``alpha``, makes the reduced estimate lose
    significance at level ``alpha``).

    Parameters
    ----------
    t_statistic : float
    dof : float
        Residual degrees of freedom.
    q : float
        Share of the estimate to remove (1: bring it to zero).
    alpha : float or None
        Significance level; None for the point-estimate version.
    se_inflation : float
        The ratio of the SE that decides significance to the classical one (a cluster-robust
        SE over the classical SE): the critical value ``f*`` is multiplied by it, i.e. the
        adjusted estimate must stay ``t_crit x se_inflation`` classical SEs from zero. This
        assumes the ratio is the same after adjusting for the confounder.

    Returns
    -------
    float
        In [0, 1]; the extreme-case formula is used when the constraint ``r2yz_dx <= 1`` binds
        (module docstring).

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020), section 4.2.
    """
    t = check_finite(t_statistic, "t_statistic")
    dof = _check_dof(dof)
    q = check_positive(q, "q", what="a share of the estimate")
    f_q = q * abs(t) / math.sqrt(dof)
    f_crit = 0.0 if alpha is None else (_t_quantile(check_alpha(alpha), dof - 1)
                                        / math.sqrt(dof - 1)) * float(se_inflation)
    f = f_q - f_crit
    if f <= 0:
        return 0.0
    # Both formulas are rearranged for f > 1 so that huge t (or q) cannot overflow.
    if f_crit > 0 and f_q > 1 / f_crit:
        return (1 - (f_crit / f_q) ** 2) / ((1 / f_q) ** 2 + 1)
    if f > 1:
        return 2 / (math.sqrt(1 + (2 / f) ** 2) + 1)
    return 0.5 * (math.sqrt(f**4 + 4 * f**2) - f**2)


@dataclass(frozen=True)
class AdjustedEstimate(SummaryMixin):
    """Bias-adjusted estimate for given confounder strengths (:func:`adjusted_estimate`)."""

    estimate: float
    std_error: float
    t_statistic: float
    ci: tuple[float, float]
    bias: float
    r2dz_x: float
    r2yz_dx: float
    dof: float
    alpha: float
    label: str = ""
    heuristic: bool = False

    def summary(self) -> pd.DataFrame:
        note = f"r2dz_x = {self.r2dz_x:.4g}, r2yz_dx = {self.r2yz_dx:.4g}"
        if self.heuristic:
            note += "; heuristic (log-OR with a z statistic)"
        return summary_frame([{
            "quantity": f"adjusted estimate{' (' + self.label + ')' if self.label else ''}",
            "estimate": self.estimate, "std_error": self.std_error, "ci_lower": self.ci[0],
            "ci_upper": self.ci[1], "method": "omitted-variable bias (Cinelli & Hazlett 2020)",
            "note": note}])


def adjusted_estimate(estimate: float, std_error: float, dof: float, *, r2dz_x: float,
                      r2yz_dx: float, reduce: bool = True, alpha: float = 0.05,
                      label: str = "", heuristic: bool = False,
                      ci_dof: Literal["dof - 1", "dof"] = "dof - 1",
                      se_inflation: float = 1.0) -> AdjustedEstimate:
    """Estimate, SE, t and CI adjusted for a confounder of given partial R²s.

    Parameters
    ----------
    estimate, std_error : float
        The treatment coefficient and its standard error.
    dof : float
        Residual degrees of freedom of the regression (the adjusted t and CI use ``dof - 1``).
    r2dz_x, r2yz_dx : float
        Partial R² of the confounder with the treatment (< 1) and with the outcome.
    reduce : bool
        True: the confounder moves the estimate towards zero.
    alpha : float
    label : str
    heuristic : bool
        Set when the input is a log-OR with a z statistic (see the module docstring).
    ci_dof : {"dof - 1", "dof"}
        Degrees of freedom of the CI's t quantile (module docstring; "dof" as R sensemakr).
    se_inflation : float
        A cluster-robust SE over the classical ``std_error``: the bias (an R² identity of the
        classical SE) is unchanged, the adjusted SE, t and CI are multiplied by it (its ratio
        taken as unchanged by the confounder).

    Returns
    -------
    AdjustedEstimate

    Notes
    -----
    ``bias = se sqrt(dof) sqrt(r2yz_dx r2dz_x / (1 - r2dz_x))``; adjusted SE
    ``se sqrt((1 - r2yz_dx)/(1 - r2dz_x)) sqrt(dof/(dof - 1))`` (Cinelli & Hazlett 2020,
    eqs. 12-13).

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67.
    """
    est = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    dof = _check_dof(dof)
    alpha = check_alpha(alpha)
    check_literal(ci_dof, "ci_dof", ("dof - 1", "dof"))
    r2d = np.asarray(r2dz_x, dtype=float)
    r2y = np.asarray(r2yz_dx, dtype=float)
    _check_r2(float(np.max(r2d)), "r2dz_x", below_one=True)
    _check_r2(float(np.min(r2d)), "r2dz_x", below_one=True)
    _check_r2(float(np.max(r2y)), "r2yz_dx")
    _check_r2(float(np.min(r2y)), "r2yz_dx")
    bias = ovb_bias(se, dof, r2d, r2y)
    direction = -np.sign(est) if reduce else np.sign(est)
    direction = direction if est != 0 else (-1.0 if reduce else 1.0)
    adj = est + direction * bias
    adj_se = se * np.sqrt((1 - r2y) / (1 - r2d)) * math.sqrt(dof / (dof - 1)) * float(
        se_inflation)
    crit = _t_quantile(alpha, dof - 1 if ci_dof == "dof - 1" else dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_adj = adj / adj_se
    return AdjustedEstimate(float(adj), float(adj_se), float(t_adj),
                            (float(adj - crit * adj_se), float(adj + crit * adj_se)),
                            float(bias), float(r2d), float(r2y), dof, alpha, label, heuristic)


def ovb_bias(std_error: float, dof: float, r2dz_x: Any, r2yz_dx: Any) -> Any:
    """Absolute bias ``se sqrt(dof) sqrt(r2yz_dx r2dz_x / (1 - r2dz_x))`` (vectorised)."""
    r2d = np.asarray(r2dz_x, dtype=float)
    r2y = np.asarray(r2yz_dx, dtype=float)
    return std_error * np.sqrt(dof) * np.sqrt(r2y * r2d / (1 - r2d))


def benchmark_r2(r2dxj_x: float, r2yxj_dx: float, *, kd: float = 1.0, ky: float | None = None
                 ) -> tuple[float, float]:
    """Partial R²s of a confounder ``kd`` (``ky``) times as strong as a benchmark covariate.

    Returns ``(r2dz_x, r2yz_dx)`` by Cinelli & Hazlett (2020), eqs. 51-52 (module docstring).
    """
    r2dxj = _check_r2(r2dxj_x, "r2dxj_x", below_one=True)
    r2yxj = _check_r2(r2yxj_dx, "r2yxj_dx", below_one=True)
    kd = check_positive(kd, "kd", what="a multiple of the benchmark's strength")
    ky = kd if ky is None else check_positive(ky, "ky",
                                              what="a multiple of the benchmark's strength")
    if kd * r2dxj >= 1:
        raise ParameterError(
            f"`kd` times the benchmark's partial R² with the treatment must be < 1; got "
            f"{kd:g} x {r2dxj:.4g} = {kd * r2dxj:.4g}.")
    r2dz = kd * r2dxj / (1 - r2dxj)
    if r2dz >= 1:
        raise ParameterError(f"a confounder {kd:g} times as strong as the benchmark would "
                             f"explain all of the treatment (r2dz_x = {r2dz:.4g}); use a smaller "
                             "`kd`.")
    eta = kd * r2dxj**2 / ((1 - kd * r2dxj) * (1 - r2dxj))
    r2yz = ((math.sqrt(ky) + math.sqrt(eta)) / math.sqrt(1 - eta)) ** 2 * r2yxj / (1 - r2yxj)
    return r2dz, min(r2yz, 1.0)


@dataclass(frozen=True)
class OVBBounds(SummaryMixin):
    """Result of :func:`ovb_bounds`: one :class:`AdjustedEstimate` per multiple of the
    benchmark, plus the sensitivity statistics of the unadjusted estimate."""

    estimate: float
    std_error: float
    dof: float
    t_statistic: float
    partial_r2: float
    rv_q: float
    rv_qa: float
    q: float
    alpha: float
    benchmark: str
    bounds: tuple[AdjustedEstimate, ...]
    heuristic: bool = False
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The summary with the robustness values and the treatment's partial R²."""
        return jsonable({**super().to_dict(), "rv_q": self.rv_q, "rv_qa": self.rv_qa,
                         "partial_r2": self.partial_r2})

    def summary(self) -> pd.DataFrame:
        method = "omitted-variable bias (Cinelli & Hazlett 2020)"
        extra = "; heuristic (log-OR with a z statistic)" if self.heuristic else ""
        rows = [
            {"quantity": "estimate", "estimate": self.estimate, "std_error": self.std_error,
             "method": "regression", "note": f"t = {self.t_statistic:.4g}, dof = {self.dof:g}"},
            {"quantity": "partial R² of treatment with outcome", "estimate": self.partial_r2,
             "method": method, "note": extra.lstrip("; ")},
            {"quantity": f"RV_q (q = {self.q:g})", "estimate": self.rv_q, "method": method,
             "note": "equal partial R² with treatment and outcome" + extra},
            {"quantity": f"RV_q,alpha (alpha = {self.alpha:g})", "estimate": self.rv_qa,
             "method": method, "note": "to lose significance" + extra},
        ]
        for bound in self.bounds:
            rows.extend(bound.summary().to_dict("records"))
        return summary_frame(rows)


def ovb_bounds(estimate: float, std_error: float, dof: float, *, r2dxj_x: float,
               r2yxj_dx: float, kd: Any = (1, 2, 3), ky: Any = None,
               benchmark: str = "benchmark", q: float = 1.0, alpha: float = 0.05,
               reduce: bool = True, heuristic: bool = False,
               ci_dof: Literal["dof - 1", "dof"] = "dof - 1") -> OVBBounds:
    """Bounds on the adjusted estimate for confounders ``k`` times as strong as a benchmark.

    Parameters
    ----------
    estimate, std_error, dof : float
        The treatment coefficient, its SE and the regression's residual degrees of freedom.
    r2dxj_x : float
        Partial R² of the benchmark covariate with the treatment, given the other covariates.
    r2yxj_dx : float
        Partial R² of the benchmark covariate with the outcome, given treatment and the others.
    kd, ky : float or sequence of float
        Multiples of the benchmark's strength with the treatment and the outcome (``ky``
        defaults to ``kd``).
    benchmark : str
        Name used in the labels ("1x female").
    q, alpha, reduce, heuristic, ci_dof
        As in :func:`robustness_value` and :func:`adjusted_estimate`.

    Returns
    -------
    OVBBounds

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67, section 6.
    """
    est = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    dof = _check_dof(dof)
    alpha = check_alpha(alpha)
    kds = np.atleast_1d(np.asarray(kd, dtype=float))
    kys = kds if ky is None else np.atleast_1d(np.asarray(ky, dtype=float))
    if kys.shape != kds.shape:
        raise ParameterError(f"`ky` must have as many values as `kd`; got {kys.size} and "
                             f"{kds.size}.")
    bounds = []
    for k_d, k_y in zip(kds, kys, strict=True):
        r2dz, r2yz = benchmark_r2(r2dxj_x, r2yxj_dx, kd=float(k_d), ky=float(k_y))
        label = (f"{k_d:g}x {benchmark}" if k_d == k_y else
                 f"{k_d:g}x/{k_y:g}x {benchmark}")
        bounds.append(adjusted_estimate(est, se, dof, r2dz_x=r2dz, r2yz_dx=r2yz, reduce=reduce,
                                        alpha=alpha, label=label, heuristic=heuristic,
                                        ci_dof=ci_dof))
    t = est / se
    return OVBBounds(est, se, dof, t, partial_r2(t, dof), robustness_value(t, dof, q=q),
                     robustness_value(t, dof, q=q, alpha=alpha), q, alpha, benchmark,
                     tuple(bounds), heuristic)


def ovb_inputs(measure: Any) -> tuple[float, float, bool, tuple[str, ...]]:
    """``(estimate, std_error, heuristic, notes)`` for the partial-R² methods from a measure.

    A :class:`~causal.measures.MeanDifference` (a linear-regression coefficient) is used as is.
    An :class:`~causal.measures.OddsRatio` is read as its log-OR with the Wald z statistic in
    place of a t statistic: Cinelli & Hazlett's results are exact for linear regression only, so
    this is a heuristic, and the returned note says so (pass ``heuristic=True`` on).
    """
    from causal.measures import MeanDifference, OddsRatio

    if isinstance(measure, MeanDifference) and measure.std_error is not None:
        return measure.estimate, float(measure.std_error), False, ()
    if isinstance(measure, OddsRatio) and measure.std_error is not None:
        note = ("the log odds ratio and its z statistic are read as a linear-regression "
                "coefficient and t statistic: a heuristic, not an exact omitted-variable bias "
                "result (Cinelli & Hazlett 2020 cover linear models)")
        return math.log(measure.estimate), float(measure.std_error), True, (note,)
    raise ParameterError("`measure` must be a MeanDifference (regression coefficient) or an "
                         "OddsRatio, with a CI or standard error; got "
                         f"{type(measure).__name__}.")
