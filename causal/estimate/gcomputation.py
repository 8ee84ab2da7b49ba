"""G-computation (standardisation) with a parametric outcome model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from causal._glm import expit
from causal._validation import check_literal
from causal.errors import ParameterError, SeparationWarning
from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._design import Prepared
from causal.estimate._reasons import label, not_estimable, separation_sentence
from causal.estimate._shared import outcome_fit


class GComputation(BaseEstimator):
    """Standardisation: average the outcome model's predictions with treatment set to 1 and 0.

    Parameters
    ----------
    estimand : {"ate", "att", "atc"}
        Average over all units, over the treated only, or over the controls only (the ATC,
        also called the ATU: the effect on the untreated).
    saturated : bool
        Replace the outcome model by cell means over the (categorical) covariates: one mean
        per covariate cell and arm (:mod:`causal.estimate._saturated`), which is the
        stratified estimate; no logistic fit, so no separation.
    interactions : list of str
        Covariates (a categorical one stands for all its indicators) or design columns
        (``"age^2"``, ``"education[2]"``) that also enter as a product with the treatment, e.g.
        Hernán & Robins' ``qsmk:smokeintensity``.
    measure : {"auto", "rd", "rr", "or", "md"}
        For a binary outcome the odds ratio is **marginal**
        ``[mu1/(1-mu1)] / [mu0/(1-mu0)]``.
    alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.Crude`.

    Refitting (refutation) runs one fit per replicate: the outcome model with treatment
    interactions is refitted and standardised over the replicate's own rows; no batched form
    of the standardisation step is written yet.

    Notes
    -----
    Model ``E[Y | A, X] = g(Z(A, X) beta)``: logistic for a 0/1 outcome, linear otherwise, with
    ``Z = (1, A, X, A X_I)``. ``mu_a = mean_i g(Z(a, X_i) beta)`` over the estimand population.
    Influence values (M-estimation, Stefanski & Boos 2002):
    ``phi_a,i = w_i (m_a,i - mu_a) / mean(w) + D_a' B z_i (y_i - m_i)``, with ``w = 1`` (ATE)
    or ``A`` (ATT), ``D_a`` the population mean of ``g'(eta_a) Z(a)``, and
    ``B = (Z'VZ/n)^{-1}`` the inverse information.

    References
    ----------
    Robins, J. (1986). Math. Modelling 7, 1393-1512. Hernán & Robins (2020), *Causal Inference:
    What If*, ch. 13 (Program 13.2).
    """

    _params = ("estimand", "interactions", "saturated", "measure", "alpha", "n_bootstrap",
               "random_state")
    _method = "g-computation"
    _measure_free_fit = True

    def __init__(self, *, estimand: str = "ate", interactions: Sequence[str] = (),
                 saturated: bool = False, measure: str = "auto", alpha: float = 0.05, n_bootstrap: int = 0,
                 random_state: Any = None) -> None:
        self.estimand = estimand
        self.interactions = interactions
        self.saturated = saturated
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.estimand, "estimand", ("ate", "att", "atc"))
        if not isinstance(self.saturated, bool):
            raise ParameterError(f"`saturated` must be True or False; got {self.saturated!r}.")

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        if self.saturated:
            from causal.estimate._saturated import saturated_fit

            who = label("g-computation", self.estimand)
            mu, phi, c = saturated_fit(prep, self.estimand, who)
            notes = [f"saturated outcome model: cell means in {len(c.n)} covariate cells"]
            return PotentialOutcomeFit(mu, phi, {"cells": int(len(c.n))}, notes,
                                       odds_ratio_kind="marginal", n=prep.n)
        inter = [self.interactions] if isinstance(self.interactions, str) else list(
            self.interactions)
        # a covariate name stands for all its design columns (a categorical covariate's
        # indicators, a spline's basis), so treatment x categorical interactions can be asked
        expanded: list[str] = []
        unknown = []
        for c in inter:
            if c in prep.x_names:
                expanded.append(c)
                continue
            group = [n for n in prep.x_names if n.startswith((f"{c}[", f"bs({c},"))]
            if group:
                expanded += group
            else:
                unknown.append(c)
        if unknown:
            raise ParameterError(f"`interactions` must name covariates {list(prep.covariates)} "
                                 f"or design columns {list(prep.x_names)}; got {unknown}.")
        inter = list(dict.fromkeys(expanded))
        cols = [prep.x_names.index(c) for c in inter]
        n = prep.n

        def design(a: np.ndarray) -> np.ndarray:
            return np.column_stack([np.ones(n), a, prep.x, a[:, None] * prep.x[:, cols]])

        names = ("(intercept)", prep.treatment, *prep.x_names,
                 *(f"{prep.treatment}:{c}" for c in inter))
        z, fit = outcome_fit(prep, lambda: design(prep.a), names)
        who = label("g-computation", self.estimand)
        if prep.binary and fit.separated[0]:
            raise not_estimable(who, separation_sentence(
                "outcome model", z[:, 1:], names[1:], fit.fitted[0])
                + "; declare `saturated = true` (cell means) or merge sparse strata")
        if prep.binary and not fit.converged[0]:
            rec.warn(SeparationWarning, f"{who}: the logistic outcome model did not converge; "
                                        "standardised risks are unreliable.")
        beta_if = fit.scores(z, prep.y)  # n x p
        w = {"ate": np.ones(n), "att": prep.a, "atc": 1 - prep.a}[self.estimand]
        mu, phi = np.empty(2), np.empty((n, 2))
        # the design with the treatment set to `level` is [1, level, X, level X_cols]: its
        # products are formed from X directly, without building it
        coef = fit.coef[0]
        p = prep.x.shape[1]
        base = coef[0] + prep.x @ coef[2:2 + p]
        shift = prep.x[:, cols] @ coef[2 + p:] if cols else 0.0
        for j, level in enumerate((1.0, 0.0)):
            eta = base + level * (coef[1] + shift)
            m = expit(eta) if prep.binary else eta
            v = w * (m * (1 - m)) if prep.binary else w
            v_x = v @ prep.x
            sv = v.sum()
            d = np.concatenate([[sv, level * sv], v_x, level * v_x[cols]]) / w.sum()
            mu[j] = np.sum(w * m) / w.sum()
            phi[:, j] = w * (m - mu[j]) / w.mean() + beta_if @ d
        model = "logistic" if prep.binary else "linear"
        notes = [f"{model} outcome model" + (f" with treatment x {inter}" if inter else "")]
        diagnostics = {"coefficients": dict(zip(names, fit.coef[0].tolist(), strict=True))}
        return PotentialOutcomeFit(mu, phi, diagnostics, notes, odds_ratio_kind="marginal",
                                   n=n)
