"""`causal batch`: E-values of many findings at once equal the single-claim E-values, and the
flags equal the audit's.

Published values: VanderWeele & Ding (2017), Annals of Internal Medicine 167(4), 268-274:
smoking and lung cancer RR 10.73 (95% CI 8.02-14.36) -> E-values 20.95 and 15.52;
breastfeeding and infections RR 3.9 (1.8-8.7) -> 7.26 and 3.0 (both printed to 2 decimals).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causal.claims import ReportedEstimate, check_ci_symmetry, check_p_value
from causal.cli import main
from causal.literature import evalue_rows, summarise
from causal.measures import HazardRatio, MeanDifference, OddsRatio, RiskRatio
from causal.sensitivity import e_value, selection_evalue


def _random_findings(n: int, seed: int) -> pd.DataFrame:
    """SIMULATED findings: log-ratios and SEs drawn at random, printed to 2 decimals, with a
    random measure, rarity and printed p-value (some deliberately inconsistent)."""
    rng = np.random.default_rng(seed)
    measure = rng.choice(["OR", "RR", "HR", "MD"], n)
    log_est = rng.normal(0, 0.8, n)
    se = rng.uniform(0.05, 0.6, n)
    est, lo, hi = np.exp(log_est), np.exp(log_est - 1.96 * se), np.exp(log_est + 1.96 * se)
    md = measure == "MD"
    est, lo, hi = (np.where(md, np.log(v) * 5, v) for v in (est, lo, hi))
    shift = rng.uniform(-0.3, 0.3, n) * (rng.uniform(size=n) < 0.1)  # 10% asymmetric
    hi = hi + shift * (hi - est)
    printed = [np.char.mod("%.2f", v) for v in (est, lo, hi)]
    ok = (printed[1].astype(float) <= printed[0].astype(float)) & (
        printed[0].astype(float) <= printed[2].astype(float)) & (
        (md) | (printed[1].astype(float) > 0))
    p = 2 * (1 - __import__("scipy").stats.norm.cdf(np.abs(log_est) / se))
    p_text = np.where(p < 0.001, "<.001", np.char.mod("%.3f", np.minimum(p * rng.choice([1, 1, 1, 3], n), 1)))
    rare = rng.choice(["true", "false", ""], n)
    frame = pd.DataFrame({"measure": measure, "estimate": printed[0], "ci_lower": printed[1],
                          "ci_upper": printed[2], "rare_outcome": rare, "p_value": p_text,
                          "outcome_sd": np.where(md, "10", "")})
    return frame[ok].reset_index(drop=True)


def _library_measure(row: pd.Series, rare: bool | None):
    ci = (float(row.ci_lower), float(row.ci_upper))
    if row.measure == "RR":
        return RiskRatio(float(row.estimate), ci=ci)
    if row.measure == "OR":
        return OddsRatio(float(row.estimate), ci=ci, rare_outcome=rare)
    if row.measure == "HR":
        return HazardRatio(float(row.estimate), ci=ci, rare_outcome=rare)
    return MeanDifference(float(row.estimate), ci=ci, outcome_sd=10.0)


def test_vanderweele_ding_2017_examples():
    frame = pd.DataFrame({"measure": ["RR", "RR"], "estimate": ["10.73", "3.9"],
                          "ci_lower": ["8.02", "1.8"], "ci_upper": ["14.36", "8.7"]})
    rows = evalue_rows(frame)
    assert np.round(rows["evalue_point"].to_numpy(), 2).tolist() == [20.95, 7.26]
    assert np.round(rows["evalue_ci"].to_numpy(), 2).tolist() == [15.52, 3.0]


def test_batch_equals_single_claim_evalues_to_1e_12():
    frame = _random_findings(400, seed=3)
    rows = evalue_rows(frame)
    for i, row in frame.iterrows():
        out = rows.iloc[i]
        rare = {"true": True, "false": False, "": None}[row.rare_outcome]
        if row.measure in ("OR", "HR") and rare is None:
            assert np.isnan(out.evalue_point) and out.status.startswith("rarity not declared")
            for name, flag in (("rare", True), ("common", False)):
                single = e_value(_library_measure(row, flag))
                assert out[f"evalue_point_{name}"] == pytest.approx(single.point, rel=1e-12)
                assert out[f"evalue_ci_{name}"] == pytest.approx(single.ci, rel=1e-12)
            continue
        measure = _library_measure(row, rare)
        single = e_value(measure)
        assert out.evalue_point == pytest.approx(single.point, rel=1e-12)
        assert out.evalue_ci == pytest.approx(single.ci, rel=1e-12)
        if row.measure != "MD":
            selection = selection_evalue(measure)
            assert out.selection_evalue_point == pytest.approx(selection.point, rel=1e-12)
            assert out.selection_evalue_ci == pytest.approx(selection.ci, rel=1e-12)


def test_flags_equal_the_audit():
    frame = _random_findings(400, seed=5)
    rows = evalue_rows(frame)
    disagreements = 0
    for i, row in frame.iterrows():
        reported = ReportedEstimate(label="x", measure=row.measure, estimate=row.estimate,
                                    ci=(row.ci_lower, row.ci_upper), p_value=row.p_value)
        symmetric = check_ci_symmetry(reported).severity == "ok"
        consistent = check_p_value(reported).severity == "ok"
        assert bool(rows.ci_symmetric.iloc[i]) == symmetric
        assert bool(rows.p_consistent.iloc[i]) == consistent
        disagreements += not consistent
    assert disagreements > 10  # the simulation prints some p-values three times too large
    assert (~rows.ci_symmetric.astype(bool)).sum() > 5


def test_summary_quantiles_and_shares():
    frame = pd.DataFrame({"measure": ["RR"] * 4, "estimate": ["1.2", "1.5", "2.0", "3.0"],
                          "ci_lower": ["0.9", "1.1", "1.5", "2.0"],
                          "ci_upper": ["1.6", "2.0", "2.7", "4.5"]})
    summary = summarise(evalue_rows(frame), thresholds=(1.5, 2.0))
    table = summary.summary().set_index(["scenario", "quantity"])
    point = table.loc[("as declared", "E-value (point)")]
    expected = [r + np.sqrt(r * (r - 1)) for r in (1.2, 1.5, 2.0, 3.0)]
    assert point["median"] == pytest.approx(np.median(expected), rel=1e-12)
    assert point["q1"] == pytest.approx(np.quantile(expected, 0.25), rel=1e-12)
    assert point["share_below_2"] == pytest.approx(0.25)  # only 1.2 -> 1.69 is below 2
    ci = table.loc[("as declared", "E-value (CI limit)")]
    assert ci["share_below_1.5"] == pytest.approx(0.5)  # 1 (CI contains 1) and 1.43


def test_dask_blocks_give_the_same_rows():
    from causal._parallel import InProcess

    frame = _random_findings(300, seed=7)
    whole = evalue_rows(frame)
    blocked = evalue_rows(frame, block_rows=64, runner=InProcess())
    pd.testing.assert_frame_equal(whole, blocked)


def test_cli_batch_writes_all_files(tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text("label,measure,estimate,ci_lower,ci_upper,source\n"
                   "smoking,RR,10.73,8.02,14.36,VanderWeele & Ding 2017\n", encoding="utf-8")
    out = tmp_path / "lit"
    assert main(["batch", str(csv), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"rows.csv", "summary.md", "summary.html",
                                               "summary.json", "evalues.png"}
    document = json.loads((out / "summary.json").read_text())
    assert document["counts"]["computed"] == 1
    assert "reported" in document["provenance"]["estimates"]


def test_cli_batch_folder_of_papers(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("The relative risk was 10.73 (95% CI 8.02 to 14.36).",
                                    encoding="utf-8")
    (tmp_path / "b.md").write_text("Breastfeeding: risk ratio 3.9 (95% CI 1.8–8.7).",
                                   encoding="utf-8")
    assert main(["batch", str(tmp_path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [round(r["evalue_point"], 2) for r in document["rows"]] == [20.95, 7.26]
    assert document["rows"][0]["source"].startswith("reported, p. 1: 'relative risk was")


@pytest.mark.parametrize(("content", "message"), [
    ("measure,ci_lower\nOR,1.2\n", "must have the columns measure, estimate"),
    ("measure,estimate,ci_lower,ci_upper\nOR,1.9,2.1,3.5\n", "row 2: the CI (2.1, 3.5) must "
                                                             "contain its own estimate 1.9"),
    ("measure,estimate\nXX,1.9\n", "row 2: `measure` must be one of"),
    ("measure,estimate,ci_lower\nOR,1.9,1.2\n", "needs both `ci_lower` and `ci_upper`"),
    ("measure,estimate,rare_outcome\nOR,1.9,maybe\n", "`rare_outcome` must be true, false"),
])
def test_cli_batch_bad_input(tmp_path, capsys, content, message):
    csv = tmp_path / "f.csv"
    csv.write_text(content, encoding="utf-8")
    out = tmp_path / "lit"
    assert main(["batch", str(csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [csv]
