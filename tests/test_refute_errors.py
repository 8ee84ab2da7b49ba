"""Bad input to the refuters: one clear sentence naming the parameter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal.errors import DataError, ParameterError
from tests._refute_by_name import by_name, estimate_of


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    a = rng.normal(size=n)
    t = (rng.random(n) < 0.4).astype(int)
    return pd.DataFrame({"a": a, "t": t, "y": a + t + rng.normal(size=n),
                         "yb": (rng.random(n) < 0.3).astype(int), "dose": rng.normal(size=n),
                         "group": ["x"] * n})


KW = {"treatment": "t", "outcome": "y", "covariates": ["a"]}


def test_a_refuter_takes_an_estimate(data):
    # refuters refit the estimator behind an EffectEstimate; a model named by string is gone
    with pytest.raises(ParameterError, match="`estimate` must be an EffectEstimate returned by "
                                             "an estimator of causal.estimate; got str"):
        cr.bootstrap("linear_regression", data)


def test_the_data_must_be_the_estimates(data):
    estimate = estimate_of(data, **KW)
    with pytest.raises(ParameterError, match="`data` must be the data the estimate came from"):
        cr.bootstrap(estimate, data.assign(y=2 * data["y"]), n_simulations=5)


def test_memory_is_estimated_and_refused_with_the_number(data):
    # bootstrap: 14 + 2 working (R, n) arrays -> 1000 x 300 x 8 x 16 bytes
    with pytest.raises(ParameterError, match=r"needs 38,400,000 bytes \(38\.4 MB: 1000 x 300 x 8 "
                                             r"bytes x 16 arrays\), above the limit of 10,000"):
        by_name(cr.bootstrap, data, n_simulations=1000, max_memory_bytes=10_000, **KW)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n_simulations": 1}, ParameterError, "`n_simulations` must be at least 2"),
    ({"n_simulations": 2.5}, ParameterError, "`n_simulations` must be a non-negative integer"),
    ({"alpha": 1.5}, ParameterError, r"`alpha` must be in \(0, 1\); got 1.5"),
    ({"random_state": "seed"}, ParameterError, "`random_state` must be None, an int"),
])
def test_bad_arguments(data, kwargs, error, message):
    with pytest.raises(error, match=message):
        by_name(cr.random_common_cause, data, **KW, **kwargs)


def test_missing_values_are_refused(data):
    estimate = estimate_of(data, **KW)
    holey = data.copy()
    holey.loc[3, "a"] = np.nan
    with pytest.raises(DataError, match="missing"):
        cr.placebo_treatment(estimate, holey)


def test_subset_fraction_must_be_a_proper_share(data):
    with pytest.raises(ParameterError, match=r"`subset_fraction` must be a proportion in \(0, 1\)"):
        by_name(cr.data_subset, data, subset_fraction=1.0, **KW)


def test_negative_control_must_differ_from_the_outcome(data):
    with pytest.raises(ParameterError, match="`negative_control` must be another column"):
        by_name(cr.dummy_outcome, data, negative_control="y", **KW)


def test_binary_flip_needs_a_binary_column(data):
    with pytest.raises(ParameterError, match="'binary_flip' flips 0/1 values, but column 'y'"):
        by_name(cr.unobserved_common_cause, data, effect_on_outcome="binary_flip",
                effect_strength_on_treatment=0.1, effect_strength_on_outcome=0.1, **KW)


def test_linear_effect_on_treatment_does_not_apply(data):
    # every estimator of causal.estimate takes a binary treatment
    with pytest.raises(ParameterError, match="IPW: .* needs a binary treatment; use "
                                             "'binary_flip'"):
        by_name(cr.unobserved_common_cause, data, estimator="ipw", effect_on_treatment="linear",
                effect_strength_on_treatment=0.5, effect_strength_on_outcome=1.0, **KW)


def test_linear_effect_on_a_binary_outcome_does_not_apply_to_logistic(data):
    with pytest.raises(ParameterError, match="outcome regression: .* needs a binary outcome"):
        by_name(cr.unobserved_common_cause, data, treatment="t", outcome="yb", covariates=["a"],
                estimator="logistic_regression", effect_on_outcome="linear",
                effect_strength_on_treatment=0.1, effect_strength_on_outcome=1.0)


def test_flip_probability_outside_unit_interval(data):
    with pytest.raises(ParameterError, match=r"`effect_strength_on_treatment` must be a proportion"):
        by_name(cr.unobserved_common_cause, data, effect_strength_on_treatment=1.5,
                                   effect_strength_on_outcome=1.0, **KW)
