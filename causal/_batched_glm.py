"""Many logistic (and linear) regressions fitted at once with array operations.

Used by simulations and refuters that refit the same model on hundreds of thousands of
replicate data sets (the explain-away grid fits 20 x 20 x 500 models at n = 302). A Python loop
over statsmodels costs about 2 ms per fit; here every Newton iteration is a handful of batched
matrix products over all replicates of a chunk, and only the loop over iterations is in Python.

The estimates are the ordinary maximum-likelihood (or least-squares) estimates: the same
likelihood as ``statsmodels.Logit`` (``OLS``), solved by Newton's method to convergence, so they
agree with statsmodels to the convergence tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from causal.errors import ParameterError

#: a linear predictor beyond this (fitted probability within 1e-13 of 0 or 1) means the data are
#: (quasi-)separated: the maximum-likelihood estimate does not exist or is infinite.
SEPARATION_ETA = 30.0
#: target number of float64 elements per chunk array (X of one chunk is about 1.7 MB, so the
#: working arrays of a chunk stay in cache; larger chunks were not faster)
CHUNK_ELEMENTS = 216_000


@dataclass(frozen=True, eq=False)
class BatchedFit:
    """Coefficients and standard errors of ``R`` regressions of one design shape.

    Attributes
    ----------
    coef, std_error : numpy.ndarray, shape (R, p)
        Estimates and model-based standard errors (inverse observed information for logistic
        regression; ``sigma² (XᵀX)⁻¹`` for least squares). NaN where undefined.
    converged : numpy.ndarray of bool, shape (R,)
        Newton's method met the tolerance with a finite, non-separated solution and an
        invertible information matrix (for least squares: the design has full rank).
    separated : numpy.ndarray of bool, shape (R,)
        The fit drove some fitted probability to 0 or 1 (|linear predictor| > 30 for an
        observation with weight): the sign of (quasi-)complete separation, where the
        maximum-likelihood estimate does not exist. Such replicates are not converged; their
        coefficients should be excluded or reported, never averaged in silently.
    n_iter : numpy.ndarray of int, shape (R,)
        Newton iterations used (0 for least squares).
    loglik : numpy.ndarray, shape (R,)
        Log-likelihood at ``coef`` (Gaussian with the ML variance for least squares).
    """

    coef: np.ndarray
    std_error: np.ndarray
    converged: np.ndarray
    separated: np.ndarray
    n_iter: np.ndarray
    loglik: np.ndarray

    @property
    def n_replicates(self) -> int:
        return int(self.coef.shape[0])

    def wald_ci(self, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
        """Two-sided Wald limits ``coef -/+ z_{1-alpha/2} std_error``, each of shape (R, p)."""
        from causal._validation import check_alpha
        from causal.measures import z_critical

        z = z_critical(check_alpha(alpha))
        return self.coef - z * self.std_error, self.coef + z * self.std_error

    def wald_p_value(self) -> np.ndarray:
        """Two-sided Wald p-values of ``coef = 0``, shape (R, p)."""
        from scipy.special import ndtr

        return 2 * ndtr(-np.abs(self.coef / self.std_error))


def _check_design(X: Any, y: Any, *, binary: bool, weights: Any = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """Validated float arrays; batches of one next to batches of R become shared arrays."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    f = None if weights is None else np.asarray(weights, dtype=float)
    if X.ndim not in (2, 3):
        raise ParameterError(f"`X` must have shape (n, p) or (R, n, p); got shape {X.shape}.")
    if y.ndim not in (1, 2):
        raise ParameterError(f"`y` must have shape (n,) or (R, n); got shape {y.shape}.")
    n, p = X.shape[-2:]
    if y.shape[-1] != n:
        raise ParameterError(f"`y` must have one outcome per row of `X` ({n} rows); got shape "
                             f"{y.shape} for `X` of shape {X.shape}.")
    reps = {X.shape[0] if X.ndim == 3 else 1, y.shape[0] if y.ndim == 2 else 1}
    if len(reps - {1}) > 1:
        raise ParameterError(f"`X` and `y` must have the same number of replicates R; got "
                             f"`X` of shape {X.shape} and `y` of shape {y.shape}.")
    if f is not None:
        if f.ndim not in (1, 2) or f.shape[-1] != n or (
                f.ndim == 2 and len(reps - {1}) == 1 and f.shape[0] not in reps | {1}):
            raise ParameterError(f"`weights` must have shape (n,) or (R, n) matching `X` "
                                 f"{X.shape} and `y` {y.shape}; got shape {f.shape}.")
        if not np.all(np.isfinite(f)) or np.any(f < 0):
            raise ParameterError("`weights` must be finite and >= 0.")
        reps.add(f.shape[0] if f.ndim == 2 else 1)
    if p == 0 or n <= p:
        raise ParameterError(f"`X` must have more rows than columns and at least one column; "
                             f"got n = {n}, p = {p}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ParameterError("`X` and `y` must be finite (remove missing values first).")
    if binary and np.any((y != 0) & (y != 1)):
        raise ParameterError("`y` must contain only 0 and 1 for logistic regression; got "
                             f"values such as {y[(y != 0) & (y != 1)].ravel()[0]:g}.")
    n_rep = max(reps)
    # A batch of one beside a batch of R is shared, like a 2-d X or 1-d y.
    if X.ndim == 3 and X.shape[0] == 1 and n_rep > 1:
        X = X[0]
    if y.ndim == 2 and y.shape[0] == 1 and n_rep > 1:
        y = y[0]
    if f is not None and f.ndim == 2 and f.shape[0] == 1 and n_rep > 1:
        f = f[0]
    return X, y, f, n_rep


def _chunks(n_rep: int, n: int, p: int, chunk_size: int | None) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of replicates."""
    if chunk_size is None:
        chunk_size = max(1, CHUNK_ELEMENTS // (n * p))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or \
            chunk_size < 1:
        raise ParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}.")
    size = int(chunk_size)
    return [(lo, min(lo + size, n_rep)) for lo in range(0, n_rep, size)]


def _take(a: np.ndarray, lo: int, hi: int, batched_ndim: int) -> np.ndarray:
    """Rows lo:hi of a batched array, or the shared array broadcast to hi - lo replicates."""
    if a.ndim == batched_ndim:
        return a[lo:hi]
    return np.broadcast_to(a, (hi - lo, *a.shape))


def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(H, g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        # A singular information matrix in some replicate (collinear columns, or weights
        # underflowing under separation): the pseudo-inverse gives the minimum-norm step.
        return np.einsum("rij,rj->ri", np.linalg.pinv(H, hermitian=True), g)


def _inverse_diagonal(H: np.ndarray) -> np.ndarray:
    """Diagonal of each inverse; NaN where the matrix is singular to working precision.

    A batched inverse is checked by its residual ``max |H H⁻¹ - I|`` (scale-free, and about
    ``cond(H) x 1e-16``), which is much cheaper than a condition number from an SVD; a
    residual above 1e-6 (condition number beyond about 1e10) counts as singular.
    """
    try:
        inverse = np.linalg.inv(H)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(H, hermitian=True)
    with np.errstate(invalid="ignore", over="ignore"):
        residual = np.max(np.abs(np.matmul(H, inverse) - np.eye(H.shape[-1])), axis=(1, 2))
    ok = np.isfinite(residual) & (residual < 1e-6)
    return np.where(ok[:, None], np.diagonal(inverse, axis1=1, axis2=2), np.nan)


def _logit_chunk(X: np.ndarray, y: np.ndarray, f: np.ndarray | None, max_iter: int, tol: float
                 ) -> tuple[np.ndarray, ...]:
    """Newton iterations for one chunk; ``f`` are frequency weights (None: all 1)."""
    r, _, p = X.shape
    beta = np.zeros((r, p))
    n_iter = np.zeros(r, dtype=np.int64)
    converged = np.zeros(r, dtype=bool)
    separated = np.zeros(r, dtype=bool)
    # Work arrays hold only the replicates still iterating; they are compacted (one copy) when
    # some finish, which happens at only a few iterations, instead of indexing every time.
    active = np.arange(r)
    Xa, ya, fa, ba = X, y, f, beta.copy()
    weighted_x = np.empty_like(X)
    last_info = np.empty((r, p, p))
    for _ in range(max_iter):
        m = active.size
        eta = np.matmul(Xa, ba[:, :, None])[..., 0]
        with np.errstate(over="ignore"):
            mu = 1.0 / (1.0 + np.exp(-eta))
        weight = mu * (1.0 - mu)
        resid = ya - mu
        if fa is not None:
            weight *= fa
            resid *= fa
        Xta = Xa.transpose(0, 2, 1)
        grad = np.matmul(Xta, resid[:, :, None])[..., 0]
        np.multiply(Xa, weight[:, :, None], out=weighted_x[:m])
        info = np.matmul(Xta, weighted_x[:m])
        last_info[active] = info
        step = _solve(info, grad)
        new = ba + step
        n_iter[active] += 1
        finite = np.all(np.isfinite(new), axis=1)
        ba = np.where(finite[:, None], new, ba)
        done = np.max(np.abs(step), axis=1) <= tol * np.maximum(1.0, np.max(np.abs(ba), axis=1))
        wild = _max_abs_eta(eta, fa) > SEPARATION_ETA
        converged[active[done & finite & ~wild]] = True
        separated[active[wild | ~finite]] = True
        keep = ~(done | wild | ~finite)
        beta[active] = ba
        if not keep.all():
            active = active[keep]
            if active.size == 0:
                break
            Xa, ya, ba = Xa[keep], ya[keep], ba[keep]
            fa = None if fa is None else fa[keep]
    eta = np.matmul(X, beta[:, :, None])[..., 0]
    separated |= _max_abs_eta(eta, f) > SEPARATION_ETA
    converged &= ~separated
    # The information from the last iteration is evaluated at most one step (<= tol) away from
    # the estimate, so its inverse gives the standard errors to about tol (relative).
    se = np.sqrt(_inverse_diagonal(last_info))
    converged &= np.all(np.isfinite(se), axis=1)
    # log L = sum f (y eta - log(1 + e^eta)), written to avoid overflow
    terms = y * eta - np.logaddexp(0.0, eta)
    loglik = np.sum(terms if f is None else f * terms, axis=1)
    return beta, se, converged, separated, n_iter, loglik


def _max_abs_eta(eta: np.ndarray, f: np.ndarray | None) -> np.ndarray:
    """Largest |linear predictor| among observations that carry weight."""
    return np.max(np.abs(eta) if f is None else np.where(f > 0, np.abs(eta), 0.0), axis=1)


def fit_logit_batch(X: Any, y: Any, *, weights: Any = None, max_iter: int = 50,
                    tol: float = 1e-8, chunk_size: int | None = None, n_threads: int = 1
                    ) -> BatchedFit:
    """Fit ``R`` logistic regressions by vectorised Newton-Raphson (IRLS).

    Parameters
    ----------
    X : array-like, shape (R, n, p) or (n, p)
        Design matrices (include a column of ones for an intercept). A 2-d ``X`` is shared
        by all outcome vectors.
    y : array-like of 0/1, shape (R, n) or (n,)
        Outcomes. A 1-d ``y`` is shared by all designs.
    weights : array-like, shape (R, n) or (n,), optional
        Non-negative frequency weights (e.g. bootstrap counts with a shared ``X`` and ``y``):
        a weight of 2 counts an observation twice, as ``statsmodels.GLM(...,
        freq_weights=...)``.
    max_iter : int
        Newton iterations at most; replicates still moving are flagged as not converged.
    tol : float
        Convergence when ``max |step| <= tol * max(1, max |coef|)``.
    chunk_size : int, optional
        Replicates per chunk (default: about 64 replicates at n = 302, p = 11, which keeps a
        chunk's arrays in cache), bounding memory to a few chunk-sized arrays whatever ``R``.
    n_threads : int
        Chunks fitted concurrently by this many threads (NumPy releases the GIL in its
        array operations). Results do not depend on it.

    Returns
    -------
    BatchedFit

    Notes
    -----
    Newton's step for the log-likelihood ``sum_i y_i η_i - log(1 + e^{η_i})``, ``η = Xβ``:
    ``β <- β + (XᵀWX)⁻¹ Xᵀ(y - μ)`` with ``μ = expit(η)`` and ``W = diag(μ(1 - μ))`` (times
    the frequency weights, which also multiply ``y - μ``), started
    at β = 0 (as statsmodels does). Converged replicates leave the active set. Standard
    errors are the square roots of the diagonal of ``(XᵀWX)⁻¹`` at the estimate (observed =
    expected information for the canonical link). Under (quasi-)separation some ``|η|`` grows
    without bound: such replicates stop when ``|η| > 30`` and are flagged ``separated``; no
    exception is raised. A singular information matrix gives NaN standard errors.

    References
    ----------
    McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., §2.5 and §4.4.
    Albert, A. & Anderson, J. A. (1984). On the existence of maximum likelihood estimates in
    logistic regression models. Biometrika 71(1), 1-10.
    """
    X, y, f, n_rep = _check_design(X, y, binary=True, weights=weights)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ParameterError(f"`max_iter` must be a positive integer; got {max_iter!r}.")
    if not (isinstance(tol, int | float) and 0 < tol < 1):
        raise ParameterError(f"`tol` must be a number in (0, 1); got {tol!r}.")
    n, p = X.shape[-2:]
    if isinstance(n_threads, bool) or not isinstance(n_threads, int | np.integer) or \
            n_threads < 1:
        raise ParameterError(f"`n_threads` must be a positive integer; got {n_threads!r}.")

    def fit_chunk(bounds: tuple[int, int]) -> tuple[np.ndarray, ...]:
        lo, hi = bounds
        return _logit_chunk(np.ascontiguousarray(_take(X, lo, hi, 3)), _take(y, lo, hi, 2),
                            None if f is None else _take(f, lo, hi, 2), int(max_iter),
                            float(tol))

    chunks = _chunks(n_rep, n, p, chunk_size)
    if n_threads == 1 or len(chunks) == 1:
        parts = [fit_chunk(bounds) for bounds in chunks]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=int(n_threads)) as pool:
            parts = list(pool.map(fit_chunk, chunks))
    return BatchedFit(*(np.concatenate(arrays) for arrays in zip(*parts, strict=True)))


def fit_ols_batch(X: Any, y: Any, *, chunk_size: int | None = None) -> BatchedFit:
    """Fit ``R`` ordinary least-squares regressions at once (normal equations, batched solve).

    Shapes as in :func:`fit_logit_batch`. Standard errors are classical:
    ``sqrt(diag(s² (XᵀX)⁻¹))`` with ``s² = RSS / (n - p)``, as statsmodels ``OLS``. ``loglik``
    is the Gaussian log-likelihood at the ML variance ``RSS / n``. The normal equations square
    the condition number; this is meant for well-conditioned simulation designs.
    """
    X, y, _, n_rep = _check_design(X, y, binary=False)
    n, p = X.shape[-2:]
    coefs, ses, logliks = [], [], []
    for lo, hi in _chunks(n_rep, n, p, chunk_size):
        Xc, yc = _take(X, lo, hi, 3), _take(y, lo, hi, 2)
        Xt = Xc.transpose(0, 2, 1)
        gram = np.matmul(Xt, Xc)
        beta = _solve(gram, np.matmul(Xt, yc[:, :, None])[..., 0])
        rss = np.sum((yc - np.matmul(Xc, beta[:, :, None])[..., 0]) ** 2, axis=1)
        coefs.append(beta)
        ses.append(np.sqrt(_inverse_diagonal(gram) * (rss / (n - p))[:, None]))
        logliks.append(-0.5 * n * (np.log(2 * np.pi * rss / n) + 1))
    coef = np.concatenate(coefs)
    std_error = np.concatenate(ses)
    ok = np.all(np.isfinite(std_error), axis=1)
    return BatchedFit(coef=coef, std_error=std_error, converged=ok,
                      separated=np.zeros(n_rep, dtype=bool), n_iter=np.zeros(n_rep, np.int64),
                      loglik=np.concatenate(logliks))
