"""The time-ordering (immortal-time) simulation: calibration, null checks and closed forms.

Every simulated quantity is compared with a derivation within a stated Monte Carlo error
(4 Monte Carlo standard errors, computed from the replicates themselves; seeded).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from causal.errors import ParameterError
from causal.sensitivity import simulate_time_ordering
from causal.sensitivity.simulations.time_ordering import THEW_MARGINS, _calibrate, _session_pmf


def test_calibration_is_exact_on_the_expected_margins():
    """Derivation: q, alpha and rho solve the margin equations summed over the exact
    distribution of sessions, so the expected proportions equal 66/302 and 95/302 (1e-10)."""
    result = simulate_time_ordering(n_replicates=2, random_state=0)
    cal = result.calibration
    assert cal["expected_takers"] == pytest.approx(66 / 302, abs=1e-10)
    assert cal["expected_recovered"] == pytest.approx(95 / 302, abs=1e-10)
    assert cal["centre"] == pytest.approx(8.0, rel=1e-9)  # the session distribution's mean
    assert 1 + cal["rho"] * cal["mean_left"] == pytest.approx(3.08, rel=1e-12)
    assert THEW_MARGINS == {"n_clients": 302, "n_takers": 66, "n_recovered": 95,
                            "mean_adviser_sessions": 3.08}


def test_simulated_margins_hit_the_reported_ones_within_monte_carlo_error():
    """Reported margins (Thew et al. 2024 via FACTS [B]): 66 takers, 95 recovered of 302,
    mean 3.08 adviser sessions among takers. Tolerance: 4 Monte Carlo SEs of the replicate
    means (adviser sessions: the pooled mean, with the SE of the per-cohort means)."""
    result = simulate_time_ordering(n_replicates=2000, random_state=11)
    for name, target in (("n_takers", 66), ("n_recovered", 95)):
        values = result.simulated_margins[name]
        assert abs(values.mean() - target) < 4 * values.std(ddof=1) / math.sqrt(values.size)
    per_cohort = result.simulated_margins["mean_adviser_sessions"]
    se = per_cohort.std(ddof=1) / math.sqrt(per_cohort.size)
    # the pooled ratio (sessions / takers over all cohorts) estimates the calibrated mean
    assert abs(result.mean_adviser_sessions - 3.08) < 4 * se


def test_no_dependence_of_uptake_on_time_gives_a_null_crude_or():
    """With uptake independent of time, A and Y are independent: the population OR is 1
    exactly, and the mean sample log OR is its second-order bias
    E[log OR^] ~ -(1/2N) (1/p11 + 1/p00 - 1/p10 - 1/p01) (delta method on the multinomial cell
    counts; -0.0096 here), within 4 Monte Carlo SEs."""
    result = simulate_time_ordering(uptake_depends_on_time=False, n_replicates=4000,
                                    random_state=5)
    assert result.calibration["expected_crude_or"] == pytest.approx(1.0, abs=1e-12)
    p_a, p_y, n = 66 / 302, 95 / 302, 302
    p11, p10 = p_a * p_y, p_a * (1 - p_y)
    p01, p00 = (1 - p_a) * p_y, (1 - p_a) * (1 - p_y)
    bias = -(1 / p11 + 1 / p00 - 1 / p10 - 1 / p01) / (2 * n)
    mean, se = result.mean_log_or("crude")
    assert abs(mean - bias) < 4 * se
    assert np.isfinite(result.crude_log_or).all()


def test_no_dependence_of_recovery_on_time_gives_a_null_population_or():
    """recovery_or_per_doubling = 1: Y is independent of T and hence of A; the exact
    population crude OR is 1 whatever the uptake mechanism."""
    result = simulate_time_ordering(recovery_or_per_doubling=1.0, n_replicates=2,
                                    random_state=0)
    assert result.calibration["expected_crude_or"] == pytest.approx(1.0, abs=1e-12)


def test_large_cohorts_converge_to_the_exact_population_odds_ratios():
    """Closed form: the population crude OR is sum_t p(t) P(A|t) P(Y|t) combined over the
    2x2 cells (computed exactly by _calibrate); the OR adjusted for log T is exactly 1 (Y is
    independent of A given T, and log T is the true form). With 30,200 clients per cohort the
    O(1/N) small-sample bias (< 1e-3) is below the tolerance of 4 Monte Carlo SEs."""
    result = simulate_time_ordering(n_clients=30200, n_takers=6600, n_recovered=9500,
                                    n_replicates=60, random_state=3)
    mean, se = result.mean_log_or("crude")
    assert abs(mean - math.log(result.calibration["expected_crude_or"])) < 4 * se + 1e-3
    assert result.calibration["expected_crude_or"] > 1.3
    adjusted, se_adjusted = result.mean_log_or("adjusted_log")
    assert abs(adjusted) < 4 * se_adjusted + 1e-3


@pytest.mark.parametrize("first", [1, 4])
def test_exact_population_or_by_direct_summation(first):
    """An independent hand computation of the population crude OR: uptake is possible from
    session `first`, so P(A = 1 | T) = 1 - (1 - q)^max(T - first + 1, 0)."""
    t, pmf = _session_pmf(8.0, 2.0, 2)
    cal = _calibrate(t, pmf, 66 / 302, 95 / 302, math.log(2.0), 3.08, True, first)
    p_a = 1 - (1 - cal["q"]) ** np.maximum(t - first + 1, 0)
    p_y = 1 / (1 + np.exp(-(cal["alpha"] + math.log(2.0) * np.log2(t / cal["centre"]))))
    cells = [[np.sum(pmf * (p_a if a else 1 - p_a) * (p_y if y else 1 - p_y)) for y in (0, 1)]
             for a in (0, 1)]
    odds_ratio = cells[1][1] * cells[0][0] / (cells[1][0] * cells[0][1])
    assert cal["expected_crude_or"] == pytest.approx(odds_ratio, rel=1e-12)
    assert np.sum(pmf * p_a) == pytest.approx(66 / 302, abs=1e-10)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12) and t.min() == 2


def test_later_uptake_keeps_the_margins_within_monte_carlo_error():
    """With uptake possible from session 4 only, the calibration still hits the reported
    margins (4 Monte Carlo SEs) and the OR adjusted for log(sessions) stays null in
    expectation: mean log OR within 4 SEs of 0 (the small-sample bias of the logistic MLE,
    about -0.005 at n = 302 when measured with 20,000 replicates, is below one SE here)."""
    result = simulate_time_ordering(first_uptake_session=4, n_replicates=1500, random_state=2)
    takers = result.simulated_margins["n_takers"]
    assert abs(takers.mean() - 66) < 4 * takers.std(ddof=1) / math.sqrt(takers.size)
    per_cohort = result.simulated_margins["mean_adviser_sessions"]
    se = per_cohort.std(ddof=1) / math.sqrt(per_cohort.size)
    assert abs(result.mean_adviser_sessions - 3.08) < 4 * se
    mean, se_log = result.mean_log_or("adjusted_log")
    assert abs(mean) < 4 * se_log


def test_reproducible_labelled_and_generator_accepted():
    first = simulate_time_ordering(n_replicates=50, random_state=7, reference_or=2.54)
    second = simulate_time_ordering(n_replicates=50, random_state=np.random.default_rng(7),
                                    reference_or=2.54)
    np.testing.assert_array_equal(first.crude_log_or, second.crude_log_or)
    frame = first.summary()
    assert frame["quantity"].str.startswith("SIMULATED").sum() >= 6
    assert "share with OR >= 2.54" in frame["note"].iloc[0]
    assert {"assumption: recovery_or_per_doubling", "assumption: mean_therapy_sessions"} <= set(
        frame["quantity"])
    state = np.random.get_state()[1].copy()  # noqa: NPY002 - checking it is untouched
    simulate_time_ordering(n_replicates=5, random_state=1)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


@pytest.mark.parametrize("kwargs, match", [
    ({"n_takers": 400}, "`n_takers` must be between 1 and n_clients - 1"),
    ({"mean_therapy_sessions": 2.0}, "`mean_therapy_sessions` must exceed min_sessions"),
    ({"mean_adviser_sessions": 0.5}, "`mean_adviser_sessions` must be at least 1"),
    ({"recovery_or_per_doubling": 0.0}, "`recovery_or_per_doubling` must be > 0"),
    ({"n_replicates": 1}, "`n_replicates` must be at least 2"),
    ({"min_sessions": 0}, "`min_sessions` must be at least 1"),
    ({"first_uptake_session": 0}, "`first_uptake_session` must be at least 1"),
    ({"first_uptake_session": 3, "uptake_depends_on_time": False},
     "`first_uptake_session` must not exceed min_sessions"),
    ({"random_state": "seed"}, "`random_state` must be None, an int seed"),
])
def test_bad_input_raises(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        simulate_time_ordering(n_replicates=kwargs.pop("n_replicates", 10), **kwargs)


def test_unknown_analysis_raises():
    result = simulate_time_ordering(n_replicates=5, random_state=0)
    with pytest.raises(ParameterError, match="`analysis` must be one of"):
        result.log_or("matched")  # type: ignore[arg-type]
