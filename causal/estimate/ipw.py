"""Inverse probability weighting (Hájek, i.e. normalised weights)."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._validation import check_literal, check_probability
from causal.errors import ParameterError
from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._batched_refits import ipw_refit
from causal.estimate._design import Prepared
from causal.estimate._reasons import label
from causal.estimate._refit import Replicates
from causal.estimate._shared import propensity_fit
from causal.estimate.diagnostics import (
    balance_table,
    propensity_diagnostics,
    require_finite_weights,
    weight_diagnostics,
)


class IPW(BaseEstimator):
    """Inverse probability weighting with a logistic propensity model.

    Parameters
    ----------
    estimand : {"ate", "att", "atc"}
        ATE weights ``a/e + (1-a)/(1-e)``; ATT weights ``a + (1-a) e/(1-e)``; ATC (the ATU,
        the effect on the untreated) weights ``a (1-e)/e + (1-a)``.
    saturated : bool
        Use the saturated propensity score over the (categorical) covariates, each cell's
        share of treated units, instead of a main-effects logistic model
        (:mod:`causal.estimate._saturated`): the estimate is then the stratified one.
    weights : {"stabilised", "unstabilised"}
        Stabilised weights multiply by the marginal share of the unit's arm (Robins, Hernán &
        Brumback 2000). The Hájek estimate is the same either way (constant factors within an
        arm cancel); the choice changes the reported weights, their maximum and the
        extreme-weight warning.
    trim : float, optional
        Drop units with propensity outside ``[trim, 1 - trim]`` (Crump et al. 2009). Changes
        the estimand to the retained population; off by default and reported when used.
    truncate : float, optional
        Percentile (e.g. 99) at which weights are capped (Cole & Hernán 2008); off by default
        and reported when used.
    se : {"sandwich", "fixed_weights"}
        ``"sandwich"``: M-estimation SE stacking the propensity score equations, which accounts
        for estimating the score (Lunceford & Davidian 2004). ``"fixed_weights"``: a robust
        (GEE/HC0) SE treating the weights as known, as in Hernán & Robins' Program 12.2
        (conservative). With trimming or truncation the SE is always ``"fixed_weights"``.
    measure, alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.GComputation` (a binary outcome's OR is marginal).

    Notes
    -----
    ``mu_a = sum w_a y / sum w_a`` with ``w_1 = a/e`` (ATE) or ``a`` (ATT) and
    ``w_0 = (1-a)/(1-e)`` (ATE) or ``(1-a) e/(1-e)`` (ATT). Sandwich influence values:
    ``phi_a = [w_a (y - mu_a) + D_a' B x_i (a_i - e_i)] / mean(w_a)`` with
    ``B = (X'VX/n)^{-1}``, ``D_1 = -mean(a (y-mu_1)(1-e)/e x)`` (ATE; 0 for ATT) and
    ``D_0 = mean((1-a)(y-mu_0) e/(1-e) x)``. Propensity scores are never clipped.

    References
    ----------
    Lunceford, J. K. & Davidian, M. (2004). Stat. Med. 23, 2937-2960. Hernán & Robins (2020),
    *Causal Inference: What If*, ch. 12 (Programs 12.1-12.3).
    """

    _params = ("estimand", "saturated", "weights", "trim", "truncate", "se", "measure", "alpha",
               "n_bootstrap", "random_state")
    _method = "IPW"
    _measure_free_fit = True

    def __init__(self, *, estimand: str = "ate", saturated: bool = False,
                 weights: str = "stabilised",
                 trim: float | None = None, truncate: float | None = None,
                 se: str = "sandwich", measure: str = "auto", alpha: float = 0.05,
                 n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.estimand = estimand
        self.saturated = saturated
        self.weights = weights
        self.trim = trim
        self.truncate = truncate
        self.se = se
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.estimand, "estimand", ("ate", "att", "atc"))
        if not isinstance(self.saturated, bool):
            raise ParameterError(f"`saturated` must be True or False; got {self.saturated!r}.")
        if self.saturated and (self.trim is not None or self.truncate is not None):
            raise ParameterError("`saturated` IPW takes no `trim` or `truncate`: it is the "
                                 "stratified estimate.")
        check_literal(self.weights, "weights", ("stabilised", "unstabilised"))
        check_literal(self.se, "se", ("sandwich", "fixed_weights"))
        if self.trim is not None:
            t = check_probability(self.trim, "trim")
            if not 0 < t < 0.5:
                raise ParameterError(f"`trim` must be in (0, 0.5); got {t:g}.")
        if self.truncate is not None:
            t = check_probability(self.truncate / 100 if isinstance(self.truncate, int | float)
                                  else self.truncate, "truncate")
            if not 0.5 < t < 1:
                raise ParameterError(f"`truncate` must be a percentile in (50, 100); "
                                     f"got {self.truncate!r}.")

    def _refit_batch(self, prep: Prepared, measure: str, reps: Replicates,
                     rng_state: Any, cache: dict) -> np.ndarray:
        """Batched refits (:func:`causal.estimate._batched_refits.ipw_refit`); with trimming
        or truncation one ``_fit`` per replicate, since which units are trimmed or capped
        depends on each refit's own scores."""
        if self.trim is not None or self.truncate is not None or self.saturated or (
                self.estimand == "atc"):
            return super()._refit_batch(prep, measure, reps, rng_state, cache)
        return ipw_refit(prep, measure, self.estimand, reps, cache)

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        if self.saturated:
            return self._saturated_fit(prep, rec)
        xz, ps_fit = propensity_fit(prep)
        e, a, y = ps_fit.fitted[0], prep.a, prep.y
        who = label("IPW", self.estimand)
        diagnostics = propensity_diagnostics(
            e, a, rec, separated=bool(ps_fit.separated[0] or not ps_fit.converged[0]), who=who)
        notes = ["logistic propensity model", "Hájek (normalised) weights"]
        p = a.mean()
        with np.errstate(divide="ignore", invalid="ignore"):
            w1, w0 = {"ate": lambda: (a / e, (1 - a) / (1 - e)),
                      "att": lambda: (a.copy(), (1 - a) * e / (1 - e)),
                      "atc": lambda: (a * (1 - e) / e, 1 - a)}[self.estimand]()
        if self.estimand == "ate":
            stab = np.where(a == 1, p, 1 - p)
        elif self.estimand == "att":
            stab = np.where(a == 1, 1.0, (1 - p) / p)
        else:
            stab = np.where(a == 1, p / (1 - p), 1.0)
        keep = np.ones(prep.n, dtype=bool)
        se_kind = self.se
        if self.trim is not None:
            keep = (e >= self.trim) & (e <= 1 - self.trim)
            with np.errstate(divide="ignore", invalid="ignore"):
                w1, w0 = np.where(keep, w1, 0.0), np.where(keep, w0, 0.0)
            notes.append(f"trimmed: {int((~keep).sum())} units with propensity outside "
                         f"[{self.trim:g}, {1 - self.trim:g}] dropped (estimand changed)")
            se_kind = "fixed_weights"
        require_finite_weights(e, keep, who=who, x=prep.x, names=prep.x_names)
        reported = (w1 + w0) * (stab if self.weights == "stabilised" else 1.0)
        if self.truncate is not None:
            cap = np.percentile(reported[keep], self.truncate)
            capped = reported > cap
            factor = np.where(capped, cap / np.where(reported > 0, reported, 1.0), 1.0)
            w1, w0, reported = w1 * factor, w0 * factor, np.minimum(reported, cap)
            notes.append(f"truncated: {int(capped.sum())} weights capped at the "
                         f"{self.truncate:g}th percentile ({cap:.3g})")
            se_kind = "fixed_weights"
        diagnostics.update(weight_diagnostics(reported[keep], a[keep], rec, who=who))
        c1, c0 = w1.mean(), w0.mean()
        mu1, mu0 = np.sum(w1 * y) / w1.sum(), np.sum(w0 * y) / w0.sum()
        psi1, psi0 = w1 * (y - mu1), w0 * (y - mu0)
        if se_kind == "sandwich":
            beta_if = ps_fit.scores(xz, a)
            # d w1 / d beta = -a (1-e)/e x for both a/e (ATE) and a (1-e)/e (ATC)
            d1 = (-(a * (y - mu1) * (1 - e) / e) @ xz / prep.n if self.estimand != "att"
                  else np.zeros(xz.shape[1]))
            d0 = (((1 - a) * (y - mu0) * e / (1 - e)) @ xz / prep.n if self.estimand != "atc"
                  else np.zeros(xz.shape[1]))
            psi1, psi0 = psi1 + beta_if @ d1, psi0 + beta_if @ d0
            notes.append("sandwich SE accounting for the estimated propensity score")
        else:
            notes.append("robust SE treating the weights as known")
        phi = np.column_stack([psi1 / c1, psi0 / c0])
        diagnostics["weights"] = reported
        rows = slice(None) if keep.all() else keep  # no copy of the design when none trimmed
        diagnostics["balance"] = balance_table(prep.x[rows], prep.x_names, a[rows],
                                               reported[rows])
        return PotentialOutcomeFit(np.array([mu1, mu0]), phi, diagnostics, notes,
                                   n=int(keep.sum()))

    def _saturated_fit(self, prep: Prepared, rec: Recorder) -> PotentialOutcomeFit:
        from causal.estimate._saturated import saturated_fit, saturated_weights

        who = label("IPW", self.estimand)
        mu, phi, c = saturated_fit(prep, self.estimand, who)
        e = c.n1[c.code] / c.n[c.code]
        diagnostics = propensity_diagnostics(e, prep.a, rec, who=who)
        w = saturated_weights(prep, c, self.estimand)
        diagnostics.update(weight_diagnostics(w, prep.a, rec, who=who))
        diagnostics["weights"] = w
        diagnostics["balance"] = balance_table(prep.x, prep.x_names, prep.a, w)
        diagnostics["cells"] = int(len(c.n))
        notes = [f"saturated propensity score: treated share in {len(c.n)} covariate cells",
                 "Hájek (normalised) weights",
                 "influence-function SE of the stratified estimator"]
        return PotentialOutcomeFit(mu, phi, diagnostics, notes, n=prep.n)
