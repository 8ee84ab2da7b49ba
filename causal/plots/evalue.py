"""The E-value bias plot: pairs of confounder strengths that explain an estimate away."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal.sensitivity.evalues.evalue import EValueResult


def plot_evalue_curve(result: EValueResult, *, ax: Any = None,
                      points: list[tuple[str, float, float]] | None = None) -> Any:
    """Draw the explain-away curves of :meth:`EValueResult.curve`.

    Parameters
    ----------
    result : EValueResult
    ax : matplotlib Axes, optional
        Drawn on a new figure's Axes if not given.
    points : list of (label, rr_eu, rr_ud), optional
        Scenario points to mark (e.g. a hypothesised confounder).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    curve = result.curve()
    ax.plot(curve.rr_eu, curve.rr_ud_point, color="#b2182b", lw=2,
            label=f"explains away the estimate (E = {result.point:.2f})")
    if result.ci is not None and result.ci > 1:
        ax.plot(curve.rr_eu, curve.rr_ud_ci, color="#2166ac", lw=2, ls="--",
                label=f"explains away the CI limit (E = {result.ci:.2f})")
    from causal.plots._labels import place_labels

    ax.scatter([result.point], [result.point], color="#b2182b", zorder=3)
    for _, eu, ud in points or []:
        ax.scatter([eu], [ud], marker="s", color="black", zorder=3)
    top = float(np.nanmax([result.point * 3, 4]))
    ax.set_xlim(1, top)
    ax.set_ylim(1, top)
    # labels last, once the limits are fixed, placed clear of each other and of the markers
    place_labels(ax, [(f"E-value {result.point:.2f}", result.point, result.point)]
                 + [(label, eu, ud) for label, eu, ud in points or []], fontsize=8)
    ax.set_xlabel("RR between treatment and confounder (RR$_{EU}$)")
    ax.set_ylabel("RR between confounder and outcome (RR$_{UD}$)")
    ax.fill_between(curve.rr_eu, curve.rr_ud_point, top, color="#b2182b", alpha=0.08)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.set_title("Confounding strong enough to explain away the estimate", fontsize=10)
    return ax
