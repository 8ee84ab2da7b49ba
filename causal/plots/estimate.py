"""Plots for effect estimates: propensity overlap, love plot (balance) and forest plot.

Each ``plot_*`` takes ``ax=None`` and returns the Axes; what it shows comes from the matching
pure ``*_data`` function, which the tests check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from causal.errors import ParameterError


def _axes(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def overlap_data(result: Any, *, bins: int = 30) -> pd.DataFrame:
    """Histogram densities of the propensity score by arm, on common bins over [0, 1].

    Returns columns ``bin_left``, ``bin_right``, ``treated``, ``control`` (densities: each arm
    integrates to 1) for a result whose method estimated propensity scores.
    """
    diag = getattr(result, "diagnostics", {})
    if "propensity" not in diag:
        raise ParameterError(f"`result` must come from a propensity-score method (IPW, AIPW, "
                             f"PS matching); got method {getattr(result, 'method', '?')!r}.")
    e, a = np.asarray(diag["propensity"]), np.asarray(diag["treated"]) == 1
    edges = np.linspace(0.0, 1.0, bins + 1)
    treated, _ = np.histogram(e[a], bins=edges, density=True)
    control, _ = np.histogram(e[~a], bins=edges, density=True)
    return pd.DataFrame({"bin_left": edges[:-1], "bin_right": edges[1:], "treated": treated,
                         "control": control})


def plot_overlap(result: Any, *, ax: Any = None, bins: int = 30) -> Any:
    """Mirrored histogram of propensity scores (treated up, control down)."""
    ax = _axes(ax)
    data = overlap_data(result, bins=bins)
    width = data.bin_right - data.bin_left
    ax.bar(data.bin_left, data.treated, width=width, align="edge", color="#b2182b", alpha=0.7,
           label="treated")
    ax.bar(data.bin_left, -data.control, width=width, align="edge", color="#2166ac", alpha=0.7,
           label="control")
    for limit in result.diagnostics.get("overlap_limits", ()):
        ax.axvline(limit, color="grey", ls=":", lw=1)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("propensity score")
    ax.set_ylabel("density (control mirrored below)")
    share = result.diagnostics.get("extreme_share", float("nan"))
    ax.set_title(f"Propensity overlap ({share:.1%} outside [0.05, 0.95])", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return ax


def love_data(result: Any) -> pd.DataFrame:
    """The balance table (``covariate``, ``smd_before``, ``smd_after``), ordered by
    ``|smd_before|`` descending."""
    balance = getattr(result, "diagnostics", {}).get("balance")
    if balance is None:
        raise ParameterError(f"`result` must come from a weighting or matching method; got "
                             f"method {getattr(result, 'method', '?')!r}.")
    order = np.argsort(-np.abs(balance["smd_before"].to_numpy()), kind="stable")
    return balance.iloc[order].reset_index(drop=True)


def plot_love(result: Any, *, ax: Any = None, threshold: float = 0.1) -> Any:
    """Absolute standardised mean differences before and after weighting/matching."""
    ax = _axes(ax)
    data = love_data(result)
    y = np.arange(len(data))[::-1]
    ax.scatter(np.abs(data.smd_before), y, marker="o", facecolors="none", edgecolors="#2166ac",
               label="before")
    ax.scatter(np.abs(data.smd_after), y, marker="o", color="#b2182b",
               label=f"after ({result.method})")
    ax.axvline(threshold, color="grey", ls=":", lw=1)
    ax.set_yticks(y, data.covariate)
    ax.set_xlabel("|standardised mean difference|")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("Covariate balance", fontsize=10)
    return ax


def forest_data(results: Sequence[Any]) -> pd.DataFrame:
    """One row per estimate: ``label``, ``measure``, ``estimate``, ``ci_lower``, ``ci_upper``,
    ``ratio`` (log axis); all results must share the measure's scale (ratio or difference)."""
    if not results:
        raise ParameterError("`results` must hold at least one EffectEstimate; got none.")
    rows = [{"label": f"{r.method}: {r.label}", "measure": r.measure, "estimate": r.estimate,
             "ci_lower": r.ci[0], "ci_upper": r.ci[1], "ratio": r.measure in ("rr", "or")}
            for r in results]
    frame = pd.DataFrame(rows)
    if frame["ratio"].nunique() > 1:
        raise ParameterError("`results` mix ratio (RR, OR) and difference measures; draw them "
                             "in separate forest plots.")
    return frame


def plot_forest(results: Sequence[Any], *, ax: Any = None) -> Any:
    """Point estimates and confidence intervals of several estimates on one axis."""
    ax = _axes(ax)
    data = forest_data(results)
    y = np.arange(len(data))[::-1]
    ax.errorbar(data.estimate, y, xerr=[data.estimate - data.ci_lower,
                                        data.ci_upper - data.estimate],
                fmt="s", color="black", capsize=3)
    ratio = bool(data.ratio.iloc[0])
    ax.axvline(1.0 if ratio else 0.0, color="grey", ls=":", lw=1)
    if ratio:
        from matplotlib.ticker import FuncFormatter, LogLocator

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_yticks(y, data.label)
    level = round(100 * (1 - results[0].alpha), 1)
    ax.set_xlabel(f"estimate ({level:g}% CI" + (", log scale)" if ratio else ")"))
    return ax
