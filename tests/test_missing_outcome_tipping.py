"""Delta-adjusted MNAR tipping point for a missing outcome (causal.sensitivity.tipping_points.missing_outcome)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal.data.impute import impute_chained
from causal.errors import ParameterError
from causal.sensitivity.tipping_points.missing_outcome import _crossing, delta_tipping


def cohort(seed: int, n: int = 400, binary: bool = False) -> pd.DataFrame:
    """SIMULATED: x ~ N(0,1); a ~ Bernoulli(expit(x)); y = a + x + N(0,1) (or a 0/1 outcome
    with logit P(y = 1) = -0.3 + 1.2 a + x); x missing in 15% and y in 25% of rows, at
    random given a."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    a = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    if binary:
        y = (rng.random(n) < 1 / (1 + np.exp(-(-0.3 + 1.2 * a + x)))).astype(float)
    else:
        y = a + x + rng.normal(size=n)
    frame = pd.DataFrame({"a": a, "y": y, "x": x})
    frame.loc[rng.random(n) < 0.15, "x"] = np.nan
    frame.loc[rng.random(n) < 0.25, "y"] = np.nan
    return frame


def test_linear_shift_moves_the_pooled_coefficient_by_delta_times_the_design_share():
    """Derivation: with the same draws for every delta, adding delta to the shifted rows'
    outcomes changes the OLS treatment coefficient of imputation i by delta * g_i, where g_i
    is the treatment coefficient of the OLS regression of the shift indicator on [1, a, x]
    (OLS is linear in y). The pooled estimate is the mean over i, so it moves by
    delta * mean(g_i), exactly (to rounding)."""
    frame = cohort(1)
    deltas = [-1.0, 0.0, 2.0]
    result = delta_tipping(frame, treatment="a", outcome="y", covariates=["x"], m=4,
                           random_state=7, arm="treated", deltas=deltas)
    imputations = impute_chained(frame, m=4, random_state=7)
    shifted = (frame["y"].isna() & (frame["a"] == 1)).to_numpy(dtype=float)
    g = []
    for i in range(4):
        done = imputations.completed(i)
        x = np.column_stack([np.ones(len(done)), done["a"], done["x"]])
        g.append(np.linalg.lstsq(x, shifted, rcond=None)[0][1])
    zero = result.estimate[1]
    for k, delta in enumerate(deltas):
        assert result.estimate[k] == pytest.approx(zero + delta * np.mean(g), rel=1e-9)
    assert result.null == 0.0 and result.n_shifted == int(shifted.sum())


def test_binary_outcome_tips_and_the_tipping_point_is_where_the_ci_limit_crosses_one():
    frame = cohort(3, n=600, binary=True)
    result = delta_tipping(frame, treatment="a", outcome="y", covariates=["x"], m=5,
                           random_state=2, arm="treated")
    assert result.null == 1.0
    assert result.ci_lower[10] > 1  # delta = 0 (MAR): a clear effect
    assert result.tipping_ci is not None and result.tipping_ci < 0
    # interpolating the log CI limit between the grid points around the tipping delta gives 1
    j = np.searchsorted(result.deltas, result.tipping_ci) - 1
    d0, d1 = result.deltas[j], result.deltas[j + 1]
    l0, l1 = np.log(result.ci_lower[j]), np.log(result.ci_lower[j + 1])
    assert l0 + (l1 - l0) * (result.tipping_ci - d0) / (d1 - d0) == pytest.approx(0, abs=1e-12)
    assert "reaches the null at delta" in result.sentence()
    # shifting only the controls' missing outcomes down makes the effect larger, not null
    controls = delta_tipping(frame, treatment="a", outcome="y", covariates=["x"], m=5,
                             random_state=2, arm="control", deltas=[-2.0, 0.0])
    assert controls.estimate[0] > controls.estimate[1]


def test_crossing_is_the_root_nearest_zero():
    d = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    assert _crossing(d, np.array([-1.0, 1.0, 2.0, 1.0, -3.0])) == pytest.approx(1.25)
    assert _crossing(d, np.array([-1.0, 1.0, 2.0, 2.0, 2.0])) == pytest.approx(-1.5)
    assert _crossing(d, np.array([1.0, 1.0, 1.0, 1.0, 1.0])) is None


def test_no_missing_outcome_is_refused():
    frame = cohort(1).assign(y=lambda f: f["y"].fillna(0.0))
    with pytest.raises(ParameterError, match="has no missing value"):
        delta_tipping(frame, treatment="a", outcome="y", covariates=["x"], m=2,
                      random_state=1)


def test_figure_draws_the_curve_and_the_tipping_lines():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from causal.plots.missing_outcome import delta_curve, plot_delta_tipping

    frame = cohort(3, n=600, binary=True)
    result = delta_tipping(frame, treatment="a", outcome="y", covariates=["x"], m=2,
                           random_state=2, deltas=np.linspace(-5, 0, 6))
    ax = Figure().subplots()
    assert plot_delta_tipping(result, ax=ax) is ax
    curve = delta_curve(result)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), curve["estimate"])
    assert ax.get_yscale() == "log"
