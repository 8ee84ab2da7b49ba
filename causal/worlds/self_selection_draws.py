"""Simulated cohorts that look like Thew et al.'s (2024): the structural model and its draws.

Every cohort drawn here is SIMULATED; frames carry ``attrs["simulated"] = True``, a
description saying so, and ``attrs["latent"] = ["motivation"]`` (a column no analysis may use).

The structural model (one person; ``U`` are independent uniforms, so that the same code draws
random cohorts and integrates with quasi-random points):

* age ~ normal truncated to ``age_range``, with location and scale solved so that the truncated
  mean and SD equal ``age_mean`` and ``age_sd``;
* sex (1 = female), ethnicity (1 = White), long_term_condition: Bernoulli;
* (PHQ-9, GAD-7) = rounded, clipped Gaussian copula: ``round(mean + sd * Z)`` clipped to 0-27
  and 0-21, ``corr(Z1, Z2) = phq9_gad7_correlation``;
* presenting_problem: categorical with the stated shares;
* motivation M ~ N(0, 1), latent, independent of the covariates above; or, in a world with
  ``motivation_prevalence`` pi, binary M = 1 with probability pi (its ORs then compare M = 1
  with M = 0);
* sessions = 1 + Poisson((sessions_mean - 1) exp(g M - g^2/2)), g = ``sessions_motivation``
  (binary M: ``exp(g Z) / E exp(g Z)`` with the standardised ``Z = (M - pi) / sqrt(pi (1 - pi))``,
  so that g is again per SD of motivation and the mean number of sessions is unchanged)
  (more motivated clients attend more; sessions do not depend on treatment, so they are not a
  mediator and the conditional OR below is the whole effect);
* uptake: logit P(T = 1) = a0 + b'X + log(motivation_uptake_odds_ratio) M;
* recovery: logit P(Y = 1) = c0 + log(true_odds_ratio) T + k d'X
  + log(motivation_recovery_odds_ratio) M.

``b`` and ``d`` are the log-odds per unit in ``[data.world.uptake]`` and ``[data.world.recovery]``. Three
numbers are solved (:func:`solve_world`): a0 so that expected uptake is 66/302, and c0 with the
prognostic scale ``k`` so that expected recovery is 31/66 among the treated and 64/236 among the
controls. With the true OR fixed, one intercept cannot match two arms: the contrast between the
arms is set by the true effect *and* by confounding, so the strength of measured prognosis
(``k``) is solved too.

References
----------
Thew, G. R. et al. (2024). Behavioural and Cognitive Psychotherapy 52(1), 93-99 (the margins).
Saunders, R. et al. (2016). Profiles of IAPT service users (latent profile 7, high PHQ-9/GAD-7).
Kroenke, K., Spitzer, R. L. & Williams, J. B. W. (2001). The PHQ-9 (0-27). J Gen Intern Med
16, 606-613. Spitzer, R. L. et al. (2006). The GAD-7 (0-21). Arch Intern Med 166, 1092-1097.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from causal._validation import check_random_state

if TYPE_CHECKING:
    from causal.worlds.self_selection import SelfSelection, SelfSelectionWorld

#: number of uniforms per person: age, sex, ethnicity, ltc, z1, z2, problem, M, sessions, T, Y
N_UNIFORMS = 11
_PHQ9_MAX, _GAD7_MAX = 27, 21
SIMULATED_NOTE = ("SIMULATED cohort (not real clients): drawn from the structural model of "
                  "studies/thew2024.toml, world {world!r}; true conditional OR {true_or:g}; "
                  "column 'motivation' is latent and must not be used by analyses.")


@dataclass(frozen=True)
class SolvedWorld:
    """A world with its solved constants (intercepts and prognostic scale)."""

    world: SelfSelectionWorld
    uptake_intercept: float
    recovery_intercept: float
    prognostic_scale: float
    age_loc: float
    age_scale: float


@lru_cache(maxsize=64)
def _age_parameters(mean: float, sd: float, low: float, high: float) -> tuple[float, float]:
    """Location and scale of a normal truncated to [low, high] with the given mean and SD.

    The truncated normal's moments in closed form (Johnson, Kotz & Balakrishnan 1994,
    §10.1): with ``a = (low - loc)/scale``, ``b = (high - loc)/scale``, ``Z = Phi(b) - Phi(a)``
    and ``d = (phi(a) - phi(b))/Z``, the mean is ``loc + scale d`` and the variance
    ``scale^2 (1 + (a phi(a) - b phi(b))/Z - d^2)`` (scipy's ``truncnorm.stats`` gives the same
    to rounding, at about 40 times the cost inside ``fsolve``); cached, since a report solves
    the same study's cohort several times.

    Johnson, N. L., Kotz, S. & Balakrishnan, N. (1994). Continuous Univariate Distributions,
    vol. 1, 2nd ed. Wiley.
    """
    from scipy.optimize import fsolve
    from scipy.special import ndtr

    def density(t: float) -> float:
        return float(np.exp(-0.5 * t * t) / np.sqrt(2 * np.pi)) if np.isfinite(t) else 0.0

    def moments(params: np.ndarray) -> list[float]:
        loc, log_scale = params
        scale = float(np.exp(log_scale))
        a, b = (low - loc) / scale, (high - loc) / scale
        mass = float(ndtr(b) - ndtr(a))
        pa, pb = density(a), density(b)
        shift = (pa - pb) / mass
        tails = ((a * pa if np.isfinite(a) else 0.0) - (b * pb if np.isfinite(b) else 0.0))
        variance = scale * scale * (1.0 + tails / mass - shift * shift)
        return [loc + scale * shift - mean, float(np.sqrt(variance)) - sd]

    loc, log_scale = fsolve(moments, [mean, np.log(sd)], xtol=1e-12)
    return float(loc), float(np.exp(log_scale))


def covariates_from_uniforms(u: np.ndarray, data: SelfSelection, age_loc: float,
                             age_scale: float, rng: np.random.Generator | None = None, *,
                             motivation_prevalence: float | None = None
                             ) -> dict[str, np.ndarray]:
    """Map uniforms ``u[0:9]`` to covariates and motivation.

    Motivation is ``Phi^-1(u[7])`` (standard normal), or, with ``motivation_prevalence`` pi,
    binary ``u[7] < pi``.

    ``u`` has the uniform's index first, shape (9 or more, ...): each ``u[j]`` is then
    contiguous, which keeps the elementwise transforms fast for many replicates. Sessions are
    drawn by inverting the Poisson CDF at ``u[8]``, or, when ``rng`` is given, by
    ``rng.poisson`` (same distribution, several times faster for millions of draws)."""
    from scipy.special import ndtr, ndtri

    c = data.cohort
    low, high = c["age_range"]
    out: dict[str, np.ndarray] = {}
    # truncated normal by inversion: Phi^-1(Phi(a) + u (Phi(b) - Phi(a)))
    cdf_low, cdf_high = ndtr((low - age_loc) / age_scale), ndtr((high - age_loc) / age_scale)
    out["age"] = np.clip(age_loc + age_scale * ndtri(cdf_low + u[0] * (cdf_high - cdf_low)),
                         low, high)
    out["sex"] = (u[1] < c["female"]).astype(np.int8)
    out["ethnicity"] = (u[2] < c["white"]).astype(np.int8)
    out["long_term_condition"] = (u[3] < c["long_term_condition"]).astype(np.int8)
    z1 = ndtri(u[4])
    rho = c["phq9_gad7_correlation"]
    z2 = rho * z1 + np.sqrt(1 - rho**2) * ndtri(u[5])
    out["phq9_baseline"] = np.clip(np.rint(c["phq9_mean"] + c["phq9_sd"] * z1), 0,
                                   _PHQ9_MAX).astype(np.int16)
    out["gad7_baseline"] = np.clip(np.rint(c["gad7_mean"] + c["gad7_sd"] * z2), 0,
                                   _GAD7_MAX).astype(np.int16)
    shares = np.cumsum(list(c["presenting_problem"].values()))
    out["presenting_problem"] = np.minimum(np.searchsorted(shares, u[6], side="right"),
                                           len(shares) - 1).astype(np.int8)
    g = c["sessions_motivation"]
    if motivation_prevalence is None:
        motivation = ndtri(u[7])
        rate = (c["sessions_mean"] - 1) * np.exp(g * motivation - g**2 / 2)
    else:
        pi = float(motivation_prevalence)
        motivation = (u[7] < pi).astype(float)
        sd = np.sqrt(pi * (1 - pi))
        z1, z0 = (1 - pi) / sd, -pi / sd
        norm = pi * np.exp(g * z1) + (1 - pi) * np.exp(g * z0)
        rate = (c["sessions_mean"] - 1) * np.exp(g * np.where(motivation > 0, z1, z0)) / norm
    out["motivation"] = motivation
    extra = rng.poisson(rate) if rng is not None else _poisson_quantile(u[8], rate)
    out["sessions"] = (1 + extra).astype(np.int16)
    return out


def _poisson_quantile(u: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Smallest k with P(X <= k) >= u for X ~ Poisson(rate), elementwise (inversion by the
    recursion p_k = p_{k-1} rate / k; exact up to floating-point rounding of the CDF)."""
    shape = rate.shape
    u, rate = u.reshape(-1), rate.reshape(-1)
    pmf = np.exp(-rate)
    cdf = pmf.copy()
    count = np.zeros(u.size, dtype=np.int64)
    active = np.arange(u.size)
    for k in range(1, 1000):  # only the draws not yet placed are updated
        active = active[cdf[active] < u[active]]
        if active.size == 0:
            break
        count[active] += 1
        pmf[active] *= rate[active] / k
        cdf[active] += pmf[active]
    count = count.reshape(shape)
    return count


def _linear(coefficients: dict, cov: dict[str, np.ndarray], levels: list[str]) -> np.ndarray:
    total = np.zeros_like(cov["age"], dtype=float)
    for name, value in coefficients.items():
        if name == "presenting_problem":
            per_level = np.array([value.get(level, 0.0) for level in levels])
            total = total + per_level[cov["presenting_problem"]]
        else:
            total = total + value * cov[name]
    return total


def linear_predictors(cov: dict[str, np.ndarray], data: SelfSelection, world: SelfSelectionWorld
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Uptake and recovery linear predictors without intercepts, treatment or scale ``k``:
    ``(b'X + gT M, d'X)``; the motivation term of recovery is added by the caller."""
    levels = list(data.cohort["presenting_problem"])
    uptake = (_linear(data.uptake, cov, levels)
              + np.log(world.motivation_uptake_odds_ratio) * cov["motivation"])
    return uptake, _linear(data.recovery, cov, levels)


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))


def integration_points(n_points: int = 2**16) -> np.ndarray:
    """Fixed scrambled Sobol points on [0, 1)^9, shape (9, n_points), for expectations over
    the covariates."""
    from scipy.stats import qmc

    points = qmc.Sobol(d=9, scramble=True, rng=np.random.default_rng(20240101)).random(n_points)
    return np.ascontiguousarray(np.clip(points, 1e-12, 1 - 1e-12).T)


def expected_margins(data: SelfSelection, solved: SolvedWorld, u: np.ndarray
                     ) -> tuple[float, float, float]:
    """Expected uptake and expected recovery among treated and controls, averaged over the
    covariate points ``u`` (exact given the points: no draws of treatment or outcome)."""
    cov = covariates_from_uniforms(u, data, solved.age_loc, solved.age_scale,
                                   motivation_prevalence=solved.world.motivation_prevalence)
    lp_t, lp_y = linear_predictors(cov, data, solved.world)
    w = solved.world
    p_t = _expit(solved.uptake_intercept + lp_t)
    base = (solved.recovery_intercept + solved.prognostic_scale * lp_y
            + np.log(w.motivation_recovery_odds_ratio) * cov["motivation"])
    p1 = _expit(base + np.log(w.true_odds_ratio))
    p0 = _expit(base)
    return (float(p_t.mean()), float((p_t * p1).sum() / p_t.sum()),
            float(((1 - p_t) * p0).sum() / (1 - p_t).sum()))


def solve_world(data: SelfSelection, world: SelfSelectionWorld, targets: tuple[float, float, float],
                n_points: int = 2**16) -> SolvedWorld:
    """Solve the uptake intercept, recovery intercept and prognostic scale of ``world``.

    Parameters
    ----------
    targets : (uptake, treated recovery, control recovery)
        E.g. ``(66/302, 31/66, 64/236)``.
    n_points : int
        Quasi-random (Sobol) points over which expectations are averaged.

    Notes
    -----
    Expected uptake depends only on a0, so a0 is found first by a 1-D root. Given a0, matching
    overall recovery (95/302) fixes c0 for each k (Newton's method; E[Y] increases in c0), and
    k >= 0 is then found by Brent's method on the treated arm's recovery (the control arm then
    matches too, since expected uptake is exact). Negative k is excluded: it would make
    severity and long-term conditions *raise* recovery. The expectations
    are averages over fixed Sobol points, so the solution is deterministic; its integration
    error is checked in the tests against independent random draws.
    """
    from scipy.optimize import brentq

    from causal.errors import NoSolutionError

    c = data.cohort
    age_loc, age_scale = _age_parameters(c["age_mean"], c["age_sd"], *c["age_range"])
    u = integration_points(n_points)
    cov = covariates_from_uniforms(u, data, age_loc, age_scale,
                                   motivation_prevalence=world.motivation_prevalence)
    lp_t, lp_y = linear_predictors(cov, data, world)
    lp_m = np.log(world.motivation_recovery_odds_ratio) * cov["motivation"]
    log_or = np.log(world.true_odds_ratio)
    uptake, treated, control = targets
    a0 = brentq(lambda a: _expit(a + lp_t).mean() - uptake, -30, 30, xtol=1e-14)
    p_t = _expit(a0 + lp_t)

    overall = uptake * treated + (1 - uptake) * control

    def intercept(k: float) -> float:
        # E[Y] is increasing in c0: Newton from the logit of the target, then bracket check
        c0 = np.log(overall / (1 - overall)) - k * lp_y.mean()
        for _ in range(50):
            base = c0 + k * lp_y + lp_m
            y1, y0 = _expit(base + log_or), _expit(base)
            value = (p_t * y1 + (1 - p_t) * y0).mean() - overall
            slope = (p_t * y1 * (1 - y1) + (1 - p_t) * y0 * (1 - y0)).mean()
            c0 -= value / slope
            if abs(value / slope) < 1e-13:  # quadratic convergence: the next step is ~0
                break
        return float(c0)

    def treated_gap(k: float) -> float:
        base = intercept(k) + k * lp_y + lp_m
        return float((p_t * _expit(base + log_or)).sum() / p_t.sum() - treated)

    high = 1.0
    while treated_gap(0.0) * treated_gap(high) > 0 and high < 64:
        high *= 2
    if treated_gap(0.0) * treated_gap(high) > 0:
        raise NoSolutionError(
            f"world {world.name!r}: no non-negative prognostic scale reproduces recovery "
            f"{treated:.4f} (treated) and {control:.4f} (controls) with true OR "
            f"{world.true_odds_ratio:g} (treated recovery at scale 0 is off by "
            f"{treated_gap(0.0):+.4f}). Change the motivation strength or the recovery "
            "coefficients.")
    k = brentq(treated_gap, 0.0, high, xtol=1e-13)
    c0 = intercept(k)
    return SolvedWorld(world, float(a0), float(c0), float(k), age_loc, age_scale)


@lru_cache(maxsize=64)
def _solve_cached(data_key: str, world: SelfSelectionWorld, targets: tuple[float, float, float]
                  ) -> SolvedWorld:
    return solve_world(_DATA_BY_KEY[data_key], world, targets)


_DATA_BY_KEY: dict[str, SelfSelection] = {}


def solved(data: SelfSelection, world: SelfSelectionWorld, targets: tuple[float, float, float]) -> SolvedWorld:
    """:func:`solve_world`, memoised on the (hashable) specification."""
    key = repr(data)
    _DATA_BY_KEY[key] = data
    return _solve_cached(key, world, targets)


def draw_arrays(data: SelfSelection, solved_world: SolvedWorld, n: int, replicates: int,
                random_state=None) -> dict[str, np.ndarray]:
    """Draw ``replicates`` cohorts of ``n`` at once: a dict of arrays of shape (replicates, n).

    Includes ``employment_support`` (0/1), ``recovery`` (0/1) and the latent ``motivation``.
    """
    rng = check_random_state(random_state)
    u = rng.random((N_UNIFORMS, replicates, n))
    np.clip(u, 1e-12, 1 - 1e-12, out=u)
    cov = covariates_from_uniforms(u, data, solved_world.age_loc, solved_world.age_scale, rng,
                                   motivation_prevalence=solved_world.world.motivation_prevalence)
    lp_t, lp_y = linear_predictors(cov, data, solved_world.world)
    w = solved_world.world
    treated = (u[9] < _expit(solved_world.uptake_intercept + lp_t)).astype(np.int8)
    lp = (solved_world.recovery_intercept + solved_world.prognostic_scale * lp_y
          + np.log(w.true_odds_ratio) * treated
          + np.log(w.motivation_recovery_odds_ratio) * cov["motivation"])
    cov["employment_support"] = treated
    cov["recovery"] = (u[10] < _expit(lp)).astype(np.int8)
    return cov
