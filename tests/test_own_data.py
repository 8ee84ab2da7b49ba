"""The end-to-end fixtures of tests/_own_data.py: the simulated truth and the Thornton counts.

Where the numbers come from: the simulated effects are derived in tests/_own_data.py (closed
form for the conditional OR and the mean difference, Gauss-Hermite quadrature for the marginal
risk differences), checked here against an independent adaptive quadrature (scipy.integrate.quad)
and against model fits on one large SIMULATED draw; the Thornton counts are recounted from the
causaldata file and compared with the paper's abstract (34% learned their result without an
incentive).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from causal.data.files import check_frame, read_table
from tests import _own_data as own


def _integrand(s: float, female: int, region: str, part: str) -> float:
    """gain, propensity x gain, or propensity at severity s, times the N(0, 1) density."""
    expit = own._expit
    eta = own._outcome_logit(s, female, own._R_Y[region])
    gain = expit(eta + math.log(2.0)) - expit(eta)
    prop = expit(own._propensity_logit(s, female, own._R_T[region]))
    value = {"gain": gain, "prop_gain": prop * gain, "prop": prop}[part]
    return float(value * stats.norm.pdf(s))


def _quad_effects() -> tuple[float, float]:
    """ATE and ATT risk differences by scipy's adaptive quadrature over severity."""
    sums = {"gain": 0.0, "prop_gain": 0.0, "prop": 0.0}
    for female in (0, 1):
        for region in own._REGIONS:
            for part in sums:
                value = integrate.quad(_integrand, -np.inf, np.inf, args=(female, region, part),
                                       epsabs=1e-13)[0]
                sums[part] += 0.5 / 3 * value
    return sums["gain"], sums["prop_gain"] / sums["prop"]


def test_true_risk_differences_agree_with_adaptive_quadrature():
    truth = own.true_effects()
    ate, att = _quad_effects()
    assert truth["risk_difference_ate"] == pytest.approx(ate, rel=1e-9)
    assert truth["risk_difference_att"] == pytest.approx(att, rel=1e-9)


def test_simulated_cohort_recovers_the_true_effects():
    """One SIMULATED draw of 200,000: the correctly specified logistic model's coefficient of
    the treatment is within 4 standard errors of log 2 (the fit's SE is about 0.011), OLS of
    the score within 4 SE of 1.5, and the share treated within 4 binomial SEs of its
    quadrature value."""
    import statsmodels.formula.api as smf

    frame = own.simulate_cohort(200_000, random_state=7)
    logit = smf.logit("recovered ~ treated + severity + female + C(region)", frame).fit(disp=0)
    assert abs(logit.params["treated"] - math.log(2)) < 4 * logit.bse["treated"]
    ols = smf.ols("score ~ treated + severity + female + C(region)", frame).fit()
    assert abs(ols.params["treated"] - 1.5) < 4 * ols.bse["treated"]
    share = own.true_effects()["share_treated"]
    assert abs(frame["treated"].mean() - share) < 4 * math.sqrt(share * (1 - share) / 200_000)


def test_simulated_cohort_is_labelled_and_reproducible(tmp_path):
    frame = own.simulate_cohort(500, random_state=1)
    pd.testing.assert_frame_equal(frame, own.simulate_cohort(500, random_state=1))
    assert frame.attrs["simulated"] is True
    assert list(frame.columns) == list(own.SIMULATED_COLUMNS)
    assert own.write_simulated(tmp_path, "csv", n=50).name == "simulated_cohort.csv"
    parquet = own.write_simulated(tmp_path, "parquet", n=50)
    assert pd.read_parquet(parquet).attrs["simulated"] is True


@pytest.mark.parametrize("outcome, kind", [("recovered", "binary"), ("score", "continuous")])
def test_csv_parquet_and_frame_give_identical_tables(tmp_path, outcome, kind):
    """The same cohort read from CSV, from Parquet and checked as a DataFrame is one table."""
    args = dict(treatment="treated", outcome=outcome, covariates=list(own.SIMULATED_COVARIATES),
                categorical=["region"], outcome_kind=kind)
    csv = read_table(own.write_simulated(tmp_path, "csv"), **args).frame
    parquet = read_table(own.write_simulated(tmp_path, "parquet"), **args).frame
    frame = check_frame(own.simulate_cohort(), **args).frame
    pd.testing.assert_frame_equal(csv, parquet)
    pd.testing.assert_frame_equal(csv, frame)


def test_thornton_counts_match_the_published_share():
    """Abstract of Thornton (2008): 34% learned their result without an incentive, and the
    smallest incentive doubled that share; recounted from causaldata's thornton_hiv."""
    frame = own.thornton()
    assert len(frame) == 4820
    complete = frame.dropna(subset=["got", "any"])
    for arm, value in (("treated", 1), ("control", 0)):
        got = complete.loc[complete["any"] == value, "got"]
        assert (int(got.sum()), len(got)) == own.THORNTON_COUNTS[arm]
    control = own.THORNTON_COUNTS["control"][0] / own.THORNTON_COUNTS["control"][1]
    treated = own.THORNTON_COUNTS["treated"][0] / own.THORNTON_COUNTS["treated"][1]
    assert round(100 * control) == 34
    assert treated / control > 2


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_thornton_reads_complete_cases(tmp_path, fmt):
    """Counted on the file: 1,919 rows lack the treatment; of the rest, 18 treated and 58
    control rows lack the outcome or a covariate (age, HIV status or village)."""
    path = own.write_thornton(tmp_path, fmt)
    table = read_table(path, treatment="any", outcome="got",
                       covariates=list(own.THORNTON_COVARIATES), categorical=["villnum"],
                       outcome_kind="binary", missing="complete_case")
    frame = own.thornton()
    declared = ["any", "got", *own.THORNTON_COVARIATES]
    incomplete = frame[declared].isna().any(axis=1)
    assert table.n_read == 4820
    assert table.n_used == int((~incomplete).sum()) == 2825
    assert table.dropped == {"treated": int((incomplete & (frame["any"] == 1)).sum()),
                             "control": int((incomplete & (frame["any"] == 0)).sum()),
                             "treatment missing": int(frame["any"].isna().sum())}
    assert table.dropped == {"treated": 18, "control": 58, "treatment missing": 1919}
