"""Command line: causal sensitivity / tip / ovb / rir / bias-analysis."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from causal.cli import main

THEW_FILE = str(Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml")


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_tip_example_from_the_issue(capsys):
    status, out, _ = run(capsys, "tip", "or", "2.54", "--ci", "1.32", "4.89", "--p1", "0.5",
                         "--p0", "0.2", "--common-outcome", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["solved_for"] == "outcome_rr"
    # B(0.5, 0.2, g) = sqrt(2.54)  =>  g = (r 0.8 - 0.5) / (0.5 - 0.2 r), r = sqrt(2.54)
    r = math.sqrt(2.54)
    assert data["value"] == pytest.approx((r * 0.8 - 0.5) / (0.5 - 0.2 * r), rel=1e-12)
    assert data["ci_limit_used"] == "lower"
    status, out, _ = run(capsys, "tip", "or", "2.54", "--ci", "1.32", "4.89", "--p1", "0.5",
                         "--p0", "0.2", "--common-outcome")
    assert status == 0 and "outcome_rr to tip the estimate" in out


def test_tip_errors_are_one_sentence(capsys):
    status, _, err = run(capsys, "tip", "or", "2.54", "--p1", "0.5", "--p0", "0.2")
    assert status == 2 and "--common-outcome" in err
    status, _, err = run(capsys, "tip", "rr", "1.5", "--p1", "0.1", "--p0", "0.2")
    assert status == 2 and err.startswith("error: no confounder-outcome risk ratio")
    assert "Traceback" not in err
    status, _, err = run(capsys, "tip", "rr", "1.5", "--p1", "1.5", "--p0", "0.2")
    assert status == 2 and "prevalence_treated" in err


def test_sensitivity_runs_the_study_scenarios(capsys):
    status, out, _ = run(capsys, "sensitivity", THEW_FILE, "--json")
    assert status == 0
    rows = {r["name"]: r for r in json.loads(out)["scenarios"]}
    critics = rows["motivation (hypothesis)"]
    assert critics["adjusted"] == pytest.approx(2.54 / 1.25**2, rel=1e-12)
    assert critics["tips_ci"] and not critics["tips_estimate"]
    status, out, _ = run(capsys, "sensitivity", THEW_FILE)
    assert status == 0 and "motivation (hypothesis)" in out


def test_ovb_command(capsys):
    status, out, _ = run(capsys, "ovb", "0.0973158192849576", "0.023256537809811167", "783",
                         "--json")
    assert status == 0
    data = json.loads(out)
    assert data["rv_q"] == pytest.approx(0.1387763538935898, abs=1e-8)  # sensemakr Darfur
    assert data["rv_qa"] == pytest.approx(0.07625796554485893, abs=1e-8)
    status, out, _ = run(capsys, "ovb", "0.5", "0.2", "300", "--benchmark-r2d", "0.02",
                         "--benchmark-r2y", "0.05", "--kd", "1", "--kd", "2",
                         "--log-odds-ratio")
    assert status == 0 and "2x benchmark" in out and "heuristic" in out
    status, _, err = run(capsys, "ovb", "0.5", "0.2", "300", "--benchmark-r2d", "0.02")
    assert status == 2 and "--benchmark-r2y" in err


def test_rir_command(capsys):
    status, out, _ = run(capsys, "rir", "2", "0.4", "100", "3", "--json")
    assert status == 0 and json.loads(out)["rir"] == 60  # konfound 1.0.3
    status, out, _ = run(capsys, "rir", "2", "0.4", "100", "3", "--rounding", "ceiling",
                         "--json")
    assert json.loads(out)["rir"] == 61  # later konfound
    status, out, _ = run(capsys, "rir", "--table", "31", "66", "64", "236", "--json")
    assert status == 0 and json.loads(out)["fragility"] >= 1
    status, _, err = run(capsys, "rir", "2", "0.4", "100")
    assert status == 2 and "expected 4 values" in err


def test_bias_analysis_command(capsys):
    status, out, _ = run(capsys, "bias-analysis", "105", "632", "85", "178", "--p1", "0.8",
                         "--p0", "0.05", "--effect", "0.63", "--json")
    assert status == 0
    assert json.loads(out)["adjusted_mh"] == pytest.approx(0.4850549514, abs=1e-6)  # episensr
    status, out, _ = run(capsys, "bias-analysis", "31", "66", "64", "236", "--p1",
                         "uniform:0.4,0.6", "--p0", "0.2", "--effect", "2", "--draws", "5000",
                         "--json")
    assert status == 0
    median, lower, upper = json.loads(out)["systematic"]
    # adjusted RR is monotone in p1 here: limits are RR / B at p1 = 0.595 and 0.405
    crude = (31 / 66) / (64 / 236)
    assert crude / (1 + 0.6) * 1.2 < lower < median < upper < crude / (1 + 0.4) * 1.2
    status, _, err = run(capsys, "bias-analysis", "31", "66", "64", "236", "--p1",
                         "lognormal:0,1", "--p0", "0.2", "--effect", "2")
    assert status == 2 and "must stay within" in err


def test_sensitivity_without_scenarios_fails_cleanly(capsys, tmp_path):
    text = Path(THEW_FILE).read_text(encoding="utf-8")
    path = tmp_path / "noscenarios.toml"
    dags = Path(THEW_FILE).resolve().parent.parent / "dags"
    text = text.replace('"../dags/', f'"{dags.as_posix()}/')
    path.write_text(text[: text.index("[[scenarios]]")], encoding="utf-8")
    status, _, err = run(capsys, "sensitivity", str(path))
    assert status == 2 and "declares no [[scenarios]]" in err
