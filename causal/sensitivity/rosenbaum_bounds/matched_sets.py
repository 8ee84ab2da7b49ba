"""Rosenbaum sensitivity analysis for matched sets with one treated unit and several controls,
using Huber-type m-statistics (Rosenbaum 2007; R ``sensitivitymult::senm``,
``sensitivitymv::senmv``).

Scores. In matched set ``i`` with ``n_i`` units (the treated unit first), every within-set
difference ``y_ij - y_ik`` is divided by ``h``, the ``scale_quantile`` quantile (R's default
type-7 quantile) of the absolute values of all within-set differences of the study, and passed
through the odd function ``psi``: ``psi(w) = 0`` for ``|w| <= inner``, ``sign(w)`` for
``|w| >= trim``, linear in between. (senm's help page describes psi rising from 0 to
``trim``; its code, which we follow, rises from 0 to 1, i.e. that psi divided by ``trim``. The
scaling changes the statistic, expectation and variance, never the deviate or p-value.
With ``trim = inf`` and ``inner = 0`` the raw differences are used and ``h`` plays no part;
with ``inner = trim`` psi is ``sign(w) 1{|w| > inner}``.) Unit ``j``'s score
is ``q_ij = sum_{k != j} psi((y_ij - y_ik) / h)`` divided by ``n_i`` (Rosenbaum 2007, expr. 8:
weights efficient under additive set effects and constant variance) or, with
``effect_on_treated=True``, by ``(n_i - 1)`` times the number of sets (then with
``trim = inf`` the statistic is the mean over sets of treated-minus-mean-control).

Test. ``T = sum_i q_i1`` (the treated units' scores). With hidden bias at most ``Γ`` the
treatment probabilities in a set differ by a factor at most ``Γ``; the upper bound on the
one-sided p-value for "effect greater than ``tau``" uses the separable approximation of
Gastwirth, Krieger & Rosenbaum (2000): in each set, with the scores sorted
``q_(1) <= ... <= q_(n_i)``, the largest expectation over ``a = 1, ..., n_i - 1`` of

    mu_a = (sum_{j <= a} q_(j) + Γ sum_{j > a} q_(j)) / (a + Γ (n_i - a)),

and, at that ``a`` (the largest variance among ties), the variance
``(sum_{j <= a} q_(j)² + Γ sum_{j > a} q_(j)²) / (a + Γ (n_i - a)) - mu_a²``. The deviate is
``(T - sum mu) / sqrt(sum var)`` and the bound is its upper normal tail (computed as
``scipy.stats.norm.sf``; senm's ``1 - pnorm`` rounds to 0 beyond a deviate of about 8.3).

Conventions (those of ``senm``): one-sided tests; ``alternative="less"`` is ``"greater"`` with
``y`` and ``tau`` negated; the null is an additive effect ``tau`` (the treated responses are
shifted by ``-tau``); defaults ``inner = 0``, ``trim = 3``, ``scale_quantile = 1/2`` (senm's
``lambda``), ``effect_on_treated = False`` (senm's ``TonT``). senmv of sensitivitymv uses
``trim = 2.5``. A two-sided bound is ``min(1, 2 min(p_greater, p_less))`` (both one-sided tests
at ``alpha / 2``; senm's note, after Cox 1977), which the caller forms from two results.

References
----------
Rosenbaum, P. R. (2007). Sensitivity analysis for m-estimates, tests, and confidence intervals
in matched observational studies. Biometrics 63(2), 456-464.
Gastwirth, J. L., Krieger, A. M. & Rosenbaum, P. R. (2000). Asymptotic separability in
sensitivity analysis. JRSS-B 62(3), 545-555.
Rosenbaum, P. R. (2013). Impact of multiple matched controls on design sensitivity in
observational studies. Biometrics 69(1), 118-127 (``inner`` trimming).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_finite, check_literal
from causal.errors import DataError, NoSolutionError, ParameterError
from causal.sensitivity.rosenbaum_bounds._pairs import check_gammas
from causal.sensitivity.rosenbaum_bounds._sets import (
    check_sets,
    m_scores,
    separable_bounds,
    sets_from_long,
)

__all__ = ["MatchedSetsBounds", "gamma_star_sets", "rosenbaum_sets", "sets_from_long"]

METHOD = "Rosenbaum bounds for matched sets (m-statistic, separable approximation)"


def _readonly(values: Any) -> np.ndarray:
    out = np.array(values, dtype=float)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class MatchedSetsBounds(SummaryMixin):
    """Upper bounds on the one-sided p-value of an m-statistic over a Γ grid
    (:func:`rosenbaum_sets`).

    Attributes
    ----------
    gamma, p_upper, deviate, expectation, variance : numpy.ndarray
        Per Γ: the upper bound on the one-sided p-value, the standardised deviate, and the
        maximal expectation and (at that expectation) maximal variance of the statistic.
    statistic : float
        The m-statistic ``T`` (sum of the treated units' scores).
    n_sets : int
    set_sizes : dict
        ``{units per set: number of sets}``.
    scale : float
        ``h``, the quantile used to scale the differences (NaN when unused).
    """

    gamma: np.ndarray
    p_upper: np.ndarray
    deviate: np.ndarray
    expectation: np.ndarray
    variance: np.ndarray
    statistic: float
    n_sets: int
    set_sizes: dict[int, int]
    alternative: str
    tau: float
    inner: float
    trim: float
    scale_quantile: float
    effect_on_treated: bool
    scale: float

    def to_frame(self) -> pd.DataFrame:
        """One row per Γ: ``gamma, statistic, expectation, variance, deviate, p_upper``."""
        return pd.DataFrame({"gamma": self.gamma, "statistic": self.statistic,
                             "expectation": self.expectation, "variance": self.variance,
                             "deviate": self.deviate, "p_upper": self.p_upper})

    def summary(self) -> pd.DataFrame:
        sizes = ", ".join(f"{count} of size {size}" for size, count in self.set_sizes.items())
        psi = (f"inner = {self.inner:g}, trim = {self.trim:g}, scale quantile "
               f"{self.scale_quantile:g}")
        note = (f"one-sided ({self.alternative}, tau = {self.tau:g}); T = {self.statistic:.6g}; "
                f"{self.n_sets} sets ({sizes}); {psi}"
                + ("; weighted for the effect on the treated" if self.effect_on_treated else ""))
        return summary_frame([{"quantity": f"upper bound on p-value (Gamma = {g:g})",
                               "estimate": p, "p_value": p, "method": METHOD,
                               "note": f"deviate {d:.4g}; {note}"}
                              for g, p, d in zip(self.gamma, self.p_upper, self.deviate,
                                                 strict=True)])


def rosenbaum_sets(treated: Any, controls: Any, gamma: Any = 1.0, *, inner: float = 0.0,
                   trim: float = 3.0, scale_quantile: float = 0.5, tau: float = 0.0,
                   alternative: Literal["greater", "less"] = "greater",
                   effect_on_treated: bool = False) -> MatchedSetsBounds:
    """Upper bound on the one-sided p-value of an m-test in matched sets, for each Γ.

    Parameters
    ----------
    treated : array-like, shape (n_sets,)
        The treated unit's response in each matched set (data with one row per person, as
        senm takes them, are turned into ``treated`` and ``controls`` by
        :func:`sets_from_long`).
    controls : array-like, shape (n_sets, max_controls)
        The controls' responses, NaN where a set has fewer controls; a 1-d array is matched
        pairs. Every set needs at least one control.
    gamma : float or array-like
        Sensitivity parameter(s) Γ >= 1 (1: randomisation test); the result is vectorised.
    inner, trim : float
        The psi function (module docstring): ``0 <= inner <= trim``; ``trim=inf`` with
        ``inner=0`` uses the raw differences (a permutational t-type statistic).
    scale_quantile : float
        Quantile of the absolute within-set differences used as the scale, in (0, 1)
        (senm's ``lambda``); irrelevant when ``trim=inf`` and ``inner=0``.
    tau : float
        Additive effect under the null hypothesis (0: no effect).
    alternative : {"greater", "less"}
        One-sided alternative: an effect larger (smaller) than ``tau``.
    effect_on_treated : bool
        senm's ``TonT``: weight sets to estimate the effect on the treated (module docstring).

    Returns
    -------
    MatchedSetsBounds

    Notes
    -----
    The m-statistic, its maximal null expectation and variance, and the one-sided normal
    approximation are in the module docstring (Rosenbaum 2007; Gastwirth, Krieger & Rosenbaum
    2000). Conventions and defaults follow R ``sensitivitymult::senm`` 1.0.2; its p-values,
    deviates, statistics, expectations and variances are reproduced (see the tests).

    References
    ----------
    Rosenbaum, P. R. (2007). Sensitivity analysis for m-estimates, tests, and confidence
    intervals in matched observational studies. Biometrics 63(2), 456-464.

    Examples
    --------
    >>> nan = float("nan")
    >>> r = rosenbaum_sets([8, 11, 10, 6], [[5, 5], [5, nan], [7, 8], [3, nan]], [1, 2], trim=1)
    >>> round(r.statistic, 6), r.p_upper.round(4).tolist()
    (2.222222, [0.0094, 0.0459])
    """
    from scipy.stats import norm

    gammas = check_gammas(gamma)
    y, scores, scale, options = _prepare(treated, controls, inner, trim, scale_quantile, tau,
                                         alternative, effect_on_treated)
    statistic = float(np.sum(scores[:, 0]))
    expectation, variance = separable_bounds(scores, gammas)
    if np.any(variance <= 0):
        raise DataError("the m-statistic has no variance: every matched set has tied "
                        "responses (after any trimming), so there is nothing to test.")
    deviate = (statistic - expectation) / np.sqrt(variance)
    sizes, counts = np.unique(np.sum(~np.isnan(y), axis=1), return_counts=True)
    return MatchedSetsBounds(
        _readonly(gammas), _readonly(norm.sf(deviate)), _readonly(deviate),
        _readonly(expectation), _readonly(variance), statistic, int(y.shape[0]),
        {int(s): int(c) for s, c in zip(sizes, counts, strict=True)}, scale=scale, **options)


def _prepare(treated: Any, controls: Any, inner: Any, trim: Any, scale_quantile: Any, tau: Any,
             alternative: Any, effect_on_treated: Any
             ) -> tuple[np.ndarray, np.ndarray, float, dict[str, Any]]:
    """Validate, orient (``alternative``), shift by ``tau`` and score: ``(y, scores, h,
    options)``."""
    check_literal(alternative, "alternative", ("greater", "less"))
    inner = check_finite(inner, "inner")
    trim = math.inf if isinstance(trim, int | float) and trim == math.inf else check_finite(
        trim, "trim")
    if not 0 <= inner <= trim:
        raise ParameterError(f"`inner` and `trim` must satisfy 0 <= inner <= trim; got inner "
                             f"{inner:g} and trim {trim:g}.")
    scale_quantile = check_finite(scale_quantile, "scale_quantile")
    if not 0 < scale_quantile < 1:
        raise ParameterError(f"`scale_quantile` must be in (0, 1); got {scale_quantile:g}.")
    tau = check_finite(tau, "tau")
    y = check_sets(treated, controls)
    sign = 1.0 if alternative == "greater" else -1.0
    y = sign * y
    y[:, 0] -= sign * tau
    scores, scale = m_scores(y, inner=inner, trim=trim, scale_quantile=scale_quantile,
                             effect_on_treated=bool(effect_on_treated))
    options = {"alternative": alternative, "tau": tau, "inner": inner, "trim": trim,
               "scale_quantile": scale_quantile, "effect_on_treated": bool(effect_on_treated)}
    return y, scores, scale, options


def gamma_star_sets(treated: Any, controls: Any, *, alpha: float = 0.05,
                    gamma_max: float = 1e6, **options: Any) -> float:
    """Γ at which the upper bound on the one-sided p-value of :func:`rosenbaum_sets` reaches
    ``alpha`` (the sensitivity of the test at level ``alpha``).

    ``options`` are those of :func:`rosenbaum_sets`. Raises :class:`NoSolutionError` when the
    test is not significant at Γ = 1 or still significant at ``gamma_max``. The bound is
    increasing in Γ, so the root of ``p_upper(Γ) = alpha`` is found by Brent's method on
    ``log Γ`` (to about 1e-10 relative).
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    alpha = check_alpha(alpha)
    if not (isinstance(gamma_max, int | float) and 1 < gamma_max < math.inf):
        raise ParameterError(f"`gamma_max` must be a finite number > 1; got {gamma_max!r}.")
    defaults = {"inner": 0.0, "trim": 3.0, "scale_quantile": 0.5, "tau": 0.0,
                "alternative": "greater", "effect_on_treated": False}
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ParameterError(f"`options` must be among {sorted(defaults)}; got {unknown}.")
    _, scores, _, _ = _prepare(treated, controls, **{**defaults, **options})
    statistic = float(np.sum(scores[:, 0]))

    def excess(log_gamma: float) -> float:
        expectation, variance = separable_bounds(scores, np.array([math.exp(log_gamma)]))
        return float(norm.sf((statistic - expectation[0]) / math.sqrt(variance[0]))) - alpha

    if excess(0.0) >= 0:
        raise NoSolutionError(f"the test is not significant at alpha = {alpha:g} even with no "
                              "hidden bias (Gamma = 1).")
    if excess(math.log(gamma_max)) < 0:
        raise NoSolutionError(f"the test stays significant at alpha = {alpha:g} up to Gamma = "
                              f"{gamma_max:g}.")
    return math.exp(brentq(excess, 0.0, math.log(gamma_max), xtol=1e-12, rtol=1e-12))
