"""Batched refit hooks of IPW and outcome regression (see :mod:`causal.estimate._refit`).

Both refit R perturbed analyses as array operations over all replicates at once, on the shared
covariate block of the GLM core (:mod:`causal._glm`):

* outcome regression: the treatment coefficient of ``y ~ 1 + x + a`` (least squares, or
  logistic by Newton-Raphson for a 0/1 outcome, started from the original fit);
* IPW (Hájek): the logistic propensity model refitted when the treatment, the design or the
  row weights change, and reused from the original fit when only the outcome changes (then
  the refit's propensity scores are exactly the original ones). ATE weights ``1/e`` and
  ``1/(1-e)``; ATT weights ``1`` and ``e/(1-e)``; written as ``1 + exp(-eta)``,
  ``1 + exp(eta)`` and ``exp(eta)`` so no rounded probability is divided by.

Newton stops when a replicate's estimated error (the GLM core's convergence rule) is below
1e-10, far below any replicate spread.
"""

from __future__ import annotations

import numpy as np

from causal._glm import add_intercept, fit_logistic, fit_logistic_one, fit_ols
from causal._glm.designs import SharedDesign
from causal._glm.newton import eta_bound, row_slices
from causal.estimate._design import Prepared
from causal.estimate._refit import Replicates

#: tolerance of the GLM core's convergence rule in the batched refits (error left)
TOL = 1e-10


def _design(prep: Prepared, cache: dict) -> np.ndarray:
    # one intercept-augmented design per analysis: the shared-block cache of
    # causal._glm.designs is keyed by the array's identity
    if "x1" not in cache:
        cache["x1"] = add_intercept(prep.x)
    return cache["x1"]


def _linear(measure: str, mu1: np.ndarray, mu0: np.ndarray) -> np.ndarray:
    from causal.estimate._fits import _linear as linear

    return linear(measure, np.stack([mu1, mu0], axis=-1))


def regression_refit(prep: Prepared, reps: Replicates, cache: dict) -> np.ndarray:
    """Treatment coefficients (MD, or log conditional OR for a 0/1 outcome) of R refits."""
    x1 = _design(prep, cache)
    p = x1.shape[1]
    t = prep.a if reps.t is None else reps.t
    y = prep.y if reps.y is None else reps.y
    z = [t] if reps.extra is None else [t, reps.extra]
    if not prep.binary:
        fit = fit_ols(x1, z, y, reps.weights, reps.n_rep, cache=cache)
    else:
        if "outcome" not in cache:  # the original fit's coefficients in order [1, x, a]
            coef = fit_logistic_one(add_intercept(np.column_stack([prep.a, prep.x])),
                                    prep.y).coef[0]
            cache["outcome"] = np.concatenate([coef[:1], coef[2:], coef[1:2]])
        start = np.concatenate([cache["outcome"], np.zeros(len(z) - 1)])
        if reps.t is not None:
            start[p] = 0.0
        fit = fit_logistic(x1, z, y, reps.weights, reps.n_rep, start=start, tol=TOL,
                           cache=cache, held=not reps.unperturbed)
    effect = fit.coef[:, p].copy()
    effect[~fit.converged] = np.nan
    return effect


def ipw_refit(prep: Prepared, measure: str, estimand: str, reps: Replicates,
              cache: dict) -> np.ndarray:
    """Hájek IPW effects (linear scale of ``measure``) of R refits, no trimming/truncation."""
    x1 = _design(prep, cache)
    p, n_rep = x1.shape[1], reps.n_rep
    if "propensity" not in cache:
        cache["propensity"] = fit_logistic_one(x1, prep.a).coef[0]
    t = prep.a if reps.t is None else reps.t
    y = prep.y if reps.y is None else reps.y
    extras = [] if reps.extra is None else [reps.extra]
    shared = reps.t is None and reps.extra is None and reps.weights is None
    if shared:  # only the outcome changes: the original propensity model, exactly
        coef, ok = cache["propensity"][None, :], np.ones(n_rep, dtype=bool)
    else:
        if reps.t is None:
            start = np.concatenate([cache["propensity"], np.zeros(len(extras))])
        else:  # a new treatment: start from its intercept-only fit
            start = np.zeros(p + len(extras))
            share = float(np.clip(np.mean(t), 1e-6, 1 - 1e-6))
            start[0] = np.log(share / (1 - share))
        fit = fit_logistic(x1, extras, t, reps.weights, n_rep, start=start, tol=TOL,
                           cache=cache, held=True)
        coef, ok = fit.coef, fit.converged
    blocks = row_slices(x1.shape[0])
    if blocks is None:
        eta = coef[:, :p] @ x1.T
        for j, column in enumerate(extras):
            eta += coef[:, p + j, None] * column
        mu1, mu0 = hajek_means(eta, t, y, estimand, reps.weights, shared, n_rep)
    else:  # block by block of rows, in cache (causal._glm.newton.row_blocks)
        design = SharedDesign(x1, extras, cache)
        clip = not np.all(eta_bound(design, coef) <= 700.0)  # clip only if |eta| can pass
        eta_buffer = np.empty((coef.shape[0], blocks[0].stop))
        control_buffer = np.empty((n_rep, blocks[0].stop))
        sums = np.zeros((4, n_rep))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for rows in blocks:
                width = rows.stop - rows.start
                eta = design.eta(coef, out=eta_buffer[:, :width], rows=rows)
                sums += hajek_sums(
                    eta, t[..., rows], y[..., rows], estimand,
                    None if reps.weights is None else reps.weights[..., rows], shared,
                    n_rep, clip=clip, control=control_buffer[:, :width])
            mu1, mu0 = sums[0] / sums[1], sums[2] / sums[3]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        effect = _linear(measure, mu1, mu0)
    effect = np.where(ok & np.isfinite(effect), effect, np.nan)
    return effect


def hajek_means(eta: np.ndarray, t: np.ndarray, y: np.ndarray, estimand: str,
                weights: np.ndarray | None, shared: bool, n_rep: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Hájek means ``(mu1, mu0)`` of R refits from the propensity model's linear predictor.

    ``eta`` is (R, n) (or (1, n) when ``shared``: one propensity model for every replicate,
    only the outcome ``y`` (R, n) changing) and is overwritten. ATE weights ``1 + exp(-eta)``
    (= 1/e) for the treated and ``1 + exp(eta)`` (= 1/(1 - e)) for controls; ATT weights 1 and
    ``exp(eta)`` (= e/(1 - e)); ``weights`` (R, n) multiply them (a bootstrap's counts). No
    rounded probability is divided by, and ``eta`` is clipped to +/-700 so ``exp`` stays
    finite; overflowing weights give a non-finite mean, which callers count as a failed
    refit. The one implementation of the batched Hájek refit, used by IPW's refit hook and
    by the refuters' own IPW.
    """
    sums = hajek_sums(eta, t, y, estimand, weights, shared, n_rep)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[0] / sums[1], sums[2] / sums[3]


def hajek_sums(eta: np.ndarray, t: np.ndarray, y: np.ndarray, estimand: str,
               weights: np.ndarray | None, shared: bool, n_rep: int, *, clip: bool = True,
               control: np.ndarray | None = None) -> np.ndarray:
    """(4, R): the weighted outcome sums and the weight sums of the treated, then of the
    controls, of :func:`hajek_means` (``eta`` overwritten); sums over blocks of rows add.

    For the 0/1 treatment of IPW, ``t (1 + 1/odds) = t / odds + t``; products with a shared
    outcome are matrix-vector products. ``clip=False`` when the coefficients already keep
    |eta| within 700; ``control``, an (R, rows) buffer for the control weights."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if clip:
            np.clip(eta, -700.0, 700.0, out=eta)
        odds = np.exp(eta, out=eta)  # e / (1 - e)
        if control is not None and shared:  # one propensity model (1, rows) for every replicate
            control = control[:1]
        if estimand == "ate":
            control = np.add(odds, 1.0, out=control)
            control *= 1.0 - t
            treated = np.divide(t, odds, out=odds)
            treated += t
        else:
            control = np.multiply(odds, 1.0 - t, out=control)
            odds[...] = t  # weight 1 for the treated
            treated = odds
        if weights is not None:
            treated *= weights
            control *= weights
        if shared:
            y_rows = np.broadcast_to(y, (n_rep, y.shape[-1]))
            return np.stack([y_rows @ treated[0], np.broadcast_to(treated[0].sum(), n_rep),
                             y_rows @ control[0], np.broadcast_to(control[0].sum(), n_rep)])
        if y.ndim == 1:
            return np.stack([treated @ y, treated.sum(axis=1), control @ y,
                             control.sum(axis=1)])
        return np.stack([np.einsum("rn,rn->r", treated, y), treated.sum(axis=1),
                         np.einsum("rn,rn->r", control, y), control.sum(axis=1)])
