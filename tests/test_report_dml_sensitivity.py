"""The report section and the command `causal dml-sensitivity` (Long-Story-Short bounds on the
study's AIPW). The numbers are those of causal.sensitivity.omitted_variable.dml_refit, checked against
DoubleML 0.11.4 in tests/test_sensitivity_dml_bounds.py; here: wiring, labels, determinism and
command-line errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from causal.cli import main
from causal.study import load_study
from tests.conftest import ROOT, THEW

NHEFS = ROOT / "studies" / "nhefs.toml"
NHEFS_COVARIATES = ["sex", "race", "age", "education", "smokeintensity", "smokeyrs",
                    "exercise", "active", "wt71"]


def _build(path):
    from causal.analysis import analyse
    from causal.report.sections import dml_sensitivity

    analysis = analyse(load_study(path), sections=["dml_sensitivity"])
    return analysis, dml_sensitivity.build(analysis)


@pytest.fixture(scope="module")
def nhefs_section():
    return _build(NHEFS)


def test_registered_after_the_individual_data_diagnostics():
    from causal.report.sections import SECTION_MODULES

    assert SECTION_MODULES.index("dml_sensitivity") == \
        SECTION_MODULES.index("individual_sensitivity") + 1


def test_nhefs_section_matches_the_library(nhefs_section):
    from causal.sensitivity.omitted_variable.dml_study import dml_sensitivity_study

    ctx, section = nhefs_section
    (case,) = section.data["cases"]
    direct = dml_sensitivity_study(NHEFS, random_state=ctx.random_state).result
    # same seed, same numbers: the section is deterministic and is the library's result
    assert case["rv"] == direct.rv and case["rva"] == direct.rva
    pd.testing.assert_frame_equal(case["summary"], direct.summary())
    pd.testing.assert_frame_equal(case["benchmarks"], direct.benchmark_table())
    assert list(case["benchmarks"]["benchmark"]) == NHEFS_COVARIATES
    assert case["data_sha256"] == ctx.hashes()["individual_sensitivity_data_sha256"]
    assert section.data["scenario"] == {"cf_y": 0.03, "cf_d": 0.03, "rho": 1.0}
    assert section.verdict.plain.startswith("Individual data: nhefs (real data): AIPW ATE 3.34 kg; RV ")
    assert [b.key for b in section.blocks if type(b).__name__ == "Figure"] == [
        "dml_sensitivity_contour_1"]
    text = " ".join(b.text for b in section.blocks if type(b).__name__ == "Paragraph")
    assert "assumed here, not estimated" in text


def test_simulated_study_uses_the_same_labelled_cohorts():
    ctx, section = _build(THEW)
    assert "SIMULATED" in section.title and "SIMULATED" in section.verdict
    hashes = ctx.hashes()
    for i, case in enumerate(section.data["cases"], start=1):
        assert case["data_sha256"] == hashes[f"individual_sensitivity_world{i}_sha256"]
        assert case["label"].startswith("SIMULATED: ")
    assert "(true OR 1)" in section.verdict


def test_command_json_with_a_group(capsys):
    from causal.sensitivity.omitted_variable.dml_study import dml_sensitivity_study

    assert main(["dml-sensitivity", str(NHEFS), "--json", "--cf-y", "0.05", "--rho", "0.5",
                 "--benchmark", "smokeintensity, smokeyrs", "--benchmark", "sex"]) == 0
    data = json.loads(capsys.readouterr().out)
    direct = dml_sensitivity_study(NHEFS, benchmarks=[["smokeintensity", "smokeyrs"], ["sex"]],
                                   cf_y=0.05, rho=0.5).result
    assert [b["benchmark"] for b in data["benchmarks"]] == ["smokeintensity + smokeyrs", "sex"]
    assert data["rv"] == direct.rv and data["simulated"] is False
    assert data["summary"][1]["estimate"] == direct.bounds[0]


def test_command_text_and_png(tmp_path, capsys):
    png = tmp_path / "contour.png"
    assert main(["dml-sensitivity", str(THEW), "--world", "self-selection only",
                 "--benchmark", "age", "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIMULATED data: ") and "| RV (bound reaches 0) |" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--cf-y", "1.5"], "`cf_y` must be in [0, 1); got 1.5."),
    (["--rho", "-2"], "`rho` must be in [-1, 1]; got -2.0."),
    (["--benchmark", "height"], "`benchmarks` must name covariates of the model"),
    (["--png", "out.pdf"], "`--png` must end in .png; got 'out.pdf'."),
    (["--world", "x"], "`world` applies only to simulated data"),
])
def test_command_errors(capsys, args, message):
    assert main(["dml-sensitivity", str(NHEFS), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
