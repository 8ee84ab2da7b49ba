"""Hodges-Lehmann point-estimate bounds and sensitivity intervals for matched pairs under Γ.

References
----------
Rosenbaum, P. R. (1993). Hodges-Lehmann point estimates of treatment effect in observational
studies. JASA 88(424), 1250-1253.
Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., §4.3.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha
from causal.errors import ParameterError
from causal.sensitivity.rosenbaum_bounds._pairs import check_gammas, matched_differences

#: largest number of Walsh averages held in memory (8 bytes each: 400 MB)
WALSH_LIMIT = 50_000_000


@dataclass(frozen=True, eq=False)
class HodgesLehmannBounds(SummaryMixin):
    """Hodges-Lehmann estimates and confidence limits of an additive effect under bias ≤ Γ.

    Attributes
    ----------
    gamma, estimate_lower, estimate_upper : numpy.ndarray
        Γ and the smallest and largest Hodges-Lehmann estimate at each Γ (read-only). At
        Γ = 1 both equal the ordinary estimate (median of the Walsh averages).
    ci_lower, ci_upper : numpy.ndarray
        The sensitivity interval: the union over all biases ≤ Γ of the two-sided ``1 -
        alpha`` confidence intervals (normal approximation); ±inf when unbounded.
    alpha : float
    n_pairs : int
    """

    gamma: np.ndarray
    estimate_lower: np.ndarray
    estimate_upper: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    alpha: float
    n_pairs: int

    def summary(self) -> pd.DataFrame:
        rows = []
        for g, low, high, ci_low, ci_high in zip(self.gamma, self.estimate_lower,
                                                 self.estimate_upper, self.ci_lower,
                                                 self.ci_upper, strict=True):
            for side, value in (("smallest", low), ("largest", high)):
                rows.append({"quantity": f"Hodges-Lehmann estimate ({side}), Gamma = {g:g}",
                             "estimate": value, "method": "Rosenbaum 1993 sensitivity bounds",
                             "note": f"{self.n_pairs} pairs; range of point estimates"})
            rows.append({"quantity": f"sensitivity interval, Gamma = {g:g}",
                         "ci_lower": ci_low, "ci_upper": ci_high,
                         "method": "Rosenbaum 2002 sec. 4.3.5 (normal approximation)",
                         "note": f"union of {1 - self.alpha:.0%} CIs over biases <= Gamma"})
        return summary_frame(rows)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"gamma": self.gamma, "estimate_lower": self.estimate_lower,
                             "estimate_upper": self.estimate_upper, "ci_lower": self.ci_lower,
                             "ci_upper": self.ci_upper})


def _walsh_quantile(walsh_sorted: np.ndarray, c: np.ndarray) -> np.ndarray:
    """HL solution of T(τ) = c with T(τ) = #{Walsh averages > τ} (a decreasing step function).

    ``(sup{τ: T(τ) > c} + inf{τ: T(τ) < c}) / 2 = (w_(ceil(M-c)) + w_(floor(M-c)+1)) / 2``
    with 1-based order statistics ``w_(k)`` of the ``M`` Walsh averages. Vectorised over c.
    """
    m = walsh_sorted.size
    k = _snap(m - np.asarray(c, dtype=float), m)
    low_index = np.clip(np.ceil(k), 1, m).astype(np.int64)
    high_index = np.clip(np.floor(k) + 1, 1, m).astype(np.int64)
    return 0.5 * (walsh_sorted[low_index - 1] + walsh_sorted[high_index - 1])


def _snap(k: np.ndarray, m: int) -> np.ndarray:
    """Round values that are integers up to floating-point error."""
    nearest = np.rint(k)
    return np.where(np.abs(k - nearest) < 1e-9 * max(1.0, m), nearest, k)


def _sensitivity_interval(d: np.ndarray, walsh_sorted: np.ndarray, p_plus: np.ndarray,
                          alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Union over biases <= Γ of two-sided normal-approximation CIs (see hodges_lehmann_bounds)."""
    from causal.measures import z_critical

    n, m = d.size, walsh_sorted.size
    # Sum of squared mid-ranks of |d - τ| at every τ that is not a Walsh average: only the
    # ties among the d values themselves persist.
    _, tie_sizes = np.unique(d, return_counts=True)
    sum_sq = n * (n + 1) * (2 * n + 1) / 6 - np.sum(tie_sizes**3 - tie_sizes) / 12
    z = z_critical(alpha)
    spread = z * np.sqrt(p_plus * (1 - p_plus) * sum_sq)
    # Lower limit: not rejected by the upper-bound test of "effect > τ" at alpha/2 while
    # T(τ) <= p+ M + z sd, i.e. on the interval after the K-th Walsh average, K = ceil(M - c).
    k_low = np.ceil(_snap(m - (p_plus * m + spread), m)).astype(np.int64)
    lower = np.where(k_low >= 1, walsh_sorted[np.clip(k_low, 1, m) - 1], -np.inf)
    # Upper limit: not rejected by the bound of "effect < τ" while T(τ) >= p- M - z sd.
    k_high = np.floor(_snap(m - ((1 - p_plus) * m - spread), m)).astype(np.int64)
    upper = np.where(k_high < m, walsh_sorted[np.clip(k_high, 0, m - 1)], np.inf)
    return lower, upper


def hodges_lehmann_bounds(differences: Any, gamma: Any = 1.0, *, alpha: float = 0.05
                          ) -> HodgesLehmannBounds:
    """Hodges-Lehmann estimates and sensitivity intervals of an additive effect under bias ≤ Γ.

    Parameters
    ----------
    differences : array-like or pair of array-likes
        Treated-minus-control differences, or ``(treated, control)`` of equal length.
    gamma : float or array-like
        One or more Γ >= 1.
    alpha : float
        The sensitivity interval has two-sided level ``1 - alpha`` (``alpha/2`` per side).

    Returns
    -------
    HodgesLehmannBounds

    Notes
    -----
    Point estimates (Rosenbaum 1993; 2002 §4.3.4). For a hypothesised additive effect τ let
    ``T(τ)`` be the signed-rank statistic of ``d_i - τ``. Except at finitely many τ it equals
    the number of Walsh averages ``(d_i + d_j)/2, i <= j``, above τ (mid-ranks for tied
    ``|d_i - τ|`` keep this true), so it steps down by one at each of the ``M = n(n+1)/2``
    Walsh averages. The ordinary HL estimate solves ``T(τ) = M/2``, the null expectation at
    Γ = 1; Rosenbaum's estimate under bias Γ solves ``T(τ) = E(T_bound)``, and the
    expectation of the bounding statistic ranges over ``[p- M, p+ M]`` with ``p+ = Γ/(1+Γ)``,
    ``p- = 1/(1+Γ)``. Solving ``T(τ) = c`` as ``(sup{τ: T > c} + inf{τ: T < c})/2`` gives
    the Walsh-average order statistics ``(w_(ceil(M-c)) + w_(floor(M-c)+1))/2``. So the
    smallest estimate is at ``c = p+ M`` (about the ``p-`` quantile of the Walsh averages)
    and the largest at ``c = p- M`` (about their ``p+`` quantile). Zero differences need no
    special rule: at almost every τ none of ``d_i - τ`` is zero.

    Sensitivity interval (Rosenbaum 2002 §4.3.5): τ is in it unless every bias ≤ Γ rejects
    it, i.e. the lower limit is the smallest τ whose upper-bound p-value for "effect > τ" is
    at least ``alpha/2`` and the upper limit the largest τ whose bound for "effect < τ" is.
    With the normal approximation without continuity correction (as in
    :func:`~causal.sensitivity.rosenbaum_bounds.wilcoxon.rosenbaum_wilcoxon`), ``Var = p(1-p) S`` where ``S``
    is the sum of squared mid-ranks at a τ that is not a Walsh average, so the limits are the
    order statistics ``w_(K)``, ``K = ceil(M - p+ M - z sd+)``, and ``w_(K'+1)``, ``K' =
    floor(M - p- M + z sd-)``, ``z = Φ⁻¹(1 - alpha/2)``; a limit beyond the Walsh averages is
    infinite. This is the two-sided convention of DOS2's ``senWilcox(alternative =
    "twosided")`` (two one-sided ``1 - alpha/2`` intervals), not its one-sided default.

    References
    ----------
    Rosenbaum, P. R. (1993). Hodges-Lehmann point estimates of treatment effect in
    observational studies. JASA 88(424), 1250-1253.
    Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., §4.3.4-4.3.5.
    Hodges, J. L. & Lehmann, E. L. (1963). Estimates of location based on rank tests.
    Annals of Mathematical Statistics 34, 598-611.
    """
    d = matched_differences(differences)
    gammas = check_gammas(gamma)
    alpha = check_alpha(alpha)
    n = d.size
    m = n * (n + 1) // 2
    if m > WALSH_LIMIT:
        raise ParameterError(
            f"`differences` has {n} pairs, which gives {m:,} Walsh averages ({m * 8 / 1e9:.1f} "
            f"GB); at most {WALSH_LIMIT:,} are supported."
        )
    rows, cols = np.triu_indices(n)
    walsh = np.sort(0.5 * (d[rows] + d[cols]))
    p_plus = gammas / (1 + gammas)
    lower = _walsh_quantile(walsh, p_plus * m)
    upper = _walsh_quantile(walsh, (1 - p_plus) * m)
    ci_lower, ci_upper = _sensitivity_interval(d, walsh, p_plus, alpha)
    for values in (gammas, lower, upper, ci_lower, ci_upper):
        values.flags.writeable = False
    return HodgesLehmannBounds(gamma=gammas, estimate_lower=lower, estimate_upper=upper,
                               ci_lower=ci_lower, ci_upper=ci_upper, alpha=alpha, n_pairs=n)
