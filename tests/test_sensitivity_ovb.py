"""Omitted-variable bias with partial R² (Cinelli & Hazlett 2020)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as t_dist

from causal._results import SUMMARY_COLUMNS
from causal.errors import ParameterError
from causal.sensitivity import adjusted_estimate, ovb_bounds, partial_r2, robustness_value
from causal.sensitivity.surfaces import ovb_contour_grid
from tests._sensitivity_refs import DARFUR_FILE, assert_darfur_female_bounds, reference

COVARIATES = ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female"]


def test_sensemakr_manual_formulas():
    case = reference("sensemakr_manual_formulas")
    inputs, expected, tol = case["inputs"], case["expected"], case["tolerance"]
    assert partial_r2(inputs["partial_r2"]["t"], inputs["partial_r2"]["dof"]) == pytest.approx(expected["partial_r2"], abs=tol)
    rv_inputs = inputs["robustness_value"]
    # alpha = 1 in sensemakr means "no significance constraint": f_crit = qt(0.5) = 0
    rv = robustness_value(rv_inputs["t"], rv_inputs["dof"], q=rv_inputs["q"], alpha=None)
    assert rv == pytest.approx(expected["robustness_value"], abs=tol)
    adj = inputs["adjusted"]
    result = adjusted_estimate(adj["estimate"], adj["se"], adj["dof"], r2dz_x=adj["r2dz_x"],
                               r2yz_dx=adj["r2yz_dx"], reduce=adj["reduce"])
    assert result.bias == pytest.approx(expected["bias"], abs=tol)
    assert result.estimate == pytest.approx(expected["adjusted_estimate"], abs=tol)
    assert result.std_error == pytest.approx(expected["adjusted_se"], abs=tol)
    assert result.t_statistic == pytest.approx(expected["adjusted_t"], abs=tol)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def _within_village(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Columns demeaned within village: OLS on these equals OLS with village dummies (FWL)."""
    values = frame[columns].astype(float)
    return (values - values.groupby(frame["village"]).transform("mean")).to_numpy()


def _ols(frame: pd.DataFrame, outcome: str, regressors: list[str]) -> tuple[np.ndarray,
                                                                             np.ndarray, int]:
    y = _within_village(frame, [outcome])[:, 0]
    x = _within_village(frame, regressors)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ beta
    dof = len(y) - x.shape[1] - frame["village"].nunique()
    sigma2 = residual @ residual / dof
    se = np.sqrt(np.diag(np.linalg.inv(x.T @ x)) * sigma2)
    return beta, se, dof


@pytest.fixture(scope="module")
def darfur() -> dict:
    """peacefactor ~ directlyharmed + covariates + village fixed effects (Cinelli & Hazlett
    2020, section 5), fitted here with numpy; and the treatment regression for the benchmark."""
    frame = pd.read_csv(DARFUR_FILE)
    beta, se, dof = _ols(frame, "peacefactor", ["directlyharmed", *COVARIATES])
    d_beta, d_se, d_dof = _ols(frame, "directlyharmed", COVARIATES)
    female = COVARIATES.index("female")
    return {"estimate": beta[0], "se": se[0], "dof": dof,
            "r2yxj_dx": partial_r2(beta[1 + female] / se[1 + female], dof),
            "r2dxj_x": partial_r2(d_beta[female] / d_se[female], d_dof)}


def test_darfur_published_statistics(darfur):
    case = reference("sensemakr_darfur_stats")
    expected, tol = case["expected"], case["tolerance"]
    assert darfur["dof"] == expected["dof"]
    assert darfur["estimate"] == pytest.approx(expected["estimate"], abs=tol)
    assert darfur["se"] == pytest.approx(expected["se"], abs=tol)
    t = darfur["estimate"] / darfur["se"]
    assert t == pytest.approx(expected["t_statistic"], abs=tol)
    assert partial_r2(t, darfur["dof"]) == pytest.approx(expected["r2yd_x"], abs=tol)
    assert t * t / darfur["dof"] == pytest.approx(expected["f2yd_x"], abs=tol)
    assert robustness_value(t, darfur["dof"]) == pytest.approx(expected["rv_q"], abs=tol)
    assert robustness_value(t, darfur["dof"], alpha=0.05) == pytest.approx(expected["rv_qa"],
                                                                           abs=tol)


def test_darfur_female_benchmark_bounds(darfur):
    """carloscinelli/sensemakr tests/testthat/test-02-darfur.R ('testing darfur sensemakr'):
    bounds for 1x, 2x and 3x female (R's expect_equal, relative tolerance 1.5e-8)."""
    result = ovb_bounds(darfur["estimate"], darfur["se"], darfur["dof"],
                        r2dxj_x=darfur["r2dxj_x"], r2yxj_dx=darfur["r2yxj_dx"], kd=[1, 2, 3],
                        benchmark="female", ci_dof="dof")
    assert_darfur_female_bounds(result.bounds)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)
    # the paper's convention (default): t quantile on dof - 1, a slightly wider interval
    paper = ovb_bounds(darfur["estimate"], darfur["se"], darfur["dof"],
                       r2dxj_x=darfur["r2dxj_x"], r2yxj_dx=darfur["r2yxj_dx"], kd=[1])
    crit = t_dist.ppf(0.975, darfur["dof"] - 1)
    bound = paper.bounds[0]
    assert bound.ci[0] == pytest.approx(bound.estimate - crit * bound.std_error, rel=1e-12)


def test_robustness_value_definitions():
    # RV_q: a confounder with both partial R² = RV brings the estimate to zero
    t, dof = 4.18445, 783
    rv = robustness_value(t, dof)
    assert adjusted_estimate(t, 1.0, dof, r2dz_x=rv, r2yz_dx=rv).estimate == pytest.approx(
        0, abs=1e-10)
    # RV_q,alpha: ... brings the adjusted t to the critical t on dof - 1
    rv_a = robustness_value(t, dof, alpha=0.05)
    adj = adjusted_estimate(t, 1.0, dof, r2dz_x=rv_a, r2yz_dx=rv_a)
    assert adj.t_statistic == pytest.approx(t_dist.ppf(0.975, dof - 1), rel=1e-10)
    assert adj.ci[0] == pytest.approx(0, abs=1e-10)
    # q = 1/2 halves the estimate
    rv_half = robustness_value(t, dof, q=0.5)
    assert adjusted_estimate(t, 1.0, dof, r2dz_x=rv_half, r2yz_dx=rv_half).estimate == (
        pytest.approx(t / 2, rel=1e-10))
    # r2yz = 1 with r2dz = partial R² of the treatment removes the whole estimate
    assert adjusted_estimate(t, 1.0, dof, r2dz_x=partial_r2(t, dof), r2yz_dx=1).estimate == (
        pytest.approx(0, abs=1e-10))


def test_extreme_robustness_value_when_the_constraint_binds():
    """Derivation: with f_q > 1/f*, the smallest r2dz_x that can make the estimate lose
    significance is (f_q² - f*²)/(1 + f_q²), reached with r2yz_dx = r2dz/(r2dz + f*²) < r2dz
    (maximising sqrt(r2yz r2dz) + f* sqrt(1 - r2yz) by Cauchy-Schwarz)."""
    t, dof = 50.0, 10
    f_q = t / math.sqrt(dof)
    f_crit = t_dist.ppf(0.975, dof - 1) / math.sqrt(dof - 1)
    assert f_q > 1 / f_crit
    rv = robustness_value(t, dof, alpha=0.05)
    assert rv == pytest.approx((f_q**2 - f_crit**2) / (1 + f_q**2), rel=1e-12)
    r2y = rv / (rv + f_crit**2)
    assert r2y < rv
    adj = adjusted_estimate(t, 1.0, dof, r2dz_x=rv, r2yz_dx=r2y)
    assert adj.t_statistic == pytest.approx(t_dist.ppf(0.975, dof - 1), rel=1e-9)


def test_negative_estimates_are_moved_towards_zero():
    pos = adjusted_estimate(0.1, 0.02, 500, r2dz_x=0.02, r2yz_dx=0.1)
    neg = adjusted_estimate(-0.1, 0.02, 500, r2dz_x=0.02, r2yz_dx=0.1)
    assert neg.estimate == pytest.approx(-pos.estimate, rel=1e-12)
    assert neg.ci == pytest.approx((-pos.ci[1], -pos.ci[0]), rel=1e-12)


def test_contour_grid_is_the_vectorised_adjusted_estimate():
    grid = ovb_contour_grid(0.0973, 0.0233, 783, r2dz_x=[0, 0.05, 0.1], r2yz_dx=[0, 0.2])
    assert grid.adjusted_estimate.shape == (2, 3)
    for i, r2y in enumerate([0, 0.2]):
        for j, r2d in enumerate([0, 0.05, 0.1]):
            one = adjusted_estimate(0.0973, 0.0233, 783, r2dz_x=r2d, r2yz_dx=r2y)
            assert grid.adjusted_estimate[i, j] == pytest.approx(one.estimate, rel=1e-12)
            assert grid.adjusted_t[i, j] == pytest.approx(one.t_statistic, rel=1e-12)
    assert grid.critical_t == pytest.approx(t_dist.ppf(0.975, 782), rel=1e-12)


def test_log_odds_ratio_is_flagged_as_heuristic():
    result = ovb_bounds(math.log(2.54), 0.334, 290, r2dxj_x=0.02, r2yxj_dx=0.05, kd=[1],
                        heuristic=True)
    assert result.heuristic and result.bounds[0].heuristic
    assert result.summary()["note"].str.contains("heuristic").any()


def test_ovb_bad_input():
    with pytest.raises(ParameterError, match="dof.*> 1"):
        partial_r2(2.0, 1)
    with pytest.raises(ParameterError, match="r2dz_x.*\\[0, 1\\).*1.2"):
        adjusted_estimate(1, 0.1, 100, r2dz_x=1.2, r2yz_dx=0.1)
    with pytest.raises(ParameterError, match="r2yz_dx"):
        adjusted_estimate(1, 0.1, 100, r2dz_x=0.1, r2yz_dx=-0.1)
    with pytest.raises(ParameterError, match="std_error"):
        adjusted_estimate(1, 0, 100, r2dz_x=0.1, r2yz_dx=0.1)
    with pytest.raises(ParameterError, match="kd"):
        ovb_bounds(1, 0.1, 100, r2dxj_x=0.4, r2yxj_dx=0.1, kd=[3])
    with pytest.raises(ParameterError, match="alpha"):
        robustness_value(2, 100, alpha=1.5)


def test_measure_adapter():
    from causal.measures import MeanDifference, OddsRatio
    from causal.sensitivity.omitted_variable.ovb import ovb_inputs

    est, se, heuristic, notes = ovb_inputs(MeanDifference(0.0973, std_error=0.0233))
    assert (est, se, heuristic, notes) == (0.0973, 0.0233, False, ())
    est, se, heuristic, notes = ovb_inputs(OddsRatio(2.54, ci=(1.32, 4.89),
                                                     rare_outcome=False))
    assert est == pytest.approx(math.log(2.54))
    assert se == pytest.approx((math.log(4.89) - math.log(1.32)) / (2 * 1.959963984540054))
    assert heuristic and "heuristic" in notes[0]
    with pytest.raises(ParameterError, match="MeanDifference"):
        ovb_inputs(OddsRatio(2.54, rare_outcome=False))
