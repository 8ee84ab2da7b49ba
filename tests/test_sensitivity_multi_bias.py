"""Selection-bias and multiple-bias bounds and E-values.

Sources of the asserted numbers:

* The worked examples of Smith, Mathur & VanderWeele (2021) as printed in EValue's vignette
  "Multiple-bias sensitivity analysis examples" (EValue 4.1.3, docs/articles/
  multiple-bias-examples.html: "we can calculate the bound and multi-bias E-value as in the
  text") and the vignette "Introduction to multiple-bias sensitivity analysis".
* The worked examples of Smith & VanderWeele (2019) with the inputs EValue's ``svalues.RR``
  documentation gives for them ("Examples from Smith and VanderWeele 2019"); expected values are
  EValue 4.1.3's output (R 4.2.2, package R files sourced) and the closed forms next to them.
* EValue 4.1.3 output for other calls, each named in the test.

EValue's ``multi_evalue`` stops at R's ``uniroot`` default tolerance (``.Machine$double.eps^0.25``
= 1.22e-4), so its E-values are compared within ``UNIROOT_TOL``; ours are also checked to be
exact roots (1e-12). Its bounds and its closed-form selection E-values are compared at 1e-6
relative (printed to 7 significant digits) or 1e-12 against the closed forms.
"""

from __future__ import annotations

import math

import pytest

from causal import OddsRatio, RiskRatio
from causal.errors import CommonOutcomeWarning, ParameterError
from causal.sensitivity import (
    Confounding,
    Misclassification,
    Selection,
    multi_bound,
    multi_evalue,
    selection_bound,
    selection_evalue,
)
from causal.sensitivity.bias_analyses._terms import solve_degrees

UNIROOT_TOL = 2.220446049250313e-16 ** 0.25  # R uniroot default tol, 1.22e-4


def bf(x: float, y: float) -> float:
    return x * y / (x + y - 1)


def evalue(y: float) -> float:
    return y + math.sqrt(y * (y - 1))


def is_root(e: float, ratio: float, n: int, d: int) -> bool:
    return math.isclose(e**n / (2 * e - 1) ** d, ratio, rel_tol=1e-12)


def test_hiv_wasting_example_smith_mathur_vanderweele_2021():
    """Smith, Mathur & VanderWeele (2021), HIV and wasting; EValue vignette output:
    multi_bound(...RRAUc = 2.3, RRUcY = 2.5, RRUsYA1 = 3, RRSUsA1 = 2) = 2.269737;
    multi_evalue(est = OR(6.75, rare = TRUE), lo = 2.79, hi = 16.31) = 4.635703, 2.728474."""
    biases = [Confounding(rr_au=2.3, rr_uy=2.5),
              Selection(risk="increased", rr_uy_a1=3, rr_su_a1=2)]
    result = multi_bound(biases)
    assert math.isclose(result.bound, bf(2.3, 2.5) * bf(3, 2), rel_tol=1e-12)
    assert result.bound == pytest.approx(2.269737, rel=1e-6)
    ev = multi_evalue(biases, OddsRatio(6.75, ci=(2.79, 16.31), rare_outcome=True))
    assert ev.point == pytest.approx(4.635703, abs=UNIROOT_TOL)
    assert ev.ci == pytest.approx(2.728474, abs=UNIROOT_TOL)
    assert ev.ci_limit_used == "lower" and ev.degrees == (4, 2)
    assert is_root(ev.point, 6.75, 4, 2) and is_root(ev.ci, 2.79, 4, 2)
    assert ev.parameters == ("RR_AUc", "RR_UcY", "RR_UsY|A=1", "RR_SUs|A=1")


def test_leukemia_vitamins_example_smith_mathur_vanderweele_2021():
    """Smith, Mathur & VanderWeele (2021), vitamins and leukemia; EValue vignette output:
    multi_bound(RRAUc = 2, RRUcY = 1.22, ORYAa = 1.59) = 1.747568 (the OR enters as it is);
    multi_evalue(OR(0.51, rare = TRUE), lo = 0.3, hi = 0.89) = 1.351985, upper 1.058404 (the
    OR parameter on the sqrt scale: e^4 / (2e - 1) = 1 / RR)."""
    mis = Misclassification("exposure", rare_outcome=True, rare_exposure=False, value=1.59)
    result = multi_bound([Confounding(rr_au=2, rr_uy=1.22), mis])
    assert math.isclose(result.bound, bf(2, 1.22) * 1.59, rel_tol=1e-12)
    assert result.bound == pytest.approx(1.747568, rel=1e-6)
    ev = multi_evalue([Confounding(), mis], OddsRatio(0.51, ci=(0.30, 0.89), rare_outcome=True))
    assert ev.point == pytest.approx(1.351985, abs=UNIROOT_TOL)
    assert ev.ci == pytest.approx(1.058404, abs=UNIROOT_TOL)
    assert ev.ci_limit_used == "upper" and ev.degrees == (4, 1)
    assert is_root(ev.point, 1 / 0.51, 4, 1) and is_root(ev.ci, 1 / 0.89, 4, 1)
    assert ev.parameters == ("RR_AUc", "RR_UcY", "OR_YA*|a")


def test_multiple_bias_vignette_examples():
    """EValue vignette "Introduction to multiple-bias sensitivity analysis": biases
    confounding(), selection("general", "increased risk"), misclassification("exposure",
    rare_outcome = TRUE) [rare_exposure = FALSE]; the bound with RRUcY = 2, RRAUc = 1.5,
    RRSUsA1 = 1.25, RRUsYA1 = 2.5, ORYAaS = 1.75 prints as "2.4" and "at least 1.7" for RR 4
    (EValue 4.1.3 gives 2.38636363636364); multi_evalue(RR(4)) prints 1.67513; with lo = 2.5,
    1.43557547224819; OR(4, rare = FALSE) gives 1.32795847376549; RR(0.25), hi = 0.4 gives the
    same as RR(4), lo = 2.5 (all EValue 4.1.3 output). Exact root: e^3 - 4e + 2 = 0."""
    biases = [Confounding(rr_au=1.5, rr_uy=2),
              Selection(risk="increased", rr_uy_a1=2.5, rr_su_a1=1.25),
              Misclassification("exposure", rare_outcome=True, rare_exposure=False, value=1.75)]
    result = multi_bound(biases, RiskRatio(4.0))
    assert result.bound == pytest.approx(2.38636363636364, rel=1e-12)
    assert round(result.bound, 1) == 2.4 and round(result.corrected_point, 1) == 1.7
    ev = multi_evalue(biases, RiskRatio(4.0, ci=(2.5, 6.0)))
    assert ev.parameters[-1] == "OR_YA*|a,S=1" and ev.degrees == (6, 2)
    assert ev.point == pytest.approx(1.67513, abs=UNIROOT_TOL)
    assert abs(ev.point**3 - 4 * ev.point + 2) < 1e-12
    assert ev.ci == pytest.approx(1.43557547224819, abs=UNIROOT_TOL)
    protective = multi_evalue(biases, RiskRatio(0.25, ci=(0.17, 0.4)))
    assert protective.point == pytest.approx(ev.point, rel=1e-12)
    assert protective.ci == pytest.approx(ev.ci, rel=1e-12) and protective.ci_limit_used == "upper"
    with pytest.warns(CommonOutcomeWarning, match="assumes a rare outcome"):
        common = multi_evalue(biases, OddsRatio(4.0, rare_outcome=False))
    assert common.rr_point == 2.0 and len(common.notes) == 1
    assert common.point == pytest.approx(1.32795847376549, abs=UNIROOT_TOL)


@pytest.mark.parametrize("kwargs, inputs, point, ci", [
    # Zika (general target): svalues.RR(est = 73.1, lo = 13.0) -> 16.5841643615099, 6.67058777190836
    ({}, (73.1, (13.0, 400.0), 1.0), 16.5841643615099, 6.67058777190836),
    # Endometrial cancer: svalues.RR(est = 2.30, true = 11.98, S_eq_U = TRUE, risk_inc = TRUE)
    # -> 5.20869565217391 (= 11.98 / 2.30)
    ({"s_eq_u": True, "risk": "increased"}, (2.30, None, 11.98), 11.98 / 2.30, None),
    # Obesity paradox (selected target): svalues.RR(est = 1.50, lo = 1.22, sel_pop = TRUE)
    # -> 2.36602540378444, 1.73807335387954
    ({"target": "selected"}, (1.50, (1.22, 1.85), 1.0), 2.36602540378444, 1.73807335387954),
])
def test_selection_evalue_examples_smith_vanderweele_2019(kwargs, inputs, point, ci):
    """Smith & VanderWeele (2019) examples with the inputs of EValue's svalues.RR
    documentation; values from EValue 4.1.3 (quoted per case) and the closed forms of
    causal.sensitivity.bias_analyses.selection: general e = sqrt(y) + sqrt(sqrt(y)(sqrt(y) - 1)),
    selected e = y + sqrt(y(y - 1)), S = U with a risk direction e = y. The upper CI limit of
    the Zika and obesity examples is not used (only the limit nearest the null is)."""
    estimate, interval, true = inputs
    measure = RiskRatio(estimate, ci=interval) if interval else estimate
    result = selection_evalue(measure, true=true, **kwargs)
    assert result.point == pytest.approx(point, rel=1e-12)
    if ci is not None:
        assert result.ci == pytest.approx(ci, rel=1e-12)
    y = 73.1
    assert selection_evalue(y).point == pytest.approx(evalue(math.sqrt(y)), rel=1e-12)


@pytest.mark.parametrize("selection, closed_form", [
    (Selection(), lambda y: evalue(math.sqrt(y))),
    (Selection(risk="increased"), evalue),
    (Selection(risk="decreased"), evalue),
    (Selection(target="selected"), evalue),
    (Selection(s_eq_u=True), math.sqrt),
    (Selection(s_eq_u=True, risk="decreased"), lambda y: y),
])
@pytest.mark.parametrize("estimate", [0.5, 1.8, 5.3])
def test_multi_evalue_with_one_selection_equals_selection_evalue(selection, closed_form,
                                                                 estimate):
    """EValue's test-multiple_biases.R asserts that multi_evalue with one selection bias
    equals selection_evalue; both equal the closed forms (derivation in selection_bias.py)."""
    multi = multi_evalue(selection, estimate)
    single = selection_evalue(estimate, target=selection.target, risk=selection.risk,
                              s_eq_u=selection.s_eq_u)
    y = max(estimate, 1 / estimate)
    assert multi.point == pytest.approx(single.point, rel=1e-12)
    assert single.point == pytest.approx(closed_form(y), rel=1e-12)


def test_bounds_match_evalue_test_suite_and_r_output():
    """EValue 4.1.3 tests/testthat/test-multiple_biases.R (parameters 2, 3, 4, 5, 6, 8):
    general selection 1.8 x 2.28571; increased risk 1.8; S = U 3 x 4; confounding + selected
    3.27273; confounding + S = U increased + common-exposure OR 1.33333 x 3 x 8. And EValue
    output for: selection("general") with RRUsYA1 = 3, RRSUsA1 = 2, RRUsYA0 = 4, RRSUsA0 = 1.5
    -> 2; confounding + selection + outcome misclassification (RRAUc = 2, RRUcY = 1.5,
    RRAYyS = 1.3) -> 3.12; selection("general", "S = U") with its arguments RRSUsA1 = 3,
    RRSUsA0 = 5 -> 15 (EValue's names for the two RR_UY|A=a of S = U)."""
    general = Selection(rr_uy_a1=3, rr_su_a1=3, rr_uy_a0=4, rr_su_a0=4)
    assert selection_bound(general).bound == pytest.approx(1.8 * 2.28571, rel=1e-5)
    assert selection_bound(Selection(risk="increased", rr_uy_a1=3, rr_su_a1=3)).bound == 1.8
    assert selection_bound(Selection(s_eq_u=True, rr_uy_a1=3, rr_uy_a0=4)).bound == 12
    assert selection_bound(Selection(s_eq_u=True, rr_uy_a1=3, rr_uy_a0=5)).bound == 15
    joint = multi_bound([Confounding(), Selection(target="selected", rr_au_s=6, rr_uy_s=6)])
    assert joint.bound == pytest.approx(3.27273, rel=1e-5)
    assert [label for _, label, _ in joint.parameters] == ["RR_AUsc|S=1", "RR_UscY|S=1"]
    three = multi_bound([Confounding(rr_au=2, rr_uy=2),
                         Selection(risk="increased", s_eq_u=True, rr_uy_a1=3),
                         Misclassification("exposure", rare_outcome=True, rare_exposure=False,
                                           value=8)])
    assert three.bound == pytest.approx(1.33333 * 3 * 8, rel=1e-5)
    assert selection_bound(Selection(rr_uy_a1=3, rr_su_a1=2, rr_uy_a0=4, rr_su_a0=1.5)
                           ).bound == pytest.approx(2.0, rel=1e-12)
    full = multi_bound([Confounding(rr_au=2, rr_uy=1.5),
                        Selection(rr_uy_a1=3, rr_su_a1=2, rr_uy_a0=4, rr_su_a0=1.5),
                        Misclassification("outcome", value=1.3)])
    assert full.bound == pytest.approx(3.12, rel=1e-12)


def test_parameter_labels_follow_the_order_of_the_biases():
    """Labels as in EValue 4.1.3 summary(multi_bias(...)): outcome misclassification before
    selection -> RR_UsY*|A=a and an unconditional RR_AY*|y; exposure misclassification before
    selection -> RR_UsY|A*=1, RR_SUs|A*=1; a selected target -> RR_AY*|y,S."""
    labels = multi_evalue([Confounding(), Misclassification("outcome"), Selection()], 2.0)
    assert labels.parameters == ("RR_AUc", "RR_UcY", "RR_AY*|y", "RR_UsY*|A=1", "RR_SUs|A=1",
                                 "RR_UsY*|A=0", "RR_SUs|A=0")
    exposure = multi_evalue([Misclassification("exposure", rare_outcome=True, rare_exposure=True),
                             Selection(risk="increased")], 2.0)
    assert exposure.parameters == ("RR_YA*|a", "RR_UsY|A*=1", "RR_SUs|A*=1")
    selected = multi_evalue([Selection(target="selected"), Misclassification("outcome")], 2.0)
    assert selected.parameters == ("RR_AUs|S=1", "RR_UsY|S=1", "RR_AY*|y,S=1")


def test_thew_adjusted_odds_ratio_common_outcome():
    """Thew et al. (2024) adjusted OR 2.54 (1.32-4.89), recovery common (31%): RR ~ sqrt(OR).
    EValue 4.1.3: svalues.OR(2.54, rare = FALSE, lo = 1.32, hi = 4.89) -> 1.83802381377552,
    1.34943265672803; with S_eq_U = TRUE 1.26243326360284, 1.07187337372826; with risk_inc or
    sel_pop 2.56649786704867, 1.56253974153184 (the ordinary E-value, FACTS: 2.57 and 1.56);
    multi_evalue(multi_bias(confounding(), selection("general"), misclassification("outcome")),
    OR(2.54, rare = FALSE), lo = 1.32, hi = 4.89) -> 1.32407424883859, 1.11348249303869."""
    thew = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
    cases = [({}, 1.83802381377552, 1.34943265672803),
             ({"s_eq_u": True}, 1.26243326360284, 1.07187337372826),
             ({"risk": "increased"}, 2.56649786704867, 1.56253974153184),
             ({"target": "selected"}, 2.56649786704867, 1.56253974153184)]
    for kwargs, point, ci in cases:
        result = selection_evalue(thew, **kwargs)
        assert result.point == pytest.approx(point, rel=1e-12)
        assert result.ci == pytest.approx(ci, rel=1e-12)
        assert result.conversion.startswith("common outcome")
    multi = multi_evalue([Confounding(), Selection(), Misclassification("outcome")], thew)
    assert multi.point == pytest.approx(1.32407424883859, abs=UNIROOT_TOL)
    assert multi.ci == pytest.approx(1.11348249303869, abs=UNIROOT_TOL)
    assert is_root(multi.point, math.sqrt(2.54), 7, 3)
    assert multi.summary().shape[0] == 3 and "1.32" in multi.sentence()


def test_bound_corrects_an_estimate_on_the_risk_ratio_scale():
    """Derivation: a harmful estimate is divided by the bound, a protective one multiplied;
    the CI limit nearest the null is moved by the same factor."""
    selection = Selection(risk="increased", rr_uy_a1=2, rr_su_a1=2)  # bound 4/3
    harmful = selection_bound(selection, OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False))
    assert harmful.corrected_point == pytest.approx(math.sqrt(2.54) * 3 / 4, rel=1e-12)
    assert harmful.corrected_ci_limit == pytest.approx(math.sqrt(1.32) * 3 / 4, rel=1e-12)
    protective = selection_bound(selection, RiskRatio(0.5, ci=(0.3, 0.9)))
    assert protective.corrected_point == pytest.approx(0.5 * 4 / 3, rel=1e-12)
    assert protective.corrected_ci_limit == pytest.approx(0.9 * 4 / 3, rel=1e-12)
    assert "multiple-bias bound" in set(harmful.summary()["quantity"])


def test_non_null_true_and_ci_crossing_true():
    """EValue 4.1.3: svalues.RR(0.5, true = 2) -> 3.41421356237309 (y = 4 -> sqrt(4) +
    sqrt(2)); svalues.RR(0.8, hi = 0.95, true = 0.9, risk_inc = TRUE) -> 1.5, CI 1 (the CI
    contains 0.9); multi_evalue(confounding() + selection("general"), RR(1.3), lo = 0.9,
    hi = 1.8) -> 1.40723968196561, CI 1."""
    assert selection_evalue(0.5, true=2).point == pytest.approx(3.41421356237309, rel=1e-12)
    crossing = selection_evalue(RiskRatio(0.8, ci=(0.6, 0.95)), risk="increased", true=0.9)
    assert crossing.point == pytest.approx(1.5, rel=1e-12)
    assert crossing.ci == 1.0 and crossing.ci_limit_used == "none"
    both = multi_evalue([Confounding(), Selection()], RiskRatio(1.3, ci=(0.9, 1.8)))
    assert both.point == pytest.approx(1.40723968196561, abs=UNIROOT_TOL)
    assert both.ci == 1.0


def test_solver_closed_forms():
    """e^2/(2e-1) = y -> e = y + sqrt(y(y-1)); e^n = y -> y^(1/n); y <= 1 -> 1."""
    for y in (1.0001, 1.5, 2.54, 73.1):
        assert solve_degrees(y, 2, 1) == pytest.approx(evalue(y), rel=1e-13)
        assert solve_degrees(y, 4, 2) == pytest.approx(evalue(math.sqrt(y)), rel=1e-13)
        assert solve_degrees(y, 3, 0) == pytest.approx(y ** (1 / 3), rel=1e-13)
    assert solve_degrees(1.0, 4, 2) == 1.0


@pytest.mark.parametrize("make, match", [
    (lambda: Selection(target="selected", risk="increased"), "takes no risk-direction"),
    (lambda: Selection(target="all"), "`target` must be one of"),
    (lambda: Selection(rr_uy_a1=0.8), "`rr_uy_a1` must be a maximal risk or odds ratio >= 1"),
    (lambda: Misclassification("exposure", rare_outcome=False, rare_exposure=True),
     "`rare_outcome` must be True for exposure misclassification"),
    (lambda: Misclassification("exposure", rare_outcome=True), "`rare_exposure` must be True"),
    (lambda: Misclassification("outcome", rare_exposure=True), "apply to exposure"),
    (lambda: multi_bound(Selection(risk="increased", rr_uy_a1=2)), r"selection.rr_su_a1"),
    (lambda: multi_bound([Confounding(rr_au=2, rr_uy=2),
                          Selection(target="selected", rr_au_s=2, rr_uy_s=2)]),
     "`Confounding` values must be None"),
    (lambda: multi_evalue([Confounding(), Confounding()], 2.0), "each kind once"),
    (lambda: multi_evalue([], 2.0), "non-empty sequence"),
    (lambda: multi_evalue(["confounding"], 2.0), "only Confounding"),
    (lambda: multi_evalue(Confounding(), OddsRatio(2.0)), "`rare_outcome` must be stated"),
    (lambda: selection_bound(Confounding()), "`selection` must be a Selection"),
])
def test_bad_input_raises_one_sentence(make, match):
    with pytest.raises(ParameterError, match=match):
        make()


def test_docstring_examples_run():
    """The docstring examples (HIV bound, Zika selection E-values) are executed."""
    import doctest

    import causal.sensitivity.bias_analyses.multiple as multi_module
    import causal.sensitivity.bias_analyses.selection as selection_module

    for module in (multi_module, selection_module):
        outcome = doctest.testmod(module)
        assert outcome.attempted > 0 and outcome.failed == 0


def test_simplesens_readme_examples_and_evalue_reference_example():
    """simpleSens README (L. H. Smith's precursor of EValue's multi-bias functions; rdrr.io/
    github/louisahsmith/simpleSens): calculate_evalue(RRobs = 4, confounding()) -> 7.464102;
    selection("selected") + misclassification("outcome"), RRobs = 2.5 -> 1.923636;
    selection("general", "S = U") + exposure misclassification (rare outcome and exposure) +
    confounding, RRobs = 1.4234 -> 1.120531, "refers simultaneously to RR_UY|A=0, RR_UY|A=1,
    RR_YA*|a, RR_UY, and RR_AU" (the S = U parameters are RR_UY|A=a, as here). EValue 4.1.3
    gives 1.92363593795546 and 1.12053148234118 for the last two. EValue's multi_bias help
    example: multi_bound(confounding() + selection("general"), RRAUc = 1.5, RRUcY = 2,
    RRUsYA1 = 1.25, RRSUsA1 = 4, RRUsYA0 = 3, RRSUsA0 = 2) -> 2.11764705882353 (EValue 4.1.3;
    closed form B(1.5, 2) B(1.25, 4) B(3, 2) = 1.2 x (5/4.25) x 1.5)."""
    assert multi_evalue(Confounding(), 4.0).point == pytest.approx(7.464102, rel=1e-6)
    two = multi_evalue([Selection(target="selected"), Misclassification("outcome")], 2.5)
    assert two.point == pytest.approx(1.923636, abs=UNIROOT_TOL)
    assert is_root(two.point, 2.5, 3, 1)
    three = multi_evalue([Selection(s_eq_u=True),
                          Misclassification("exposure", rare_outcome=True, rare_exposure=True),
                          Confounding()], 1.4234)
    assert three.point == pytest.approx(1.120531, abs=UNIROOT_TOL)
    assert is_root(three.point, 1.4234, 5, 1)
    assert three.parameters[:2] == ("RR_UsY|A=1 (S = U)", "RR_UsY|A=0 (S = U)")
    bound = multi_bound([Confounding(rr_au=1.5, rr_uy=2),
                         Selection(rr_uy_a1=1.25, rr_su_a1=4, rr_uy_a0=3, rr_su_a0=2)])
    assert bound.bound == pytest.approx(2.11764705882353, rel=1e-12)
    assert bound.bound == pytest.approx(bf(1.5, 2) * bf(1.25, 4) * bf(3, 2), rel=1e-12)
