"""[negative_controls] and [[negative_control_estimates]] in study files: parsing and refusals,
the graph check, the analysis (each control estimated by the study's own estimators, then
calibrated) and the report section.

The data here are SIMULATED (seeded): an unmeasured U drives treatment, outcome and four
negative-control outcomes, so the controls show U's bias. The numbers checked are identities
(the analysis's control estimates equal estimate_study on the same study with the control as
its outcome; its calibration equals calibrate() on those estimates), not simulated quantities.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.cli import main
from causal.errors import StudySpecError
from causal.study import load_study

CONTROLS = ("nc1", "nc2", "nc3", "nc4")


def write_data(folder: Path, n: int = 500, seed: int = 4) -> Path:
    rng = np.random.default_rng(seed)
    u = rng.standard_normal(n)
    x = rng.standard_normal(n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * u + 0.5 * x)))).astype(int)
    frame = pd.DataFrame({"t": t, "x": x, "y": 1.0 * t + u + x + rng.standard_normal(n)})
    for k, name in enumerate(CONTROLS):
        frame[name] = (0.6 + 0.2 * k) * u + 0.5 * x + rng.standard_normal(n)
    frame["z"] = u + rng.standard_normal(n)
    frame["zb"] = (u + rng.standard_normal(n) > 0).astype(int)  # a binary exposure proxy
    path = folder / "d.csv"
    frame.to_csv(path, index=False)
    return path


def study_text(controls: str = "", graph: str = "", extra: str = "") -> str:
    return ('[study]\nname = "nc"\ntitle = "t"\ntreatment = "t"\noutcome = "y"\n'
            '[data]\nsource = "d.csv"\ncovariates = ["x"]\n' + graph + controls + extra)


OUTCOMES = ("[negative_controls]\noutcomes = ["
            + ", ".join(f'{{ column = "{c}", why = "measured before treatment" }}'
                        for c in CONTROLS) + "]\n")


def write_study(folder: Path, text: str) -> Path:
    write_data(folder)
    path = folder / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("controls, match", [
    ('[negative_controls]\noutcome = []\n', r"unknown field `negative_controls.outcome` "
                                            r"\(did you mean 'outcomes'\?\)"),
    ('[negative_controls]\noutcomes = [{ column = "nc1", why = "w", note = "n" }]\n',
     r"unknown field `negative_controls.outcomes\[0\].note`"),
    ('[negative_controls]\noutcomes = [{ column = "t", why = "w" }]\n',
     r"field `negative_controls.outcomes` must be columns other than the study's treatment "
     r"\('t'\).*; got 't'"),
    ('[negative_controls]\noutcomes = [{ column = "y", why = "w" }]\n',
     r"field `negative_controls.outcomes` must be columns other than the study's outcome"),
    ('[negative_controls]\nexposures = [{ column = "x", why = "w" }]\n',
     r"`negative_controls.exposures` must be columns that are not among the study's "
     r"covariates"),
    ('[negative_controls]\noutcomes = [{ column = "nc1", why = "w" }, '
     '{ column = "nc1", why = "v" }]\n', r"must be columns declared once; got 'nc1'"),
    ('[negative_controls]\noutcomes = [{ column = "nc1" }]\n',
     r"field `negative_controls.outcomes\[0\].why` must be present"),
    ('[negative_controls]\noutcomes = "nc1"\n', r"must be a list of tables"),
    ('[[negative_control_estimates]]\nestimate = 1.1\nci_lower = 1.3\nci_upper = 1.2\n',
     r"`negative_control_estimates\[0\].ci_upper` must be greater than `ci_lower` \(1.3\)"),
    ('[[negative_control_estimates]]\nestimate = 1.1\nci_lower = 0\nci_upper = 1.2\n',
     r"`negative_control_estimates\[0\].ci_lower` must be a ratio > 0; got 0"),
    ('[[negative_control_estimates]]\nestimate = 1.1\nci_lower = 1\nci_upper = 1.2\nse = 1\n',
     r"unknown field `negative_control_estimates\[0\].se`"),
])
def test_refusals_name_the_field(tmp_path, controls, match):
    path = write_study(tmp_path, study_text(controls))
    with pytest.raises(StudySpecError, match=match):
        load_study(path)


def test_graph_descendant_of_treatment_is_refused_and_cli_exits_2(tmp_path, capsys):
    (tmp_path / "g.dot").write_text("digraph { t -> y; x -> t; x -> y; t -> nc1; }\n")
    path = write_study(tmp_path, study_text(OUTCOMES, graph='[graph]\nfile = "g.dot"\n'))
    with pytest.raises(StudySpecError, match=r"field `negative_controls.outcomes\[0\].column` "
                                             r"must be an outcome the treatment cannot affect, "
                                             r"but the study's graph has a directed path from "
                                             r"'t' to it; got 'nc1'"):
        load_study(path)
    status = main(["report", str(path), "--out", str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and "directed path from 't'" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # a failed run leaves no report


def test_graph_not_a_descendant_loads(tmp_path):
    (tmp_path / "g.dot").write_text("digraph { t -> y; x -> t; x -> y; nc1 -> t; }\n")
    study = load_study(write_study(tmp_path, study_text(OUTCOMES,
                                                        graph='[graph]\nfile = "g.dot"\n')))
    assert [c.column for c in study.negative_controls.outcomes] == list(CONTROLS)
    assert study.negative_controls.outcomes[0].why == "measured before treatment"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    from causal.analysis import analyse

    folder = tmp_path_factory.mktemp("nc")
    exposure = ('\nexposures = [{ column = "z", why = "a proxy of U that cannot affect y" }, '
                '{ column = "zb", why = "a 0/1 proxy of U" }]\n')
    path = write_study(folder, study_text(OUTCOMES.rstrip("\n") + exposure))
    study = load_study(path)
    return study, analyse(study, sections=["negative_controls"])


def test_each_control_is_estimated_like_the_main_effect(analysed):
    import dataclasses

    from causal.estimate.study import estimate_study

    study, analysis = analysed
    results = analysis.extras["negative_controls"]
    assert [c for c, _ in results.outcomes] == list(CONTROLS)
    variant = dataclasses.replace(study, info=dataclasses.replace(study.info, outcome="nc2"))
    direct = estimate_study(variant, random_state=analysis.random_state)
    ours = dict(results.outcomes)["nc2"]
    assert [e.estimate for e in ours.fitted] == [e.estimate for e in direct.fitted]
    assert [e.std_error for e in ours.fitted] == [e.std_error for e in direct.fitted]


def test_calibration_uses_the_same_estimator_controls(analysed):
    from causal.sensitivity.negative_controls.calibrated import calibrate

    _, analysis = analysed
    results = analysis.extras["negative_controls"]
    lead = next(c for c in results.calibrated if c.method == "outcome regression")
    assert [name for name, _ in lead.controls] == list(CONTROLS)
    expected = calibrate([e.estimate for _, e in lead.controls],
                         [e.std_error for _, e in lead.controls],
                         lead.main.estimate, lead.main.std_error)
    got = lead.calibration
    assert (got.null.mean, got.null.sd) == (expected.null.mean, expected.null.sd)
    assert got.calibrated == expected.calibrated
    # U biases every control upwards (its coefficient 0.6 to 1.2 times the treatment's
    # association with U): the fitted null's mean is clearly positive
    assert got.null.mean > 0.2


def test_proximal_row_and_section(analysed):
    from causal.estimate.proximal import ProximalEstimate
    from causal.report import build_report
    from causal.report.model import Figure, Table

    _, analysis = analysed
    proximal = analysis.extras["negative_controls"].proximal
    assert isinstance(proximal, ProximalEstimate)
    assert proximal.negative_control_exposure == "z"
    assert proximal.negative_control_outcome == "nc1"
    (section,) = build_report(analysis).sections
    assert section.key == "negative_controls"
    assert any(isinstance(b, Figure) and b.key == "negative_controls_funnel"
               for b in section.blocks)
    assert sum(isinstance(b, Table) for b in section.blocks) == 4  # controls, exposures,
    # calibration, proximal
    assert "ASSUMED by the study file: measured before treatment" in str(section.blocks)
    assert "Negative controls (four)" in str(section.verdict)
    from tests.test_report_provenance import untagged

    verdict = section.verdict
    assert untagged(verdict.plain, [n.to_dict() for n in verdict.numbers]) == []
    json.dumps(section.data, default=str)


def test_published_control_estimates_calibrate_the_headline(tmp_path):
    from causal.analysis import analyse
    from causal.report import build_report
    from causal.sensitivity.negative_controls.calibrated import calibrate
    from causal.sensitivity.negative_controls.empirical_calibration import (
        log_estimates_of,
        std_errors_from_ci,
    )

    rows = [(1.2, 0.9, 1.6), (1.4, 1.1, 1.8), (0.95, 0.7, 1.3), (1.3, 1.0, 1.7)]
    text = ('[study]\nname = "p"\ntitle = "t"\ntreatment = "a"\noutcome = "b"\n'
            '[[claim.estimates]]\nlabel = "adjusted"\nmeasure = "OR"\nestimate = 1.8\n'
            'ci = [1.3, 2.5]\nheadline = true\n[evalue]\nrare_outcome = true\n'
            + "".join(f"[[negative_control_estimates]]\nlabel = \"c{i}\"\nestimate = {e}\n"
                      f"ci_lower = {lo}\nci_upper = {hi}\n" for i, (e, lo, hi) in enumerate(rows)))
    path = tmp_path / "p.toml"
    path.write_text(text)
    study = load_study(path)
    analysis = analyse(study, sections=["negative_controls"])
    result = analysis.extras["negative_controls"].published
    expected = calibrate(log_estimates_of([r[0] for r in rows]),
                         std_errors_from_ci([r[1] for r in rows], [r[2] for r in rows]),
                         math.log(1.8), float(std_errors_from_ci([1.3], [2.5])[0]))
    assert result.calibrated == expected.calibrated
    (section,) = build_report(analysis).sections
    assert "headline OR (calibrated ratio)" in str(section.blocks)
    assert tomllib.loads(text)["negative_control_estimates"][0]["label"] == "c0"


def test_robins_confounding_domain_cites_the_negative_controls(analysed):
    from causal.report.robins import robins_section

    _, analysis = analysed
    from causal.report import build_report

    sections = list(build_report(analysis).sections)
    robins = robins_section(sections)
    confounding = robins.data["domains"].iloc[0]
    assert "negative controls" in confounding["analyses in this report"]
    lead = next(s for s in sections if s.key == "negative_controls").data["lead"]
    assert f"systematic error mean {lead['null_mean']:.3f}" in confounding["what they found"]


def test_from_frame_negative_controls_equal_the_study_file(tmp_path, analysed):
    from causal import Study
    from causal.analysis import analyse

    study_file, from_file = analysed
    frame = pd.read_csv(study_file.path.parent / "d.csv")
    before = frame.copy()
    study = Study.from_frame(frame, treatment="t", outcome="y", covariates=["x"], name="nc",
                             negative_control_outcomes={c: "measured before treatment"
                                                        for c in CONTROLS},
                             negative_control_exposures={"z": "a proxy of U that cannot "
                                                              "affect y"})
    pd.testing.assert_frame_equal(frame, before)
    analysis = analyse(study, sections=["negative_controls"])
    ours, theirs = (a.extras["negative_controls"] for a in (analysis, from_file))
    lead = [c.calibration.calibrated for c in ours.calibrated
            if c.method == "outcome regression"]
    assert lead == [c.calibration.calibrated for c in theirs.calibrated
                    if c.method == "outcome regression"]
    assert ours.proximal.estimate == theirs.proximal.estimate
    with pytest.raises(StudySpecError, match="must be columns other than the study's outcome"):
        Study.from_frame(frame, treatment="t", outcome="y", covariates=["x"],
                         negative_control_outcomes={"y": "w"})


@pytest.mark.parametrize("column", ["t", "y"])
def test_cli_refuses_a_control_equal_to_treatment_or_outcome(tmp_path, capsys, column):
    controls = f'[negative_controls]\noutcomes = [{{ column = "{column}", why = "w" }}]\n'
    path = write_study(tmp_path, study_text(controls))
    status = main(["report", str(path), "--out", str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"a negative control cannot be the {'treatment' if column == 't' else 'outcome'}" in err


def test_negative_control_exposures_are_analysed_as_the_treatment(analysed):
    import dataclasses

    from causal.analysis.failure import Failure
    from causal.estimate.study import estimate_study

    study, analysis = analysed
    exposures = dict(analysis.extras["negative_controls"].exposures)
    # z is continuous: the study's estimators need a 0/1 treatment, so it is a row saying why
    assert isinstance(exposures["z"], Failure) and "binary 0/1" in exposures["z"].reason
    # zb: the same estimators with zb as the treatment, adjusting for x and the real treatment
    variant = dataclasses.replace(
        study, info=dataclasses.replace(study.info, treatment="zb"),
        data=dataclasses.replace(study.data, covariates=("x", "t")))
    direct = estimate_study(variant, random_state=analysis.random_state)
    assert [e.estimate for e in exposures["zb"].fitted] == [e.estimate for e in direct.fitted]


def test_fewer_than_three_controls_is_a_row_saying_why(tmp_path):
    from causal.analysis import analyse
    from causal.analysis.failure import Failure
    from causal.report import build_report

    two = ("[negative_controls]\noutcomes = [{ column = \"nc1\", why = \"w\" }, "
           "{ column = \"nc2\", why = \"w\" }]\n")
    analysis = analyse(load_study(write_study(tmp_path, study_text(two))),
                       sections=["negative_controls"])
    calibrated = analysis.extras["negative_controls"].calibrated
    assert calibrated and all(isinstance(c.calibration, Failure) for c in calibrated)
    assert "needs at least 3 negative-control outcomes" in calibrated[0].calibration.reason
    (section,) = build_report(analysis).sections
    table = section.data["calibration"]
    assert table["note"].str.startswith("not calibrated: needs at least 3").all()
