"""Estimators against published numbers (NHEFS, LaLonde), statsmodels and closed forms."""

from __future__ import annotations

import math

import pytest

import causal
from causal.estimate import IPW, Crude, GComputation, OutcomeRegression
from causal.measures import MeanDifference, OddsRatio, RiskDifference, RiskRatio, TwoByTwo
from tests._estimate_sim import simulate

# Hernán & Robins, Causal Inference: What If, Program 12.1 propensity model:
# qsmk ~ sex + race + age + age^2 + as.factor(education) + smokeintensity + smokeintensity^2
#        + smokeyrs + smokeyrs^2 + as.factor(exercise) + as.factor(active) + wt71 + wt71^2
NHEFS_SPEC = dict(
    treatment="qsmk", outcome="wt82_71",
    covariates=["sex", "race", "age", "education", "smokeintensity", "smokeyrs", "exercise",
                "active", "wt71"],
    squared=["age", "smokeintensity", "smokeyrs", "wt71"],
    categorical=["sex", "race", "education", "exercise", "active"],
)


@pytest.fixture(scope="module")
def nhefs():
    import causaldata

    return causaldata.nhefs_complete.load_pandas().data


def test_nhefs_ip_weighting_program_12_2(nhefs):
    """Program 12.2 (R): ``geeglm(wt82_71 ~ qsmk, weights = w, id = seqn, corstr =
    "independence")`` with nonstabilised weights from the Program 12.1 model, robust ("san.se")
    SE: 3.44 (95% CI 2.41-4.47). The GEE sandwich treats the weights as known, which is our
    ``se="fixed_weights"``; the Stata version (``regress [pw=sw], cluster(seqn)``) prints SE
    0.5258294 and the point estimate 3.440535: its SE carries the small-sample factor
    sqrt(G/(G-1) (N-1)/(N-k)) = sqrt(1566/1564), which we check to 1e-6."""
    result = IPW(weights="unstabilised", se="fixed_weights").estimate(nhefs, **NHEFS_SPEC)
    assert result.estimate == pytest.approx(3.440535, abs=1e-6)
    assert result.estimate == pytest.approx(3.44, abs=0.01)
    assert result.ci[0] == pytest.approx(2.41, abs=0.01)
    assert result.ci[1] == pytest.approx(4.47, abs=0.01)
    assert result.std_error * math.sqrt(1566 / 1564) == pytest.approx(0.5258294, abs=1e-6)
    # stabilised weights (Program 12.3) give the same Hajek estimate
    stab = IPW(se="fixed_weights").estimate(nhefs, **NHEFS_SPEC)
    assert stab.estimate == pytest.approx(result.estimate, abs=1e-10)
    # Stata's summary of the stabilised weights: max 4.297662
    assert stab.diagnostics["max_weight"] == pytest.approx(4.297662, abs=1e-5)
    # the sandwich that accounts for the estimated score is narrower (Lunceford & Davidian)
    full = IPW().estimate(nhefs, **NHEFS_SPEC)
    assert full.std_error < result.std_error


def test_nhefs_standardisation_program_13(nhefs):
    """Program 13.2-13.4: outcome model with the Program 12.1 covariates plus
    ``qsmk:smokeintensity``; standardised mean difference 3.52 (book, to 0.01)."""
    result = GComputation(interactions=["smokeintensity"]).estimate(nhefs, **NHEFS_SPEC)
    assert result.estimate == pytest.approx(3.52, abs=0.01)
    # Program 13.2's outcome model coefficient of qsmk is 2.559594 (book's R output)
    assert result.diagnostics["coefficients"]["qsmk"] == pytest.approx(2.559594, abs=1e-5)


def test_nhefs_crude(nhefs):
    """Hernán & Robins section 12.1: the unadjusted difference is 2.5 kg (4.525 - 1.984)."""
    result = Crude().estimate(nhefs, **NHEFS_SPEC)
    assert result.estimate == pytest.approx(2.54, abs=0.01)


def test_lalonde_experimental():
    """NSW experiment (Dehejia-Wahba subsample, 185 treated / 260 controls): difference in
    mean 1978 earnings 1,794.34 (FACTS.md; Dehejia & Wahba 1999 report 1,794, SE 633)."""
    import causaldata

    nsw = causaldata.nsw_mixtape.load_pandas().data
    result = Crude().estimate(nsw, treatment="treat", outcome="re78")
    assert result.estimate == pytest.approx(1794.34, abs=0.005)
    assert result.diagnostics["n_treated"] == 185 and result.diagnostics["n_control"] == 260
    # Crude reports Welch's SE sqrt(s1^2/n1 + s0^2/n0) (closed form, 1e-10) ...
    g = nsw.astype({"re78": float}).groupby("treat")["re78"]
    welch = math.sqrt((g.var() / g.count()).sum())
    assert result.std_error == pytest.approx(welch, rel=1e-10)
    # ... while the published SE 633 is the pooled-variance (classical OLS) SE of the
    # regression re78 ~ treat, which OutcomeRegression reproduces (632.85, rounded to 633)
    ols = OutcomeRegression().estimate(nsw, treatment="treat", outcome="re78")
    assert ols.estimate == pytest.approx(1794.34, abs=0.005)
    assert ols.std_error == pytest.approx(633, abs=0.5)


def test_crude_binary_equals_two_by_two():
    """The influence-function SEs of the crude estimator are exactly the Wald RD, Katz log-RR
    and Woolf log-OR SEs (derivation in Crude's Notes); checked to 1e-10."""
    df = simulate(700, seed=4, outcome="binary")
    a, y = df["a"], df["y"]
    table = TwoByTwo(int(y[a == 1].sum()), int((a == 1).sum()), int(y[a == 0].sum()),
                     int((a == 0).sum()))
    for measure, expected in (("rd", table.risk_difference()), ("rr", table.risk_ratio()),
                              ("or", table.odds_ratio("woolf"))):
        result = Crude(measure=measure).estimate(df, treatment="a", outcome="y")
        assert result.estimate == pytest.approx(expected.estimate, rel=1e-10)
        assert result.std_error == pytest.approx(expected.std_error, rel=1e-10)
        assert result.ci == pytest.approx(expected.ci, rel=1e-10)
    assert Crude(measure="or").estimate(df, treatment="a", outcome="y").odds_ratio_kind == \
        "crude"


@pytest.mark.parametrize("se", ["classical", "hc0", "hc1"])
def test_logistic_regression_matches_statsmodels(se):
    """Our Newton-Raphson logistic fit against statsmodels GLM(Binomial) on the same data.
    Both maximise the same likelihood to convergence, so coefficient and SE agree to 1e-6
    (relative). statsmodels' HC0 is the plain sandwich; for GLM/Logit its "HC1" applies no
    small-sample factor (it equals HC0: checked), so our HC1 is compared with HC0 x
    sqrt(n/(n-p)), the OLS definition (MacKinnon & White 1985) we use for both models."""
    import statsmodels.api as sm

    df = simulate(800, seed=5, outcome="binary")
    z = sm.add_constant(df[["a", "x1", "x2", "x3"]].to_numpy(dtype=float))
    kw = {} if se == "classical" else {"cov_type": "HC0"}
    ref = sm.GLM(df["y"].to_numpy(float), z, family=sm.families.Binomial()).fit(**kw)
    factor = math.sqrt(800 / (800 - 5)) if se == "hc1" else 1.0
    result = OutcomeRegression(se=se).estimate(df, treatment="a", outcome="y",
                                               covariates=["x1", "x2", "x3"])
    assert result.odds_ratio_kind == "conditional" and result.measure == "or"
    assert math.log(result.estimate) == pytest.approx(ref.params[1], rel=1e-6)
    assert result.std_error == pytest.approx(ref.bse[1] * factor, rel=1e-6)
    if se != "hc1":
        assert result.p_value == pytest.approx(ref.pvalues[1], rel=1e-5)


@pytest.mark.parametrize("se", ["classical", "hc0", "hc1"])
def test_linear_regression_matches_statsmodels(se):
    """Least squares against statsmodels OLS (classical, HC0, HC1): the same closed forms,
    so 1e-8 relative."""
    import statsmodels.api as sm

    df = simulate(500, seed=6)
    z = sm.add_constant(df[["a", "x1", "x2", "x3"]].to_numpy(dtype=float))
    ref = sm.OLS(df["y"].to_numpy(float), z).fit(**({} if se == "classical" else
                                                    {"cov_type": se.upper()}))
    result = OutcomeRegression(se=se).estimate(df, treatment="a", outcome="y",
                                               covariates=["x1", "x2", "x3"])
    assert result.estimate == pytest.approx(ref.params[1], rel=1e-8)
    assert result.std_error == pytest.approx(ref.bse[1], rel=1e-8)


def test_to_measure_and_e_value(nhefs):
    """``causal.e_value`` accepts results directly (it calls ``to_measure``)."""
    ipw = IPW().estimate(nhefs, **NHEFS_SPEC)
    md = ipw.to_measure()
    assert isinstance(md, MeanDifference) and md.outcome_sd == pytest.approx(ipw.outcome_sd)
    assert md.ci == pytest.approx(ipw.ci)
    ev = causal.e_value(ipw)
    # E-value of an MD: SMD d = MD / sd, RR = exp(0.91 d), E = RR + sqrt(RR (RR - 1))
    rr = math.exp(0.91 * ipw.estimate / ipw.outcome_sd)
    assert ev.point == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-9)

    df = simulate(2000, seed=8, outcome="binary")
    spec = dict(treatment="a", outcome="y", covariates=["x1", "x2", "x3"])
    g_or = GComputation(measure="or").estimate(df, **spec)
    measure = g_or.to_measure()
    assert isinstance(measure, OddsRatio) and measure.kind == "marginal"
    assert measure.rare_outcome is None and measure.prevalence == pytest.approx(df.y.mean())
    reg = OutcomeRegression().estimate(df, **spec).to_measure()
    assert reg.kind == "conditional"
    rr = GComputation(measure="rr").estimate(df, **spec)
    assert isinstance(rr.to_measure(), RiskRatio)
    assert causal.e_value(rr).point == pytest.approx(
        rr.estimate + math.sqrt(rr.estimate * (rr.estimate - 1)), rel=1e-9)
    crude_rd = Crude().estimate(df, **spec).to_measure()
    assert isinstance(crude_rd, RiskDifference) and crude_rd.table is not None
    assert causal.e_value(crude_rd).point > 1
