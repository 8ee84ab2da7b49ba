"""The target-trial protocol and the comparison with randomised evidence.

Numbers: Thew et al. (2024) counts 31/66 vs 64/236 (FACTS [B]) give RD 0.1985 with SE 0.0679
(FACTS [C], recomputed here from the Wald formula); the randomised entries are as FACTS
reports them: Reme et al. 2015 work participation 44.2% vs 37.2%; Reme et al. 2019
employment 36.6% vs 27.1%; Hellstrom et al. 2017 return to work OR 1.18 (0.73-1.90).
"""

from __future__ import annotations

import math

import pytest

from causal import (
    EvidenceEntry,
    OddsRatio,
    ProtocolComponent,
    TargetTrial,
    compare_with_randomised,
)
from causal.errors import ParameterError
from causal.study.target_trial import COMPONENTS, target_trial_departures


def thew_protocol() -> dict[str, dict[str, str]]:
    """An illustration in the form the report fills from the study (not a study file)."""
    return {
        "eligibility": {"target": "LP7 clients starting therapy",
                        "emulation": "LP7 clients with end-of-treatment scores",
                        "departure": "eligibility uses information after time zero",
                        "consequence": "selection bias"},
        "treatment_strategies": {"target": "offer support at start vs never",
                                 "emulation": "accepted vs declined an offer"},
        "assignment": {"target": "randomised", "emulation": "self-selected",
                       "departure": "no randomisation", "consequence": "confounding"},
        "time_zero": {"target": "start of therapy",
                      "emulation": "not aligned with uptake",
                      "departure": "uptake defined during follow-up",
                      "consequence": "immortal time"},
        "outcome": {"target": "recovery at end of therapy", "emulation": "the same"},
        "follow_up": {"target": "to end of therapy", "emulation": "the same"},
        "causal_contrast": {"target": "intention to treat", "emulation": "per protocol",
                            "departure": "compares takers with decliners"},
        "analysis_plan": {"target": "risk difference", "emulation": "adjusted logistic OR"},
    }


def test_target_trial_lists_departures_in_protocol_order():
    """Hernan & Robins (2016, Table 1) components; departures are those with a stated
    departure."""
    trial = TargetTrial.from_mapping(thew_protocol(), title="Thew et al. 2024")
    names = [name for name, _ in target_trial_departures(trial)]
    assert names == ["eligibility", "assignment", "time_zero", "causal_contrast"]
    frame = trial.summary()
    assert list(frame["component"])[:2] == ["Eligibility criteria", "Treatment strategies"]
    assert list(frame["departs"]) == ["yes", "no", "yes", "yes", "no", "no", "yes", "no"]
    assert frame.shape == (len(COMPONENTS), 6)
    assert "immortal time" in trial.to_markdown()


@pytest.mark.parametrize("make, match", [
    (lambda: ProtocolComponent("", "x"), "`target` must be a non-empty string"),
    (lambda: ProtocolComponent("x", "y", consequence="bias"), "`consequence` needs a"),
    (lambda: TargetTrial.from_mapping({"eligibility": {}}), "must have exactly the components"),
    (lambda: TargetTrial.from_mapping({**thew_protocol(), "outcome": {"target": "a",
                                                                      "emulation": "b",
                                                                      "note": "c"}}),
     "unknown keys"),
    (lambda: target_trial_departures("trial"), "`trial` must be a TargetTrial"),
])
def test_target_trial_bad_input(make, match):
    with pytest.raises(ParameterError, match=match):
        make()


def _thew() -> EvidenceEntry:
    return EvidenceEntry("Thew et al. 2024", outcome="clinical recovery (PHQ-9 and GAD-7)",
                         population="LP7 clients in NHS Talking Therapies",
                         citation="Thew et al. 2024, Behav Cogn Psychother 52(1)",
                         design="observational", arms=(31 / 66, 64 / 236), arm_sizes=(66, 236))


def _trials() -> list[EvidenceEntry]:
    caveat = "measured work outcomes, not this population's clinical recovery"
    return [
        EvidenceEntry("Reme et al. 2015", outcome="work participation at 12 months",
                      population="Norway, n = 1,193", citation="Reme et al. 2015",
                      arms=(0.442, 0.372), caveat=caveat),
        EvidenceEntry("Reme et al. 2019", outcome="employment", population="IPS, n = 410",
                      citation="Reme et al. 2019", arms=(0.366, 0.271), caveat=caveat),
        EvidenceEntry("Hellstrom et al. 2017", outcome="return to work",
                      population="Denmark, n = 326", citation="Hellstrom et al. 2017",
                      effect=OddsRatio(1.18, ci=(0.73, 1.90)), caveat=caveat),
    ]


def test_comparison_reports_each_effect_on_its_own_scale():
    """Thew RD = 31/66 - 64/236 = 0.19851 (FACTS: 0.1985), SE = sqrt(p1 q1/66 + p0 q0/236)
    = 0.0679 (FACTS); randomised gains 7.0 and 9.5 points; Hellstrom OR as reported."""
    comparison = compare_with_randomised(_thew(), _trials())
    frame = comparison.summary()
    p1, p0 = 31 / 66, 64 / 236
    se = math.sqrt(p1 * (1 - p1) / 66 + p0 * (1 - p0) / 236)
    assert se == pytest.approx(0.0679, abs=5e-5)
    assert frame["estimate"].iloc[0] == pytest.approx(100 * (p1 - p0), rel=1e-12)
    assert frame["estimate"].iloc[0] == pytest.approx(19.85, abs=5e-3)
    assert frame["ci_lower"].iloc[0] == pytest.approx(100 * (p1 - p0 - 1.959963984540054 * se),
                                                      rel=1e-9)
    assert list(frame["estimate"].iloc[1:3].round(10)) == [7.0, 9.5]
    assert math.isnan(frame["ci_lower"].iloc[1])  # no arm sizes given: no CI invented
    assert frame["estimate"].iloc[3] == 1.18 and frame["ci_upper"].iloc[3] == 1.90
    assert list(frame["method"]) == ["observational"] + ["randomised"] * 3
    assert len(comparison.caveats) == 3 and "caveat:" in frame["note"].iloc[1]


def test_a_different_outcome_needs_a_caveat():
    trial = EvidenceEntry("Reme et al. 2019", outcome="employment", population="IPS, n = 410",
                          citation="Reme et al. 2019", arms=(0.366, 0.271))
    with pytest.raises(ParameterError, match="`caveat` of 'Reme et al. 2019' must say how its "
                                             "outcome and population differ"):
        compare_with_randomised(_thew(), [trial])


@pytest.mark.parametrize("make, match", [
    (lambda: EvidenceEntry("a", "b", "c", "d"), "`arms` or `effect` must be given"),
    (lambda: EvidenceEntry("a", "b", "c", "d", arms=(1.2, 0.3)), r"`arms\[0\]` must be a "),
    (lambda: EvidenceEntry("a", "b", "c", "d", effect=2.0), "`effect` must be an OddsRatio"),
    (lambda: EvidenceEntry("a", "b", "c", "d", arms=(0.2, 0.1), arm_sizes=(0, 4)),
     "`arm_sizes` must be positive"),
    (lambda: EvidenceEntry("", "b", "c", "d", arms=(0.2, 0.1)), "`label` must be a non-empty"),
    (lambda: compare_with_randomised(_trials()[0], _trials()), "`observational` must be"),
    (lambda: compare_with_randomised(_thew(), [_thew()]), "entries must be EvidenceEntry"),
])
def test_evidence_bad_input(make, match):
    with pytest.raises(ParameterError, match=match):
        make()
