"""Simple and probabilistic bias analysis for a binary confounder."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from causal._results import SUMMARY_COLUMNS
from causal.errors import NoSolutionError, ParameterError
from causal.measures import OddsRatio, TwoByTwo
from causal.sensitivity import Prior, adjust_for_confounder, probabilistic_bias_analysis
from causal.sensitivity.tipping_points.risk_ratio import binary_bias_factor, solve_outcome_rr
from causal.study.values import priors as P
from tests._sensitivity_refs import reference


def _tyndall() -> tuple[TwoByTwo, dict]:
    case = reference("qba_confounders_tyndall")
    (a, b), (c, d) = case["inputs"]["cases"][0]["table_rows_outcome_cols_exposure"]
    # episensr's layout: rows outcome (yes/no), columns exposure (yes/no)
    return TwoByTwo(a, a + c, b, b + d), case


def test_episensr_rr():
    table, case = _tyndall()
    expected = case["expected"]["cases"][0]
    result = adjust_for_confounder(table, prevalence_treated=0.8, prevalence_control=0.05,
                                   effect=0.63, measure="RR")
    tol = case["tolerance"]
    assert result.crude.estimate == pytest.approx(expected["crude_rr"], abs=tol)
    assert result.crude.ci == pytest.approx(tuple(expected["crude_ci"]), abs=tol)
    assert result.adjusted_smr == pytest.approx(expected["adjusted_rr_smr"], abs=tol)
    assert result.adjusted_mh == pytest.approx(expected["adjusted_rr_mh"], abs=tol)
    assert result.bias_factor == pytest.approx(expected["rr_conf"], abs=tol)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_episensr_or_uses_prevalence_among_non_events():
    table, case = _tyndall()
    expected = case["expected"]["cases"][1]
    result = adjust_for_confounder(table, prevalence_treated=0.8, prevalence_control=0.05,
                                   effect=0.63, measure="OR")
    tol = case["tolerance"]
    assert result.crude.estimate == pytest.approx(expected["crude_or"], abs=tol)
    assert result.crude.ci == pytest.approx(tuple(expected["crude_or_ci"]), abs=tol)
    assert result.adjusted_smr == pytest.approx(expected["adjusted_or_smr"], abs=tol)


def test_episensr_rd():
    table, case = _tyndall()
    expected = case["expected"]["cases"][1]
    result = adjust_for_confounder(table, prevalence_treated=0.8, prevalence_control=0.05,
                                   effect=-0.37, measure="RD")
    tol = case["tolerance"]
    assert result.crude.estimate == pytest.approx(expected["crude_rd"], abs=tol)
    assert result.crude.ci == pytest.approx(tuple(expected["crude_rd_ci"]), abs=tol)
    assert result.adjusted_mh == pytest.approx(expected["adjusted_rd_mh"], abs=tol)
    # derivation: RD_adj = RD_crude - RD_CD (p1 - p0)
    assert result.adjusted_mh == pytest.approx(result.crude.estimate + 0.37 * 0.75, abs=1e-12)


def test_stratified_table_adds_up_and_matches_the_bias_factor():
    table = TwoByTwo(31, 66, 64, 236)
    result = adjust_for_confounder(table, prevalence_treated=0.5, prevalence_control=0.2,
                                   effect=2.0)
    strata = result.strata.groupby("group")[["events", "total"]].sum()
    assert strata.loc["treated"].tolist() == pytest.approx([31, 66], rel=1e-12)
    assert strata.loc["control"].tolist() == pytest.approx([64, 236], rel=1e-12)
    crude = (31 / 66) / (64 / 236)
    assert result.adjusted_mh == pytest.approx(crude / binary_bias_factor(0.5, 0.2, 2.0),
                                               rel=1e-12)


def test_bias_analysis_bad_input():
    table = TwoByTwo(105, 632, 85, 178)
    with pytest.raises(NoSolutionError, match="impossible stratified table"):
        adjust_for_confounder(table, prevalence_treated=0.8, prevalence_control=0.05,
                              effect=0.9, measure="RD")
    with pytest.raises(ParameterError, match="prevalence_treated"):
        adjust_for_confounder(table, prevalence_treated=1.2, prevalence_control=0.05, effect=2)
    with pytest.raises(ParameterError, match="effect.*> 0"):
        adjust_for_confounder(table, prevalence_treated=0.5, prevalence_control=0.05, effect=0)
    with pytest.raises(ParameterError, match="measure"):
        adjust_for_confounder(table, prevalence_treated=0.5, prevalence_control=0.05,
                              effect=2, measure="HR")


# ---------------------------------------------------------------- probabilistic --------
def test_constant_priors_reproduce_the_simple_analysis():
    table = TwoByTwo(31, 66, 64, 236)
    simple = adjust_for_confounder(table, prevalence_treated=0.5, prevalence_control=0.2,
                                   effect=2.0)
    result = probabilistic_bias_analysis(table, prevalence_treated=0.5, prevalence_control=0.2,
                                         outcome_rr=P.constant(2.0), n_draws=1000,
                                         random_state=3)
    np.testing.assert_allclose(result.systematic, simple.adjusted_mh, rtol=1e-12)


def test_systematic_quantiles_match_the_transformed_prior():
    """Uniform(1.5, 3) prior on the outcome RR, constant prevalences: the adjusted RR is a
    decreasing function of the draw, so its q-quantile is RR / B(gamma at 1-q). Compared on
    the uniform scale, within 5 Monte Carlo SDs sqrt(q(1-q)/n) of an empirical quantile."""
    n = 200_000
    table = TwoByTwo(31, 66, 64, 236)
    result = probabilistic_bias_analysis(table, prevalence_treated=0.5, prevalence_control=0.2,
                                         outcome_rr=P.uniform(1.5, 3.0), n_draws=n,
                                         random_state=11)
    rr = result.observed_rr
    for q in (0.025, 0.5, 0.975):
        adjusted_q = np.quantile(result.systematic, q)
        gamma = solve_outcome_rr(rr / adjusted_q, 0.5, 0.2)
        u = (gamma - 1.5) / 1.5
        assert abs(u - (1 - q)) < 5 * math.sqrt(q * (1 - q) / n) + 1e-9


def test_total_error_with_constant_priors_is_the_shifted_wald_interval():
    """Constant priors: log(total) = log(adjusted) - Z SE, so its quantiles are the Wald
    limits around the adjusted estimate. Tolerance: 5 SDs of an empirical normal quantile,
    sqrt(q(1-q)/n) / phi(z_q), in units of SE."""
    n = 200_000
    odds = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
    result = probabilistic_bias_analysis(odds, prevalence_treated=0.5, prevalence_control=0.2,
                                         outcome_rr=2.0, n_draws=n, random_state=5)
    adjusted = math.sqrt(2.54) / 1.25
    se = (math.log(4.89) - math.log(1.32)) / 2 / (2 * norm.ppf(0.975))
    assert result.std_error == pytest.approx(se, rel=1e-12)
    for q in (0.025, 0.5, 0.975):
        z_hat = (math.log(np.quantile(result.total, q)) - math.log(adjusted)) / se
        z_q = norm.ppf(q)
        assert abs(z_hat - z_q) < 5 * math.sqrt(q * (1 - q) / n) / norm.pdf(z_q)
    summary = result.summary()
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    # mapped back to the OR scale by squaring (monotone, so quantiles map exactly)
    row = summary[summary.quantity == "bias-adjusted OR (systematic error only)"].iloc[0]
    assert row.estimate == pytest.approx(adjusted**2, rel=1e-12)


def test_trapezoidal_sampler_matches_its_cdf():
    n = 200_000
    prior = P.trapezoidal(0.1, 0.2, 0.3, 0.5)
    draws = prior.sample(np.random.default_rng(2), n)
    h = 2 / (0.5 + 0.3 - 0.2 - 0.1)

    def cdf(x: float) -> float:  # derivation in causal.study.values.priors._trapezoidal_ppf
        if x <= 0.2:
            return h * (x - 0.1) ** 2 / (2 * 0.1)
        if x <= 0.3:
            return h * (0.1 / 2 + x - 0.2)
        return 1 - h * (0.5 - x) ** 2 / (2 * 0.2)

    assert draws.min() >= 0.1 and draws.max() <= 0.5
    for x in (0.15, 0.2, 0.25, 0.3, 0.4):
        p = cdf(x)
        assert abs(np.mean(draws <= x) - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_reproducible_and_leaves_global_state_alone():
    kwargs = dict(prevalence_treated=P.beta(5, 5), prevalence_control=P.logitnormal(-1.4, 0.3),
                  outcome_rr=P.lognormal(0.69, 0.2), n_draws=1000)
    state = np.random.get_state()[1].copy()  # noqa: NPY002 - checking it is untouched
    first = probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236), random_state=7, **kwargs)
    second = probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236), random_state=7, **kwargs)
    np.testing.assert_array_equal(first.total, second.total)
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    generator = probabilistic_bias_analysis(TwoByTwo(31, 66, 64, 236),
                                            random_state=np.random.default_rng(7), **kwargs)
    np.testing.assert_array_equal(first.total, generator.total)


def test_prior_support_must_fit_the_parameter():
    table = TwoByTwo(31, 66, 64, 236)
    with pytest.raises(ParameterError, match="prior for `prevalence_treated` must stay within"):
        probabilistic_bias_analysis(table, prevalence_treated=P.lognormal(-1, 0.2),
                                    prevalence_control=0.2, outcome_rr=2)
    with pytest.raises(ParameterError, match="prevalence_control.*support \\[-0.1, 0.3\\]"):
        probabilistic_bias_analysis(table, prevalence_treated=0.5,
                                    prevalence_control=P.uniform(-0.1, 0.3), outcome_rr=2)
    with pytest.raises(ParameterError, match="prior for `outcome_rr` must stay within \\(0"):
        probabilistic_bias_analysis(table, prevalence_treated=0.5, prevalence_control=0.2,
                                    outcome_rr=P.uniform(0, 3))
    with pytest.raises(ParameterError, match="takes 2 parameter"):
        Prior("uniform", (0.1,))
    with pytest.raises(ParameterError, match="increasing"):
        P.triangular(0.5, 0.2, 0.9)
    with pytest.raises(ParameterError, match="kind"):
        Prior("gamma", (1.0, 2.0))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="confidence interval"):
        probabilistic_bias_analysis(OddsRatio(2.54, rare_outcome=False),
                                    prevalence_treated=0.5, prevalence_control=0.2,
                                    outcome_rr=2)
