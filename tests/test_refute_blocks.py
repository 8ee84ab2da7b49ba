"""Replicates in blocks: each block depends only on its seed (the entry point a cluster runs),
so blocks computed in any order give the same refutation, and it is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal import _budgets
from causal._parallel import block_streams
from causal.estimate import IPW
from causal.refute import _blocks as _common
from causal.refute._draws import BootstrapCounts
from causal.refute._estimate_problem import problem_for


@pytest.fixture()
def data() -> pd.DataFrame:
    """SIMULATED: one confounder, binary treatment, continuous outcome."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    t = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    return pd.DataFrame({"x": x, "t": t, "y": 0.5 * t + x + rng.normal(size=200)})


def test_block_sizes_come_from_the_memory_budget():
    """64 MB per (rows, n) float64 array: 8 rows at n = 10^6, 83 at 10^5; balanced blocks."""
    assert _budgets.REPLICATE_BLOCK_BYTES == 64 * 1024**2
    assert _common.block_rows(1_000_000) == 8 and _common.block_rows(100_000) == 83
    assert _common.block_rows(10**9) == 1
    blocks = _common.replicate_blocks(100, 1_000_000)  # 13 blocks of 7 or 8 replicates
    assert len(blocks) == 13 and blocks[0][0] == 0 and blocks[-1][1] == 100
    assert {hi - lo for lo, hi in blocks} == {7, 8}
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    assert _common.replicate_blocks(100, 302) == [(0, 100)]


def test_blocks_are_independent_of_order(data, monkeypatch):
    monkeypatch.setattr(_budgets, "REPLICATE_BLOCK_BYTES", 3 * 8 * len(data))  # <= 3 rows
    est = IPW().estimate(data, treatment="t", outcome="y", covariates=["x"])
    problem = problem_for(est, data)
    blocks = _common.replicate_blocks(10, problem.n)
    assert blocks == [(0, 2), (2, 5), (5, 7), (7, 10)]
    forward, ok = _common.run_blocks(problem, 10, BootstrapCounts(), np.random.default_rng(7))
    seeds = block_streams(np.random.default_rng(7), len(blocks))
    backward = [_common.run_block(problem, _common.Block(BootstrapCounts(), lo, hi, seeds[b]))[0]
                for b, (lo, hi) in reversed(list(enumerate(blocks)))]
    assert ok.all()
    np.testing.assert_array_equal(forward, np.concatenate(backward[::-1]))
    first = cr.refute(est, data, refuter="bootstrap", n_simulations=10, random_state=4)
    again = cr.refute(est, data, refuter="bootstrap", n_simulations=10, random_state=4)
    np.testing.assert_array_equal(first.refuted_estimates, again.refuted_estimates)


def test_refit_chunks_follow_the_design_size():
    """Cache-sized chunks (2^18 elements) for small designs; q replicates once the n x q design
    passes 8 MB; below (q + 1) / 2 replicates once three n x q(q+1)/2 product matrices would
    pass 512 MB (n = 10^6, q = 11: 3 x 8 x 10^6 x 66 bytes = 1.58 GB)."""
    from causal.refute._blocks import even_chunks, refit_rows

    assert refit_rows(100_000, 3) == 2  # 262,144 // 10^5; design 2.4 MB
    assert refit_rows(300_000, 11) == 11  # design 26 MB; products 3 x 158 MB = 475 MB
    assert refit_rows(1_000_000, 11) == 5  # (11 - 1) // 2
    assert refit_rows(302, 12) == 868
    assert even_chunks(25, 11) == [(0, 8), (8, 16), (16, 25)]
    assert even_chunks(3, 5) == [(0, 3)]


@pytest.mark.parametrize("estimand", ["ate", "att"])
@pytest.mark.parametrize("refuter", ["placebo_treatment", "random_common_cause", "bootstrap",
                                     "dummy_outcome", "data_subset"])
def test_refits_in_row_blocks_match_one_pass(refuter, estimand, monkeypatch):
    """The IPW refits' Newton passes and Hájek sums in blocks of 1,000 rows (the path of
    designs above 32,768 rows) give the one-pass refits' estimates to rounding (1e-10
    relative: both converge to 1e-10 in the core's rule, the sums differ in order only)."""
    import causal._glm.newton as newton_module

    rng = np.random.default_rng(8)
    n = 4_500
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t,
                          "y": 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)})
    estimate = IPW(estimand=estimand).estimate(frame, treatment="t", outcome="y",
                                               covariates=["a", "b"])
    runs = {}
    for block in (1_000, 10**9):
        monkeypatch.setattr(newton_module, "ROW_BLOCK", block)
        runs[block] = cr.refute(estimate, frame, refuter=refuter, n_simulations=6,
                                random_state=4).refuted_estimates
    assert np.isfinite(runs[10**9]).all()
    np.testing.assert_allclose(runs[1_000], runs[10**9], rtol=1e-10, atol=1e-12)
