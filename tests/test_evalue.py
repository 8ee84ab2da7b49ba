"""E-values and bounding factors against tests/data/reference_values.json (1e-6) and
closed-form derivations written next to each test."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from causal import (
    HazardRatio,
    MeanDifference,
    OddsRatio,
    RiskDifference,
    RiskRatio,
    StandardizedMeanDifference,
    TwoByTwo,
    bounding_factor,
    e_value,
)
from causal.errors import CommonOutcomeWarning, ParameterError
from causal.sensitivity.evalues.evalue import e_value_of_rr, explain_away_curve, rd_lower_bound
from tests.conftest import reference_case


@pytest.mark.parametrize("case_id", ["evalue_rr_annals_breastfeeding", "evalue_rr_protective"])
def test_risk_ratio_reference_values(case_id):
    case = reference_case(case_id)
    inputs, expected = case["inputs"], case["expected"]
    result = e_value(RiskRatio(inputs["est"], ci=(inputs["lo"], inputs["hi"])), true=inputs["true"])
    assert result.point == pytest.approx(expected["evalue_point"], abs=case["tolerance"])
    assert result.ci == pytest.approx(expected["evalue_ci"], abs=case["tolerance"])
    assert result.ci_limit_used == expected["ci_limit_used"]


def test_thew_adjusted_odds_ratio_common_outcome_reference():
    case = reference_case("evalue_or_thew_adjusted_common")
    inputs, expected = case["inputs"], case["expected"]
    odds = OddsRatio(inputs["est"], ci=(inputs["lo"], inputs["hi"]),
                     rare_outcome=inputs["rare_outcome"])
    result = e_value(odds, true=inputs["true"])
    tol = case["tolerance"]
    assert result.rr_point == pytest.approx(expected["rr_point"], abs=tol)
    assert result.rr_ci == pytest.approx((expected["rr_lower"], expected["rr_upper"]), abs=tol)
    assert result.point == pytest.approx(expected["evalue_point"], abs=tol)
    assert result.ci == pytest.approx(expected["evalue_ci"], abs=tol)
    assert result.ci_limit_used == expected["ci_limit_used"]
    assert "sqrt(OR)" in result.conversion


def test_thew_odds_ratio_treated_as_rare_matches_facts():
    # FACTS.md: treating the outcome as rare (wrongly) gives 4.52 and 1.97.
    result = e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=True))
    assert result.point == pytest.approx(4.52, abs=5e-3)
    assert result.ci == pytest.approx(1.97, abs=5e-3)


def test_standardized_mean_difference_reference():
    case = reference_case("evalue_smd")
    inputs, expected = case["inputs"], case["expected"]
    result = e_value(StandardizedMeanDifference(inputs["d"], std_error=inputs["se"]),
                     true=inputs["true"])
    tol = case["tolerance"]
    assert result.rr_point == pytest.approx(expected["rr_point"], abs=tol)
    assert result.rr_ci == pytest.approx((expected["rr_lower"], expected["rr_upper"]), abs=tol)
    assert result.point == pytest.approx(expected["evalue_point"], abs=tol)
    assert result.ci == pytest.approx(expected["evalue_ci"], abs=tol)
    # A mean difference of 3 with outcome SD 6 is the same d = 0.5.
    md = e_value(MeanDifference(3.0, std_error=1.5, outcome_sd=6.0))
    assert md.point == pytest.approx(expected["evalue_point"], abs=tol)
    assert md.ci == pytest.approx(expected["evalue_ci"], abs=tol)


def test_bounding_factor_reference_grid():
    case = reference_case("bounding_factor_grid")
    pairs = np.array(case["inputs"]["pairs_rr_eu_rr_ud"])
    result = bounding_factor(pairs[:, 0], pairs[:, 1])
    assert result == pytest.approx(case["expected"]["bias_factor"], abs=case["tolerance"])
    assert bounding_factor(2, 3) == pytest.approx(1.5, abs=1e-12)


def test_explain_away_curve_lies_on_the_bounding_factor_level_set():
    result = e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False))
    curve = result.curve()
    point = curve.dropna(subset=["rr_ud_point"])
    assert bounding_factor(point.rr_eu, point.rr_ud_point) == pytest.approx(result.rr_point,
                                                                              rel=1e-9)
    ci = curve.dropna(subset=["rr_ud_ci"])
    assert bounding_factor(ci.rr_eu, ci.rr_ud_ci) == pytest.approx(result.rr_ci[0], rel=1e-9)
    # The curve passes through (E, E): the E-value is where RR_EU = RR_UD.
    assert explain_away_curve(result.rr_point, [result.point])[0] == pytest.approx(result.point)


def test_confidence_interval_containing_the_null_gives_one():
    result = e_value(RiskRatio(1.3, ci=(0.9, 1.8)))
    assert result.ci == 1.0 and result.ci_limit_used == "none"


def test_non_null_true_divides_the_ratio():
    # VanderWeele & Ding (2017): for true = t the E-value is that of RR / t.
    result = e_value(RiskRatio(3.9, ci=(1.8, 8.7)), true=2.0)
    assert result.point == pytest.approx(e_value_of_rr(1.95), abs=1e-12)
    assert result.ci == 1.0  # 1.8 < 2 < 8.7


def test_hazard_ratio_conversions():
    rare = e_value(HazardRatio(1.8, ci=(1.2, 2.7), rare_outcome=True))
    assert rare.point == pytest.approx(e_value_of_rr(1.8), abs=1e-12)
    common = e_value(HazardRatio(1.8, ci=(1.2, 2.7), rare_outcome=False))
    # VanderWeele (2017): RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))
    rr = (1 - 0.5 ** math.sqrt(1.8)) / (1 - 0.5 ** math.sqrt(1 / 1.8))
    assert common.rr_point == pytest.approx(rr, rel=1e-12)
    assert common.point == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-12)


def test_risk_difference_evalue_at_the_null_equals_the_risk_ratio_evalue():
    """Derivation: with true = 0 the bound f(p1 - p0 B) + (1 - f)(p1/B - p0) vanishes at
    B = p1/p0, so the RD's E-value equals the RR's (Ding & VanderWeele 2016)."""
    table = TwoByTwo(31, 66, 64, 236)
    result = e_value(table)
    assert result.rr_point == pytest.approx(table.risk_ratio().estimate, rel=1e-9)
    assert result.point == pytest.approx(e_value_of_rr(table.risk_ratio().estimate), rel=1e-9)


def test_risk_difference_ci_evalue_solves_the_lower_confidence_bound():
    """At the CI's bias factor B, the bound minus z times its delta-method SE equals 0."""
    table = TwoByTwo(31, 66, 64, 236)
    result = e_value(table.risk_difference())
    b = result.rr_ci[0]
    n1, n0 = 66, 236
    p1, p0, f = 31 / n1, 64 / n0, n1 / (n1 + n0)
    grad = np.array([f + (1 - f) / b, -(f * b + 1 - f), (p1 - p0 * b) - (p1 / b - p0)])
    var = np.array([p1 * (1 - p1) / n1, p0 * (1 - p0) / n0, f * (1 - f) / (n1 + n0)])
    lower = rd_lower_bound(b, p1, p0, f) - 1.959963985 * math.sqrt((grad**2 * var).sum())
    assert lower == pytest.approx(0.0, abs=1e-9)
    assert result.ci == pytest.approx(e_value_of_rr(b), rel=1e-12)
    assert 1 < result.ci < result.point


def test_protective_risk_difference_is_handled_by_swapping_groups():
    forward = e_value(TwoByTwo(31, 66, 64, 236))
    backward = e_value(TwoByTwo(64, 236, 31, 66))
    assert backward.point == pytest.approx(forward.point, rel=1e-12)
    assert backward.ci == pytest.approx(forward.ci, rel=1e-9)


def test_odds_ratio_used_as_risk_ratio_with_common_outcome_warns():
    with pytest.warns(CommonOutcomeWarning, match=r"known outcome risk is 31%"):
        result = e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=True, prevalence=0.31))
    assert result.notes and "rare_outcome=False" in result.notes[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=True, prevalence=0.05))


@given(st.floats(min_value=0.05, max_value=20), st.floats(min_value=0.01, max_value=1.0))
def test_evalue_of_an_estimate_and_its_reciprocal_agree(estimate, log_se):
    forward = e_value(RiskRatio(estimate, std_error=log_se))
    backward = e_value(RiskRatio(1 / estimate, std_error=log_se))
    assert backward.point == pytest.approx(forward.point, rel=1e-9)
    assert backward.ci == pytest.approx(forward.ci, rel=1e-9)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: e_value(OddsRatio(2.54, ci=(1.32, 4.89))), r"`rare_outcome` must be stated"),
        (lambda: e_value(HazardRatio(1.5)), r"`rare_outcome` must be stated for an hazard ratio"),
        (lambda: e_value(RiskDifference(0.2, std_error=0.05)), r"`table` must be given"),
        (lambda: e_value(MeanDifference(1.0, std_error=0.5)), r"`outcome_sd` must be given"),
        (lambda: e_value(2.54), r"`measure` must be a RiskRatio"),
        (lambda: e_value(RiskRatio(2.0), true=0), r"`true` must be > 0"),
        (lambda: bounding_factor(0.5, 2), r"`rr_eu` must be a risk ratio >= 1"),
        (lambda: e_value_of_rr(-1), r"`rr` must be finite and > 0"),
    ],
)
def test_bad_input(build, match):
    with pytest.raises(ParameterError, match=match):
        build()
