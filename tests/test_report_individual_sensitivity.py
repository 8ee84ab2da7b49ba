"""The report section on individual-data sensitivity (E-value, OVB, Rosenbaum Γ*)."""

from __future__ import annotations

import pytest

from causal.analysis import analyse
from causal.report.model import Figure, Table
from causal.study import load_study
from tests.conftest import ROOT, THEW


@pytest.fixture(scope="module")
def thew_section():
    from causal.report.sections import individual_sensitivity

    ctx = analyse(load_study(THEW), random_state=7, sections=["individual_sensitivity"])
    return ctx, individual_sensitivity.build(ctx)


def test_section_is_registered_after_sensitivity():
    from causal.report.sections import SECTION_MODULES

    assert SECTION_MODULES.index("individual_sensitivity") > SECTION_MODULES.index("sensitivity")


def test_thew_section_labels_every_caption_and_table_simulated(thew_section):
    _, section = thew_section
    assert section.key == "individual_sensitivity" and "SIMULATED" in section.title
    tables = [b for b in section.blocks if isinstance(b, Table)]
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert tables and len(figures) == 2  # one contour plot per declared world
    for block in tables + figures:
        assert "SIMULATED" in block.caption
    for table in tables:
        assert table.frame["data"].str.startswith("SIMULATED").all()
    assert "SIMULATED" in section.verdict and "\n" not in section.verdict
    worlds = [case["world"] for case in section.data["cases"]]
    assert worlds == ["no hidden confounding", "self-selection only"]
    assert section.data["benchmarks"] == "phq9_baseline" and section.data["kd"] == [1, 2, 3]


def test_thew_section_is_reproducible_from_the_recorded_seeds(thew_section):
    """Each world's cohort is regenerated from its recorded seed and hashes the same; the
    analysis numbers are those of the library functions on that cohort."""
    from causal.data import data_hash, load_study_data
    from causal.sensitivity.individual import individual_sensitivity

    ctx, section = thew_section
    study = ctx.study
    hashes = ctx.hashes()
    for i, case in enumerate(section.data["cases"], start=1):
        data = load_study_data(study, case["world"], random_state=case["seed"])
        assert data.attrs["simulated"] is True
        assert hashes[f"individual_sensitivity_world{i}_sha256"] == data_hash(data)
        result = individual_sensitivity(
            data, treatment=study.treatment, outcome=study.outcome,
            covariates=list(study.covariates), categorical=["presenting_problem"],
            benchmarks=["phq9_baseline"], rare_outcome=False, latent="motivation")
        assert case["rv_q"] == result.ovb.rv_q
        assert case["evalue_point"] == result.evalue.point
        assert case["gamma_star"] == result.rosenbaum.gamma_star
        assert result.measure.kind == "conditional" and result.measure.rare_outcome is False
        assert result.rosenbaum.test == "mcnemar"
        assert result.latent is not None and result.latent[0] == "motivation"


def test_thew_seeds_follow_the_report_random_state(thew_section):
    from causal.analysis.run import _seeds
    from causal.report.sections import individual_sensitivity

    ctx, section = thew_section
    again = analyse(ctx.study, random_state=7, sections=["individual_sensitivity"])
    same = individual_sensitivity.build(again)
    assert [c["seed"] for c in same.data["cases"]] == [c["seed"] for c in section.data["cases"]]
    assert again.hashes() == ctx.hashes()
    assert _seeds(8, 2) != _seeds(7, 2)


def test_nhefs_section_uses_real_data_and_wilcoxon():
    from causal.data import data_hash, load_study_data
    from causal.report.sections import individual_sensitivity

    study = load_study(ROOT / "studies" / "nhefs.toml")
    ctx = analyse(study, sections=["individual_sensitivity"])
    section = individual_sensitivity.build(ctx)
    (case,) = section.data["cases"]
    assert case["seed"] is None and case["world"] is None and case["latent"] is None
    assert section.data["simulated"] is False and "SIMULATED" not in section.verdict
    summary = case["summary_rosenbaum"]
    assert summary["method"].str.contains("Wilcoxon").any()
    assert ctx.hashes()["individual_sensitivity_data_sha256"] == data_hash(
        load_study_data(study))


def test_individual_sensitivity_bad_input():
    import pandas as pd

    from causal.errors import ParameterError
    from causal.sensitivity.individual import individual_sensitivity

    frame = pd.DataFrame({"a": [0, 1] * 20, "y": [0, 0, 1, 1] * 10,
                          "x": [float(i % 7) for i in range(40)]})
    with pytest.raises(ParameterError, match="`rare_outcome` must be True or False"):
        individual_sensitivity(frame, treatment="a", outcome="y", covariates=["x"],
                               benchmarks=["x"])
    with pytest.raises(ParameterError, match="`latent`.*simulated data only"):
        individual_sensitivity(frame, treatment="a", outcome="y", covariates=["x"],
                               rare_outcome=False, latent="x")


def _thew_text() -> str:
    return THEW.read_text().replace('"../dags/', f'"{ROOT / "dags"}/')


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('benchmarks = ["phq9_baseline"]', 'benchmarks = ["motivation"]',
         r"field `individual_sensitivity.benchmarks` must be among the study's covariates"),
        ("kd = [1, 2, 3]", "kd = [0, 2]",
         r"field `individual_sensitivity.kd` must be a non-empty list of at most 100 positive multiples"),
        ("kd = [1, 2, 3]", "kd = [1]\nky = [2]",
         r"unknown field `individual_sensitivity.ky` \(did you mean 'kd'\?\)"),
    ],
)
def test_individual_sensitivity_table_is_validated(tmp_path, old, new, match):
    from causal.errors import StudySpecError

    text = _thew_text()
    start = text.index("[individual_sensitivity]")
    head, tail = text[:start], text[start:]
    path = tmp_path / "thew.toml"
    path.write_text(head + tail.replace(old, new, 1))
    with pytest.raises(StudySpecError, match=match):
        load_study(path)


def _tied_cohort():
    """SIMULATED: two 0/1 covariates, so only four distinct propensity scores and ties
    between equally close controls everywhere (as on the Titanic's class, age and sex)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(2)
    n = 800
    child, woman = rng.binomial(1, 0.1, n), rng.binomial(1, 0.3, n)
    a = rng.binomial(1, 0.1 + 0.2 * woman)
    y = rng.binomial(1, 0.2 + 0.4 * woman + 0.2 * child + 0.2 * a)
    return pd.DataFrame({"a": a, "y": y, "child": child, "woman": woman})


def test_gamma_star_is_reproducible_when_matches_are_tied():
    """The matching behind Γ* breaks ties at random: with a seed, the same pairs and the same
    Γ* every run (it used to draw fresh entropy, and the Titanic's Γ* moved from 2.11 to 2.90
    between runs of one report); different seeds may give different pairs."""
    from causal.sensitivity.individual import individual_sensitivity

    frame = _tied_cohort()
    spec = dict(treatment="a", outcome="y", covariates=["child", "woman"], rare_outcome=False)
    runs = [individual_sensitivity(frame, **spec, random_state=5).rosenbaum.gamma_star
            for _ in range(3)]
    assert runs[0] is not None and runs.count(runs[0]) == 3
    others = {individual_sensitivity(frame, **spec, random_state=s).rosenbaum.gamma_star
              for s in range(6)}
    assert len(others) > 1  # the seed matters here, so the test above could fail


def test_the_report_analysis_gives_one_gamma_star_for_one_seed():
    from causal.study import Study

    study = Study.from_frame(_tied_cohort(), treatment="a", outcome="y",
                             covariates=["child", "woman"], rare_outcome=False)
    first, second = (analyse(study, random_state=3, sections=["individual_sensitivity"])
                     for _ in range(2))
    gamma = [a.individual[0].individual.rosenbaum.gamma_star for a in (first, second)]
    assert gamma[0] is not None and gamma[0] == gamma[1]
