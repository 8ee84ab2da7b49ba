"""Replicates in blocks: each block depends only on its seed (the entry point a cluster runs),
so blocks computed in any order give the same refutation, and it is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal.estimate import IPW
from causal.refute import _common
from causal.refute._engine import bootstrap_counts
from causal.refute._estimate_problem import problem_for


@pytest.fixture()
def data() -> pd.DataFrame:
    """SIMULATED: one confounder, binary treatment, continuous outcome."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    t = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    return pd.DataFrame({"x": x, "t": t, "y": 0.5 * t + x + rng.normal(size=200)})


def test_blocks_are_independent_of_order(data, monkeypatch):
    monkeypatch.setattr(_common, "DRAW_ELEMENTS", 3 * len(data))  # blocks of 3 replicates
    est = IPW().estimate(data, treatment="t", outcome="y", covariates=["x"])
    problem = problem_for(est, data)
    blocks = _common.replicate_blocks(10, problem.n)
    assert blocks == [(0, 3), (3, 6), (6, 9), (9, 10)]

    def draw(rng, size):
        return {"weights": bootstrap_counts(problem.n, size, rng)}

    forward, ok = _common.run_blocks(problem, 10, draw, np.random.default_rng(7))
    root = int(np.random.default_rng(7).integers(2**63 - 1))
    backward = [_common.run_block(problem, draw, lo, hi, [root, b])[0]
                for b, (lo, hi) in reversed(list(enumerate(blocks)))]
    assert ok.all()
    np.testing.assert_array_equal(forward, np.concatenate(backward[::-1]))
    first = cr.refute(est, data, refuter="bootstrap", n_simulations=10, random_state=4)
    again = cr.refute(est, data, refuter="bootstrap", n_simulations=10, random_state=4)
    np.testing.assert_array_equal(first.refuted_estimates, again.refuted_estimates)
