"""Plot data (pure functions) and that each plot draws on the given Axes and returns it."""

from __future__ import annotations

import numpy as np
import pytest

from causal.errors import ParameterError
from causal.estimate import AIPW, IPW, Crude, GComputation, PSMatching
from causal.estimate.diagnostics import kish_ess, standardized_differences
from causal.plots.estimate import (
    forest_data,
    love_data,
    overlap_data,
    plot_forest,
    plot_love,
    plot_overlap,
)
from tests._estimate_sim import simulate

COVS = dict(treatment="a", outcome="y", covariates=["x1", "x2", "x3"])


@pytest.fixture(scope="module")
def df():
    return simulate(1500, seed=41)


def test_overlap_data_densities(df):
    result = IPW().estimate(df, **COVS)
    data = overlap_data(result, bins=20)
    width = (data.bin_right - data.bin_left).to_numpy()
    # each arm's histogram density integrates to 1 (numpy density=True; exact up to rounding)
    assert np.sum(data.treated * width) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(data.control * width) == pytest.approx(1.0, abs=1e-12)
    e, a = result.diagnostics["propensity"], df["a"].to_numpy()
    counts, _ = np.histogram(e[a == 1], bins=np.linspace(0, 1, 21))
    assert np.allclose(data.treated * width * (a == 1).sum(), counts)
    with pytest.raises(ParameterError, match="propensity-score method"):
        overlap_data(Crude().estimate(df, **COVS))


def test_love_data_matches_hand_computed_smd(df):
    result = IPW().estimate(df, **COVS)
    data = love_data(result)
    a = df["a"] == 1
    # hand-computed SMD of x1 before weighting: (mean1 - mean0) / sqrt((var1 + var0) / 2)
    x1 = df["x1"]
    smd = (x1[a].mean() - x1[~a].mean()) / np.sqrt((x1[a].var() + x1[~a].var()) / 2)
    row = data.set_index("covariate").loc["x1"]
    assert row.smd_before == pytest.approx(smd, rel=1e-12)
    w = result.diagnostics["weights"]
    wm = lambda m: np.sum(w[m] * x1[m]) / np.sum(w[m])  # noqa: E731
    assert row.smd_after == pytest.approx((wm(a.to_numpy()) - wm(~a.to_numpy())) /
                                          np.sqrt((x1[a].var() + x1[~a].var()) / 2), rel=1e-12)
    assert list(np.abs(data.smd_before)) == sorted(np.abs(data.smd_before), reverse=True)
    # a correctly specified logistic PS balances the covariates: |SMD| after < 0.05
    assert np.all(np.abs(data.smd_after) < 0.05) and np.abs(data.smd_before).max() > 0.2
    matched = love_data(PSMatching().estimate(df, **COVS))
    assert np.all(np.abs(matched.smd_after) < 0.1)


def test_kish_and_smd_closed_forms():
    assert kish_ess(np.ones(10)) == pytest.approx(10)
    assert kish_ess(np.array([1.0, 1.0, 2.0])) == pytest.approx(16 / 6)
    x = np.array([[0.0], [2.0], [1.0], [3.0]])
    # means 1 and 2, variances 2 and 2 -> SMD (1 - 2) / sqrt(2) = -0.7071...
    assert standardized_differences(x, np.array([1, 1, 0, 0]))[0] == pytest.approx(
        -1 / np.sqrt(2))


def test_forest_data_and_plots(df):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [Crude().estimate(df, **COVS), GComputation().estimate(df, **COVS),
               AIPW(random_state=0).estimate(df, **COVS)]
    data = forest_data(results)
    assert list(data.estimate) == [r.estimate for r in results]
    assert list(data.ci_lower) == [r.ci[0] for r in results]
    assert not data.ratio.any()
    binary = simulate(800, seed=42, outcome="binary")
    with pytest.raises(ParameterError, match="mix ratio"):
        forest_data([results[0], GComputation(measure="or").estimate(binary, **COVS)])
    with pytest.raises(ParameterError, match="at least one"):
        forest_data([])
    ipw = IPW().estimate(df, **COVS)
    for draw, arg in ((plot_overlap, ipw), (plot_love, ipw), (plot_forest, results)):
        fig, ax = plt.subplots()
        assert draw(arg, ax=ax) is ax
        plt.close(fig)
        returned = draw(arg)
        assert returned is not None
        plt.close(returned.figure)
