"""Funnel plot of negative-control estimates against their standard errors (Schuemie et al.
2014, figure 2): each control's estimate, the nominal 95% limits ``true +- z se`` and the
limits of the fitted empirical null ``mu +- z sqrt(sigma^2 + se^2)``."""

from __future__ import annotations

from typing import Any

import numpy as np


def funnel_lines(null_mean: float, null_sd: float, max_se: float, *, alpha: float = 0.05,
                 num: int = 100) -> dict[str, np.ndarray]:
    """The funnel's curves on a grid of SEs from 0 to ``max_se`` (pure function)."""
    from causal.measures import z_critical

    z = z_critical(alpha)
    se = np.linspace(0.0, max_se, num)
    half = z * np.sqrt(null_sd ** 2 + se ** 2)
    return {"std_error": se, "nominal_lower": -z * se, "nominal_upper": z * se,
            "null_lower": null_mean - half, "null_upper": null_mean + half}


def plot_funnel(estimates: Any, std_errors: Any, *, null_mean: float, null_sd: float,
                main: tuple[float, float] | None = None, log_scale: bool = True,
                ax: Any = None, alpha: float = 0.05) -> Any:
    """Draw the controls (estimates on the linear scale: log ratios when ``log_scale``) and
    the main estimate ``(estimate, se)`` if given; returns the Axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    y = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errors, dtype=float)
    top = float(max(se.max(), main[1] if main else 0.0)) * 1.1
    lines = funnel_lines(null_mean, null_sd, top, alpha=alpha)
    s = lines["std_error"]
    ax.fill_betweenx(s, lines["null_lower"], lines["null_upper"], color="#f4a582", alpha=0.35,
                     label="empirical null, 95%")
    ax.plot(lines["nominal_lower"], s, color="0.4", linestyle="--", linewidth=1,
            label="nominal 95% around the null")
    ax.plot(lines["nominal_upper"], s, color="0.4", linestyle="--", linewidth=1)
    ax.scatter(y, se, s=18, color="#2166ac", zorder=3, label="negative controls")
    if main is not None:
        ax.scatter([main[0]], [main[1]], s=60, marker="D", color="#b2182b", zorder=4,
                   label="main estimate")
    ax.axvline(0.0, color="0.2", linewidth=0.8)
    ax.set_ylim(top, 0.0)
    ax.set_ylabel("standard error" + (" (log scale)" if log_scale else ""))
    ax.set_xlabel("log of the estimate" if log_scale else "estimate")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7,
              frameon=False)
    return ax
