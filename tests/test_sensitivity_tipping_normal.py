"""A normally distributed unmeasured confounder (causal.sensitivity.tipping_points.normal, and
tip(confounder="normal") in causal.sensitivity.tipping_points.risk_ratio).

Peer: R tipr 1.0.2.9000 (github r-causal/tipr, commit ba21831), its R/*.R files sourced under
Debian's R 4.2.2 (with Debian's r-cran-tibble/purrr/cli/rlang/glue), ``options(tipr.verbose =
FALSE)``, every numeric column printed with ``sprintf("%.17g")``. The call is in each test's
docstring. Tolerance 1e-12 relative: the same closed forms.
"""

from __future__ import annotations

import json
import math

import pytest

from causal.errors import NoSolutionError, ParameterError
from causal.measures import HazardRatio, MeanDifference, OddsRatio, RiskRatio
from causal.sensitivity.tipping_points.normal import adjust_coef, adjust_rr, tip_coef
from causal.sensitivity.tipping_points.risk_ratio import tip

REL = 1e-12


@pytest.mark.parametrize(("effect", "smd", "beta", "expected"), [
    (1.5, 0.5, 0.8, 1.1000000000000001),  # tipr::adjust_coef(1.5, 0.5, 0.8)
    (-0.3, 0.25, 0.6, -0.44999999999999996),  # tipr::adjust_coef(-0.3, 0.25, 0.6)
])
def test_adjust_coef_matches_tipr(effect, smd, beta, expected):
    """tipr::adjust_coef(effect_observed, exposure_confounder_effect, confounder_outcome_effect)
    -> effect_adjusted (values in the parametrisation)."""
    result = adjust_coef(effect, smd=smd, outcome_association=beta)
    assert result.adjusted == pytest.approx(expected, rel=REL)
    assert result.scale == "coefficient" and result.rr_adjusted is None


def test_adjust_coef_shifts_the_ci():
    """Derivation: for given confounder parameters the bias is a constant shift, so each CI
    limit moves by smd x outcome_association (1.5 - 0.4 = 1.1 as tipr above)."""
    result = adjust_coef(MeanDifference(1.5, ci=(0.9, 2.1)), smd=0.5, outcome_association=0.8)
    assert result.adjusted_ci == pytest.approx((0.5, 1.7), rel=REL)
    assert result.summary().loc[0, "ci_lower"] == pytest.approx(0.5, rel=REL)


def test_adjust_rr_matches_tipr():
    """tipr::adjust_rr(1.8, 0.5, 2.2) -> rr_adjusted 1.2135597524338357."""
    result = adjust_rr(1.8, smd=0.5, outcome_association=2.2)
    assert result.adjusted == pytest.approx(1.2135597524338357, rel=REL)
    assert result.rr_adjusted == pytest.approx(1.2135597524338357, rel=REL)


def test_adjust_or_common_outcome_matches_tipr_or_correction():
    """tipr::adjust_or(2.54, 0.4, 1.9, or_correction = TRUE) -> rr_adjusted
    1.4017357123982568, rr_observed 1.5937377450509227 (= sqrt(2.54)); on the OR scale the
    adjusted value is its square (module docstring)."""
    result = adjust_rr(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False), smd=0.4,
                       outcome_association=1.9)
    assert result.rr_observed == pytest.approx(1.5937377450509227, rel=REL)
    assert result.rr_adjusted == pytest.approx(1.4017357123982568, rel=REL)
    assert result.adjusted == pytest.approx(1.4017357123982568**2, rel=REL)
    factor = 1.9 ** 0.4  # on the OR scale the factor is squared back: sqrt(1.9)^0.4 squared
    assert result.adjusted_ci == pytest.approx((1.32 / factor, 4.89 / factor), rel=REL)
    assert "sqrt(OR)" in result.summary().loc[0, "note"]


def test_adjust_or_rare_outcome_matches_tipr_default():
    """tipr::adjust_or(2.54, 0.4, 1.9) (no correction) -> or_adjusted 1.9648630074126483."""
    result = adjust_rr(OddsRatio(2.54, rare_outcome=True), smd=0.4, outcome_association=1.9)
    assert result.adjusted == pytest.approx(1.9648630074126483, rel=REL)


def test_adjust_hr_common_outcome_matches_tipr_hr_correction():
    """tipr::adjust_hr(0.7, -0.3, 1.6, hr_correction = TRUE) -> rr_adjusted
    0.86124167822658426, rr_observed 0.78124461158574021."""
    result = adjust_rr(HazardRatio(0.7, rare_outcome=False), smd=-0.3, outcome_association=1.6)
    assert result.rr_observed == pytest.approx(0.78124461158574021, rel=REL)
    assert result.rr_adjusted == pytest.approx(0.86124167822658426, rel=REL)


@pytest.mark.parametrize(("kwargs", "solved", "expected"), [
    ({"smd": 0.5}, "outcome_association", 3.0),  # tip_coef(1.5, exposure_confounder_effect=0.5)
    ({"outcome_association": 0.8}, "smd", 1.875),  # tip_coef(1.5, confounder_outcome_effect=0.8)
    ({"smd": 0.5, "outcome_association": 0.8}, "n_confounders", 3.75),  # tip_coef(1.5, 0.5, 0.8)
])
def test_tip_coef_matches_tipr(kwargs, solved, expected):
    """tipr::tip_coef(1.5, ...) with the arguments in the parametrisation's comments: the
    solved exposure_confounder_effect, confounder_outcome_effect or n_unmeasured_confounders."""
    result = tip_coef(1.5, **kwargs)
    assert result.solved_for == solved
    assert result.value == pytest.approx(expected, rel=REL)


def test_tip_coef_ci_limit():
    """tipr::tip_coef(c(0.9, 1.5), exposure_confounder_effect = 0.5) -> 1.8 and 3: the lower CI
    limit 0.9 of an estimate 1.5 needs an outcome association of 1.8."""
    result = tip_coef(MeanDifference(1.5, ci=(0.9, 2.1)), smd=0.5)
    assert (result.value, result.ci_limit_value) == pytest.approx((3.0, 1.8), rel=REL)
    assert result.ci_limit_used == "lower"
    assert len(result.summary()) == 2
    crossing = tip_coef(MeanDifference(1.5, ci=(-0.1, 3.1)), smd=0.5)
    assert math.isnan(crossing.ci_limit_value)
    assert "CI limit nearest 0" in crossing.summary().loc[1, "quantity"]


@pytest.mark.parametrize(("measure", "kwargs", "expected", "call"), [
    (RiskRatio(1.8), {"smd": 0.5}, 3.2400000000000002,
     "tip_rr(1.8, exposure_confounder_effect = 0.5)"),
    (RiskRatio(1.8), {"outcome_rr": 2.2}, 0.7454894766034772,
     "tip_rr(1.8, confounder_outcome_effect = 2.2)"),
    (RiskRatio(1.8), {"smd": 0.5, "outcome_rr": 2.2}, 1.4909789532069544,
     "tip_rr(1.8, 0.5, 2.2)"),
    (OddsRatio(2.54, rare_outcome=False), {"smd": 0.4}, 3.2065804895512184,
     "tip_or(2.54, exposure_confounder_effect = 0.4, or_correction = TRUE)"),
    (HazardRatio(0.7, rare_outcome=False), {"outcome_rr": 1.3839700082583661},
     -0.75969310720905447,
     "tip_hr(0.7, confounder_outcome_effect = 1.6, hr_correction = TRUE); tipr converts the "
     "confounder's HR 1.6 to the RR 1.3839700082583661 first, which is what tip() takes"),
])
def test_tip_normal_matches_tipr(measure, kwargs, expected, call):
    """tipr::<call> (the parametrisation's last item): the solved confounder_outcome_effect,
    exposure_confounder_effect or n_unmeasured_confounders (on the risk-ratio scale)."""
    assert tip(measure, confounder="normal", **kwargs).value == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: adjust_coef("1.5", smd=0.5, outcome_association=1),
     ParameterError, "`effect` must be a number or a MeanDifference"),
    (lambda: adjust_coef(1.5, smd=math.nan, outcome_association=1),
     ParameterError, "`smd` must be a finite number"),
    (lambda: adjust_rr(1.8, smd=0.5, outcome_association=0),
     ParameterError, "`outcome_association` must be > 0"),
    (lambda: adjust_rr(OddsRatio(2.0), smd=0.5, outcome_association=2),
     ParameterError, "`rare_outcome` must be stated for an odds ratio"),
    (lambda: tip_coef(1.5), ParameterError, "give `smd` or `outcome_association`"),
    (lambda: tip_coef(1.5, smd=0), NoSolutionError, "balanced between the groups"),
    (lambda: tip_coef(1.5, outcome_association=0), NoSolutionError, "unrelated to the outcome"),
    (lambda: tip_coef(1.5, smd=-0.5, outcome_association=0.8), NoSolutionError,
     "no number of such confounders tips the result"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _run(capsys, *args):
    from causal.cli import main

    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_coef_and_adjust(capsys):
    """causal tip coef / --adjust reach tip_coef, adjust_coef and adjust_rr: tipr values
    tip_coef(c(0.9, 1.5), exposure_confounder_effect = 0.5) -> 1.8, 3;
    adjust_coef(1.5, 0.5, 0.8) -> 1.1; adjust_or(2.54, 0.4, 1.9, or_correction = TRUE) ->
    1.4017357123982568 (RR scale)."""
    status, out, _ = _run(capsys, "tip", "coef", "1.5", "--ci", "0.9", "2.1", "--smd", "0.5",
                          "--json")
    data = json.loads(out)
    assert status == 0 and data["solved_for"] == "outcome_association"
    assert (data["value"], data["ci_limit_value"]) == pytest.approx((3.0, 1.8), rel=REL)
    status, out, _ = _run(capsys, "tip", "coef", "1.5", "--smd", "0.5", "--outcome-effect",
                          "0.8", "--adjust", "--json")
    assert status == 0 and json.loads(out)["adjusted"] == pytest.approx(1.1, rel=REL)
    status, out, _ = _run(capsys, "tip", "or", "2.54", "--smd", "0.4", "--outcome-effect", "1.9",
                          "--adjust", "--common-outcome", "--json")
    assert status == 0
    assert json.loads(out)["rr_adjusted"] == pytest.approx(1.4017357123982568, rel=REL)


@pytest.mark.parametrize(("args", "match"), [
    (("coef", "1.5", "--p1", "0.3", "--p0", "0.1"), "--p1/--p0 describe a binary confounder"),
    (("coef", "1.5", "--outcome-rr", "2"), "not --outcome-rr"),
    (("rr", "1.8", "--smd", "0.5", "--outcome-effect", "2"), "--outcome-effect is for coef"),
    (("rr", "1.8", "--smd", "0.5", "--adjust"), "--adjust needs both --smd and --outcome-effect"),
    (("coef", "1.5", "--smd", "0.5", "--true", "0.2"), "--true is for a ratio's tipping point"),
    (("coef", "1.5"), "give `smd` or `outcome_association`"),
    (("or", "2.5", "--smd", "0.5", "--outcome-effect", "2", "--adjust"),
     "state whether the outcome is common"),
])
def test_cli_bad_input(capsys, args, match):
    status, _, err = _run(capsys, "tip", *args)
    assert status == 2 and match in err and "Traceback" not in err
    assert err.count("\n") == 1
