"""The refuters' draws have the exact distributions their docstrings state (causal.refute._draws).

Exact properties are asserted exactly (subset sizes, count totals, permutations); distributional
ones against their closed forms with the Monte Carlo error stated next to each tolerance (four
standard errors, so a correct draw fails with probability below 1e-4 per check).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from causal.refute._draws import (
    BootstrapCounts,
    Confounded,
    PermutedOutcome,
    PermutedTreatment,
    RandomCovariate,
    Subsets,
    bootstrap_counts,
    permute_rows,
    subset_mask,
)


@pytest.mark.parametrize("k", [2, 3])  # 2: the subset is drawn; 3: its complement is
def test_subsets_of_exact_size_are_uniform_over_all_subsets(k):
    """n = 5: each of the C(5, k) = 10 subsets has probability 1/10; R = 20,000 draws, so a
    subset's frequency has SE sqrt(0.1 * 0.9 / 20,000) = 0.0021 (tolerance 0.0085)."""
    rng = np.random.default_rng(11)
    mask = subset_mask(5, 20_000, k, rng)
    assert np.all(mask.sum(axis=1) == k) and set(np.unique(mask)) == {0.0, 1.0}
    codes = mask @ (2.0 ** np.arange(5))
    expected = {sum(2**i for i in c) for c in itertools.combinations(range(5), k)}
    assert set(np.unique(codes)) == expected
    freq = np.array([np.mean(codes == c) for c in sorted(expected)])
    np.testing.assert_allclose(freq, 1 / math.comb(5, k), atol=4 * math.sqrt(0.09 / 20_000))


def test_large_subsets_are_exact_in_size_and_unbiased_in_position():
    """n = 20,000, k = 16,000 (complement of 4,000 > n/50: numpy's partial Fisher-Yates branch).
    Kept rows among the first 10,000: hypergeometric(N = 20,000, K = 10,000, draws 16,000),
    mean 8,000, variance 16,000 * 0.25 * 4,000 / 19,999 = 800.04; as a share of 16,000: mean
    0.5, SD 0.00177 per row, SE 0.00028 over 40 rows (tolerance 0.0011)."""
    rng = np.random.default_rng(12)
    mask = subset_mask(20_000, 40, 16_000, rng)
    assert np.all(mask.sum(axis=1) == 16_000)
    share = mask[:, :10_000].sum(axis=1) / 16_000
    assert abs(share.mean() - 0.5) < 4 * math.sqrt(800.04) / 16_000 / math.sqrt(40)


def test_bootstrap_counts_are_multinomial():
    """Rows are multinomial(n = 20; 1/20 each): totals exactly 20; each cell Binomial(20, 1/20)
    with mean 1, variance 1 - 1/20 = 0.95, P(0) = (19/20)^20 = 0.35849; cells of one row have
    covariance -1/20. R = 4,000 rows x 20 cells:
    mean: SE sqrt(0.95 / 80,000) = 0.0034 pooled -> the pooled mean is exactly 1 (totals);
    per-cell mean SE sqrt(0.95 / 4,000) = 0.0154 (tolerance 0.062);
    pooled variance SE about sqrt((mu4 - 0.95^2) / 4,000 / 20) = 0.0056 with mu4 = 0.95 (1 + 3
    * 18 * 0.0475) = 3.387 (tolerance 0.0224); P(0) SE sqrt(0.3585 * 0.6415 / 80,000) = 0.0017
    (tolerance 0.007); the mean covariance of two cells, SE about 0.95 / sqrt(4,000) / sqrt(190)
    = 0.0011 (tolerance 0.0044)."""
    rng = np.random.default_rng(13)
    counts = bootstrap_counts(20, 4_000, rng)
    assert np.all(counts.sum(axis=1) == 20) and np.all(counts == np.round(counts))
    np.testing.assert_allclose(counts.mean(axis=0), 1.0, atol=0.062)
    assert abs(counts.var(axis=0, ddof=1).mean() - 0.95) < 0.0224
    assert abs(np.mean(counts == 0) - (19 / 20) ** 20) < 0.007
    cov = np.cov(counts, rowvar=False)
    off = cov[~np.eye(20, dtype=bool)]
    assert abs(off.mean() - (-1 / 20)) < 0.0044


def test_permutations_are_uniform():
    """Every row is a permutation of the values; value 0 lands in each of 5 positions with
    probability 1/5 (R = 20,000: SE 0.0028, tolerance 0.0113). A 0/1 vector keeps its number of
    ones and each arrangement of its 2 ones among 5 places has probability 1/10."""
    rng = np.random.default_rng(14)
    values = np.arange(5.0)
    perms = permute_rows(values, 20_000, rng)
    assert np.all(np.sort(perms, axis=1) == values)
    np.testing.assert_allclose(np.mean(perms == 0, axis=0), 0.2,
                               atol=4 * math.sqrt(0.16 / 20_000))
    binary = np.array([1.0, 0, 1, 0, 0])
    b = permute_rows(binary, 20_000, rng)
    assert np.all(b.sum(axis=1) == 2)
    codes = b @ (2.0 ** np.arange(5))
    freq = np.array([np.mean(codes == c) for c in np.unique(codes)])
    assert freq.size == 10
    np.testing.assert_allclose(freq, 0.1, atol=4 * math.sqrt(0.09 / 20_000))


class _Problem:
    n = 6
    t = np.array([1.0, 0, 1, 0, 0, 1])
    y = np.array([0.5, 1.5, -2.0, 3.0, 0.0, 1.0])


def test_refuter_draws_are_seeded_and_shaped():
    """Each draw gives (size, n) arrays of its kind and depends only on the generator."""
    problem = _Problem()
    for draw, keys in [(PermutedTreatment(), {"t"}), (PermutedOutcome(), {"y"}),
                       (RandomCovariate(), {"extra"}), (BootstrapCounts(), {"weights"}),
                       (Subsets(4), {"weights"}),
                       (Confounded("binary_flip", 0.2, "linear", 0.5), {"t", "y"})]:
        first = draw(problem, np.random.default_rng(5), 3)
        again = draw(problem, np.random.default_rng(5), 3)
        arrays = {k: v for k, v in first.items() if isinstance(v, np.ndarray)}
        assert set(arrays) == keys
        for key, value in arrays.items():
            assert value.shape == (3, problem.n)
            np.testing.assert_array_equal(value, again[key])
    assert np.all(Subsets(4)(problem, np.random.default_rng(0), 3)["weights"].sum(axis=1) == 4)
