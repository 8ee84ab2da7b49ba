"""Hodges-Lehmann point-estimate bounds for matched pairs under hidden bias Γ.

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
from causal.errors import ParameterError
from causal.sensitivity._pairs import check_gammas, matched_differences

#: largest number of Walsh averages held in memory (8 bytes each: 400 MB)
WALSH_LIMIT = 50_000_000


@dataclass(frozen=True, eq=False)
class HodgesLehmannBounds(SummaryMixin):
    """The range of Hodges-Lehmann estimates of an additive effect under hidden bias ≤ Γ.

    Attributes
    ----------
    gamma, estimate_lower, estimate_upper : numpy.ndarray
        Γ and the smallest and largest Hodges-Lehmann estimate at each Γ (read-only). At
        Γ = 1 both equal the ordinary estimate (median of the Walsh averages).
    n_pairs : int
    """

    gamma: np.ndarray
    estimate_lower: np.ndarray
    estimate_upper: np.ndarray
    n_pairs: int

    def summary(self) -> pd.DataFrame:
        rows = []
        for g, low, high in zip(self.gamma, self.estimate_lower, self.estimate_upper,
                                strict=True):
            for side, value in (("smallest", low), ("largest", high)):
                rows.append({"quantity": f"Hodges-Lehmann estimate ({side}), Gamma = {g:g}",
                             "estimate": value, "method": "Rosenbaum 1993 sensitivity bounds",
                             "note": f"{self.n_pairs} pairs; range of point estimates, not a CI"})
        return summary_frame(rows)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"gamma": self.gamma, "estimate_lower": self.estimate_lower,
                             "estimate_upper": self.estimate_upper})


def _walsh_quantile(walsh_sorted: np.ndarray, c: np.ndarray) -> np.ndarray:
    """HL solution of T(τ) = c with T(τ) = #{Walsh averages > τ} (a decreasing step function).

    ``(sup{τ: T(τ) > c} + inf{τ: T(τ) < c}) / 2 = (w_(ceil(M-c)) + w_(floor(M-c)+1)) / 2``
    with 1-based order statistics ``w_(k)`` of the ``M`` Walsh averages. Vectorised over c.
    """
    m = walsh_sorted.size
    k = m - np.asarray(c, dtype=float)
    # Snap M - c to an integer when it is one up to rounding error.
    nearest = np.rint(k)
    k = np.where(np.abs(k - nearest) < 1e-9 * max(1.0, m), nearest, k)
    low_index = np.clip(np.ceil(k), 1, m).astype(np.int64)
    high_index = np.clip(np.floor(k) + 1, 1, m).astype(np.int64)
    return 0.5 * (walsh_sorted[low_index - 1] + walsh_sorted[high_index - 1])


def hodges_lehmann_bounds(differences: Any, gamma: Any = 1.0) -> HodgesLehmannBounds:
    """Smallest and largest Hodges-Lehmann estimate of an additive effect under bias ≤ Γ.

    Parameters
    ----------
    differences : array-like or pair of array-likes
        Treated-minus-control differences, or ``(treated, control)`` of equal length.
    gamma : float or array-like
        One or more Γ >= 1.

    Returns
    -------
    HodgesLehmannBounds

    Notes
    -----
    Construction (Rosenbaum 1993; 2002 §4.3.4). For a hypothesised additive effect τ let
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

    References
    ----------
    Rosenbaum, P. R. (1993). Hodges-Lehmann point estimates of treatment effect in
    observational studies. JASA 88(424), 1250-1253.
    Hodges, J. L. & Lehmann, E. L. (1963). Estimates of location based on rank tests.
    Annals of Mathematical Statistics 34, 598-611.
    """
    d = matched_differences(differences)
    gammas = check_gammas(gamma)
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
    for values in (gammas, lower, upper):
        values.flags.writeable = False
    return HodgesLehmannBounds(gamma=gammas, estimate_lower=lower, estimate_upper=upper,
                               n_pairs=n)
