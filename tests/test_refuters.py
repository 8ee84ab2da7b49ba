"""Each refuter on simulated data where the answer is known.

Monte Carlo error: a mean of R refuted estimates has standard error SD / sqrt(R); checks use 4
such errors (two-sided failure probability about 6e-5 per check, seeded anyway).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal._results import SUMMARY_COLUMNS
from tests._refute_by_name import by_name

TRUE_EFFECT = 0.5


def simulate(n: int, seed: int, effect: float = TRUE_EFFECT) -> pd.DataFrame:
    """Simulated cohort: confounders a, b; binary treatment t; continuous y, binary yb."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-(x[:, 0] - 0.5 * x[:, 1])))).astype(int)
    y = effect * t + x @ [1.0, 0.5] + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.7 * t + x[:, 0] - 0.5)))).astype(int)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y, "yb": yb})
    frame.attrs["simulated"] = True
    return frame


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return simulate(4000, 1)


KW = {"treatment": "t", "covariates": ["a", "b"]}
ESTIMATORS = [("linear_regression", "y"), ("ipw", "y"), ("logistic_regression", "yb")]


def _mc_close(result, target_linear: float, k: float = 4.0) -> None:
    centre = math.log(result.refuted_mean) if result.is_ratio else result.refuted_mean
    assert abs(centre - target_linear) <= k * result.monte_carlo_se


def _ols_se(frame: pd.DataFrame) -> tuple[float, float]:
    d = np.column_stack([np.ones(len(frame)), frame["a"], frame["b"], frame["t"]])
    coef, *_ = np.linalg.lstsq(d, frame["y"].to_numpy(), rcond=None)
    resid = frame["y"].to_numpy() - d @ coef
    sigma2 = resid @ resid / (len(frame) - d.shape[1])
    return coef[3], math.sqrt(sigma2 * np.linalg.inv(d.T @ d)[3, 3])


@pytest.mark.parametrize(("estimator", "outcome"), ESTIMATORS)
def test_placebo_centres_on_the_null_and_the_real_effect_stands_out(data, estimator, outcome):
    result = by_name(cr.placebo_treatment, data, outcome=outcome, estimator=estimator, n_simulations=200,
                                  random_state=2, **KW)
    _mc_close(result, 0.0)
    assert result.passed and result.p_value == pytest.approx(1 / 201)
    assert result.expected == "null"


def test_placebo_fails_when_there_is_no_effect():
    frame = simulate(4000, 3, effect=0.0)
    result = by_name(cr.placebo_treatment, frame, outcome="y", n_simulations=200, random_state=4, **KW)
    assert not result.passed and result.verdict == "failed"
    assert "no larger" in result.sentence


@pytest.mark.parametrize(("estimator", "outcome"), ESTIMATORS)
def test_random_common_cause_leaves_the_estimate_unchanged(data, estimator, outcome):
    result = by_name(cr.random_common_cause, data, outcome=outcome, estimator=estimator,
                                    n_simulations=100, random_state=5, **KW)
    original = math.log(result.original_estimate) if result.is_ratio else result.original_estimate
    # the refits move by O(SE / sqrt(n)); relative to the estimate that is < 1e-2 here
    assert abs(result.shift) < 1e-2 * abs(original)
    assert result.passed


def test_subset_and_bootstrap_spread_match_the_ols_standard_error(data):
    """Derivation: for OLS with homoskedastic errors, Var(subset - full) = SE^2 (1 - f) / f
    (a subset of f n rows without replacement), and the bootstrap SD estimates SE. With R = 400
    an SD has relative Monte Carlo error about 1 / sqrt(2 R) = 3.5%; tolerance 15%."""
    estimate, se = _ols_se(data)
    subsets = by_name(cr.data_subset, data, outcome="y", subset_fraction=0.8, n_simulations=400,
                             random_state=6, **KW)
    assert subsets.original_estimate == pytest.approx(estimate, abs=1e-10)
    sd_diff = np.std(subsets.refuted_estimates - estimate, ddof=1)
    assert sd_diff == pytest.approx(se * math.sqrt(0.2 / 0.8), rel=0.15)
    boot = by_name(cr.bootstrap, data, outcome="y", n_simulations=400, random_state=7, **KW)
    assert boot.refuted_sd == pytest.approx(se, rel=0.15)
    assert subsets.passed and boot.passed
    _mc_close(boot, estimate)


@pytest.mark.parametrize(("estimator", "outcome"), ESTIMATORS)
def test_permuted_dummy_outcome_centres_on_the_null(data, estimator, outcome):
    result = by_name(cr.dummy_outcome, data, outcome=outcome, estimator=estimator, n_simulations=200,
                              random_state=8, **KW)
    _mc_close(result, 0.0)
    assert result.passed


def test_confounded_negative_control_fails_and_unconfounded_passes():
    rng = np.random.default_rng(9)
    frame = simulate(4000, 10)
    hidden = rng.normal(size=len(frame))
    frame["t"] = (rng.random(len(frame)) < 1 / (1 + np.exp(-(frame["a"] + 1.5 * hidden)))).astype(int)
    frame["nc_confounded"] = hidden + rng.normal(size=len(frame))  # shares the hidden cause
    frame["nc_clean"] = frame["a"] + rng.normal(size=len(frame))  # measured cause only
    bad = by_name(cr.dummy_outcome, frame, outcome="y", negative_control="nc_confounded",
                           n_simulations=200, random_state=11, **KW)
    good = by_name(cr.dummy_outcome, frame, outcome="y", negative_control="nc_clean", n_simulations=200,
                            random_state=11, **KW)
    assert not bad.passed and bad.p_value < 0.05
    assert bad.parameters["negative_control_estimate"] > 0.5
    assert good.passed


def test_binary_flip_confounder_with_logistic_model_runs_and_is_described(data):
    result = by_name(cr.unobserved_common_cause, data, outcome="yb", estimator="logistic_regression",
                                        effect_strength_on_treatment=0.2,
                                        effect_strength_on_outcome=0.2, n_simulations=50,
                                        random_state=14, **KW)
    assert result.parameters["effect_on_outcome"] == "binary_flip"
    assert result.p_value is None and "moves the estimate" in result.sentence
    # flipping both T and Y for the same (high-U) units adds a positive association
    assert result.refuted_mean > result.original_estimate


REFUTERS = [
    (cr.placebo_treatment, {}), (cr.random_common_cause, {}), (cr.data_subset, {}),
    (cr.bootstrap, {}), (cr.dummy_outcome, {}),
    (cr.unobserved_common_cause, {"effect_strength_on_treatment": 0.1,
                                  "effect_strength_on_outcome": 0.5}),
]


@pytest.mark.parametrize(("refuter", "extra"), REFUTERS)
@pytest.mark.parametrize("estimator", ["linear_regression", "ipw"])
def test_contract_seeded_unmutated_schema(data, refuter, extra, estimator):
    small = data.iloc[:600].copy()
    before = small.copy(deep=True)
    first = by_name(refuter, small, outcome="y", estimator=estimator, n_simulations=20, random_state=3,
                    **KW, **extra)
    again = by_name(refuter, small, outcome="y", estimator=estimator, n_simulations=20, random_state=3,
                    **KW, **extra)
    other = by_name(refuter, small, outcome="y", estimator=estimator, n_simulations=20,
                    random_state=np.random.default_rng(4), **KW, **extra)
    pd.testing.assert_frame_equal(small, before)
    np.testing.assert_array_equal(first.refuted_estimates, again.refuted_estimates)
    assert first == again
    assert not np.array_equal(first.refuted_estimates, other.refuted_estimates)
    assert first.n_simulations == 20 and first.random_state == 3
    summary = first.summary()
    assert tuple(summary.columns) == SUMMARY_COLUMNS and len(summary) == 2
    assert first.verdict in summary["note"].iloc[1]
    assert not first.refuted_estimates.flags.writeable


def test_refute_all_runs_every_refuter_reproducibly(data):
    small = data.iloc[:800]
    first = by_name(cr.refute_all, small, outcome="y", n_simulations=30, random_state=1,
                          unobserved_strengths=(0.1, 0.5), **KW)
    again = by_name(cr.refute_all, small, outcome="y", n_simulations=30, random_state=1,
                          unobserved_strengths=(0.1, 0.5), **KW)
    assert [r.refuter for r in first.results] == [
        "placebo treatment", "random common cause", "data subsets", "bootstrap", "dummy outcome",
        "unobserved common cause"]
    assert first == again
    assert len(first.summary()) == 12 and tuple(first.summary().columns) == SUMMARY_COLUMNS
    assert first.all_passed  # a real effect of 0.5 in simulated data (about 12 SEs)
