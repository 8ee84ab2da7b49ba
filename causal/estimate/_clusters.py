"""Cluster-robust inference from influence values: clients within therapists, pupils within
schools, households within villages.

Every estimator here is asymptotically linear, ``theta_hat - theta ~ (1/n) sum_i phi_i``. When
rows fall into clusters ``g = 1..G`` that are independent of each other but not inside, the
variance of that sum is estimated from the **cluster totals** ``Phi_g = sum_{i in g} phi_i``
(Liang & Zeger 1986; the "CR" sandwich of Cameron & Miller 2015):

    V_CR0 = (1/n^2) sum_g Phi_g Phi_g'

with the small-sample correction **CR1**:

* estimators of potential-outcome means (crude, g-computation, IPW, AIPW, matching):
  ``V_CR1 = G/(G-1) V_CR0`` (clubSandwich's ``CR1``; R sandwich's ``vcovCL(type = "HC0",
  cadjust = TRUE)``);
* a regression coefficient with ``p`` parameters (outcome regression):
  ``V_CR1 = G/(G-1) (n-1)/(n-p) V_CR0`` (Stata's and statsmodels' ``cov_type="cluster"``
  convention; R sandwich's ``vcovCL(type = "HC1")``; clubSandwich's ``CR1S``).

CR2 (Bell & McCaffrey 2002) is not used: its bias-reduced leverage adjustment is defined for
linear models, not for the propensity-weighted estimators. With few clusters (fewer than about
30) CR1 intervals are too narrow, which the result's note says.

The design effect shown is the **measured** one: the ratio of the cluster-robust to the naive
(independent-rows) variance of the same estimate. The intraclass correlations of the outcome
and of the treatment are the one-way ANOVA estimators (Donner 1986), which can be negative.

References
----------
Liang, K.-Y. & Zeger, S. L. (1986). Biometrika 73(1), 13-22. Cameron, A. C. & Miller, D. L.
(2015). A practitioner's guide to cluster-robust inference. J. Human Resources 50(2),
317-372. Bell, R. M. & McCaffrey, D. F. (2002). Survey Methodology 28(2), 169-181. Donner, A.
(1986). A review of inference procedures for the intraclass correlation coefficient in the
one-way random effects model. Int. Stat. Review 54(1), 67-82.
"""

from __future__ import annotations

import numpy as np

#: fewer clusters than this: the CR1 interval is flagged as probably too narrow (Cameron &
#: Miller 2015, section VI: "few clusters" begins somewhere below 20-50)
FEW_CLUSTERS = 30


def cluster_totals(phi: np.ndarray, codes: np.ndarray, n_clusters: int) -> np.ndarray:
    """``Phi_g = sum_{i in g} phi_i``, shape ``(G, k)``, one ``bincount`` per column."""
    phi = np.asarray(phi, dtype=float)
    if phi.ndim == 1:
        phi = phi[:, None]
    return np.column_stack([np.bincount(codes, weights=phi[:, j], minlength=n_clusters)
                            for j in range(phi.shape[1])])


def correction(n_clusters: int, n: int, n_params: int = 0) -> float:
    """CR1's factor: ``G/(G-1)``, times ``(n-1)/(n-p)`` for a regression with ``p`` params."""
    factor = n_clusters / (n_clusters - 1)
    if n_params:
        factor *= (n - 1) / (n - n_params)
    return factor


def cluster_covariance(phi: np.ndarray, codes: np.ndarray, n_params: int = 0) -> np.ndarray:
    """The CR1 covariance ``(k, k)`` of ``mean(phi)``-linearised estimates."""
    g = int(codes.max()) + 1
    n = phi.shape[0]
    totals = cluster_totals(phi, codes, g)
    return correction(g, n, n_params) * (totals.T @ totals) / n**2


def icc(values: np.ndarray, codes: np.ndarray) -> float:
    """One-way ANOVA intraclass correlation of ``values`` over clusters ``codes``.

    ``(MSB - MSW) / (MSB + (n0 - 1) MSW)`` with ``n0 = (N - sum n_g^2 / N) / (G - 1)``
    (Donner 1986, unbalanced clusters); NaN when the values do not vary within or between
    clusters.
    """
    values = np.asarray(values, dtype=float)
    g = int(codes.max()) + 1
    big_n = len(values)
    sizes = np.bincount(codes, minlength=g).astype(float)
    means = np.bincount(codes, weights=values, minlength=g) / sizes
    grand = values.mean()
    msb = np.sum(sizes * (means - grand) ** 2) / (g - 1)
    msw = np.sum((values - means[codes]) ** 2) / (big_n - g)
    n0 = (big_n - np.sum(sizes**2) / big_n) / (g - 1)
    denominator = msb + (n0 - 1) * msw
    return float((msb - msw) / denominator) if denominator > 0 else float("nan")
