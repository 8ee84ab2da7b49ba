"""Input checks and signed-rank scores shared by the matched-pair sensitivity analyses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from causal.errors import ParameterError


def _is_pair_of_arrays(value: Any) -> bool:
    return (isinstance(value, tuple | list) and len(value) == 2
            and all(np.ndim(part) == 1 for part in value))


def _vector(value: Any, name: str) -> np.ndarray:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray) and not hasattr(
            value, "__array__"):
        raise ParameterError(f"`{name}` must be a one-dimensional array of numbers; got "
                             f"{type(value).__name__}.")
    try:
        out = np.array(value, dtype=float)  # a copy: the caller's data are never modified
    except (TypeError, ValueError):
        raise ParameterError(f"`{name}` must contain numbers only.") from None
    if out.ndim != 1:
        raise ParameterError(f"`{name}` must be one-dimensional; got shape {out.shape}.")
    if not np.all(np.isfinite(out)):
        raise ParameterError(f"`{name}` must be finite; it has {int(np.sum(~np.isfinite(out)))} "
                             "missing or infinite values (drop incomplete pairs first).")
    return out


def matched_differences(differences: Any) -> np.ndarray:
    """Treated-minus-control differences from a 1-d array, or from ``(treated, control)``."""
    if _is_pair_of_arrays(differences):
        treated = _vector(differences[0], "differences[0] (treated responses)")
        control = _vector(differences[1], "differences[1] (control responses)")
        if treated.size != control.size:
            raise ParameterError(
                f"Matched pairs must have one treated and one control response each; got "
                f"{treated.size} treated and {control.size} control responses."
            )
        d = treated - control
    else:
        d = _vector(differences, "differences")
    if d.size == 0:
        raise ParameterError("`differences` must hold at least one matched pair; got none.")
    return d


def check_gammas(gamma: Any) -> np.ndarray:
    """Γ values as a 1-d float array, each finite and >= 1."""
    g = np.atleast_1d(np.array(gamma, dtype=float))
    if g.ndim != 1 or g.size == 0:
        raise ParameterError(f"`gamma` must be a number or a 1-d array of numbers; got shape "
                             f"{np.shape(gamma)}.")
    if np.any(~np.isfinite(g)) or np.any(g < 1):
        raise ParameterError(f"`gamma` must be finite and >= 1 (1 means no hidden bias); got "
                             f"{g.tolist()}.")
    return g


def signed_rank_scores(d: np.ndarray, zero_method: str) -> np.ndarray:
    """Mid-rank scores of ``|d|``; zeros scored 0 (Pratt) or removed ("drop")."""
    from scipy.stats import rankdata

    if zero_method == "drop":
        d = d[d != 0]
        return rankdata(np.abs(d))
    scores = rankdata(np.abs(d))
    scores[d == 0] = 0.0
    return scores
