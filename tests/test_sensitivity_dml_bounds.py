"""Long-Story-Short bounds of the cross-fitted AIPW against DoubleML 0.11.4.

Every peer number comes from ``doubleml.DoubleMLIRM`` (0.11.4) given OUR cross-fitted
nuisance predictions through ``fit(external_predictions={"a": {"ml_g0": m0, "ml_g1": m1,
"ml_m": e}})`` with dummy learners and ``PSProcessorConfig(clipping_threshold=1e-12)`` (no
clipping, as our AIPW never clips), then ``sensitivity_analysis(cf_y, cf_d, rho, level=0.95)``
and ``doubleml.utils.gain_statistics(long, short)``. The same inputs make the comparison exact:
tolerance 1e-9 relative for estimates, SEs, bounds, limits and benchmark parameters
(floating-point reordering only); RV and RVa 1e-5 absolute, DoubleML's ``minimize_scalar``
(bounded, default ``xatol = 1e-5``) against our closed form.

Data: NHEFS (real, ``causaldata.nhefs_complete``, continuous outcome) and a SIMULATED cohort
with a 0/1 outcome (seeded).
"""

from __future__ import annotations

import warnings

import doubleml as dml  # a dev dependency: the peer these tests compare with
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from causal.estimate import AIPW
from causal.sensitivity.omitted_variable.dml_bounds import bias_bounds, robustness_values
from causal.sensitivity.omitted_variable.dml_refit import (
    _short_estimator,
    aipw_bounds,
    dml_sensitivity,
    elements_from_estimate,
)

Z95 = norm.ppf(0.95)  # DoubleML's one-sided quantile at level=0.95
NHEFS_COVARIATES = ["sex", "race", "age", "education", "smokeintensity", "smokeyrs", "exercise",
                    "active", "wt71"]
NHEFS_MODEL = dict(treatment="qsmk", outcome="wt82_71", covariates=NHEFS_COVARIATES,
                   categorical=["education", "exercise", "active"],
                   squared=["age", "smokeintensity", "smokeyrs", "wt71"])


@pytest.fixture(scope="module")
def nhefs() -> pd.DataFrame:
    from causal.data.real import load_source

    return load_source("causaldata:nhefs_complete")


@pytest.fixture(scope="module")
def binary() -> pd.DataFrame:
    """SIMULATED: logistic treatment and logistic 0/1 outcome on three covariates."""
    rng = np.random.default_rng(20240101)
    n = 3000
    x = rng.standard_normal((n, 3))
    a = (rng.random(n) < 1 / (1 + np.exp(-(0.6 * x[:, 0] - 0.5 * x[:, 1])))).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.3 + 0.8 * a + 0.7 * x[:, 0] + 0.4 * x[:, 2])))
         ).astype(float)
    return pd.DataFrame({"a": a, "y": y, "x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2]})


BINARY_MODEL = dict(treatment="a", outcome="y", covariates=["x0", "x1", "x2"])


def _doubleml(frame: pd.DataFrame, estimate, model: dict, score: str):
    """DoubleMLIRM fitted on our nuisance predictions (see the module docstring)."""
    from doubleml.utils import DMLDummyClassifier, DMLDummyRegressor
    from doubleml.utils.propensity_score_processing import PSProcessorConfig

    nuisance = estimate.diagnostics["nuisance"]
    data = pd.DataFrame({"y": nuisance["y"], "d": nuisance["a"], "x": np.zeros(len(frame))})
    obj = dml.DoubleMLData(data, y_col="y", d_cols="d", x_cols=["x"])
    irm = dml.DoubleMLIRM(obj, ml_g=DMLDummyRegressor(), ml_m=DMLDummyClassifier(), n_folds=2,
                          score=score, ps_processor_config=PSProcessorConfig(
                              clipping_threshold=1e-12))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        irm.fit(external_predictions={"d": {"ml_g0": nuisance["m0"][:, None],
                                            "ml_g1": nuisance["m1"][:, None],
                                            "ml_m": nuisance["e"][:, None]}})
    return irm


CASES = [("nhefs", NHEFS_MODEL, "ate"), ("nhefs", NHEFS_MODEL, "att"),
         ("binary", BINARY_MODEL, "ate"), ("binary", BINARY_MODEL, "att")]


@pytest.mark.parametrize(("data_name", "model", "estimand"), CASES)
@pytest.mark.parametrize(("cf_y", "cf_d", "rho"), [(0.03, 0.03, 1.0), (0.1, 0.2, -0.6)])
def test_bounds_match_doubleml(request, data_name, model, estimand, cf_y, cf_d, rho):
    frame = request.getfixturevalue(data_name)
    estimate = AIPW(estimand=estimand, random_state=7).estimate(frame, **model)
    ours = aipw_bounds(estimate, cf_y=cf_y, cf_d=cf_d, rho=rho)
    irm = _doubleml(frame, estimate, model, "ATE" if estimand == "ate" else "ATTE")
    irm.sensitivity_analysis(cf_y=cf_y, cf_d=cf_d, rho=rho, level=0.95)
    peer = irm.sensitivity_params
    rel = 1e-9
    assert ours.estimate == pytest.approx(irm.coef[0], rel=rel)
    assert ours.estimate == pytest.approx(estimate.estimate, rel=rel)
    assert ours.std_error == pytest.approx(irm.se[0], rel=rel)
    assert ours.bounds[0] == pytest.approx(peer["theta"]["lower"][0], rel=rel)
    assert ours.bounds[1] == pytest.approx(peer["theta"]["upper"][0], rel=rel)
    # DoubleML's SE of the lower bound is the SE of OUR upper bound and vice versa (its bound
    # influence values start from -phi_theta); its limits pair each bound with that SE.
    assert ours.bounds_se[1] == pytest.approx(peer["se"]["lower"][0], rel=rel)
    assert ours.bounds_se[0] == pytest.approx(peer["se"]["upper"][0], rel=rel)
    assert ours.bounds[0] - Z95 * ours.bounds_se[1] == pytest.approx(peer["ci"]["lower"][0],
                                                                      rel=rel)
    assert ours.bounds[1] + Z95 * ours.bounds_se[0] == pytest.approx(peer["ci"]["upper"][0],
                                                                      rel=rel)
    # ours: each bound with its own SE, one-sided z = 1.645
    assert ours.ci == pytest.approx((ours.bounds[0] - Z95 * ours.bounds_se[0],
                                     ours.bounds[1] + Z95 * ours.bounds_se[1]), rel=1e-12)
    assert ours.sigma2 == pytest.approx(irm.framework.sensitivity_elements["sigma2"].item(),
                                        rel=rel)
    assert ours.nu2 == pytest.approx(irm.framework.sensitivity_elements["nu2"].item(), rel=rel)
    assert ours.rv == pytest.approx(peer["rv"][0], abs=1e-5)
    rv, rva_peer_convention = robustness_values(ours.elements, rho=rho, doubleml_ci=True)
    assert rv == ours.rv
    assert rva_peer_convention == pytest.approx(peer["rva"][0], abs=1e-5)


def test_robustness_values_solve_their_equations(nhefs):
    """Derivation: at cf_y = cf_d = RV the bound nearest the null equals it; at RVa its
    one-sided limit does (closed forms in dml_bounds.robustness_values)."""
    estimate = AIPW(random_state=3).estimate(nhefs, **NHEFS_MODEL)
    result = aipw_bounds(estimate)
    assert 0 < result.rva < result.rv < 1
    at_rv = bias_bounds(result.elements, result.rv, result.rv)
    at_rva = bias_bounds(result.elements, result.rva, result.rva)
    assert float(at_rv["lower"]) == pytest.approx(0.0, abs=1e-10)
    assert float(at_rva["ci_lower"]) == pytest.approx(0.0, abs=1e-10)
    # a null above the estimate moves the upper bound; rho scales the strength needed
    high = estimate.estimate + 1.0
    rv_up, rva_up = robustness_values(result.elements, null=high, rho=0.5)
    up = bias_bounds(result.elements, rv_up, rv_up, 0.5)
    assert float(up["upper"]) == pytest.approx(high, rel=1e-10)
    assert float(bias_bounds(result.elements, rva_up, rva_up, 0.5)["ci_upper"]) == \
        pytest.approx(high, rel=1e-10)
    # a null inside the estimate's own one-sided limit: RVa is 0
    assert robustness_values(result.elements, null=estimate.estimate)[1] == 0.0


@pytest.mark.parametrize("estimand", ["ate", "att"])
def test_benchmark_groups_match_doubleml_gain_statistics(nhefs, estimand):
    """Benchmarks: DoubleML's gain_statistics on long and short DoubleMLIRM fits given our long
    and short (same folds, group refitted out) predictions."""
    from doubleml.utils.gain_statistics import gain_statistics

    score = "ATE" if estimand == "ate" else "ATTE"
    estimator = AIPW(estimand=estimand, random_state=11)
    groups = ["sex", ["smokeintensity", "smokeyrs"]]
    result = dml_sensitivity(nhefs, **NHEFS_MODEL, estimator=estimator, benchmarks=groups)
    long = estimator.estimate(nhefs, **NHEFS_MODEL)
    irm_long = _doubleml(nhefs, long, NHEFS_MODEL, score)
    short_estimator = _short_estimator(estimator, long.diagnostics["nuisance"]["fold"])
    assert [b.label for b in result.benchmarks] == ["sex", "smokeintensity + smokeyrs"]
    for bench, group in zip(result.benchmarks, (["sex"], ["smokeintensity", "smokeyrs"]),
                            strict=True):
        keep = [c for c in NHEFS_COVARIATES if c not in group]
        short = short_estimator.estimate(
            nhefs, treatment="qsmk", outcome="wt82_71", covariates=keep,
            categorical=[c for c in NHEFS_MODEL["categorical"] if c in keep],
            squared=[c for c in NHEFS_MODEL["squared"] if c in keep])
        peer = gain_statistics(irm_long, _doubleml(nhefs, short, NHEFS_MODEL, score))
        assert bench.cf_y == pytest.approx(peer["cf_y"][0], rel=1e-9, abs=1e-12)
        assert bench.cf_d == pytest.approx(peer["cf_d"][0], rel=1e-9, abs=1e-12)
        assert bench.rho == pytest.approx(peer["rho"][0], rel=1e-9)
        assert bench.delta_theta == pytest.approx(peer["delta_theta"][0], rel=1e-9)
        at = bias_bounds(result.elements, bench.cf_y, bench.cf_d, bench.rho)
        assert bench.lower == pytest.approx(float(at["lower"]), rel=1e-12)


def test_short_fit_reuses_the_long_folds(binary):
    estimator = AIPW(random_state=5, cv=4)
    long = estimator.estimate(binary, **BINARY_MODEL)
    fold = long.diagnostics["nuisance"]["fold"]
    refit = _short_estimator(estimator, fold).estimate(binary, **BINARY_MODEL)
    assert refit.estimate == pytest.approx(long.estimate, rel=1e-12)
    assert np.array_equal(refit.diagnostics["nuisance"]["fold"], fold)
    assert sorted(np.bincount(fold)) == sorted(len(p) for p in np.array_split(range(3000), 4))


def test_elements_from_estimate_reproduce_the_aipw_fit(binary):
    estimate = AIPW(random_state=1).estimate(binary, **BINARY_MODEL)
    elements = elements_from_estimate(estimate)
    assert elements.theta == pytest.approx(estimate.estimate, rel=1e-12)
    assert elements.std_error == pytest.approx(estimate.std_error, rel=1e-10)
    for phi in (elements.phi_theta, elements.phi_sigma2, elements.phi_nu2):
        assert abs(phi.mean()) < 1e-12 * max(1.0, np.abs(phi).max())


def test_atc_elements_are_the_att_elements_with_the_treatment_coded_the_other_way():
    """Derivation (docstring of ``riesz_elements``): the ATC's weights w = (1-a)/q and
    w_bar = (1-e)/q are the ATT's with a -> 1-a, e -> 1-e, m1 <-> m0; the effect on the
    controls is minus the 'ATT' of not being treated, and sigma^2, nu^2 and the influence
    values of the variances are the same numbers."""
    from causal.sensitivity.omitted_variable.dml_bounds import riesz_elements

    rng = np.random.default_rng(11)
    n = 500
    e = rng.uniform(0.1, 0.9, n)
    a = (rng.uniform(size=n) < e).astype(float)
    m0 = rng.normal(size=n)
    m1 = m0 + 0.5 + rng.normal(scale=0.2, size=n)
    y = np.where(a == 1, m1, m0) + rng.normal(size=n)
    atc = riesz_elements(y, a, e, m1, m0, estimand="atc")
    flipped = riesz_elements(y, 1 - a, 1 - e, m0, m1, estimand="att")
    assert atc.theta == pytest.approx(-flipped.theta, abs=1e-12)
    assert atc.sigma2 == pytest.approx(flipped.sigma2, abs=1e-12)
    assert atc.nu2 == pytest.approx(flipped.nu2, abs=1e-12)
    np.testing.assert_allclose(atc.phi_theta, -flipped.phi_theta, atol=1e-12)
    # and theta is the ATC's doubly robust estimate written out directly
    q = 1 - a.mean()
    direct = np.mean((1 - a) * (m1 - y) + a * (1 - e) / e * (y - m1)) / q
    assert atc.theta == pytest.approx(direct, abs=1e-12)
