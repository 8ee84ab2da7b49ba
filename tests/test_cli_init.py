"""`causal init`: a study file and a graph drafted from a data file, or a claim-only template.

Data are written into tmp_path by tests/_own_data.py (a SIMULATED cohort, and Thornton 2008
from causaldata). The expected covariates, categories and missing-row counts follow from
those files (see that module); the template's numbers are Thew et al. (2024) as in FACTS
(OR 2.54, 95% CI 1.32-4.89; E-value 2.57 with RR ~ sqrt(OR)).
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from causal.cli import main
from causal.graph.dag import read_graph
from tests import _own_data as own


@pytest.fixture
def cohort(tmp_path, monkeypatch) -> Path:
    """simulated_cohort.csv with a person_id column in front, in the working folder."""
    monkeypatch.chdir(tmp_path)
    frame = own.simulate_cohort(300)
    frame.insert(0, "person_id", range(1000, 1300))
    frame.to_csv(tmp_path / "simulated_cohort.csv", index=False)
    return tmp_path / "simulated_cohort.csv"


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    return err[0]


def test_init_from_a_csv_writes_study_and_graph(cohort, capsys):
    assert main(["init", "simulated_cohort.csv", "--treatment", "treated", "--outcome",
                 "recovered", "--covariates", "severity,female,region"]) == 0
    out = capsys.readouterr().out
    assert "wrote simulated_cohort.toml and simulated_cohort.dot: 3 covariate(s), 1 of them " \
           "categorical" in out
    assert out.rstrip().endswith("run: causal report simulated_cohort.toml")
    study = tomllib.loads(Path("simulated_cohort.toml").read_text())
    assert study["study"]["name"] == "simulated_cohort"
    assert (study["study"]["treatment"], study["study"]["outcome"]) == ("treated", "recovered")
    assert study["data"] == {"source": "simulated_cohort.csv",
                             "covariates": ["severity", "female", "region"],
                             "categorical": ["region"]}
    assert study["graph"] == {"file": "simulated_cohort.dot"}
    assert "claim" not in study
    # simulated recovery is common (about half), so the E-value must not treat it as rare
    assert study["evalue"] == {"rare_outcome": False}

    graph = read_graph("simulated_cohort.dot")
    assert (graph.exposure, graph.outcome) == ("treated", "recovered")
    assert set(graph.nodes) == {"treated", "recovered", "severity", "female", "region"}
    assert not graph.latent
    expected = {(c, r) for c in ("severity", "female", "region") for r in ("treated",
                                                                            "recovered")}
    assert set(graph.edges) == expected | {("treated", "recovered")}
    text = Path("simulated_cohort.dot").read_text()
    for placeholder in ("readiness", "engagement", "clinician_or_site", "health_trajectory"):
        assert f'  // {placeholder} [latent="true"' in text


def test_default_covariates_leave_out_identifiers(cohort, capsys):
    assert main(["init", "simulated_cohort.csv", "--treatment", "treated", "--outcome",
                 "score"]) == 0
    out = capsys.readouterr().out
    assert "note: left out person_id: every value distinct, so an identifier" in out
    study = tomllib.loads(Path("simulated_cohort.toml").read_text())
    assert study["data"]["covariates"] == ["recovered", "severity", "female", "region"]
    assert "evalue" not in study          # a continuous outcome has no rare/common question


def test_out_folder_and_relative_source(cohort, capsys):
    assert main(["init", "simulated_cohort.csv", "--treatment", "treated", "--outcome",
                 "recovered", "--covariates", "severity", "--out", "studies/mine"]) == 0
    study_path = Path("studies/mine/simulated_cohort.toml")
    study = tomllib.loads(study_path.read_text())
    assert study["data"]["source"] == "../../simulated_cohort.csv"
    assert (study_path.parent / study["data"]["source"]).resolve() == cohort.resolve()
    assert "run: causal report studies/mine/simulated_cohort.toml" in capsys.readouterr().out


def test_refuses_to_overwrite(cohort, capsys):
    Path("simulated_cohort.dot").write_text("mine")
    args = ["init", "simulated_cohort.csv", "--treatment", "treated", "--outcome", "recovered"]
    assert main(args) == 2
    assert _one_error_line(capsys) == (
        "error: simulated_cohort.dot already exists; `causal init` does not overwrite files, "
        "so remove it or choose another --out folder.")
    assert Path("simulated_cohort.dot").read_text() == "mine"
    assert not Path("simulated_cohort.toml").exists()


def test_missing_values_are_noted_not_chosen(tmp_path, monkeypatch, capsys):
    """Thornton: 1,995 of 4,820 rows lack a declared value (18 treated, 58 control, 1,919
    without the treatment; counted in tests/test_own_data.py)."""
    monkeypatch.chdir(tmp_path)
    own.write_thornton(tmp_path, "parquet")
    assert main(["init", "thornton_hiv.parquet", "--treatment", "any", "--outcome", "got",
                 "--covariates", "age,distvct,hiv2004,villnum"]) == 0
    assert "note: 1,995 of 4,820 rows have missing values" in capsys.readouterr().out
    text = Path("thornton_hiv.toml").read_text()
    assert "# (treated 18, control 58, treatment missing 1,919)" in text
    assert "missing" not in tomllib.loads(text)["data"]
    assert main(["init", "thornton_hiv.parquet", "--treatment", "any", "--outcome", "got",
                 "--covariates", "age,distvct,hiv2004", "--missing", "complete_case",
                 "--out", "cc"]) == 0
    assert "rows have missing values and are dropped" in capsys.readouterr().out
    assert tomllib.loads(Path("cc/thornton_hiv.toml").read_text())["data"]["missing"] == \
        "complete_case"


@pytest.mark.parametrize("args, message", [
    (["nope.csv", "--treatment", "a", "--outcome", "b"], r"data file 'nope\.csv' not found"),
    (["simulated_cohort.csv", "--treatment", "region", "--outcome", "recovered"],
     r"the treatment 'region' in simulated_cohort\.csv must be numeric 0/1"),
    (["simulated_cohort.csv", "--treatment", "treatd", "--outcome", "recovered"],
     r"has no column 'treatd' \(the treatment, did you mean 'treated'\)"),
    (["simulated_cohort.csv", "--treatment", "treated"], r"`--outcome` must name a column"),
    ([], r"`causal init` needs a data file"),
    (["--from-paper", "a b"], r"`--from-paper` must be a study name"),
    (["simulated_cohort.csv", "--from-paper", "x"], r"`--from-paper` drafts a claim-only"),
    (["simulated_cohort.csv", "--treatment", "treated", "--outcome", "recovered", "--missing",
      "drop"], r"`missing` must be one of 'refuse', 'complete_case', 'multiple_imputation'; got 'drop'\."),
])
def test_bad_input_is_one_sentence(cohort, capsys, args, message):
    import re

    assert main(["init", *args]) == 2
    assert re.search(message, _one_error_line(capsys))


def test_from_paper_template_loads_and_reports(tmp_path, monkeypatch, capsys):
    from causal.study import load_study

    monkeypatch.chdir(tmp_path)
    assert main(["init", "--from-paper", "smith2020"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "next: causal report smith2020.toml"
    study = load_study("smith2020.toml")
    assert study.name == "smith2020"
    headline = study.claim.headline
    assert (headline.measure, headline.estimate, headline.ci) == ("OR", 2.54, (1.32, 4.89))
    assert "EXAMPLE" in Path("smith2020.toml").read_text()
    assert main(["init", "--from-paper", "smith2020"]) == 2
    capsys.readouterr()
    assert main(["report", "smith2020.toml", "--quiet", "--out", "rep"]) == 0
    assert "E-value 2.57 for the estimate and 1.56 for its confidence limit" in \
        capsys.readouterr().out


@pytest.mark.skipif(importlib.util.find_spec("causal.study") is None,
                    reason="reading a study's own data file arrives with the causal.study package")
def test_init_output_runs_the_report(cohort, capsys):
    assert main(["init", "simulated_cohort.csv", "--treatment", "treated", "--outcome",
                 "recovered", "--covariates", "severity,female,region"]) == 0
    assert main(["report", "simulated_cohort.toml", "--quiet", "--out", "rep"]) == 0
    report = json.loads(Path("rep/report.json").read_text())
    assert isinstance(report, dict) and report
    assert "simulated_cohort" in Path("rep/report.md").read_text()


def test_column_names_that_need_quoting(tmp_path):
    """A column named with a space becomes a quoted DOT node that the graph reader accepts."""
    from causal.study.scaffold import scaffold_from_data

    frame = own.simulate_cohort(100).rename(columns={"severity": "baseline severity"})
    frame.to_parquet(tmp_path / "my cohort.parquet")
    drafted = scaffold_from_data(tmp_path / "my cohort.parquet", treatment="treated",
                                 outcome="recovered", covariates=["baseline severity"],
                                 out=tmp_path)
    assert drafted.study_path == tmp_path / "my_cohort.toml"
    (tmp_path / "g.dot").write_text(drafted.graph_text)
    graph = read_graph(tmp_path / "g.dot")
    assert ("baseline severity", "treated") in graph.edges
    assert tomllib.loads(drafted.study_text)["data"]["source"] == "my cohort.parquet"
