"""Validation and chunking for fits with a design per replicate (:func:`fit_logit_batch`,
:func:`fit_ols_batch`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal._glm.result import GLMFit
from causal.errors import ParameterError

#: target number of float64 elements per chunk array (X of one chunk is about 1.7 MB, so the
#: working arrays of a chunk stay in cache; larger chunks were not faster)
CHUNK_ELEMENTS = 216_000


def check_design(X: Any, y: Any, *, binary: bool, weights: Any = None
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
    if X.ndim == 3 and X.shape[0] == 1 and n_rep > 1:
        X = X[0]
    if y.ndim == 2 and y.shape[0] == 1 and n_rep > 1:
        y = y[0]
    if f is not None and f.ndim == 2 and f.shape[0] == 1 and n_rep > 1:
        f = f[0]
    return X, y, f, n_rep


def chunks(n_rep: int, n: int, p: int, chunk_size: int | None) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of replicates."""
    if chunk_size is None:
        chunk_size = max(1, CHUNK_ELEMENTS // (n * p))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or \
            chunk_size < 1:
        raise ParameterError(f"`chunk_size` must be a positive integer; got {chunk_size!r}.")
    size = int(chunk_size)
    return [(lo, min(lo + size, n_rep)) for lo in range(0, n_rep, size)]


def take(a: np.ndarray, lo: int, hi: int, batched_ndim: int) -> np.ndarray:
    """Rows lo:hi of a batched array, or the shared array broadcast to hi - lo replicates."""
    if a.ndim == batched_ndim:
        return a[lo:hi]
    return np.broadcast_to(a, (hi - lo, *a.shape))


def concatenate(parts: list[GLMFit]) -> GLMFit:
    """One fit from the fits of consecutive chunks."""
    def cat(name: str) -> np.ndarray | None:
        values = [getattr(part, name) for part in parts]
        return None if values[0] is None else np.concatenate(values)

    return GLMFit(coef=cat("coef"), converged=cat("converged"), separated=cat("separated"),
                  n_iter=cat("n_iter"), family=parts[0].family, cov=cat("cov"),
                  dispersion=cat("dispersion"), loglik=cat("loglik"))
