"""The delta-adjusted tipping-point figure: pooled estimate and CI against the MNAR shift."""

from __future__ import annotations

from typing import Any


def delta_curve(result: Any) -> dict[str, Any]:
    """What :func:`plot_delta_tipping` draws (a pure function of the result): the deltas, the
    estimate and CI limits, the null and the tipping deltas."""
    return {"delta": result.deltas, "estimate": result.estimate, "lower": result.ci_lower,
            "upper": result.ci_upper, "null": result.null,
            "tipping_ci": result.tipping_ci, "tipping_estimate": result.tipping_estimate}


def plot_delta_tipping(result: Any, *, ax: Any = None) -> Any:
    """Draw a :class:`causal.sensitivity.tipping_points.missing_outcome.DeltaTipping`.

    Solid line: the pooled estimate; band: its CI; dashed horizontal line: the null; dotted
    vertical lines: the tipping deltas of the CI limit and of the estimate; delta = 0 is the
    missing-at-random analysis. A ratio is drawn on a log axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    curve = delta_curve(result)
    ax.fill_between(curve["delta"], curve["lower"], curve["upper"], color="#92c5de",
                    alpha=0.6, label="95% CI (Rubin's rules)")
    ax.plot(curve["delta"], curve["estimate"], color="#2166ac", lw=2, label="pooled estimate")
    ax.axhline(curve["null"], color="black", ls="--", lw=1)
    ax.axvline(0, color="grey", lw=0.8)
    for key, label in (("tipping_ci", "CI reaches the null"),
                       ("tipping_estimate", "estimate reaches the null")):
        if curve[key] is not None:
            ax.axvline(curve[key], color="#b2182b", ls=":", lw=1.5,
                       label=f"{label}: delta = {curve[key]:.2f}")
    if result.measure in ("or", "rr"):
        from matplotlib.ticker import FuncFormatter

        ax.set_yscale("log")
        for axis_format in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
            axis_format(FuncFormatter(lambda value, _: f"{value:g}"))
    who = {"treated": "treated", "control": "control", "both": "both arms'"}[result.arm]
    ax.set_xlabel(f"delta: shift of the {who} imputed missing outcomes ({result.scale})")
    ax.set_ylabel("conditional OR" if result.measure == "or" else "mean difference")
    ax.legend(fontsize=8, loc="best")
    return ax
