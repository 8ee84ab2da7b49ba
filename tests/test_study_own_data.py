"""A user's own study end to end: `causal estimate`, `causal refute` and `causal report` on a
CSV and a Parquet file written by the test, and the same study built with
``Study.from_frame`` giving a byte-identical report.json.

Data (tests/_own_data.py): (a) a SIMULATED cohort with a known true effect (conditional OR of
``recovered`` exactly 2; mean difference of ``score`` exactly 1.5), one draw with a fixed seed,
so each assertion on it is deterministic; (b) Thornton (2008) from ``causaldata`` (real data
no bundled study uses), read with ``missing = "complete_case"``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from causal import Study, build_report, estimate_study, load_study, write_report
from causal.cli import main
from causal.errors import DataError
from tests._own_data import (
    TRUE_CONDITIONAL_OR,
    TRUE_MEAN_DIFFERENCE,
    write_simulated,
    write_thornton,
)

SIMULATED_STUDY = """
[study]
name = "own_cohort"
title = "A user's cohort (SIMULATED)"
treatment = "treated"
outcome = "{outcome}"

[data]
source = "{file}"
description = "SIMULATED cohort written by the test"
covariates = ["severity", "female", "region"]
categorical = ["region"]
outcome_kind = "{kind}"

[evalue]
rare_outcome = false
"""


def _study(folder: Path, file: str, outcome: str = "recovered", kind: str = "binary") -> Path:
    path = folder / "study.toml"
    path.write_text(SIMULATED_STUDY.format(file=file, outcome=outcome, kind=kind),
                    encoding="utf-8")
    return path


def _cli(capsys, *args):
    status = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(("fmt", "outcome", "kind"), [("csv", "recovered", "binary"),
                                                     ("parquet", "score", "continuous")])
def test_estimate_refute_report_on_a_user_file(tmp_path, capsys, fmt, outcome, kind):
    data = write_simulated(tmp_path, fmt, n=800)
    study = _study(tmp_path, data.name, outcome, kind)
    status, out, err = _cli(capsys, "estimate", study, "--json")
    assert status == 0, err
    rows = json.loads(out)["estimates"]
    if kind == "binary":
        model = next(r for r in rows if r["method"] == "outcome regression")
        truth = TRUE_CONDITIONAL_OR  # the simulated world's conditional OR (derived)
    else:
        model = next(r for r in rows if r["method"] == "AIPW")
        truth = TRUE_MEAN_DIFFERENCE
    assert model["ci_lower"] <= truth <= model["ci_upper"]  # one seeded draw
    status, out, err = _cli(capsys, "refute", study, "--simulations", 20)
    assert status == 0, err
    assert f"data from {data.name}, n = 800" in out
    status, out, err = _cli(capsys, "report", study, "--out", tmp_path / "report")
    assert status == 0, err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    keys = [s["key"] for s in report["sections"]]
    assert {"verdict", "estimates", "refutations", "individual_sensitivity"} <= set(keys)
    assert report["reproducibility"]["data_source"] == data.name
    verdict = next(s for s in report["sections"] if s["key"] == "verdict")
    assert any("No published claim" in p for p in verdict["data"]["points"])


def test_from_frame_gives_a_byte_identical_report(tmp_path):
    data = write_simulated(tmp_path, "csv", n=600)
    from_file = load_study(_study(tmp_path, data.name))
    frame = pd.read_csv(data)
    before = frame.copy()
    in_python = Study.from_frame(
        frame, treatment="treated", outcome="recovered",
        covariates=["severity", "female", "region"], categorical=["region"],
        name="own_cohort", title="A user's cohort (SIMULATED)", measure="OR",
        source=data.name, description="SIMULATED cohort written by the test",
        rare_outcome=False)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not modified
    a = write_report(build_report(from_file), tmp_path / "a") / "report.json"
    b = write_report(build_report(in_python), tmp_path / "b") / "report.json"
    assert a.read_bytes() == b.read_bytes()


def test_thornton_complete_cases(tmp_path, capsys):
    """Thornton (2008): 'even the smallest incentive doubled that share' (of people learning
    their HIV result). The crude risk difference on the complete cases must equal the one
    counted directly with pandas on the same rows; the share more than doubles."""
    data = write_thornton(tmp_path, "parquet")
    study = tmp_path / "thornton.toml"
    study.write_text(
        '[study]\nname = "thornton"\ntitle = "Thornton (2008)"\ntreatment = "any"\n'
        f'outcome = "got"\n[data]\nsource = "{data.name}"\n'
        'covariates = ["age", "distvct", "hiv2004"]\nmissing = "complete_case"\n'
        'outcome_kind = "binary"\n', encoding="utf-8")
    raw = pd.read_parquet(data)
    complete = raw.dropna(subset=["any", "got", "age", "distvct", "hiv2004"])
    risks = complete.groupby("any")["got"].mean()
    result = estimate_study(study)
    crude = next(e for e in result.estimates if e.method == "crude" and e.measure == "rd")
    assert crude.estimate == pytest.approx(risks[1] - risks[0], rel=1e-12)
    assert risks[1] / risks[0] > 2
    assert result.n == len(complete)
    assert sum(result.dropped.values()) == len(raw) - len(complete)
    assert set(result.dropped) <= {"treated", "control", "treatment missing"}
    status, out, _ = _cli(capsys, "estimate", study)
    assert status == 0 and "rows dropped for missing values (complete cases)" in out
    status, out, _ = _cli(capsys, "refute", study, "--simulations", 20)
    assert status == 0 and "rows dropped for missing values:" in out
    status, _, err = _cli(capsys, "report", study, "--out", tmp_path / "report")
    assert status == 0, err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    estimates = next(s for s in report["sections"] if s["key"] == "estimates")
    assert estimates["data"]["worlds"][0]["rows_dropped"] == result.dropped
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert "Rows with a missing value in a declared column were dropped" in markdown


def test_missing_values_are_refused_by_default(tmp_path, capsys):
    data = write_thornton(tmp_path, "csv")
    study = tmp_path / "thornton.toml"
    study.write_text(
        '[study]\nname = "thornton"\ntitle = "T"\ntreatment = "any"\noutcome = "got"\n'
        f'[data]\nsource = "{data.name}"\ncovariates = ["age"]\n', encoding="utf-8")
    with pytest.raises(DataError):
        estimate_study(study)
    status, out, err = _cli(capsys, "estimate", study)
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_missing_file_is_one_sentence(tmp_path, capsys):
    study = _study(tmp_path, "nowhere.csv")
    status, _, err = _cli(capsys, "estimate", study)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "nowhere.csv" in err


def test_a_claim_with_individual_data_is_compared(tmp_path):
    """With both a published claim and data, the report shows the claim and the data's own
    estimates side by side (claim, audit and E-value of the claim; estimates on the data)."""
    data = write_simulated(tmp_path, "csv", n=600)
    text = _study(tmp_path, data.name).read_text() + (
        '\n[[claim.estimates]]\nlabel = "their adjusted OR"\nmeasure = "OR"\nestimate = 2.1\n'
        'ci = [1.5, 2.9]\nadjustment = "adjusted"\nodds_ratio_kind = "conditional"\n')
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    report = build_report(load_study(path))
    sections = {s.key: s for s in report.sections}
    assert {"claim", "evalue", "estimates", "verdict"} <= set(sections)
    model = next(r for r in sections["estimates"].data["worlds"][0]["estimates"]
                 if r["method"] == "outcome regression")
    compared = [p for p in sections["verdict"].data["points"]
                if p.startswith("The same kind of estimate")]
    assert compared == [
        f"The same kind of estimate on the study's own data: outcome regression, conditional OR "
        f"{model['estimate']:.2f} (95% CI {model['ci_lower']:.2f}–{model['ci_upper']:.2f}); "
        f"the two intervals overlap ([estimates](#estimates))."]
    evalue = sections["evalue"].data
    assert evalue["evalue_point"] == pytest.approx(
        math.sqrt(2.1) + math.sqrt(math.sqrt(2.1) * (math.sqrt(2.1) - 1)), rel=1e-9)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"covariates": "severity"}, "StudySpecError",
     r"field `data\.covariates` must be a list of column names \(a TOML list such as "
     r"\['severity'\], not a string\)"),
    ({"covariates": ["nope"]}, "DataError", r"no column 'nope' \(a covariate\)"),
    ({"covariates": ["severity"], "measure": "XX"}, "ParameterError",
     r"`measure` must be one of 'OR', 'RR', 'RD', 'MD'; got 'XX'"),
    ({"covariates": ["severity"], "graph": 5}, "StudySpecError",
     r"`graph` must be a path to a graph file or a CausalGraph; got int"),
    ({"covariates": ["severity"], "claim": 3}, "StudySpecError",
     r"`claim` must be a PublishedClaim or a sequence of them; got int"),
    ({"covariates": ["severity"], "missing": "drop"}, "StudySpecError",
     r"field `data\.missing` must be one of 'refuse', 'complete_case'"),
])
def test_from_frame_bad_input(kwargs, error, match):
    import causal.errors

    frame = pd.DataFrame({"treated": [0, 1, 0, 1], "recovered": [0, 1, 1, 1],
                          "severity": [0.1, 0.2, 0.3, 0.4]})
    with pytest.raises(getattr(causal.errors, error), match=match):
        Study.from_frame(frame, treatment="treated", outcome="recovered", **kwargs)


def test_from_frame_with_a_graph_and_a_claim(tmp_path):
    from causal.claims import GroupCounts, PublishedClaim
    from causal.graph.dag import CausalGraph

    frame = pd.read_csv(write_simulated(tmp_path, "csv", n=300))
    graph = CausalGraph(("treated", "recovered", "severity", "female", "region"),
                        (("severity", "treated"), ("severity", "recovered"),
                         ("treated", "recovered"), ("female", "recovered"),
                         ("region", "treated")), name="own")
    claim = PublishedClaim(treated=GroupCounts("t", percent=40), control=GroupCounts(
        "c", percent=30))
    study = Study.from_frame(frame, treatment="treated", outcome="recovered",
                             covariates=["severity", "female", "region"],
                             categorical=["region"], graph=graph, claim=claim)
    assert study.graph.graph.exposure == "treated" and study.claim.headline.value == pytest.approx(0.4 / 0.3, rel=1e-12)
    with pytest.raises(Exception, match=r"field `data\.covariates` must be nodes of the graph"):
        Study.from_frame(frame, treatment="treated", outcome="recovered",
                         covariates=["severity", "score"], graph=graph)


def test_sensitivity_runner_takes_a_study_from_a_file_or_a_frame(tmp_path):
    """causal.sensitivity_study gives the same E-value, robustness value and Gamma* for the
    study read from a CSV file and built with from_frame (the same data, the same model)."""
    from causal import sensitivity_study

    data = write_simulated(tmp_path, "csv", n=400)
    from_file = sensitivity_study(load_study(_study(tmp_path, data.name)))
    in_python = sensitivity_study(Study.from_frame(
        pd.read_csv(data), treatment="treated", outcome="recovered",
        covariates=["severity", "female", "region"], categorical=["region"],
        rare_outcome=False))
    assert from_file.evalue.point == in_python.evalue.point
    assert from_file.ovb.rv_q == in_python.ovb.rv_q
    assert from_file.rosenbaum.gamma_star == in_python.rosenbaum.gamma_star
    assert from_file.measure.short_name == "OR" and not from_file.measure.rare_outcome


def test_from_frame_options_are_checked_against_the_covariates():
    from causal.errors import StudySpecError
    from causal.study.tables.individual_sensitivity import IndividualSensitivitySpec

    frame = pd.DataFrame({"treated": [0, 1, 0, 1], "recovered": [0, 1, 1, 1],
                          "severity": [0.1, 0.2, 0.3, 0.4]})
    with pytest.raises(StudySpecError, match=r"field `individual_sensitivity\.benchmarks` must "
                                             r"be among the study's covariates \(severity\); "
                                             r"got \['age'\]"):
        Study.from_frame(frame, treatment="treated", outcome="recovered",
                         covariates=["severity"],
                         individual_sensitivity=IndividualSensitivitySpec(("age",)))
