"""Exact McNemar bounds for a binary outcome in matched pairs under hidden bias Γ.

References
----------
Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., §4.3.2.
"""

from __future__ import annotations

from typing import Any

from causal._validation import check_count, check_literal
from causal.sensitivity.rosenbaum_bounds._pairs import check_gammas
from causal.sensitivity.rosenbaum_bounds.result import (
    Alternative,
    RosenbaumBounds,
    _combine,
    _readonly,
)


def rosenbaum_mcnemar(treated_only_events: Any, control_only_events: Any, gamma: Any = 1.0, *,
                      alternative: Alternative = "greater") -> RosenbaumBounds:
    """Exact bounds on McNemar's test for a binary outcome in matched pairs under hidden bias Γ.

    Parameters
    ----------
    treated_only_events : int
        Discordant pairs in which only the treated unit had the event (``B``).
    control_only_events : int
        Discordant pairs in which only the control unit had the event.
    gamma : float or array-like
        One or more Γ >= 1 (vectorised).
    alternative : {"greater", "less", "two-sided"}
        "greater": treatment raises the event rate. "two-sided": twice the smaller one-sided
        bound, capped at 1.

    Returns
    -------
    RosenbaumBounds
        ``statistic`` is ``B`` (or the control-only count for "less").

    Notes
    -----
    Given ``D`` discordant pairs, ``B`` is bounded by ``Binomial(D, p+)`` and
    ``Binomial(D, p-)`` with ``p+ = Γ/(1+Γ)``, ``p- = 1/(1+Γ)``. The bounds are the
    inclusive upper tails ``P(B+ >= b)`` and ``P(B- >= b)``; at Γ = 1 this is the exact
    (binomial) McNemar test. (rbounds' ``binarysens`` uses ``P(B > b)``, which is one term
    short.)

    References
    ----------
    Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., §4.3.2.

    Examples
    --------
    >>> rosenbaum_mcnemar(12, 3, gamma=[1, 2]).p_upper.round(4).tolist()
    [0.0176, 0.2092]
    """
    from scipy.stats import binom

    b = check_count(treated_only_events, "treated_only_events")
    c = check_count(control_only_events, "control_only_events")
    gammas = check_gammas(gamma)
    alternative = check_literal(alternative, "alternative", ("greater", "less", "two-sided"))
    discordant = b + c
    p_plus, p_minus = gammas / (1 + gammas), 1 / (1 + gammas)
    # binom.sf(k - 1) = P(X >= k), the inclusive tail.
    p_gu, p_gl = binom.sf(b - 1, discordant, p_plus), binom.sf(b - 1, discordant, p_minus)
    p_lu, p_ll = binom.sf(c - 1, discordant, p_plus), binom.sf(c - 1, discordant, p_minus)
    upper, lower = _combine(p_gu, p_gl, p_lu, p_ll, alternative)
    return RosenbaumBounds(gamma=_readonly(gammas), p_upper=_readonly(upper),
                           p_lower=_readonly(lower), statistic=float(c if alternative == "less"
                                                                     else b),
                           n_pairs=discordant, test="McNemar (discordant pairs)",
                           method="exact binomial", alternative=alternative)
