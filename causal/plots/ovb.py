"""Cinelli & Hazlett's contour plot of the adjusted estimate over partial R²s."""

from __future__ import annotations

from typing import Any

from causal.sensitivity.surfaces import OVBContour


def plot_ovb_contour(grid: OVBContour, *, ax: Any = None,
                     points: list[tuple[str, float, float]] | None = None,
                     contour_of: str = "estimate") -> Any:
    """Contours of the adjusted estimate (or t) with the critical contour and benchmarks.

    Parameters
    ----------
    grid : OVBContour
        From :func:`causal.sensitivity.surfaces.ovb_contour_grid`.
    ax : matplotlib Axes, optional
    points : list of (label, r2dz_x, r2yz_dx), optional
        Benchmark bounds (e.g. "1x female") to mark.
    contour_of : {"estimate", "t"}
        Draw the adjusted estimate (critical contour at 0) or the adjusted t (critical contour
        at the critical t).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    values = grid.adjusted_estimate if contour_of == "estimate" else grid.adjusted_t
    critical = 0.0 if contour_of == "estimate" else grid.critical_t
    lines = ax.contour(grid.r2dz_x, grid.r2yz_dx, values, levels=12, colors="grey",
                       linewidths=0.8)
    ax.clabel(lines, fontsize=7, fmt="%.3g")
    ax.contour(grid.r2dz_x, grid.r2yz_dx, values, levels=[critical], colors="#b2182b",
               linewidths=2, linestyles="--")
    import re

    from causal.plots._labels import place_labels

    ax.scatter([0], [0], marker="^", color="black", zorder=3, clip_on=False,
               label=f"unadjusted ({grid.estimate:.3g})")
    # Benchmarks ("2x female") get a short tag at the marker ("2x"), placed clear of the
    # others; the covariate's name and any other point go in the legend, so crowded points
    # near the origin never carry overlapping long labels.
    short, covariates = [], []
    for label, r2d, r2y in points or []:
        match = re.fullmatch(r"(\d+(?:\.\d+)?x) (.+)", label)
        if match:
            ax.scatter([r2d], [r2y], marker="D", color="#b2182b", zorder=3,
                       label=None if match.group(2) in covariates else
                       f"kx: k times as strong as {match.group(2)}")
            covariates.append(match.group(2))
            short.append((match.group(1), r2d, r2y))
        else:
            ax.scatter([r2d], [r2y], marker="*", s=90, color="#1b7837", zorder=4, label=label)
    place_labels(ax, short, fontsize=8, avoid=[(0.0, 0.0)] + [
        (r2d, r2y) for label, r2d, r2y in points or [] if (label, r2d, r2y) not in short])
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    ax.set_xlabel("partial R² of confounder with the treatment")
    ax.set_ylabel("partial R² of confounder with the outcome")
    what = "estimate" if contour_of == "estimate" else "t statistic"
    ax.set_title(f"Adjusted {what}; red dashed: critical contour ({critical:.3g})", fontsize=10)
    return ax
