"""Calibration of SIMULATED self-selection: the batched logistic fit and the calibrated world.

The calibrated motivation OR in studies/thew2024.toml was found offline by
``calibrate_motivation`` with 8,000 replicates (see the TOML comment); here a modest number of
replicates checks that the recorded value still gives a mean adjusted OR near 2.54.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causal.data import simulate_cohorts
from causal.data.cohort import targets_of
from causal.data.spec import find_world
from causal.study import load_study
from causal.worlds.calibrate import adjusted_design, fit_logistic_batch, mean_adjusted_log_or

STUDY = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"


@pytest.fixture(scope="module")
def study():
    return load_study(STUDY)


def test_batched_logistic_fit_matches_statsmodels(study):
    import statsmodels.api as sm

    arrays = simulate_cohorts(study, "self-selection only", replicates=6, random_state=31)
    x = adjusted_design(arrays, study.data)
    y = arrays["recovery"].astype(float)
    beta, converged = fit_logistic_batch(x, y)
    assert converged.all()
    for r in range(6):
        reference = sm.Logit(y[r], x[r]).fit(disp=0, tol=1e-12).params
        np.testing.assert_allclose(beta[r], reference, rtol=1e-6, atol=1e-8)


def test_batched_fit_flags_separation():
    x = np.stack([np.ones((2, 20)), np.r_[np.zeros(10), np.ones(10)][None].repeat(2, 0)], -1)
    y = np.stack([np.r_[np.zeros(10), np.ones(10)],                 # separated
                  np.r_[np.zeros(7), np.ones(3), np.zeros(4), np.ones(6)]])
    _, converged = fit_logistic_batch(x, y)
    assert converged.tolist() == [False, True]


def test_adjusted_design_excludes_motivation(study):
    arrays = simulate_cohorts(study, replicates=2, n=10, random_state=0)
    x = adjusted_design(arrays, study.data)
    # intercept, treatment, 7 numeric covariates, 2 presenting-problem indicators
    assert x.shape == (2, 10, 11)
    assert not any(np.allclose(x[..., j], arrays["motivation"]) for j in range(11))


def test_self_selection_world_gives_the_published_adjusted_or_on_average(study):
    """Mean adjusted log-OR over 600 cohorts of 302: SE = sd / sqrt(600), about 0.014; the
    calibration's own Monte Carlo SE (8,000 replicates, about 0.004) and rounding of the
    recorded OR to 3 decimals (< 0.001 on the log-OR scale) are added in quadrature."""
    data, world = study.data, find_world(study.worlds, "self-selection only")
    assert world.true_odds_ratio == 1.0
    mean, se, failed = mean_adjusted_log_or(data, world, targets_of(study), 302, 600, 77)
    assert failed == 0
    tolerance = 4 * np.sqrt(se**2 + 0.004**2 + 0.001**2)
    assert abs(mean - np.log(2.54)) < tolerance


def test_no_hidden_world_has_no_motivation_effect(study):
    world = find_world(study.worlds, "no hidden confounding")
    assert world.motivation_uptake_odds_ratio == world.motivation_recovery_odds_ratio == 1.0
    assert world.true_odds_ratio == 2.54
