"""Grids behind the sensitivity figures: pure functions of numbers, checked by the tests and
drawn by :mod:`causal.plots`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from causal._validation import check_probability
from causal.errors import ParameterError
from causal.sensitivity._scale import to_rr_scale
from causal.sensitivity.omitted_variable.ovb import _check_dof, _t_quantile, ovb_bias
from causal.sensitivity.tipping_points.risk_ratio import binary_bias_factor


@dataclass(frozen=True, eq=False)
class TippingSurface:
    """Bias-adjusted RR over a grid of prevalence differences and outcome risk ratios.

    ``adjusted_rr[i, j]`` is the observed RR divided by the bias factor of a binary confounder
    with prevalence ``prevalence_control + prevalence_difference[j]`` among the treated,
    ``prevalence_control`` among controls and outcome risk ratio ``outcome_rr[i]``;
    ``adjusted_ci[i, j]`` the same for the CI limit nearest the null (None without a CI).
    Cells where the treated prevalence would exceed 1 are NaN.
    """

    prevalence_difference: np.ndarray
    outcome_rr: np.ndarray
    prevalence_control: float
    adjusted_rr: np.ndarray
    adjusted_ci: np.ndarray | None
    observed_rr: float
    rr_true: float
    input_name: str


def tipping_surface(measure: Any, *, prevalence_control: float = 0.2,
                    prevalence_difference: Any = None, outcome_rr: Any = None,
                    true: float = 1.0) -> TippingSurface:
    """Grid of bias-adjusted risk ratios for the tipping heatmap (see :class:`TippingSurface`)."""
    scale = to_rr_scale(measure)
    p0 = check_probability(prevalence_control, "prevalence_control")
    diffs = (np.linspace(0, 1 - p0, 61) if prevalence_difference is None
             else np.asarray(prevalence_difference, dtype=float))
    gammas = (np.geomspace(1, 8, 71) if outcome_rr is None
              else np.asarray(outcome_rr, dtype=float))
    if np.any(gammas <= 0):
        raise ParameterError(f"`outcome_rr` values must be > 0; got min {gammas.min():g}.")
    p1 = p0 + diffs[None, :]
    bias = binary_bias_factor(p1, p0, gammas[:, None])
    bias = np.where((p1 >= 0) & (p1 <= 1), bias, np.nan)
    _, limit = scale.ci_limit(scale.to_rr(true))
    adjusted_ci = None if limit is None else limit / bias
    return TippingSurface(diffs, gammas, p0, scale.rr_point / bias, adjusted_ci, scale.rr_point,
                          scale.to_rr(true), scale.input_name)


@dataclass(frozen=True, eq=False)
class OVBContour:
    """Adjusted estimates and t statistics over a grid of partial R²s (Cinelli & Hazlett's
    contour plot). Rows index ``r2yz_dx``, columns ``r2dz_x``."""

    r2dz_x: np.ndarray
    r2yz_dx: np.ndarray
    adjusted_estimate: np.ndarray
    adjusted_t: np.ndarray
    critical_t: float
    estimate: float


def ovb_contour_grid(estimate: float, std_error: float, dof: float, *, reduce: bool = True,
                     alpha: float = 0.05, r2dz_x: Any = None, r2yz_dx: Any = None) -> OVBContour:
    """Adjusted estimate and t over a partial-R² grid (vectorised :func:`adjusted_estimate`)."""
    dof = _check_dof(dof)
    r2d = np.linspace(0, 0.5, 101) if r2dz_x is None else np.asarray(r2dz_x, dtype=float)
    r2y = np.linspace(0, 0.5, 101) if r2yz_dx is None else np.asarray(r2yz_dx, dtype=float)
    if np.any(r2d < 0) or np.any(r2d >= 1) or np.any(r2y < 0) or np.any(r2y > 1):
        raise ParameterError("partial R² grids must lie in [0, 1) (treatment) and [0, 1] "
                             "(outcome).")
    d, y = np.meshgrid(r2d, r2y)
    bias = ovb_bias(std_error, dof, d, y)
    sign = np.sign(estimate) if estimate != 0 else 1.0
    adjusted = estimate - sign * bias if reduce else estimate + sign * bias
    adj_se = std_error * np.sqrt((1 - y) / (1 - d)) * np.sqrt(dof / (dof - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        adj_t = adjusted / adj_se
    return OVBContour(r2d, r2y, adjusted, adj_t, _t_quantile(alpha, dof - 1), estimate)


def histogram_data(draws: Any, *, bins: int = 60, log_scale: bool = True
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, densities) of positive draws, with edges equally spaced on the log scale
    when ``log_scale`` (the natural scale of a ratio). Densities integrate to 1."""
    values = np.asarray(draws, dtype=float)
    if values.size == 0:
        raise ParameterError("`draws` must not be empty.")
    low, high = np.quantile(values, [0.0005, 0.9995])
    edges = (np.geomspace(low, high, bins + 1) if log_scale
             else np.linspace(low, high, bins + 1))
    density, edges = np.histogram(values, bins=edges, density=True)
    return edges, density
