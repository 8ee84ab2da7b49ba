"""A generalized estimating equations (GEE) fit as a comparison estimator for clustered data."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._validation import check_literal
from causal.errors import ParameterError
from causal.estimate._base import BaseEstimator, CoefficientFit, Recorder
from causal.estimate._design import Prepared

CORRELATIONS = ("exchangeable", "independence")


class GEE(BaseEstimator):
    """The treatment coefficient of a GEE fit of ``outcome ~ treatment + covariates`` with
    rows grouped by ``cluster`` (Liang & Zeger 1986), through statsmodels' ``GEE``.

    A 0/1 outcome gets a logistic link and the result is a **population-averaged conditional**
    odds ratio: conditional on the covariates, averaged over clusters (not the cluster-specific
    OR of a random-intercept model, which is larger in magnitude; Zeger, Liang & Albert 1988).
    A continuous outcome gets an identity link and a mean difference.

    Parameters
    ----------
    correlation : {"exchangeable", "independence"}
        The working correlation within a cluster; ``"independence"`` gives the ordinary
        regression coefficient with a cluster-robust SE.
    measure : {"auto", "or", "md"}
    alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.OutcomeRegression`; the bootstrap is the wild cluster
        bootstrap of the base class.

    Notes
    -----
    ``estimate`` needs ``cluster=``. The naive interval beside it is the model-based one
    (the working correlation taken as true). The SE is the robust (sandwich) one with the CR1
    factor
    ``G/(G-1) (n-1)/(n-p)`` (statsmodels' ``GEE`` "robust" covariance has no correction; the
    ratio is checked in the tests). The per-row influence values come from the closed-form
    inverse of the exchangeable working correlation: with Pearson residuals ``s``, cluster
    sizes ``m_g`` and ``c_g = rho / (1 - rho + m_g rho)``, ``(R_g^{-1} s)_i = (s_i - c_g
    sum_{j in g} s_j) / (1 - rho)``; row ``i`` contributes
    ``B^{-1} sqrt(v_i) x_i (R_g^{-1} s)_i`` (canonical links), whose cluster sums are the
    cluster scores.

    References
    ----------
    Liang, K.-Y. & Zeger, S. L. (1986). Biometrika 73(1), 13-22. Zeger, S. L., Liang, K.-Y.
    & Albert, P. S. (1988). Biometrics 44(4), 1049-1060.
    """

    _params = ("correlation", "measure", "alpha", "n_bootstrap", "random_state")
    _method = "GEE"
    estimand = "conditional"
    _measures_binary = ("or",)

    def __init__(self, *, correlation: str = "exchangeable", measure: str = "auto",
                 alpha: float = 0.05, n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.correlation = correlation
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.correlation, "correlation", CORRELATIONS)

    def _default_measure(self, binary: bool) -> str:
        return "or" if binary else "md"

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> CoefficientFit:
        import statsmodels.api as sm

        if prep.cluster is None:
            raise ParameterError("GEE needs `cluster`: the column grouping the rows; got "
                                 "None.")
        z = np.column_stack([np.ones(prep.n), prep.a, prep.x])
        n, p = z.shape
        family = sm.families.Binomial() if prep.binary else sm.families.Gaussian()
        structure = (sm.cov_struct.Exchangeable() if self.correlation == "exchangeable"
                     else sm.cov_struct.Independence())
        order = np.argsort(prep.cluster, kind="stable")  # statsmodels wants groups together
        model = sm.GEE(prep.y[order], z[order], groups=prep.cluster[order], family=family,
                       cov_struct=structure)
        fit = model.fit(maxiter=200)
        beta = np.asarray(fit.params, dtype=float)
        rho = float(np.atleast_1d(structure.dep_params)[0]) if self.correlation == \
            "exchangeable" else 0.0
        eta = z @ beta
        mu = 1 / (1 + np.exp(-eta)) if prep.binary else eta
        v = mu * (1 - mu) if prep.binary else np.ones(n)
        sqrt_v = np.sqrt(v)
        s = (prep.y - mu) / sqrt_v
        codes = prep.cluster
        g = int(codes.max()) + 1
        sizes = np.bincount(codes, minlength=g)
        c = rho / (1 - rho + sizes * rho)
        r_inv_s = (s - c[codes] * np.bincount(codes, weights=s, minlength=g)[codes]) / (1 - rho)
        w = z * sqrt_v[:, None]
        w_sums = np.column_stack([np.bincount(codes, weights=w[:, j], minlength=g)
                                  for j in range(p)])
        bread = (w.T @ w - (w_sums * c[:, None]).T @ w_sums) / (1 - rho)
        contrib = w * r_inv_s[:, None]
        phi = n * np.linalg.solve(bread, contrib.T).T[:, 1]
        names = ("(intercept)", prep.treatment, *prep.x_names)
        diagnostics = {"coefficients": dict(zip(names, beta.tolist(), strict=True)),
                       "working_correlation": rho,
                       "statsmodels_robust_se": float(np.sqrt(fit.cov_params()[1, 1])),
                       "converged": bool(getattr(fit, "converged", True)),
                       "naive_kind": f"model-based, {self.correlation} working correlation"}
        kind = "logistic" if prep.binary else "identity"
        notes = [f"GEE, {kind} link, {self.correlation} working correlation "
                 f"(rho {rho:.3g}); population-averaged"]
        # the base class replaces this model-based SE by the cluster-robust CR1 one
        naive = float(np.sqrt(np.asarray(fit.cov_naive)[1, 1]))
        return CoefficientFit(float(beta[1]), naive, phi, diagnostics, notes, n_params=p)
