"""The `causal` command: outputs, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import json

import pytest

from causal.cli import main
from tests.conftest import THEW


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_evalue_odds_ratio_json(capsys):
    status, out, _ = run(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89",
                         "--common-outcome", "--json")
    assert status == 0
    data = json.loads(out)
    # reference_values.json: evalue_or_thew_adjusted_common
    assert data["evalue_point"] == pytest.approx(2.566497867, abs=1e-6)
    assert data["evalue_ci"] == pytest.approx(1.562539742, abs=1e-6)
    assert data["ci_limit_used"] == "lower"


def test_evalue_text_and_risk_difference(capsys):
    status, out, _ = run(capsys, "evalue", "rr", "3.9", "--ci", "1.8", "8.7")
    assert status == 0 and "E-value (point estimate) | 7.263" in out
    status, out, _ = run(capsys, "evalue", "rd", "31", "66", "64", "236", "--json")
    assert status == 0 and json.loads(out)["evalue_point"] > 1


def test_audit_reports_the_step1_discrepancy(capsys):
    status, out, _ = run(capsys, "audit", str(THEW))
    assert status == 0
    assert "[WARNING] counts: OR 2.82 (95% CI 1.56–5.08) cannot come from" in out
    status, out, _ = run(capsys, "audit", str(THEW), "--json")
    assert json.loads(out)["worst"] == "warning"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evalue", "or", "2.54", "--ci", "1.32", "4.89"], "state whether the outcome is common"),
        (["evalue", "rr", "0", "--ci", "0.5", "2"], "`estimate` must be > 0"),
        (["evalue", "rr", "2.5", "--ci", "3", "4"], "must contain the estimate 2.5"),
        (["evalue", "rr", "2.5", "--ci", "4", "1"], "lower limit must not exceed the upper"),
        (["evalue", "rr", "2.5", "--ci", "1", "4", "--alpha", "1.5"], "`alpha` must be in (0, 1)"),
        (["evalue", "rd", "70", "66", "64", "236"], "must not exceed `treated_total`"),
        (["evalue", "rd", "31.5", "66", "64", "236"], "`treated_events` must be a whole number"),
        (["evalue", "rd", "31", "66"], "must be 4 counts"),
        (["audit", "missing.toml"], "missing.toml: study file not found"),
    ],
)
def test_bad_input_is_one_line_on_stderr(capsys, args, message):
    status, out, err = run(capsys, *args)
    assert status == 2
    assert message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_unknown_measure_is_a_usage_error(capsys):
    status, _, err = run(capsys, "evalue", "xx", "2")
    assert status == 2 and "Traceback" not in err and "'xx' is not one of" in err


def test_report_on_a_broken_study_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text(THEW.read_text().replace('treatment = "employment_support"\n', ""))
    out_dir = tmp_path / "out"
    status, _, err = run(capsys, "report", str(broken), "--out", str(out_dir), "--quiet")
    assert status == 2 and "field `study.treatment`" in err
    assert not out_dir.exists()
    assert list(tmp_path.iterdir()) == [broken]
