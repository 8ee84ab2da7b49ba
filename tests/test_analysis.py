"""The run layer (causal.analysis): one analysis, rendered.

* each user file is read once per report (the reads are counted);
* a report built from a notebook's own AIPW estimate, its refutation and its DML bounds shows
  exactly those objects' numbers (``Analysis.from_results``);
* a data set on which some estimators are not estimable: the report is written, each such row
  says why, the analyses that needed them say they were skipped, the CLI exits 0 and lists
  them; ``--strict`` exits 2.

The not-estimable data set: a binary covariate ``z`` with ``y = 1`` whenever ``z = 1``
(quasi-complete separation of the outcome), so every logistic outcome model has no MLE
(outcome regression, g-computation, AIPW), while the crude contrast, IPW (whose propensity
model does not involve ``y``) and matching are estimable.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from causal import Study, build_report
from causal.analysis import Analysis, analyse
from causal.cli import main


def _separated(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = (rng.random(n) < 0.2).astype(int)
    t = (rng.random(n) < 1 / (1 + np.exp(-0.5 * x))).astype(int)
    y = np.where(z == 1, 1, rng.random(n) < 0.3 + 0.1 * t).astype(int)
    return pd.DataFrame({"t": t, "y": y, "z": z, "x": x})


STUDY = """
[study]
name = "separated"
title = "A data set on which the outcome models are not estimable (SIMULATED by the test)"
treatment = "t"
outcome = "y"

[data]
source = "{file}"
description = "SIMULATED by the test: z = 1 implies y = 1"
covariates = ["z", "x"]

[evalue]
rare_outcome = false
"""


@pytest.fixture(scope="module")
def separated_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("separated")
    _separated().to_csv(folder / "data.csv", index=False)
    path = folder / "study.toml"
    path.write_text(STUDY.format(file="data.csv"), encoding="utf-8")
    return path


def test_each_user_file_is_read_once_per_report(separated_file, monkeypatch):
    import causal.data.files as files
    from causal.study import load_study

    reads = []
    original = files.read_table

    def counted(*args, **kwargs):
        reads.append(args[0] if args else kwargs.get("path"))
        return original(*args, **kwargs)

    monkeypatch.setattr(files, "read_table", counted)
    study = load_study(separated_file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(analyse(study))
    assert len(reads) == 1
    assert {s.key for s in report.sections} >= {"estimates", "refutations",
                                                 "individual_sensitivity", "dml_sensitivity"}


def test_a_non_estimable_estimator_is_a_row_and_its_dependents_are_skipped(separated_file):
    from causal.study import load_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = analyse(load_study(separated_file))
        report = build_report(analysis)
    sections = {s.key: s for s in report.sections}
    rows = pd.DataFrame(sections["estimates"].data["worlds"][0]["estimates"])
    status = dict(zip(rows.method + " " + rows.measure, rows.status, strict=True))
    assert status["IPW RD"] == "estimated" and status["crude RD"] == "estimated"
    assert status["outcome regression conditional OR"].startswith("not estimable: ")
    assert "separates" in status["outcome regression conditional OR"]
    assert status["AIPW RD"].startswith("not estimable: ")
    # the not-estimable rows carry no number
    failed = rows[rows.status != "estimated"]
    assert failed.estimate.isna().all()
    # IPW is refuted; the outcome regression and AIPW refutations say they were skipped
    refuted = sections["refutations"].data["worlds"][0]
    assert refuted["estimators"] == ["ipw"]
    assert any("refutations of AIPW: skipped: AIPW was not estimable" in s
               for s in refuted["skipped"])
    assert sections["dml_sensitivity"].data["skipped"][0].startswith(
        "DML sensitivity (separated (data from")
    assert "skipped: AIPW was not estimable" in sections["dml_sensitivity"].data["skipped"][0]
    assert "skipped: outcome regression was not estimable" in \
        sections["individual_sensitivity"].data["skipped"][0]
    # the verdict says what could not be computed
    verdict = sections["verdict"].data["plain"]
    assert "Could not be computed:" in verdict and "AIPW RD (ATE)" in verdict
    assert report.reproducibility["not_computed"] == [f.sentence() for f in analysis.failures]


def test_cli_writes_the_report_exits_0_and_lists_the_skipped(separated_file, tmp_path,
                                                                capsys):
    out = tmp_path / "report"
    status = main(["report", str(separated_file), "--out", str(out), "--quiet"])
    _, err = capsys.readouterr()
    assert status == 0
    assert (out / "report.json").exists() and (out / "report.html").exists()
    assert "could not be computed (shown in the report)" in err
    assert "refutations of AIPW: skipped: AIPW was not estimable" in err
    strict = tmp_path / "strict"
    status = main(["report", str(separated_file), "--out", str(strict), "--quiet",
                   "--strict"])
    capsys.readouterr()
    assert status == 2
    assert (strict / "report.json").exists()  # written before the strict exit
    data = json.loads((strict / "report.json").read_text())
    assert data["reproducibility"]["not_computed"]


def _notebook_frame(n: int = 600, seed: int = 11) -> pd.DataFrame:
    """SIMULATED by the test: a continuous outcome, true effect 1.5, two confounders."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(0.4 * x1 - 0.3 * x2)))).astype(int)
    y = 1.5 * t + x1 + 0.5 * x2 + rng.normal(size=n)
    return pd.DataFrame({"t": t, "y": y, "x1": x1, "x2": x2})


def test_a_report_of_a_notebooks_own_results_shows_their_numbers():
    from causal.data import data_hash
    from causal.estimate import AIPW
    from causal.refute import refute
    from causal.sensitivity import aipw_bounds

    df = _notebook_frame()
    study = Study.from_frame(df, treatment="t", outcome="y", covariates=["x1", "x2"])
    estimate = AIPW(random_state=3).estimate(df, treatment="t", outcome="y",
                                             covariates=["x1", "x2"])
    suite = refute(estimate, df, n_simulations=30, random_state=5)
    bounds = aipw_bounds(estimate)
    analysis = Analysis.from_results(study, data=df, estimates=[estimate],
                                     refutations=[suite], sensitivity=[bounds])
    report = build_report(analysis)
    sections = {s.key: s for s in report.sections}
    (row,) = sections["estimates"].data["worlds"][0]["estimates"]
    assert (row["method"], row["estimate"], row["ci_lower"], row["ci_upper"]) == (
        "AIPW", estimate.estimate, estimate.ci[0], estimate.ci[1])
    tests = sections["refutations"].data["worlds"][0]["tests"]
    assert [t["p_value"] for t in tests] == [r.p_value for r in suite.results]
    assert [t["refuted_mean"] for t in tests] == [r.refuted_mean for r in suite.results]
    (case,) = sections["dml_sensitivity"].data["cases"]
    assert (case["rv"], case["rva"]) == (bounds.rv, bounds.rva)
    pd.testing.assert_frame_equal(case["summary"], bounds.summary())
    # nothing was refitted: the sections that need other fits are absent
    assert "individual_sensitivity" not in sections
    # the same reproducibility record: the study's fingerprint and the data's hash
    assert report.reproducibility["data_sha256"] == data_hash(df)
    assert report.reproducibility["results"].startswith("the user's own results")
    assert "study_sha256" in report.reproducibility
    # the caller's objects and frame are untouched
    assert list(df.columns) == ["t", "y", "x1", "x2"]


def test_from_results_refuses_what_is_not_a_result():
    df = _notebook_frame(n=100)
    study = Study.from_frame(df, treatment="t", outcome="y", covariates=["x1", "x2"])
    from causal.errors import ParameterError

    with pytest.raises(ParameterError, match=r"`estimates\[0\]` must be an EffectEstimate; "
                                             r"got float"):
        Analysis.from_results(study, data=df, estimates=[1.5])
    with pytest.raises(ParameterError, match=r"`refutations\[0\]` must be a RefutationSuite"):
        Analysis.from_results(study, data=df, refutations=["placebo"])


def test_analyse_is_the_report_of_build_report_study():
    """``build_report(study)`` is ``build_report(analyse(study))``: the same JSON."""
    from causal.report.render import to_json

    df = _notebook_frame(n=300)
    study = Study.from_frame(df, treatment="t", outcome="y", covariates=["x1", "x2"])
    sections = ["estimates", "refutations"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = build_report(study, sections=sections)
        two = build_report(analyse(study, sections=sections))
    assert to_json(one) == to_json(two)
