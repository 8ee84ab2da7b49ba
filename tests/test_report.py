"""The report of the bundled Thew study: contents, self-containment, byte-identical JSON."""

from __future__ import annotations

import json
import re

import pytest

from causal.cli import main
from tests.conftest import THEW


@pytest.fixture(scope="module")
def thew_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "thew2024"
    assert main(["report", str(THEW), "--out", str(out), "--quiet"]) == 0
    return out


def test_report_files_exist(thew_report):
    names = {p.name for p in thew_report.iterdir()}
    assert {"report.md", "report.html", "report.json", "evalue_curve.png"} <= names
    # every figure as an SVG beside its PNG (issue 21)
    assert {n.removesuffix(".png") for n in names if n.endswith(".png")} == {
        n.removesuffix(".svg") for n in names if n.endswith(".svg")}
    # the marker that says the folder is a report of this tool is the only hidden file
    assert [name for name in names if name.startswith(".")] == [".causal-report.json"]


def test_report_contains_the_audit_and_evalues(thew_report):
    markdown = (thew_report / "report.md").read_text()
    assert "cannot come from the reported counts 31/66 vs 64/236" in markdown
    assert "agrees with its CI" in markdown
    data = json.loads((thew_report / "report.json").read_text())
    assert data["schema"] == "causal-report" and data["schema_version"] == "2.0"
    sections = {s["key"]: s for s in data["sections"]}
    assert sections["evalue"]["data"]["evalue_point"] == pytest.approx(2.566497867, abs=1e-6)
    assert sections["evalue"]["data"]["evalue_ci"] == pytest.approx(1.562539742, abs=1e-6)
    assert data["reproducibility"]["random_state"] == 20240101
    assert len(data["reproducibility"]["study_sha256"]) == 64
    assert data["reproducibility"]["study"] == "thew2024"


def test_html_is_self_contained(thew_report):
    html = (thew_report / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "<link" not in html and "<script src" not in html


def test_json_is_byte_identical_across_runs(thew_report):
    before = {p.name: p.read_bytes() for p in thew_report.iterdir()}
    assert main(["report", str(THEW), "--out", str(thew_report), "--quiet"]) == 0
    after = {p.name: p.read_bytes() for p in thew_report.iterdir()}
    assert after["report.json"] == before["report.json"]
    assert after["evalue_curve.png"] == before["evalue_curve.png"]
    assert after["evalue_curve.svg"] == before["evalue_curve.svg"]
    assert set(after) == set(before)


def test_verdict_comes_first_and_answers_the_headline_question(thew_report):
    data = json.loads((thew_report / "report.json").read_text())
    assert data["sections"][0]["key"] == "verdict"
    answer = data["sections"][0]["data"]["answer"]["text"]
    # E-values of the adjusted OR (reference_values.json) and the hypothesised scenario, whose
    # bias factor (0.5*2 + 0.5)/(0.2*2 + 0.8) = 1.25 gives sqrt(2.54)/1.25 = 1.2750 and
    # sqrt(1.32)/1.25 = 0.9191 on the risk-ratio scale (common outcome: RR = sqrt(OR)), the
    # report's one primary scale
    assert "E-value 2.57 (CI 1.56)" in answer
    assert "'motivation (hypothesis)'" in answer and "RR 1.27, limit 0.92" in answer
    assert "critics" not in answer
    markdown = (thew_report / "report.md").read_text()
    assert markdown.index("## Verdict") < markdown.index("## At a glance") < markdown.index(
        "## The claim")
    # the scenario sentence says the confounding is the study file's hypothesis
    assert "The study file's hypothesis 'motivation (hypothesis)'" in markdown
    # the default report leaves the teaching appendix out and says so in one line
    assert "causal report --appendix" in markdown and "estimates_love_world1.png" not in markdown
