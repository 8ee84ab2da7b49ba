"""The bias factor a hypothesised unmeasured confounder implies on the risk-ratio scale.

Two closed forms, the values a :class:`~causal.study.values.scenario.ConfounderScenario`
implies and the building blocks of the E-value and tipping-point analyses
(:mod:`causal.sensitivity`): the exact factor of a binary confounder (Schlesselman 1978) and
the bounding factor of one described by its two risk ratios (Ding & VanderWeele 2016).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from causal.errors import ParameterError


def binary_bias_factor(prevalence_treated: Any, prevalence_control: Any, outcome_rr: Any) -> Any:
    """Bias factor of a binary confounder, ``(gamma p1 + 1 - p1) / (gamma p0 + 1 - p0)``.

    Vectorised over numpy arrays (no validation; :func:`tip` validates).
    """
    p1, p0, gamma = prevalence_treated, prevalence_control, outcome_rr
    return (gamma * p1 + 1 - p1) / (gamma * p0 + 1 - p0)


def bounding_factor(rr_eu: Any, rr_ud: Any) -> float | np.ndarray:
    """The joint bounding factor ``B = RR_EU RR_UD / (RR_EU + RR_UD - 1)``.

    Parameters
    ----------
    rr_eu : float or array
        Maximum risk ratio relating treatment to the confounder (>= 1).
    rr_ud : float or array
        Maximum risk ratio relating the confounder to the outcome (>= 1).

    Returns
    -------
    float or numpy.ndarray
        The largest factor by which such a confounder can bias a risk ratio (Ding & VanderWeele
        2016, Theorem 2A). Broadcasts like numpy.

    References
    ----------
    Ding, P. & VanderWeele, T. J. (2016). Sensitivity analysis without assumptions.
    Epidemiology 27(3), 368-377.
    """
    eu = np.asarray(rr_eu, dtype=float)
    ud = np.asarray(rr_ud, dtype=float)
    for name, values in (("rr_eu", eu), ("rr_ud", ud)):
        if np.any(~np.isfinite(values)) or np.any(values < 1):
            raise ParameterError(
                f"`{name}` must be a risk ratio >= 1 (invert protective associations); "
                f"got {np.atleast_1d(values).tolist()}."
            )
    out = eu * ud / (eu + ud - 1)
    return float(out) if out.ndim == 0 else out
