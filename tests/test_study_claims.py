"""Claims as papers print them: percentages with or without group sizes, a point estimate
without a CI, a risk difference in percentage points, and a family of labelled claims."""

from __future__ import annotations

import math

import pytest

from causal.claims import GroupCounts, PublishedClaim, ReportedEstimate, audit
from causal.errors import ParameterError, StudySpecError
from causal.sensitivity.evalues.claim import claim_evalue
from causal.sensitivity.evalues.group_sizes import sizes_for_printed, sizes_to_exclude_null
from causal.study import load_study

Z = 1.959963984540054  # Phi^-1(0.975)

HEAD = """
[study]
name = "s"
title = "t"
treatment = "x"
outcome = "y"
"""


def _load(tmp_path, text):
    path = tmp_path / "study.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_study(path)


def _evalue_rr(rr: float) -> float:
    """VanderWeele & Ding (2017): E = RR + sqrt(RR (RR - 1)) for RR >= 1 (1/RR below 1)."""
    rr = rr if rr >= 1 else 1 / rr
    return rr + math.sqrt(rr * (rr - 1))


def _n_needed(p1: float, p0: float) -> float:
    """Equal groups: the Wald CI of p1 - p0 excludes 0 when n > z^2 (p1 q1 + p0 q0) / d^2."""
    return Z**2 * (p1 * (1 - p1) + p0 * (1 - p0)) / (p1 - p0) ** 2


def test_sizes_to_exclude_null_26_vs_21():
    """26% vs 21%: z^2 (0.26 x 0.74 + 0.21 x 0.79) / 0.05^2 = 550.56 (0.3583 / 0.0025 = 143.32), so 551 per group; at
    551 the Wald interval excludes 0 and at 550 it does not."""
    assert _n_needed(0.26, 0.21) == pytest.approx(3.841458820694124 * 143.32, rel=1e-12)
    n = sizes_to_exclude_null(0.26, 0.21)
    assert n == 551
    for size, excludes in ((551, True), (550, False)):
        half = Z * math.sqrt(0.26 * 0.74 / size + 0.21 * 0.79 / size)
        assert (0.05 - half > 0) is excludes
    # two controls per treated: n1 > z^2 (p1 q1 + p0 q0 / 2) / d^2
    expected = Z**2 * (0.26 * 0.74 + 0.21 * 0.79 / 2) / 0.05**2
    assert sizes_to_exclude_null(0.26, 0.21, ratio=2) == math.floor(expected) + 1


def test_sizes_allow_for_rounding():
    """26 and 21 stand for [25.5, 26.5] and [20.5, 21.5]: the extremes are 26.5 vs 20.5 (382)
    and 25.5 vs 21.5 (862). 35% vs 36% may be equal after rounding: no size suffices."""
    sizes = sizes_for_printed(26, 21)
    assert (sizes.printed, sizes.low, sizes.high) == (
        551, math.floor(_n_needed(0.265, 0.205)) + 1, math.floor(_n_needed(0.255, 0.215)) + 1)
    assert (sizes.low, sizes.high) == (382, 862)
    close = sizes_for_printed(35, 36)
    assert close.high is None and "could be zero" in close.sentence()
    with pytest.raises(ParameterError, match=r"`p_treated` and `p_control` must differ"):
        sizes_to_exclude_null(0.3, 0.3)


def test_percentages_without_group_sizes(tmp_path):
    study = _load(tmp_path, "[claim.treated]\npercent = 26\n[claim.control]\npercent = 21\n")
    claim = study.claim
    assert claim.table is None and claim.prevalence is None
    headline = claim.headline
    assert headline.label == "risk ratio computed from the reported percentages"
    assert headline.value == pytest.approx(26 / 21, rel=1e-12) and headline.ci is None
    result = claim_evalue(claim)
    assert result.point == pytest.approx(_evalue_rr(26 / 21), rel=1e-9)
    assert result.ci is None
    assert audit(claim).findings == ()  # nothing printed that could be checked


def test_percentages_with_group_sizes(tmp_path):
    """26% of 400 vs 21% of 500: the Katz interval with risks in place of counts,
    exp(log RR +- z sqrt((1 - p1)/(n1 p1) + (1 - p0)/(n0 p0)))."""
    study = _load(tmp_path, "[claim.treated]\npercent = 26\ntotal = 400\n"
                            "[claim.control]\npercent = 21\ntotal = 500\n")
    headline = study.claim.headline
    se = math.sqrt(0.74 / (400 * 0.26) + 0.79 / (500 * 0.21))
    rr = 26 / 21
    assert headline.interval == pytest.approx((rr * math.exp(-Z * se), rr * math.exp(Z * se)),
                                              rel=1e-9)
    assert study.claim.prevalence == pytest.approx((0.26 * 400 + 0.21 * 500) / 900)


def test_point_estimate_without_ci(tmp_path):
    study = _load(tmp_path, '[[claim.estimates]]\nlabel = "m"\nmeasure = "RR"\n'
                            'estimate = 1.8\n')
    headline = study.claim.headline
    assert headline.ci is None and headline.describe() == "RR 1.8 (no CI)"
    result = claim_evalue(study.claim)
    assert result.point == pytest.approx(_evalue_rr(1.8), rel=1e-9) and result.ci is None
    assert audit(study.claim).by_check("ci_symmetry") == []


def test_risk_difference_in_percentage_points(tmp_path):
    """RD 5 points (95% CI -6.7 to 16.7) with 26/100 vs 21/100: the Wald interval
    0.05 +- z sqrt(0.26 x 0.74 / 100 + 0.21 x 0.79 / 100) = (-0.0673, 0.1673)."""
    study = _load(tmp_path, "[claim.treated]\nevents = 26\ntotal = 100\n"
                            "[claim.control]\nevents = 21\ntotal = 100\n"
                            '[[claim.estimates]]\nlabel = "rd"\nmeasure = "RD"\nestimate = 5\n'
                            'ci = [-6.7, 16.7]\nunits = "percentage_points"\nadjustment = "none"\n')
    headline = study.claim.headline
    assert headline.value == pytest.approx(0.05) and headline.interval == pytest.approx(
        (-0.067, 0.167))
    assert "percentage points" in headline.describe()
    counts = audit(study.claim).by_check("counts")[0]
    assert counts.severity == "ok", counts.message
    with pytest.raises(StudySpecError, match=r"`units` = 'percentage_points' applies to a "
                                             r"risk difference \(RD\) only"):
        _load(tmp_path, '[[claim.estimates]]\nlabel = "m"\nmeasure = "RR"\nestimate = 2\n'
                        'units = "percentage_points"\n')


FAMILY = """
[[claims]]
label = "in work"
benefit = "higher"
[claims.treated]
percent = 26
[claims.control]
percent = 21
[[claims]]
label = "caseness"
benefit = "lower"
primary = true
[claims.treated]
percent = 50
[claims.control]
percent = 56
"""


def test_family_of_claims(tmp_path):
    study = _load(tmp_path, FAMILY)
    assert [c.label for c in study.claims] == ["in work", "caseness"]
    assert study.claim.label == "caseness"  # the primary one
    from causal.report import build_report

    report = build_report(study, sections=["claims"])
    section = report.sections[0]
    assert section.data["n_claims"] == 2 and section.verdict.plain.startswith("Two claims tested")
    rows = {r["claim"]: r for r in section.data["claims"]}
    assert rows["in work"]["direction"] == "favours the treatment (higher is better)"
    assert rows["caseness"]["direction"] == "favours the treatment (lower is better)"
    assert rows["caseness"]["evalue_point"] == pytest.approx(_evalue_rr(50 / 56), rel=1e-9)
    assert rows["in work"]["sizes_needed"]["printed"] == 551


@pytest.mark.parametrize(("text", "match"), [
    (FAMILY.replace('label = "caseness"', 'label = "in work"'),
     r"field `claims\.label` must be unique across \[\[claims\]\]; got 'in work'"),
    (FAMILY.replace('label = "caseness"\n', ""),
     r"field `claims\[1\]\.label` must be a label naming the outcome or subgroup"),
    (FAMILY.replace('benefit = "higher"', 'benefit = "higher"\nprimary = true'),
     r"field `claims\.primary` must be true for at most one claim"),
    (FAMILY + "[claim.treated]\npercent = 3\n[claim.control]\npercent = 4\n",
     r"field `claims` must be absent when the study has a \[claim\] table"),
    (FAMILY.replace('benefit = "lower"', 'benefit = "down"'),
     r"field `claims\[1\]\.benefit` must be one of 'higher', 'lower'"),
    ("[claim.treated]\npercent = 126\n[claim.control]\npercent = 4\n",
     r"field `claim\.treated\.percent` must be a percentage in \[0, 100\]; got 126"),
    ("[claim.treated]\nlabel = 'a'\n[claim.control]\npercent = 4\n",
     r"field `claim\.treated`: `percent` of a must be given when its events are not"),
])
def test_bad_claims(tmp_path, text, match):
    with pytest.raises(StudySpecError, match=match):
        _load(tmp_path, text)


def test_two_headlines_in_python():
    estimates = (ReportedEstimate("a", "RR", 2, (1, 4), headline=True),
                 ReportedEstimate("b", "RR", 2, (1, 4), headline=True))
    with pytest.raises(ParameterError, match=r"`headline` must be true for at most one "
                                             r"estimate; got 2 \('a', 'b'\)"):
        PublishedClaim(estimates=estimates)
    with pytest.raises(ParameterError, match=r"`percent` of t must be given"):
        GroupCounts("t")


def test_risk_difference_without_counts(tmp_path):
    """An RD printed in points with the two percentages but no group sizes: the point E-value
    from the risk ratio of the printed risks, 26/21 (Ding & VanderWeele 2016), no CI E-value;
    with no groups at all the report says why there is no E-value instead of failing."""
    from causal.report import build_report

    rd = ('[[claim.estimates]]\nlabel = "rd"\nmeasure = "RD"\nestimate = 5\nci = [1, 9]\n'
          'units = "percentage_points"\n')
    study = _load(tmp_path, "[claim.treated]\npercent = 26\n[claim.control]\npercent = 21\n"
                  + rd)
    result = claim_evalue(study.claim)
    assert result.point == pytest.approx(_evalue_rr(26 / 21), rel=1e-9) and result.ci is None
    bare = _load(tmp_path, rd)
    section = build_report(bare, sections=["evalue"]).sections[0]
    assert "a risk difference's E-value needs the two groups' risks" in section.data["error"]
