"""Effect heterogeneity (causal.estimate.heterogeneity) on SIMULATED data with a known CATE.

Monte Carlo reasoning used below. The DR-learner's slope and ATE are asymptotically normal with
the reported standard errors (Kennedy 2023; Semenova & Chernozhukov 2021), so for one simulated
data set |estimate - truth| > 4 SE has probability 2 * (1 - Phi(4)) = 6.3e-5, and a 95% CI misses
the truth with probability 0.05. The seeds are fixed (the first ones tried, not searched for), so
each test is deterministic; a failure after a code change means an estimate moved by several
SEs or an interval narrowed. benchmarks/heterogeneity.py checks the 95% coverage over 200 seeds.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import DataError, OverlapWarning, ParameterError
from causal.estimate.heterogeneity import effect_heterogeneity


def expit(v):
    return 1 / (1 + np.exp(-v))


def simulate_continuous(n: int, seed: int, slope: float) -> pd.DataFrame:
    """x confounds and modifies, w confounds; Y(1) - Y(0) = 1 + slope * x exactly."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=n)
    t = rng.binomial(1, expit(0.5 * x - 0.5 * w))
    y = x + w + t * (1 + slope * x) + rng.normal(size=n)
    frame = pd.DataFrame({"t": t, "y": y, "x": x, "w": w})
    frame.attrs["simulated"] = True
    return frame


def simulate_binary(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Logistic potential-outcome risks p0, p1 (returned with the data); the per-arm logistic
    outcome model is correctly specified."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=n)
    t = rng.binomial(1, expit(-0.3 + 0.5 * x - 0.5 * w))
    p0 = expit(-0.8 + 0.6 * x + 0.5 * w)
    p1 = expit(-0.8 + 0.9 + (0.6 - 0.5) * x + 0.5 * w)
    y = rng.binomial(1, np.where(t == 1, p1, p0))
    frame = pd.DataFrame({"t": t, "y": y, "x": x, "w": w})
    frame.attrs["simulated"] = True
    return frame, p0, p1


CONTINUOUS = dict(treatment="t", outcome="y", covariates=["x", "w"], modifiers=["x"],
                  outcome_type="continuous")
BINARY = dict(CONTINUOUS, outcome_type="binary")


@pytest.fixture(scope="module")
def linear_cate():
    data = simulate_continuous(3000, seed=0, slope=0.5)
    return data, effect_heterogeneity(data, cv=3, random_state=0, **CONTINUOUS)


def test_linear_cate_slope_and_ate_are_recovered(linear_cate):
    data, result = linear_cate
    # truth: tau(x) = 1 + 0.5 x, so the slope is 0.5 and the CATE averaged over this sample's
    # x (the estimand of ate_ci, see the estimator's Notes) is 1 + 0.5 mean(x)
    se = result.slope_std_errors[0]
    assert abs(result.slopes[0] - 0.5) < 4 * se
    assert result.slope_cis[0][0] <= 0.5 <= result.slope_cis[0][1]
    true_ate = 1 + 0.5 * data.x.mean()
    assert abs(result.ate - true_ate) < 4 * result.ate_std_error
    assert result.ate_ci[0] <= true_ate <= result.ate_ci[1]
    # the simulated slope is ~12 SEs from 0, so the sentence must say the effect varies
    assert result.slope_cis[0][0] > 0
    assert "The estimated effect does vary with x: +0." in result.sentence()
    assert result.sentence().startswith("In this simulated data, averaged over the sample")
    assert result.notes == ()  # x is a listed covariate; overlap is fine


def test_null_heterogeneity_slope_ci_covers_zero():
    data = simulate_continuous(3000, seed=1, slope=0.0)
    result = effect_heterogeneity(data, cv=3, random_state=1, **CONTINUOUS)
    low, high = result.slope_cis[0]
    assert low <= 0 <= high
    assert abs(result.slopes[0]) < 4 * result.slope_std_errors[0]
    assert "does not detectably vary with x" in result.sentence("x")


def test_binary_outcome_ate_is_the_marginal_risk_difference():
    data, p0, p1 = simulate_binary(4000, seed=2)
    result = effect_heterogeneity(data, cv=3, random_state=2, **BINARY)
    # the simulation's potential-outcome risks give the sample-average risk difference
    true_rd = float(np.mean(p1 - p0))
    assert abs(result.ate - true_rd) < 4 * result.ate_std_error
    # the slope estimates the best linear predictor of the true CATE given x (Semenova &
    # Chernozhukov 2021): the OLS slope of p1 - p0 on x in this sample
    true_blp = np.polyfit(data.x, p1 - p0, 1)[0]
    assert abs(result.slopes[0] - true_blp) < 4 * result.slope_std_errors[0]
    assert result.scale == "risk difference"
    assert result.summary()["quantity"][0] == "ATE (risk difference) (simulated data)"
    stated = re.search(r"the estimated effect of t on y is ([+-]\d+\.\d+) percentage points",
                       result.sentence())
    assert float(stated.group(1)) == pytest.approx(100 * result.ate, abs=0.05)  # 3 digits


# ------------------------------------------------ hand-written reference implementation --
def hand_dr_learner(data, folds, binary):
    """Cross-fitted AIPW pseudo-outcomes with the estimator's default nuisance models, then
    OLS of the pseudo-outcome on (1, x) with HC1 errors. Written from the formulas in
    effect_heterogeneity's Notes, not from EconML."""
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def logistic():
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    features = data[["x", "w"]].to_numpy(float)
    t, y = data.t.to_numpy(float), data.y.to_numpy(float)
    mu0, mu1, e = (np.empty(len(data)) for _ in range(3))
    for train, test in folds:
        e[test] = logistic().fit(features[train], t[train]).predict_proba(features[test])[:, 1]
        for arm, mu in ((0, mu0), (1, mu1)):
            rows = train[t[train] == arm]
            model = (logistic() if binary else LinearRegression()).fit(features[rows], y[rows])
            mu[test] = (model.predict_proba(features[test])[:, 1] if binary
                        else model.predict(features[test]))
    e = np.clip(e, 1e-6, 1 - 1e-6)  # EconML's min_propensity (never binding here)
    psi = mu1 - mu0 + t * (y - mu1) / e - (1 - t) * (y - mu0) / (1 - e)
    z = np.column_stack([np.ones(len(psi)), data.x.to_numpy(float)])
    bread = np.linalg.inv(z.T @ z)
    beta = bread @ z.T @ psi
    resid = psi - z @ beta
    n, p = z.shape
    cov = n / (n - p) * bread @ (z.T * resid**2) @ z @ bread  # HC1 sandwich
    return psi, beta, cov, resid


@pytest.mark.parametrize("binary", [False, True])
def test_matches_hand_written_cross_fitted_aipw(binary):
    if binary:
        data = simulate_binary(2000, seed=3)[0]
    else:
        data = simulate_continuous(2000, seed=3, slope=0.5)
    rng = np.random.default_rng(3)
    order = rng.permutation(len(data))
    folds = [(np.sort(np.setdiff1d(order, part)), np.sort(part))
             for part in np.array_split(order, 3)]
    result = effect_heterogeneity(data, cv=folds, **(BINARY if binary else CONTINUOUS))
    psi, beta, cov, resid = hand_dr_learner(data, folds, binary)
    n, p = len(psi), 2
    # Same folds and the same deterministic nuisance fits on identical matrices: agreement to
    # floating-point error. 1e-8 absolute leaves room for lbfgs summation order only.
    assert result.ate == pytest.approx(psi.mean(), abs=1e-8)  # ATE = b0 + b1 mean(x) = AIPW
    assert result.intercept == pytest.approx(beta[0], abs=1e-8)
    assert result.slopes[0] == pytest.approx(beta[1], abs=1e-8)
    assert result.slope_std_errors[0] == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-8)
    np.testing.assert_allclose(np.array(result.covariance), cov, rtol=1e-7, atol=1e-12)
    # the SE of the fitted line at mean(x) reduces to sqrt(sum(resid^2) / (n (n - p)))
    assert result.ate_std_error == pytest.approx(math.sqrt((resid**2).sum() / (n * (n - p))),
                                                 rel=1e-8)
    # Wald intervals and p-values at z_0.975 = 1.959963984540054 (EconML's ate_interval included)
    from scipy.stats import norm

    z975 = 1.959963984540054
    assert result.ate_ci == pytest.approx((result.ate - z975 * result.ate_std_error,
                                           result.ate + z975 * result.ate_std_error), abs=1e-10)
    slope_z = beta[1] / math.sqrt(cov[1, 1])
    assert result.slope_p_values[0] == pytest.approx(2 * norm.sf(abs(slope_z)), rel=1e-6)
    # the curve is the fitted line with pointwise Wald limits from the same covariance
    grid = np.array([-1.0, 0.0, 2.5])
    curve = result.curve(values=grid)
    g = np.column_stack([np.ones(3), grid])
    np.testing.assert_allclose(curve.effect, g @ beta, atol=1e-8)
    np.testing.assert_allclose(curve.std_error, np.sqrt(np.einsum("ij,jk,ik->i", g, cov, g)),
                               rtol=1e-7)
    np.testing.assert_allclose(curve.ci_upper - curve.effect, 1.959963984540054 * curve.std_error,
                               rtol=1e-12)
    # at the modifier's mean the curve is the ATE with the ATE's standard error
    at_mean = result.curve(values=[data.x.mean()])
    assert at_mean.effect[0] == pytest.approx(result.ate, abs=1e-10)
    assert at_mean.std_error[0] == pytest.approx(result.ate_std_error, rel=1e-6)


@pytest.mark.parametrize("binary", [False, True])
def test_matches_econml_linear_dr_learner(binary):
    """The peer: EconML's LinearDRLearner with the same nuisance models on the same folds
    (what effect_heterogeneity ran before it computed the DR-learner itself)."""
    from econml.dr import LinearDRLearner

    from causal.estimate._heterogeneity import prepare_heterogeneity_data
    from causal.estimate.heterogeneity import _nuisance_models

    data = (simulate_binary(1500, seed=5)[0] if binary
            else simulate_continuous(1500, seed=5, slope=0.5))
    rng = np.random.default_rng(5)
    order = rng.permutation(len(data))
    folds = [(np.sort(np.setdiff1d(order, part)), np.sort(part))
             for part in np.array_split(order, 3)]
    options = BINARY if binary else CONTINUOUS
    result = effect_heterogeneity(data, cv=folds, **options)
    prepared = prepare_heterogeneity_data(
        data, treatment=options["treatment"], outcome=options["outcome"],
        covariates=options["covariates"], modifiers=options["modifiers"],
        binary_outcome=binary)
    propensity, regression = _nuisance_models(None, None, binary)
    learner = LinearDRLearner(model_propensity=propensity, model_regression=regression,
                              discrete_outcome=binary, cv=folds, random_state=0)
    learner.fit(prepared.y, prepared.t, X=prepared.x, W=prepared.w, inference="auto")
    k = prepared.x.shape[1]
    cate = learner.model_cate(T=1)
    covariance = np.asarray(cate._param_var, dtype=float).reshape(k + 1, k + 1)
    slopes = learner.coef__inference(T=1)
    ate = learner.ate_inference(prepared.x)
    low, high = learner.ate_interval(prepared.x, alpha=0.05)
    assert result.intercept == pytest.approx(float(np.ravel(cate.intercept_)[0]), abs=1e-8)
    np.testing.assert_allclose(result.slopes, np.ravel(slopes.point_estimate), atol=1e-8)
    np.testing.assert_allclose(result.slope_std_errors, np.ravel(slopes.stderr), rtol=1e-7)
    np.testing.assert_allclose(np.array(result.covariance), covariance, rtol=1e-7, atol=1e-12)
    assert result.ate == pytest.approx(float(np.ravel(ate.mean_point)[0]), abs=1e-8)
    assert result.ate_std_error == pytest.approx(float(np.ravel(ate.stderr_mean)[0]), rel=1e-7)
    assert result.ate_ci == pytest.approx((float(np.ravel(low)[0]), float(np.ravel(high)[0])),
                                          abs=1e-8)


# -------------------------------------------------------------------------- contracts --
def test_input_not_modified_and_seeded_reproducibility():
    data = simulate_continuous(1500, seed=4, slope=0.5)
    before = data.copy(deep=True)
    attrs = dict(data.attrs)
    first = effect_heterogeneity(data, cv=2, random_state=11, **CONTINUOUS)
    pd.testing.assert_frame_equal(data, before)
    assert data.attrs == attrs
    second = effect_heterogeneity(data, cv=2, random_state=11, **CONTINUOUS)
    pd.testing.assert_frame_equal(first.summary(), second.summary(), check_exact=True)
    assert first == second
    other = effect_heterogeneity(data, cv=2, random_state=12, **CONTINUOUS)
    assert other.slopes != first.slopes  # the seed draws the folds
    generator = effect_heterogeneity(data, cv=2, random_state=np.random.default_rng(11),
                                     **CONTINUOUS)
    assert generator.random_state is None and math.isfinite(generator.ate)


def test_several_modifiers_categorical_covariate_and_binary_modifier():
    rng = np.random.default_rng(5)
    data = simulate_continuous(2000, seed=5, slope=0.5)
    data["ltc"] = rng.binomial(1, 0.4, len(data)).astype(bool)
    data["problem"] = pd.Categorical(rng.choice(["depression", "anxiety", "mixed"], len(data)))
    data["sex"] = rng.choice(["female", "male"], len(data))  # plain text: one-hot encoded
    result = effect_heterogeneity(data, treatment="t", outcome="y",
                                  covariates=["x", "w", "problem", "sex"],
                                  modifiers=["x", "ltc"],
                                  outcome_type="continuous", cv=2, random_state=5)
    table = result.summary()
    assert tuple(table.columns) == SUMMARY_COLUMNS
    assert list(table.quantity) == ["ATE (mean difference) (simulated data)",
                                    "change in effect with x (simulated data)",
                                    "change in effect with ltc (simulated data)"]
    assert "other modifiers held fixed" in table.note[1]
    assert table.note[2].startswith("effect when ltc = 1 minus effect when ltc = 0")
    # ltc does not modify the effect in the simulation
    assert result.slope_cis[1][0] <= 0 <= result.slope_cis[1][1]
    assert re.search(r"vary with ltc: the effect is \d\.\d+ (larger|smaller) when ltc = 1 than "
                     r"when ltc = 0 \(95% CI -?\d", result.sentence("ltc"))
    curve = result.curve("ltc")
    assert curve.value.tolist() == [0.0, 1.0]
    assert curve.attrs["held_at"] == {"x": pytest.approx(data.x.mean())}
    assert result.reference_values[1] == float(data.ltc.mean() > 0.5)  # the mode of ltc
    diff = curve.effect[1] - curve.effect[0]
    assert diff == pytest.approx(result.slopes[1], abs=1e-10)


def test_weak_overlap_warns_and_is_recorded():
    rng = np.random.default_rng(6)
    x = rng.normal(size=2000)
    t = rng.binomial(1, expit(4 * x))
    data = pd.DataFrame({"t": t, "y": x + t + rng.normal(size=2000), "x": x})
    with pytest.warns(OverlapWarning, match="out-of-fold propensity scores range"):
        result = effect_heterogeneity(data, treatment="t", outcome="y", covariates=[],
                                      modifiers=["x"], outcome_type="continuous", cv=2,
                                      random_state=6)
    assert result.propensity_range[0] < 0.01 and "weak overlap" in result.notes[1]
    assert result.notes[0].startswith("modifier(s) x not listed in `covariates` are adjusted")


def test_import_does_not_load_econml_or_sklearn():
    code = ("import sys, causal, causal.estimate.heterogeneity, causal.plots.heterogeneity; "
            "f = causal.effect_heterogeneity; "
            "print(','.join(m for m in ('econml', 'sklearn', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ------------------------------------------------------------------------- bad input --
def _small():
    return simulate_continuous(200, seed=7, slope=0.5)


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "match"),
    [
        (None, {"modifiers": ["phq9"]}, DataError, r"`modifiers` names column\(s\) not in `data`: 'phq9'"),
        (None, {"covariates": ["x", "age"]}, DataError, "`covariates` names column.*'age'"),
        (lambda d: d.assign(x=d.x.astype(str)), {}, DataError,
         "`modifiers` must be numeric columns; 'x' has dtype"),
        (lambda d: d.assign(t=d.t * 2), {}, DataError, "`treatment` column 't' must be coded 0/1; "
         "got values 0, 2"),
        (lambda d: d.assign(x=d.x.where(d.index > 2), w=d.w.where(d.index != 5)), {}, DataError,
         r"missing values in x \(3\), w \(1\); drop or impute"),
        (lambda d: d.assign(t=(np.arange(len(d)) < 5).astype(int)), {}, DataError,
         r"`treatment` arm t = 1 has 5 rows; at least 10 are needed"),
        (lambda d: d.assign(x=1.0), {}, DataError, "takes the single value 1"),
        (lambda d: d.assign(y=d.y.where(d.index != 3, np.inf)), {}, DataError,
         r"infinite values in y \(1\); only finite"),
        (lambda d: d.assign(y=d.y > 0), {}, DataError,
         "`outcome` column 'y' must be numeric for outcome_type='continuous'; got dtype bool"),
        (lambda d: d.assign(w=pd.Timestamp("2024-01-01") + pd.to_timedelta(d.index, "D")), {},
         DataError, "`covariates` must be numeric, boolean, text or categorical columns; 'w' has "
         "dtype datetime64"),
        (None, {"outcome_type": "binary"}, DataError, "`outcome` column 'y' must be coded 0/1"),
        (None, {"outcome_type": "count"}, ParameterError,
         "`outcome_type` must be one of 'binary', 'continuous'; got 'count'"),
        (None, {"modifiers": []}, ParameterError, "`modifiers` must name at least one column"),
        (None, {"modifiers": ["t"]}, ParameterError, "must not include the treatment or outcome"),
        (None, {"cv": 1}, ParameterError, "`cv` must be at least 2 folds; got 1"),
        (None, {"cv": 500}, ParameterError, "the smallest has .* use fewer folds"),
        (None, {"cv": [(np.arange(100), np.arange(100))] * 2}, ParameterError,
         "each of the 200 rows exactly once"),
        (None, {"alpha": 1.5}, ParameterError, r"`alpha` must be in \(0, 1\); got 1.5"),
        (None, {"random_state": "seed"}, ParameterError, "`random_state` must be None"),
        (None, {"propensity_model": "logistic"}, ParameterError,
         "`propensity_model` must be a classifier with predict_proba; got str"),
    ],
)
def test_bad_input_raises_one_clear_sentence(change, kwargs, error, match):
    data = _small() if change is None else change(_small())
    with pytest.raises(error, match=match):
        effect_heterogeneity(data, **{**CONTINUOUS, "cv": 2, **kwargs})


def test_bad_input_binary_outcome_constant_in_an_arm_and_models():
    from sklearn.linear_model import LinearRegression, LogisticRegression

    data, _, _ = simulate_binary(400, seed=8)
    with pytest.raises(DataError, match="`outcome` 'y' is always 0 when t = 1"):
        effect_heterogeneity(data.assign(y=np.where(data.t == 1, 0, data.y)), cv=2, **BINARY)
    with pytest.raises(ParameterError, match="must be a classifier with predict_proba for a "
                                             "binary outcome; got LinearRegression"):
        effect_heterogeneity(data, cv=2, outcome_model=LinearRegression(), **BINARY)
    with pytest.raises(ParameterError, match="must be a regressor for a continuous outcome"):
        effect_heterogeneity(data, cv=2, outcome_model=LogisticRegression(), **CONTINUOUS)
    with pytest.raises(ParameterError, match="`modifier` must be one of 'x'; got 'age'"):
        effect_heterogeneity(data, cv=2, **BINARY).curve("age")


# ---------------------------------------------------------------------------- figure --
def test_plot_draws_the_curve_data(linear_cate):
    import matplotlib.pyplot as plt

    from causal.plots._figure import new_figure
    from causal.plots.heterogeneity import plot_effect_heterogeneity

    data, result = linear_cate
    default = result.curve()
    assert (default.value.iloc[0], default.value.iloc[-1]) == pytest.approx(
        tuple(np.quantile(data.x, [0.025, 0.975])), abs=1e-12)
    figure, ax = new_figure()
    assert plot_effect_heterogeneity(result, "x", ax=ax, num=20) is ax
    curve = result.curve("x", num=20)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), curve.value)
    np.testing.assert_allclose(line.get_ydata(), curve.effect)  # continuous: outcome units
    assert ax.get_title() == "Effect of t by x (simulated data)"
    assert ax.get_lines()[1].get_ydata()[0] == 0  # the no-effect line
    drawn = plot_effect_heterogeneity(result)  # ax=None: a new pyplot figure
    assert drawn is not ax and drawn.get_xlabel() == "x"
    plt.close(drawn.figure)


def test_plot_binary_outcome_in_percentage_points_and_binary_modifier():
    from causal.plots._figure import new_figure
    from causal.plots.heterogeneity import plot_effect_heterogeneity

    data, _, _ = simulate_binary(1500, seed=9)
    data["ltc"] = np.random.default_rng(9).binomial(1, 0.4, len(data))
    data.attrs["simulated"] = False
    result = effect_heterogeneity(data, treatment="t", outcome="y", covariates=["x", "w"],
                                  modifiers=["x", "ltc"], outcome_type="binary", cv=2,
                                  random_state=9)
    _, ax = new_figure()
    plot_effect_heterogeneity(result, "ltc", ax=ax)
    curve = result.curve("ltc")
    points = ax.containers[0].lines[0]  # the errorbar markers
    np.testing.assert_allclose(points.get_ydata(), 100 * curve.effect)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ltc = 0", "ltc = 1"]
    assert "percentage points" in ax.get_ylabel() and "simulated" not in ax.get_title()


# ------------------------------------------------------------------- command line --
def _csv(tmp_path, binary=False):
    data = simulate_binary(1200, seed=10)[0] if binary else simulate_continuous(1200, 10, 0.5)
    path = tmp_path / "cohort.csv"
    data.to_csv(path, index=False)
    return data, path


def test_cli_json_matches_the_library(tmp_path, capsys):
    import json

    from causal.cli import main

    data, path = _csv(tmp_path, binary=True)
    png = tmp_path / "fig" / "het.png"
    status = main(["heterogeneity", str(path), "--treatment", "t", "--outcome", "y",
                   "--outcome-type", "binary", "--covariates", "x,w", "--modifier", "x",
                   "--cv", "2", "--random-state", "3", "--png", str(png), "--json"])
    out, _ = capsys.readouterr()
    assert status == 0
    printed = json.loads(out)
    direct = effect_heterogeneity(data, cv=2, random_state=3, **BINARY)
    assert printed["summary"][0]["estimate"] == pytest.approx(direct.ate, rel=1e-12)
    assert printed["summary"][1]["estimate"] == pytest.approx(direct.slopes[0], rel=1e-12)
    assert printed["sentence"] == direct.sentence().replace("In this simulated data, averaged",
                                                            "Averaged")  # CSV: not labelled
    assert printed["scale"] == "risk difference" and len(printed["curve"]) == 50
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_text_output(tmp_path, capsys):
    from causal.cli import main

    _, path = _csv(tmp_path)
    status = main(["heterogeneity", str(path), "--treatment", "t", "--outcome", "y",
                   "--outcome-type", "continuous", "--covariates", "w", "--modifier", "x",
                   "--cv", "2"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert out.startswith("| quantity | estimate | ci_lower | ci_upper | p_value |")
    assert "| change in effect with x |" in out and "The estimated effect does vary with x" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--modifier", "phq9"], "`modifiers` names column(s) not in `data`: 'phq9'."),
        (["--modifier", "x", "--treatment", "y"], "`treatment` and `outcome` must differ"),
        (["--modifier", "x", "--cv", "1"], "`cv` must be at least 2 folds; got 1."),
    ],
)
def test_cli_bad_input_is_one_line(tmp_path, capsys, args, message):
    from causal.cli import main

    _, path = _csv(tmp_path)
    base = ["heterogeneity", str(path), "--treatment", "t", "--outcome", "y",
            "--outcome-type", "continuous", "--covariates", "w"]
    status = main(base + args)
    _, err = capsys.readouterr()
    assert status == 2 and message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_cli_missing_file(tmp_path, capsys):
    from causal.cli import main

    status = main(["heterogeneity", str(tmp_path / "none.csv"), "--treatment", "t", "--outcome",
                   "y", "--outcome-type", "binary", "--modifier", "x"])
    _, err = capsys.readouterr()
    assert status == 2 and "none.csv: data file not found." in err


# ------------------------------------------------------------- study file and report --
def _thew_text() -> str:
    """The bundled Thew study with its graph path made absolute (so a copy loads anywhere)."""
    from tests.conftest import ROOT, THEW

    return THEW.read_text().replace('"../dags/', f'"{ROOT / "dags"}/')


def test_report_section_on_a_simulated_thew_cohort():
    from causal.report.build import build_report
    from causal.report.model import Figure, Paragraph, Table
    from causal.study import load_study
    from tests.conftest import THEW

    report = build_report(load_study(THEW), sections=["heterogeneity"], random_state=7)
    (section,) = report.sections
    assert section.key == "heterogeneity"
    paragraphs = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert paragraphs[0].startswith("Effect heterogeneity on one SIMULATED cohort of 302")
    table = next(b for b in section.blocks if isinstance(b, Table)).frame
    assert len(table) == 4 and table.quantity[1] == ("change in effect with phq9_baseline "
                                                     "(simulated data)")
    assert paragraphs[1] == section.data["sentence"]
    assert section.data["sentence"].startswith("In this simulated data")
    figure = next(b for b in section.blocks if isinstance(b, Figure))
    assert figure.key == "heterogeneity_phq9_baseline" and figure.png[:4] == b"\x89PNG"
    assert "heterogeneity_data_sha256" in report.reproducibility


def test_no_section_without_a_heterogeneity_table(tmp_path):
    from causal.report.build import build_report
    from causal.study import load_study

    text = _thew_text()
    path = tmp_path / "thew.toml"
    path.write_text(text[:text.index("[heterogeneity]")])
    assert build_report(load_study(path), sections=["heterogeneity"]).sections == ()


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('modifiers = ["phq9_baseline", "age", "long_term_condition"]',
         'modifiers = ["motivation"]',
         r"field `heterogeneity.modifiers` must be among the study's covariates"),
        ('outcome_type = "binary"\ncv', 'outcome_type = "count"\ncv',
         r"field `heterogeneity.outcome_type` must be one of 'binary', 'continuous'.*; got 'count'"),
        ("cv = 5\n", "cv = 1\n", r"field `heterogeneity.cv` must be an integer number of folds"),
        ("cv = 5\n", "cv = 5\nfolds = 3\n", r"unknown field `heterogeneity.folds`"),
    ],
)
def test_heterogeneity_table_is_validated(tmp_path, old, new, match):
    from causal.errors import StudySpecError
    from causal.study import load_study

    text = _thew_text()
    head, tail = text[:text.index("[heterogeneity]")], text[text.index("[heterogeneity]"):]
    assert old in tail
    path = tmp_path / "thew.toml"
    path.write_text(head + tail.replace(old, new, 1))
    with pytest.raises(StudySpecError, match=match):
        load_study(path)
