"""Amplification of a sensitivity parameter Γ into (Λ, Δ) pairs (Rosenbaum & Silber 2009).

References
----------
Rosenbaum, P. R. & Silber, J. H. (2009). Amplification of sensitivity analysis in matched
observational studies. JASA 104(488), 1398-1405.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causal.errors import ParameterError


def amplify(gamma: Any, lambda_: Any) -> float | np.ndarray:
    """Amplify Γ into the (Λ, Δ) pairs it is equivalent to (Rosenbaum & Silber 2009).

    Parameters
    ----------
    gamma : float or array-like
        Sensitivity parameter Γ >= 1.
    lambda_ : float or array-like
        Λ: the odds ratio relating the unobserved covariate to treatment; must exceed Γ.
        Broadcasts against ``gamma``.

    Returns
    -------
    float or numpy.ndarray
        Δ: the odds ratio relating the unobserved covariate to a positive pair difference in
        outcome, such that ``Γ = (ΛΔ + 1)/(Λ + Δ)``, i.e. ``Δ = (ΓΛ - 1)/(Λ - Γ)``.

    Notes
    -----
    Solving ``Γ(Λ + Δ) = ΛΔ + 1`` for Δ gives ``Δ = (ΓΛ - 1)/(Λ - Γ)``, finite and > Γ only
    for Λ > Γ. Worked example: ``Γ = 1.25, Λ = 2`` gives ``Δ = (2.5 - 1)/(0.75) = 2``, and
    conversely ``(2·2 + 1)/(2 + 2) = 1.25``.

    References
    ----------
    Rosenbaum, P. R. & Silber, J. H. (2009). Amplification of sensitivity analysis in matched
    observational studies. JASA 104(488), 1398-1405.
    """
    g = np.asarray(gamma, dtype=float)
    lam = np.asarray(lambda_, dtype=float)
    if np.any(~np.isfinite(g)) or np.any(g < 1):
        raise ParameterError(f"`gamma` must be finite and >= 1; got {np.atleast_1d(g).tolist()}.")
    if np.any(~np.isfinite(lam)):
        raise ParameterError(f"`lambda_` must be finite; got {np.atleast_1d(lam).tolist()}.")
    g_b, lam_b = np.broadcast_arrays(g, lam)
    if np.any(lam_b <= g_b):
        bad = np.flatnonzero((lam_b <= g_b).ravel())[0]
        raise ParameterError(
            f"`lambda_` must exceed `gamma` (no Delta solves (Lambda Delta + 1)/(Lambda + Delta) "
            f"= Gamma otherwise); got lambda_ = {lam_b.ravel()[bad]:g} with gamma = "
            f"{g_b.ravel()[bad]:g}."
        )
    delta = (g_b * lam_b - 1) / (lam_b - g_b)
    return float(delta) if delta.ndim == 0 else delta
