"""`causal extract`: estimates found in a paper's text, as printed, with quote, page and span.

The sentences below are written here to cover the notations papers use; each expected value
is the number printed in the sentence itself. The seed texts (tests/data/papers/SOURCE.md)
are the project's source documents; their numbers are the ones printed in them.
"""

from __future__ import annotations

import json

import pytest

from causal.claims import extract, read_paper
from causal.claims.extract import scan_text
from causal.study.load import load_study
from tests.conftest import ROOT as REPO

PAPERS = REPO / "tests" / "data" / "papers"

# (sentence, measure, estimate, (low, high) or None, level or None, p or None, adjustment)
SENTENCES = [
    ("The adjusted odds ratio (aOR) was 1.8 (95% CI 1.2 to 2.7; P = 0.004).",
     "OR", "1.8", ("1.2", "2.7"), 95, "0.004", "adjusted"),
    ("aOR 2.54, 95% CI 1.32–4.89, p = .005", "OR", "2.54", ("1.32", "4.89"), 95, ".005",
     "adjusted"),
    ("OR = 2.82, 95% CI [1.56 to 5.08], p < .001", "OR", "2.82", ("1.56", "5.08"), 95, "<.001",
     "unknown"),
    ("Support was associated with recovery (odds ratio 2.38; 95% confidence interval "
     "1.36-4.18).", "OR", "2.38", ("1.36", "4.18"), 95, None, "unknown"),
    ("an odds ratio of 3.10 (99% CI: 1.05, 9.15)", "OR", "3.10", ("1.05", "9.15"), 99, None,
     "unknown"),
    ("crude OR 2.38 (95% CI 1.36—4.18)", "OR", "2.38", ("1.36", "4.18"), 95, None, "none"),
    ("The unadjusted odds ratio was 1.50 (95% CI 1.02 to 2.21).", "OR", "1.50",
     ("1.02", "2.21"), 95, None, "none"),
    ("After adjustment for age and sex, OR 1.45 (95% CI 1.10-1.91).", "OR", "1.45",
     ("1.10", "1.91"), 95, None, "adjusted"),
    ("AOR: 0.62 (95% CI: 0.45–0.86), p=0.004", "OR", "0.62", ("0.45", "0.86"), 95, "0.004",
     "adjusted"),
    ("HR 0,85 (95 % KI 0,72–0,99)", "HR", "0.85", ("0.72", "0.99"), 95, None, "unknown"),
    ("(adjusted HR, 0.72; 95% CI, 0.60-0.86; P<.001)", "HR", "0.72", ("0.60", "0.86"), 95,
     "<.001", "adjusted"),
    ("The hazard ratio for death was 1.21 (95% CI 1.05 to 1.40; p = 0.01).", "HR", "1.21",
     ("1.05", "1.40"), 95, "0.01", "unknown"),
    ("aHR 1.9 [95% CI 1.3; 2.8]", "HR", "1.9", ("1.3", "2.8"), 95, None, "adjusted"),
    ("Mortality was higher (HR = 1·32, 95% CI 1·10–1·58; p = 0·003).", "HR", "1.32",
     ("1.10", "1.58"), 95, "0.003", "unknown"),
    ("RR = 1.32 (95% CI 1.10-1.58)", "RR", "1.32", ("1.10", "1.58"), 95, None, "unknown"),
    ("the relative risk was 10.73 (95% CI 8.02 to 14.36)", "RR", "10.73", ("8.02", "14.36"), 95,
     None, "unknown"),
    ("Breastfeeding: risk ratio 3.9 (95% CI 1.8–8.7).", "RR", "3.9", ("1.8", "8.7"), 95, None,
     "unknown"),
    ("aRR 1.25 (95% CI 1.05–1.49), P = .01", "RR", "1.25", ("1.05", "1.49"), 95, ".01",
     "adjusted"),
    ("adjusted risk ratio 0.80; 90% CI 0.66 to 0.97", "RR", "0.80", ("0.66", "0.97"), 90, None,
     "adjusted"),
    ("risk difference 5.2 percentage points (95% CI, 1.1 to 9.3)", "RD", "5.2", ("1.1", "9.3"),
     95, None, "unknown"),
    ("RD 0.20 (95% CI 0.07 to 0.33)", "RD", "0.20", ("0.07", "0.33"), 95, None, "unknown"),
    ("the absolute risk difference was -0.05 (95% CI -0.09 to -0.01)", "RD", "-0.05",
     ("-0.09", "-0.01"), 95, None, "unknown"),
    ("mean difference −2.4 (95% CI −4.1 to −0.7), p = 0·006", "MD", "-2.4", ("-4.1", "-0.7"),
     95, "0.006", "unknown"),
    ("MD 3.1 points (95% CI 1.2–5.0)", "MD", "3.1", ("1.2", "5.0"), 95, None, "unknown"),
    ("The adjusted mean difference was 1,5 (95% CI 0,4–2,6)", "MD", "1.5",
     ("0.4", "2.6"), 95, None, "adjusted"),
    ("difference in means 4.20 (95% CI 1.10 to 7.30; p = .008)", "MD", "4.20",
     ("1.10", "7.30"), 95, ".008", "unknown"),
    ("p = 1.2 × 10−5 for OR 1.5 (95% CI 1.25–1.80), p = 1.2 × 10−5", "OR", "1.5",
     ("1.25", "1.80"), 95, "1.2e-5", "unknown"),
    ("OR 2.1 (95%CI 1.4-3.2; p-value = 0.0003)", "OR", "2.1", ("1.4", "3.2"), 95, "0.0003",
     "unknown"),
    ("odds ratios were 1.6 (95% confidence interval [CI], 1.2 to 2.1)", "OR", "1.6",
     ("1.2", "2.1"), 95, None, "unknown"),
    ("HR: 2.05 (95% CI: 1.51–2.79); P ≤ 0.001", "HR", "2.05", ("1.51", "2.79"), 95, "<=0.001",
     "unknown"),
    ("the odds ratio equal to 1.75 (95% CI 1.20 to 2.55)", "OR", "1.75", ("1.20", "2.55"), 95,
     None, "unknown"),
    ("In multivariable analysis the odds ratio was 0.45 (95% CI 0.30–0.68; p < 0.001).", "OR",
     "0.45", ("0.30", "0.68"), 95, "<0.001", "adjusted"),
    ("Hazard ratio 0.91 (0.85, 0.98) [95% CI]", "HR", "0.91", ("0.85", "0.98"), None, None,
     "unknown"),
]

# (sentence, words the reason must contain)
AMBIGUOUS = [
    ("The association was 1.8 (95% CI 1.2–2.7).", "no effect measure is named"),
    ("OR/RR 1.5 (95% CI 1.1–2.0)", "two measures are named together"),
    ("The ratio was 2.0 (95% CI 1.2–3.3).", "the measure is not named"),
    ("OR 1.9 (95% CI 2.1–3.5)", "does not contain the estimate"),
    ("OR 1,320 (95% CI 1,100–1,600)", "thousands separator or a decimal comma"),
    ("RR = 1.32 (1.10-1.58)", "not labelled"),
    ("The rate ratio was 1.4 (95% CI 1.1-1.8).", "rate ratio"),
    ("OR 2,54 (95% CI 1.32–4.89)", "mixed"),
    ("odds ratio 1.8 (CI 1.2–2.7)", "confidence level is not printed"),
    ("RD 12.0 (95% CI 2.0 to 22.0)", "percentage points?"),
    ("in work after 12 months (26% vs 21%)", "which group is exposed"),
]


@pytest.mark.parametrize(("sentence", "measure", "estimate", "ci", "level", "p", "adjustment"),
                         SENTENCES, ids=[s[0][:40] for s in SENTENCES])
def test_sentence_is_read_as_printed(sentence, measure, estimate, ci, level, p, adjustment):
    items = [i for i in scan_text(sentence) if i.kind == "estimate"]
    assert len(items) == 1, [(i.measure, i.estimate) for i in items]
    [item] = items
    assert (item.measure, item.estimate, item.ci, item.p_value, item.adjustment) == (
        measure, estimate, ci, p, adjustment)
    assert item.ci_level == (None if level is None else float(level))
    assert sentence[item.where.start:item.where.end] == item.where.quote
    assert item.measure_as_written and item.measure_as_written in " ".join(sentence.split())
    if level is not None:
        assert not item.ambiguous, item.ambiguous
    else:
        assert item.ambiguous


def test_at_least_thirty_notations():
    assert len(SENTENCES) >= 30
    assert {s[1] for s in SENTENCES} == {"OR", "RR", "HR", "RD", "MD"}


@pytest.mark.parametrize(("sentence", "reason"), AMBIGUOUS, ids=[a[0][:40] for a in AMBIGUOUS])
def test_ambiguous_sentences_say_why(sentence, reason):
    items = scan_text(sentence)
    assert len(items) == 1
    assert any(reason in r for r in items[0].ambiguous), items[0].ambiguous


def test_words_that_are_not_estimates_are_not_found():
    text = ("Odds ratios were estimated by logistic regression, or by Poisson models. The "
            "hazard ratio is reported below. RR, OR and HR are abbreviations.")
    assert scan_text(text) == []


def test_thew_seed_two_odds_ratios_and_three_groups():
    result = extract(read_paper(PAPERS / "thew2024_blog_summary.txt"))
    estimates = result.estimates
    assert [(e.measure, e.estimate, e.ci, e.p_value) for e in estimates] == [
        ("OR", "2.82", ("1.56", "5.08"), "<.001"), ("OR", "2.54", ("1.32", "4.89"), ".005")]
    assert estimates[1].adjustment == "adjusted"  # "after controlling for potential confounding"
    groups = [(i.percent, i.events, i.total) for i in result.items if i.kind == "proportion"]
    assert groups == [("31", 95, 302), ("47", 31, 66), ("27", 64, 236)]
    page = result.paper.page(1)
    for item in result.items:
        assert page[item.where.start:item.where.end] == item.where.quote
    # FACTS.md [C]: both CIs symmetric on the log scale; p implied 0.00058 and 0.0053
    for estimate, implied in zip(estimates, (0.00058, 0.0053), strict=True):
        checks = {f.check: f for f in estimate.checks}
        assert checks["ci_symmetry"].severity == "ok"
        assert checks["p_value"].severity == "ok"
        assert checks["p_value"].details["implied_p"] == pytest.approx(implied, rel=0.01)
        assert "ln" in checks["p_value"].details["arithmetic"]
    assert all(f.severity == "ok" for i in result.items if i.kind == "proportion"
               for f in i.checks)


def test_dwp_seed_in_work_26_vs_21():
    result = extract(read_paper(PAPERS / "dwp_ea_blog_summary.txt"))
    pairs = [(i.first, i.second) for i in result.items if i.kind == "comparison"]
    assert ("26", "21") in pairs and ("88", "93") in pairs and ("50", "56") in pairs
    assert ("35", "36") in pairs  # "35% and 36% at final therapy session"
    assert all(i.is_ambiguous for i in result.items if i.kind == "comparison")


def test_grim_flags_a_percentage_no_count_gives():
    [item] = scan_text("Of those treated, 48% (31/66) recovered.")
    result = extract("Of those treated, 48% (31/66) recovered.")
    [finding] = result.items[0].checks
    assert item.kind == "proportion" and finding.severity == "error"
    assert "46.970%" in finding.details["arithmetic"]


def test_p_value_inconsistent_with_ci_is_flagged():
    result = extract("OR 2.54 (95% CI 1.32–4.89), p = .05")
    checks = {f.check: f for f in result.items[0].checks}
    assert checks["p_value"].severity == "error"
    assert "0.0053" in checks["p_value"].details["arithmetic"]


def test_asymmetric_interval_is_flagged():
    result = extract("OR 2.54 (95% CI 1.90–4.89)")
    checks = {f.check: f for f in result.items[0].checks}
    assert checks["ci_symmetry"].severity == "warning"


def test_study_file_loads_with_one_claim_per_estimate(tmp_path):
    result = extract(read_paper(PAPERS / "thew2024_blog_summary.txt"))
    path = tmp_path / "extracted.toml"
    path.write_text(result.study_toml(name="extracted", rare_outcome=False), encoding="utf-8")
    study = load_study(path)
    assert len(study.claims) == 2
    second = study.claims[1].estimates[0]
    assert (second.measure, str(second.estimate), tuple(map(str, second.ci)), second.p_value) \
        == ("OR", "2.54", ("1.32", "4.89"), ".005")
    assert second.source.startswith("reported, p. 1: 'OR = 2.54, 95% CI [1.32 to 4.89]")


def test_ambiguous_items_need_confirmation(tmp_path):
    text = "Employment: 26% vs 21%. The association was 1.8 (95% CI 1.2–2.7). aOR 2.0 (95% CI 1.3–3.1)"
    result = extract(text)
    assert [i.number for i in result.ambiguous] == [1, 2]
    assert [i.number for i, _ in result.selected()] == [3]
    from causal.errors import ParameterError

    with pytest.raises(ParameterError, match="confirm it as 2:OR"):
        result.selected({2: None})
    chosen = result.selected({1: None, 2: "RR"})
    assert [(i.number, m) for i, m in chosen] == [(1, "RR"), (2, "RR"), (3, "OR")]
    path = tmp_path / "s.toml"
    path.write_text(result.study_toml(name="s", include={1: None, 2: "RR"},
                                        rare_outcome=False), encoding="utf-8")
    study = load_study(path)
    assert len(study.claims) == 3
    assert study.claims[0].treated.percent == "26"
    with pytest.raises(ParameterError, match="rare"):
        result.study_toml(name="s")


def test_json_is_plain_and_carries_spans():
    result = extract("aOR 2.54, 95% CI 1.32–4.89, p = .005")
    document = json.loads(json.dumps(result.to_dict()))
    [item] = document["items"]
    assert item["span"] == [0, len("aOR 2.54, 95% CI 1.32–4.89, p = .005")]
    assert item["measure_as_written"] == "aOR" and item["ci_as_written"] == "95% CI 1.32–4.89"


def test_estimates_listed_under_one_heading():
    """JAMA-style lists name the measure and the CI level once (sentence written here)."""
    text = ("Adjusted odds ratios (aORs) (95% CIs) were as follows: depression, 1.52 "
            "(1.10-2.10) with 80 cases; anxiety, 0.71 (0.55 to 0.92); and relapse, 1.05 "
            "(0.80-1.38) with 41 cases. Hazard ratios were estimated by Cox models.")
    items = scan_text(text)
    assert [(i.measure, i.estimate, i.ci, i.ci_level, i.adjustment) for i in items] == [
        ("OR", "1.52", ("1.10", "2.10"), 95.0, "adjusted"),
        ("OR", "0.71", ("0.55", "0.92"), 95.0, "adjusted"),
        ("OR", "1.05", ("0.80", "1.38"), 95.0, "adjusted")]
    assert [i.where.quote for i in items] == ["depression, 1.52 (1.10-2.10)",
                                              "anxiety, 0.71 (0.55 to 0.92)",
                                              "relapse, 1.05 (0.80-1.38)"]
    assert not any(i.ambiguous for i in items)
    [unlevelled] = scan_text("Hazard ratios were as follows: death, 1.3 (1.1-1.6).")
    assert "confidence level is not printed" in unlevelled.ambiguous[0]
