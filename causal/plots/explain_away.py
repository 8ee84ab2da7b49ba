"""Contour plot of the explain-away simulation: the adjusted OR a null effect would produce."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal.sensitivity.simulations.explain_away import ExplainAwayResult
from causal.study.values.bias_factors import bounding_factor


def explain_away_plot_data(result: ExplainAwayResult) -> dict[str, Any]:
    """Everything the plot draws, as arrays (pure; tested without matplotlib).

    Returns
    -------
    dict with
        ``x``, ``y``: the confounder's OR with uptake and with recovery (grid axes);
        ``mean_or``: geometric-mean adjusted OR, shape (len(y), len(x)) for ``contourf``;
        ``p_at_least``: P(OR >= reported), same shape;
        ``bias_factor``: each cell's bounding factor ``B(RR_EU, RR_UD)`` from the risk ratios the
        solved model implies (the E-value curve is the contour ``B = evalue_rr``);
        ``levels``: contour levels of the mean OR; ``reported``; ``evalue_rr``;
        ``benchmarks``: list of (name, x, y) for the measured covariates.
    """
    mean_or = result.mean_or.T
    # B(RR_EU, RR_UD) per cell; unmatched cells (NaN) stay NaN
    eu, ud = np.fmax(result.rr_eu, 1.0), np.fmax(result.rr_ud, 1.0)
    ok = np.isfinite(eu) & np.isfinite(ud)
    bias = np.full(eu.shape, np.nan)
    bias[ok] = bounding_factor(eu[ok], ud[ok])
    top = float(np.nanmax(mean_or)) if np.any(np.isfinite(mean_or)) else 2.0
    levels = np.unique(np.round(np.geomspace(0.9, max(top, 1.0) * 1.02, 12), 2))
    return {"x": result.uptake_ors, "y": result.recovery_ors, "mean_or": mean_or,
            "p_at_least": result.p_at_least.T, "bias_factor": np.asarray(bias).T,
            "levels": levels, "reported": result.reported_or, "evalue_rr": result.evalue_rr,
            "benchmarks": [(name, v[0], v[1]) for name, v in result.benchmarks.items()]}


def plot_explain_away(result: ExplainAwayResult, *, ax: Any = None) -> Any:
    """Mean adjusted OR over the grid, with the 2.54 frontier, E-value curve and benchmarks.

    Parameters
    ----------
    result : ExplainAwayResult
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6.6, 5.2))
    from matplotlib.lines import Line2D

    d = explain_away_plot_data(result)
    x, y = d["x"], d["y"]
    filled = ax.contourf(x, y, d["mean_or"], levels=d["levels"], cmap="YlOrRd", extend="both")
    filled.set_rasterized(True)  # the filled contours are one image in an SVG
    bar = ax.figure.colorbar(filled, ax=ax, pad=0.02)
    bar.set_label("mean adjusted OR under a true OR of 1 (geometric)", fontsize=8)
    handles = []
    if np.nanmax(d["mean_or"]) >= d["reported"]:
        ax.contour(x, y, d["mean_or"], levels=[d["reported"]], colors="black", linewidths=2.2)
        handles.append(Line2D([], [], color="black", lw=2.2,
                              label=f"mean adjusted OR = {d['reported']:g}"))
    if np.nanmax(d["p_at_least"]) >= 0.5:
        ax.contour(x, y, d["p_at_least"], levels=[0.5], colors="black", linewidths=1.2,
                   linestyles="--")
        handles.append(Line2D([], [], color="black", lw=1.2, ls="--",
                              label=f"P(OR \u2265 {d['reported']:g}) = 0.5"))
    bias = d["bias_factor"]
    if np.any(np.isfinite(bias)) and np.nanmax(bias) >= d["evalue_rr"]:
        ax.contour(x, y, bias, levels=[d["evalue_rr"]], colors="#2166ac", linewidths=2,
                   linestyles=":")
        handles.append(Line2D([], [], color="#2166ac", lw=2, ls=":",
                              label=f"E-value curve (bounding factor = RR {d['evalue_rr']:.2f})"))
    for _, bx, by in d["benchmarks"]:
        # clip_on=False: benchmarks at OR 1 sit on the axis and must not be cut in half
        ax.scatter([bx], [by], marker="D", s=28, color="#1a9850", edgecolor="black", zorder=4,
                   clip_on=False)
    if d["benchmarks"]:
        handles.append(Line2D([], [], marker="D", color="#1a9850", markeredgecolor="black",
                              ls="", label="covariates at their ASSUMED strength per SD"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ticks = [t for t in (1, 1.5, 2, 3, 5, 8, 12, 20, 30, 50) if x.min() <= t <= x.max()]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ticks = [t for t in (1, 1.5, 2, 3, 5, 8, 12, 20, 30, 50) if y.min() <= t <= y.max()]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    if d["benchmarks"]:  # labels placed clear of each other and inside the axes
        from causal.plots._labels import place_labels

        for annotation in place_labels(ax, [(name.replace("_baseline", ""), bx, by)
                                            for name, bx, by in d["benchmarks"]], fontsize=7):
            annotation.set_color("#1a4d2e")
    ax.set_xlabel("hidden confounder's OR with taking up support")
    ax.set_ylabel("hidden confounder's OR with recovery")
    ax.set_title(f"SIMULATED: adjusted OR with no true effect (n = {result.n}, "
                 f"prevalence {result.prevalence:g}, {result.replicates} replicates/cell)",
                 fontsize=9)
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    return ax
