"""Rosenbaum bounds for matched pairs: how much hidden bias would overturn a significant test.

In a matched-pair study with hidden bias of at most Γ, two units of a pair may differ in their
odds of treatment by a factor of at most Γ (Rosenbaum 2002, §4.2). Then the chance that the
treated unit of a pair is the one with the larger response lies between ``p- = 1/(1+Γ)`` and
``p+ = Γ/(1+Γ)``, and the null distribution of a signed-rank or McNemar statistic is bounded
by two sums of independent Bernoulli variables. The p-value therefore lies between a lower and
an upper bound; ``Γ = 1`` is the randomised (no hidden bias) test.

This module holds the Wilcoxon signed-rank bounds and ``gamma_star`` (the smallest Γ at which
significance is lost); the result type :class:`RosenbaumBounds` is in
:mod:`causal.sensitivity.rosenbaum_bounds.result` (shared with McNemar). The exact McNemar bounds are in
:mod:`causal.sensitivity.rosenbaum_bounds.mcnemar`, Hodges-Lehmann estimates and sensitivity
intervals in :mod:`causal.sensitivity.rosenbaum_bounds.hodges_lehmann`, and the Rosenbaum & Silber (2009)
amplification in :mod:`causal.sensitivity.rosenbaum_bounds.amplification`.

References
----------
Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., Springer. Chapter 4.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causal._validation import check_alpha, check_literal
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity.rosenbaum_bounds._pairs import (
    check_gammas,
    matched_differences,
    signed_rank_scores,
)
from causal.sensitivity.rosenbaum_bounds.mcnemar import rosenbaum_mcnemar
from causal.sensitivity.rosenbaum_bounds.result import (
    Alternative,
    Method,
    RosenbaumBounds,
    ZeroMethod,
    _combine,
    _readonly,
)

#: the exact signed-rank distribution costs about n_pairs x (2 x sum of ranks) operations per
#: gamma; above this many the normal approximation is required.
EXACT_OPERATIONS_LIMIT = 2e8



def _signed_rank_tail(scores: np.ndarray, observed: float, prob: np.ndarray, method: str
                      ) -> np.ndarray:
    """P(sum_i scores_i B_i >= observed) with B_i ~ Bernoulli(prob) independently, per prob."""
    if method == "normal":
        mean = prob * scores.sum()
        var = prob * (1 - prob) * np.sum(scores**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (observed - mean) / np.sqrt(var)
        from scipy.stats import norm

        out = norm.sf(z)
        # Degenerate variance (no non-zero score): the statistic is constant at its mean.
        return np.where(var > 0, out, np.where(observed <= mean, 1.0, 0.0))
    # Exact: mid-ranks are multiples of 1/2, so doubled scores are integers and the
    # distribution is a convolution over 0 .. 2 sum(scores), one pair at a time.
    doubled = np.rint(2 * scores).astype(np.int64)
    total = int(doubled.sum())
    dist = np.zeros((prob.size, total + 1))
    dist[:, 0] = 1.0
    top = 0
    for s in doubled[doubled > 0]:
        shifted = dist[:, : top + 1].copy()
        dist[:, : top + 1] *= (1 - prob)[:, None]
        dist[:, s: s + top + 1] += prob[:, None] * shifted
        top += s
    threshold = math.ceil(2 * observed - 1e-9)
    return np.clip(dist[:, threshold:].sum(axis=1), 0.0, 1.0)


def rosenbaum_wilcoxon(differences: Any, gamma: Any = 1.0, *, alternative: Alternative = "greater",
                       zero_method: ZeroMethod = "pratt", method: Method = "normal"
                       ) -> RosenbaumBounds:
    """Bounds on the Wilcoxon signed-rank p-value for matched pairs under hidden bias Γ.

    Parameters
    ----------
    differences : array-like or pair of array-likes
        Treated-minus-control differences of matched pairs, or a pair ``(treated, control)``
        of equally long response arrays. Missing values are an error.
    gamma : float or array-like
        One or more Γ >= 1 (vectorised).
    alternative : {"greater", "less", "two-sided"}
        "greater": treatment increases the response. "two-sided": twice the smaller one-sided
        bound, capped at 1.
    zero_method : {"pratt", "drop"}
        "pratt" (default): zero differences are ranked with the others and then given score
        0 (Pratt 1959), as in Rosenbaum's DOS2. "drop": zero differences are removed first.
    method : {"normal", "exact"}
        "normal": normal approximation to the bounding distribution without continuity
        correction (Rosenbaum 2002, §4.3.3). "exact": the exact distribution of the bounding
        statistic by convolution (tied mid-ranks allowed; cost grows as n³).

    Returns
    -------
    RosenbaumBounds

    Notes
    -----
    With absolute differences ranked (ties get mid-ranks) and ``s_i`` the score of pair ``i``
    (its rank if the difference is non-zero, else 0), the statistic is ``T = sum_i s_i 1{d_i >
    0}``. Under hidden bias at most Γ, ``T`` is stochastically bounded by ``T+ = sum_i s_i B_i``
    and ``T- = sum_i s_i C_i`` with independent ``B_i ~ Bernoulli(Γ/(1+Γ))`` and ``C_i ~
    Bernoulli(1/(1+Γ))``. The upper p-value bound is ``P(T+ >= T)``; in the normal
    approximation ``E T+ = p+ sum s_i``, ``Var T+ = p+(1-p+) sum s_i²`` and the bound is
    ``1 - Φ((T - E)/sqrt(Var))``. For alternative "less" the same is applied to ``-d``.

    References
    ----------
    Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., §4.3.3 and Table 4.3.
    Pratt, J. W. (1959). Remarks on zeros and ties in the Wilcoxon signed rank procedures.
    JASA 54, 655-667.

    Examples
    --------
    >>> result = rosenbaum_wilcoxon([3.1, 1.2, -0.4, 2.2, 0.9, 1.7], gamma=[1, 2])
    >>> result.p_upper.round(4).tolist()
    [0.0232, 0.0911]
    """
    d = matched_differences(differences)
    gammas = check_gammas(gamma)
    alternative = check_literal(alternative, "alternative", ("greater", "less", "two-sided"))
    zero_method = check_literal(zero_method, "zero_method", ("pratt", "drop"))
    method = check_literal(method, "method", ("normal", "exact"))
    scores = signed_rank_scores(d, zero_method)
    n_pairs = int(scores.size if zero_method == "pratt" else np.count_nonzero(d))
    kept = d if zero_method == "pratt" else d[d != 0]
    if method == "exact":
        operations = scores.size * 2 * scores.sum() * gammas.size
        if operations > EXACT_OPERATIONS_LIMIT:
            raise ParameterError(
                f"`method` 'exact' would need about {operations:.2g} operations for "
                f"{scores.size} pairs (limit {EXACT_OPERATIONS_LIMIT:.0e}); use method='normal'."
            )
    p_plus, p_minus = gammas / (1 + gammas), 1 / (1 + gammas)
    t_greater = float(scores[kept > 0].sum())
    t_less = float(scores[kept < 0].sum())
    p_gu = _signed_rank_tail(scores, t_greater, p_plus, method)
    p_gl = _signed_rank_tail(scores, t_greater, p_minus, method)
    if alternative == "greater":
        p_lu = p_ll = p_gu
    else:
        p_lu = _signed_rank_tail(scores, t_less, p_plus, method)
        p_ll = _signed_rank_tail(scores, t_less, p_minus, method)
    upper, lower = _combine(p_gu, p_gl, p_lu, p_ll, alternative)
    statistic = t_less if alternative == "less" else t_greater
    return RosenbaumBounds(gamma=_readonly(gammas), p_upper=_readonly(upper),
                           p_lower=_readonly(lower), statistic=statistic, n_pairs=n_pairs,
                           test=f"Wilcoxon signed rank ({zero_method} zeros)",
                           method=("normal approximation, no continuity correction"
                                   if method == "normal" else "exact"),
                           alternative=alternative)


def gamma_star(differences: Any = None, *, treated_only_events: Any = None,
               control_only_events: Any = None, alpha: float = 0.05,
               alternative: Alternative = "greater", zero_method: ZeroMethod = "pratt",
               method: Method = "normal") -> float:
    """The Γ at which the upper p-value bound reaches ``alpha`` (significance is lost).

    Give either matched-pair ``differences`` (Wilcoxon signed rank, with ``zero_method`` and
    ``method`` as in :func:`rosenbaum_wilcoxon`) or both McNemar counts.

    Returns
    -------
    float
        Γ* solving ``p_upper(Γ*) = alpha`` (Brent's method on log Γ, to about 1e-10
        relative). The upper bound increases continuously in Γ, so for Γ < Γ* the result stays
        significant whatever the hidden bias.

    Raises
    ------
    NoSolutionError
        If the test is not significant at Γ = 1, or remains significant up to Γ = 1e8.
    """
    from scipy.optimize import brentq

    alpha = check_alpha(alpha)
    mcnemar = treated_only_events is not None or control_only_events is not None
    if mcnemar == (differences is not None):
        raise ParameterError(
            "`gamma_star` needs either `differences` (Wilcoxon) or both `treated_only_events` "
            "and `control_only_events` (McNemar), not both or neither."
        )
    if mcnemar:
        if treated_only_events is None or control_only_events is None:
            raise ParameterError("`treated_only_events` and `control_only_events` must both be "
                                 "given for McNemar's test; got only one.")

        def p_upper(g: np.ndarray) -> np.ndarray:
            return rosenbaum_mcnemar(treated_only_events, control_only_events, g,
                                     alternative=alternative).p_upper
    else:
        differences = matched_differences(differences)

        def p_upper(g: np.ndarray) -> np.ndarray:
            return rosenbaum_wilcoxon(differences, g, alternative=alternative,
                                      zero_method=zero_method, method=method).p_upper

    def excess(log_gamma: float) -> float:
        return float(p_upper(np.array([math.exp(log_gamma)]))[0]) - alpha

    at_one = excess(0.0) + alpha
    if at_one >= alpha:
        raise NoSolutionError(
            f"The test is not significant at `alpha` = {alpha:g} even without hidden bias "
            f"(p = {at_one:.4g} at Gamma = 1), so there is no Gamma at which significance is lost."
        )
    high = 1.0
    while excess(math.log(high * 2)) < 0:
        high *= 2
        if high > 1e8:
            raise NoSolutionError(f"The upper p-value bound stays below `alpha` = {alpha:g} up "
                                  f"to Gamma = 1e8; Gamma* is effectively infinite.")
    return math.exp(brentq(excess, math.log(high), math.log(high * 2), xtol=1e-12, rtol=1e-12))
