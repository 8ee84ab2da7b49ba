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
