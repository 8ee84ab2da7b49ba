"""Tipping heatmap: bias-adjusted estimate over prevalence difference and outcome effect."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causal.sensitivity.surfaces import TippingSurface


def plot_tipping_heatmap(surface: TippingSurface, *, ax: Any = None,
                         points: list[tuple[str, float, float]] | None = None) -> Any:
    """Draw :func:`causal.sensitivity.surfaces.tipping_surface` as a heatmap.

    Colour: the bias-adjusted RR (log scale, centred on the null). Solid black contour: where
    the estimate tips (adjusted RR = null); dashed: where the CI limit nearest the null tips.

    Parameters
    ----------
    surface : TippingSurface
    ax : matplotlib Axes, optional
    points : list of (label, prevalence_difference, outcome_rr), optional
        Scenarios to mark.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.colors import TwoSlopeNorm

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    x, y = surface.prevalence_difference, surface.outcome_rr
    z = np.log(surface.adjusted_rr / surface.rr_true)
    span = float(np.nanmax(np.abs(z))) or 1.0
    mesh = ax.pcolormesh(x, y, z, cmap="RdBu_r", norm=TwoSlopeNorm(0, -span, span),
                         shading="nearest")
    mesh.set_rasterized(True)  # a pixel grid: an SVG keeps it as one image, not 10^4 cells
    colorbar = ax.figure.colorbar(mesh, ax=ax)
    # ticks in RR units (the scale of the report's tables), placed on the log scale
    ticks = [v for v in (0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4)
             if -span <= math.log(v) <= span]
    colorbar.set_ticks([math.log(v) for v in ticks])
    colorbar.set_ticklabels([f"{v * surface.rr_true:g}" for v in ticks])
    colorbar.set_label("bias-adjusted risk ratio (log scale; white: the null)")
    ax.contour(x, y, z, levels=[0], colors="black", linewidths=2)
    if surface.adjusted_ci is not None:
        ax.contour(x, y, np.log(surface.adjusted_ci / surface.rr_true), levels=[0],
                   colors="black", linewidths=1.5, linestyles="--")
    for label, dx, gamma in points or []:
        ax.scatter([dx], [gamma], marker="s", color="black", zorder=3)
        ax.annotate(label, (dx, gamma), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    low, high = ax.get_ylim()
    ax.yaxis.set_ticks([v for v in (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 6, 8)
                         if low <= v <= high])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(f"prevalence among treated minus among controls "
                  f"(control prevalence {surface.prevalence_control:.0%})")
    ax.set_ylabel("confounder-outcome risk ratio")
    ax.set_title("Where a binary confounder tips the estimate (solid) and the CI (dashed)",
                 fontsize=10)
    return ax
