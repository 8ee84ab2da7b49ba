"""Small command-line fixes: ``evalue rd`` prints the risk difference, a yes/no column gets a
recode hint, a data file given to a study command points to ``causal init``, and ``causal
init`` drafts the [estimate] and [design] keys commented."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from causal.cli import main


def test_evalue_rd_prints_the_risk_difference(capsys):
    # 31/66 - 64/236 = 0.469697 - 0.271186 = 0.198511 (the counts)
    assert main(["evalue", "rd", "31", "66", "64", "236"]) in (0, None)
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Risk difference 31/66 - 64/236 = 0.1985 (95% CI ")


@pytest.mark.parametrize("command", ["report", "estimate", "refute"])
def test_a_data_file_given_to_a_study_command_says_run_init(tmp_path, capsys, command):
    data = tmp_path / "cohort.csv"
    data.write_text("a,y\n1,0\n0,1\n", encoding="utf-8")
    assert main([command, str(data)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "this is a data file, not a study file; run `causal init" in err


def test_yes_no_outcome_suggests_the_recode(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"a": [1, 0, 1, 0, 1, 0], "y": ["yes", "no", "no", "yes", "yes", "no"],
                  "x": [1.0, 2, 3, 4, 5, 6]}).to_csv("d.csv", index=False)
    (tmp_path / "d.toml").write_text(
        '[study]\nname = "d"\ntitle = "d"\ntreatment = "a"\noutcome = "y"\n'
        '[data]\nsource = "d.csv"\ncovariates = ["x"]\n', encoding="utf-8")
    assert main(["estimate", "d.toml"]) == 2
    err = capsys.readouterr().err
    assert "Recode it to 0/1 first, for example 'yes' = 1 and 'no' = 0" in err


def test_init_drafts_estimate_and_design_keys_commented(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"a": [1, 0, 1, 0, 1, 0], "y": [1, 0, 0, 1, 1, 0],
                  "g": list("uvuvvu")}).to_csv("d.csv", index=False)
    assert main(["init", "d.csv", "--treatment", "a", "--outcome", "y"]) in (0, None)
    text = (tmp_path / "d.toml").read_text(encoding="utf-8")
    assert "# saturated = true   # every covariate is categorical" in text
    assert "# [design]\n# randomised = true" in text
    uncommented = text.replace("# [estimate]", "[estimate]").replace(
        "# saturated = true", "saturated = true")
    raw = tomllib.loads(uncommented)
    assert raw["estimate"] == {"saturated": True}


def test_init_offers_zero_one_columns_as_categories(tmp_path, monkeypatch, capsys):
    """0/1 covariates are drafted as numbers (the same models either way) with a commented
    line listing them as categories too, which saturated models and exact matching need."""
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"a": [1, 0, 1, 0, 1, 0], "y": [1, 0, 0, 1, 1, 0],
                  "child": [0, 1, 0, 0, 1, 1], "g": list("uvuvvu"),
                  "age": [3.0, 5, 7, 2, 9, 4]}).to_csv("d.csv", index=False)
    assert main(["init", "d.csv", "--treatment", "a", "--outcome", "y"]) in (0, None)
    text = (tmp_path / "d.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert raw["data"]["categorical"] == ["g"]
    assert '# categorical = ["g", "child"]   # child: 0/1, drafted as numbers' in text
    assert '# estimand = "ate"   # or "att" (the effect on the treated) or "atc"' in text
