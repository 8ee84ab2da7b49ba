"""Report sections over their row budget run on a seeded random subsample and say so.

The budget (causal._budgets.REPORT_SECTION_ROWS) is monkeypatched low so a small SIMULATED
frame (tests/_estimate_sim.py) is "large". The expected numbers are those of the same section
built directly on the subsample drawn as causal/report/subsample.py documents
(``default_rng(SeedSequence([seed, SUBSAMPLE_TAG])).choice(n, rows, replace=False)``, sorted):
this package's own computation on those rows, not hard-coded values.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from causal import Study, _budgets
from causal.report.build import build_report
from causal.report.render import to_html, to_json, to_markdown
from causal.report.subsample import SUBSAMPLE_TAG
from tests._estimate_sim import simulate

SEED = 20240101


@pytest.fixture(scope="module")
def frame():
    return simulate(1200, seed=21, outcome="binary").rename(
        columns={"a": "treated", "y": "recovered"})


def _study(frame):
    return Study.from_frame(frame, treatment="treated", outcome="recovered",
                            covariates=["x1", "x2", "x3"], name="subsample_test")


def _section(report, key):
    return next(s for s in report.sections if s.key == key)


def test_refutations_on_a_labelled_subsample(frame, monkeypatch):
    monkeypatch.setattr(_budgets, "REPORT_SECTION_ROWS", {"refutations": 400})
    monkeypatch.setitem(_budgets.REPORT_SECTION_REASONS, "refutations", "a test reason")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(_study(frame), random_state=SEED,
                              sections=["estimates", "refutations"])
        rows = np.sort(np.random.default_rng(np.random.SeedSequence([SEED, SUBSAMPLE_TAG]))
                       .choice(len(frame), size=400, replace=False))
        direct = build_report(_study(frame.iloc[rows].reset_index(drop=True)),
                              random_state=SEED, sections=["refutations"])
    section = _section(report, "refutations")
    plan = {"rows": 400, "of": 1200, "seed": SEED, "reason": "a test reason"}
    assert section.data["subsample"] == plan
    sentence = "computed on a random subsample of 400 of 1,200 rows (seed 20240101)"
    assert sentence in section.blocks[0].text.lower()
    assert "a test reason" in section.blocks[0].text
    # the numbers are the subsample's: identical to the section built on those rows alone
    expected = _section(direct, "refutations").data
    assert section.data["worlds"] == expected["worlds"]
    assert section.data["worlds"][0]["n"] == 400
    # the estimates section is never subsampled
    assert "subsample" not in _section(report, "estimates").data
    assert _section(report, "estimates").data != {} and "400" not in json.dumps(
        _section(report, "estimates").data.get("subsample", {}))
    # the label is in every rendering
    for text in (to_markdown(report), to_html(report)):
        assert "random subsample of 400 of 1,200 rows (seed 20240101)" in text
    assert json.loads(to_json(report))  # and the JSON carries the plan
    assert '"subsample"' in to_json(report)


def test_no_subsample_within_budget(frame, monkeypatch):
    monkeypatch.setattr(_budgets, "REPORT_SECTION_ROWS", {"refutations": 1200})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(_study(frame), random_state=SEED, sections=["refutations"])
    section = _section(report, "refutations")
    assert "subsample" not in section.data
    assert "subsample" not in str(section.blocks[0])
