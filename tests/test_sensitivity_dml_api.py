"""dml_sensitivity / aipw_bounds: errors, result schema, contour data and plot.

Numbers asserted here are derivations stated next to them; the peer comparison is in
tests/test_sensitivity_dml_bounds.py. Data: a SIMULATED cohort (seeded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import CausalError, ParameterError
from causal.estimate import AIPW, IPW
from causal.sensitivity.omitted_variable.dml_bounds import (
    bias_bounds,
    gain_statistics,
    riesz_elements,
)
from causal.sensitivity.omitted_variable.dml_refit import aipw_bounds, dml_sensitivity
from causal.sensitivity.omitted_variable.dml_result import dml_contour_grid

MODEL = dict(treatment="a", outcome="y", covariates=["x0", "x1", "x2"])


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """SIMULATED: confounded binary treatment, continuous outcome, true ATE 1."""
    rng = np.random.default_rng(4)
    n = 1500
    x = rng.standard_normal((n, 3))
    a = (rng.random(n) < 1 / (1 + np.exp(-(0.7 * x[:, 0] + 0.3 * x[:, 1])))).astype(float)
    y = a + x @ np.array([1.0, 0.5, -0.3]) + rng.standard_normal(n)
    return pd.DataFrame({"a": a, "y": y, "x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2]})


@pytest.fixture(scope="module")
def result(frame):
    return dml_sensitivity(frame, **MODEL, benchmarks=["x0", ["x1", "x2"]], random_state=2)


def test_summary_schema_and_benchmark_table(result):
    summary = result.summary()
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert len(summary) == 5 + 2
    assert summary.loc[1, "estimate"] == result.bounds[0]
    table = result.benchmark_table()
    assert list(table["benchmark"]) == ["x0", "x1 + x2"]
    assert "one-sided 0.95" in summary.loc[1, "note"]


def test_idempotent_and_input_untouched(frame, result):
    before = frame.copy()
    again = dml_sensitivity(frame, **MODEL, benchmarks=["x0", ["x1", "x2"]], random_state=2)
    pd.testing.assert_frame_equal(frame, before)
    assert again.bounds == result.bounds and again.rv == result.rv
    assert again.benchmarks == result.benchmarks


def test_zero_confounding_gives_the_estimate(frame):
    """cf_y = 0: no bias; the limits are the estimate -/+ z SE with one-sided z."""
    estimate = AIPW(random_state=1).estimate(frame, **MODEL)
    r = aipw_bounds(estimate, cf_y=0.0, cf_d=0.5)
    assert r.bounds == (r.estimate, r.estimate)
    assert r.ci[0] == pytest.approx(r.estimate - 1.6448536269514722 * r.std_error, rel=1e-12)


def test_bias_is_linear_in_confounding_strength(result):
    """Derivation: bias = |rho| sqrt(cf_y cf_d / (1 - cf_d)) sqrt(sigma2 nu2)."""
    out = bias_bounds(result.elements, 0.04, 0.2, -0.5)
    expected = 0.5 * np.sqrt(0.04 * 0.2 / 0.8) * np.sqrt(result.sigma2 * result.nu2)
    assert float(out["bias"]) == pytest.approx(expected, rel=1e-12)


def test_strong_benchmark_explains_more(result):
    """x0 drives treatment and outcome most strongly in the simulation: its benchmark
    parameters exceed those of the weaker group (x1, x2)."""
    strong, weak = result.benchmarks
    assert strong.cf_y > weak.cf_y and strong.cf_d > weak.cf_d
    assert strong.delta_theta > 0.3  # omitting x0 (positive on both) biases the ATE upwards


def test_gain_statistics_clip_and_sign(result):
    """DoubleML's rules: a short fit with SMALLER residual variance gives cf_y 0 and |rho| 1."""
    from dataclasses import replace

    e = result.elements
    short = replace(e, sigma2=0.9 * e.sigma2, nu2=0.5 * e.nu2, theta=e.theta - 0.1)
    g = gain_statistics(e, short)
    assert g["cf_y"] == 0.0 and g["rho"] == -1.0
    assert g["cf_d"] == 1.0  # (nu2 - nu2_s) / nu2_s = 1 exactly here, clipped to [0, 1]
    assert g["delta_theta"] == pytest.approx(-0.1, rel=1e-12)
    wider = replace(e, sigma2=1.5 * e.sigma2, nu2=0.8 * e.nu2, theta=e.theta + 1e-3)
    g = gain_statistics(e, wider)
    assert g["cf_y"] == pytest.approx(0.5, rel=1e-12)
    assert g["cf_d"] == pytest.approx(0.25, rel=1e-12)
    assert g["rho"] == pytest.approx(1e-3 / np.sqrt(0.5 * e.sigma2 * 0.2 * e.nu2), rel=1e-9)


def test_contour_grid_and_plot(result):
    import matplotlib

    matplotlib.use("Agg")
    from causal.plots.dml_bounds import dml_contour_points, plot_dml_contour

    grid = result.contour(points=21)
    assert grid.values.shape == (21, 21)
    assert grid.cf_y[-1] >= max(b.cf_y for b in result.benchmarks if b.cf_y < 0.99)
    i, j = 7, 13
    point = bias_bounds(result.elements, grid.cf_y[i], grid.cf_d[j], result.rho)
    assert grid.values[i, j] == pytest.approx(float(point["lower"]), rel=1e-12)
    ci = dml_contour_grid(result.elements, grid.cf_y, grid.cf_d, value="ci", side="upper")
    assert ci.values[i, j] == pytest.approx(float(point["ci_upper"]), rel=1e-12)
    ax = plot_dml_contour(grid, points=dml_contour_points(result),
                          scenario=(result.cf_d, result.cf_y))
    assert ax.get_xlim() == (0.0, grid.cf_d[-1])
    assert "x0" in [t.get_text() for t in ax.texts]
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"cf_y": 1.0}, r"`cf_y` must be in \[0, 1\); got 1.0"),
    ({"cf_d": -0.1}, r"`cf_d` must be in \[0, 1\); got -0.1"),
    ({"rho": 1.5}, r"`rho` must be in \[-1, 1\]; got 1.5"),
    ({"alpha": 2}, r"`alpha`"),
    ({"null": float("nan")}, r"`null` must be a finite number"),
])
def test_bad_parameters_raise(frame, kwargs, match):
    estimate = AIPW(random_state=1).estimate(frame, **MODEL)
    with pytest.raises(ParameterError, match=match):
        aipw_bounds(estimate, **kwargs)


def test_bad_estimates_and_benchmarks_raise(frame):
    with pytest.raises(ParameterError, match=r"`estimate` must be an AIPW EffectEstimate"):
        aipw_bounds(IPW().estimate(frame, **MODEL))
    binary = frame.assign(y=(frame.y > 0).astype(float))
    with pytest.raises(ParameterError, match=r"measure 'rd' or 'md'.*got measure 'or'"):
        aipw_bounds(AIPW(measure="or", random_state=1).estimate(binary, **MODEL))
    with pytest.raises(ParameterError, match=r"`benchmarks` must name covariates .*'age'"):
        dml_sensitivity(frame, **MODEL, benchmarks=["age"])
    with pytest.raises(ParameterError, match=r"`benchmarks` must be covariate names"):
        dml_sensitivity(frame, **MODEL, benchmarks=[[]])
    with pytest.raises(ParameterError, match=r"`estimator` must be a causal.estimate.AIPW"):
        dml_sensitivity(frame, **MODEL, estimator=IPW())
    with pytest.raises(CausalError, match=r"`a` \(treatment\) must be 0/1"):
        riesz_elements([1.0, 0.0], [2.0, 0.0], [0.5, 0.5], [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(CausalError, match=r"`e` \(propensity scores\) must lie strictly"):
        riesz_elements([1.0, 0.0], [1.0, 0.0], [1.0, 0.5], [0.0, 0.0], [0.0, 0.0])


def test_benchmarks_on_the_long_fits_arrays_equal_a_fresh_preparation(frame, result,
                                                                      monkeypatch):
    """A benchmark of plain numeric covariates refits on the long fit's arrays less their
    columns; preparing the data again for the remaining covariates gives the same numbers
    (the same rows and columns, so to rounding of the same arithmetic)."""
    from causal.sensitivity.omitted_variable import dml_refit

    monkeypatch.setattr(dml_refit, "_without", lambda *args: None)
    fresh = dml_sensitivity(frame, **MODEL, benchmarks=["x0", ["x1", "x2"]], random_state=2)
    for reused, prepared in zip(result.benchmarks, fresh.benchmarks, strict=True):
        for key in ("cf_y", "cf_d", "rho", "delta_theta", "lower", "upper"):
            assert getattr(reused, key) == pytest.approx(getattr(prepared, key), rel=1e-12)
