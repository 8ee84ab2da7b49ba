"""Empirical calibration against OHDSI's EmpiricalCalibration 3.1.4 (R), bad input, and the
closed forms written next to each test.

Vectors: tests/data/empirical_calibration/ (README there: source, version, commit, script).
Tolerances: 1e-6 against the package's likelihood optimised to convergence (``null_refined``,
``model_refined``) and against its CI function run with a tight root tolerance (``ci_tight``).
R's *default* ``fitNull`` stops Nelder-Mead at reltol 1e-8 on the log-likelihood, about 1e-4
from the optimum in mu and sigma, and its default ``calibrateConfidenceInterval`` uses
``uniroot``'s default tol (1.2e-4), about 3e-5 in the CI limits; those outputs are checked at
5e-4 and 1e-4, the precision the package itself delivers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.errors import ParameterError
from causal.sensitivity.negative_controls.calibrated import calibrate
from causal.sensitivity.negative_controls.empirical_calibration import (
    EmpiricalNull,
    SystematicErrorModel,
    calibrate_ci,
    calibrate_ci_batch,
    calibrate_p,
    fit_null,
    fit_null_batch,
    fit_systematic_error_model,
    std_errors_from_ci,
)

DATA = Path(__file__).parent / "data" / "empirical_calibration"
R = json.loads((DATA / "results.json").read_text())
NULL_ONLY = ["sccs", "caseControl", "cohortMethod"]
WITH_POSITIVE = ["southworthReplication", "grahamReplication"]


def frame(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


def negatives(name: str) -> pd.DataFrame:
    d = frame(name)
    if "groundTruth" in d:
        return d[d["groundTruth"] == 0]
    return d[d["trueLogRr"] == 0]


def r_null(name: str) -> EmpiricalNull:
    return EmpiricalNull(R[name]["null"]["mean"], R[name]["null"]["sd"], 0, math.nan)


def cis(model, d: pd.DataFrame) -> np.ndarray:
    out = [calibrate_ci(model, y, s) for y, s in zip(d["logRr"], d["seLogRr"], strict=True)]
    return np.array([[c.log_estimate, c.ci_lower, c.ci_upper, c.std_error] for c in out])


def r_cis(name: str, key: str) -> np.ndarray:
    ci = pd.DataFrame(R[name][key])
    return ci[["logRr", "logLb95Rr", "logUb95Rr", "seLogRr"]].to_numpy(dtype=float)


@pytest.mark.parametrize("name", NULL_ONLY + WITH_POSITIVE)
def test_fit_null_matches_the_package_likelihood_optimum(name):
    neg = negatives(name)
    null = fit_null(neg["logRr"], neg["seLogRr"])
    ref = R[name]["null_refined"]
    assert null.mean == pytest.approx(ref["mean.mean"], abs=1e-6)
    assert null.sd == pytest.approx(ref["sd.sd"], abs=1e-6)
    # our optimum is at least as high as R's on the same likelihood
    assert -null.log_likelihood <= ref["neg_log_lik"] + 1e-9
    # and R's default fitNull stops within its Nelder-Mead tolerance of it
    assert null.mean == pytest.approx(R[name]["null"]["mean"], abs=5e-4)
    assert null.sd == pytest.approx(R[name]["null"]["sd"], abs=5e-4)


@pytest.mark.parametrize("name", NULL_ONLY + WITH_POSITIVE)
def test_calibrated_p_matches_calibrateP(name):
    d = frame(name).dropna(subset=["logRr"])
    null = r_null(name)
    assert np.allclose(calibrate_p(null, d["logRr"], d["seLogRr"]),
                       R[name]["calibrated_p_two_sided"], rtol=0, atol=1e-10)
    if "calibrated_p_upper" in R[name]:
        assert np.allclose(calibrate_p(null, d["logRr"], d["seLogRr"], "greater"),
                           R[name]["calibrated_p_upper"], rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", NULL_ONLY)
def test_null_only_calibrated_ci_matches_package(name):
    d = frame(name)
    ours = cis(r_null(name), d)
    assert np.allclose(ours, r_cis(name, "ci_tight"), rtol=0, atol=1e-10)
    assert np.allclose(ours, r_cis(name, "ci"), rtol=0, atol=1e-4)
    # closed form with negative controls only: y - mu -/+ z sqrt(sigma^2 + se^2)
    null = r_null(name)
    half = 1.959963984540054 * np.sqrt(null.sd ** 2 + d["seLogRr"].to_numpy() ** 2)
    assert np.allclose(ours[:, 1], d["logRr"] - null.mean - half, atol=1e-12)


@pytest.mark.parametrize("name", WITH_POSITIVE)
def test_systematic_error_model_matches_package_optimum(name):
    c = frame(name).dropna(subset=["trueLogRr"])
    model = fit_systematic_error_model(c["logRr"], c["seLogRr"], c["trueLogRr"])
    ref = R[name]["model_refined"]
    ours = [model.mean_intercept, model.mean_slope, model.sd_intercept, model.sd_slope]
    assert np.allclose(ours, [ref["meanIntercept"], ref["meanSlope"], ref["sdIntercept"],
                              ref["sdSlope"]], rtol=0, atol=1e-6)
    default = R[name]["model"]
    assert np.allclose(ours, list(default.values()), rtol=0, atol=1e-4)


@pytest.mark.parametrize("name", WITH_POSITIVE)
def test_calibrated_ci_with_positive_controls_matches_package(name):
    d = frame(name)
    given = R[name]["model"]
    model = SystematicErrorModel(given["meanIntercept"], given["meanSlope"], given["sdIntercept"],
                                 given["sdSlope"], "R")
    assert np.allclose(cis(model, d), r_cis(name, "ci_tight"), rtol=0, atol=1e-10)
    assert np.allclose(cis(model, d), r_cis(name, "ci"), rtol=0, atol=1e-4)
    # end to end: our fitted model, then our CI, against the package's optimum and tight CI
    c = d.dropna(subset=["trueLogRr"])
    fitted = fit_systematic_error_model(c["logRr"], c["seLogRr"], c["trueLogRr"])
    assert np.allclose(cis(fitted, d), r_cis(name, "ci_refined_tight"), rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", WITH_POSITIVE)
def test_calibrate_main_estimate_end_to_end(name):
    d = frame(name)
    main = d[d["trueLogRr"].isna()].iloc[0]
    c = d.dropna(subset=["trueLogRr"])
    result = calibrate(c["logRr"], c["seLogRr"], main["logRr"], main["seLogRr"],
                       true_log_effects=c["trueLogRr"])
    row = d.index.get_loc(main.name)
    ref = r_cis(name, "ci_refined_tight")[row]
    assert [result.calibrated.log_estimate, result.calibrated.ci_lower,
            result.calibrated.ci_upper] == pytest.approx(ref[:3], abs=1e-6)
    assert result.null.mean == pytest.approx(R[name]["null_refined"]["mean.mean"], abs=1e-6)
    summary = result.summary()
    assert summary.loc[1, "ci_lower"] == pytest.approx(math.exp(ref[1]), rel=1e-6)


def test_equal_standard_errors_closed_form():
    # equal SEs: tau = mean((y - ybar)^2) - se^2 when positive, mu = ybar
    y = np.array([0.1, 0.3, -0.1, 0.5, 0.05])
    null = fit_null(y, np.full(5, 0.1))
    assert null.mean == pytest.approx(y.mean(), abs=1e-12)
    assert null.sd == pytest.approx(math.sqrt(np.mean((y - y.mean()) ** 2) - 0.01), abs=1e-10)
    # spread smaller than the SEs: no systematic error beyond sampling, sigma = 0
    tight = fit_null([0.01, -0.01, 0.0, 0.02], [0.2, 0.2, 0.2, 0.2])
    assert tight.sd == 0.0 and tight.mean == pytest.approx(0.005, abs=1e-12)


def test_batch_equals_one_at_a_time():
    rng = np.random.default_rng(3)
    y = rng.normal(0.2, 0.3, size=(20, 8))
    se = rng.uniform(0.05, 0.4, size=(20, 8))
    mu, sigma = fit_null_batch(y, se)
    for k in range(20):
        one = fit_null(y[k], se[k])
        assert (mu[k], sigma[k]) == pytest.approx((one.mean, one.sd), abs=1e-12)


def test_inputs_are_not_modified():
    y = np.array([0.1, 0.3, -0.1, 0.5])
    se = np.array([0.1, 0.2, 0.1, 0.3])
    calibrate(y, se, 0.7, 0.2)
    assert y.tolist() == [0.1, 0.3, -0.1, 0.5] and se.tolist() == [0.1, 0.2, 0.1, 0.3]


def test_std_errors_from_ci():
    z = 1.959963984540054
    se = std_errors_from_ci([math.exp(-z * 0.2)], [math.exp(z * 0.2)])
    assert se[0] == pytest.approx(0.2, rel=1e-12)


# -- bad input: one sentence naming the parameter ---------------------------------------------

@pytest.mark.parametrize("y, se, match", [
    ([0.1, 0.2], [0.1, 0.1], r"`log_estimates` needs at least 3 negative controls.*got 2"),
    ([0.1, 0.2, 0.3], [0.1, 0.0, 0.1], r"`std_errors` must be finite and > 0; control 2"),
    ([0.1, 0.2, 0.3], [0.1, -0.1, 0.1], r"`std_errors` must be finite and > 0; control 2"),
    ([0.1, math.inf, 0.3], [0.1, 0.1, 0.1], r"`log_estimates` must be finite; control 2"),
    ([0.1, 0.2, math.nan], [0.1, 0.1, 0.1], r"`log_estimates` must be finite; control 3"),
    ([0.1, 0.2, 0.3], [0.1, 0.1, math.nan], r"`std_errors` must be finite and > 0; control 3"),
    ([0.1, 0.2, 0.3], [0.1, 0.1], r"`std_errors` must have one value per log estimate"),
])
def test_bad_controls(y, se, match):
    with pytest.raises(ParameterError, match=match):
        fit_null(y, se)
    with pytest.raises(ParameterError, match=match):
        calibrate(y, se, 0.5, 0.1)


def test_bad_main_estimate_and_positive_controls():
    with pytest.raises(ParameterError, match="`std_errors` must be finite and > 0"):
        calibrate([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], 0.5, 0.0)
    with pytest.raises(ParameterError, match="at least 3 negative controls .0. and 3 positive"):
        fit_systematic_error_model([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.1] * 6, [0, 0, 0, 1, 1, 0])
    with pytest.raises(ParameterError,
                       match="`ci_lower` must be a finite ratio > 0; control 1 has 0.0"):
        std_errors_from_ci([0.0], [2.0])


@pytest.mark.parametrize("name", NULL_ONLY)
def test_batch_ci_equals_root_finding(name):
    d = frame(name)
    null = r_null(name)
    point, lower, upper = calibrate_ci_batch(null.mean, null.sd, d["logRr"], d["seLogRr"])
    assert np.allclose(np.column_stack([point, lower, upper]), cis(null, d)[:, :3], atol=1e-12)


def test_difference_scale_summary_is_not_exponentiated():
    result = calibrate([0.1, 0.3, -0.1, 0.5], [0.1] * 4, 0.7, 0.2, ratio=False)
    row = result.summary().iloc[1]
    # negatives only, equal SEs: mu = 0.2, sigma = 0.2 (closed form in the test above)
    assert row["quantity"] == "main estimate (calibrated difference)"
    assert row["estimate"] == pytest.approx(0.5, abs=1e-9)
    assert row["ci_lower"] == pytest.approx(0.5 - 1.959963984540054 * math.sqrt(0.08), abs=1e-9)


def test_boundary_null_sigma_zero_against_fitnull():
    """A null at the boundary sigma = 0: the eight NHEFS negative-control log ORs of the
    stranger test (baseline conditions vs quitting smoking, outcome regression; notes of
    issue 24). EmpiricalCalibration 3.1.4, ``fitNull(y, se)``: mean 0.0285344063822, sd
    6.67689221256e-05 (Nelder-Mead stops short of the boundary), negative log-likelihood
    ``logLikelihoodNull(c(mean, 1/sd^2), y, se)`` = -1.92632690144. The optimum is sigma = 0,
    where the likelihood is the fixed-effect one and mu the inverse-variance weighted mean."""
    y = np.array([0.2598390262090425, 0.2301481860741126, -0.014410667838529088,
          0.009060575451537926, -0.07117147318727161, 0.22030698149286143,
          -0.562563455037087, -0.22073838074237329])
    se = np.array([0.20829455695657517, 0.23778350950984092, 0.12566335807055806,
          0.14068440479176594, 0.17875029384217525, 0.1917133123401697,
          0.3656521818576019, 0.29458940142587176])
    null = fit_null(y, se)
    assert null.sd == 0.0
    w = 1 / se ** 2
    assert null.mean == pytest.approx(np.sum(w * y) / np.sum(w), abs=1e-12)
    assert -null.log_likelihood <= -1.92632690144 + 1e-9
    assert null.mean == pytest.approx(0.0285344063822, abs=5e-5)  # R's stopping point


@pytest.mark.parametrize("name", NULL_ONLY + WITH_POSITIVE)
def test_ease_matches_computeExpectedAbsoluteSystematicError(name):
    assert r_null(name).ease == pytest.approx(R[name]["ease"], abs=1e-12)


def test_ease_at_sigma_zero_is_the_absolute_mean():
    # E|b| for b ~ N(mu, 0) is |mu| (R's closed form with sd = 0 gives the same)
    assert EmpiricalNull(-0.3, 0.0, 3, math.nan).ease == 0.3
    # mu = 0: E|b| = sigma sqrt(2 / pi)
    assert EmpiricalNull(0.0, 0.5, 3, math.nan).ease == pytest.approx(0.5 * math.sqrt(2 / math.pi))
