"""Known truth recovered by every estimator (simulated cohorts from ``estimate_sim``).

Monte Carlo error is stated for each check: a single large sample is compared with the truth
within 4 reported standard errors (a correct estimator fails this with probability 6e-5; the
seed is fixed, so the test is deterministic); a replicate study compares the mean estimate with
the truth within 4 Monte Carlo standard errors and the mean reported SE with the empirical SD.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from causal.estimate import AIPW, IPW, Crude, GComputation, OutcomeRegression, PSMatching
from tests._estimate_sim import binary_truth, simulate

COVS = dict(treatment="a", outcome="y", covariates=["x1", "x2", "x3"])
ADJUSTED = [OutcomeRegression, GComputation, IPW, AIPW, PSMatching]


@pytest.fixture(scope="module")
def truth():
    return binary_truth()


@pytest.mark.parametrize("cls", ADJUSTED)
def test_continuous_truth_single_sample(cls):
    """ATE = ATT = 2 exactly; n = 20,000; within 4 SE. The crude contrast is confounded
    (it is more than 10 SE away), so the check has power."""
    df = simulate(20_000, seed=31)
    result = cls(random_state=0).estimate(df, **COVS)
    assert abs(result.estimate - 2.0) < 4 * result.std_error
    crude = Crude().estimate(df, **COVS)
    assert abs(crude.estimate - 2.0) > 10 * crude.std_error


@pytest.mark.parametrize("cls,measure", [(GComputation, "rd"), (GComputation, "rr"),
                                         (GComputation, "or"), (IPW, "rd"), (IPW, "or"),
                                         (AIPW, "rd"), (AIPW, "rr"), (AIPW, "or"),
                                         (PSMatching, "rd"), (PSMatching, "or")])
def test_binary_marginal_truth_single_sample(cls, measure, truth):
    """Marginal RD, RR, OR (ATE; ATT for matching) vs their Monte Carlo truth (the truth's own
    MC SE is < 2.5e-4 per risk, negligible next to the estimators' SE of about 0.007);
    n = 20,000; within 4 SE on the linear scale."""
    df = simulate(20_000, seed=32, outcome="binary")
    result = cls(measure=measure, random_state=0).estimate(df, **COVS)
    suffix = "_att" if cls is PSMatching else ""
    m1, m0 = truth["mu1" + suffix], truth["mu0" + suffix]
    target = {"rd": m1 - m0, "rr": math.log(m1 / m0),
              "or": math.log(m1 / (1 - m1)) - math.log(m0 / (1 - m0))}[measure]
    value = result.estimate if measure == "rd" else math.log(result.estimate)
    assert abs(value - target) < 4 * result.std_error
    if measure == "or":
        assert result.odds_ratio_kind == "marginal"


def test_conditional_or_truth(truth):
    """The logistic coefficient estimates the conditional OR exp(0.8) = 2.2255, which differs
    from the marginal OR (non-collapsibility) although nothing is confounded in it."""
    df = simulate(20_000, seed=33, outcome="binary")
    result = OutcomeRegression().estimate(df, **COVS)
    assert result.odds_ratio_kind == "conditional"
    assert abs(math.log(result.estimate) - 0.8) < 4 * result.std_error
    m1, m0 = truth["mu1"], truth["mu0"]
    marginal = (m1 / (1 - m1)) / (m0 / (1 - m0))
    assert marginal < math.exp(0.8) - 0.1  # the two ORs differ materially


@pytest.mark.parametrize("cls", ADJUSTED)
def test_replicates_unbiased_and_se_calibrated(cls):
    """100 replicate cohorts of n = 800 (continuous outcome, truth 2). Mean estimate within 4
    MC SEs (sd / sqrt(100)) of 2; mean reported SE / empirical SD in [0.75, 1.3]: the SD from
    100 replicates has relative MC error about 1/sqrt(200) = 7%, so the band is about +/- 3.5
    MC errors around 1, with room for matching's conditional-on-matches SE."""
    estimates, ses = [], []
    for rep in range(100):
        result = cls(random_state=rep).estimate(simulate(800, seed=1000 + rep), **COVS)
        estimates.append(result.estimate)
        ses.append(result.std_error)
    estimates = np.array(estimates)
    sd = estimates.std(ddof=1)
    assert abs(estimates.mean() - 2.0) < 4 * sd / 10
    assert 0.75 < np.mean(ses) / sd < 1.3


def test_bootstrap_interval_covers_truth():
    """The multiplier-bootstrap CI of AIPW agrees with its Wald CI: with B = 2000 the
    percentile limits have MC error of about 0.03 SE, so they match to 0.15 SE."""
    df = simulate(5000, seed=34)
    result = AIPW(n_bootstrap=2000, random_state=5).estimate(df, **COVS)
    se = result.std_error
    assert result.bootstrap.ci[0] == pytest.approx(result.ci[0], abs=0.15 * se)
    assert result.bootstrap.ci[1] == pytest.approx(result.ci[1], abs=0.15 * se)
    assert result.bootstrap.ci[0] < 2.0 < result.bootstrap.ci[1]
