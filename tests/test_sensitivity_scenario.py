"""ConfounderScenario, the [[scenarios]] study tables and the report's sensitivity section."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import ParameterError, StudySpecError
from causal.measures import OddsRatio, RiskRatio
from causal.sensitivity import ConfounderScenario, assess_scenario, bounding_factor, e_value, tip
from causal.study import load_study

ROOT = Path(__file__).resolve().parents[1]
THEW_FILE = ROOT / "studies" / "thew2024.toml"
THEW = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
HYPOTHESIS = ConfounderScenario("motivation (hypothesis)", prevalence_treated=0.5,
                             prevalence_control=0.2, outcome_rr=2)


def test_hypothesised_scenario_on_the_thew_estimate():
    a = assess_scenario(HYPOTHESIS, THEW)
    # Schlesselman: B = (2 * 0.5 + 0.5) / (2 * 0.2 + 0.8) = 1.5 / 1.2
    assert a.bias_factor == pytest.approx(1.25, rel=1e-12)
    assert a.adjusted_rr == pytest.approx(math.sqrt(2.54) / 1.25, rel=1e-12)
    assert a.adjusted == pytest.approx(2.54 / 1.25**2, rel=1e-12)  # back to the OR scale
    assert a.ci_limit_used == "lower"
    assert a.adjusted_ci_limit == pytest.approx(1.32 / 1.25**2, rel=1e-12)
    assert not a.tips_estimate and a.tips_ci
    # E-value curve: RR_EU = p1/p0 = 2.5, RR_UD = 2; bounding factor 5/3.5
    assert (a.rr_eu, a.rr_ud) == pytest.approx((2.5, 2.0))
    assert a.scenario_bounding_factor == pytest.approx(5 / 3.5, rel=1e-12)
    ev = e_value(THEW)
    assert a.evalue_point == pytest.approx(ev.point, rel=1e-12)
    assert a.evalue_ci == pytest.approx(ev.ci, rel=1e-12)
    assert not a.beyond_point_curve and a.beyond_ci_curve
    # the tipping outcome effect for the same prevalences agrees with tip()
    tipped = tip(THEW, prevalence_treated=0.5, prevalence_control=0.2)
    assert a.outcome_rr_to_tip_estimate == pytest.approx(tipped.value, rel=1e-12)
    assert a.outcome_rr_to_tip_ci == pytest.approx(tipped.ci_limit.value, rel=1e-12)
    assert list(a.summary().columns) == list(SUMMARY_COLUMNS)
    assert "confidence interval would include the null" in a.sentence()


def test_strength_scenario_uses_the_bounding_factor_towards_the_null():
    strength = ConfounderScenario("any", rr_eu=2, rr_ud=2)
    assert strength.bias_factor == pytest.approx(bounding_factor(2, 2), rel=1e-12)
    up = assess_scenario(strength, RiskRatio(1.5, ci=(1.2, 1.9)))
    down = assess_scenario(strength, RiskRatio(1 / 1.5, ci=(1 / 1.9, 1 / 1.2)))
    assert up.adjusted == pytest.approx(1.5 / (4 / 3), rel=1e-12)
    assert down.adjusted == pytest.approx(1 / up.adjusted, rel=1e-12)
    assert up.tips_ci == down.tips_ci and up.tips_estimate == down.tips_estimate


def test_scenario_at_the_evalue_lies_on_the_curve_and_tips_exactly():
    ev = e_value(RiskRatio(1.8, ci=(1.3, 2.5)))
    at_curve = assess_scenario(ConfounderScenario(rr_eu=ev.point, rr_ud=ev.point),
                               RiskRatio(1.8, ci=(1.3, 2.5)))
    assert at_curve.adjusted == pytest.approx(1.0, rel=1e-9)
    assert at_curve.scenario_bounding_factor == pytest.approx(1.8, rel=1e-9)


def test_scenario_bad_input():
    with pytest.raises(ParameterError, match="prevalence_treated.*\\[0, 1\\]"):
        ConfounderScenario(prevalence_treated=1.5, prevalence_control=0.2, outcome_rr=2)
    with pytest.raises(ParameterError, match="outcome_rr.*> 0"):
        ConfounderScenario(prevalence_treated=0.5, prevalence_control=0.2, outcome_rr=-1)
    with pytest.raises(ParameterError, match="rr_eu.*>= 1"):
        ConfounderScenario(rr_eu=0.5, rr_ud=2)
    with pytest.raises(ParameterError, match="not a mix"):
        ConfounderScenario(prevalence_treated=0.5, rr_ud=2)


def test_thew_study_declares_scenarios_from_weak_to_strong():
    study = load_study(THEW_FILE)
    scenarios = list(study.scenarios)
    assert len(scenarios) >= 3
    assert study.scenarios.headline == "motivation (hypothesis)"
    critics = next(s for s in scenarios if s.name == "motivation (hypothesis)")
    assert (critics.prevalence_treated, critics.prevalence_control, critics.outcome_rr) == (
        0.5, 0.2, 2.0)
    factors = [s.bias_factor for s in scenarios if s.kind == "binary"]
    assert min(factors) < 1.1 and max(factors) > math.sqrt(2.54)  # spans weak to tipping


@pytest.mark.parametrize(("addition", "message"), [
    ('[[scenarios]]\nname = "x"\nprevalence_treated = 1.4\nprevalence_control = 0.2\n'
     'outcome_rr = 2\n', "prevalence_treated"),
    ('[[scenarios]]\nname = "x"\nprevalence_treated = 0.4\n', "not a mix"),
    ('[[scenarios]]\nname = "x"\nrr_eu = "big"\nrr_ud = 2\n', "scenarios\\[4\\].rr_eu"),
    ('[[scenarios]]\nname = "x"\nrr_eu = 2\nrr_ud = 2\nstrenght = 3\n', "strenght"),
    ('[[scenarios]]\nname = "weak engagement"\nrr_eu = 2\nrr_ud = 2\n', "unique"),
])
def test_bad_scenarios_fail_at_study_load(tmp_path, addition, message):
    path = tmp_path / "study.toml"
    shutil.copy(THEW_FILE, path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + addition)
    with pytest.raises(StudySpecError, match=message):
        load_study(path)


def test_report_has_the_sensitivity_section():
    from causal.report import build_report
    from causal.report.model import Figure, Table

    report = build_report(load_study(THEW_FILE), sections=["evalue", "sensitivity"])
    section = next(s for s in report.sections if s.key == "sensitivity")
    assert "motivation (hypothesis)" in section.verdict
    # on the risk-ratio scale (issue 21): sqrt(2.54) / 1.25 = 1.2750
    assert "adjusted RR 1.27" in section.verdict
    table = next(b for b in section.blocks if isinstance(b, Table)).frame
    assert "motivation (hypothesis)" in set(table["scenario"])
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert {f.key for f in figures} == {"sensitivity_evalue_scenarios", "sensitivity_tipping"}
    assert all(f.png.startswith(b"\x89PNG") for f in figures)
    rows = {r["name"]: r for r in section.data["scenarios"]}
    assert rows["motivation (hypothesis)"]["tips_ci"] and not rows["motivation (hypothesis)"][
        "tips_estimate"]


def test_section_order():
    from causal.report.sections import SECTION_MODULES

    assert SECTION_MODULES.index("sensitivity") == SECTION_MODULES.index("evalue") + 1
