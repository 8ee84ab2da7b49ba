"""Ill-conditioned designs: squared earnings in the LaLonde CPS design have a condition number
of about 1e10, so normal equations (condition ~1e20) fail. Our fits equilibrate the columns;
the reference is statsmodels OLS/Logit (pinv/Newton on the same design), agreement to 1e-6
relative (the remaining difference is floating-point conditioning, ~1e-8 observed)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from causal._glm import add_intercept, fit_logistic_one
from causal.data import load_study_data
from causal.estimate import OutcomeRegression
from causal.study import load_study
from tests.conftest import ROOT

COVARIATES = ["age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "u74", "u75"]
SQUARED = ["age", "educ", "re74", "re75"]


@pytest.fixture(scope="module")
def lalonde_design():
    data = load_study_data(load_study(ROOT / "studies" / "lalonde.toml"))
    x = data[["treat", *COVARIATES]].astype(float)
    for column in SQUARED:
        x[f"{column}^2"] = x[column] ** 2
    return data, x


def test_outcome_regression_matches_statsmodels_on_squared_earnings(lalonde_design):
    data, x = lalonde_design
    assert np.linalg.cond(sm.add_constant(x).to_numpy()) > 1e9
    reference = sm.OLS(data["re78"], sm.add_constant(x)).fit()
    ours = OutcomeRegression(measure="md").estimate(
        data, treatment="treat", outcome="re78", covariates=COVARIATES, squared=SQUARED)
    assert ours.estimate == pytest.approx(reference.params["treat"], rel=1e-6)
    assert ours.std_error == pytest.approx(reference.bse["treat"], rel=1e-6)


def test_logistic_fit_matches_statsmodels_on_squared_earnings(lalonde_design):
    data, x = lalonde_design
    covariates = x.drop(columns="treat")
    reference = sm.Logit(data["treat"], sm.add_constant(covariates)).fit(disp=0, tol=1e-12)
    ours = fit_logistic_one(add_intercept(covariates.to_numpy()), data["treat"].to_numpy(float))
    assert ours.converged[0]
    assert ours.coef[0] == pytest.approx(reference.params.to_numpy(), rel=1e-5)
