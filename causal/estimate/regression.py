"""Outcome regression: the treatment coefficient of a logistic or linear model."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._validation import check_literal
from causal.errors import SeparationWarning
from causal.estimate._base import BaseEstimator, CoefficientFit, Recorder
from causal.estimate._batched_refits import regression_refit
from causal.estimate._design import Prepared
from causal.estimate._reasons import not_estimable, separation_sentence
from causal.estimate._refit import Replicates
from causal.estimate._shared import outcome_fit

SE_KINDS = ("classical", "hc0", "hc1")


class OutcomeRegression(BaseEstimator):
    """The treatment coefficient of ``outcome ~ treatment + covariates``.

    A 0/1 outcome gets a logistic model and the result is a **conditional** odds ratio
    (``exp`` of the coefficient; it is not the marginal OR and not a risk ratio). A continuous
    outcome gets least squares and the result is a mean difference (``measure="md"``).

    Parameters
    ----------
    se : {"classical", "hc0", "hc1"}
        Classical SEs (inverse information; ``sigma^2 (Z'Z)^{-1}`` with ``sigma^2 = RSS/(n-p)``
        for least squares), or heteroskedasticity-robust sandwich SEs: HC0 (White 1980) and
        HC1 = HC0 x n/(n-p) (MacKinnon & White 1985; statsmodels applies this factor for OLS
        but not for GLM/Logit, whose "HC1" equals HC0).
    measure : {"auto", "or", "md"}
        ``"auto"``: ``"or"`` for a binary outcome, ``"md"`` otherwise.
    alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.Crude`. The bootstrap uses the coefficient's
        influence values ``[(Z'VZ/n)^{-1} z_i (y_i - mu_i)]_treatment`` (a sandwich-type
        spread whatever ``se`` is).

    Notes
    -----
    Logistic regression is fitted by Newton-Raphson; non-convergence or fitted probabilities
    within 1e-8 of 0 or 1 raise a :class:`~causal.errors.SeparationWarning` (the MLE does not
    exist; Albert & Anderson 1984).

    References
    ----------
    White, H. (1980). Econometrica 48(4), 817-838. MacKinnon & White (1985). J. Econometrics
    29, 305-325.
    """

    _params = ("se", "measure", "alpha", "n_bootstrap", "random_state")
    _method = "outcome regression"
    estimand = "conditional"
    _measures_binary = ("or",)

    def __init__(self, *, se: str = "classical", measure: str = "auto", alpha: float = 0.05,
                 n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.se = se
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.se, "se", SE_KINDS)

    def _default_measure(self, binary: bool) -> str:
        return "or" if binary else "md"

    def _refit_batch(self, prep: Prepared, measure: str, reps: Replicates,
                     rng_state: Any, cache: dict) -> np.ndarray:
        """Batched refits of the treatment coefficient
        (:func:`causal.estimate._batched_refits.regression_refit`)."""
        return regression_refit(prep, reps, cache)

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> CoefficientFit:
        z, fit = outcome_fit(prep, lambda: np.column_stack([np.ones(prep.n), prep.a, prep.x]),
                             ("(intercept)", prep.treatment, *prep.x_names))
        n, p = z.shape
        if prep.binary and fit.separated[0]:
            raise not_estimable("outcome regression", separation_sentence(
                "outcome model", np.column_stack([prep.a, prep.x]),
                (prep.treatment, *prep.x_names), fit.fitted[0]))
        if prep.binary and not fit.converged[0]:
            rec.warn(SeparationWarning, "outcome regression: the logistic outcome model did "
                                        "not converge; the conditional odds ratio is "
                                        "unreliable.")
        phi = fit.scores(z, prep.y)[:, 1]
        if self.se == "classical":
            if fit.family == "gaussian":
                sigma2 = np.sum((prep.y - fit.fitted[0]) ** 2) / (n - p)
                var = sigma2 * fit.cov[0][1, 1]
            else:
                var = fit.cov[0][1, 1]
        else:
            var = np.sum(phi**2) / n**2 * (n / (n - p) if self.se == "hc1" else 1.0)
        names = ("(intercept)", prep.treatment, *prep.x_names)
        diagnostics = {"coefficients": dict(zip(names, fit.coef[0].tolist(), strict=True)),
                       "converged": bool(fit.converged[0])}
        kind = "logistic" if fit.family == "binomial" else "linear"
        # with clusters the base class replaces the SE by the cluster-robust one
        notes = [f"{kind} model" if prep.cluster is not None else f"{kind} model, {self.se} SE"]
        return CoefficientFit(float(fit.coef[0][1]), float(np.sqrt(var)), phi, diagnostics, notes,
                              n_params=p)
