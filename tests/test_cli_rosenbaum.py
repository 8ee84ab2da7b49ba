"""`causal rosenbaum`: bounds from a CSV of matched pairs, JSON output and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.cli import main
from causal.sensitivity import hodges_lehmann_bounds
from tests.conftest import reference_case


@pytest.fixture
def lead_csv(tmp_path) -> tuple[Path, dict]:
    case = reference_case("rosenbaum_wilcoxon_lead_dos2")
    treated = np.array(case["inputs"]["treated"], float)
    control = np.array(case["inputs"]["control"], float)
    path = tmp_path / "lead.csv"
    pd.DataFrame({"treated": treated, "control": control, "difference": treated - control,
                  "label": ["x"] * treated.size}).to_csv(path, index=False)
    return path, case


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_reproduces_reference_values(capsys, lead_csv):
    """reference_values.json rosenbaum_wilcoxon_lead_dos2 (Rosenbaum 2002 Table 4.3, DOS2)."""
    path, case = lead_csv
    gammas = case["inputs"]["gammas"]
    args = ["rosenbaum", path, "--column", "difference", "--json"]
    for g in gammas:
        args += ["--gamma", g]
    status, out, _ = run(capsys, *args)
    assert status == 0
    data = json.loads(out)
    assert data["statistic"] == case["expected"]["T"]
    np.testing.assert_allclose([row["p_upper"] for row in data["bounds"]],
                               case["expected"]["p_upper"], rtol=0, atol=case["tolerance"])
    assert data["gamma_star"] == pytest.approx(case["expected"]["gamma_star_at_0.05"], abs=1e-6)
    library = hodges_lehmann_bounds((case["inputs"]["treated"], case["inputs"]["control"]),
                                    gammas)
    np.testing.assert_array_equal([row["hl_ci_lower"] for row in data["bounds"]],
                                  library.ci_lower)


def test_text_output_with_treated_and_control_columns(capsys, lead_csv):
    path, case = lead_csv
    status, out, _ = run(capsys, "rosenbaum", path, "--treated", "treated", "--control",
                         "control", "--gamma", "1", "--gamma", "2")
    assert status == 0
    assert "T = 527, 33 pairs" in out
    assert ("| gamma | p_lower | p_upper | estimate_lower | estimate_upper | ci_lower | "
            "ci_upper |") in out
    assert "lost at Gamma = 4.3442" in out


def test_not_significant_reports_why(capsys, tmp_path):
    path = tmp_path / "null.csv"
    pd.DataFrame({"d": [1.0, -1.0, 2.0, -2.0, 0.5]}).to_csv(path, index=False)
    status, out, _ = run(capsys, "rosenbaum", path, "--column", "d", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["gamma_star"] is None and "not significant" in data["gamma_star_note"]


@pytest.mark.parametrize(("args", "message"), [
    (["--column", "nope"], "column 'nope' is not in"),
    (["--column", "label"], "column 'label' in .* must be numeric"),
    ([], "give either --column"),
    (["--column", "difference", "--treated", "treated"], "give either --column"),
    (["--treated", "treated"], "must be given together"),
    (["--column", "difference", "--gamma", "0.5"], "`gamma` must be finite and >= 1"),
    (["--column", "difference", "--alpha", "2"], "`alpha` must be in \\(0, 1\\)"),
])
def test_bad_input_is_one_line_on_stderr(capsys, lead_csv, args, message):
    path, _ = lead_csv
    status, out, err = run(capsys, "rosenbaum", path, *args)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert re.search(message, err)


def test_missing_file_and_missing_values(capsys, tmp_path):
    status, _, err = run(capsys, "rosenbaum", tmp_path / "none.csv", "--column", "d")
    assert status == 2 and "CSV file not found" in err
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"d": [1.0, None, 2.0]}).to_csv(path, index=False)
    status, _, err = run(capsys, "rosenbaum", path, "--column", "d")
    assert status == 2 and "1 missing or infinite values" in err
