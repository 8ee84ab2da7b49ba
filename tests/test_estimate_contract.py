"""Contract tests run over every estimator: idempotence, no mutation, summary schema, seeded
bootstrap, and every kind of bad input (raising with a matching message)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import (
    DataError,
    NotEstimableError,
    OverlapWarning,
    ParameterError,
    SeparationWarning,
)
from causal.estimate import (
    AIPW,
    IPW,
    Crude,
    EffectEstimate,
    GComputation,
    OutcomeRegression,
    PSMatching,
)
from tests._estimate_sim import simulate

ESTIMATORS = [Crude, OutcomeRegression, GComputation, IPW, AIPW, PSMatching]
PS_ESTIMATORS = [IPW, AIPW, PSMatching]
SPEC = dict(treatment="a", outcome="y", covariates=["x1", "x2", "x3"])


@pytest.fixture(scope="module")
def data():
    return simulate(600, seed=1)


@pytest.fixture(scope="module")
def binary_data():
    return simulate(600, seed=2, outcome="binary")


def _equal(r1: EffectEstimate, r2: EffectEstimate) -> None:
    assert r1 == r2
    pd.testing.assert_frame_equal(r1.summary(), r2.summary())


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("outcome", ["continuous", "binary"])
def test_idempotent_unmutated_schema(cls, outcome, data, binary_data):
    df = data if outcome == "continuous" else binary_data
    before = df.copy(deep=True)
    est = cls(n_bootstrap=200, random_state=7)
    params = est.get_params()
    r1 = est.estimate(df, **SPEC)
    r2 = est.estimate(df, **SPEC)
    _equal(r1, r2)
    pd.testing.assert_frame_equal(df, before)  # values, dtypes, columns, index unchanged
    assert df.attrs == before.attrs
    assert est.get_params() == params  # estimate() leaves the configuration alone
    summary = r1.summary()
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary.loc[0, "ci_lower"] < summary.loc[0, "estimate"] < summary.loc[0, "ci_upper"]
    assert r1.bootstrap is not None and r1.bootstrap.n_replicates == 200
    if r1.measure == "or":
        assert r1.odds_ratio_kind in {"conditional", "marginal", "crude"}
    else:
        assert r1.odds_ratio_kind is None


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_seeded_bootstrap(cls, data):
    r1 = cls(n_bootstrap=300, random_state=11).estimate(data, **SPEC)
    r2 = cls(n_bootstrap=300, random_state=11).estimate(data, **SPEC)
    r3 = cls(n_bootstrap=300, random_state=12).estimate(data, **SPEC)
    r4 = cls(n_bootstrap=300, random_state=np.random.default_rng(11)).estimate(data, **SPEC)
    assert r1.bootstrap.ci == r2.bootstrap.ci
    assert r1.bootstrap.ci != r3.bootstrap.ci
    assert np.isfinite(r4.bootstrap.ci).all()
    # first-order agreement of bootstrap and Wald SEs: with B = 300 the bootstrap SD has a
    # relative MC error of about 1/sqrt(2 * 300) = 4%; 20% is 5 of those.
    assert r1.bootstrap.std_error == pytest.approx(r1.std_error, rel=0.2)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_bad_treatment(cls, data):
    df = data.copy()
    df["a"] = df["a"] + 1  # coded 1/2
    with pytest.raises(DataError, match=r"treatment 'a' must be binary, coded 0/1"):
        cls().estimate(df, **SPEC)
    df["a"] = np.arange(len(df)) % 3
    with pytest.raises(DataError, match=r"must be binary.*\[0.0, 1.0, 2.0\]"):
        cls().estimate(df, **SPEC)
    df["a"] = 1
    with pytest.raises(DataError, match="both values 0 and 1 present; got only 1"):
        cls().estimate(df, **SPEC)
    df["a"] = "yes"
    with pytest.raises(DataError, match="coded 0/1; got dtype"):
        cls().estimate(df, **SPEC)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_constant_outcome(cls, data):
    df = data.assign(y=3.0)
    with pytest.raises(DataError, match="outcome 'y' is constant"):
        cls().estimate(df, **SPEC)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_missing_values(cls, data):
    df = data.copy()
    df.loc[df.index[:3], "x1"] = np.nan
    df.loc[df.index[5:10], "y"] = np.nan
    with pytest.raises(DataError, match=r"missing values in used columns: y \(5\), x1 \(3\)"):
        cls().estimate(df, **SPEC)
    result = cls().estimate(df, **SPEC, dropna=True)
    assert result.n_dropped == 8
    assert "8 rows with missing values dropped" in result.summary().loc[0, "note"]
    assert df["x1"].isna().sum() == 3  # the caller's frame still has its missing values


@pytest.mark.parametrize("cls", [c for c in ESTIMATORS if c is not Crude])
def test_constant_and_collinear_covariates(cls, data):
    with pytest.raises(DataError, match="covariate 'k' is constant"):
        cls().estimate(data.assign(k=1.0), treatment="a", outcome="y",
                       covariates=["x1", "k"])
    df = data.assign(x4=2 * data["x1"] - data["x3"] + 1)
    with pytest.raises(DataError, match="'x4' is perfectly collinear"):
        cls().estimate(df, treatment="a", outcome="y", covariates=["x1", "x3", "x4"])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_missing_column(cls, data):
    with pytest.raises(DataError, match=r"lack column\(s\) \['age'\]"):
        cls().estimate(data, treatment="a", outcome="y", covariates=["x1", "age"])
    with pytest.raises(ParameterError, match="`data` must be a pandas DataFrame"):
        cls().estimate(data.to_numpy(), **SPEC)


def test_complete_separation_in_a_fold_is_not_estimable_for_aipw(data):
    """AIPW refuses at the first cross-fitting fold whose propensity model separates, naming
    the fold: its held-out scores would be 0 or 1 and the weights infinite."""
    noise = 0.01 * np.random.default_rng(0).normal(size=len(data))
    df = data.assign(sep=np.where(data["a"] == 1, 1.0, -1.0) + noise)
    with pytest.raises(NotEstimableError, match=r"^AIPW \(ATE\): the logistic propensity "
                                                r"model separates the data in cross-fitting "
                                                r"fold 1 of 5: its fitted probability is 0 or 1 "
                                                r"\(to 1e-14\) for \d+ units in .*: use fewer folds"):
        AIPW(random_state=0).estimate(df, treatment="a", outcome="y", covariates=["x1", "sep"])


@pytest.mark.parametrize("cls", [IPW, PSMatching])
def test_complete_separation_warns_then_raises(cls, data):
    # a covariate equal to the treatment up to tiny noise: fitted scores are exactly 0 or 1
    noise = 0.01 * np.random.default_rng(0).normal(size=len(data))
    df = data.assign(sep=np.where(data["a"] == 1, 1.0, -1.0) + noise)
    # cross-fitted AIPW scores are 0/1 for most (not all) held-out units, IPW's for all
    message = r"0 or 1 \(to 1e-14\) for \d+ of 600 units" if cls is not PSMatching else "caliper"
    with pytest.warns(SeparationWarning, match=r"separates the treatment groups: 100.0% of "
                                               "scores lie outside"):
        with pytest.raises(DataError, match=message), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cls(random_state=0).estimate(df, treatment="a", outcome="y",
                                         covariates=["x1", "sep"])


@pytest.mark.filterwarnings("ignore::causal.errors.ExtremeWeightsWarning")
@pytest.mark.parametrize("cls", PS_ESTIMATORS)
def test_poor_overlap_warns_and_reports_share(cls, data):
    # strong but incomplete separation: finite estimate, extreme scores reported, not clipped
    noise = np.random.default_rng(0).normal(size=len(data))
    df = data.assign(sep=3.0 * data["a"] + noise)
    with pytest.warns(OverlapWarning, match=r"of propensity scores lie outside \[0.05, 0.95\]"):
        result = cls(random_state=0).estimate(df, treatment="a", outcome="y",
                                              covariates=["x1", "sep"])
    share = result.diagnostics["extreme_share"]
    e = result.diagnostics["propensity"]
    assert share == pytest.approx(np.mean((e < 0.05) | (e > 0.95)))
    assert share > 0.3
    assert e.min() < 0.05 and e.max() > 0.95  # scores were not clipped to [0.05, 0.95]
    assert np.isfinite(result.estimate)
    assert any(w.startswith("OverlapWarning") for w in result.warnings)


@pytest.mark.filterwarnings("ignore::causal.errors.ExtremeWeightsWarning")
def test_trimming_is_reported(data):
    noise = np.random.default_rng(0).normal(size=len(data))
    df = data.assign(sep=3.0 * data["a"] + noise)
    with pytest.warns(OverlapWarning):
        result = IPW(trim=0.05).estimate(df, treatment="a", outcome="y",
                                         covariates=["x1", "sep"])
    e = result.diagnostics["propensity"]
    kept = int(((e >= 0.05) & (e <= 0.95)).sum())
    assert result.n == kept
    assert f"trimmed: {600 - kept} units" in result.summary().loc[0, "note"]
    assert "estimand changed" in result.summary().loc[0, "note"]


def test_separating_outcome_model_is_not_estimable(data):
    """A covariate that predicts the outcome perfectly: the logistic MLE does not exist, so the
    conditional OR is refused with the estimator's name instead of a NaN or a huge number."""
    df = data.assign(y=(data["x1"] > 0).astype(int))
    with pytest.raises(NotEstimableError, match=r"^outcome regression: the logistic outcome "
                                                r"model separates the data: its fitted probability "
                                                r"is 0 or 1 \(to 1e-14\) for \d+ units"):
        OutcomeRegression().estimate(df, **SPEC)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_bad_parameters(cls, data, binary_data):
    with pytest.raises(ParameterError, match=r"`alpha` must be in \(0, 1\); got 1.5"):
        cls(alpha=1.5).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`measure` must be one of"):
        cls(measure="hr").estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="for a continuous outcome"):
        cls(measure="rr").estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`random_state` must be None, an int seed"):
        cls(random_state="x").estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`n_bootstrap` must be a non-negative integer"):
        cls(n_bootstrap=-1).estimate(data, **SPEC)
    with pytest.raises(TypeError):
        cls(0.05)  # keyword-only configuration


@pytest.mark.parametrize("cls", [GComputation, IPW, AIPW])
def test_bad_estimand(cls, data):
    with pytest.raises(ParameterError, match="`estimand` must be one of 'ate', 'att', 'atc'; got 'ato'"):
        cls(estimand="ato").estimate(data, **SPEC)


def test_specific_parameters(data):
    with pytest.raises(ParameterError, match="`se` must be one of"):
        IPW(se="bootstrap").estimate(data, **SPEC)
    with pytest.raises(ParameterError, match=r"`trim` must be in \(0, 0.5\)"):
        IPW(trim=0.6).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`caliper` must be > 0"):
        PSMatching(caliper=-1).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`cv` test sets must partition"):
        AIPW(cv=[(np.arange(10), np.arange(10))]).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`interactions` must name design columns"):
        GComputation(interactions=["zz"]).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="`squared` must list columns that are also in"):
        IPW().estimate(data, **SPEC, squared=["x9"])
    with pytest.raises(ParameterError, match="`propensity_model` must be a classifier"):
        AIPW(propensity_model=object()).estimate(data, **SPEC)
    with pytest.raises(ParameterError, match="for a binary outcome with OutcomeRegression"):
        OutcomeRegression(measure="rd").estimate(simulate(200, 3, "binary"), **SPEC)


def test_categorical_dtype_needs_declaring(data):
    df = data.assign(g=pd.Categorical(np.where(data["x2"] == 1, "b", "a")))
    with pytest.raises(DataError, match="List it in `categorical`"):
        IPW().estimate(df, treatment="a", outcome="y", covariates=["x1", "g"])
    result = IPW().estimate(df, treatment="a", outcome="y", covariates=["x1", "g"],
                            categorical=["g"])
    assert list(result.diagnostics["balance"].covariate) == ["x1", "g[b]"]


def test_import_is_light():
    """Importing the estimators (and building one) loads no heavy dependency."""
    import subprocess
    import sys

    code = ("import sys, causal, causal.estimate as e; e.AIPW(); e.IPW(); e.PSMatching(); "
            "import causal.estimate.aipw, causal.estimate.regression, causal.plots.estimate; "
            "heavy = [m for m in ('sklearn', 'statsmodels', 'matplotlib', 'dowhy', 'econml', 'scipy') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.filterwarnings("ignore::causal.errors.ExtremeWeightsWarning")
@pytest.mark.filterwarnings("ignore::causal.errors.OverlapWarning")
def test_truncation_is_reported(data):
    noise = np.random.default_rng(0).normal(size=len(data))
    df = data.assign(sep=2.0 * data["a"] + noise)
    plain = IPW().estimate(df, treatment="a", outcome="y", covariates=["x1", "sep"])
    capped = IPW(truncate=95).estimate(df, treatment="a", outcome="y", covariates=["x1", "sep"])
    cap = np.percentile(plain.diagnostics["weights"], 95)
    assert capped.diagnostics["max_weight"] == pytest.approx(cap, rel=1e-12)
    assert "truncated: 30 weights capped at the 95th percentile" in capped.summary().loc[0, "note"]
    assert "robust SE treating the weights as known" in capped.notes
    assert "truncated" not in plain.summary().loc[0, "note"]
    assert capped.estimate != plain.estimate


def test_rendering(data):
    result = IPW(n_bootstrap=50, random_state=1).estimate(data, **SPEC)
    text = str(result)
    assert text.startswith("EffectEstimate") and "bootstrap CI" in text
    assert result.to_markdown().startswith("| quantity | estimate |")
    with pytest.raises(ParameterError, match="`dropna` must be True or False"):
        IPW().estimate(data, **SPEC, dropna="yes")
