"""The literature figure: the distribution of the findings' E-values (point and CI limit)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: steps drawn per curve (a curve of 10^5 steps took 0.4 s to render and looks the same)
MAX_STEPS = 2000


def ecdf_data(rows: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Sorted E-values of ``column`` (NaN dropped) and their empirical CDF."""
    values = np.sort(rows[column].to_numpy(dtype=float))
    values = values[~np.isnan(values)]
    return values, np.arange(1, len(values) + 1) / max(len(values), 1)


def plot_literature_evalues(rows: pd.DataFrame, *, thresholds: tuple[float, ...] = (),
                            ax: Any = None) -> Any:
    """Empirical CDFs of the E-values of the point estimates and of the CI limits (log x
    axis), with the user's thresholds as vertical lines; returns the Axes."""
    if ax is None:
        from causal.plots._figure import new_figure

        _, ax = new_figure()
    for column, label, style in (("evalue_point", "point estimate", "-"),
                                 ("evalue_ci", "CI limit nearest the null", "--")):
        x, y = ecdf_data(rows, column)
        count = len(x)
        if count > MAX_STEPS:  # the same picture from 2,000 evenly spaced order statistics
            keep = np.unique(np.linspace(0, count - 1, MAX_STEPS).round().astype(int))
            x, y = x[keep], y[keep]
        if count:
            ax.step(x, y, where="post", ls=style, lw=1.8, label=f"{label} (n = {count:,})")
    for t in thresholds:
        ax.axvline(t, color="#777", lw=0.8, ls=":")
        ax.text(t, 1.01, f"{t:g}", ha="center", va="bottom", fontsize=8, color="#555",
                transform=ax.get_xaxis_transform())
    ax.set_xscale("log")
    ax.set_xlabel("E-value (risk-ratio scale; computed from the reported numbers)")
    ax.set_ylabel("share of findings with an E-value at most x")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower right", fontsize=8)
    return ax
