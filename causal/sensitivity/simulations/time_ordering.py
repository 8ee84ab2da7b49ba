"""How large an odds ratio can time ordering produce when support has no effect at all?

A SIMULATION, not an analysis of data. In the Thew et al. (2024) design, clients are offered
employment support during therapy; taking it up needs at least one adviser session, and being
analysed needs at least two therapy sessions. Clients who stay longer in therapy have more
chances both to take up support and to recover (an immortal-time / time-ordering bias: exposure
status is defined by what happens after time zero). This module simulates cohorts calibrated to
the study's reported margins in which the TRUE effect of support on recovery is NULL, and
returns the distribution of the odds ratios an analysis would nevertheless find.

The simulated world (every number below marked "assumed" is a hypothesis, not data)
-------------------------------------------------------------------------------------
* Therapy sessions ``T = min_sessions + NegBin(mean = mean_therapy_sessions - min_sessions,
  shape = session_dispersion)`` (assumed; Thew et al. report no distribution).
* Uptake: at every therapy session a client not yet in support takes it up with probability
  ``q`` (a constant per-session hazard), so ``P(A = 1 | T) = 1 - (1 - q)^T``; ``q`` is
  calibrated so that the expected number of takers is ``n_takers``. With
  ``uptake_depends_on_time=False``, ``A`` is drawn independently of ``T`` (the null check).
* Recovery: ``logit P(Y = 1 | T) = alpha + log(recovery_or_per_doubling) log2(T / mean)``,
  independent of ``A`` given ``T`` (the null); ``alpha`` is calibrated to ``n_recovered``.
* Adviser sessions among takers: ``1 + Poisson(rho R)`` with ``R`` the therapy sessions left
  after the uptake session; ``rho`` is calibrated to ``mean_adviser_sessions``.

Calibration is exact (expected margins, summed over the distribution of ``T``), not by
simulation. Each replicate is analysed three ways: the crude OR of the 2x2 table, and logistic
regressions adjusted for sessions as ``log T`` (the true form: its OR is 1 in expectation) and
as ``T`` (linear, the form a typical analysis uses). Replicates are generated and fitted as
arrays (no Python loop over replicates).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from causal._validation import (
    check_count,
    check_finite,
    check_positive,
    check_random_state,
)
from causal.errors import ParameterError
from causal.sensitivity.simulations.time_ordering_result import TimeOrderingResult

#: the margins reported by Thew et al. (2024) ([B] in FACTS: 302 offered, 66 accepted,
#: 95 recovered, mean 3.08 adviser sessions among those who accepted)
THEW_MARGINS = {"n_clients": 302, "n_takers": 66, "n_recovered": 95,
                "mean_adviser_sessions": 3.08}


def _session_pmf(mean: float, dispersion: float, minimum: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.stats import nbinom

    excess = mean - minimum
    p = dispersion / (dispersion + excess)
    upper = int(nbinom.isf(1e-15, dispersion, p)) + 1
    k = np.arange(upper + 1)
    pmf = nbinom.pmf(k, dispersion, p)
    return k + minimum, pmf / pmf.sum()


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(t: np.ndarray, pmf: np.ndarray, p_takers: float, p_recovered: float,
               beta: float, mean_adviser: float, depends: bool, first: int = 1
               ) -> dict[str, float]:
    from scipy.optimize import brentq

    available = np.maximum(t - first + 1, 0)  # sessions at which uptake is possible

    def uptake(q: float) -> np.ndarray:
        return 1 - (1 - q) ** available

    q = brentq(lambda q: float(pmf @ uptake(q)) - p_takers, 1e-12, 1 - 1e-12, xtol=1e-15)
    centre = float(pmf @ t)
    log2t = np.log2(t / centre)
    alpha = brentq(lambda a: float(pmf @ _expit(a + beta * log2t)) - p_recovered, -40, 40,
                   xtol=1e-14)
    # E[sessions left after uptake | T = t, uptake by session t] for the truncated geometric
    u = np.arange(1, max(int(available.max()), 1) + 1)
    weights = q * (1 - q) ** (u - 1)
    inside = u[None, :] <= available[:, None]
    total = ((available[:, None] - u[None, :]) * weights[None, :] * inside).sum(axis=1)
    left = np.divide(total, uptake(q), out=np.zeros_like(total, dtype=float),
                     where=available > 0)
    tilt = pmf * (uptake(q) if depends else np.ones_like(pmf))
    mean_left = float(tilt @ left / tilt.sum())
    if mean_adviser > 1 and mean_left <= 0:
        raise ParameterError("`mean_adviser_sessions` above 1 needs therapy sessions after "
                             "uptake; got none in this world.")
    rho = (mean_adviser - 1) / mean_left if mean_left > 0 else 0.0
    p_y = _expit(alpha + beta * log2t)
    p_a = uptake(q) if depends else np.full_like(pmf, p_takers)
    joint = {(a, y): float(pmf @ ((p_a if a else 1 - p_a) * (p_y if y else 1 - p_y)))
             for a in (0, 1) for y in (0, 1)}
    crude_or = joint[1, 1] * joint[0, 0] / (joint[1, 0] * joint[0, 1])
    return {"q": q, "alpha": alpha, "rho": rho, "centre": centre, "mean_left": mean_left,
            "expected_crude_or": crude_or,
            "expected_takers": float(pmf @ p_a), "expected_recovered": float(pmf @ p_y)}


def simulate_time_ordering(*, n_clients: int = 302, n_takers: int = 66, n_recovered: int = 95,
                           mean_adviser_sessions: float = 3.08,
                           mean_therapy_sessions: float = 8.0, session_dispersion: float = 2.0,
                           min_sessions: int = 2, first_uptake_session: int = 1,
                           recovery_or_per_doubling: float = 2.0,
                           uptake_depends_on_time: bool = True, n_replicates: int = 2000,
                           reference_or: float | None = None, alpha: float = 0.05,
                           random_state: Any = None) -> TimeOrderingResult:
    """Simulate cohorts where support has NO effect and uptake depends on time in therapy.

    Parameters
    ----------
    n_clients, n_takers, n_recovered, mean_adviser_sessions
        Reported margins to calibrate to (defaults: Thew et al. 2024, 302 clients, 66
        accepted, 95 recovered, mean 3.08 adviser sessions among those who accepted).
    mean_therapy_sessions : float
        ASSUMED mean number of therapy sessions (default 8: the order of a high-intensity
        course; the study reports only that it adjusted for sessions).
    session_dispersion : float
        ASSUMED negative-binomial shape of sessions above the minimum (default 2: wide spread,
        SD about 0.6 x the mean at the default mean).
    min_sessions : int
        Sessions needed to be analysed (default 2: recovery is computed for clients with at
        least two treatment sessions, the NHS Talking Therapies rule).
    first_uptake_session : int
        ASSUMED first therapy session at which support can be taken up (default 1: offered at
        the start). Later values make clients who leave early unable to be exposed, the
        immortal-time mechanism in its sharpest form.
    recovery_or_per_doubling : float
        ASSUMED odds ratio of recovery per doubling of therapy sessions (default 2: a strong
        dose-response, a hypothesis to vary; 1 means recovery does not depend on time).
    uptake_depends_on_time : bool
        True: constant per-session uptake hazard (the time-ordering mechanism). False: uptake
        independent of time (then every OR is 1 in expectation; a check).
    n_replicates : int
        Simulated cohorts.
    reference_or : float, optional
        An observed OR to compare with (e.g. 2.54): the result reports the share of
        replicates at or above it.
    alpha : float
        For the central ``1 - alpha`` interval of the simulated ORs.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    TimeOrderingResult
        Labelled SIMULATED; holds the assumptions, the calibrated constants, the expected
        (population) crude OR and every replicate's log ORs.

    References
    ----------
    Suissa, S. (2008). Immortal time bias in pharmacoepidemiology. American Journal of
    Epidemiology 167(4), 492-499.
    Hernan, M. A. & Robins, J. M. (2016). Using big data to emulate a target trial when a
    randomized trial is not available. American Journal of Epidemiology 183(8), 758-764.
    """
    n = check_count(n_clients, "n_clients")
    takers = check_count(n_takers, "n_takers")
    recovered = check_count(n_recovered, "n_recovered")
    for name, value in (("n_takers", takers), ("n_recovered", recovered)):
        if not 0 < value < n:
            raise ParameterError(f"`{name}` must be between 1 and n_clients - 1 ({n - 1}); "
                                 f"got {value}.")
    minimum = check_count(min_sessions, "min_sessions")
    if minimum < 1:
        raise ParameterError(f"`min_sessions` must be at least 1; got {minimum}.")
    first = check_count(first_uptake_session, "first_uptake_session")
    if first < 1:
        raise ParameterError(f"`first_uptake_session` must be at least 1; got {first}.")
    if not uptake_depends_on_time and first > minimum:
        raise ParameterError("`first_uptake_session` must not exceed min_sessions when uptake "
                             f"is independent of time; got {first} > {minimum}.")
    mean_t = check_finite(mean_therapy_sessions, "mean_therapy_sessions")
    if mean_t <= minimum:
        raise ParameterError(f"`mean_therapy_sessions` must exceed min_sessions ({minimum}); "
                             f"got {mean_t:g}.")
    dispersion = check_positive(session_dispersion, "session_dispersion", what="a shape")
    beta = math.log(check_positive(recovery_or_per_doubling, "recovery_or_per_doubling"))
    adviser = check_finite(mean_adviser_sessions, "mean_adviser_sessions")
    if adviser < 1:
        raise ParameterError("`mean_adviser_sessions` must be at least 1 (uptake means one "
                             f"session or more); got {adviser:g}.")
    reps = check_count(n_replicates, "n_replicates")
    if reps < 2:
        raise ParameterError(f"`n_replicates` must be at least 2; got {reps}.")
    if not isinstance(uptake_depends_on_time, bool):
        raise ParameterError("`uptake_depends_on_time` must be True or False; got "
                             f"{uptake_depends_on_time!r}.")
    rng = check_random_state(random_state)

    t_values, pmf = _session_pmf(mean_t, dispersion, minimum)
    cal = _calibrate(t_values, pmf, takers / n, recovered / n, beta, adviser,
                     uptake_depends_on_time, first)
    q = cal["q"]
    shape = (reps, n)
    p_nb = dispersion / (dispersion + mean_t - minimum)
    sessions = minimum + rng.negative_binomial(dispersion, p_nb, size=shape)
    available = np.maximum(sessions - first + 1, 0)
    if uptake_depends_on_time:
        step = rng.geometric(q, size=shape)  # the uptake session among the available ones
        treated = step <= available
    else:
        treated = rng.random(shape) < takers / n
        v = rng.random(shape)
        step = np.ceil(np.log1p(-v * (1 - (1 - q) ** available)) / math.log1p(-q))
        step = np.clip(step, 1, available).astype(int)
    uptake_at = first - 1 + step
    p_y = _expit(cal["alpha"] + beta * np.log2(sessions / cal["centre"]))
    outcome = rng.random(shape) < p_y
    left = np.where(treated, sessions - uptake_at, 0)
    adviser_sessions = np.where(treated, 1 + rng.poisson(cal["rho"] * left), 0)

    a = (treated & outcome).sum(axis=1)
    b = (treated & ~outcome).sum(axis=1)
    c = (~treated & outcome).sum(axis=1)
    d = (~treated & ~outcome).sum(axis=1)
    with np.errstate(divide="ignore"):
        crude = np.where((a * b * c * d) > 0, np.log(a * d / (b * c).astype(float)), np.nan)
    adjusted_log = _adjusted(treated, outcome, np.log(sessions))
    adjusted_linear = _adjusted(treated, outcome, sessions.astype(float))

    assumptions = (
        ("mean_therapy_sessions", mean_t, "assumed: order of a high-intensity course; the "
         "study reports no distribution"),
        ("session_dispersion", dispersion, "assumed: negative-binomial shape (wide spread)"),
        ("min_sessions", float(minimum), "inclusion rule: recovery needs >= 2 sessions"),
        ("first_uptake_session", float(first), "assumed: first session at which support "
         "can be taken up"),
        ("recovery_or_per_doubling", float(recovery_or_per_doubling), "assumed: "
         "dose-response of recovery on time in therapy (hypothesis; vary it)"),
        ("uptake_depends_on_time", float(uptake_depends_on_time), "scenario: constant "
         "per-session uptake hazard" if uptake_depends_on_time else "check: uptake "
         "independent of time"),
        ("true_effect_of_support", 1.0, "by construction: the null (OR 1)"),
    )
    margins = {"n_clients": float(n), "n_takers": float(takers),
               "n_recovered": float(recovered), "mean_adviser_sessions": adviser}
    simulated = {"n_takers": treated.sum(axis=1).astype(float),
                 "n_recovered": outcome.sum(axis=1).astype(float),
                 "mean_adviser_sessions": adviser_sessions.sum(axis=1) / np.maximum(
                     treated.sum(axis=1), 1)}
    return TimeOrderingResult(
        assumptions=assumptions, margins=margins, calibration=cal,
        crude_log_or=crude, adjusted_log_or=adjusted_log, adjusted_linear_log_or=adjusted_linear,
        simulated_margins=simulated, n_replicates=reps, reference_or=reference_or, alpha=alpha,
        adviser_sessions_total=float(adviser_sessions.sum()),
        takers_total=float(treated.sum()))


def _adjusted(treated: np.ndarray, outcome: np.ndarray, covariate: np.ndarray) -> np.ndarray:
    from causal._glm import fit_logit_batch

    X = np.stack([np.ones_like(covariate), treated.astype(float), covariate], axis=-1)
    fit = fit_logit_batch(X, outcome.astype(float))
    return np.where(fit.converged, fit.coef[:, 1], np.nan)
