"""Scores and the separable approximation for matched sets with several controls (the
arithmetic behind :mod:`causal.sensitivity.rosenbaum_bounds.matched_sets`, whose docstring defines it)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causal.errors import DataError, ParameterError


def check_sets(treated: Any, controls: Any) -> np.ndarray:
    """(sets x units) responses, the treated unit first, NaN for a missing control."""
    try:
        t = np.array(treated, dtype=float)
        c = np.array(controls, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError("`treated` and `controls` must contain numbers only (NaN for a "
                             "missing control).") from None
    if t.ndim != 1 or t.size == 0:
        raise ParameterError(f"`treated` must be a non-empty 1-d array (one response per "
                             f"matched set); got shape {t.shape}.")
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != t.size:
        raise ParameterError(f"`controls` must be a (sets x controls) array with one row per "
                             f"treated response ({t.size}); got shape {c.shape}.")
    if not np.all(np.isfinite(t)):
        raise ParameterError("`treated` must be finite in every matched set; it has "
                             f"{int(np.sum(~np.isfinite(t)))} missing or infinite values.")
    if np.any(np.isinf(c)):
        raise ParameterError("`controls` must be finite or NaN (a missing control); it has "
                             "infinite values.")
    empty = int(np.sum(np.all(np.isnan(c), axis=1)))
    if empty:
        raise DataError(f"every matched set needs at least one control; {empty} set(s) have "
                        "none (drop them).")
    return np.column_stack([t, c])


def m_scores(y: np.ndarray, *, inner: float, trim: float, scale_quantile: float,
             effect_on_treated: bool) -> tuple[np.ndarray, float]:
    """Scores ``q_ij`` of a (sets x units) matrix, treated first, NaN for absent units, and
    the scale ``h`` (NaN when unused); the module docstring gives the definition
    (sensitivitymv's ``mscorev``)."""
    present = ~np.isnan(y)
    n_sets = y.shape[0]
    diffs = y[:, :, None] - y[:, None, :]  # [i, j, k] = y_ij - y_ik; NaN if either is absent
    scale = math.nan
    if trim < math.inf or inner > 0:
        m = y.shape[1]
        off_diagonal = ~np.eye(m, dtype=bool)[None, :, :] & ~np.isnan(diffs)
        scale = float(np.quantile(np.abs(diffs[off_diagonal]), scale_quantile))
        if scale <= 0:
            raise DataError(f"the {scale_quantile:g} quantile of the absolute within-set "
                            "differences is 0, so they cannot be scaled; use a larger "
                            "`scale_quantile`.")
        w = np.abs(diffs) / scale
        if trim == math.inf:
            magnitude = np.maximum(w - inner, 0.0)
        elif inner == trim:
            magnitude = (w > inner).astype(float)
        else:
            magnitude = np.minimum(1.0, np.maximum(w - inner, 0.0) / (trim - inner))
        diffs = np.sign(diffs) * magnitude
    scores = np.nansum(diffs, axis=2)  # psi(0) = 0 on the diagonal
    scores[~present] = np.nan
    size = present.sum(axis=1).astype(float)
    divisor = (size - 1) * n_sets if effect_on_treated else size
    return scores / divisor[:, None], scale


#: cells of one (gammas x sets x a) block: bounds the memory of the vectorised Γ grid (~80 MB)
BLOCK_CELLS = 10_000_000


def separable_bounds(scores: np.ndarray, gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum over sets of the maximal expectation and its variance, per Γ (separable
    approximation, module docstring); ``scores`` is (sets x units) with NaN for absent units.
    Vectorised over sets and Γ, in blocks of Γ of at most :data:`BLOCK_CELLS` cells."""
    size = np.sum(~np.isnan(scores), axis=1)
    expectation = np.zeros(gamma.size)
    variance = np.zeros(gamma.size)
    for m in np.unique(size):
        q = np.sort(scores[size == m], axis=1)[:, :m]  # NaN sorts last
        low = np.cumsum(q, axis=1)[:, :-1]  # a = 1 .. m-1: sum of the a smallest
        low2 = np.cumsum(q * q, axis=1)[:, :-1]
        high = q.sum(axis=1, keepdims=True) - low
        high2 = (q * q).sum(axis=1, keepdims=True) - low2
        a = np.arange(1, m)[None, None, :]
        step = max(1, BLOCK_CELLS // max(1, low.size))
        for start in range(0, gamma.size, step):
            g = gamma[start:start + step, None, None]
            denom = a + g * (m - a)
            mu = (low[None] + g * high[None]) / denom  # (gammas, sets, a)
            var = (low2[None] + g * high2[None]) / denom - mu * mu
            best = mu.max(axis=2, keepdims=True)
            # senm keeps the largest variance among a's with equal expectation (ties are exact
            # at Γ = 1, where every a gives the same mean and variance)
            tied = mu >= best - 1e-12 * (1.0 + np.abs(best))
            expectation[start:start + step] += best[..., 0].sum(axis=1)
            variance[start:start + step] += np.where(tied, var, -np.inf).max(axis=2).sum(axis=1)
    return expectation, variance


def sets_from_long(outcome: Any, treatment: Any, matched_set: Any
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(treated, controls)`` from one row per person, as ``senm(y, z, mset)`` takes them.

    Parameters
    ----------
    outcome : array-like
        Responses, no missing values.
    treatment : array-like
        1 for the treated person of a set, 0 for a control.
    matched_set : array-like
        Set labels (any hashable values); each set holds exactly one treated person and at
        least one control.

    Returns
    -------
    treated : numpy.ndarray, shape (n_sets,)
    controls : numpy.ndarray, shape (n_sets, max controls)
        NaN-padded; sets in order of first appearance, controls in their row order.
    """
    import pandas as pd

    y = np.array(outcome, dtype=float) if np.ndim(outcome) == 1 else None
    if y is None or not np.all(np.isfinite(y)):
        raise ParameterError("`outcome` must be a 1-d array of finite numbers (one per person).")
    z = np.asarray(treatment)
    sets = pd.Series(np.asarray(matched_set))
    if z.shape != y.shape or sets.size != y.size:
        raise ParameterError(f"`outcome`, `treatment` and `matched_set` must have the same "
                             f"length; got {y.size}, {z.size} and {sets.size}.")
    if not np.all(np.isin(z, (0, 1))):
        raise ParameterError("`treatment` must be 0 (control) or 1 (treated) for everyone.")
    if sets.isna().any():
        raise ParameterError("`matched_set` must label every person; it has missing values.")
    codes, _ = pd.factorize(sets)
    n_sets = int(codes.max()) + 1
    treated_count = np.bincount(codes, weights=(z == 1), minlength=n_sets)
    control_count = np.bincount(codes, weights=(z == 0), minlength=n_sets).astype(int)
    bad = int(np.sum((treated_count != 1) | (control_count < 1)))
    if bad:
        raise DataError(f"every matched set must contain one treated person and at least one "
                        f"control; {bad} set(s) do not.")
    treated = np.empty(n_sets)
    treated[codes[z == 1]] = y[z == 1]
    controls = np.full((n_sets, int(control_count.max())), np.nan)
    is_control = z == 0
    control_codes = codes[is_control]
    order = np.argsort(control_codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(control_count)[:-1]])
    position = np.arange(order.size) - starts[control_codes[order]]
    controls[control_codes[order], position] = y[is_control][order]
    return treated, controls
