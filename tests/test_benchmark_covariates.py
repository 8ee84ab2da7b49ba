"""Observed-covariate benchmarking (McGowan & Greevy 2020)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import DataError, ParameterError
from causal.sensitivity.evalues.benchmark_covariates import (
    benchmark_covariates,
    observed_covariate_e_value,
    observed_covariate_e_value_ci,
)


def test_closed_form_values():
    """RR ratio 4/3: E = 4/3 + sqrt(4/3 * 1/3) = 4/3 + 2/3 = 2 exactly; ratio 1 gives 1; the
    direction of the ratio does not matter."""
    assert observed_covariate_e_value(2.0, 1.5) == pytest.approx(2.0, abs=1e-12)
    assert observed_covariate_e_value(1.5, 2.0) == pytest.approx(2.0, abs=1e-12)
    assert observed_covariate_e_value(1.7, 1.7) == pytest.approx(1.0, abs=1e-12)
    # CI version: full CI (1.5, 3) is above 1, so the lower limits 1.5 and 2.0 are compared
    assert observed_covariate_e_value_ci((1.5, 3.0), (2.0, 4.0)) == pytest.approx(2.0, abs=1e-12)
    # protective: full CI (1/3, 2/3) below 1, the upper limits 2/3 and 1/2 are compared (4/3)
    assert observed_covariate_e_value_ci((1 / 3, 2 / 3), (0.25, 0.5)) == pytest.approx(2.0,
                                                                                     abs=1e-12)


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    """Simulated: 'severity' confounds strongly, 'age' weakly, 'noise' not at all."""
    rng = np.random.default_rng(31)
    n = 3000
    severity, age, noise = rng.normal(size=(3, n))
    t = (rng.random(n) < 1 / (1 + np.exp(-(1.0 * severity + 0.2 * age)))).astype(int)
    y = 0.5 * t + 1.0 * severity + 0.2 * age + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * t - 1.2 * severity - 0.2 * age - 0.5)))).astype(int)
    frame = pd.DataFrame({"severity": severity, "age": age, "noise": noise, "t": t, "y": y,
                          "yb": yb})
    frame.attrs["simulated"] = True
    return frame


COVS = ["severity", "age", "noise"]


def test_linear_model_ranks_confounders_and_matches_hand_computation(cohort):
    import statsmodels.api as sm

    before = cohort.copy(deep=True)
    result = benchmark_covariates(cohort, treatment="t", outcome="y", covariates=COVS)
    pd.testing.assert_frame_equal(cohort, before)
    table = result.table()
    assert list(table["group"]) == ["severity", "age", "noise"]
    # hand computation for 'severity': OLS without it, exp(0.91 (b_full - b_red) / sd_y)
    full = sm.OLS(cohort["y"], sm.add_constant(cohort[["t", *COVS]])).fit().params["t"]
    red = sm.OLS(cohort["y"], sm.add_constant(cohort[["t", "age", "noise"]])).fit().params["t"]
    ratio = math.exp(0.91 * (full - red) / cohort["y"].std())
    ratio = max(ratio, 1 / ratio)
    expected = ratio + math.sqrt(ratio * (ratio - 1))
    assert table.loc[0, "observed_covariate_e_value"] == pytest.approx(expected, rel=1e-9)
    assert table.loc[0, "estimate_without"] == pytest.approx(red, rel=1e-9)
    assert result.estimate == pytest.approx(full, rel=1e-9)
    # a covariate unrelated to treatment barely moves the estimate
    assert table.loc[2, "observed_covariate_e_value"] < 1.2
    assert tuple(result.summary().columns) == SUMMARY_COLUMNS
    assert "Omitting severity" in result.sentence()


def test_logistic_model_uses_sqrt_for_a_common_outcome_and_groups(cohort):
    import statsmodels.api as sm

    result = benchmark_covariates(cohort, treatment="t", outcome="yb", covariates=COVS,
                                  groups={"baseline": ["severity", "age"], "noise": "noise"},
                                  rare_outcome=False)
    assert result.measure == "conditional OR" and "sqrt(OR)" in result.conversion
    full = sm.GLM(cohort["yb"], sm.add_constant(cohort[["t", *COVS]]),
                  family=sm.families.Binomial()).fit().params["t"]
    red = sm.GLM(cohort["yb"], sm.add_constant(cohort[["t", "noise"]]),
                 family=sm.families.Binomial()).fit().params["t"]
    ratio = math.exp(abs(full - red) / 2)  # sqrt(OR_full) / sqrt(OR_reduced)
    expected = ratio + math.sqrt(ratio * (ratio - 1))
    baseline = next(b for b in result.benchmarks if b.group == "baseline")
    assert baseline.e_value == pytest.approx(expected, rel=1e-6)
    assert baseline.dropped == ("severity", "age")
    # the estimate's own E-value comes from the project's e_value with the same conversion
    assert result.evalue.point == pytest.approx(
        math.sqrt(result.estimate) + math.sqrt(math.sqrt(result.estimate)
                                               * (math.sqrt(result.estimate) - 1)), rel=1e-9)


def test_bad_input(cohort):
    with pytest.raises(ParameterError, match="`rare_outcome` must be stated for a logistic"):
        benchmark_covariates(cohort, treatment="t", outcome="yb", covariates=COVS)
    with pytest.raises(ParameterError, match="`model`='logistic' needs a binary outcome"):
        benchmark_covariates(cohort, treatment="t", outcome="y", covariates=COVS,
                             model="logistic", rare_outcome=False)
    with pytest.raises(DataError, match=r"`groups\['x'\]` must list covariates of the model"):
        benchmark_covariates(cohort, treatment="t", outcome="y", covariates=COVS,
                             groups={"x": ["height"]})
    with pytest.raises(ParameterError, match="`model` must be one of"):
        benchmark_covariates(cohort, treatment="t", outcome="y", covariates=COVS, model="probit")
