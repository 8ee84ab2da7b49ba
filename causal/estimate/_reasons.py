"""One sentence for an estimate that cannot be computed, naming the estimator and the cells.

Every estimator that meets valid data it cannot estimate on (separation, an empty stratum, no
overlap) raises :class:`~causal.errors.NotEstimableError` whose message starts with the
estimator's label (``"g-computation (ATE): ..."``), so a study's table can show it as that
estimator's row; warnings start the same way, so each says which estimator it comes from.
"""

from __future__ import annotations

import numpy as np

from causal.errors import NotEstimableError

#: a fitted probability within this of 0 or 1 marks a separated unit (|eta| above about 32)
BOUNDARY = 1e-14
#: at most this many covariate cells are named in a sentence
MAX_CELLS = 3


def label(method: str, estimand: str | None = None) -> str:
    """``"IPW (ATT)"``: the prefix of every sentence an estimator writes."""
    return f"{method} ({estimand.upper()})" if estimand else method


def describe_cells(x: np.ndarray, names: tuple[str, ...], rows: np.ndarray) -> str:
    """The covariate cells of the units ``rows`` (a boolean mask), in design-column words:
    ``"age[child]=1, sex[women]=1"`` per cell, at most :data:`MAX_CELLS` of them."""
    if not rows.any():
        return "no unit"
    if x.shape[1] == 0:
        return f"all {int(rows.sum())} units (no covariates)"
    cells, counts = np.unique(x[rows], axis=0, return_counts=True)
    if len(cells) > MAX_CELLS and not np.all(np.isin(x[rows], (0.0, 1.0))):
        return f"{int(rows.sum())} units in {len(cells)} covariate patterns"
    words = []
    for cell, count in list(zip(cells, counts, strict=True))[:MAX_CELLS]:
        parts = [f"{name}={value:g}" for name, value in zip(names, cell, strict=True)]
        words.append(f"[{', '.join(parts)}] ({int(count)} units)")
    more = f" and {len(cells) - MAX_CELLS} more cells" if len(cells) > MAX_CELLS else ""
    return "; ".join(words) + more


def boundary_rows(fitted: np.ndarray) -> np.ndarray:
    """Units whose fitted probability is 0 or 1 to :data:`BOUNDARY`."""
    f = np.asarray(fitted, dtype=float)
    return (f < BOUNDARY) | (f > 1 - BOUNDARY)


def separation_sentence(model: str, x: np.ndarray, names: tuple[str, ...],
                        fitted: np.ndarray, where: str = "") -> str:
    """``"the logistic <model> separates the data<where>: its fitted probability is 0 or 1
    (to 1e-14) for <cells>, so no finite maximum-likelihood estimate exists"`` (the reason;
    the caller prefixes its label)."""
    cells = describe_cells(x, names, boundary_rows(fitted))
    return (f"the logistic {model} separates the data{where}: its fitted probability is 0 "
            f"or 1 (to 1e-14) for {cells}, so no finite maximum-likelihood estimate exists")


def not_estimable(who: str, reason: str) -> NotEstimableError:
    """The error to raise: ``"<who>: <reason>."`` with ``estimator`` and ``reason`` set."""
    reason = reason.rstrip(".")
    return NotEstimableError(f"{who}: {reason}.", estimator=who, reason=reason)
