"""The study's [graph] table, its validator, and the report section built from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from causal.errors import StudySpecError
from causal.report import build_report
from causal.report.model import BulletList, Callout, Figure
from causal.study import load_study

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "studies" / "thew2024.toml"
PUBLISHED = ["long_term_condition", "sessions", "age", "sex", "ethnicity", "phq9_baseline",
             "gad7_baseline", "presenting_problem"]


def _study_copy(tmp_path: Path, dot: str | None = None, toml_edit=None) -> Path:
    """A copy of studies/thew2024.toml in tmp_path/studies, with its graph in tmp_path/dags."""
    (tmp_path / "studies").mkdir()
    (tmp_path / "dags").mkdir()
    text = STUDY.read_text(encoding="utf-8")
    if toml_edit is not None:
        text = toml_edit(text)
    (tmp_path / "studies" / "thew2024.toml").write_text(text, encoding="utf-8")
    target = tmp_path / "dags" / "thew2024.dot"
    if dot is None:
        shutil.copy(ROOT / "dags" / "thew2024.dot", target)
    else:
        target.write_text(dot, encoding="utf-8")
    return tmp_path / "studies" / "thew2024.toml"


def test_study_names_its_graph_and_loads():
    study = load_study(STUDY)
    assert study.graph.file == "../dags/thew2024.dot"
    graph = study.graph.graph
    assert (graph.exposure, graph.outcome) == ("employment_support", "recovery")
    assert set(study.covariates) == set(PUBLISHED) <= set(graph.observed)


@pytest.mark.parametrize("dot,message", [
    ("digraph { employment_support -> recovery; }",
     r"field `data.covariates` must be nodes of the graph \.\./dags/thew2024.dot; "
     r"unknown: long_term_condition, sessions"),
    ("digraph { x -> recovery; " + " ".join(PUBLISHED) + " }",
     r"field `study.treatment` must be a node of the graph"),
    ("digraph { employment_support -> recovery; sessions [latent=true]; "
     + " ".join(PUBLISHED) + " }",
     r"field `data.covariates` must be measured variables, but "
     r"\.\./dags/thew2024.dot marks sessions as latent"),
    ("digraph { employment_support -> recovery; age [role=outcome]; }",
     r"field `study.outcome` must be the outcome marked in \.\./dags/thew2024.dot \('age'\)"),
    ("digraph {\n employment_support -> recovery\n age -> \n}",
     r"field `graph.file` \(\.\./dags/thew2024.dot\): .*thew2024.dot, line 4: expected a "
     r"node name"),
    ("digraph { recovery -> employment_support -> recovery }",
     r"field `graph.file`.*cycle"),
])
def test_validator_rejects_a_graph_that_does_not_fit_the_study(tmp_path, dot, message):
    path = _study_copy(tmp_path, dot)
    with pytest.raises(StudySpecError, match=message) as info:
        load_study(path)
    assert str(path) in str(info.value)


def test_missing_graph_file(tmp_path):
    path = _study_copy(tmp_path, toml_edit=lambda t: t.replace("../dags/thew2024.dot",
                                                               "../dags/none.dot"))
    with pytest.raises(StudySpecError, match=r"field `graph.file` \(\.\./dags/none.dot\): "
                                             r".*graph file not found"):
        load_study(path)


def test_graph_file_must_be_a_string(tmp_path):
    path = _study_copy(tmp_path, toml_edit=lambda t: t.replace('file = "../dags/thew2024.dot"',
                                                               "file = 3"))
    with pytest.raises(StudySpecError, match="field `graph.file` must be a path to a graph "
                                             "file"):
        load_study(path)


# ---------------------------------------------------------------------------- report --
def _section(path: Path):
    report = build_report(load_study(path), sections=["graph"])
    (section,) = report.sections
    return section


def test_report_section_verdict_follows_from_the_graph():
    section = _section(STUDY)
    assert section.key == "graph"
    # derivation, from dags/thew2024.dot: employment_support -> sessions -> recovery makes
    # sessions a mediator; engagement -> sessions <- employment_support makes it a collider
    # with unmeasured engagement (and therapist); motivation, engagement and therapist each
    # point into both exposure and outcome and are unmeasured, so no measured set blocks them
    assert section.verdict == (
        "Under the study file's graph thew2024, the published adjustment set is not valid: it adjusts for "
        "sessions, which the exposure affects (a mediator and a collider with unmeasured "
        "engagement and therapist); paths stay open through unmeasured engagement, "
        "motivation and therapist; no set of measured variables identifies the effect.")
    data = section.data
    assert data["published_set_valid"] is False and data["identifiable"] is False
    assert data["adjusted_descendants"] == [{"node": "sessions", "kind": "mediator",
                                             "forbidden": True, "collider": True}]
    assert {"employment_support <- motivation -> recovery",
            "employment_support -> sessions <- engagement -> recovery"} <= {
        p["path"] for p in data["open_paths"]}
    json.dumps(data)  # JSON-able for report.json
    callouts = [b for b in section.blocks if isinstance(b, Callout)]
    assert callouts[0].severity == "error" and callouts[0].text == section.verdict
    bullets = next(b for b in section.blocks if isinstance(b, BulletList))
    assert bullets.items[0].startswith("Therapy sessions (sessions) is affected by accepted "
                                       "employment support; it lies on a causal path")
    (figure,) = [b for b in section.blocks if isinstance(b, Figure)]
    assert figure.png[:8] == b"\x89PNG\r\n\x1a\n" and figure.svg.lstrip().startswith(b"<?xml")


def test_report_verdict_changes_when_the_graph_does(tmp_path):
    # the same study with a graph in which every confounder is measured and sessions is a
    # pre-treatment variable: the published set is then valid, and the section says so
    dot = ("digraph { employment_support [role=exposure]; recovery [role=outcome];\n"
           + "\n".join(f"{c} -> employment_support; {c} -> recovery;" for c in PUBLISHED)
           + "\nemployment_support -> recovery; }")
    section = _section(_study_copy(tmp_path, dot))
    assert section.verdict == ("Under the study file's graph thew2024, the published adjustment set is "
                               "valid: it blocks every back-door path and adjusts for no "
                               "descendant of the exposure.")
    assert {frozenset(s) for s in section.data["minimal_adjustment_sets"]} == {
        frozenset(PUBLISHED)}


def test_graph_section_sits_after_audit():
    from causal.report.sections import SECTION_MODULES

    assert SECTION_MODULES.index("graph") == SECTION_MODULES.index("audit") + 1


def test_study_without_graph_has_no_section(tmp_path):
    path = _study_copy(tmp_path, toml_edit=lambda t: t[:t.index("[graph]")])
    assert build_report(load_study(path), sections=["graph"]).sections == ()
