"""Least squares on the GLM core's designs (:mod:`causal._glm.designs`): a single fit, ``R``
fits on a shared design with per-replicate columns, and ``R`` fits with a design each.

The batched forms solve the normal equations on unit-diagonal scaling (one small system per
replicate); the single fit solves by SVD on the equilibrated design itself, whose condition
number is the square root of the normal equations' (designs with squared earnings reach 1e10).
Identification follows the core's one rule (:func:`causal._glm.newton.scaled_inverse`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._glm.designs import SharedDesign, StackedDesign, column_scales
from causal._glm.newton import scaled_inverse, solve
from causal._glm.result import GLMFit
from causal._glm.stacked import check_design, chunks, concatenate, take


def fit_linear(z: np.ndarray, y: np.ndarray) -> GLMFit:
    """One ordinary least-squares fit on design ``z`` (intercept included), with ``cov`` =
    ``(Z'Z)^{-1}``, ``dispersion`` = RSS / (n - q) and the fitted values."""
    n, q = z.shape
    scales = column_scales(z)
    zs = z / scales
    beta = np.linalg.lstsq(zs, y, rcond=None)[0]
    fitted = zs @ beta
    inverse, singular = scaled_inverse((zs.T @ zs)[None])
    coef = (beta / scales)[None]
    coef[singular] = np.nan
    rss = float(np.sum((y - fitted) ** 2))
    return GLMFit(coef=coef, converged=~singular, separated=np.zeros(1, dtype=bool),
                  n_iter=np.zeros(1, dtype=np.int64), family="gaussian",
                  cov=inverse / np.outer(scales, scales)[None], fitted=fitted[None],
                  dispersion=np.array([rss / (n - q)]))


def fit_ols(x: np.ndarray, z: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
            n_rep: int, cache: dict | None = None) -> GLMFit:
    """Weighted least squares for ``R`` replicates on the design ``[x, z...]`` (shapes as
    :func:`causal._glm.logistic.fit_logistic`); coefficients only (NaN where singular)."""
    design = SharedDesign(x, z, cache)
    g = design.gram(weights, n_rep)
    y = np.asarray(y, dtype=float)
    if weights is None:
        rhs = design.score(y, n_rep)
    elif y.ndim == 1:  # w @ (D * y) needs no (R, n) temporary for the shared block
        head = weights @ (design.x * y[:, None])
        tail = [np.einsum("rn,rn->r", weights * zj, np.broadcast_to(y, zj.shape))[:, None]
                for zj in design.z]
        rhs = np.concatenate([head, *tail], axis=1) if tail else head
    else:
        rhs = design.score(weights * y, n_rep)
    coef = solve(g, rhs)
    _, singular = scaled_inverse(g)
    coef[singular] = np.nan
    coef = coef[:, design.order]
    ok = np.isfinite(coef).all(axis=1)
    return GLMFit(coef=coef, converged=ok, separated=np.zeros(n_rep, dtype=bool),
                  n_iter=np.zeros(n_rep, dtype=np.int64), family="gaussian")


def fit_ols_batch(X: Any, y: Any, *, chunk_size: int | None = None) -> GLMFit:
    """``R`` ordinary least-squares fits, a design each (shapes as
    :func:`causal._glm.logistic.fit_logit_batch`). ``std_error`` is classical,
    ``sqrt(diag(s^2 (X'X)^{-1}))`` with ``s^2 = RSS / (n - p)`` as statsmodels ``OLS``;
    ``loglik`` is the Gaussian log-likelihood at the ML variance ``RSS / n``."""
    X, y, _, n_rep = check_design(X, y, binary=False)
    n, p = X.shape[-2:]
    parts = []
    for lo, hi in chunks(n_rep, n, p, chunk_size):
        design = StackedDesign(take(X, lo, hi, 3))
        yc = take(y, lo, hi, 2)
        g = design.gram(None, hi - lo)
        inverse, singular = scaled_inverse(g)
        beta = solve(g, design.score(yc, hi - lo))
        beta[singular] = np.nan
        rss = np.sum((yc - design.eta(np.nan_to_num(beta))) ** 2, axis=1)
        parts.append(GLMFit(coef=beta, converged=~singular,
                            separated=np.zeros(hi - lo, dtype=bool),
                            n_iter=np.zeros(hi - lo, dtype=np.int64), family="gaussian",
                            cov=inverse, dispersion=rss / (n - p),
                            loglik=-0.5 * n * (np.log(2 * np.pi * rss / n) + 1)))
    return concatenate(parts)


#: condition number of a unit-diagonal Gram matrix above which a solve from the normal
#: equations is refined once (their coefficients' relative error is about cond * 1e-16)
REFINE_CONDITION = 1e4


def fit_linear_folds(z: np.ndarray, y: np.ndarray, fold: np.ndarray, k: int,
                     zt: np.ndarray | None = None) -> np.ndarray:
    """Least squares on each of ``k`` leave-one-fold-out training sets: coefficients (k, q).

    Row ``i`` belongs to fold ``fold[i]`` in ``0..k-1`` (a negative fold leaves it out of
    every fit); fit ``j`` uses the rows of every fold but ``j``. Each fold's Gram matrix and
    score ``Z_f'Z_f``, ``Z_f'y_f`` are formed once, and fit ``j``'s are their total less fold
    ``j``'s, so the ``k`` fits read the design once instead of ``k - 1`` times. Each system
    is solved on unit-diagonal scaling (:func:`causal._glm.newton.solve`); where its
    condition number exceeds :data:`REFINE_CONDITION` the solution takes one step of
    iterative refinement from residuals computed row by row (Björck 1996, §2.9: the
    corrected semi-normal equations), which brings its error to that of a QR or SVD solve
    while ``cond * 1e-16`` is below one. A singular training set (the core's rule,
    :func:`causal._glm.newton.scaled_inverse`) gets a row of NaN.

    ``zt``, the transposed design ``z.T`` as a C-ordered (q, n) array, when given: the folds'
    rows are gathered from it, so each fold's products read contiguous rows of length n_f
    (the same sums in another order; about 2x faster on a tall design).

    Björck, Å. (1996). Numerical Methods for Least Squares Problems. SIAM.
    """
    y = np.asarray(y, dtype=float)
    kept = np.flatnonzero(fold >= 0)
    order = kept[np.argsort(fold[kept], kind="stable")]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(fold[kept], minlength=k))])
    targets = y[order]
    # a fold's rows: (n_f, q), a view on the gathered design (column-major when from zt)
    blocks = z[order] if zt is None else np.take(zt, order, axis=1).T
    q = z.shape[1]
    grams, scores = np.empty((k, q, q)), np.empty((k, q))
    for f in range(k):
        b, t = blocks[bounds[f]:bounds[f + 1]], targets[bounds[f]:bounds[f + 1]]
        grams[f] = b.T @ b
        scores[f] = t @ b if zt is None else b.T @ t  # each reads b along its rows
    train_g = grams.sum(axis=0) - grams
    train_s = scores.sum(axis=0) - scores
    coef = solve(train_g, train_s)
    _, singular = scaled_inverse(train_g)
    diag = np.sqrt(np.abs(np.diagonal(train_g, axis1=1, axis2=2)))
    diag = np.where(diag > 0, diag, 1.0)
    with np.errstate(all="ignore"):
        condition = np.linalg.cond(train_g / diag[:, :, None] / diag[:, None, :])
    refine = ~singular & (condition > REFINE_CONDITION)
    if refine.any():
        residual_scores = np.zeros((k, q))
        for f in range(k):  # fold f's rows enter every fit but f's
            b = blocks[bounds[f]:bounds[f + 1]]
            r = targets[bounds[f]:bounds[f + 1], None] - b @ np.nan_to_num(coef).T
            part = b.T @ r  # (q, k)
            part[:, f] = 0.0
            residual_scores += part.T
        coef[refine] += solve(train_g[refine], residual_scores[refine])
    coef[singular] = np.nan
    return coef
