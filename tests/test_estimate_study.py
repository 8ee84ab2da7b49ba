"""Study-level estimation (`estimate_study`, `causal estimate`) and the report's estimates
section. Published answers: Hernan & Robins, What If, Programs 12.2 (IPW 3.44) and 13.2
(standardisation 3.52), crude 2.5 kg; Dehejia & Wahba (1999) naive CPS difference -8,498."""

from __future__ import annotations

import json

import pytest

from causal.cli import main
from causal.errors import ExtremeWeightsWarning, SeparationWarning, StudySpecError
from causal.estimate.study import estimate_study
from causal.study import load_study
from tests.conftest import ROOT, THEW

NHEFS = ROOT / "studies" / "nhefs.toml"
LALONDE = ROOT / "studies" / "lalonde.toml"


def _by_method(result, method, measure=None):
    return next(e for e in result.estimates
                if e.method == method and (measure is None or e.measure == measure))


def test_nhefs_reproduces_what_if():
    result = estimate_study(NHEFS)
    assert not result.simulated and result.n == 1566
    assert _by_method(result, "IPW").estimate == pytest.approx(3.44, abs=0.01)
    assert _by_method(result, "g-computation").estimate == pytest.approx(3.52, abs=0.01)
    assert _by_method(result, "crude").estimate == pytest.approx(2.54, abs=0.01)
    assert {p.method for p in result.published} >= {"ipw", "crude"}


def test_lalonde_targets_the_att_and_reproduces_the_naive_difference():
    # CPS controls barely overlap the NSW treated: the propensity model must say so.
    with pytest.warns(ExtremeWeightsWarning, match=r"Kish effective sample size"), \
            pytest.warns(SeparationWarning, match=r"scores were not clipped"):
        result = estimate_study(LALONDE)
    assert _by_method(result, "crude").estimate == pytest.approx(-8498, abs=1)
    assert {e.estimand for e in result.estimates if e.method in ("IPW", "AIPW")} == {"att"}


def test_simulated_study_is_labelled_and_seeded():
    first = estimate_study(THEW, world="self-selection only", random_state=7)
    again = estimate_study(THEW, world="self-selection only", random_state=7)
    assert first.simulated and "SIMULATED" in first.description
    assert first.truth == {"true_conditional_odds_ratio": 1.0}
    assert first.data_hash == again.data_hash
    assert [e.estimate for e in first.estimates] == [e.estimate for e in again.estimates]
    assert all("SIMULATED" in note for note in first.summary().note)
    kinds = {e.method: e.odds_ratio_kind for e in first.estimates if e.measure == "or"}
    assert kinds["outcome regression"] == "conditional" and kinds["IPW"] == "marginal"


def test_estimate_command(capsys):
    assert main(["estimate", str(THEW), "--world", "no hidden confounding", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["simulated"] is True and data["truth"]["true_conditional_odds_ratio"] == 2.54
    assert len(data["data_sha256"]) == 64
    assert main(["estimate", str(THEW), "--world", "nope"]) == 2
    assert "`world` must be one of" in capsys.readouterr().err


def test_study_without_data_and_bad_estimand(tmp_path, capsys):
    bare = tmp_path / "bare.toml"
    bare.write_text('[study]\nname="b"\ntitle="t"\ntreatment="x"\noutcome="y"\n'
                    '[claim.treated]\nevents=1\ntotal=5\n[claim.control]\nevents=1\ntotal=5\n')
    assert main(["estimate", str(bare)]) == 2
    assert "must declare individual-level data in a [data] table" in capsys.readouterr().err
    bad = tmp_path / "lalonde.toml"
    bad.write_text(LALONDE.read_text().replace('estimand = "att"', 'estimand = "late"'))
    with pytest.raises(StudySpecError,
                       match=r"field `estimate.estimand` must be one of 'ate', 'att', 'atc', "
                             r"'atu'"):
        load_study(bad)


def test_report_section_on_simulated_worlds():
    from causal.report import build_report

    report = build_report(load_study(THEW), sections=["estimates"])
    (section,) = report.sections
    assert [w["world"] for w in section.data["worlds"]] == ["no hidden confounding",
                                                           "self-selection only"]
    assert "SIMULATED" in section.verdict
    figures = [b for b in section.blocks if type(b).__name__ == "Figure"]
    assert {f.key for f in figures} >= {"estimates_forest_ratio_world1", "estimates_love_world2",
                                        "estimates_overlap_world1"}


def test_lalonde_report_judges_estimates_against_the_experiment():
    from causal.report import build_report

    (section,) = build_report(load_study(LALONDE), sections=["estimates"]).sections
    # Dehejia & Wahba (1999): experimental effect $1,794 on the NSW subsample; an estimate
    # with its own sampling error, not a known truth (issue 21, item 11)
    assert "the experiment's estimate is $1,794" in str(section.verdict)
    assert "experimental truth is" not in str(section.verdict)
    (world,) = section.data["worlds"]
    assert world["truth"]["experimental_effect"] == pytest.approx(1794.34, abs=0.01)
    assert {"yes", "no"} >= {row["CI covers the experimental truth"]
                             for row in world["estimates"]}
