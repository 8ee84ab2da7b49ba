"""Cinelli & Hazlett's extreme-scenario plot: adjusted estimate against r2dz_x."""

from __future__ import annotations

from typing import Any

from causal.sensitivity.omitted_variable.extreme import OVBExtreme


def plot_ovb_extreme(grid: OVBExtreme, *, ax: Any = None,
                     benchmarks: list[tuple[str, float]] | None = None) -> Any:
    """One curve per ``r2yz_dx``, the zero line, and benchmark ``r2dz_x`` values as ticks.

    Parameters
    ----------
    grid : OVBExtreme
        From :func:`causal.sensitivity.omitted_variable.extreme.ovb_extreme_grid`.
    ax : matplotlib Axes, optional
    benchmarks : list of (label, r2dz_x), optional
        Marked as short red ticks on the x axis (e.g. the bounds "1x phq9_baseline").

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    styles = ["-", "--", ":", "-."]
    for i, (r2y, row) in enumerate(zip(grid.r2yz_dx, grid.adjusted_estimate, strict=True)):
        ax.plot(grid.r2dz_x, row, color="black", linestyle=styles[i % len(styles)],
                linewidth=1.2, label=f"partial R² with outcome = {r2y:g}")
    ax.axhline(0.0, color="#b2182b", linewidth=1)
    for label, r2d in benchmarks or []:
        ax.axvline(r2d, ymin=0, ymax=0.05, color="#b2182b", linewidth=2)
        ax.annotate(label, (r2d, 0), xycoords=("data", "axes fraction"),
                    textcoords="offset points", xytext=(2, 8), fontsize=7, rotation=90)
    ax.set_xlabel("partial R² of confounder with the treatment")
    ax.set_ylabel("adjusted estimate")
    ax.set_title(f"Extreme scenarios (unadjusted {grid.estimate:.3g})", fontsize=10)
    ax.legend(fontsize=8)
    return ax
