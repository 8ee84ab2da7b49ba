"""Command line: causal calibrate (published control estimates -> calibrated p and CI).

Reference numbers: EmpiricalCalibration 3.1.4 on its `sccs` and `southworthReplication`
example data (tests/data/empirical_calibration/, README there), at the package's likelihood
optimum (``null_refined``, ``ci_refined_tight``) to 1e-6.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.cli import main

DATA = Path(__file__).parent / "data" / "empirical_calibration"
R = json.loads((DATA / "results.json").read_text())
Z = 1.959963984540054


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["calibrate", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def sccs_controls(tmp_path: Path, *, as_ci: bool) -> tuple[Path, pd.Series]:
    d = pd.read_csv(DATA / "sccs.csv")
    neg = d[d["groundTruth"] == 0]
    if as_ci:
        table = pd.DataFrame({"label": neg["drugName"], "estimate": np.exp(neg["logRr"]),
                              "ci_lower": np.exp(neg["logRr"] - Z * neg["seLogRr"]),
                              "ci_upper": np.exp(neg["logRr"] + Z * neg["seLogRr"])})
    else:
        table = pd.DataFrame({"label": neg["drugName"], "log_estimate": neg["logRr"],
                              "std_error": neg["seLogRr"]})
    path = tmp_path / "controls.csv"
    table.to_csv(path, index=False)
    return path, d[d["groundTruth"] == 1].iloc[0]


@pytest.mark.parametrize("as_ci", [False, True])
def test_calibrate_sccs_matches_empirical_calibration(tmp_path, capsys, as_ci):
    path, main_row = sccs_controls(tmp_path, as_ci=as_ci)
    y, se = float(main_row["logRr"]), float(main_row["seLogRr"])
    status, out, _ = run(capsys, str(path), "--estimate", repr(math.exp(y)),
                         "--ci", repr(math.exp(y - Z * se)), repr(math.exp(y + Z * se)), "--json")
    assert status == 0
    data = json.loads(out)
    ref = R["sccs"]["null_refined"]
    assert data["null"]["mean"] == pytest.approx(ref["mean.mean"], abs=1e-6)
    assert data["null"]["sd"] == pytest.approx(ref["sd.sd"], abs=1e-6)
    calibrated = data["summary"][1]
    # negatives only: exp(y - mu -/+ z sqrt(sigma^2 + se^2)) with the package's optimum
    half = Z * math.sqrt(ref["sd.sd"] ** 2 + se ** 2)
    assert calibrated["ci_lower"] == pytest.approx(math.exp(y - ref["mean.mean"] - half), rel=1e-6)
    assert calibrated["ci_upper"] == pytest.approx(math.exp(y - ref["mean.mean"] + half), rel=1e-6)
    # row of Sertraline in calibrateP's output (R's fitNull null: its default optimiser, 1e-4)
    row = pd.read_csv(DATA / "sccs.csv").index.get_loc(main_row.name)
    assert calibrated["p_value"] == pytest.approx(R["sccs"]["calibrated_p_two_sided"][row],
                                                  abs=1e-3)


def test_calibrate_with_positive_controls(tmp_path, capsys):
    d = pd.read_csv(DATA / "southworthReplication.csv")
    c = d.dropna(subset=["trueLogRr"])
    path = tmp_path / "controls.csv"
    pd.DataFrame({"log_estimate": c["logRr"], "std_error": c["seLogRr"],
                  "true_effect": np.exp(c["trueLogRr"])}).to_csv(path, index=False)
    main_row = d[d["trueLogRr"].isna()].iloc[0]
    status, out, _ = run(capsys, str(path), "--estimate", repr(math.exp(main_row["logRr"])),
                         "--se", repr(float(main_row["seLogRr"])), "--json")
    assert status == 0
    data = json.loads(out)
    ref = pd.DataFrame(R["southworthReplication"]["ci_refined_tight"]).iloc[
        d.index.get_loc(main_row.name)]
    calibrated = data["summary"][1]
    assert math.log(calibrated["estimate"]) == pytest.approx(ref["logRr"], abs=1e-6)
    assert math.log(calibrated["ci_lower"]) == pytest.approx(ref["logLb95Rr"], abs=1e-6)
    assert math.log(calibrated["ci_upper"]) == pytest.approx(ref["logUb95Rr"], abs=1e-6)
    assert "49 negative and 123 positive controls" in data["model"]["source"]


def test_calibrate_text_output(tmp_path, capsys):
    path, _ = sccs_controls(tmp_path, as_ci=True)
    status, out, _ = run(capsys, str(path), "--estimate", "2.2", "--ci", "1.5", "3.2")
    assert status == 0
    assert "main estimate (calibrated ratio)" in out
    assert "Empirical null from 45 negative controls" in out


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, args, message", [
    ("estimate,ci_lower,ci_upper\n1.1,0.9,1.3\n0.9,0.7,1.2\n", ["--se", "0.1"],
     "needs at least 3 negative controls"),
    ("estimate,ci_lower,ci_upper\n1.1,0.9,1.3\n0.9,0.7,1.2\n1.0,1.2,1.2\n", ["--se", "0.1"],
     "`std_errors` must be finite and > 0; control 3"),
    ("estimate,ci_lower,ci_upper\n1.1,0.9,1.3\n0.9,0.7,1.2\n1.0,0,1.2\n", ["--se", "0.1"],
     "`ci_lower` must be a finite ratio > 0; control 3"),
    ("log_estimate,std_error\n0.1,0.1\n0.2,-0.1\n0.3,0.1\n", ["--se", "0.1"],
     "`std_errors` must be finite and > 0; control 2"),
    ("log_estimate,std_error\n0.1,0.1\n0.2,abc\n0.3,0.1\n", ["--se", "0.1"],
     "column `std_error` must hold a number in every row; row 2"),
    ("log_estimate,std_error\n0.1,0.1\ninf,0.1\n0.3,0.1\n", ["--se", "0.1"],
     "`log_estimates` must be finite; control 2"),
    ("rr,lo,hi\n1,1,1\n", ["--se", "0.1"], "expected columns `estimate`, `ci_lower`"),
    ("log_estimate,std_error\n0.1,0.1\n0.2,0.1\n0.3,0.1\n", [],
     "exactly one of --ci LOWER UPPER or --se"),
    ("log_estimate,std_error\n0.1,0.1\n0.2,0.1\n0.3,0.1\n", ["--se", "0"],
     "`std_errors` must be finite and > 0"),
    ("log_estimate,std_error\n0.1,0.1\n0.2,0.1\n0.3,0.1\n", ["--ci", "2", "1"],
     "`--ci` must be two ratios with 0 < LOWER < UPPER"),
])
def test_calibrate_bad_input_exits_2_with_one_sentence(tmp_path, capsys, text, args, message):
    path = write(tmp_path, text)
    status, out, err = run(capsys, str(path), "--estimate", "1.5", *args)
    assert status == 2
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_calibrate_bad_main_estimate_and_missing_file(tmp_path, capsys):
    path = write(tmp_path, "log_estimate,std_error\n0.1,0.1\n0.2,0.1\n0.3,0.1\n")
    status, _, err = run(capsys, str(path), "--estimate", "-1", "--se", "0.1")
    assert status == 2 and "`--estimate` must be a finite ratio > 0; got -1." in err
    status, _, err = run(capsys, str(tmp_path / "none.csv"), "--estimate", "1", "--se", "0.1")
    assert status == 2 and "control estimates CSV not found" in err


def test_calibrate_writes_a_funnel_plot(tmp_path, capsys):
    path, _ = sccs_controls(tmp_path, as_ci=True)
    png = tmp_path / "funnel.png"
    status, _, _ = run(capsys, str(path), "--estimate", "2.2", "--ci", "1.5", "3.2",
                       "--png", str(png))
    assert status == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, _, err = run(capsys, str(path), "--estimate", "2.2", "--ci", "1.5", "3.2",
                         "--png", str(tmp_path / "missing" / "f.png"))
    assert status == 2 and "create the folder first" in err
