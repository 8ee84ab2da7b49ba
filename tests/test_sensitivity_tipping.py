"""Tipping-point analysis (causal.sensitivity.tipping_points.risk_ratio)."""

from __future__ import annotations

import math

import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import CommonOutcomeWarning, NoSolutionError, ParameterError
from causal.measures import OddsRatio, RiskRatio
from causal.sensitivity import tip
from causal.sensitivity.tipping_points.risk_ratio import binary_bias_factor
from tests._sensitivity_refs import reference

THEW = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)


def test_tipr_reference_solve_outcome_effect():
    """tipr README: tip_with_binary(1.09, 0.25, 0.1) -> confounder-outcome effect 1.638."""
    case = reference("tipr_tip_binary_solve_outcome")
    inputs = case["inputs"]
    result = tip(inputs["effect_observed"], prevalence_treated=inputs["exposed_confounder_prev"],
                 prevalence_control=inputs["unexposed_confounder_prev"])
    assert result.solved_for == "outcome_rr"
    assert result.value == pytest.approx(case["expected"]["confounder_outcome_effect"],
                                         abs=case["tolerance"])
    assert result.ci_limit is None


def test_solving_each_parameter_is_the_inverse_of_the_bias_factor():
    # Derivation: the solved parameter puts B(p1, p0, gamma) exactly at RR / true.
    gamma = tip(1.09, prevalence_treated=0.25, prevalence_control=0.1).value
    p0 = tip(1.09, prevalence_treated=0.25, outcome_rr=gamma).value
    p1 = tip(1.09, prevalence_control=0.1, outcome_rr=gamma).value
    assert p0 == pytest.approx(0.1, rel=1e-12)
    assert p1 == pytest.approx(0.25, rel=1e-12)
    assert binary_bias_factor(0.25, 0.1, gamma) == pytest.approx(1.09, rel=1e-12)


def test_odds_ratio_common_outcome_reports_both_scales():
    result = tip(THEW, prevalence_treated=0.5, prevalence_control=0.2)
    rr = math.sqrt(2.54)  # VanderWeele (2017) square-root conversion
    assert result.estimate.observed_rr == pytest.approx(rr, rel=1e-12)
    gamma = result.value
    assert binary_bias_factor(0.5, 0.2, gamma) == pytest.approx(rr, rel=1e-12)
    assert result.estimate.value_input_scale == pytest.approx(gamma**2, rel=1e-12)
    # CI limit nearest the null is the lower one, sqrt(1.32) on the RR scale
    assert result.ci_limit_used == "lower"
    assert result.ci_limit.observed_rr == pytest.approx(math.sqrt(1.32), rel=1e-12)
    assert binary_bias_factor(0.5, 0.2, result.ci_limit.value) == pytest.approx(
        math.sqrt(1.32), rel=1e-12)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_number_of_confounders():
    result = tip(THEW, prevalence_treated=0.5, prevalence_control=0.2, outcome_rr=2)
    bias = (2 * 0.5 + 0.5) / (2 * 0.2 + 0.8)  # 1.25
    assert result.solved_for == "n_confounders"
    assert bias ** result.value == pytest.approx(math.sqrt(2.54), rel=1e-12)


def test_normal_confounder():
    smd = tip(RiskRatio(1.8), outcome_rr=1.5, confounder="normal").value
    assert 1.5**smd == pytest.approx(1.8, rel=1e-12)
    gamma = tip(RiskRatio(1.8), smd=0.5, confounder="normal").value
    assert gamma**0.5 == pytest.approx(1.8, rel=1e-12)


def test_protective_estimate_and_custom_true():
    result = tip(0.6, prevalence_treated=0.2, prevalence_control=0.5)
    assert binary_bias_factor(0.2, 0.5, result.value) == pytest.approx(0.6, rel=1e-12)
    shifted = tip(2.0, prevalence_treated=0.6, prevalence_control=0.2, true=1.25)
    assert binary_bias_factor(0.6, 0.2, shifted.value) == pytest.approx(1.6, rel=1e-12)


def test_ci_containing_the_null_is_reported_not_solved():
    result = tip(RiskRatio(1.3, ci=(0.9, 1.9)), prevalence_treated=0.5, prevalence_control=0.2)
    assert math.isnan(result.ci_limit.value)
    assert "contains the null" in result.ci_limit.note


def test_no_solution_says_why():
    with pytest.raises(NoSolutionError, match="bias factor can only lie between"):
        tip(1.5, prevalence_treated=0.1, prevalence_control=0.2)
    with pytest.raises(NoSolutionError, match="no prevalence among controls"):
        tip(3.0, prevalence_treated=0.3, outcome_rr=1.5)
    with pytest.raises(NoSolutionError, match="outcome risk ratio 1 causes no bias"):
        tip(2.0, prevalence_treated=0.3, outcome_rr=1.0)
    with pytest.raises(NoSolutionError, match="does not move the estimate towards the null"):
        tip(2.0, prevalence_treated=0.1, prevalence_control=0.3, outcome_rr=2)


def test_bad_input():
    with pytest.raises(ParameterError, match="prevalence_treated.*\\[0, 1\\].*1.2"):
        tip(2.0, prevalence_treated=1.2, prevalence_control=0.1)
    with pytest.raises(ParameterError, match="prevalence_control"):
        tip(2.0, prevalence_treated=0.2, prevalence_control=-0.1)
    with pytest.raises(ParameterError, match="outcome_rr.*> 0"):
        tip(2.0, prevalence_treated=0.2, outcome_rr=0)
    with pytest.raises(ParameterError, match="give at least two"):
        tip(2.0, prevalence_treated=0.2)
    with pytest.raises(ParameterError, match="rare_outcome"):
        tip(OddsRatio(2.54, ci=(1.32, 4.89)), prevalence_treated=0.5, prevalence_control=0.2)
    with pytest.raises(ParameterError, match="confounder"):
        tip(2.0, prevalence_treated=0.2, prevalence_control=0.1, confounder="ordinal")


def test_common_outcome_treated_as_rare_warns():
    odds = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=True, prevalence=0.31)
    with pytest.warns(CommonOutcomeWarning, match="31%"):
        result = tip(odds, prevalence_treated=0.5, prevalence_control=0.1)
    assert result.notes
    # read as a risk ratio, 2.54 is beyond what 50% vs 20% prevalences can explain at all
    with pytest.warns(CommonOutcomeWarning), pytest.raises(NoSolutionError, match="2.5"):
        tip(odds, prevalence_treated=0.5, prevalence_control=0.2)


def test_hazard_ratio_common_outcome_round_trips():
    from causal.measures import HazardRatio
    from causal.sensitivity._scale import _hr_to_rr, _rr_to_hr, to_rr_scale

    hr = HazardRatio(2.0, ci=(1.3, 3.1), rare_outcome=False)
    scale = to_rr_scale(hr)
    # VanderWeele (2017): RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))
    expected = (1 - 0.5 ** math.sqrt(2)) / (1 - 0.5 ** math.sqrt(0.5))
    assert scale.rr_point == pytest.approx(expected, rel=1e-12)
    for value in (0.3, 0.9, 1.0, 1.7, 6.0):
        assert _rr_to_hr(_hr_to_rr(value)) == pytest.approx(value, rel=1e-10)
    result = tip(hr, prevalence_treated=0.5, prevalence_control=0.1)
    assert result.estimate.value_input_scale == pytest.approx(_rr_to_hr(result.value))
