"""Bad [data], [[worlds]] and [[published]] tables: StudySpecError naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from causal.errors import StudySpecError
from causal.study import load_study

STUDIES = Path(__file__).resolve().parents[1] / "studies"
THEW = (STUDIES / "thew2024.toml").read_text(encoding="utf-8")
NHEFS = (STUDIES / "nhefs.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old  # the edit must hit the study file as written
    return text.replace(old, new, 1)


def test_shipped_studies_load():
    thew = load_study(STUDIES / "thew2024.toml")
    assert [w.name for w in thew.worlds] == ["no hidden confounding",
                                                    "self-selection only"]
    assert thew.worlds[0].true_odds_ratio == 2.54
    assert thew.worlds[1].true_odds_ratio == 1.0
    assert thew.data.simulated and thew.covariates == tuple(
        thew.claim.headline.adjusted_for)
    nhefs = load_study(STUDIES / "nhefs.toml")
    assert nhefs.claim.estimates[0].measure == "MD"
    assert {a.method for a in nhefs.published} == {"crude", "ipw", "standardisation"}
    lalonde = load_study(STUDIES / "lalonde.toml")
    assert lalonde.data.benchmark["source"] == "causaldata:nsw_mixtape"


BAD_THEW = [
    ("female = 0.668874", "female = 1.5", r"`data\.world\.female` must be a prevalence in \(0, 1\)"),
    ("long_term_condition = 0.5 ", "long_term_condition = 0 ",
     r"`data\.world\.long_term_condition` must be a prevalence"),
    ("true_odds_ratio = 2.54", "true_odds_ratio = 0", r"`worlds\[0\]\.true_odds_ratio` must be an odds ratio > 0"),
    ("true_odds_ratio = 1.0", "true_odds_ratio = -1.0", r"`worlds\[1\]\.true_odds_ratio`"),
    ("motivation_uptake_odds_ratio = 1.0", "motivation_uptake_odds_ratio = 0.0",
     r"`worlds\[0\]\.motivation_uptake_odds_ratio` must be an odds ratio > 0"),
    ('name = "self-selection only"', 'name = "self-selection only"\nstrength = 3',
     r"unknown field `worlds\[1\]\.strength`; the known fields"),
    ('name = "self-selection only"', 'name = "no hidden confounding"',
     r"`worlds\.name` must be unique"),
    ('source = "simulated"', 'source = "somewhere"', r"`data\.source` must be 'simulated', a data file \(\.csv, \.parquet, \.feather\)"),
    ("n = 302 ", "n = 302\nrows = 5\n", r"unknown field `data\.rows` \(did you mean 'n'\?\)|unknown field `data\.rows`"),
    ("anxiety = 0.25", "anxiety = 0.35", r"`data\.world\.presenting_problem` must be shares summing to 1"),
    ("phq9_gad7_correlation = 0.6", "phq9_gad7_correlation = 1.0", r"`data\.world\.phq9_gad7_correlation`"),
    ("age_range = [18, 75]", "age_range = [50, 75]", r"`data\.world\.age_range` must be a list"),
    ("phq9_sd = 5.0", "phq9_sd = -5.0", r"`data\.world\.phq9_sd` must be a positive SD"),
    ("age = 0.02", "motivation = 0.02", r"unknown field `data\.world\.uptake\.motivation`; the known fields of \[data\.world\.uptake\] are age"),
    ('model = "self_selection"', 'model = "self_selected"', r"`data\.world\.model` must be one of 'self_selection' \(did you mean 'self_selection'\?\); got 'self_selected'"),
    ("phq9_mean = 18.0", "phq9_mean = 18.0\nphq9_men = 3", r"unknown field `data\.world\.phq9_men` \(did you mean 'phq9_mean'\?\)"),
    ('categorical = ["presenting_problem"]', 'categorical = ["region"]',
     r"`data\.categorical` must be names listed in data\.covariates"),
    ('latent = ["motivation"]', 'latent = []', r"`data\.latent` must be \[\"motivation\"\] \(the latent columns of the \"self_selection\" world model\)"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_THEW)
def test_bad_thew_tables(tmp_path, old, new, message):
    path = _write(tmp_path, _replace(THEW, old, new))
    with pytest.raises(StudySpecError, match=message) as error:
        load_study(path)
    assert str(path) in str(error.value)


def test_simulated_source_needs_worlds(tmp_path):
    text = THEW[: THEW.index("[[worlds]]")]
    with pytest.raises(StudySpecError, match=r"`worlds` must be at least one \[\[worlds\]\]"):
        load_study(_write(tmp_path, text))


def test_worlds_need_simulated_data(tmp_path):
    text = NHEFS + '\n[[worlds]]\nname = "w"\ntrue_odds_ratio = 1.0\n'
    with pytest.raises(StudySpecError, match=r"`data\.source` must be 'simulated' when"):
        load_study(_write(tmp_path, text))


BAD_NHEFS = [
    ('squared = ["age", "smokeintensity", "smokeyrs", "wt71"]', 'squared = ["bmi"]',
     r"`data\.squared` must be names listed in data\.covariates"),
    ('source = "causaldata:nhefs_complete"', 'source = "causaldata:nhefs_complete"\nn = 5',
     r"`data\.n` must be absent unless data\.source = 'simulated'"),
    ('method = "ipw"\nmeasure = "MD"', 'method = "ipw"\nmeasure = "kg"',
     r"`published\[1\]\.measure` must be one of 'OR', 'RR', 'HR', 'RD', 'MD'"),
    ("ci = [2.41, 4.47]", "ci = [3.5, 4.47]", r"`published\[1\]\.ci` must be a list"),
    ('method = "crude"', 'method = "crude"\nweight = 1', r"`published\[0\]\.weight`"),
    ('measure = "MD"\nestimate = 3.4', 'measure = "MD"\nestimate = -3.4',
     r"`claim\.estimates\[0\]`: `ci`"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_NHEFS)
def test_bad_nhefs_tables(tmp_path, old, new, message):
    with pytest.raises(StudySpecError, match=message):
        load_study(_write(tmp_path, _replace(NHEFS, old, new)))


def test_bad_indicator_rule(tmp_path):
    text = _replace((STUDIES / "lalonde.toml").read_text(encoding="utf-8"),
                    'u74 = "re74 == 0"', 'u74 = "re74 is zero"')
    with pytest.raises(StudySpecError, match=r"`data\.indicators\.u74` must be a rule"):
        load_study(_write(tmp_path, text))


def test_mean_difference_claims_are_additive():
    """MD (added for NHEFS and LaLonde): may be negative; Wald CI symmetric on the natural
    scale (3.4 is the midpoint of 2.4 and 4.5 up to rounding)."""
    from causal.claims import PublishedClaim, ReportedEstimate, audit
    from causal.measures import MeanDifference

    negative = ReportedEstimate(label="naive", measure="MD", estimate=-8498,
                                ci=(-9800, -7196))
    assert negative.value == -8498
    ipw = ReportedEstimate(label="ipw", measure="MD", estimate=3.4, ci=(2.4, 4.5),
                           outcome_sd=7.8)
    measure = ipw.to_measure()
    assert isinstance(measure, MeanDifference) and measure.outcome_sd == 7.8
    findings = audit(PublishedClaim(estimates=(ipw,))).by_check("ci_symmetry")
    assert findings[0].severity == "ok" and findings[0].details["scale"] == "natural"


def test_bad_outcome_sd(tmp_path):
    path = _write(tmp_path, _replace(NHEFS, "outcome_sd = 7.80", "outcome_sd = -7.80"))
    with pytest.raises(StudySpecError, match=r"`claim\.estimates\[0\]\.outcome_sd` must be a positive standard deviation"):
        load_study(path)
