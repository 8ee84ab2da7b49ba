"""The estimated effect, with its pointwise confidence band, against one effect modifier."""

from __future__ import annotations

from typing import Any

from causal.estimate._heterogeneity import HeterogeneityResult, effect_curve


def plot_effect_heterogeneity(result: HeterogeneityResult, modifier: str | None = None, *,
                              ax: Any = None, values: Any = None, num: int = 50) -> Any:
    """Draw :func:`~causal.estimate._heterogeneity.effect_curve`: the effect against ``modifier``.

    A continuous modifier gives a line with a shaded pointwise CI band; a 0/1 modifier gives
    two points with error bars. A dashed line marks no effect and a dotted one the average
    effect. A binary outcome is shown in percentage points (risk difference x 100).

    Parameters
    ----------
    result : HeterogeneityResult
    modifier : str, optional
        Defaults to the first modifier.
    ax : matplotlib Axes, optional
        Drawn on a new figure's Axes if not given.
    values, num
        Grid of the modifier, as in :func:`effect_curve`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    curve = effect_curve(result, modifier, values, num=num)
    name = curve["modifier"].iloc[0]
    j = result.modifiers.index(name)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    factor = 100.0 if result.outcome_type == "binary" else 1.0
    effect, low, high = (factor * curve[c].to_numpy() for c in ("effect", "ci_lower", "ci_upper"))
    level = f"{100 * (1 - result.alpha):g}%"
    color = "#2166ac"
    if result.binary_modifiers[j] and values is None:
        ax.errorbar(curve["value"], effect, yerr=[effect - low, high - effect], fmt="o",
                    color=color, capsize=6, lw=2, label=f"effect with pointwise {level} CI")
        ax.set_xticks([0, 1], [f"{name} = 0", f"{name} = 1"])
        ax.set_xlim(-0.5, 1.5)
    else:
        ax.plot(curve["value"], effect, color=color, lw=2, label="estimated effect")
        ax.fill_between(curve["value"], low, high, color=color, alpha=0.2,
                        label=f"pointwise {level} CI")
        ax.set_xlabel(name)
    ax.axhline(0, color="black", lw=1, ls="--", label="no effect")
    ax.axhline(factor * result.ate, color="#b2182b", lw=1.2, ls=":",
               label=f"average effect ({factor * result.ate:.3g})")
    scale = ("risk difference, percentage points" if result.outcome_type == "binary"
             else "mean difference")
    ax.set_ylabel(f"effect of {result.treatment} on {result.outcome}\n({scale})")
    title = f"Effect of {result.treatment} by {name}"
    if result.simulated:
        title += " (simulated data)"
    ax.set_title(title, fontsize=10)
    held = curve.attrs["held_at"]
    if held:
        text = "others held at " + ", ".join(f"{m} = {v:.3g}" for m, v in held.items())
        ax.annotate(text, (0.01, 0.01), xycoords="axes fraction", fontsize=7, color="0.35")
    ax.legend(loc="best", frameon=True, framealpha=0.9, edgecolor="none", fontsize=8)
    return ax
