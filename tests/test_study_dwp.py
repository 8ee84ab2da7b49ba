"""studies/dwp_ea_iapt.toml: the DWP evaluation of Employment Advisers in IAPT (Research Report
1014, 2022) as a family of claims printed as percentages without group sizes.

The percentages are those of the project's seed summary (FACTS.md, "Related evidence", [B]).
Every asserted number is computed here from them: risk ratios, point E-values (VanderWeele &
Ding 2017, E = RR + sqrt(RR (RR - 1)) on RR or 1/RR), and the equal group sizes at which the
Wald interval of the difference would exclude zero (z^2 (p1 q1 + p0 q0) / d^2).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from causal.cli import main
from causal.report import build_report
from causal.study import load_study

DWP = Path(__file__).resolve().parents[1] / "studies" / "dwp_ea_iapt.toml"
Z2 = 1.959963984540054**2
#: (label, treated %, control %, benefit, direction relative to benefit)
PRINTED = [
    ("in work after 12 months", 26, 21, "higher", "favours"),
    ("depression caseness at the final session", 50, 56, "lower", "favours"),
    ("anxiety caseness at the final session", 53, 57, "lower", "favours"),
    ("severely impaired at work", 26, 32, "lower", "favours"),
    ("long-term sick or disabled", 13, 23, "lower", "favours"),
    ("no work impairment", 6, 9, "higher", "against"),
    ("in work at the end", 88, 93, "higher", "against"),
    ("depression caseness at the final session (in work)", 35, 36, "lower",
     "the source: no impact on depression (seed 001, paragraph 10)"),
    ("anxiety caseness at the final session (in work)", 39, 40, "lower",
     "the source: no impact on anxiety (seed 001, paragraph 10)"),
    ("on statutory sick pay (in work)", 7, 3, "lower", "against"),
    ("unemployed (off sick)", 11, 5, None, "higher with treatment"),
    ("on out-of-work benefits after 12 months (off sick)", 17, 11, "lower", "against"),
    ("reliable improvement in depression (off sick)", 67, 60, "higher",
     "the source: improvements not large enough to reach statistical significance (seed 001, "
     "paragraph 13)"),
    ("reliable improvement in anxiety (off sick)", 72, 65, "higher",
     "the source: improvements not large enough to reach statistical significance (seed 001, "
     "paragraph 13)"),
]


def _evalue(rr: float) -> float:
    rr = max(rr, 1 / rr)
    return rr + math.sqrt(rr * (rr - 1))


@pytest.fixture(scope="module")
def report():
    return build_report(load_study(DWP))


def test_the_study_file_holds_the_printed_percentages():
    study = load_study(DWP)
    assert [(c.label, float(c.treated.percent), float(c.control.percent), c.benefit)
            for c in study.claims] == [row[:4] for row in PRINTED]
    assert all(c.treated.total is None and c.control.total is None for c in study.claims)
    assert study.claim.label == "in work after 12 months"  # primary = true
    assert "no group sizes" in study.source.notes.lower() or \
        "group sizes" in study.source.notes


def test_per_outcome_evalue_direction_and_sizes(report):
    section = next(s for s in report.sections if s.key == "claims")
    rows = {r["claim"]: r for r in section.data["claims"]}
    assert section.data["n_claims"] == 14 and section.data["percentages_only"]
    for label, p1, p0, benefit, direction in PRINTED:
        row = rows[label]
        assert row["rr"] == pytest.approx(p1 / p0, rel=1e-12)
        assert row["rd_points"] == pytest.approx(p1 - p0, abs=1e-9)
        assert row["evalue_point"] == pytest.approx(_evalue(p1 / p0), rel=1e-9)
        assert row["direction"] == (f"{direction} the treatment ({benefit} is better)"
                                    if direction in ("favours", "against") else direction)
        a, b = p1 / 100, p0 / 100
        assert row["sizes_needed"]["printed"] == math.floor(
            Z2 * (a * (1 - a) + b * (1 - b)) / (a - b) ** 2) + 1
        assert row["evalue_ci"] is None
    assert rows["in work after 12 months"]["sizes_needed"]["printed"] == 551


def test_verdict_says_what_percentages_allow(report):
    verdict = next(s for s in report.sections if s.key == "verdict")
    text = " ".join(verdict.data["points"])
    assert "Fourteen claims tested" in text and "the study file marks primary" in text
    assert "but no CI, p-value or check against counts" in text
    assert "point E-value" in text
    # what matching on observables cannot remove, under the study file's graph (whose
    # unmeasured nodes, the source's and the file's own, are listed in the graph section)
    assert "under the study file's graph, no measured adjustment set identifies the effect" \
        in text
    # the primary claim's RR is derived from the printed 26% and 21%, not printed itself:
    # 26/21 = 1.238..., shown to two decimals and tagged as computed
    assert "RR 1.24" in text and "1.2380952" not in text
    claim = next(n for n in verdict.data["answer"].numbers if n.text.startswith("RR"))
    assert claim.provenance == "computed" and claim.value == pytest.approx(26 / 21, rel=1e-12)


def test_cli_report_builds(tmp_path, capsys):
    out = tmp_path / "dwp"
    assert main(["report", str(DWP), "--out", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    keys = [s["key"] for s in data["sections"]]
    assert keys[:3] == ["verdict", "claim", "claims"] and "graph" in keys
    markdown = (out / "report.md").read_text()
    assert "would exclude zero with about 551 per group" in markdown


def test_cli_audit_says_there_is_nothing_to_check(capsys):
    assert main(["audit", str(DWP)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing to check: the study prints no estimate with a CI")
