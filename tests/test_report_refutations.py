"""The report's refutation section: one table per SIMULATED world, and the warning that these
tests cannot see an unmeasured confounder next to the world where one exists."""

from __future__ import annotations

from causal.report import build_report
from causal.report.model import Callout, Table
from causal.study import load_study
from tests.conftest import ROOT, THEW


def test_thew_refutations_per_world():
    from causal.analysis import analyse

    analysis = analyse(load_study(THEW), sections=["refutations"])
    (section,) = build_report(analysis).sections
    worlds = section.data["worlds"]
    assert [w["world"] for w in worlds] == ["no hidden confounding", "self-selection only"]
    refuters = {t["refuter"] for t in worlds[0]["tests"]}
    assert {"placebo treatment", "random common cause", "data subsets", "bootstrap",
            "placebo (permuted outcome)"} <= refuters
    assert not any("dummy" in r or "negative control" in r for r in refuters)
    assert sum(isinstance(b, Table) for b in section.blocks) == 2
    # the estimators the estimates section shows, each refitted as estimated
    assert worlds[0]["estimators"] == ["regression", "ipw", "aipw"]
    methods = {t["estimator"] for t in worlds[0]["tests"]}
    assert methods - {"IPW: ATE (RD)", "AIPW: ATE (RD)"} == {
        next(m for m in methods if m.startswith("outcome regression:"))}
    assert "conditional OR" in next(m for m in methods if m.startswith("outcome regression"))
    # the headline refutation refutes the very estimate the estimates section shows
    first = analysis.worlds[0]
    shown = next(e for e in first.estimates.estimates
                 if e.method == "outcome regression" and e.measure == "or")
    refuted = dict(first.refutations)["outcome regression"].suite
    assert {r.original_estimate for r in refuted.results} == {shown.estimate}
    warning = [b for b in section.blocks if isinstance(b, Callout)]
    assert warning and "cannot see" in warning[0].text
    assert "SIMULATED world 'self-selection only'" in section.verdict


def test_study_without_data_has_no_refutation_section(tmp_path):
    text = THEW.read_text()
    bare = tmp_path / "bare.toml"
    bare.write_text(text[:text.index("[graph]")])
    assert build_report(load_study(bare), sections=["refutations"]).sections == ()


def test_nhefs_refutations_run_on_real_data():
    (section,) = build_report(load_study(ROOT / "studies" / "nhefs.toml"),
                              sections=["refutations"]).sections
    (world,) = section.data["worlds"]
    assert world["world"] is None and world["n"] == 1566
