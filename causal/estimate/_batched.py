"""Many regressions at once: a shared covariate block plus a few per-replicate columns.

Every refuter refits the same model R times where only a little changes between refits: the
treatment column (placebo, unobserved common cause), one extra column (random common cause), the
outcome (dummy outcome) or the row weights (bootstrap counts, subset indicators). With the design
``D_r = [X, z_r1, ..., z_rk]`` (``X`` shared, n x p; ``z_rj`` per replicate) and weights ``w_r``,
the normal equations ``D_r' W_r D_r b_r = D_r' W_r y_r`` are assembled blockwise from
matrix products over all replicates at once:

* ``X' W_r X``: the rows of ``W`` (R x n) times the n x p(p+1)/2 matrix of column products of X;
* ``X' W_r z_rj``: ``(W * Z_j) @ X``;
* ``z_rj' W_r z_rl`` and ``z_rj' W_r y_r``: row sums of elementwise products.

No per-replicate Python loop touches an n-vector; only the R small (p+k) x (p+k) systems are
solved (batched by ``numpy.linalg.solve``). Logistic models use Newton-Raphson (= IRLS) on the
same blocks with working weights ``w mu (1 - mu)``.

Private: the batched refit hooks of the estimators (:mod:`causal.estimate`) and the refuters'
string-named models (:mod:`causal.refute._engine`) use it. The project's batched GLM (``causal._batched_glm``)
fits replicates with a full design per replicate; here most of the design is shared, which is
what makes n = 10^5 with 100 refits cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BatchedFit:
    """Coefficients (R x (p + k)), in the order ``[X columns, z columns]``."""

    coef: np.ndarray
    converged: np.ndarray  # (R,) bool
    n_iter: int


def _as_rows(a: np.ndarray, n_rep: int, n: int) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a if a.ndim == 2 else np.broadcast_to(a, (n_rep, n))


def _shared_block(x: np.ndarray, shared: list[np.ndarray], cache: dict | None) -> list:
    """``[key, [x, shared...], column products or None]``, built once per design when ``cache``
    (owned by the caller, e.g. one refutation) is given: a fit run block by block over
    replicates reuses them. Entries are keyed by the identity of the input arrays, which the
    cache holds on to, so an identity cannot be reused by another array while cached. The
    column products (n x q(q+1)/2) are built only when a Gram matrix needs them."""
    key = (x, *shared)
    entries = cache.setdefault("blocks", []) if cache is not None else []
    for entry in entries:
        inputs = entry[0]
        if len(inputs) == len(key) and all(a is b for a, b in zip(inputs, key, strict=True)):
            return entry
    full = np.column_stack([x, *shared]) if shared else x
    entry = [key, full, None]
    entries.insert(0, entry)
    del entries[4:]
    return entry


class _Design:
    """``[x, z...]`` with shared z columns folded into x; ``order`` maps back to the input."""

    def __init__(self, x: np.ndarray, z: list[np.ndarray], cache: dict | None = None) -> None:
        shared = [j for j, zj in enumerate(z) if np.ndim(zj) == 1]
        varying = [j for j, zj in enumerate(z) if np.ndim(zj) == 2]
        p = x.shape[1]
        self._entry = _shared_block(x, [z[j] for j in shared], cache)
        self.x = self._entry[1]
        self.z = [np.asarray(z[j], dtype=float) for j in varying]
        # position of input column (x..., z0, z1, ...) in the fitted order [x, shared, varying]
        fitted_order = list(range(p)) + [p + j for j in shared] + [p + j for j in varying]
        self.order = np.argsort(fitted_order)
        self.iu = np.triu_indices(self.x.shape[1])
        self.q = self.x.shape[1] + len(self.z)

    def eta(self, coef: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        px = self.x.shape[1]
        eta = np.matmul(coef[:, :px], self.x.T, out=out)
        for j, zj in enumerate(self.z):
            eta += coef[:, px + j, None] * zj
        return eta

    @property
    def xx(self) -> np.ndarray:
        """Products of the shared columns (n x px(px+1)/2), built on first use."""
        if self._entry[2] is None:
            self._entry[2] = self.x[:, self.iu[0]] * self.x[:, self.iu[1]]
        return self._entry[2]

    def gram(self, w: np.ndarray | None, n_rep: int) -> np.ndarray:
        """``D_r' W_r D_r`` for every replicate, (R, q, q); ``w`` None means unit weights.

        The shared block ``X' W_r X`` is ``W @ products`` when a block holds enough replicates
        to amortise reading the n x px(px+1)/2 products (R >= (px + 1) / 2), else one
        ``(X * w_r)' X`` per replicate, which reads only X: at n = 10^5 a block holds two
        replicates and streaming the products for them was most of a refutation's time.
        """
        px, k = self.x.shape[1], len(self.z)
        g = np.empty((n_rep, self.q, self.q))
        if w is None:
            g[:, :px, :px] = self.x.T @ self.x
        elif 2 * n_rep >= px + 1:
            upper = w @ self.xx
            g[:, self.iu[0], self.iu[1]] = upper
            g[:, self.iu[1], self.iu[0]] = upper
        else:
            for r in range(n_rep):
                g[r, :px, :px] = (self.x * w[r][:, None]).T @ self.x
        wz = self.z if w is None else [w * zj for zj in self.z]
        for j in range(k):
            cross = wz[j] @ self.x
            g[:, :px, px + j] = cross
            g[:, px + j, :px] = cross
            for m in range(j, k):
                value = np.einsum("rn,rn->r", wz[j], self.z[m])
                g[:, px + j, px + m] = value
                g[:, px + m, px + j] = value
        return g

    def score(self, v: np.ndarray, n_rep: int) -> np.ndarray:
        """``D_r' v_r`` for v (R, n) or (n,): (R, q)."""
        head = np.broadcast_to(v @ self.x, (n_rep, self.x.shape[1]))
        if not self.z:
            return np.array(head)
        vr = _as_rows(v, n_rep, self.x.shape[0])
        tail = [np.einsum("rn,rn->r", vr, zj)[:, None] for zj in self.z]
        return np.concatenate([head] + tail, axis=1)


def fit_ols(x: np.ndarray, z: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
            n_rep: int, cache: dict | None = None) -> BatchedFit:
    """Weighted least squares for R replicates (design ``[x, z...]``, response ``y``).

    ``z`` entries and ``y`` are (n,) or (R, n); ``weights`` is (R, n) or None (all ones).
    """
    design = _Design(x, z, cache)
    g = design.gram(weights, n_rep)
    y = np.asarray(y, dtype=float)
    if weights is None:
        v = y
    elif y.ndim == 1:  # w @ (D * y) needs no (R, n) temporary for the shared block
        head = weights @ (design.x * y[:, None])
        tail = [np.einsum("rn,rn->r", weights * zj, _as_rows(y, n_rep, y.size))[:, None]
                for zj in design.z]
        coef = _solve(g, np.concatenate([head] + tail, axis=1) if tail else head)
        coef = coef[:, design.order]
        return BatchedFit(coef=coef, converged=np.isfinite(coef).all(axis=1), n_iter=1)
    else:
        v = weights * y
    coef = _solve(g, design.score(v, n_rep))[:, design.order]
    return BatchedFit(coef=coef, converged=np.isfinite(coef).all(axis=1), n_iter=1)


def fit_logistic(x: np.ndarray, z: list[np.ndarray], y: np.ndarray, weights: np.ndarray | None,
                 n_rep: int, start: np.ndarray | None = None, tol: float = 1e-5,
                 max_iter: int = 60, cache: dict | None = None) -> BatchedFit:
    """Weighted logistic regression for R replicates by Newton-Raphson (IRLS).

    Converged when the largest absolute Newton step of a replicate is below ``tol``; replicates
    that converge stop changing (their step is set to zero) while the others continue. Newton
    converges quadratically, so after a step of size ``s`` the remaining error is of order
    ``s^2``: ``tol = 1e-5`` leaves errors near 1e-10, far below any standard error.

    With six or more columns the Gram matrix ``D' W V D`` (n x q^2 work per replicate, most of
    a fit's time when q is ten or more) is recomputed only while the steps are large: once the largest step has
    shrunk below 0.1 it is held fixed (the chord method, whose fixed point is the same
    maximum likelihood estimate), each further step costs one score (n x q), and such a
    replicate is converged when its step is below ``tol**2`` (the accuracy Newton's ``tol``
    promises). A step that fails to shrink by half refreshes the Gram matrix.
    """
    design = _Design(x, z, cache)
    y = np.asarray(y, dtype=float)
    inverse = np.argsort(design.order)  # input order -> fitted order
    coef = np.zeros((n_rep, design.q))
    if start is not None:
        coef[:] = np.asarray(start, dtype=float)[inverse]
    converged = np.zeros(n_rep, dtype=bool)
    failed = np.zeros(n_rep, dtype=bool)
    # (R, n) work buffers allocated once: fresh 80 MB arrays per iteration cost more in page
    # faults than the arithmetic itself
    n = x.shape[0]
    mu, work = np.empty((n_rep, n)), np.empty((n_rep, n))
    iteration = 0
    g, chord, previous = None, False, np.inf
    wide = design.q >= 6  # below, a Gram matrix costs about what the chord steps it saves do
    for iteration in range(1, max_iter + 1):  # noqa: B007 - Newton iterations, not replicates
        design.eta(coef, out=mu)
        _expit_inplace(mu)
        if not chord:
            np.subtract(1.0, mu, out=work)
            work *= mu
            if weights is not None:
                work *= weights
            g = design.gram(work, n_rep)
        np.subtract(y, mu, out=work)
        if weights is not None:
            work *= weights
        step = _solve(g, design.score(work, n_rep))
        failed |= ~np.isfinite(step).all(axis=1)  # singular: no unique fit for this replicate
        step[converged | failed] = 0.0
        coef += step
        size = np.abs(step).max(axis=1)
        converged |= size < (max(tol * tol, 1e-13) if chord else tol)
        converged &= ~failed
        largest = float(size[~(converged | failed)].max(initial=0.0))
        # hold the Gram matrix once steps are small and shrinking; refresh it otherwise
        chord = wide and largest < 0.1 and largest < 0.5 * previous
        previous = largest
        if (converged | failed).all():
            break
    return BatchedFit(coef=coef[:, design.order], converged=converged, n_iter=iteration)


def _expit_inplace(eta: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-eta))`` in place (exp overflow gives 1/inf = 0, the right limit)."""
    with np.errstate(over="ignore"):
        np.negative(eta, out=eta)
        np.exp(eta, out=eta)
    eta += 1.0
    return np.reciprocal(eta, out=eta)


#: a replicate whose scaled Gram matrix has a larger condition number is not identified
MAX_CONDITION = 1e12


def _solve(g: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve the R small systems; rows whose system is (numerically) singular come back NaN.

    A singular replicate (e.g. a resample or subset without a treated unit, or a constant
    column) has no unique solution; a minimum-norm answer would be an arbitrary number posing as
    an estimate. The condition number is taken after scaling to unit diagonal, so columns on
    different scales do not count as collinear.
    """
    diag = np.sqrt(np.abs(np.diagonal(g, axis1=1, axis2=2)))
    diag[diag == 0] = 1.0
    scaled = g / diag[:, :, None] / diag[:, None, :]
    singular = ~(np.linalg.cond(scaled) < MAX_CONDITION)
    if singular.any():
        scaled = scaled.copy()
        scaled[singular] = np.eye(g.shape[1])
    out = np.linalg.solve(scaled, (rhs / diag)[..., None])[..., 0] / diag
    out[singular] = np.nan
    return out
