"""Effect measures and the 2x2 table.

Expected values for the Thew counts (31/66 vs 64/236) are the closed-form numbers
computed from those counts (crude OR 31*172/(35*64) = 2.380, Woolf CI 1.357-4.176; RR 1.732;
RD 0.1985), recomputed by hand for the project's fact sheet; tolerances are half a unit in the last printed digit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import nchypergeom_fisher

from causal import (
    HazardRatio,
    MeanDifference,
    OddsRatio,
    RiskDifference,
    RiskRatio,
    StandardizedMeanDifference,
    TwoByTwo,
)
from causal.errors import CausalError, ParameterError

THEW = TwoByTwo(31, 66, 64, 236)


def test_thew_woolf_odds_ratio_matches_facts():
    odds = THEW.odds_ratio("woolf")
    assert odds.estimate == pytest.approx(2.380, abs=5e-4)  # 31*172/(35*64)
    assert odds.ci == pytest.approx((1.357, 4.176), abs=5e-4)
    assert odds.z_statistic == pytest.approx(3.02, abs=5e-3)
    assert odds.p_value == pytest.approx(0.0025, abs=5e-5)
    assert odds.kind == "crude"


def test_thew_risk_ratio_and_difference_match_facts():
    rr = THEW.risk_ratio()
    assert rr.estimate == pytest.approx(1.732, abs=5e-4)
    assert rr.ci == pytest.approx((1.244, 2.411), abs=5e-4)
    rd = THEW.risk_difference()
    assert rd.estimate == pytest.approx(0.1985, abs=5e-5)
    assert rd.std_error == pytest.approx(0.0679, abs=5e-5)
    assert rd.table is THEW


def test_exact_interval_solves_the_noncentral_hypergeometric_tail_equations():
    """The exact limits are the ORs at which the observed a sits at an alpha/2 tail of
    Fisher's noncentral hypergeometric distribution (Cornfield 1956), checked with scipy's
    distribution independently of the interval code."""
    a, b, c, d = THEW.cells
    exact = THEW.odds_ratio("exact")
    lower, upper = exact.ci
    total, treated, events = a + b + c + d, a + b, a + c
    upper_tail = nchypergeom_fisher.sf(a - 1, total, events, treated, lower)
    lower_tail = nchypergeom_fisher.cdf(a, total, events, treated, upper)
    assert upper_tail == pytest.approx(0.025, abs=1e-6)
    assert lower_tail == pytest.approx(0.025, abs=1e-6)
    assert exact.kind == "crude"
    # the conditional MLE sets the distribution's mean to the observed a
    assert nchypergeom_fisher.mean(total, events, treated, exact.estimate) == pytest.approx(a, abs=1e-6)


def test_chi_square_and_fisher_p_values():
    # Pearson chi-square by hand: sum (O - E)^2 / E over the four cells.
    a, b, c, d = THEW.cells
    n = a + b + c + d
    observed = np.array([a, b, c, d], dtype=float)
    expected = np.array([(a + b) * (a + c), (a + b) * (b + d), (c + d) * (a + c),
                         (c + d) * (b + d)]) / n
    statistic = ((observed - expected) ** 2 / expected).sum()
    from scipy.stats import chi2

    assert THEW.chi_square_p() == pytest.approx(chi2.sf(statistic, 1), rel=1e-12)
    assert 0 < THEW.fisher_p() < 0.01
    assert list(THEW.summary().columns) == ["quantity", "estimate", "std_error", "ci_lower",
                                            "ci_upper", "p_value", "method", "note"]


def test_ci_and_standard_error_are_two_views_of_one_interval():
    odds = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
    assert odds.std_error == pytest.approx((math.log(4.89) - math.log(1.32)) / (2 * 1.959963985),
                                           rel=1e-9)
    # FACTS.md: p = 0.0053 for 2.54 (1.32-4.89)
    assert odds.p_value == pytest.approx(0.0053, abs=5e-5)
    back = OddsRatio(2.54, std_error=odds.std_error)
    assert back.ci == pytest.approx((math.exp(math.log(2.54) - 1.959963985 * odds.std_error),
                                     math.exp(math.log(2.54) + 1.959963985 * odds.std_error)))
    md = MeanDifference(3.0, std_error=1.0, outcome_sd=6.0)
    assert md.ci == pytest.approx((3 - 1.959963985, 3 + 1.959963985), rel=1e-9)
    smd = md.standardize()
    assert isinstance(smd, StandardizedMeanDifference)
    assert smd.estimate == pytest.approx(0.5) and smd.std_error == pytest.approx(1 / 6)


def test_measures_are_frozen_values():
    rr = RiskRatio(1.5, ci=(1.1, 2.0))
    with pytest.raises(AttributeError):
        rr.estimate = 2.0  # type: ignore[misc]
    assert rr == RiskRatio(1.5, ci=(1.1, 2.0))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: OddsRatio(0.0), r"`estimate` must be > 0"),
        (lambda: RiskRatio(-1.2, ci=(0.5, 2)), r"`estimate` must be > 0"),
        (lambda: HazardRatio(1.2, ci=(1.5, 2.0)), r"must contain the estimate 1.2"),
        (lambda: OddsRatio(2.0, ci=(3.0, 1.0)), r"lower limit must not exceed the upper"),
        (lambda: OddsRatio(2.0, ci=(1.0, 3.0), alpha=1.5), r"`alpha` must be in \(0, 1\); got 1.5"),
        (lambda: OddsRatio(2.0, ci=(0.0, 3.0)), r"`ci\[0\] \(lower limit\)` must be > 0"),
        (lambda: OddsRatio(2.0, kind="adjusted"), r"`kind` must be one of"),
        (lambda: OddsRatio(2.0, prevalence=1.5), r"`prevalence` must be a proportion"),
        (lambda: RiskDifference(1.5), r"risk difference must be in \[-1, 1\]"),
        (lambda: TwoByTwo(70, 66, 64, 236), r"`treated_events` must not exceed `treated_total`"),
        (lambda: TwoByTwo(31, 66, -1, 236), r"`control_events` must be a non-negative integer"),
        (lambda: TwoByTwo(3.5, 66, 1, 236), r"`treated_events` must be a non-negative integer"),
        (lambda: TwoByTwo(0, 66, 0, 236).odds_ratio(), r"Woolf's interval needs every cell"),
        (lambda: MeanDifference(1.0, std_error=0.5).standardize(), r"`outcome_sd` must be given"),
    ],
)
def test_bad_input_raises_one_clear_sentence(build, match):
    with pytest.raises(ParameterError, match=match):
        build()
    assert issubclass(ParameterError, CausalError) and issubclass(CausalError, ValueError)
