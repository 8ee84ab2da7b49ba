"""Histogram of a probabilistic bias analysis."""

from __future__ import annotations

from typing import Any

from causal.sensitivity.bias_analyses.probabilistic import BiasAnalysisResult
from causal.sensitivity.surfaces import histogram_data


def plot_bias_analysis(result: BiasAnalysisResult, *, ax: Any = None, bins: int = 60) -> Any:
    """Histograms of the systematic-error and total-error draws (log scale), with the observed
    RR and the null marked.

    Parameters
    ----------
    result : BiasAnalysisResult
    ax : matplotlib Axes, optional
    bins : int

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    for draws, colour, label in ((result.total, "#92c5de", "total error"),
                                 (result.systematic, "#b2182b", "systematic error only")):
        edges, density = histogram_data(draws, bins=bins)
        ax.stairs(density, edges, fill=True, alpha=0.5, color=colour, label=label)
    ax.axvline(result.observed_rr, color="black", lw=1.5, label="observed RR")
    ax.axvline(1.0, color="grey", lw=1, ls=":", label="null")
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    low, high = ax.get_xlim()
    ax.xaxis.set_ticks([v for v in (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6, 8)
                         if low <= v <= high])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("bias-adjusted risk ratio")
    ax.set_ylabel("density")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_title(f"Probabilistic bias analysis ({result.systematic.size} draws)", fontsize=10)
    return ax
