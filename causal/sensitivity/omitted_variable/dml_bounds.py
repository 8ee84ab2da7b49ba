"""Omitted-variable bounds for a doubly robust (debiased) effect: "Long Story Short".

Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis bound the bias of a debiased estimate of a
linear functional (here the ATE or ATT of a binary treatment) that omits a latent confounder
``U`` through the outcome regression ``g`` and the Riesz representer ``alpha``:

    |theta_short - theta_long|^2 <= rho^2 * cf_y * cf_d / (1 - cf_d) * sigma^2 * nu^2,

with ``sigma^2 = E[(Y - g(D, X))^2]`` and ``nu^2 = E[alpha(D, X)^2]`` identified from the data,
and three sensitivity parameters (the paper's letters in brackets):

* ``cf_y`` (``eta^2_{Y~U|D,X}``, the paper's C_Y^2): share of the outcome's residual
  variation explained by ``U``;
* ``cf_d`` (``1 - R^2_{alpha~alpha_s}``): share of the long Riesz representer's variation not
  explained by the short one, so ``cf_d / (1 - cf_d)`` is the gain ``C_D^2``;
* ``rho`` (``Cor(g - g_s, alpha - alpha_s)``): adversity, ``|rho| <= 1`` (1 is worst case).

This module holds the pure functions of numbers: the estimated elements
(:func:`riesz_elements`), the bounds and their confidence limits for any grid of parameters
(:func:`bias_bounds`), the robustness values (:func:`robustness_values`) and the benchmark
"gain statistics" of an omitted observed covariate group (:func:`gain_statistics`). The
adapter from an AIPW fit and the refits for benchmarks are in
:mod:`causal.sensitivity.omitted_variable.dml_refit`.

References
----------
Chernozhukov, V., Cinelli, C., Newey, W., Sharma, A. & Syrgkanis, V. (2024). Long Story
Short: Omitted Variable Bias in Causal Machine Learning. Review of Economics and Statistics
(NBER w30302; arXiv 2112.13398). DoubleML 0.11.4 (``DoubleMLIRM.sensitivity_analysis``,
``doubleml.utils.gain_statistics``) implements the same bounds; the tests compare with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from causal._validation import check_alpha, check_literal
from causal.errors import DataError, ParameterError

Estimand = Literal["ate", "att", "atc"]


@dataclass(frozen=True)
class RieszElements:
    """Point estimate, ``sigma^2``, ``nu^2`` and their influence values (each mean zero).

    ``scale = sqrt(sigma2 * nu2)`` is the paper's ``S``; ``phi_scale`` its influence values by
    the delta method. ``moments = (A, B, C) = mean(phi_theta^2), mean(phi_theta * phi_scale),
    mean(phi_scale^2)`` is all the bounds' standard errors need.
    """

    estimand: str
    theta: float
    sigma2: float
    nu2: float
    n: int
    phi_theta: np.ndarray = field(repr=False, compare=False)
    phi_sigma2: np.ndarray = field(repr=False, compare=False)
    phi_nu2: np.ndarray = field(repr=False, compare=False)
    #: cluster codes 0..G-1 per row: the moments are then cluster-robust (CR1)
    cluster: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def scale(self) -> float:
        return math.sqrt(self.sigma2 * self.nu2)

    @property
    def phi_scale(self) -> np.ndarray:
        return (self.sigma2 * self.phi_nu2 + self.nu2 * self.phi_sigma2) / (2 * self.scale)

    @property
    def std_error(self) -> float:
        return math.sqrt(self.moments[0] / self.n)

    @property
    def moments(self) -> tuple[float, float, float]:
        """``(A, B, C)``; with clusters, from the influence values summed within clusters
        times CR1's ``G/(G-1)`` (:mod:`causal.estimate._clusters`), so that ``A/n`` is the
        cluster-robust variance of ``theta``."""
        ps = self.phi_scale
        if self.cluster is not None:
            from causal.estimate._clusters import cluster_totals, correction

            g = int(self.cluster.max()) + 1
            t = cluster_totals(np.column_stack([self.phi_theta, ps]), self.cluster, g)
            f = correction(g, self.n) / self.n
            return (float(f * t[:, 0] @ t[:, 0]), float(f * t[:, 0] @ t[:, 1]),
                    float(f * t[:, 1] @ t[:, 1]))
        return (float(np.mean(self.phi_theta**2)), float(np.mean(self.phi_theta * ps)),
                float(np.mean(ps**2)))


def riesz_elements(y: Any, a: Any, e: Any, m1: Any, m0: Any, *,
                   estimand: Estimand = "ate", cluster: Any = None) -> RieszElements:
    """The debiased effect and the sensitivity elements from cross-fitted nuisances.

    Parameters
    ----------
    y, a : array_like
        Outcome and 0/1 treatment.
    e, m1, m0 : array_like
        Cross-fitted ``P(A=1|X)``, ``E[Y|A=1,X]``, ``E[Y|A=0,X]``. Never clipped here.
    estimand : {"ate", "att", "atc"}
    cluster : array of int codes 0..G-1, optional
        Rows grouped in clusters: the bounds' standard errors are then cluster-robust (CR1).

    Notes
    -----
    With ``w = 1``, ``w_bar = 1`` (ATE), ``w = a/p``, ``w_bar = e/p``, ``p = mean(a)`` (ATT),
    or ``w = (1 - a)/q``, ``w_bar = (1 - e)/q``, ``q = mean(1 - a)`` (ATC, the effect on the
    untreated):

    * ``theta = mean(w (m1 - m0) + w_bar (a (y - m1)/e - (1 - a)(y - m0)/(1 - e)))``;
    * ``sigma^2 = mean((y - a m1 - (1 - a) m0)^2)``;
    * Riesz representer ``alpha = w_bar (a/e - (1 - a)/(1 - e))`` and
      ``nu^2 = mean(2 w w_bar (1/e + 1/(1 - e)) - alpha^2)``, the debiased estimate of
      ``E[alpha^2]`` (the paper's ``2 m(W, alpha) - alpha^2``).

    For the ATC, with ``m(W, g) = (1 - a)(g(1, X) - g(0, X))/q``, the Riesz representer is
    ``(a (1 - e)/e - (1 - a))/q`` and ``m(W, alpha) = (1 - a)(1 - e)(1/e + 1/(1 - e))/q^2``:
    exactly the ``w``, ``w_bar`` forms above, so the ATC's elements are the ATT's with the
    treatment coded the other way round (``a -> 1 - a``, ``e -> 1 - e``, ``m1 <-> m0``) and the
    sign of ``theta`` flipped.

    Influence values are each summand minus its mean (``phi_theta = psi - w theta``). For the
    ATT (ATC) the share ``p`` (``q``) is treated as known in ``alpha``, as DoubleML's
    ``score="ATTE"`` does.
    """
    check_literal(estimand, "estimand", ("ate", "att", "atc"))
    y, a, e, m1, m0 = (np.asarray(v, dtype=float) for v in (y, a, e, m1, m0))
    n = y.shape[0]
    if not all(v.shape == (n,) for v in (a, e, m1, m0)):
        raise ParameterError("`y`, `a`, `e`, `m1` and `m0` must be 1-d arrays of one length; "
                             f"got shapes {[v.shape for v in (y, a, e, m1, m0)]}.")
    for name, values, what in (("y", y, "outcome"), ("e", e, "propensity score"),
                               ("m1", m1, "outcome model's prediction under treatment"),
                               ("m0", m0, "outcome model's prediction under control")):
        bad = int((~np.isfinite(values)).sum())
        if bad:
            raise DataError(f"{bad:,} of {n:,} values of `{name}` (the {what}) are not finite "
                            "numbers (a cross-fitted model that could not be fitted in a "
                            "fold, e.g. separation or a category missing from its training "
                            "folds), so the bounds cannot be computed.")
    if not np.all((a == 0) | (a == 1)):
        raise DataError("`a` (treatment) must be 0/1; got values other than 0 and 1.")
    if not np.all((e > 0) & (e < 1)):
        raise DataError("`e` (propensity scores) must lie strictly between 0 and 1; got "
                        f"values in [{e.min():.3g}, {e.max():.3g}].")
    if estimand == "ate":
        w = np.ones(n)
        w_bar = w
    elif estimand == "att":
        p = a.mean()
        w, w_bar = a / p, e / p
    else:
        q = 1 - a.mean()
        w, w_bar = (1 - a) / q, (1 - e) / q
    psi = w * (m1 - m0) + w_bar * (a * (y - m1) / e - (1 - a) * (y - m0) / (1 - e))
    theta = float(psi.mean() / w.mean())
    sigma2_i = (y - a * m1 - (1 - a) * m0) ** 2
    riesz = w_bar * (a / e - (1 - a) / (1 - e))
    nu2_i = 2 * w * w_bar * (1 / e + 1 / (1 - e)) - riesz**2
    sigma2, nu2 = float(sigma2_i.mean()), float(nu2_i.mean())
    if sigma2 <= 0 or nu2 <= 0:
        raise DataError(f"the estimated variances must be positive for the bounds; got "
                        f"sigma^2 = {sigma2:.3g}, nu^2 = {nu2:.3g} (nu^2 < 0 means the "
                        f"propensity model fits in-sample far better than out of fold).")
    return RieszElements(estimand, theta, sigma2, nu2, n, psi - w * theta,
                         sigma2_i - sigma2, nu2_i - nu2,
                         cluster=None if cluster is None else np.asarray(cluster))


def _check_grid(value: Any, name: str, *, upper_open: bool = True, symmetric: bool = False
                ) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    low = -1.0 if symmetric else 0.0
    ok = np.isfinite(arr) & (arr >= low) & ((arr < 1) if upper_open else (arr <= 1))
    if not np.all(ok):
        bad = arr[~ok].flat[0] if arr.ndim else float(arr)
        limits = "[-1, 1]" if symmetric else ("[0, 1)" if upper_open else "[0, 1]")
        raise ParameterError(f"`{name}` must be in {limits}; got {bad!r}.")
    return arr


def confounding_strength(cf_y: Any, cf_d: Any, rho: Any) -> np.ndarray:
    """``|rho| sqrt(cf_y cf_d / (1 - cf_d))`` (the paper's ``|rho| C_Y C_D``), broadcast."""
    cf_y = _check_grid(cf_y, "cf_y")
    cf_d = _check_grid(cf_d, "cf_d")
    rho = _check_grid(rho, "rho", upper_open=False, symmetric=True)
    return np.abs(rho) * np.sqrt(cf_y * cf_d / (1 - cf_d))


def bias_bounds(elements: RieszElements, cf_y: Any, cf_d: Any, rho: Any = 1.0, *,
                alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Bounds on the effect for given parameters (arrays broadcast), with confidence limits.

    Returns a dict of arrays: ``bias``, ``lower``, ``upper``, ``se_lower``, ``se_upper``,
    ``ci_lower``, ``ci_upper``.

    Notes
    -----
    ``bias = |rho| sqrt(cf_y cf_d / (1 - cf_d)) S``, ``lower/upper = theta -/+ bias``. Each
    bound's influence values are ``phi_theta -/+ k phi_S`` (``k`` the confounding strength), so
    ``se_lower^2 = (A - 2kB + k^2 C)/n`` and ``se_upper^2 = (A + 2kB + k^2 C)/n`` with
    ``(A, B, C)`` from :attr:`RieszElements.moments`. ``ci_lower = lower - z se_lower`` and
    ``ci_upper = upper + z se_upper`` with ``z = Phi^{-1}(1 - alpha)``: each limit is a
    ONE-SIDED level ``1 - alpha`` bound for its bound, as in the paper and DoubleML (1.645 at
    ``alpha = 0.05``), so ``[ci_lower, ci_upper]`` covers the identified set with probability
    at least ``1 - 2 alpha``.

    DoubleML 0.11.4 differs in one respect, and we do not follow it: its bound influence values
    are built from the negative of theta's (``scaled_psi``), so its ``ci["lower"]`` uses our
    ``se_upper`` and its ``ci["upper"]`` our ``se_lower``. Ours is the delta method applied to
    each bound itself. The two agree at ``cf_y = 0`` or ``cf_d = 0`` and when ``B = 0``.
    """
    alpha = check_alpha(alpha)
    k = confounding_strength(cf_y, cf_d, rho)
    big_a, big_b, big_c = elements.moments
    n = elements.n
    bias = k * elements.scale
    se_lower = np.sqrt(np.maximum(big_a - 2 * k * big_b + k**2 * big_c, 0) / n)
    se_upper = np.sqrt(np.maximum(big_a + 2 * k * big_b + k**2 * big_c, 0) / n)
    z = NormalDist().inv_cdf(1 - alpha)
    lower, upper = elements.theta - bias, elements.theta + bias
    return {"bias": bias, "lower": lower, "upper": upper, "se_lower": se_lower,
            "se_upper": se_upper, "ci_lower": lower - z * se_lower,
            "ci_upper": upper + z * se_upper}


def _cf_from_strength(strength: float, rho: float) -> float:
    """The ``cf`` with ``|rho| sqrt(cf^2 / (1 - cf)) = strength`` (``cf_y = cf_d = cf``)."""
    if strength <= 0:
        return 0.0
    if rho == 0 or not math.isfinite(strength):
        return math.nan
    q2 = (strength / abs(rho)) ** 2
    # cf^2 + q2 cf - q2 = 0, the root in [0, 1); written to avoid cancellation for small q2
    return 2 * q2 / (q2 + math.sqrt(q2 * q2 + 4 * q2))


def _strength_to_limit(gap: float, scale: float, moments: tuple[float, float, float], n: int,
                       z: float, sign: float = -1.0) -> float:
    """Smallest ``k >= 0`` with ``gap - k S - z sqrt((A + 2 sign k B + k^2 C)/n) = 0``.

    ``gap = |theta - null|``; ``sign = -1`` for the bound moving towards the null with its own
    influence values (the bound nearest the null is ``theta - k S`` after reflecting so that
    ``theta > null``). The left side is concave in ``k`` (minus a norm of an affine map), is
    ``>= 0`` at 0 unless the estimate's own one-sided limit already reaches the null (then 0) and
    ``<= 0`` at ``gap / S``, so the root is unique; squaring gives a quadratic.
    """
    big_a, big_b, big_c = moments
    if gap - z * math.sqrt(big_a / n) <= 0:
        return 0.0
    qa = scale**2 - z**2 * big_c / n
    qb = -2 * gap * scale - 2 * sign * z**2 * big_b / n
    qc = gap**2 - z**2 * big_a / n
    if abs(qa) < 1e-300:
        roots = [-qc / qb]
    else:
        disc = math.sqrt(max(qb * qb - 4 * qa * qc, 0.0))
        roots = [(-qb - disc) / (2 * qa), (-qb + disc) / (2 * qa)]
    inside = [r for r in roots if -1e-12 <= r <= gap / scale * (1 + 1e-12)]
    return max(min(inside), 0.0) if inside else gap / scale


def robustness_values(elements: RieszElements, *, null: float = 0.0, rho: float = 1.0,
                      alpha: float = 0.05, doubleml_ci: bool = False) -> tuple[float, float]:
    """``(RV, RVa)``: the ``cf_y = cf_d`` that moves the bound (RV) or its one-sided
    confidence limit (RVa) to ``null``.

    Parameters
    ----------
    elements : RieszElements
    null : float
        The effect to be excluded (0: "explain away").
    rho : float
        Adversity assumed, ``0 < |rho| <= 1`` (1: worst case; DoubleML's default).
    alpha : float
        One-sided level of the confidence limit, as in :func:`bias_bounds`.
    doubleml_ci : bool
        Compute RVa with DoubleML 0.11.4's confidence limits (each bound with the other
        bound's standard error, see :func:`bias_bounds`); for comparison only.

    Notes
    -----
    The bound nearest ``null`` (the lower one when ``theta > null``) reaches it when
    ``|rho| sqrt(cf^2/(1 - cf)) S = |theta - null|``: with ``q = |theta - null| / (|rho| S)``,
    ``RV = (-q^2 + sqrt(q^4 + 4 q^2)) / 2``, in closed form (DoubleML searches with
    ``minimize_scalar``, to about 1e-6). RVa solves the same with the limit
    ``theta -/+ k S -/+ z se(k)``; see :func:`_strength_to_limit`. RVa is 0 when the estimate's
    own one-sided limit already reaches ``null``. With ``rho = 0`` no confounding moves the
    bounds and both are NaN.
    """
    alpha = check_alpha(alpha)
    _check_grid(rho, "rho", upper_open=False, symmetric=True)
    if not math.isfinite(null):
        raise ParameterError(f"`null` must be a finite number; got {null!r}.")
    gap = elements.theta - null
    big_a, big_b, big_c = elements.moments
    # reflect so that the estimate lies above the null: the lower bound is the one that moves
    direction = 1.0 if gap >= 0 else -1.0
    moments = (big_a, direction * big_b, big_c)
    z = NormalDist().inv_cdf(1 - alpha)
    k_rv = abs(gap) / elements.scale
    k_rva = _strength_to_limit(abs(gap), elements.scale, moments, elements.n, z,
                               sign=1.0 if doubleml_ci else -1.0)
    return _cf_from_strength(k_rv, rho), _cf_from_strength(k_rva, rho)


def gain_statistics(long: RieszElements, short: RieszElements) -> dict[str, float]:
    """Benchmark parameters from a long fit and a short fit omitting observed covariates.

    Returns ``cf_y``, ``cf_d``, ``rho`` and ``delta_theta = theta_short - theta_long``.

    Notes
    -----
    As DoubleML's ``gain_statistics`` (0.11.4), treating the omitted group as if it were the
    latent confounder (a confounder "as strong as" the group):
    ``cf_y = (sigma_s^2 - sigma^2) / sigma^2`` (the gain in explained variance relative to what
    is left unexplained, the sensemakr-style ``R^2 / (1 - R^2)``), clipped to [0, 1];
    ``cf_d = (nu^2 - nu_s^2) / nu_s^2`` (the gain ``C_D^2`` itself, used as ``cf_d`` as
    DoubleML does, which makes the benchmark conservative: ``cf_d/(1 - cf_d) >= C_D^2``),
    clipped to [0, 1];
    ``rho = sign(delta_theta) min(1, |delta_theta| / sqrt((sigma_s^2 - sigma^2)(nu^2 -
    nu_s^2)))``, and ``sign(delta_theta)`` (``|rho| = 1``) when either difference is ``<= 0``.
    A ``cf_d`` of 1 makes the bounds infinite.
    """
    d_sigma = short.sigma2 - long.sigma2
    d_nu = long.nu2 - short.nu2
    cf_y = min(max(d_sigma / long.sigma2, 0.0), 1.0)
    cf_d = min(max(d_nu / short.nu2, 0.0), 1.0)
    delta = short.theta - long.theta
    denom = math.sqrt(d_sigma * d_nu) if d_sigma > 0 and d_nu > 0 else 0.0
    size = min(abs(delta) / denom, 1.0) if denom != 0 else 1.0
    return {"cf_y": cf_y, "cf_d": cf_d, "rho": float(np.sign(delta)) * size,
            "delta_theta": delta}
