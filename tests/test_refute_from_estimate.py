"""Refuting EffectEstimates from causal.estimate: which apply, and that the refit reproduces
the estimate (to 1e-6 relative: the estimators solve the same equations)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal.errors import ParameterError
from causal.estimate import AIPW, IPW, Crude, OutcomeRegression


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(41)
    n = 1500
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-0.5 * x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.7 * t + x[:, 0] - 0.5)))).astype(int)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y, "yb": yb})
    frame.attrs["simulated"] = True
    return frame


COVS = ["a", "b"]


@pytest.mark.parametrize(("make", "outcome", "expected"), [
    (lambda: OutcomeRegression(), "y", "linear_regression"),
    (lambda: OutcomeRegression(), "yb", "logistic_regression"),
    (lambda: IPW(), "y", "ipw"),
    (lambda: IPW(measure="rd"), "yb", "ipw"),
    (lambda: Crude(), "y", "linear_regression"),
])
def test_supported_estimates_are_reproduced_and_refuted(data, make, outcome, expected):
    est = make().estimate(data, treatment="t", outcome=outcome, covariates=COVS)
    assert cr.estimator_for(est) == expected
    result = cr.refute_estimate(est, data, covariates=COVS, refuter="placebo_treatment",
                                n_simulations=20, random_state=1)
    assert result.original_estimate == pytest.approx(est.estimate, rel=1e-6)
    assert result.refuter == "placebo treatment"


def test_all_refuters_on_an_estimate(data):
    est = OutcomeRegression().estimate(data, treatment="t", outcome="y", covariates=COVS)
    suite = cr.refute_estimate(est, data, covariates=COVS, n_simulations=20, random_state=2)
    assert len(suite.results) == 5 and suite.all_passed


@pytest.mark.parametrize(("make", "outcome", "message"), [
    (lambda: AIPW(), "y", "this AIPW estimate cannot be refitted"),
    (lambda: IPW(estimand="att"), "y", "targets the ATT"),
    (lambda: IPW(measure="or"), "yb", "cannot refit this IPW estimate of the OR"),
])
def test_estimates_the_refuters_do_not_apply_to(data, make, outcome, message):
    est = make().estimate(data, treatment="t", outcome=outcome, covariates=COVS)
    with pytest.raises(ParameterError, match=message):
        cr.refute_estimate(est, data, covariates=COVS)


def test_a_different_covariate_set_is_caught(data):
    est = OutcomeRegression().estimate(data, treatment="t", outcome="y", covariates=COVS)
    with pytest.raises(ParameterError, match="pass the same `covariates`"):
        cr.refute_estimate(est, data, covariates=["a"])


def test_not_an_estimate():
    with pytest.raises(ParameterError, match="`estimate` must be an EffectEstimate"):
        cr.estimator_for(2.54)
