"""Empirical calibration with negative and positive controls (Schuemie et al. 2014, 2018).

A negative control is an exposure-outcome pair whose true effect is known to be null (log
ratio 0); a positive control has a known true log effect. Their estimates, run through the same
study design as the main estimate, measure the design's *systematic* error, which their own
standard errors cannot explain.

Empirical null (Schuemie et al. 2014)
-------------------------------------
Each negative-control log estimate is ``y_i ~ N(b_i, se_i^2)`` with systematic error
``b_i ~ N(mu, sigma^2)``; integrating ``b_i`` out, ``y_i ~ N(mu, sigma^2 + se_i^2)``.
``(mu, sigma)`` are fitted by maximum likelihood of that normal convolution with no prior —
the convention of ``EmpiricalCalibration::fitNull`` (its ``logLikelihoodNull``; the weak gamma
prior on the precision belongs only to its MCMC variant ``fitMcmcNull``, not used here).
``sigma = 0`` is allowed (no systematic error beyond sampling), where the likelihood becomes
``prod N(y_i; mu, se_i^2)``. The calibrated two-sided p-value of an estimate ``(y, se)`` is
``2 min(Phi((y - mu) / s), Phi((mu - y) / s))``, ``s = sqrt(sigma^2 + se^2)`` (``calibrateP``).

Here the maximum is found exactly: ``mu`` is profiled out (for fixed ``tau = sigma^2`` it is the
precision-weighted mean with weights ``1 / (tau + se_i^2)``), the profile log-likelihood is
scanned on a grid of ``sigma`` and the best bracket is refined by bisection on the profile
score. R's ``fitNull`` stops Nelder-Mead at its default relative tolerance (1e-8 on the
log-likelihood), so its ``mu`` and ``sigma`` agree with this optimum to roughly 1e-4, not 1e-8;
tests/data/empirical_calibration/ records both.

Systematic-error model and calibrated CI (Schuemie et al. 2018)
--------------------------------------------------------------
With controls of true log effect ``t_i`` (0 for negatives), systematic error is modelled as
``y_i ~ N(a + b t_i, (c + d |t_i|)^2 + se_i^2)``: the mean *and the SD* linear in the true
effect. This is ``fitSystematicErrorModel(legacy = FALSE)``, the package default since version
2; the 2018 paper's original form, SD ``exp(c + d t)`` (``legacy = TRUE``), is not implemented.
The SD must be >= 0 at every control's ``t``. The calibrated CI of an estimate ``(y, se)`` is
the set of true effects ``x`` whose model-implied distribution does not reject ``y``: its limits
solve ``(y - a - b x) / sqrt((c + d |x|)^2 + se^2) = +-z_{1-alpha/2}``, and the calibrated
point estimate solves ``a + b x = y`` (``calibrateConfidenceInterval``; roots searched in
``[-100, 100]`` on the log scale as there; NaN when a limit has no root). The calibrated SE is
``(upper - lower) / (2 z)``. With negative controls only, the model is ``(mu, 1, sigma, 0)``
(``convertNullToErrorModel``): the calibrated CI is ``y - mu +- z sqrt(sigma^2 + se^2)``.

References
----------
Schuemie MJ, Ryan PB, DuMouchel W, Suchard MA, Madigan D (2014). Interpreting observational
studies: why empirical calibration is needed to correct p-values. Stat Med 33:209-218.
Schuemie MJ, Hripcsak G, Ryan PB, Madigan D, Suchard MA (2018). Empirical confidence interval
calibration for population-level effect estimation studies in observational healthcare data.
PNAS 115:2571-2577.
Schuemie MJ, Cepeda MS, Suchard MA, et al. (2020). How confident are we about observational
findings in health care: a benchmark study. Harvard Data Science Review 2(1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha
from causal.errors import ParameterError
from causal.measures import z_critical

#: fewest negative controls from which a null distribution is fitted
MIN_CONTROLS = 3
#: root search interval for calibrated CI limits (log scale), as in EmpiricalCalibration
ROOT_INTERVAL = (-100.0, 100.0)

Alternative = Literal["two-sided", "greater", "less"]


def _as_vectors(log_estimates: Any, std_errors: Any, what: str = "controls",
                *, minimum: int = MIN_CONTROLS) -> tuple[np.ndarray, np.ndarray]:
    """Validated 1-d float arrays of log estimates and SEs (copies; the caller's data untouched)."""
    y = np.array(log_estimates, dtype=float).ravel()
    se = np.array(std_errors, dtype=float).ravel()
    if y.shape != se.shape:
        raise ParameterError(f"`std_errors` must have one value per log estimate of the {what}; "
                             f"got {se.size} standard errors for {y.size} estimates.")
    if y.size < minimum:
        raise ParameterError(f"`log_estimates` needs at least {minimum} {what} to fit a "
                             f"systematic-error distribution; got {y.size}.")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ParameterError(f"`log_estimates` must be finite; control {int(bad[0]) + 1} is "
                             f"{float(y[bad[0]])!r} (an estimate or CI limit of 0 or infinity?).")
    bad = np.flatnonzero(~np.isfinite(se) | (se <= 0))
    if bad.size:
        raise ParameterError(f"`std_errors` must be finite and > 0; control {int(bad[0]) + 1} has "
                             f"standard error {float(se[bad[0]])!r} (a CI with upper <= lower?).")
    return y, se


def std_errors_from_ci(ci_lower: Any, ci_upper: Any, alpha: float = 0.05) -> np.ndarray:
    """Log-scale SEs of ratio estimates from their CIs: ``(log upper - log lower) / (2 z)``.

    Assumes each CI was a Wald interval on the log scale at level ``1 - alpha``. The limits
    must be finite ratios > 0; a CI with ``upper <= lower`` gives an SE <= 0, refused later
    by the fit with the control's number.
    """
    alpha = check_alpha(alpha)
    lower = np.array(ci_lower, dtype=float).ravel()
    upper = np.array(ci_upper, dtype=float).ravel()
    for name, values in (("ci_lower", lower), ("ci_upper", upper)):
        bad = np.flatnonzero(~np.isfinite(values) | ~(values > 0))
        if bad.size:
            raise ParameterError(f"`{name}` must be a finite ratio > 0; control "
                                 f"{int(bad[0]) + 1} has {float(values[bad[0]])!r}.")
    return (np.log(upper) - np.log(lower)) / (2 * z_critical(alpha))


def log_estimates_of(estimates: Any, name: str = "estimate") -> np.ndarray:
    """Logs of ratio estimates, refusing values that are not finite ratios > 0."""
    values = np.array(estimates, dtype=float).ravel()
    bad = np.flatnonzero(~np.isfinite(values) | ~(values > 0))
    if bad.size:
        raise ParameterError(f"`{name}` must be a finite ratio > 0; control {int(bad[0]) + 1} "
                             f"has {float(values[bad[0]])!r}.")
    return np.log(values)


# -- the empirical null ---------------------------------------------------------------------

def _profile(y: np.ndarray, se2: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, ...]:
    """Profile mean, log-likelihood and score d/dtau for each tau (broadcast on the last axis
    of y: y, se2 are (..., K), tau is (..., G) -> results (..., G))."""
    v = tau[..., :, None] + se2[..., None, :]
    w = 1.0 / v
    mu = (w * y[..., None, :]).sum(-1) / w.sum(-1)
    r2 = (y[..., None, :] - mu[..., None]) ** 2
    loglik = -0.5 * (np.log(2 * np.pi * v) + r2 * w).sum(-1)
    score = 0.5 * (r2 * w * w - w).sum(-1)
    return mu, loglik, score


def fit_null_batch(log_estimates: Any, std_errors: Any, *, grid: int = 64,
                   iterations: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood empirical nulls of many control sets at once.

    ``log_estimates`` and ``std_errors`` are arrays of shape ``(replicates, controls)``
    (validated by the caller). Returns ``(mu, sigma)`` arrays of shape ``(replicates,)``.
    The profile log-likelihood in ``sigma`` is evaluated on a grid (quadratic spacing from 0
    to twice the range of the estimates plus their largest SE); the best grid point's
    neighbours bracket the maximum, refined by bisection on the profile score in ``tau =
    sigma^2`` (``iterations`` halvings). ``sigma = 0`` when the best grid point is 0 and the
    score there is <= 0.
    """
    y = np.asarray(log_estimates, dtype=float)
    se2 = np.asarray(std_errors, dtype=float) ** 2
    spread = y.max(-1) - y.min(-1) + np.sqrt(se2.max(-1))
    sigmas = 2 * spread[:, None] * np.linspace(0.0, 1.0, grid) ** 2
    _, loglik, _ = _profile(y, se2, sigmas ** 2)
    best = np.argmax(loglik, axis=-1)
    rows = np.arange(y.shape[0])
    lo = sigmas[rows, np.maximum(best - 1, 0)] ** 2
    hi = sigmas[rows, np.minimum(best + 1, grid - 1)] ** 2
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        _, _, score = _profile(y, se2, mid[:, None])
        rising = score[:, 0] > 0
        lo = np.where(rising, mid, lo)
        hi = np.where(rising, hi, mid)
    tau = 0.5 * (lo + hi)
    _, _, score0 = _profile(y, se2, np.zeros((y.shape[0], 1)))
    tau = np.where((best == 0) & (score0[:, 0] <= 0), 0.0, tau)
    mu, _, _ = _profile(y, se2, tau[:, None])
    return mu[:, 0], np.sqrt(tau)


@dataclass(frozen=True)
class EmpiricalNull(SummaryMixin):
    """The fitted distribution of systematic error, ``N(mean, sd^2)`` on the log scale."""

    mean: float
    sd: float
    n_controls: int
    log_likelihood: float

    @property
    def ease(self) -> float:
        """Expected absolute systematic error, ``E|b|`` for ``b ~ N(mean, sd^2)`` (Schuemie et
        al. 2020; ``computeExpectedAbsoluteSystematicError``): the folded-normal mean
        ``mu (1 - 2 Phi(-mu / sigma)) + 2 sigma phi(mu / sigma)``, ``|mu|`` when sigma = 0."""
        from scipy.stats import norm

        if self.sd == 0:
            return abs(self.mean)
        ratio = self.mean / self.sd
        return float(self.mean * (1 - 2 * norm.cdf(-ratio)) + 2 * self.sd * norm.pdf(ratio))

    def summary(self) -> pd.DataFrame:
        note = f"ML fit from {self.n_controls} negative controls (log scale)"
        return summary_frame([
            {"quantity": "empirical null mean (log)", "estimate": self.mean,
             "method": "empirical calibration", "note": note},
            {"quantity": "empirical null SD (log)", "estimate": self.sd,
             "method": "empirical calibration", "note": note},
            {"quantity": "expected absolute systematic error (log)", "estimate": self.ease,
             "method": "empirical calibration", "note": "EASE = E|bias| under the null"},
        ])


def fit_null(log_estimates: Any, std_errors: Any) -> EmpiricalNull:
    """Fit the empirical null to negative-control log estimates and their SEs.

    Parameters
    ----------
    log_estimates, std_errors : array-like
        Log ratio estimates of at least 3 negative controls and their standard errors (> 0).

    Returns
    -------
    EmpiricalNull
        ``mean`` and ``sd`` of systematic error on the log scale (module docstring).

    Notes
    -----
    The likelihood is EmpiricalCalibration's ``fitNull``: the normal convolution
    ``y_i ~ N(mu, sigma^2 + se_i^2)``, no prior on ``sigma`` (no half-normal or gamma prior;
    that is ``fitMcmcNull``). Its maximum is found exactly, ``sigma = 0`` included.

    Examples
    --------
    >>> null = fit_null([0.1, 0.3, -0.1, 0.5], [0.1, 0.1, 0.1, 0.1])
    >>> round(null.mean, 6), round(null.sd, 6)
    (0.2, 0.2)
    """
    y, se = _as_vectors(log_estimates, std_errors, "negative controls")
    mu, sigma = fit_null_batch(y[None, :], se[None, :])
    _, loglik, _ = _profile(y, se ** 2, np.array([sigma[0] ** 2]))
    return EmpiricalNull(float(mu[0]), float(sigma[0]), int(y.size), float(loglik[0]))


def calibrate_p(null: EmpiricalNull, log_estimate: Any, std_error: Any,
                alternative: Alternative = "two-sided") -> float | np.ndarray:
    """Calibrated p-value(s) of log estimate(s) against the empirical null (vectorised).

    ``alternative="greater"`` is ``calibrateP(twoSided = FALSE, upper = TRUE)``: the
    probability under the null of an estimate at least this large.
    """
    from scipy.stats import norm

    y = np.asarray(log_estimate, dtype=float)
    se = np.asarray(std_error, dtype=float)
    if np.any(~np.isfinite(y)) or np.any(~np.isfinite(se)) or np.any(se <= 0):
        raise ParameterError("`log_estimate` must be finite and `std_error` finite and > 0; got "
                             f"{y.tolist()} and {se.tolist()}.")
    scale = np.sqrt(null.sd ** 2 + se ** 2)
    upper = norm.cdf((null.mean - y) / scale)
    lower = norm.cdf((y - null.mean) / scale)
    if alternative == "two-sided":
        p = 2 * np.minimum(upper, lower)
    elif alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    else:
        raise ParameterError("`alternative` must be 'two-sided', 'greater' or 'less'; got "
                             f"{alternative!r}.")
    return float(p) if p.ndim == 0 else p


# -- the systematic-error model ---------------------------------------------------------------

@dataclass(frozen=True)
class SystematicErrorModel(SummaryMixin):
    """``log estimate ~ N(mean_intercept + mean_slope t, (sd_intercept + sd_slope |t|)^2 + se^2)``
    for true log effect ``t``. ``source`` says which controls it was fitted from."""

    mean_intercept: float
    mean_slope: float
    sd_intercept: float
    sd_slope: float
    source: str
    n_negative: int = 0
    n_positive: int = 0

    def summary(self) -> pd.DataFrame:
        names = ("mean intercept", "mean slope", "SD intercept", "SD slope")
        values = (self.mean_intercept, self.mean_slope, self.sd_intercept, self.sd_slope)
        return summary_frame([{"quantity": f"systematic error {n}", "estimate": v,
                               "method": "empirical calibration", "note": self.source}
                              for n, v in zip(names, values, strict=True)])


def error_model_from_null(null: EmpiricalNull) -> SystematicErrorModel:
    """The model implied by negative controls alone: bias ``N(mu, sigma^2)`` whatever the true
    effect (``convertNullToErrorModel(null, meanSlope = 1, sdSlope = 0)``)."""
    return SystematicErrorModel(null.mean, 1.0, null.sd, 0.0,
                                f"negative controls only ({null.n_controls}); systematic error "
                                "assumed the same at every true effect", null.n_controls, 0)


def _error_model_nll(theta: np.ndarray, y: np.ndarray, se2: np.ndarray, t: np.ndarray):
    a, b, c, d = theta
    sd = c + d * np.abs(t)
    v = sd ** 2 + se2
    r = y - a - b * t
    nll = 0.5 * np.sum(np.log(2 * np.pi * v) + r ** 2 / v)
    g_mean = -r / v
    g_sd = sd * (1 / v - r ** 2 / v ** 2)
    grad = np.array([g_mean.sum(), (g_mean * t).sum(), g_sd.sum(), (g_sd * np.abs(t)).sum()])
    return nll, grad


def fit_systematic_error_model(log_estimates: Any, std_errors: Any,
                               true_log_effects: Any) -> SystematicErrorModel:
    """Fit the systematic-error model to negative (true log effect 0) and positive controls.

    Maximum likelihood of ``y_i ~ N(a + b t_i, (c + d |t_i|)^2 + se_i^2)`` subject to
    ``c + d |t_i| >= 0`` at every control (SLSQP with the analytic gradient, started from the
    empirical null of the negative controls with slopes 1 and 0). Needs at least 3 negative
    controls and 3 positive controls (true log effect != 0).
    """
    from scipy.optimize import minimize

    y, se = _as_vectors(log_estimates, std_errors, "controls", minimum=2 * MIN_CONTROLS)
    t = np.array(true_log_effects, dtype=float).ravel()
    if t.shape != y.shape or np.any(~np.isfinite(t)):
        raise ParameterError("`true_log_effects` must hold one finite true log effect per control "
                             f"({y.size}); got {t.size} values {t.tolist()[:6]}.")
    negative = t == 0
    if negative.sum() < MIN_CONTROLS or (~negative).sum() < MIN_CONTROLS:
        raise ParameterError(f"`true_log_effects` must include at least {MIN_CONTROLS} negative "
                             f"controls (0) and {MIN_CONTROLS} positive controls (!= 0); got "
                             f"{int(negative.sum())} and {int((~negative).sum())}.")
    null = fit_null(y[negative], se[negative])
    abs_t = np.unique(np.abs(t))
    constraints = [{"type": "ineq", "fun": lambda th, u=u: th[2] + th[3] * u,
                    "jac": lambda th, u=u: np.array([0.0, 0.0, 1.0, u])} for u in abs_t]
    fit = minimize(_error_model_nll, np.array([null.mean, 1.0, max(null.sd, 0.05), 0.0]),
                   args=(y, se ** 2, t), jac=True, method="SLSQP", constraints=constraints,
                   options={"ftol": 1e-15, "maxiter": 1000})
    a, b, c, d = (float(v) for v in fit.x)
    return SystematicErrorModel(a, b, c, d, f"{int(negative.sum())} negative and "
                                f"{int((~negative).sum())} positive controls",
                                int(negative.sum()), int((~negative).sum()))


@dataclass(frozen=True)
class CalibratedInterval:
    """A calibrated log estimate and CI (NaN where a limit has no root in [-100, 100])."""

    log_estimate: float
    ci_lower: float
    ci_upper: float
    std_error: float
    alpha: float


def _root(fun, lo: float, hi: float) -> float:
    from scipy.optimize import brentq

    f_lo, f_hi = fun(lo), fun(hi)
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo * f_hi > 0:
        return math.nan
    if f_lo == 0:
        return lo
    if f_hi == 0:
        return hi
    return float(brentq(fun, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500))


def calibrate_ci(model: SystematicErrorModel | EmpiricalNull, log_estimate: float,
                 std_error: float, alpha: float = 0.05) -> CalibratedInterval:
    """Calibrated log estimate and ``1 - alpha`` CI of one estimate (module docstring).

    ``model`` may be an :class:`EmpiricalNull` (negative controls only), used through
    :func:`error_model_from_null`.
    """
    alpha = check_alpha(alpha)
    y, se = _as_vectors([log_estimate], [std_error], "estimates", minimum=1)
    y, se = float(y[0]), float(se[0])
    if isinstance(model, EmpiricalNull):
        model = error_model_from_null(model)
    a, b, c, d = model.mean_intercept, model.mean_slope, model.sd_intercept, model.sd_slope
    z = z_critical(alpha)

    def gap(x: float, k: float) -> float:
        return k + (a + b * x - y) / math.sqrt((c + d * abs(x)) ** 2 + se ** 2)

    lo, hi = ROOT_INTERVAL
    point = _root(lambda x: gap(x, 0.0), lo, hi)
    lower = _root(lambda x: gap(x, z), lo, hi)
    upper = _root(lambda x: gap(x, -z), lo, hi)
    return CalibratedInterval(point, lower, upper, (upper - lower) / (2 * z), alpha)


def calibrate_ci_batch(null_mean: Any, null_sd: Any, log_estimate: Any, std_error: Any,
                       alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibrated ``(log estimate, lower, upper)`` with negative controls only, vectorised over
    replicates: ``y - mu`` and ``y - mu -/+ z sqrt(sigma^2 + se^2)`` (the closed form of
    :func:`calibrate_ci` under :func:`error_model_from_null`). Inputs broadcast; the caller
    validates them (used by simulations on arrays of replicates)."""
    z = z_critical(check_alpha(alpha))
    shift = np.asarray(log_estimate, dtype=float) - np.asarray(null_mean, dtype=float)
    half = z * np.sqrt(np.asarray(null_sd, dtype=float) ** 2
                       + np.asarray(std_error, dtype=float) ** 2)
    return shift, shift - half, shift + half
