"""Loading study files: the bundled study, and every malformed file gives one sentence naming
the file and the field."""

from __future__ import annotations

import re

import pytest

from causal.errors import StudySpecError
from causal.study import load_study
from tests.conftest import THEW


def test_bundled_thew_study_loads():
    study = load_study(THEW)
    assert (study.name, study.treatment, study.outcome) == ("thew2024", "employment_support",
                                                            "recovery")
    claim = study.claim
    assert (claim.treated.events, claim.treated.total) == (31, 66)
    assert (claim.control.events, claim.control.total) == (64, 236)
    headline = claim.headline
    assert headline.label == "model step 2 (adjusted)"
    assert (headline.value, headline.interval, headline.p_value) == (2.54, (1.32, 4.89), ".005")
    assert headline.odds_ratio_kind == "conditional"
    assert "phq9_baseline" in study.covariates and "sessions" in study.covariates
    assert claim.prevalence == pytest.approx(95 / 302)


def _write(tmp_path, text):
    path = tmp_path / "study.toml"
    path.write_text(text)
    return path


MINIMAL = """
[study]
name = "s"
title = "t"
treatment = "x"
outcome = "y"
[claim.treated]
events = 10
total = 50
[claim.control]
events = 5
total = 50
"""


def test_minimal_study_without_estimates_loads(tmp_path):
    """Counts without a printed estimate: the headline is the risk ratio computed from them,
    20% / 10% = 2, with the Katz log-scale CI, exp(log 2 +- 1.96 sqrt(1/10 - 1/50 + 1/5 -
    1/50)) = (0.736, 5.433) (Rothman, Modern Epidemiology 3rd ed., eq. 14-12)."""
    study = load_study(_write(tmp_path, MINIMAL))
    assert study.claim.table.treated_events == 10
    headline = study.claim.headline
    assert (headline.measure, headline.value) == ("RR", pytest.approx(2.0, rel=1e-12))
    assert headline.label == "risk ratio computed from the reported counts"
    se = (1 / 10 - 1 / 50 + 1 / 5 - 1 / 50) ** 0.5
    import math

    assert headline.interval == pytest.approx((2 * math.exp(-1.959963984540054 * se),
                                               2 * math.exp(1.959963984540054 * se)), rel=1e-9)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[study\nname=", r"not valid TOML"),
        ("[source]\ncitation = 'x'\n", r"field `study` must be a table with name, title"),
        (MINIMAL.replace('treatment = "x"\n', ""),
         r"field `study.treatment` must be present \(a column name\)"),
        (MINIMAL.replace('name = "s"', 'name = "a b/c"'), r"field `study.name` must be letters"),
        (MINIMAL.replace("events = 10", 'events = "ten"'),
         r"field `claim.treated.events` must be a non-negative integer; got 'ten'"),
        (MINIMAL.replace("events = 10", "events = 60"),
         r"field `claim.treated`: .*must not exceed .*60 events out of 50"),
        (MINIMAL + '[[claim.estimates]]\nlabel="m"\nmeasure="OR"\nestimate=2.5\nci=[3.0, 4.0]\n',
         r"field `claim.estimates\[0\]`: `ci` \(3, 4\) of 'm' must contain the estimate 2.5"),
        (MINIMAL + '[[claim.estimates]]\nlabel="m"\nmeasure="OR"\nestimate=2.5\nci=[1.0]\n',
         r"field `claim.estimates\[0\].ci` must be a list \[lower, upper\]"),
        (MINIMAL + '[[claim.estimates]]\nlabel="m"\nmeasure="OR"\nestimate=2.5\nci=[1.0, 4.0]\n',
         r"field `evalue.rare_outcome` must be true or false \(the headline OR needs it"),
        (MINIMAL + "[evalue]\nrare_outcome = 'no'\n", r"field `evalue.rare_outcome` must be true"),
    ],
)
def test_malformed_study_files(tmp_path, text, match):
    path = _write(tmp_path, text)
    with pytest.raises(StudySpecError, match=match) as error:
        load_study(path)
    assert str(error.value).startswith(str(path))
    assert len(re.findall(r"\n", str(error.value))) == 0


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(StudySpecError, match=r"study file not found"):
        load_study(tmp_path / "nope.toml")
    with pytest.raises(StudySpecError, match=r"got a directory"):
        load_study(tmp_path)
