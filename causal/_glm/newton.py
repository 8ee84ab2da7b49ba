"""One Newton-Raphson (IRLS) core for logistic regression; a single fit is a batch of one.

Every logistic fit of the project runs :func:`newton` on one of the two design shapes of
:mod:`causal._glm.designs`: a shared design with per-replicate columns (single fits, refits,
the explain-away grid) or a design per replicate (calibration and time-ordering simulations).

Rules, the same for every caller
--------------------------------
* **Convergence:** a replicate stops when the estimated remaining error of its coefficients,
  measured on equilibrated columns (``c_j = b_j max_i |x_ij|``), is below
  ``tol * max(1, max_j |c_j|)``. After a Newton step of size ``s = max_j |dc_j|`` the error
  is of order ``s^2`` (quadratic convergence); after a chord step (the information matrix
  held from an earlier iterate, taken only while the steps shrink at least by half) it is
  ``s rho / (1 - rho)`` with ``rho`` the ratio of the last two steps (linear convergence).
  Callers choose ``tol``: 1e-12 for single fits, 1e-10 for replicate refits (errors far below
  any standard error or replicate spread).
* **Separation:** a replicate is *separated* when some observation with positive weight has a
  linear predictor ``|eta| > 37``: its fitted probability is within 1e-16 of 0 or 1, so
  ``1 - mu`` (or ``mu``) has no significant digit left in double precision (``mu`` rounds to
  exactly 1 above 36.7). Under (quasi-)complete separation the likelihood has no maximum and
  Newton's iterates move off to infinity, each step adding about one unit to the largest
  ``|eta|``, so the bound is reached within about 40 iterations; a finite maximum that close
  to 0 or 1 is numerically indistinguishable from one at infinity (Albert & Anderson 1984).
  A separated replicate stops iterating and is not converged; its last iterate is kept
  (even though its information matrix is then singular), so its fitted values are those of
  the extended maximum-likelihood fit, 0 or 1 in the separated cells.
* **Identification:** a replicate whose information matrix, scaled to unit diagonal, has no
  inverse (a residual ``max |H H^{-1} - I| > 1e-6``, i.e. a condition number beyond about
  1e10) has no unique estimate: its coefficients are NaN and it is not converged. This covers
  a resample without a treated unit, or a constant column.
"""

from __future__ import annotations

import numpy as np

from causal._glm.designs import SharedDesign, StackedDesign, expit_inplace
from causal._glm.result import GLMFit

#: |linear predictor| beyond which a replicate counts as (quasi-)separated
SEPARATION_ETA = 37.0
#: residual of the scaled inverse above which an information matrix counts as singular
SINGULAR_RESIDUAL = 1e-6
#: rows per block of a Newton pass over a tall shared design (:func:`row_blocks`): with a
#: few replicates the block's buffers stay in a core's cache
ROW_BLOCK = 16_384


def scaled_inverse(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverses of the (R, q, q) matrices, computed on unit-diagonal scaling, and a mask of
    the singular ones (their inverse is NaN); the one identification rule of the core."""
    diag = np.sqrt(np.abs(np.diagonal(g, axis1=1, axis2=2)))
    diag = np.where(diag > 0, diag, 1.0)
    scaled = g / diag[:, :, None] / diag[:, None, :]
    try:
        inverse = np.linalg.inv(scaled)
    except np.linalg.LinAlgError:
        inverse = np.stack([_inv_or_nan(m) for m in scaled])
    with np.errstate(invalid="ignore", over="ignore"):
        residual = np.max(np.abs(scaled @ inverse - np.eye(g.shape[1])), axis=(1, 2))
    singular = ~(residual < SINGULAR_RESIDUAL)
    inverse = inverse / diag[:, :, None] / diag[:, None, :]
    inverse[singular] = np.nan
    return inverse, singular


def _inv_or_nan(m: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(m)
    except np.linalg.LinAlgError:
        return np.full_like(m, np.nan)


def solve(g: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Newton steps ``g_r^{-1} rhs_r`` on unit-diagonal scaling; NaN rows where a system is
    exactly singular (a near-singular one is caught by :func:`scaled_inverse` at the end)."""
    diag = np.sqrt(np.abs(np.diagonal(g, axis1=1, axis2=2)))
    diag = np.where(diag > 0, diag, 1.0)
    scaled = g / diag[:, :, None] / diag[:, None, :]
    b = (rhs / diag)[..., None]
    try:
        return np.linalg.solve(scaled, b)[..., 0] / diag
    except np.linalg.LinAlgError:
        out = np.full(rhs.shape, np.nan)
        for r in range(g.shape[0]):
            try:
                out[r] = np.linalg.solve(scaled[r], b[r])[:, 0] / diag[r]
            except np.linalg.LinAlgError:
                pass
        return out


def newton(design: SharedDesign | StackedDesign, y: np.ndarray, weights: np.ndarray | None,
           n_rep: int, *, start: np.ndarray | None = None, tol: float = 1e-10,
           max_iter: int = 100, hold: bool | None = None, gram: np.ndarray | None = None,
           certified: np.ndarray | None = None, cov: bool = False,
           fitted: bool = False) -> GLMFit:
    """Maximum-likelihood logistic regression of ``R`` replicates by Newton-Raphson (IRLS).

    Parameters
    ----------
    design : SharedDesign or StackedDesign
    y : numpy.ndarray, shape (n,) or (R, n)
        0/1 outcomes.
    weights : numpy.ndarray, shape (n,) or (R, n), optional
        Non-negative frequency weights (a weight of 2 counts a row twice).
    start : numpy.ndarray, shape (q,) or (R, q), optional
        Starting coefficients in the input column order (default zero, as statsmodels).
    tol : float
        The convergence rule's tolerance (module docstring).
    hold : bool, optional
        Allow chord steps (hold the information matrix once the largest step is below 0.1 and
        shrinking by half; refresh it otherwise). Default: when ``q >= 6``, where a fresh
        information matrix (n q^2 work) costs more than the extra score passes (n q) it saves.
    gram : numpy.ndarray, shape (R, q, q), optional
        An information matrix to start the chord steps with (in fitted order), e.g. a
        subsample's or a replicate refit's held information (:mod:`causal._glm.held`);
        dropped as soon as the steps stop shrinking.
    certified : numpy.ndarray of bool, shape (R,), optional
        Replicates whose identification ``gram`` decides (it has the rank of their own
        information). If every step was held and some replicate is not certified, the
        identification rule reads the replicates' own information at the final iterate.
    cov, fitted : bool
        Return the inverse information at the estimate (one more information matrix) and the
        fitted means.

    Notes
    -----
    ``b <- b + (D'WD)^{-1} D'f(y - mu)``, ``mu = expit(D b)``, ``W = diag(f mu (1 - mu))`` with
    ``f`` the weights: Newton's method for the canonical link, which is IRLS (McCullagh &
    Nelder 1989, §2.5, §4.4). Replicates that stop keep their coefficients (step zero).

    References
    ----------
    McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall.
    Albert, A. & Anderson, J. A. (1984). On the existence of maximum likelihood estimates in
    logistic regression models. Biometrika 71(1), 1-10.
    """
    n, q = design.n, design.q
    inverse_order = np.argsort(design.order)  # input order -> fitted order
    coef = np.zeros((n_rep, q))
    if start is not None:
        coef[:] = np.asarray(start, dtype=float)[..., inverse_order]
    if hold is None:
        hold = q >= 6
    stopped = np.zeros(n_rep, dtype=bool)
    converged = np.zeros(n_rep, dtype=bool)
    separated = np.zeros(n_rep, dtype=bool)
    n_iter = np.zeros(n_rep, dtype=np.int64)
    positive = None if weights is None else np.asarray(weights) > 0
    scales = design.scales
    blocks = row_blocks(design)
    # work buffers allocated once: fresh arrays per iteration cost more in page faults than
    # the arithmetic at n = 10^5 and beyond; (R, block) when the rows go in blocks
    width = n if blocks is None else ROW_BLOCK
    mu, work = np.empty((n_rep, width)), np.empty((n_rep, width))
    chord, previous = gram is not None, np.inf
    last = np.full(n_rep, np.inf)  # each replicate's previous step size
    g = gram
    own = gram is None  # the information last used is the replicates' own (not a given one)
    for _ in range(max_iter):
        bounded = _bounded(design, coef)
        if blocks is None:
            design.eta(coef, out=mu)
            if not bounded:  # (bounded: no |eta| near the bound, so no separation)
                separated |= _max_abs(mu, positive) > SEPARATION_ETA
                stopped |= separated
                if stopped.all():
                    break
            expit_inplace(mu)
            if not chord:
                np.subtract(1.0, mu, out=work)
                work *= mu
                if weights is not None:
                    work *= weights
                g = design.gram(work, n_rep)
                own = True
            np.subtract(y, mu, out=work)
            if weights is not None:
                work *= weights
            score = design.score(work, n_rep)
        else:
            largest_eta, fresh, score = _blocked_pass(design, coef, y, weights, positive,
                                                      not chord, n_rep, blocks, mu, work,
                                                      bounded=bounded)
            separated |= largest_eta > SEPARATION_ETA
            stopped |= separated
            if stopped.all():
                break
            if fresh is not None:
                g, own = fresh, True
        step = solve(g, score)
        bad = ~np.isfinite(step).all(axis=1)
        step[stopped | bad] = 0.0
        coef += step
        n_iter += ~stopped
        size = np.abs(step * scales).max(axis=1)
        if chord:
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = size / last
            # no earlier step to estimate the contraction from: not converged yet
            error = np.where((rho < 0.5) & np.isfinite(last), size * rho / (1.0 - rho), np.inf)
        else:
            error = size * size
        last = size
        scale = np.maximum(1.0, np.abs(coef * scales).max(axis=1))
        converged |= ~stopped & ~bad & (error <= tol * scale)
        coef[bad & ~stopped] = np.nan
        stopped |= converged | bad
        if stopped.all():
            break
        largest = float(size[~stopped].max(initial=0.0))
        # hold the information matrix while steps are small and shrinking; refresh otherwise
        chord = hold and largest < 0.1 and largest < 0.5 * previous
        previous = largest
    uncertified = not own and certified is not None and not np.all(certified)
    if cov or fitted or g is None or uncertified:  # the final iterate's fit and information
        if blocks is None:
            eta = design.eta(np.nan_to_num(coef))
            separated |= _max_abs(eta, positive) > SEPARATION_ETA
            mu = expit_inplace(eta)
            work = mu * (1.0 - mu)
            if weights is not None:
                work *= weights
            g = design.gram(work, n_rep)
        else:
            full = np.empty((n_rep, n)) if fitted else None
            largest_eta, g, _ = _blocked_pass(design, np.nan_to_num(coef), None, weights,
                                              positive, True, n_rep, blocks, mu, work,
                                              fitted=full)
            separated |= largest_eta > SEPARATION_ETA
            mu = full
    inverse, singular = scaled_inverse(g)
    # a separated replicate keeps its last iterate (its information is singular because the
    # separated units' weights mu (1 - mu) are 0 to double precision): its fitted values are
    # the limit of the likelihood's supremum, which estimators may use and say so
    coef[singular & ~separated] = np.nan
    converged &= ~singular & ~separated
    order = design.order
    return GLMFit(coef=coef[:, order], converged=converged, separated=separated, n_iter=n_iter,
                  family="binomial",
                  cov=inverse[:, order][:, :, order] if cov else None,
                  fitted=mu if fitted else None,
                  dispersion=np.ones(n_rep) if cov else None)


def row_blocks(design: SharedDesign | StackedDesign) -> list[slice] | None:
    """The row blocks of a Newton pass over a shared design taller than two
    :data:`ROW_BLOCK` rows, else None (one pass over all rows).

    The blocks depend on the number of rows only, so a replicate's fit does not depend on
    how many replicates share its batch."""
    if not isinstance(design, SharedDesign):
        return None
    return row_slices(design.n)


def row_slices(n: int) -> list[slice] | None:
    """Blocks of :data:`ROW_BLOCK` rows covering ``n`` rows, or None when ``n`` is at most
    two blocks (then a pass goes over all rows at once)."""
    if n <= 2 * ROW_BLOCK:
        return None
    return [slice(lo, min(lo + ROW_BLOCK, n)) for lo in range(0, n, ROW_BLOCK)]


def _blocked_pass(design: SharedDesign, coef: np.ndarray, y: np.ndarray | None,
                  weights: np.ndarray | None, positive: np.ndarray | None, information: bool,
                  n_rep: int, blocks: list[slice], mu: np.ndarray, work: np.ndarray,
                  fitted: np.ndarray | None = None, bounded: bool = False
                  ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """One Newton pass block by block of rows: the largest ``|eta|`` of each replicate (rows
    with weight), the information (when ``information``) and the score (when ``y`` is given),
    each summed over the blocks. Every block's linear predictor, fitted means and residuals
    stay in the (R, ROW_BLOCK) buffers ``mu`` and ``work``, in cache, instead of streaming
    (R, n) arrays through memory once per operation (measured: 4-7 ns per row and replicate
    for such a pass in blocks against 14 ns over (2, 10^5) arrays). ``fitted`` (R, n), when
    given, receives the fitted means. ``bounded``: every replicate's |eta| is known to be
    below the separation bound (:func:`_bounded`), so the blocks skip their maxima."""
    largest = np.zeros(n_rep)
    g = np.zeros((n_rep, design.q, design.q)) if information else None
    score = None if y is None else np.zeros((n_rep, design.q))
    negated = -coef  # -eta straight from the products: expit(eta) = 1 / (1 + exp(-eta))
    with np.errstate(over="ignore"):  # once, not per block
        for rows in blocks:
            width = rows.stop - rows.start
            m, v = mu[:, :width], work[:, :width]
            design.eta(negated, out=m, rows=rows)
            if not bounded:
                np.maximum(largest, _max_abs(m, None if positive is None
                                             else positive[..., rows]), out=largest)
            np.exp(m, out=m)
            m += 1.0
            np.reciprocal(m, out=m)
            w = None if weights is None else weights[..., rows]
            if information:
                np.subtract(1.0, m, out=v)
                v *= m
                if w is not None:
                    v *= w
                g += design.gram(v, n_rep, rows=rows)
            if y is not None:
                np.subtract(y[..., rows], m, out=v)
                if w is not None:
                    v *= w
                score += design.score(v, n_rep, rows=rows)
            if fitted is not None:
                fitted[:, rows] = m
    return largest, g, score


def _bounded(design: SharedDesign | StackedDesign, coef: np.ndarray) -> bool:
    """Whether no replicate's linear predictor can reach the separation rule: with the
    columns' largest |values| ``s_j`` (``design.exact_scales``), ``|eta_ri| <= sum_j |b_rj|
    s_j``, and a bound of at most ``SEPARATION_ETA - 1`` leaves a margin far above the
    rounding of eta (a relative 1e-15). Then the passes skip their maxima of |eta|, with the
    same verdicts; NaN coefficients never count as bounded."""
    return bool(np.all(eta_bound(design, coef) <= SEPARATION_ETA - 1.0))


def eta_bound(design: SharedDesign | StackedDesign, coef: np.ndarray) -> np.ndarray:
    """Each replicate's bound ``sum_j |b_rj| s_j`` on its |linear predictor| (coefficients in
    fitted order), with ``s_j`` the columns' largest |values|; infinite where a coefficient
    is NaN or the scales are not the design's own (``design.exact_scales``)."""
    if not design.exact_scales:
        return np.full(coef.shape[0], np.inf)
    return np.abs(np.nan_to_num(coef, nan=np.inf) * design.scales).sum(axis=1)


def _max_abs(eta: np.ndarray, positive: np.ndarray | None) -> np.ndarray:
    """Largest |linear predictor| among observations that carry weight."""
    # two passes, no |eta| temporary (n can be 10^7); rows without weight matter only when the
    # bound is crossed somewhere, which is rare
    largest = np.maximum(eta.max(axis=1), -eta.min(axis=1))
    if positive is None or not (largest > SEPARATION_ETA).any():
        return largest
    rows = np.flatnonzero(largest > SEPARATION_ETA)
    mask = np.broadcast_to(positive, eta.shape)[rows]
    largest[rows] = np.where(mask, np.abs(eta[rows]), 0.0).max(axis=1)
    return largest
