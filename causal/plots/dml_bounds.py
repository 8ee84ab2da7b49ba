"""Contour plot of the Long-Story-Short bound over ``cf_d`` (x) and ``cf_y`` (y)."""

from __future__ import annotations

from typing import Any

from causal.sensitivity.omitted_variable.dml_result import DMLContour


def dml_contour_points(result: Any) -> list[tuple[str, float, float]]:
    """``(label, cf_d, cf_y)`` of each benchmark with finite parameters (``cf_d < 1``)."""
    return [(b.label, b.cf_d, b.cf_y) for b in result.benchmarks if b.cf_d < 1]


def plot_dml_contour(grid: DMLContour, *, ax: Any = None,
                     points: list[tuple[str, float, float]] | None = None,
                     scenario: tuple[float, float] | None = None) -> Any:
    """Contours of the bound nearest the null, the null's contour dashed, benchmarks marked.

    Parameters
    ----------
    grid : DMLContour
        From :meth:`causal.sensitivity.omitted_variable.dml_result.DMLSensitivity.contour` or
        :func:`causal.sensitivity.omitted_variable.dml_result.dml_contour_grid`.
    ax : matplotlib Axes, optional
    points : list of (label, cf_d, cf_y), optional
        Benchmarks, e.g. :func:`dml_contour_points` of a result.
    scenario : (cf_d, cf_y), optional
        A scenario to mark (e.g. the one bounded in the result).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    values = grid.values
    lines = ax.contour(grid.cf_d, grid.cf_y, values, levels=12, colors="grey",
                       linewidths=0.8)
    ax.clabel(lines, fontsize=7, fmt="%.3g")
    if values.min() < grid.null < values.max():
        ax.contour(grid.cf_d, grid.cf_y, values, levels=[grid.null], colors="#b2182b",
                   linewidths=2, linestyles="--")
    from causal.plots._labels import place_labels

    # every marker is in the legend; labels are placed clear of each other (benchmarks near
    # the origin used to pile up there)
    ax.plot([0], [0], marker="^", color="black", ms=6, clip_on=False, ls="none",
            label=f"no latent confounder: the estimate, {grid.estimate:.3g}")
    for i, (_, cf_d, cf_y) in enumerate(points or []):
        ax.plot([cf_d], [cf_y], marker="D", color="#b2182b", ms=5, ls="none",
                label="benchmarks: a latent confounder as strong as the covariate"
                if i == 0 else None)
    if scenario is not None:
        ax.plot([scenario[0]], [scenario[1]], marker="o", mfc="none", color="black", ms=6,
                ls="none", label=f"the assumed scenario ({scenario[0]:g}, {scenario[1]:g})")
    ax.set_xlim(grid.cf_d[0], grid.cf_d[-1])
    ax.set_ylim(grid.cf_y[0], grid.cf_y[-1])
    place_labels(ax, list(points or []), fontsize=7,
                 avoid=[(0.0, 0.0)] + ([tuple(scenario)] if scenario is not None else []))
    what = "bound" if grid.value == "bound" else "one-sided confidence limit of the bound"
    ax.set_xlabel("cf_d: gain in Riesz-representer variation from the latent confounder")
    ax.set_ylabel("cf_y: share of outcome residual variation")
    ax.set_title(f"{what.capitalize()} nearest {grid.null:g} ({grid.side} bound, confounding "
                 f"at its worst, |rho| = {abs(grid.rho):g});\nred dashed contour: where it "
                 f"reaches {grid.null:g}", fontsize=9)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    return ax
