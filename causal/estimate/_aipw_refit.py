"""Batched refit hook of AIPW with the GLM core's nuisance models (see :mod:`causal.estimate._refit`).

One ``AIPW._fit`` per replicate costs ``3 K`` small Newton fits (a propensity model and two
outcome models in each of ``K`` folds); at n = 302 a refutation of 100 replicates is 1,500 fits
whose cost is per-call overhead, not arithmetic. Here every (replicate, fold) pair is one row of
a batch on the shared design (:func:`causal._glm.fit_logistic`, :func:`causal._glm.fit_ols`),
so a refuter's replicates take a handful of batched Newton steps.

The answer is the one the looped refit gives (:func:`causal.estimate._refit.refit_loop`, the
estimator's own ``_fit`` on each replicate's data with frequency weights as repeated rows),
to the convergence rule's tolerance:

* **folds:** the loop draws each replicate's folds from the recorded random state over its
  ``n'`` (expanded) rows, by the estimator's own ``_splits``; here the same call gives the
  fold of every expanded row, and a row repeated ``c_i`` times contributes ``V_ki`` copies to
  test fold ``k`` and ``c_i - V_ki`` to its training data. Replicates with the same ``n'``
  (all of a bootstrap's, all of a fixed-size subset's) share one permutation: the state is
  the same for every replicate.
* **fits:** a training set with repeated rows is a frequency-weighted fit (the GLM core's
  weights are frequency weights), so fold ``k``'s nuisance models are weighted fits on the
  shared design with weights ``c - V_k``, and its predictions apply to the ``V_k`` held-out
  copies. The AIPW means are the ``V``-weighted sums of the loop's per-row terms.
* **no answer:** the loop's reasons give NaN here too: a training set with one arm only, a
  separated propensity model (or a held-out score 0 or 1 to 1e-14), an empty arm for a
  separate outcome model, a singular design, fewer expanded rows than folds. A separated
  logistic outcome model keeps its last iterate (the extended-MLE limit), as in ``_fit``.

Only the default nuisance models (``LogisticModel``, ``LinearModel``) and an integer ``cv``
have this form; other scikit-learn models and explicit splits are refitted one fit per
replicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from causal._glm import LinearModel, LogisticModel, fit_logistic, fit_logistic_one, fit_ols
from causal._glm.designs import expit_inplace
from causal.estimate._batched_refits import TOL, _design
from causal.estimate._design import Prepared
from causal.estimate._reasons import BOUNDARY
from causal.estimate._refit import Replicates, fit_rng

#: float64 elements of one (replicates x folds, n) working array (as causal.refute._blocks)
CHUNK_ELEMENTS = 262_144
#: Newton iterations at most, as the default nuisance models' single fits
MAX_ITER = 100
#: Newton iterations of a batch: converged fits take 5 to 9 from zero; a separated one takes
#: about 35 to reach the separation bound and would hold the whole batch there, but every fit
#: the batch leaves unconverged is redone on the looped path anyway (:func:`_logit`)
BATCH_ITER = 15


def outcome_kind(estimator: Any, binary: bool) -> str | None:
    """``"logistic"`` or ``"linear"`` when the batched form applies, else None."""
    ps, om = estimator.propensity_model, estimator.outcome_model
    cv = estimator.cv
    if ps is not None and type(ps) is not LogisticModel:
        return None
    if not isinstance(cv, int | np.integer) or isinstance(cv, bool):
        return None
    if om is None:
        return "logistic" if binary else "linear"
    if type(om) is LinearModel:
        return "linear"
    if type(om) is LogisticModel and binary:
        return "logistic"
    return None


def _fold_counts(estimator: Any, n: int, counts: np.ndarray | None,
                 rng_state: Mapping[str, Any] | None) -> tuple[np.ndarray, np.ndarray]:
    """Held-out copies ``V`` (R or 1, K, n) of each row in each fold, and the rows' counts
    ``c`` (R or 1, n), ``V`` summing over folds to ``c``. A replicate with fewer rows than
    folds gets counts of zero (no answer: its training sets hold no treated unit)."""
    k_folds = int(estimator.cv)
    if counts is None:
        splits = estimator._splits(n, fit_rng(rng_state))
        v = np.zeros((1, len(splits), n))
        for k, (_, test) in enumerate(splits):
            v[0, k, test] = 1.0
        return v, np.ones((1, n))
    c = np.array(counts, dtype=float)  # a copy: rows without an answer are zeroed
    v = np.zeros((c.shape[0], k_folds, n))
    totals = np.rint(c.sum(axis=1)).astype(np.int64)
    bounds = np.zeros((c.shape[0], n + 1), dtype=np.int64)
    bounds[:, 1:] = np.cumsum(np.rint(c).astype(np.int64), axis=1)
    for size in np.unique(totals):
        rows = np.flatnonzero(totals == size)
        if size < k_folds or size == 0:
            c[rows] = 0.0
            continue
        splits = estimator._splits(int(size), fit_rng(rng_state))
        fold_of = np.empty(int(size), dtype=np.int64)
        for k, (_, test) in enumerate(splits):
            fold_of[test] = k
        # held[k, m]: expanded rows before position m that are in fold k; row i of a
        # replicate occupies expanded positions bounds[i] .. bounds[i + 1] - 1
        held = np.zeros((len(splits), int(size) + 1))
        np.cumsum(fold_of[None, :] == np.arange(len(splits))[:, None], axis=1,
                  out=held[:, 1:])
        b = bounds[rows]
        v[rows] = (held[:, b[:, 1:]] - held[:, b[:, :-1]]).transpose(1, 0, 2)
    return v, c


def _stack(a: np.ndarray | None, k: int) -> np.ndarray | None:
    return None if a is None else np.repeat(np.asarray(a, dtype=float), k, axis=0)


def aipw_refit(estimator: Any, prep: Prepared, measure: str, reps: Replicates,
               rng_state: Mapping[str, Any] | None, cache: dict) -> np.ndarray:
    """AIPW effects (linear scale of ``measure``) of R refits; NaN where a refit has no answer.

    The caller checks :func:`outcome_kind` first (integer weights only: others are refitted
    one by one, which names the problem).
    """
    from causal.estimate._fits import _linear

    kind = outcome_kind(estimator, prep.binary)
    x1 = _design(prep, cache)
    n, p = x1.shape
    v_all, c_all = _fold_counts(estimator, n, reps.weights, rng_state)
    k_folds = v_all.shape[1]
    rows = max(1, CHUNK_ELEMENTS // (k_folds * n))
    out = np.full(reps.n_rep, np.nan)
    for lo in range(0, reps.n_rep, rows):
        hi = min(lo + rows, reps.n_rep)
        part = reps.block(lo, hi)
        shared = v_all.shape[0] == 1
        v = v_all if shared else v_all[lo:hi]
        c = c_all if shared else c_all[lo:hi]
        mu = _chunk(estimator, prep, kind, x1, part, v, c, cache)
        with np.errstate(all="ignore"):
            out[lo:hi] = _linear(measure, mu)
    return np.where(np.isfinite(out), out, np.nan)


def _chunk(estimator: Any, prep: Prepared, kind: str, x1: np.ndarray, reps: Replicates,
           v: np.ndarray, c: np.ndarray, cache: dict) -> np.ndarray:
    """``(R, 2)`` potential-outcome means of one chunk of replicates (NaN: no answer)."""
    r, n_folds = reps.n_rep, v.shape[1]
    n, p = x1.shape
    m = r * n_folds  # one batch row per (replicate, fold), replicate-major
    if n_folds == 1:  # no cross-fitting: trained and predicted on every row
        train = np.broadcast_to(c[:, None, :], (r, 1, n))
    else:
        train = c[:, None, :] - v
    train = np.ascontiguousarray(np.broadcast_to(train, (r, n_folds, n))).reshape(m, n)
    held = np.broadcast_to(v, (r, n_folds, n)).reshape(m, n)
    t = prep.a if reps.t is None else _stack(reps.t, n_folds)
    y = prep.y if reps.y is None else _stack(reps.y, n_folds)
    extras = [] if reps.extra is None else [_stack(reps.extra, n_folds)]
    t_rows = np.broadcast_to(t, (m, n))
    y_rows = np.broadcast_to(y, (m, n))

    # propensity model, fold by fold (rows of the batch)
    treated = np.einsum("mn,mn->m", train, t_rows)
    ok = (treated > 0) & (treated < train.sum(axis=1))
    ps_coef, ps_separated = _logit(x1, extras, t, train, m, cache)
    ok &= np.isfinite(ps_coef).all(axis=1) & ~ps_separated
    e = _eta(x1, extras, np.nan_to_num(ps_coef), p)
    expit_inplace(e)
    ok &= ~(((e < BOUNDARY) | (e > 1 - BOUNDARY)) & (held > 0)).any(axis=1)

    fit = _least_squares if kind == "linear" else _logistic
    if estimator.outcome_fit == "separate":
        preds = []
        for level in (1.0, 0.0):
            arm = train * (t_rows == level)
            ok &= arm.sum(axis=1) > 0
            coef = fit(x1, extras, y, arm, m, cache)
            ok &= np.isfinite(coef).all(axis=1)
            preds.append(_mean(x1, extras, np.nan_to_num(coef), p, kind))
        m1, m0 = preds
    else:
        coef = fit(x1, [*extras, t], y, train, m, cache)
        ok &= np.isfinite(coef).all(axis=1)
        coef = np.nan_to_num(coef)
        ones = np.ones(n)
        m1 = _mean(x1, [*extras, ones], coef, p, kind)
        m0 = _mean(x1, [*extras, 0 * ones], coef, p, kind)

    def total(values: np.ndarray) -> np.ndarray:  # sum over held-out copies, per replicate
        values = np.where(held > 0, values, 0.0)
        return np.einsum("mn,mn->m", held, values).reshape(r, n_folds).sum(axis=1)

    counts = c if c.shape[0] == r else np.broadcast_to(c, (r, n))
    t_r = np.broadcast_to(prep.a if reps.t is None else reps.t, (r, n))
    y_r = np.broadcast_to(prep.y if reps.y is None else reps.y, (r, n))
    with np.errstate(all="ignore"):
        if estimator.estimand == "ate":
            size = counts.sum(axis=1)
            mu1 = total(m1 + t_rows * (y_rows - m1) / e) / size
            mu0 = total(m0 + (1 - t_rows) * (y_rows - m0) / (1 - e)) / size
        elif estimator.estimand == "att":
            arm = np.einsum("rn,rn->r", counts, t_r)
            mu1 = np.einsum("rn,rn->r", counts, t_r * y_r) / arm
            mu0 = total(t_rows * m0 + (1 - t_rows) * e * (y_rows - m0) / (1 - e)) / arm
        else:  # atc
            arm = np.einsum("rn,rn->r", counts, 1 - t_r)
            mu0 = np.einsum("rn,rn->r", counts, (1 - t_r) * y_r) / arm
            mu1 = total((1 - t_rows) * m1 + t_rows * (1 - e) * (y_rows - m1) / e) / arm
    good = ok.reshape(r, n_folds).all(axis=1)
    mu = np.column_stack([mu1, mu0])
    mu[~good] = np.nan
    return mu


def _logistic(x1: np.ndarray, z: list, y: np.ndarray, weights: np.ndarray, m: int,
              cache: dict) -> np.ndarray:
    """Coefficients of a weighted logistic outcome model; a separated fit keeps its last
    iterate (its fitted values are the extended-MLE limits), a singular one is NaN."""
    return _logit(x1, z, y, weights, m, cache)[0]


def _logit(x1: np.ndarray, z: list, y: np.ndarray, weights: np.ndarray, m: int,
           cache: dict) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and separation flags of ``m`` weighted logistic fits on ``[x1, z...]``.

    A fit the batch does not bring to convergence (separated, singular, out of iterations)
    is redone as the looped refit does it, on its repeated rows: where no maximum exists the
    last iterate depends on the path (the batch's chord steps are shared), and the looped
    fit's path is the reference.
    """
    fit = fit_logistic(x1, z, y, weights, m, tol=TOL, max_iter=BATCH_ITER, cache=cache)
    coef, separated = fit.coef, fit.separated.copy()
    for row in np.flatnonzero(~fit.converged):
        rows = np.repeat(np.arange(x1.shape[0]), np.rint(weights[row]).astype(np.int64))
        if rows.size == 0:
            continue
        design = np.column_stack([x1, *[zj if np.ndim(zj) == 1 else zj[row] for zj in z]])
        target = y if np.ndim(y) == 1 else y[row]
        one = fit_logistic_one(design[rows], target[rows], max_iter=MAX_ITER)
        coef[row], separated[row] = one.coef[0], one.separated[0]
    return coef, separated


def _least_squares(x1: np.ndarray, z: list, y: np.ndarray, weights: np.ndarray, m: int,
                   cache: dict) -> np.ndarray:
    """Coefficients of a weighted least-squares outcome model (NaN where singular)."""
    return fit_ols(x1, z, y, weights, m, cache=cache).coef


def _eta(x1: np.ndarray, z: list, coef: np.ndarray, p: int) -> np.ndarray:
    eta = coef[:, :p] @ x1.T
    for j, column in enumerate(z):
        eta += coef[:, p + j, None] * column
    return eta


def _mean(x1: np.ndarray, z: list, coef: np.ndarray, p: int, kind: str) -> np.ndarray:
    eta = _eta(x1, z, coef, p)
    return eta if kind == "linear" else expit_inplace(eta)
