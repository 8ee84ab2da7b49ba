"""What refutation tests can and cannot see, on SIMULATED Thew-like cohorts (causal.data).

World "self-selection only": employment support has no effect (true OR 1), and latent
motivation drives both uptake and recovery (OR 3.297 per SD each, calibrated so that the paper's
adjusted model gives OR 2.54 on average; studies/thew2024.toml). Every standard refuter passes,
because none of them can detect a confounder that was never measured; adjusting for the latent
motivation (possible only in simulation) brings the OR back to about 1.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import causal.refute as cr
from causal.data import simulate_cohort
from causal.study import load_study
from tests._refute_by_name import by_name

COVARIATES = ["long_term_condition", "sessions", "age", "sex", "ethnicity", "phq9_baseline",
              "gad7_baseline"]


@pytest.fixture(scope="module")
def cohort() -> tuple[pd.DataFrame, list[str]]:
    frame = simulate_cohort(load_study("studies/thew2024.toml"), "self-selection only", n=3000,
                            random_state=1)
    assert frame.attrs["simulated"] and frame.attrs["true_odds_ratio"] == 1.0
    frame = pd.get_dummies(frame, columns=["presenting_problem"], drop_first=True, dtype=float)
    dummies = [c for c in frame.columns if c.startswith("presenting_problem_")]
    return frame, COVARIATES + dummies


def test_refuters_pass_although_the_true_effect_is_null(cohort):
    frame, covariates = cohort
    suite = by_name(cr.refute_all, frame, treatment="employment_support", outcome="recovery",
                          covariates=covariates, estimator="logistic_regression",
                          n_simulations=100, random_state=3)
    assert suite.all_passed
    # the conditional OR ignoring motivation is far from the truth (1): the calibration gives
    # 2.54 on average; at n = 3,000 its log has SE about 0.1, so > 1.8 is 3+ SEs below 2.54
    assert suite.results[0].original_estimate > 1.8


def test_adjusting_for_the_latent_confounder_recovers_the_null(cohort):
    frame, covariates = cohort
    result = by_name(cr.placebo_treatment, frame, treatment="employment_support", outcome="recovery",
                                  covariates=[*covariates, "motivation"],
                                  estimator="logistic_regression", n_simulations=20,
                                  random_state=3)
    assert abs(math.log(result.original_estimate)) < 0.4  # 4 SEs of the log OR around 0
    assert not result.passed  # now the placebo test cannot tell the estimate from no effect
