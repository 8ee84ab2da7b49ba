"""Extreme-scenario curves of omitted-variable bias (Cinelli & Hazlett 2020, section 5).

If the confounder explained a share ``r2yz_dx`` of the outcome's residual variance (1: all of
it, the worst case), how would the adjusted estimate fall as its partial R² with the treatment
``r2dz_x`` grows? A pure function of the regression's numbers, drawn by
:func:`causal.plots.ovb_extreme.plot_ovb_extreme`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from causal._validation import check_finite, check_positive
from causal.errors import ParameterError
from causal.sensitivity.omitted_variable.ovb import _check_dof, ovb_bias


@dataclass(frozen=True, eq=False)
class OVBExtreme:
    """Adjusted estimates for fixed ``r2yz_dx`` values (rows) over ``r2dz_x`` (columns)."""

    r2dz_x: np.ndarray
    r2yz_dx: np.ndarray
    adjusted_estimate: np.ndarray
    estimate: float


def ovb_extreme_grid(estimate: float, std_error: float, dof: float, *,
                     r2yz_dx: Any = (1.0, 0.75, 0.5), r2dz_x: Any = None,
                     reduce: bool = True) -> OVBExtreme:
    """Adjusted estimate ``estimate -/+ bias(r2dz_x, r2yz_dx)`` on a grid (vectorised).

    Parameters
    ----------
    estimate, std_error, dof : float
        The treatment coefficient, its SE and the residual degrees of freedom.
    r2yz_dx : sequence of float
        Partial R²s of the confounder with the outcome, one curve each (default 1, 0.75, 0.5,
        sensemakr's ``ovb_extreme_plot`` default).
    r2dz_x : sequence of float, optional
        Partial R²s with the treatment, in [0, 1); default 201 points on [0, 0.1].
    reduce : bool
        True: bias towards zero.

    Returns
    -------
    OVBExtreme

    Notes
    -----
    ``bias = se sqrt(dof) sqrt(r2yz_dx r2dz_x / (1 - r2dz_x))`` (Cinelli & Hazlett 2020,
    eq. 12); with ``r2yz_dx = 1`` the confounder explains all residual outcome variance, so the
    curve bounds every confounder with that ``r2dz_x``.

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67.
    """
    est = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    dof = _check_dof(dof)
    r2d = np.linspace(0, 0.1, 201) if r2dz_x is None else np.asarray(r2dz_x, dtype=float)
    r2y = np.atleast_1d(np.asarray(r2yz_dx, dtype=float))
    if r2d.ndim != 1 or np.any(~np.isfinite(r2d)) or np.any(r2d < 0) or np.any(r2d >= 1):
        raise ParameterError("`r2dz_x` must be a 1-d grid of partial R² in [0, 1); got values "
                             f"from {np.nanmin(r2d):g} to {np.nanmax(r2d):g}.")
    if np.any(~np.isfinite(r2y)) or np.any(r2y < 0) or np.any(r2y > 1):
        raise ParameterError(f"`r2yz_dx` must hold partial R² in [0, 1]; got {r2y.tolist()}.")
    bias = ovb_bias(se, dof, r2d[None, :], r2y[:, None])
    sign = np.sign(est) if est != 0 else 1.0
    adjusted = est - sign * bias if reduce else est + sign * bias
    return OVBExtreme(r2d, r2y, adjusted, est)
