"""Size budgets are checked before memory is allocated, with a sentence naming the budget.

The audit's 2x2 table search is exhaustive over a band of candidate tables; it is compared
here with the plain full-grid search it replaced (a naive reference implementation kept in
this file) on group sizes small enough for the full grid.
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from causal._budgets import check_product, check_size
from causal.claims import (
    GroupCounts,
    PublishedClaim,
    ReportedEstimate,
    audit,
    check_percentages,
    reproducing_tables,
    rounding_box,
    rounds_to,
    tables_matching_point,
)
from causal.errors import ParameterError
from causal.estimate.regression import OutcomeRegression
from causal.measures import TwoByTwo, z_critical
from causal.refute.refuters import placebo_treatment
from causal.sensitivity.bias_analyses.probabilistic import probabilistic_bias_analysis


def naive_tables(estimate, n1, n0):
    """The full (a, c) grid search used before the banded one (same rule, every cell)."""
    z = z_critical(estimate.alpha)
    a = np.arange(1, n1)[:, None].astype(float)
    c = np.arange(1, n0)[None, :].astype(float)
    b, d = n1 - a, n0 - c
    log_or = np.log(a * d / (b * c))
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    odds, lower, upper = np.exp(log_or), np.exp(log_or - z * se), np.exp(log_or + z * se)
    keep = (rounds_to(odds, estimate.estimate) & rounds_to(lower, estimate.ci[0])
            & rounds_to(upper, estimate.ci[1]))
    ia, ic = np.nonzero(keep)
    return list(zip((ia + 1).tolist(), (ic + 1).tolist(), strict=True))


@pytest.mark.parametrize(("estimate", "ci", "n1", "n0"), [
    ("2.82", ("1.56", "5.08"), 66, 236),     # Thew et al. step 1 (FACTS.md): no table
    ("2.38", ("1.36", "4.18"), 66, 236),     # the crude OR from the counts (FACTS.md)
    ("2.4", ("1.4", "4.2"), 66, 236),        # one decimal: many tables
    ("0.5", ("0.2", "1.3"), 40, 35),
    ("1", ("0.5", "2"), 30, 30),
])
def test_banded_table_search_equals_the_full_grid(estimate, ci, n1, n0):
    reported = ReportedEstimate("x", "OR", estimate, ci)
    found = reproducing_tables(reported, n1, n0)
    assert list(zip(found.treated_events, found.control_events, strict=True)) == \
        naive_tables(reported, n1, n0)


@pytest.mark.parametrize(("counts", "estimate"), [((31, 66, 64, 236), "2.82"),
                                                   ((31, 66, 64, 236), "0.4"),
                                                   ((5, 10, 5, 10), "1.0"),
                                                   ((2, 100, 90, 100), "50")])
def test_nearest_point_match_equals_the_full_scan(counts, estimate):
    a0, n1, c0, n0 = counts
    reported = ReportedEstimate("x", "OR", estimate, (str(float(estimate) / 2),
                                                      str(float(estimate) * 2)))
    target = math.log(float(estimate))
    a, c = np.arange(1, n1), np.arange(1, n0)
    best_a = int(a[np.argmin(np.abs(np.log(a * (n0 - c0) / ((n1 - a) * c0)) - target))])
    best_c = int(c[np.argmin(np.abs(np.log(a0 * (n0 - c) / ((n1 - a0) * c)) - target))])
    assert tables_matching_point(reported, TwoByTwo(*counts)) == {
        "treated_events": best_a, "control_events": best_c}


@pytest.mark.parametrize(("events", "total", "percent"), [(64, 236, "28"), (3, 7, "40"),
                                                         (2, 3, "33.3"), (0, 9, "5"), (5, 7, "12.5")])
def test_consistent_counts_equal_the_full_scan(events, total, percent):
    finding = check_percentages(GroupCounts("g", events, total, percent))
    low, high = rounding_box(percent)
    expected = [k for k in range(total + 1) if low <= 100 * k / total <= high]
    assert finding.details["consistent_event_counts"] == expected


def test_audit_of_fifty_million_controls_is_bounded():
    """`[claim.control] total = 50000000` made the audit allocate 24 GiB; now < 0.5 GB."""
    claim = PublishedClaim(
        treated=GroupCounts("treated", 31, 66, 47),
        control=GroupCounts("control", 64, 50_000_000, 27),
        estimates=(ReportedEstimate("adjusted", "OR", 2.54, (1.32, 4.89),
                                    adjustment="adjusted"),))
    tracemalloc.start()
    try:
        result = audit(claim)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 500 * 2**20
    percent = next(f for f in result.findings if f.check == "percentages"
                   and f.subject == "control")
    # 26.5% .. 27.5% of 5e7 (rounding box of "27")
    assert "are 13250000 to 13750000" in percent.message


def test_claim_counts_above_the_budget_are_refused():
    with pytest.raises(ParameterError, match=r"`control total` must be at most "
                       r"1,000,000,000 \(the budget causal._budgets.MAX_CLAIM_COUNT\); got "
                       r"10,000,000,000,000"):
        GroupCounts("control", 5, 10**13)


def test_table_search_beyond_its_budget_is_refused():
    reported = ReportedEstimate("x", "OR", "2", ("1", "4"))
    with pytest.raises(ParameterError, match=r"candidate 2x2 tables .*MAX_AUDIT_TABLES.*too "
                       r"large for an exhaustive search"):
        reproducing_tables(reported, 10**6, 10**8)


def test_draws_simulations_and_bootstrap_budgets():
    with pytest.raises(ParameterError, match=r"`n_draws` must be at most 20,000,000 .*MAX_DRAWS"):
        probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236), prevalence_treated=0.5,
                                    prevalence_control=0.2, outcome_rr=2.0, n_draws=10**9)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"t": rng.integers(0, 2, 50), "y": rng.normal(size=50),
                          "x": rng.normal(size=50)})
    with pytest.raises(ParameterError, match=r"`n_simulations` must be at most 100,000"):
        placebo_treatment(OutcomeRegression().estimate(frame, treatment="t", outcome="y",
                                                       covariates=["x"]),
                          frame, n_simulations=10**7)
    with pytest.raises(ParameterError, match=r"`n_bootstrap` must be at most 100,000"):
        OutcomeRegression(n_bootstrap=10**8).estimate(frame, treatment="t", outcome="y",
                                                  covariates=["x"])


def test_check_size_and_product_messages():
    assert check_size(5.0, "MAX_REPLICATES", "k") == 5
    with pytest.raises(ParameterError, match="`k` must be a whole number; got 2.5"):
        check_size(2.5, "MAX_REPLICATES", "k")
    with pytest.raises(ParameterError, match="`k` must be a whole number; got inf"):
        check_size(float("inf"), None, "k")
    with pytest.raises(ParameterError, match=r"replicates 1,000 x n 1,000,000 = "
                       r"1,000,000,000 elements is above the budget "
                       r"causal._budgets.MAX_BATCH_ELEMENTS"):
        check_product({"replicates": 1000, "n": 10**6}, "MAX_BATCH_ELEMENTS")
