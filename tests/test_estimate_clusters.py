"""Cluster-robust intervals (``cluster=``): against R's sandwich / clubSandwich (committed
vectors, tests/data/clusters/), statsmodels' ``cov_type="cluster"``, a stacked
estimating-equation sandwich written here, and a SIMULATED Monte Carlo of coverage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.errors import DataError, ParameterError
from causal.estimate import AIPW, IPW, Crude, GComputation, OutcomeRegression, PSMatching
from causal.estimate._clusters import cluster_covariance, correction, icc

HERE = Path(__file__).resolve().parent / "data" / "clusters"
R = json.loads((HERE / "sandwich_vectors.json").read_text())
DATA = pd.read_csv(HERE / "clustered.csv")
ALL = (Crude, OutcomeRegression, GComputation, IPW, AIPW, PSMatching)


def _expit(v):
    return 1 / (1 + np.exp(-v))


# -- peers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("outcome", "case"), [("y", "logit"), ("yc", "linear")])
def test_regression_cr1_matches_r_sandwich_hc1(outcome, case):
    """R: ``sqrt(vcovCL(glm/lm, cluster = ~therapist, type = "HC1")["a", "a"])`` (Stata's CR1,
    G/(G-1) (n-1)/(n-p)); clubSandwich's CR1S is the same number."""
    result = OutcomeRegression().estimate(DATA, treatment="a", outcome=outcome,
                                          covariates=["x"], cluster="therapist")
    ref = R[case]
    linear = np.log(result.estimate) if case == "logit" else result.estimate
    assert linear == pytest.approx(ref["estimate"], rel=1e-8)
    assert result.std_error == pytest.approx(ref["se_hc1"], rel=1e-8)
    assert result.std_error == pytest.approx(ref["se_cr1s"], rel=1e-8)
    assert result.clustering.n_clusters == R["n_clusters"] == 40


def test_potential_outcome_estimators_match_r_cr1():
    """The potential-outcome path uses G/(G-1) only (clubSandwich ``CR1``; sandwich
    ``vcovCL(type = "HC0", cadjust = TRUE)``). A linear main-effects g-computation's mean
    difference is lm(yc ~ a + x)'s coefficient with the same influence values; the crude risk
    difference is lm(y ~ a)'s."""
    g = GComputation(measure="md").estimate(DATA, treatment="a", outcome="yc",
                                            covariates=["x"], cluster="therapist")
    assert g.estimate == pytest.approx(R["linear"]["estimate"], rel=1e-10)
    assert g.std_error == pytest.approx(R["linear"]["se_cr1"], rel=1e-8)
    assert g.std_error == pytest.approx(R["linear"]["se_hc0_cadjust"], rel=1e-8)
    crude = Crude(measure="rd").estimate(DATA, treatment="a", outcome="y", cluster="therapist")
    assert crude.estimate == pytest.approx(R["crude_rd"]["estimate"], rel=1e-10)
    assert crude.std_error == pytest.approx(R["crude_rd"]["se_cr1"], rel=1e-8)


@pytest.mark.parametrize("family", ["binomial", "gaussian"])
def test_regression_matches_statsmodels_cluster(family):
    import statsmodels.api as sm

    outcome = "y" if family == "binomial" else "yc"
    fam = sm.families.Binomial() if family == "binomial" else sm.families.Gaussian()
    design = sm.add_constant(DATA[["a", "x"]])
    fit = sm.GLM(DATA[outcome], design, family=fam).fit(
        cov_type="cluster", cov_kwds={"groups": DATA["therapist"].to_numpy()}, tol=1e-12)
    result = OutcomeRegression().estimate(DATA, treatment="a", outcome=outcome,
                                          covariates=["x"], cluster="therapist")
    assert result.std_error == pytest.approx(float(fit.bse["a"]), rel=1e-8)


@pytest.mark.parametrize("estimand", ["ate", "att"])
def test_ipw_cluster_sandwich_reference(estimand):
    """IPW's CR1 SE against the stacked estimating equations (propensity score equations plus
    the two weighted means) with the meat summed within clusters: ``A^{-1} B_cl A^{-T}/n``,
    ``B_cl = G/(G-1) sum_g Psi_g Psi_g' / n``. The Jacobian is analytic here (logistic
    score), so the agreement is to rounding."""
    x = np.column_stack([np.ones(len(DATA)), DATA["x"].to_numpy()])
    a, y = DATA["a"].to_numpy(float), DATA["yc"].to_numpy(float)
    codes = DATA["therapist"].to_numpy() - 1
    result = IPW(estimand=estimand, measure="md").estimate(
        DATA, treatment="a", outcome="yc", covariates=["x"], cluster="therapist")
    beta = np.linalg.lstsq(x, np.log(1e-9 + 0 * a + 1), rcond=None)[0] * 0
    for _ in range(50):  # Newton for the logistic propensity model
        e = _expit(x @ beta)
        beta = beta + np.linalg.solve(x.T @ (x * (e * (1 - e))[:, None]), x.T @ (a - e))
    e = _expit(x @ beta)
    w1 = a / e if estimand == "ate" else a
    w0 = (1 - a) / (1 - e) if estimand == "ate" else (1 - a) * e / (1 - e)
    mu1, mu0 = np.sum(w1 * y) / w1.sum(), np.sum(w0 * y) / w0.sum()
    n, p = x.shape
    psi = np.column_stack([x * (a - e)[:, None], w1 * (y - mu1), w0 * (y - mu0)])
    jac = np.zeros((p + 2, p + 2))
    jac[:p, :p] = -(x.T * (e * (1 - e))) @ x / n
    # d/d beta of the weighted-mean equations
    de = (e * (1 - e))[:, None] * x
    dw1 = (-a / e**2)[:, None] * de if estimand == "ate" else 0 * de
    dw0 = ((1 - a) / (1 - e) ** 2)[:, None] * de if estimand == "ate" else \
        ((1 - a) / (1 - e) ** 2)[:, None] * de
    jac[p, :p] = ((y - mu1)[:, None] * dw1).mean(0)
    jac[p + 1, :p] = ((y - mu0)[:, None] * dw0).mean(0)
    jac[p, p], jac[p + 1, p + 1] = -w1.mean(), -w0.mean()
    g = codes.max() + 1
    totals = np.column_stack([np.bincount(codes, weights=psi[:, j]) for j in range(p + 2)])
    meat = g / (g - 1) * totals.T @ totals / n
    a_inv = np.linalg.inv(jac)
    cov = a_inv @ meat @ a_inv.T / n
    contrast = np.r_[np.zeros(p), 1.0, -1.0]
    assert result.estimate == pytest.approx(mu1 - mu0, rel=1e-9)
    assert result.std_error == pytest.approx(float(np.sqrt(contrast @ cov @ contrast)),
                                             rel=1e-8)


# -- what the result says ----------------------------------------------------------------------
def test_icc_closed_form():
    """Two clusters (1, 3) and (5, 7): cluster means 2 and 6, grand mean 4; MSB = 2 (4 + 4) / 1
    = 16, MSW = 4 / 2 = 2, n0 = (4 - 8/4) / 1 = 2, so ICC = (16 - 2) / (16 + 2) = 7/9."""
    assert icc(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, 1])) == pytest.approx(
        7 / 9, rel=1e-12)


def test_correction_factors():
    assert correction(40, 391) == pytest.approx(40 / 39, rel=1e-15)
    assert correction(40, 391, 3) == pytest.approx(40 / 39 * 390 / 388, rel=1e-15)


@pytest.mark.parametrize("estimator", ALL)
def test_every_estimator_reports_clustering(estimator):
    frame = DATA.copy()
    outcome = "y"
    kwargs = {} if estimator is Crude else {"covariates": ["x"]}
    # AIPW's folds are of clusters with `cluster`, of rows without: compare without folds
    options = {"cv": 1} if estimator is AIPW else {}
    result = estimator(**options).estimate(frame, treatment="a", outcome=outcome,
                                           cluster="therapist", **kwargs)
    naive = estimator(**options).estimate(frame, treatment="a", outcome=outcome, **kwargs)
    pd.testing.assert_frame_equal(frame, DATA)  # not modified
    c = result.clustering
    assert naive.clustering is None
    assert result.estimate == pytest.approx(naive.estimate, rel=1e-12)
    if estimator is not OutcomeRegression:  # its naive SE is classical, not the sandwich
        assert c.naive_std_error == pytest.approx(naive.std_error, rel=1e-12)
    assert c.design_effect == pytest.approx((result.std_error / c.naive_std_error) ** 2)
    assert c.n_clusters == 40 and c.column == "therapist"
    assert c.icc_outcome == pytest.approx(icc(DATA["y"].to_numpy(float),
                                              DATA["therapist"].to_numpy() - 1))
    table = result.summary()
    assert "naive interval" in table["quantity"].iloc[1]
    assert "cluster-robust (CR1)" in table["note"].iloc[0]
    # the clusters raise uptake and recovery together, so the interval widens
    assert c.design_effect > 1.05


def test_aipw_folds_hold_whole_clusters():
    result = AIPW(cv=5, random_state=3).estimate(DATA, treatment="a", outcome="y",
                                                 covariates=["x"], cluster="therapist")
    fold = pd.Series(result.diagnostics["nuisance"]["fold"])
    per_cluster = fold.groupby(DATA["therapist"].to_numpy()).nunique()
    assert (per_cluster == 1).all()
    assert fold.nunique() == 5
    with pytest.raises(ParameterError, match="at most the number of clusters"):
        AIPW(cv=41).estimate(DATA, treatment="a", outcome="y", covariates=["x"],
                             cluster="therapist")


def test_wild_cluster_bootstrap_spread_is_cr1():
    """One Rademacher sign per cluster: the replicates' SD estimates the CR1 SE; with B = 4000
    the SD's own relative MC error is about 1/sqrt(2B) = 1.1%, tolerance 4.5%."""
    result = GComputation(measure="md", n_bootstrap=4000, random_state=5).estimate(
        DATA, treatment="a", outcome="yc", covariates=["x"], cluster="therapist")
    assert result.bootstrap.std_error == pytest.approx(result.std_error, rel=0.045)
    assert result.bootstrap.std_error > 1.1 * result.clustering.naive_std_error


# -- bad input ----------------------------------------------------------------------------------
def test_one_cluster_is_refused():
    frame = DATA.assign(therapist=7)
    with pytest.raises(DataError, match="single cluster"):
        IPW().estimate(frame, treatment="a", outcome="y", covariates=["x"],
                       cluster="therapist")


def test_clusters_of_one_row_are_refused():
    frame = DATA.assign(therapist=np.arange(len(DATA)))
    with pytest.raises(DataError, match="size 1"):
        IPW().estimate(frame, treatment="a", outcome="y", covariates=["x"],
                       cluster="therapist")


def test_clusters_that_split_the_treatment_are_refused():
    frame = DATA.assign(therapist=DATA["a"].to_numpy() * 100 + DATA["therapist"] % 3)
    with pytest.raises(DataError, match="splits the treatment perfectly"):
        Crude().estimate(frame, treatment="a", outcome="y", cluster="therapist")


@pytest.mark.parametrize("bad", ["a", "y", 3])
def test_cluster_must_be_another_column(bad):
    with pytest.raises(ParameterError, match="`cluster` must name a column"):
        Crude().estimate(DATA, treatment="a", outcome="y", cluster=bad)


def test_missing_cluster_column():
    with pytest.raises(DataError, match="lack column"):
        Crude().estimate(DATA, treatment="a", outcome="y", cluster="clinic")


# -- SIMULATED coverage --------------------------------------------------------------------------
def test_simulated_coverage_cluster_robust_vs_naive():
    """SIMULATED: 2,000 replicate data sets of 100 clusters x 10 rows; the outcome has ICC 0.3
    (u_g ~ N(0, 0.3), e ~ N(0, 0.7)), uptake varies between clusters (logit p_g ~ N(0, 1.5^2)),
    no effect and no confounding, so the difference in means is unbiased for 0. All replicates
    at once: cluster totals of the influence values by one ``bincount`` over replicate-offset
    codes, the same :func:`cluster_covariance` the estimators use. MC error of a coverage near
    95% over 2,000 replicates: sqrt(.95 x .05 / 2000) = 0.0049; the cluster-robust interval
    must cover within 3 MC errors (0.015), the naive one must undercover by more than 0.05."""
    rng = np.random.default_rng(2024)
    reps, g, m = 2000, 100, 10
    n = g * m
    codes = np.repeat(np.arange(g), m)
    u = rng.normal(0, np.sqrt(0.3), (reps, g))[:, codes]
    y = u + rng.normal(0, np.sqrt(0.7), (reps, n))
    p = _expit(rng.normal(0, 1.5, (reps, g)))[:, codes]
    a = (rng.random((reps, n)) < p).astype(float)
    n1 = a.sum(1, keepdims=True)
    n0 = n - n1
    mu1 = (a * y).sum(1, keepdims=True) / n1
    mu0 = ((1 - a) * y).sum(1, keepdims=True) / n0
    phi = a * (y - mu1) * n / n1 - (1 - a) * (y - mu0) * n / n0  # crude MD, (reps, n)
    naive_se = np.sqrt((phi**2).sum(1)) / n
    offset = (np.arange(reps)[:, None] * g + codes[None, :]).ravel()
    totals = np.bincount(offset, weights=phi.ravel(), minlength=reps * g).reshape(reps, g)
    cr1_se = np.sqrt(correction(g, n) * (totals**2).sum(1)) / n
    effect = (mu1 - mu0)[:, 0]
    covered = np.abs(effect) < 1.959963984540054 * cr1_se
    naive_covered = np.abs(effect) < 1.959963984540054 * naive_se
    assert abs(covered.mean() - 0.95) < 0.015
    assert naive_covered.mean() < 0.90
    # the shared function on one replicate gives the same SE, and so does the estimator
    # (g-computation without covariates: the difference in means, lm(y ~ a)'s influence values)
    one = cluster_covariance(phi[0][:, None], codes)
    assert np.sqrt(one[0, 0]) == pytest.approx(cr1_se[0], rel=1e-12)
    frame = pd.DataFrame({"a": a[0], "y": y[0], "g": codes})
    fitted = GComputation(measure="md").estimate(frame, treatment="a", outcome="y", cluster="g")
    assert fitted.std_error == pytest.approx(cr1_se[0], rel=1e-10)
    assert fitted.clustering.naive_std_error == pytest.approx(naive_se[0], rel=1e-10)


# -- GEE comparison estimator ------------------------------------------------------------------
@pytest.mark.parametrize("correlation", ["exchangeable", "independence"])
@pytest.mark.parametrize(("outcome", "family"), [("y", "binomial"), ("yc", "gaussian")])
def test_gee_matches_statsmodels(correlation, outcome, family):
    """The coefficient is statsmodels' GEE's; the SE is its robust sandwich times the CR1 factor
    G/(G-1) (n-1)/(n-p) (statsmodels applies none), which checks the per-row influence values
    built from the closed-form inverse working correlation (their cluster sums are the
    cluster scores)."""
    import statsmodels.api as sm

    from causal.estimate import GEE

    fam = sm.families.Binomial() if family == "binomial" else sm.families.Gaussian()
    structure = (sm.cov_struct.Exchangeable() if correlation == "exchangeable"
                 else sm.cov_struct.Independence())
    fit = sm.GEE(DATA[outcome], sm.add_constant(DATA[["a", "x"]]), groups=DATA["therapist"],
                 family=fam, cov_struct=structure).fit()
    result = GEE(correlation=correlation).estimate(DATA, treatment="a", outcome=outcome,
                                                   covariates=["x"], cluster="therapist")
    linear = np.log(result.estimate) if family == "binomial" else result.estimate
    n, g = len(DATA), 40
    assert linear == pytest.approx(float(fit.params["a"]), rel=1e-8)
    assert result.std_error == pytest.approx(
        float(fit.bse["a"]) * np.sqrt(g / (g - 1) * (n - 1) / (n - 3)), rel=1e-8)
    if correlation == "independence":  # the ordinary regression with its CR1 SE
        assert result.std_error == pytest.approx(R["logit" if family == "binomial"
                                                   else "linear"]["se_hc1"], rel=1e-8)
    assert "model-based" in result.summary()["quantity"].iloc[1]


def test_gee_needs_clusters():
    from causal.estimate import GEE

    with pytest.raises(ParameterError, match="GEE needs `cluster`"):
        GEE().estimate(DATA, treatment="a", outcome="y", covariates=["x"])


# -- refuters resample clusters ------------------------------------------------------------------
def test_bootstrap_refuter_resamples_clusters():
    """The bootstrap refuter on an estimate fitted with ``cluster=`` draws whole clusters: its
    spread estimates the cluster-robust SE (pairs cluster bootstrap; with 40 clusters and
    R = 400 the SD's own MC error is about 1/sqrt(800) = 3.5%, and the bootstrap and CR1
    differ at G = 40 by a few per cent more: tolerance 15%), and exceeds the row bootstrap's."""
    from causal.refute import bootstrap

    clustered = OutcomeRegression().estimate(DATA, treatment="a", outcome="yc",
                                             covariates=["x"], cluster="therapist")
    rows = OutcomeRegression(se="hc0").estimate(DATA, treatment="a", outcome="yc",
                                                covariates=["x"])
    by_cluster = bootstrap(clustered, DATA, n_simulations=400, random_state=11)
    by_row = bootstrap(rows, DATA, n_simulations=400, random_state=11)
    assert "clusters of 'therapist' (40)" in by_cluster.parameters["resampling"]
    sd_cluster = float(np.std(by_cluster.refuted_estimates, ddof=1))
    sd_row = float(np.std(by_row.refuted_estimates, ddof=1))
    assert sd_cluster == pytest.approx(clustered.std_error, rel=0.15)
    assert sd_cluster > 1.15 * sd_row


def test_subset_refuter_keeps_whole_clusters():
    from causal.refute import data_subset
    from causal.refute._draws import Subsets

    clustered = IPW(measure="md").estimate(DATA, treatment="a", outcome="yc",
                                           covariates=["x"], cluster="therapist")
    result = data_subset(clustered, DATA, n_simulations=20, random_state=3)
    assert result.parameters["subset_of"] == "whole clusters"
    assert np.isfinite(result.refuted_estimates).all()

    class _Problem:  # the draw sees only the rows' cluster codes
        n = len(DATA)
        prep = type("P", (), {"cluster": DATA["therapist"].to_numpy() - 1})()

    weights = Subsets(int(0.8 * len(DATA)))(_Problem(), np.random.default_rng(0), 5)["weights"]
    per_cluster = pd.DataFrame(weights.T).groupby(DATA["therapist"].to_numpy()).nunique()
    assert (per_cluster.to_numpy() == 1).all()  # each cluster wholly in or out
    assert (weights.reshape(5, -1).max(1) == 1).all()
    kept = pd.DataFrame(weights.T).groupby(DATA["therapist"].to_numpy()).max().sum(axis=0)
    assert (kept == 32).all()  # round(40 x 0.8) clusters
