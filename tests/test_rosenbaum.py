"""Rosenbaum bounds: Wilcoxon signed rank, McNemar, Hodges-Lehmann, Gamma*, amplification."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causal._results import SUMMARY_COLUMNS
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity import (
    amplify,
    gamma_star,
    hodges_lehmann_bounds,
    rosenbaum_mcnemar,
    rosenbaum_wilcoxon,
)
from tests.conftest import reference_case


@pytest.fixture
def lead() -> dict:
    return reference_case("rosenbaum_wilcoxon_lead_dos2")


def lead_differences(case: dict) -> np.ndarray:
    return np.array(case["inputs"]["treated"], float) - np.array(case["inputs"]["control"], float)


# ---------------------------------------------------------------- Wilcoxon: published values --
def test_lead_data_reproduces_dos2_and_table_4_3(lead):
    """Rosenbaum 2002 Table 4.3 via DOS2::senWilcox (reference_values.json, tol 1e-7)."""
    inputs, expected = lead["inputs"], lead["expected"]
    result = rosenbaum_wilcoxon((inputs["treated"], inputs["control"]), inputs["gammas"])
    assert result.statistic == expected["T"]
    np.testing.assert_allclose(result.p_upper, expected["p_upper"], rtol=0,
                               atol=lead["tolerance"])
    assert result.n_pairs == 33


def test_lead_gamma_star(lead):
    value = gamma_star(lead_differences(lead), alpha=0.05)
    assert value == pytest.approx(lead["expected"]["gamma_star_at_0.05"], abs=1e-6)
    at_star = rosenbaum_wilcoxon(lead_differences(lead), value).p_upper[0]
    assert at_star == pytest.approx(0.05, abs=1e-10)


@pytest.mark.parametrize(("zero_method", "scipy_zero_method"), [("pratt", "pratt"),
                                                                ("drop", "wilcox")])
def test_gamma_one_is_scipy_wilcoxon(lead, zero_method, scipy_zero_method):
    """At Gamma = 1 both bounds are the ordinary signed-rank test (scipy, no correction)."""
    d = lead_differences(lead)
    result = rosenbaum_wilcoxon(d, 1.0, zero_method=zero_method)
    peer = stats.wilcoxon(d, zero_method=scipy_zero_method, correction=False, method="approx",
                          alternative="greater")
    assert result.p_upper[0] == pytest.approx(peer.pvalue, rel=1e-10)
    assert result.p_lower[0] == pytest.approx(peer.pvalue, rel=1e-10)
    assert result.statistic == pytest.approx(peer.statistic)


def test_exact_gamma_one_is_scipy_exact():
    d = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30, -0.35, -1.1, 0.72])
    result = rosenbaum_wilcoxon(d, 1.0, method="exact")
    peer = stats.wilcoxon(d, method="exact", alternative="greater")
    assert result.p_upper[0] == pytest.approx(peer.pvalue, rel=1e-12)


def _brute_force_tail(d: np.ndarray, prob: float, zero_method: str) -> float:
    """Naive reference: enumerate all 2^n sign patterns of the bounding statistic."""
    if zero_method == "drop":
        d = d[d != 0]
    scores = stats.rankdata(np.abs(d))
    scores[d == 0] = 0
    observed = scores[d > 0].sum()
    total = 0.0
    for signs in itertools.product((0, 1), repeat=d.size):
        signs = np.array(signs)
        if scores @ signs >= observed - 1e-12:
            total += prob ** signs.sum() * (1 - prob) ** (d.size - signs.sum())
    return total


@pytest.mark.parametrize("zero_method", ["pratt", "drop"])
def test_exact_matches_enumeration_with_ties_and_zeros(zero_method):
    d = np.array([2.0, -1.0, 3.0, 2.0, 0.0, 4.5, 1.0, -2.0, 5.0, 0.0, 3.0])
    gammas = np.array([1.0, 1.7, 3.0])
    result = rosenbaum_wilcoxon(d, gammas, method="exact", zero_method=zero_method)
    for g, upper, lower in zip(gammas, result.p_upper, result.p_lower, strict=True):
        assert upper == pytest.approx(_brute_force_tail(d, g / (1 + g), zero_method), rel=1e-12)
        assert lower == pytest.approx(_brute_force_tail(d, 1 / (1 + g), zero_method), rel=1e-12)


def test_bounds_are_ordered_and_monotone(lead):
    gammas = np.linspace(1, 8, 30)
    for method in ("normal", "exact"):
        result = rosenbaum_wilcoxon(lead_differences(lead), gammas, method=method)
        assert np.all(result.p_lower <= result.p_upper)
        assert np.all(np.diff(result.p_upper) > 0) and np.all(np.diff(result.p_lower) < 0)


def test_alternatives_are_mirror_images(lead):
    d = lead_differences(lead)
    gammas = [1, 2, 5]
    greater = rosenbaum_wilcoxon(d, gammas)
    less = rosenbaum_wilcoxon(-d, gammas, alternative="less")
    np.testing.assert_allclose(less.p_upper, greater.p_upper, rtol=1e-14)
    two = rosenbaum_wilcoxon(d, gammas, alternative="two-sided")
    np.testing.assert_allclose(two.p_upper, np.minimum(1, 2 * greater.p_upper), rtol=1e-14)


def test_input_is_not_modified_and_result_is_read_only(lead):
    d = lead_differences(lead)
    original = d.copy()
    result = rosenbaum_wilcoxon(d, [1, 2])
    np.testing.assert_array_equal(d, original)
    with pytest.raises(ValueError):
        result.p_upper[0] = 0.0


# ------------------------------------------------------------------------------- McNemar --
def test_mcnemar_hand_derived_tail():
    """b = 12 treated-only, c = 3 control-only: D = 15; upper bound P(Bin(15, G/(1+G)) >= 12)."""
    result = rosenbaum_mcnemar(12, 3, [1.0, 2.0])
    for g, value in zip((1.0, 2.0), result.p_upper, strict=True):
        p = g / (1 + g)
        by_hand = sum(math.comb(15, k) * p**k * (1 - p) ** (15 - k) for k in range(12, 16))
        assert value == pytest.approx(by_hand, rel=1e-12)
    # Gamma = 1: C(15,12)+C(15,13)+C(15,14)+C(15,15) = 455+105+15+1 = 576; 576 / 2^15.
    assert result.p_upper[0] == pytest.approx(576 / 2**15, rel=1e-12)
    lower = sum(math.comb(15, k) * (1 / 3) ** k * (2 / 3) ** (15 - k) for k in range(12, 16))
    assert result.p_lower[1] == pytest.approx(lower, rel=1e-12)


def test_mcnemar_gamma_one_is_exact_mcnemar_test():
    result = rosenbaum_mcnemar(25, 11, 1.0)
    peer = stats.binomtest(25, 36, 0.5, alternative="greater").pvalue
    assert result.p_upper[0] == pytest.approx(peer, rel=1e-12)
    assert result.p_lower[0] == pytest.approx(peer, rel=1e-12)


def test_mcnemar_is_inclusive_tail_not_rbounds():
    """P(B >= b) exceeds rbounds' P(B > b) by exactly P(B = b)."""
    g = 1.5
    p = g / (1 + g)
    ours = rosenbaum_mcnemar(20, 8, g).p_upper[0]
    assert ours - stats.binom.sf(20, 28, p) == pytest.approx(stats.binom.pmf(20, 28, p),
                                                             rel=1e-10)


def test_mcnemar_gamma_star():
    value = gamma_star(treated_only_events=25, control_only_events=11, alpha=0.05)
    assert rosenbaum_mcnemar(25, 11, value).p_upper[0] == pytest.approx(0.05, abs=1e-10)
    assert value > 1


# ------------------------------------------------------------------------- Hodges-Lehmann --
def _naive_walsh_median(d: np.ndarray) -> float:
    walsh = [(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)]
    return float(np.median(walsh))


def _naive_hl(d: np.ndarray, c: float) -> float:
    """Solve T(tau) = c from signed-rank statistics of d - tau evaluated between jump points."""
    jumps = np.unique([(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)])
    inner = np.concatenate([[jumps[0] - 1], (jumps[:-1] + jumps[1:]) / 2, [jumps[-1] + 1]])
    t = []
    for tau in inner:  # interval k is (jumps[k-1], jumps[k])
        shifted = d - tau
        ranks = stats.rankdata(np.abs(shifted))
        t.append(ranks[shifted > 0].sum())
    t = np.array(t)
    last_above = np.flatnonzero(t > c)[-1]  # sup{T > c} is the upper end of that interval
    first_below = np.flatnonzero(t < c)[0]  # inf{T < c} is the lower end of that interval
    return 0.5 * (jumps[last_above] + jumps[first_below - 1])


def test_hl_gamma_one_is_median_of_walsh_averages(lead):
    d = lead_differences(lead)
    result = hodges_lehmann_bounds(d, 1.0)
    assert result.estimate_lower[0] == result.estimate_upper[0] == _naive_walsh_median(d)


@pytest.mark.parametrize("gamma", [1.0, 1.5, 2.0, 4.0])
def test_hl_bounds_match_naive_root_of_signed_rank(lead, gamma):
    d = lead_differences(lead)  # has ties and one zero difference
    m = d.size * (d.size + 1) / 2
    result = hodges_lehmann_bounds(d, gamma)
    p_plus = gamma / (1 + gamma)
    assert result.estimate_lower[0] == pytest.approx(_naive_hl(d, p_plus * m), abs=1e-12)
    assert result.estimate_upper[0] == pytest.approx(_naive_hl(d, (1 - p_plus) * m), abs=1e-12)


def test_hl_range_widens_with_gamma(lead):
    result = hodges_lehmann_bounds(lead_differences(lead), [1, 2, 3, 5])
    assert np.all(np.diff(result.estimate_lower) <= 0)
    assert np.all(np.diff(result.estimate_upper) >= 0)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


# ---------------------------------------------------------------------------- amplification --
def test_amplify_published_example():
    """Rosenbaum & Silber (2009): Gamma = 1.25 <-> (Lambda, Delta) = (2, 2): (2*2+1)/(2+2)."""
    assert amplify(1.25, 2.0) == pytest.approx(2.0, rel=1e-14)


def test_amplify_is_vectorised_and_inverts_the_definition():
    lam = np.array([5.0, 6.0, 10.0, 20.0])
    delta = amplify(4.344174635, lam)
    np.testing.assert_allclose((lam * delta + 1) / (lam + delta), 4.344174635, rtol=1e-13)
    assert np.all(np.diff(delta) < 0)


def test_amplify_requires_lambda_above_gamma():
    with pytest.raises(ParameterError, match="`lambda_` must exceed `gamma`.*lambda_ = 2"):
        amplify(3.0, [4.0, 2.0])
    with pytest.raises(ParameterError, match="`gamma` must be finite and >= 1"):
        amplify(0.5, 2.0)


# -------------------------------------------------------------------------------- bad input --
def test_unequal_pairs_are_rejected():
    with pytest.raises(ParameterError, match="one treated and one control.*3 treated and 2"):
        rosenbaum_wilcoxon(([1.0, 2.0, 3.0], [1.0, 2.0]), 2.0)
    with pytest.raises(ParameterError, match="3 treated and 2"):
        hodges_lehmann_bounds(([1.0, 2.0, 3.0], [1.0, 2.0]), 2.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"gamma": 0.5}, "`gamma` must be finite and >= 1"),
    ({"gamma": [1, np.nan]}, "`gamma` must be finite"),
    ({"alternative": "bigger"}, "`alternative` must be one of"),
    ({"zero_method": "wilcox"}, "`zero_method` must be one of"),
    ({"method": "permutation"}, "`method` must be one of"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        rosenbaum_wilcoxon([1.0, 2.0, -0.5], **kwargs)


def test_bad_differences():
    with pytest.raises(ParameterError, match="must be finite; it has 1 missing"):
        rosenbaum_wilcoxon([1.0, np.nan, 2.0])
    with pytest.raises(ParameterError, match="at least one matched pair"):
        rosenbaum_wilcoxon([])
    with pytest.raises(ParameterError, match="one-dimensional"):
        rosenbaum_wilcoxon(np.ones((3, 3)))
    with pytest.raises(ParameterError, match="non-negative integer count"):
        rosenbaum_mcnemar(-1, 3, 2.0)


def test_exact_refuses_huge_problems():
    with pytest.raises(ParameterError, match="use method='normal'"):
        rosenbaum_wilcoxon(np.arange(1.0, 2001.0), 2.0, method="exact")


def test_gamma_star_errors(lead):
    with pytest.raises(ParameterError, match="either `differences`"):
        gamma_star()
    with pytest.raises(ParameterError, match="either `differences`"):
        gamma_star([1.0, 2.0], treated_only_events=3, control_only_events=1)
    with pytest.raises(ParameterError, match="must both be given"):
        gamma_star(treated_only_events=3)
    with pytest.raises(NoSolutionError, match="not significant.*Gamma = 1"):
        gamma_star([1.0, -1.0, 2.0, -2.0])


def test_summary_schema(lead):
    frame = rosenbaum_wilcoxon(lead_differences(lead), [1, 2]).summary()
    assert list(frame.columns) == list(SUMMARY_COLUMNS)
    assert len(frame) == 5  # statistic + two bounds per Gamma
    table = rosenbaum_mcnemar(12, 3, [1, 2, 3]).to_frame()
    assert isinstance(table, pd.DataFrame) and list(table["gamma"]) == [1, 2, 3]


def _naive_sensitivity_interval(d: np.ndarray, gamma: float, alpha: float) -> tuple[float, float]:
    """Scan every stretch between Walsh averages; keep tau unless both bounds reject it.

    Each side is the one-sided upper-bound p-value at alpha/2 from rosenbaum_wilcoxon (itself
    checked against DOS2 above), evaluated at the midpoint of each stretch.
    """
    jumps = np.unique([(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)])
    inner = np.concatenate([[jumps[0] - 1], (jumps[:-1] + jumps[1:]) / 2, [jumps[-1] + 1]])
    kept = []
    for tau in inner:
        greater = rosenbaum_wilcoxon(d - tau, gamma, alternative="greater").p_upper[0]
        less = rosenbaum_wilcoxon(d - tau, gamma, alternative="less").p_upper[0]
        kept.append(greater >= alpha / 2 and less >= alpha / 2)
    kept = np.flatnonzero(kept)
    assert np.all(np.diff(kept) == 1)  # the accepted set is an interval
    lower = -np.inf if kept[0] == 0 else jumps[kept[0] - 1]
    upper = np.inf if kept[-1] == jumps.size else jumps[kept[-1]]
    return lower, upper


@pytest.mark.parametrize("gamma", [1.0, 1.5, 3.0])
def test_hl_sensitivity_interval_matches_naive_scan(lead, gamma):
    d = lead_differences(lead)  # ties and a zero
    result = hodges_lehmann_bounds(d, gamma, alpha=0.05)
    lower, upper = _naive_sensitivity_interval(d, gamma, 0.05)
    assert result.ci_lower[0] == lower and result.ci_upper[0] == upper
    assert result.ci_lower[0] <= result.estimate_lower[0] <= result.estimate_upper[0] \
        <= result.ci_upper[0]


def test_hl_interval_at_gamma_one_is_normal_approximation_hl_ci():
    """Gamma = 1, no ties: lower limit is w_(C) with C = ceil(M/2 - z sqrt(n(n+1)(2n+1)/24))
    (Hollander & Wolfe's large-sample HL interval without continuity correction)."""
    rng = np.random.default_rng(3)
    d = rng.normal(0.5, 1, size=25)
    n, m = 25, 25 * 26 // 2
    walsh = np.sort([(d[i] + d[j]) / 2 for i in range(n) for j in range(i, n)])
    c = math.ceil(m / 2 - stats.norm.ppf(0.975) * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    result = hodges_lehmann_bounds(d, 1.0)
    assert result.ci_lower[0] == walsh[c - 1]
    assert result.ci_upper[0] == walsh[m - c]  # symmetric: w_(M + 1 - C)


def test_hl_interval_can_be_unbounded():
    result = hodges_lehmann_bounds([1.0, 2.0, 3.0], [1.0, 5.0])
    assert np.isneginf(result.ci_lower).all() and np.isposinf(result.ci_upper).all()


@pytest.mark.parametrize(("method", "alternative"), [("exact", "greater"),
                                                     ("normal", "two-sided")])
def test_gamma_star_solves_its_defining_equation(lead, method, alternative):
    d = lead_differences(lead)
    value = gamma_star(d, alpha=0.05, method=method, alternative=alternative)
    at_star = rosenbaum_wilcoxon(d, value, method=method, alternative=alternative).p_upper[0]
    assert at_star == pytest.approx(0.05, abs=1e-10)
    # Two-sided doubles the one-sided bound, so significance is lost at a smaller Gamma.
    if alternative == "two-sided":
        assert value == pytest.approx(gamma_star(d, alpha=0.025), rel=1e-9)
