"""Entry points to the Newton core (:mod:`causal._glm.newton`) for the three kinds of caller.

* :func:`fit_logistic_one`: one fit on an (n, q) design (intercept included), with the
  information and fitted probabilities the estimators' influence functions need;
* :func:`fit_logistic`: ``R`` refits on a shared design with per-replicate columns, outcomes
  and weights (the refuters' and estimators' batched refit hooks, the explain-away grid);
* :func:`fit_logit_batch`: ``R`` fits on a design per replicate, validated and chunked
  (simulations that draw every covariate anew).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._glm.designs import SharedDesign, StackedDesign, column_scales
from causal._glm.held import held_information
from causal._glm.newton import newton
from causal._glm.result import GLMFit
from causal._glm.stacked import check_design, chunks, concatenate, take
from causal.errors import ParameterError

#: above this many rows a single fit starts from a fit on about _WARM_START_SUB rows
_WARM_START_N = 200_000
_WARM_START_SUB = 50_000
#: tolerance of the convergence rule for single fits (error left about 1e-12, equilibrated)
SINGLE_TOL = 1e-12


def fit_logistic_one(z: np.ndarray, y: np.ndarray, *, max_iter: int = 100,
                     tol: float = SINGLE_TOL) -> GLMFit:
    """One logistic regression on design ``z`` (intercept included): a batch of one.

    Above ``_WARM_START_N`` rows it first fits every k-th row (about ``_WARM_START_SUB``
    rows) and iterates on the full data from there with chord steps on that fit's
    information (scaled to n rows): each step then costs one pass for the linear predictor and
    one for the score, and shrinks the error by a factor of order ``sqrt(q / subsample)``; a
    step that fails to shrink by half brings a full Newton step. The returned information is
    always the full data's, at the estimate. The column scales of the convergence rule
    (:func:`causal._glm.designs.column_scales`, which only set its units) are then the
    subsample's, saving a pass over the full design.
    """
    n = z.shape[0]
    start, gram, hold, scales = None, None, False, None
    if n > _WARM_START_N:
        rows = slice(None, None, n // _WARM_START_SUB)
        sub = z[rows]
        warm = fit_logistic_one(sub, y[rows], max_iter=max_iter, tol=tol)
        if warm.converged[0]:
            m = sub.shape[0]
            start, hold = warm.coef[0], True
            gram = np.linalg.inv(warm.cov[0])[None] * (n / m)
            scales = column_scales(sub)
    return newton(SharedDesign(z, scales=scales), y, None, 1, start=start, tol=tol,
                  max_iter=max_iter,
                  hold=hold, gram=gram, cov=True, fitted=True)



def fit_logistic_near(z: np.ndarray, y: np.ndarray, near: GLMFit, n_near: int, *,
                      scales: np.ndarray | None = None, max_iter: int = 100,
                      tol: float = SINGLE_TOL) -> GLMFit:
    """:func:`fit_logistic_one` on design ``z``, started from ``near``: a converged fit (with
    ``cov``) of ``n_near`` rows of a largely overlapping data set, such as another
    cross-fitting fold's training rows.

    It takes chord steps on ``near``'s information scaled to ``len(z)`` rows (one pass for the
    linear predictor and one for the score each) and forms its own information once, at the
    estimate, for the identification rule. When the steps do not contract, full Newton steps
    take over (:func:`causal._glm.newton.newton`). A fit that still does not converge, or
    separates, is redone by :func:`fit_logistic_one` from zero, so the result is that
    function's to the convergence rule's tolerance. ``fitted`` is returned; ``cov`` is not.
    """
    gram = np.linalg.inv(near.cov[0])[None] * (z.shape[0] / n_near)
    fit = newton(SharedDesign(z, scales=scales), y, None, 1, start=near.coef[0], tol=tol,
                 max_iter=max_iter, hold=True, gram=gram, certified=np.zeros(1, dtype=bool),
                 fitted=True)
    if fit.converged[0]:
        return fit
    return fit_logistic_one(z, y, max_iter=max_iter, tol=tol)


def fit_logistic(x: np.ndarray, z: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                 n_rep: int, start: np.ndarray | None = None, tol: float = 1e-10,
                 max_iter: int = 60, cache: dict | None = None, cov: bool = False,
                 held: bool = False) -> GLMFit:
    """Weighted logistic regression for ``R`` replicates on the design ``[x, z...]``.

    ``x`` (n, p) is shared; ``z`` entries and ``y`` are (n,) or (R, n); ``weights`` (R, n),
    (n,) or None (all ones). Coefficients come back in the order ``[x columns, z columns]``.
    ``cache`` (a dict owned by the caller, e.g. one refutation) keeps the shared column
    products between calls on the same arrays.

    ``held``: replicates that perturb weights, outcomes or one column of the design and share
    one ``start`` iterate from the first step with the information at ``start`` held
    (:mod:`causal._glm.held`): the same estimates to the convergence rule's tolerance, with
    fewer information matrices. Ignored where it does not apply.
    """
    design = SharedDesign(x, z, cache)
    gram, certified, hold = None, None, None
    if held and start is not None:
        found = held_information(design, start, weights, n_rep)
        if found is not None:
            (gram, certified), hold = found, True
    return newton(design, np.asarray(y, dtype=float), weights, n_rep, start=start, tol=tol,
                  max_iter=max_iter, hold=hold, gram=gram, certified=certified, cov=cov)


def fit_logit_batch(X: Any, y: Any, *, weights: Any = None, max_iter: int = 50,
                    tol: float = 1e-10, chunk_size: int | None = None, n_threads: int = 1
                    ) -> GLMFit:
    """Fit ``R`` logistic regressions, each with its own design, by the Newton core.

    Parameters
    ----------
    X : array-like, shape (R, n, p) or (n, p)
        Design matrices (include a column of ones for an intercept). A 2-d ``X`` is shared.
    y : array-like of 0/1, shape (R, n) or (n,)
        Outcomes. A 1-d ``y`` is shared by all designs.
    weights : array-like, shape (R, n) or (n,), optional
        Non-negative frequency weights, as ``statsmodels.GLM(..., freq_weights=...)``.
    max_iter : int
        Newton iterations at most; replicates still moving are not converged.
    tol : float
        The convergence rule's tolerance (:mod:`causal._glm.newton`).
    chunk_size : int, optional
        Replicates per chunk (default: about 216,000 design elements), bounding memory.
    n_threads : int
        Chunks fitted concurrently by this many threads (NumPy releases the GIL in its
        array operations). Results do not depend on it.

    Returns
    -------
    GLMFit
        With ``cov`` (standard errors in ``std_error``) and ``loglik``.
    """
    X, y, f, n_rep = check_design(X, y, binary=True, weights=weights)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ParameterError(f"`max_iter` must be a positive integer; got {max_iter!r}.")
    if not (isinstance(tol, int | float) and 0 < tol < 1):
        raise ParameterError(f"`tol` must be a number in (0, 1); got {tol!r}.")
    if isinstance(n_threads, bool) or not isinstance(n_threads, int | np.integer) or \
            n_threads < 1:
        raise ParameterError(f"`n_threads` must be a positive integer; got {n_threads!r}.")
    n, p = X.shape[-2:]

    def fit_chunk(bounds: tuple[int, int]) -> GLMFit:
        lo, hi = bounds
        yc = take(y, lo, hi, 2)
        fc = None if f is None else take(f, lo, hi, 2)
        design = StackedDesign(take(X, lo, hi, 3))
        fit = newton(design, yc, fc, hi - lo, tol=float(tol), max_iter=int(max_iter),
                     hold=False, cov=True)
        eta = design.eta(np.nan_to_num(fit.coef))
        terms = yc * eta - np.logaddexp(0.0, eta)  # log-likelihood, overflow-free
        loglik = np.sum(terms if fc is None else fc * terms, axis=1)
        return GLMFit(coef=fit.coef, converged=fit.converged, separated=fit.separated,
                      n_iter=fit.n_iter, family="binomial", cov=fit.cov,
                      dispersion=fit.dispersion, loglik=loglik)

    parts_bounds = chunks(n_rep, n, p, chunk_size)
    if n_threads == 1 or len(parts_bounds) == 1:
        parts = [fit_chunk(bounds) for bounds in parts_bounds]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=int(n_threads)) as pool:
            parts = list(pool.map(fit_chunk, parts_bounds))
    return concatenate(parts)
