"""Omitted-variable bias from a DataFrame (causal.sensitivity.omitted_variable.data) and its grids/plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import DataError, ParameterError
from causal.sensitivity import adjusted_estimate, ovb_sensitivity
from causal.sensitivity.omitted_variable.extreme import ovb_extreme_grid
from tests._sensitivity_refs import DARFUR_FILE, assert_darfur_female_bounds, reference

COVARIATES = ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female",
              "village"]

#: carloscinelli/sensemakr tests/testthat/test-02-darfur.R ('testing darfur sensemakr'): bounds
#: for 1x, 2x, 3x female (the same peer values tests/test_sensitivity_ovb.py checks from numbers)
@pytest.fixture(scope="module")
def darfur_frame() -> pd.DataFrame:
    return pd.read_csv(DARFUR_FILE)


@pytest.fixture(scope="module")
def darfur(darfur_frame):
    return ovb_sensitivity(darfur_frame, treatment="directlyharmed", outcome="peacefactor",
                           covariates=COVARIATES, categorical=["village"],
                           benchmarks=["female"], kd=[1, 2, 3], ci_dof="dof")


def test_darfur_published_statistics_from_the_data_frame(darfur):
    case = reference("sensemakr_darfur_stats")
    expected, tol = case["expected"], case["tolerance"]
    assert darfur.dof == expected["dof"]
    assert darfur.n == 1276 and darfur.n_parameters == 1276 - 783
    assert darfur.estimate == pytest.approx(expected["estimate"], abs=tol)
    assert darfur.std_error == pytest.approx(expected["se"], abs=tol)
    assert darfur.t_statistic == pytest.approx(expected["t_statistic"], abs=tol)
    assert darfur.partial_r2 == pytest.approx(expected["r2yd_x"], abs=tol)
    assert darfur.rv_q == pytest.approx(expected["rv_q"], abs=tol)
    assert darfur.rv_qa == pytest.approx(expected["rv_qa"], abs=tol)
    assert darfur.model == "linear"


def test_darfur_female_bounds_from_the_data_frame(darfur):
    assert_darfur_female_bounds(darfur.bounds)
    summary = darfur.summary()
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert summary["quantity"].str.contains("benchmark female").sum() == 2
    assert darfur.benchmark_points()[0] == ("1x female", darfur.bounds[0].r2dz_x,
                                            darfur.bounds[0].r2yz_dx)


def _rss(z: np.ndarray, y: np.ndarray) -> float:
    beta, *_ = np.linalg.lstsq(z, y, rcond=None)
    resid = y - z @ beta
    return float(resid @ resid)


def _cohort(n: int = 400, seed: int = 3, binary: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    group = rng.choice(["a", "b", "c"], size=n)
    shift = pd.Series(group).map({"a": 0.0, "b": 0.5, "c": -0.5}).to_numpy()
    a = (rng.normal(size=n) + x + shift > 0).astype(int)
    latent = 0.5 * x + 0.3 * a + shift + rng.normal(size=n)
    y = (latent > 0.2).astype(int) if binary else latent
    return pd.DataFrame({"a": a, "y": y, "x": x, "g": group})


def test_group_benchmark_is_the_drop_in_residual_sum_of_squares():
    """Derivation: a group's partial R² W/(W + dof) equals (RSS_without - RSS_with)/RSS_without
    for least squares with classical covariance; checked with two separate fits."""
    frame = _cohort()
    result = ovb_sensitivity(frame, treatment="a", outcome="y", covariates=["x", "g"],
                             categorical=["g"], benchmarks=["g", "x"], kd=[1])
    n = len(frame)
    ones, a, x = np.ones(n), frame["a"].to_numpy(float), frame["x"].to_numpy(float)
    dummies = np.column_stack([(frame["g"] == level).to_numpy(float) for level in ("b", "c")])
    y = frame["y"].to_numpy(float)
    full_y = np.column_stack([ones, a, x, dummies])
    full_d = np.column_stack([ones, x, dummies])
    g, xb = result.benchmarks
    assert g.columns == ("g[b]", "g[c]") and xb.columns == ("x",)
    rss_f = _rss(full_y, y)
    assert g.r2yxj_dx == pytest.approx((_rss(full_y[:, :3], y) - rss_f) / _rss(full_y[:, :3], y),
                                       rel=1e-10)
    rss_fd = _rss(full_d, a)
    without = full_d[:, [0, 2, 3]]
    assert xb.r2dxj_x == pytest.approx((_rss(without, a) - rss_fd) / _rss(without, a), rel=1e-10)


def test_binary_outcome_is_a_linear_probability_model():
    frame = _cohort(binary=True)
    result = ovb_sensitivity(frame, treatment="a", outcome="y", covariates=["x", "g"],
                             categorical=["g"], benchmarks=["g"])
    assert result.model == "linear probability"
    assert any("linear probability" in note for note in result.notes)
    n = len(frame)
    z = np.column_stack([np.ones(n), frame["a"], frame["x"],
                         *[(frame["g"] == lv).to_numpy(float) for lv in ("b", "c")]])
    beta, *_ = np.linalg.lstsq(z, frame["y"].to_numpy(float), rcond=None)
    assert result.estimate == pytest.approx(beta[1], rel=1e-10)


def test_infeasible_multiples_raise_or_are_skipped():
    frame = _cohort(seed=5)
    kwargs = dict(treatment="a", outcome="y", covariates=["x", "g"], categorical=["g"],
                  benchmarks=["x"], kd=[1, 50])
    with pytest.raises(ParameterError, match="benchmark 'x'.*kd"):
        ovb_sensitivity(frame, **kwargs)
    result = ovb_sensitivity(frame, **kwargs, infeasible="skip")
    assert [b.label for b in result.bounds] == ["1x x"]
    assert any("50x x skipped" in note for note in result.notes)


def test_bad_input():
    frame = _cohort()
    base = dict(treatment="a", outcome="y", covariates=["x"])
    with pytest.raises(ParameterError, match="`benchmarks` must be among the covariates.*'g'"):
        ovb_sensitivity(frame, **base, benchmarks=["g"])
    with pytest.raises(ParameterError, match="`ky` must have as many values as `kd`"):
        ovb_sensitivity(frame, **base, benchmarks=["x"], kd=[1, 2], ky=[1])
    with pytest.raises(ParameterError, match="`infeasible` must be one of"):
        ovb_sensitivity(frame, **base, infeasible="ignore")
    with pytest.raises(ParameterError, match="`data` must be a pandas DataFrame"):
        ovb_sensitivity(frame.to_dict(), **base)
    with pytest.raises(DataError, match="lack column"):
        ovb_sensitivity(frame, treatment="a", outcome="y", covariates=["nope"])
    with pytest.raises(ParameterError, match="`alpha`"):
        ovb_sensitivity(frame, **base, alpha=2)
    collinear = frame.assign(x2=2 * frame["x"] - 1)
    with pytest.raises(DataError, match="collinear"):
        ovb_sensitivity(collinear, treatment="a", outcome="y", covariates=["x", "x2"])


def test_input_is_not_mutated():
    frame = _cohort()
    frame.attrs["note"] = "mine"
    before = frame.copy(deep=True)
    ovb_sensitivity(frame, treatment="a", outcome="y", covariates=["x", "g"],
                    categorical=["g"], benchmarks=["g"])
    pd.testing.assert_frame_equal(frame, before)
    assert frame.attrs == {"note": "mine"}


def test_contour_grid_covers_the_benchmark_points(darfur):
    grid = darfur.contour(points=21)
    assert grid.r2dz_x.max() >= max(b.r2dz_x for b in darfur.bounds)
    assert grid.r2yz_dx.max() >= max(b.r2yz_dx for b in darfur.bounds)
    one = adjusted_estimate(darfur.estimate, darfur.std_error, darfur.dof,
                            r2dz_x=grid.r2dz_x[5], r2yz_dx=grid.r2yz_dx[7])
    assert grid.adjusted_estimate[7, 5] == pytest.approx(one.estimate, rel=1e-12)


def test_extreme_grid_is_the_vectorised_adjusted_estimate(darfur):
    grid = darfur.extreme(points=11)
    assert grid.adjusted_estimate.shape == (3, 11)
    assert grid.r2yz_dx.tolist() == [1.0, 0.75, 0.5]
    for i, r2y in enumerate(grid.r2yz_dx):
        for j in (0, 4, 10):
            one = adjusted_estimate(darfur.estimate, darfur.std_error, darfur.dof,
                                    r2dz_x=grid.r2dz_x[j], r2yz_dx=r2y)
            assert grid.adjusted_estimate[i, j] == pytest.approx(one.estimate, rel=1e-12)
    # the worst case (r2yz_dx = 1) lies below the others for a positive estimate
    assert np.all(grid.adjusted_estimate[0] <= grid.adjusted_estimate[1] + 1e-15)
    with pytest.raises(ParameterError, match="r2dz_x"):
        ovb_extreme_grid(0.1, 0.02, 100, r2dz_x=[0, 1.0])
    with pytest.raises(ParameterError, match="r2yz_dx"):
        ovb_extreme_grid(0.1, 0.02, 100, r2yz_dx=[1.5])


def test_plots_draw_contour_and_extreme(darfur):
    from causal.plots._figure import new_figure
    from causal.plots.ovb import plot_ovb_contour
    from causal.plots.ovb_extreme import plot_ovb_extreme

    _, ax = new_figure()
    out = plot_ovb_contour(darfur.contour(points=21), ax=ax, points=darfur.benchmark_points())
    assert out is ax
    # benchmarks carry short tags at their markers and the covariate's name in the legend
    assert [t.get_text() for t in ax.texts if t.get_text().endswith("x")] == ["1x", "2x", "3x"]
    assert "kx: k times as strong as female" in [t.get_text()
                                                 for t in ax.get_legend().get_texts()]
    _, ax = new_figure()
    grid = darfur.extreme(points=21)
    out = plot_ovb_extreme(grid, ax=ax, benchmarks=[(b.label, b.r2dz_x) for b in darfur.bounds])
    assert out is ax and len(ax.lines) >= 3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), grid.adjusted_estimate[0])


def test_omitted_variable_identity_with_the_latent_column():
    """Cinelli & Hazlett (2020) eq. 12 is an identity for least squares: with the omitted
    variable's partial R²s computed from the data (benchmark of a fit that includes it), the
    adjusted estimate of the fit without it equals the coefficient of the fit with it."""
    rng = np.random.default_rng(2021)
    n = 500
    frame = _cohort(n=n, seed=21)
    frame["z"] = 0.7 * frame["a"] + 0.3 * frame["x"] + rng.normal(size=n)
    frame["y"] = frame["y"] + 0.8 * frame["z"]
    base = dict(treatment="a", outcome="y", categorical=["g"])
    short = ovb_sensitivity(frame, **base, covariates=["x", "g"])
    long = ovb_sensitivity(frame, **base, covariates=["x", "g", "z"], benchmarks=["z"], kd=[1])
    z = long.benchmarks[0]
    adjusted = adjusted_estimate(short.estimate, short.std_error, short.dof, r2dz_x=z.r2dxj_x,
                                 r2yz_dx=z.r2yxj_dx)
    assert adjusted.estimate == pytest.approx(long.estimate, rel=1e-9)
    assert adjusted.std_error == pytest.approx(long.std_error, rel=1e-9)
