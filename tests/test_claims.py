"""The audit of a published claim: Thew 2024 findings (FACTS.md) and constructed cases."""

from __future__ import annotations

import pytest

from causal.claims import (
    GroupCounts,
    PrintedP,
    PublishedClaim,
    ReportedEstimate,
    audit,
    decimals_of,
    implied_p_range,
    reproducing_tables,
    rounding_box,
)
from causal.errors import ParameterError
from causal.study import load_study
from tests.conftest import THEW


@pytest.fixture(scope="module")
def thew_audit():
    return audit(load_study(THEW).claim)


def _finding(result, check, subject):
    (finding,) = [f for f in result.findings if f.check == check and f.subject == subject]
    return finding


def test_step1_odds_ratio_cannot_come_from_the_counts(thew_audit):
    finding = _finding(thew_audit, "counts", "model step 1")
    assert finding.severity == "warning"
    assert "OR 2.82 (95% CI 1.56–5.08) cannot come from the reported counts 31/66 vs 64/236" \
        in finding.message
    assert "OR 2.38 (Woolf/Wald 95% CI 1.36–4.18)" in finding.message
    assert finding.details["computed_estimate"] == pytest.approx(31 * 172 / (35 * 64))


def test_no_table_with_the_reported_group_sizes_reproduces_step1(thew_audit):
    finding = _finding(thew_audit, "tables", "model step 1")
    assert finding.severity == "warning"
    assert finding.details["reproducing_tables"] == []
    # FACTS.md: reaching 2.82 needs about 34/66 treated or 56/236 control recoveries.
    assert finding.details["nearest_point_matches"] == {"treated_events": 34,
                                                        "control_events": 56}
    assert "34/66" in finding.message and "56/236" in finding.message


def test_adjusted_odds_ratio_agrees_with_its_p_value(thew_audit):
    finding = _finding(thew_audit, "p_value", "model step 2 (adjusted)")
    assert finding.severity == "ok"
    assert "agrees with its CI" in finding.message
    # FACTS.md: SE from the CI gives p = 0.0053 for 2.54 (reported .005)
    assert finding.details["implied_p"] == pytest.approx(0.0053, abs=5e-5)
    step1 = _finding(thew_audit, "p_value", "model step 1")
    assert step1.severity == "ok"
    assert step1.details["implied_p"] == pytest.approx(0.00058, abs=5e-6)


def test_thew_cis_are_log_symmetric_and_percentages_agree(thew_audit):
    assert {f.severity for f in thew_audit.by_check("ci_symmetry")} == {"ok"}
    assert {f.severity for f in thew_audit.by_check("percentages")} == {"ok"}
    adjusted_counts = _finding(thew_audit, "counts", "model step 2 (adjusted)")
    assert adjusted_counts.severity == "info"
    assert thew_audit.worst == "warning"


def test_crude_table_is_found_by_the_table_search():
    estimate = ReportedEstimate("crude", "OR", 2.38, (1.36, 4.18), adjustment="none")
    tables = reproducing_tables(estimate, 66, 236)
    assert ((tables.treated_events == 31) & (tables.control_events == 64)).any()
    assert (tables.odds_ratio.round(2) == 2.38).all()


def test_p_value_that_contradicts_the_ci_is_an_error():
    claim = PublishedClaim(estimates=(ReportedEstimate("m", "OR", 2.54, (1.32, 4.89), "=.05"),))
    finding = audit(claim).by_check("p_value")[0]
    assert finding.severity == "error"
    assert "disagrees with its CI" in finding.message


def test_asymmetric_interval_is_flagged():
    # log-centre of (1.1, 9.0) is exp((ln 1.1 + ln 9)/2) = 3.15, far from 2.0
    claim = PublishedClaim(estimates=(ReportedEstimate("m", "RR", 2.0, (1.1, 9.0)),))
    finding = audit(claim).by_check("ci_symmetry")[0]
    assert finding.severity == "warning"
    assert finding.details["interval_centre"] == pytest.approx(3.146, abs=1e-3)


def test_grim_style_percentage_check():
    # 10/30 = 33.33%, so a printed 34% is impossible; 33% is consistent.
    bad = audit(PublishedClaim(treated=GroupCounts("t", 10, 30, 34), control=GroupCounts(
        "c", 5, 30, 17)))
    finding = [f for f in bad.findings if f.subject == "t"][0]
    assert finding.severity == "error"
    assert finding.details["consistent_event_counts"] == []
    good = audit(PublishedClaim(treated=GroupCounts("t", 10, 30, 33), control=GroupCounts(
        "c", 5, 30, 17)))
    assert {f.severity for f in good.by_check("percentages")} == {"ok"}


def test_groups_that_do_not_add_up_are_an_error():
    claim = PublishedClaim(treated=GroupCounts("t", 31, 66), control=GroupCounts("c", 64, 236),
                           overall=GroupCounts("all", 96, 302))
    assert any(f.severity == "error" and "add up" in f.message for f in audit(claim).findings)


def test_printed_numbers_and_p_values():
    assert decimals_of(2.54) == 2 and decimals_of("5.10") == 2 and decimals_of(47) == 0
    assert rounding_box(2.54) == pytest.approx((2.535, 2.545))
    assert (PrintedP.parse("<.001").lower, PrintedP.parse("<.001").upper) == (0.0, 0.001)
    p = PrintedP.parse("p = .005")
    assert (p.lower, p.upper) == pytest.approx((0.0045, 0.0055))
    assert PrintedP.parse(">0.05").upper == 1.0
    _, low, high = implied_p_range(ReportedEstimate("m", "OR", 2.54, (1.32, 4.89)))
    assert low < 0.0053 < high


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: PrintedP.parse("n.s."), r"`p_value` must look like"),
        (lambda: ReportedEstimate("m", "OR", 2.54, (3.0, 4.89)), r"must contain the estimate"),
        (lambda: ReportedEstimate("m", "OR", 2.54, (4.89, 1.32)), r"lower limit must not exceed"),
        (lambda: ReportedEstimate("m", "XX", 2.54, (1.3, 4.8)), r"`measure` must be one of"),
        (lambda: ReportedEstimate("m", "OR", -2.0, (1.3, 4.8)), r"`estimate` must be > 0"),
        (lambda: GroupCounts("treated", 70, 66), r"`treated events` must not exceed"),
        (lambda: GroupCounts("treated", -1, 66), r"must be a non-negative integer"),
        (lambda: audit("not a claim"), r"`claim` must be a PublishedClaim"),
    ],
)
def test_bad_input(build, match):
    with pytest.raises(ParameterError, match=match):
        build()
