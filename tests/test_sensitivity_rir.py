"""Robustness of inference to replacement and the ITCV of a regression coefficient
(Frank 2000; Frank et al. 2013), and RIR from a confidence interval."""

from __future__ import annotations

import math

import pytest
from scipy.stats import t as t_dist

from causal._results import SUMMARY_COLUMNS
from causal.errors import NoSolutionError, ParameterError
from causal.sensitivity import estimate_from_ci, rir, rir_from_ci
from tests._konfound_rir import konfound_case, konfound_ids
from tests._sensitivity_refs import reference


def _cases() -> tuple[dict, dict, float]:
    case = reference("konfound_pkonfound_positive_with_unconditional_itcv")
    inputs = {c["label"]: c for c in case["inputs"]["cases"]}
    expected = {c["label"]: c for c in case["expected"]["cases"]}
    return inputs, expected, case["tolerance"]


def test_konfound_pkonfound_positive_both_roundings():
    inputs, expected, tol = _cases()
    given = inputs["konfound_pkonfound_positive"]
    want = expected["konfound_pkonfound_positive"]
    result = rir(given["est_eff"], given["std_err"], given["n_obs"], given["n_covariates"],
                 alpha=given["alpha"], tails=given["tails"], rounding="round")
    assert result.critical_t == pytest.approx(want["critical_t"], abs=tol)
    assert result.threshold == pytest.approx(want["beta_threshold"], abs=tol)
    assert 100 * result.share_bias == pytest.approx(want["perc_bias_to_change"], abs=tol)
    assert result.rir == want["rir_round_v1_0_3"]
    assert result.observed_r == pytest.approx(want["obs_r"], abs=tol)
    assert result.critical_r == pytest.approx(want["critical_r"], abs=tol)
    assert result.itcv == pytest.approx(want["itcv_conditional"], abs=tol)
    assert result.r_xcv_given_z == pytest.approx(want["r_xcv_given_z"], abs=tol)
    assert result.r_ycv_given_z == pytest.approx(want["r_ycv_given_z"], abs=tol)
    ceiling = rir(given["est_eff"], given["std_err"], given["n_obs"], given["n_covariates"],
                  rounding="ceiling")
    assert ceiling.rir == want["rir_ceiling_dev_2026"]
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_konfound_unconditional_itcv():
    inputs, expected, tol = _cases()
    given = inputs["konfound_unconditional_itcv"]
    want = expected["konfound_unconditional_itcv"]
    result = rir(given["est_eff"], given["std_err"], given["n_obs"], given["n_covariates"],
                 sd_x=given["sdx"], sd_y=given["sdy"], r2=given["R2"])
    assert result.itcv_unconditional == pytest.approx(want["itcv_unconditional"], abs=tol)
    assert result.r_xcv == pytest.approx(want["r_xcv"], abs=tol)
    assert result.r_ycv == pytest.approx(want["r_ycv"], abs=tol)
    assert result.itcv == pytest.approx(want["itcv_conditional"], abs=tol)


@pytest.mark.parametrize("case_id", konfound_ids("itcv_"))
def test_itcv_and_rir_match_konfound_on_both_sides_of_the_threshold(case_id):
    """konfound commit 1cfe76f (1.0.4 dev) under R 4.2.2: ``pkonfound(est_eff, std_err, n_obs,
    n_covariates, [alpha, tails, sdx, sdy, R2], index = "IT", to_return = "raw_output")``
    (tests/data/konfound_rir.json). Significant and non-significant, positive and negative,
    one and two tails, conditional and unconditional. The correlations are closed forms of
    t quantiles; R's and SciPy's quantiles agree to ~1e-11, so 1e-9 absolute."""
    given, want = konfound_case(case_id)
    result = rir(given["est_eff"], given["std_err"], given["n_obs"], given["n_covariates"],
                 alpha=given.get("alpha", 0.05), tails=given.get("tails", 2),
                 sd_x=given.get("sdx"), sd_y=given.get("sdy"), r2=given.get("R2"))
    tol = dict(abs=1e-9)
    assert result.rir == want["RIR_primary"]
    assert 100 * result.share_bias == pytest.approx(want["perc_bias_to_change"], abs=1e-7)
    assert result.threshold == pytest.approx(want["beta_threshold"], **tol)
    assert result.observed_r == pytest.approx(want["obs_r"], **tol)
    assert result.critical_r == pytest.approx(want["critical_r"], **tol)
    assert result.itcv == pytest.approx(want["itcvGz"], **tol)
    assert result.r_xcv_given_z == pytest.approx(want["rxcvGz"], **tol)
    assert result.r_ycv_given_z == pytest.approx(want["rycvGz"], **tol)
    if "itcv" in want:
        assert result.itcv_unconditional == pytest.approx(want["itcv"], **tol)
        assert result.r_xcv == pytest.approx(want["rxcv"], **tol)
        assert result.r_ycv == pytest.approx(want["rycv"], **tol)
    else:
        assert math.isnan(result.itcv_unconditional)


def test_issue_case_is_approached_from_inside():
    """The issue's case, rir(0.01, 0.4, 100, 3): main gave ITCV -0.246 = (r - r#)/(1 - |r#|);
    konfound (commit 1cfe76f, ``pkonfound(0.01, 0.4, 100, 3, index = "IT")``) gives
    itcvGz -0.164239830399135 and rxcvGz 0.405265135928487 = (r - r#)/(1 + |r#|)."""
    result = rir(0.01, 0.4, 100, 3)
    assert not result.invalidate
    assert result.itcv == pytest.approx(-0.164239830399135, abs=1e-9)
    assert result.r_xcv_given_z == pytest.approx(0.405265135928487, abs=1e-9)
    assert result.r_ycv_given_z == pytest.approx(-0.405265135928487, abs=1e-9)


@pytest.mark.parametrize("estimate", [2.0, 0.01, -2.0, -0.3, 0.5])
def test_confounder_at_the_itcv_moves_the_partial_correlation_to_the_threshold(estimate):
    """Derivation check, independent of konfound (Frank 2000, eq. 3): partialling a confounder
    with correlations r_xcv, r_ycv out of r gives (r - r_xcv r_ycv)/sqrt((1 - r_xcv²)(1 -
    r_ycv²)); at the ITCV's components that is exactly r#, on both branches."""
    result = rir(estimate, 0.4, 100, 3)
    rx, ry = result.r_xcv_given_z, result.r_ycv_given_z
    assert rx * ry == pytest.approx(result.itcv, rel=1e-12)
    partial = (result.observed_r - rx * ry) / math.sqrt((1 - rx**2) * (1 - ry**2))
    assert partial == pytest.approx(result.critical_r, rel=1e-12)


def test_negative_estimate_is_symmetric():
    pos = rir(2, 0.4, 100, 3)
    neg = rir(-2, 0.4, 100, 3)
    assert neg.rir == pos.rir and neg.threshold == pytest.approx(-pos.threshold)
    assert neg.itcv == pytest.approx(-pos.itcv)
    assert neg.r_ycv_given_z == pytest.approx(-pos.r_ycv_given_z)


@pytest.mark.parametrize("case_id", konfound_ids("ci_"))
def test_rir_from_ci_reproduces_konfound_with_its_df(case_id):
    """konfound commit 1cfe76f: ``pkonfound(lower_bound, upper_bound, n_obs, n_covariates,
    index = "IT", to_return = "raw_output")``. konfound recovers the SE with
    ``qt(alpha/tails, n - k)``: our ``ci_df = n - k`` (level 0.95) reproduces it."""
    given, want = konfound_case(case_id)
    n, k = given["n_obs"], given["n_covariates"]
    result = rir_from_ci(given["lower_bound"], given["upper_bound"], n, k, ci_df=n - k)
    assert result.estimate == pytest.approx((given["lower_bound"] + given["upper_bound"]) / 2)
    assert result.rir == want["RIR_primary"]
    assert 100 * result.share_bias == pytest.approx(want["perc_bias_to_change"], abs=1e-7)
    assert result.observed_r == pytest.approx(want["obs_r"], abs=1e-9)
    assert result.itcv == pytest.approx(want["itcvGz"], abs=1e-9)
    assert result.r_ycv_given_z == pytest.approx(want["rycvGz"], abs=1e-9)
    assert result.ci == (given["lower_bound"], given["upper_bound"]) and result.ci_df == n - k


def test_rir_from_ci_defaults_to_the_model_df():
    """Derivation: with the model's df (n - k - 2, the threshold's), a 95% CI whose lower
    limit is 0 has estimate = t_crit se exactly, so no case needs replacing; with konfound's
    n - k the SE is 1/qt(.975, 97), the threshold qt(.975, 95)/qt(.975, 97) > 1 = estimate,
    and the estimate reads as not significant, 100 (1 - qt(.975, 97)/qt(.975, 95)) short."""
    at_zero = rir_from_ci(0, 2, 100, 3)
    assert at_zero.std_error == pytest.approx(1 / t_dist.ppf(0.975, 95), rel=1e-12)
    assert at_zero.rir_exact == pytest.approx(0, abs=1e-9) and at_zero.rir == 0
    konfound_df = rir_from_ci(0, 2, 100, 3, ci_df=97)
    expected = 100 * (1 - t_dist.ppf(0.975, 97) / t_dist.ppf(0.975, 95))
    assert not konfound_df.invalidate and konfound_df.rir_exact == pytest.approx(expected, rel=1e-9)


def test_estimate_from_a_wald_interval():
    """Thew et al. (2024), adjusted OR 2.54 (1.32-4.89): SE of the log OR from a z interval is
    (ln 4.89 - ln 1.32)/(2 z_.975) (FACTS: 0.334; p = 0.0053 with the CI's midpoint)."""
    estimate, se = estimate_from_ci(math.log(1.32), math.log(4.89), math.inf)
    assert estimate == pytest.approx(math.log(math.sqrt(1.32 * 4.89)), rel=1e-12)
    assert se == pytest.approx(math.log(4.89 / 1.32) / (2 * 1.959963984540054), rel=1e-12)
    _, se90 = estimate_from_ci(0, 1, 50, level=0.90)
    assert se90 == pytest.approx(0.5 / t_dist.ppf(0.95, 50), rel=1e-12)


def test_no_covariates_unconditional_equals_conditional():
    """konfound commit 1cfe76f, ``pkonfound(0.3, 0.4, 100, 0, index = "IT")``: with no
    covariates the unconditional ITCV is the conditional one (itcv -0.101129188006328)."""
    result = rir(0.3, 0.4, 100, 0)
    assert result.itcv_unconditional == pytest.approx(result.itcv, rel=1e-12)
    assert result.itcv == pytest.approx(-0.101129188006328, abs=1e-9)
    assert result.r_ycv == pytest.approx(result.r_ycv_given_z)


def test_summary_says_which_direction():
    assert "sustain" in " ".join(rir(0.01, 0.4, 100, 3).summary()["quantity"])
    frame = rir_from_ci(1, 3, 100, 3).summary()
    assert list(frame.columns) == list(SUMMARY_COLUMNS)
    assert frame.loc[0, "ci_lower"] == 1 and frame.loc[0, "ci_upper"] == 3


def test_rir_bad_input():
    with pytest.raises(ParameterError, match="n_obs.*n_covariates"):
        rir(2, 0.4, 4, 3)
    with pytest.raises(ParameterError, match="rounding"):
        rir(2, 0.4, 100, 3, rounding="floor")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="sd_x"):
        rir(2, 0.4, 100, 3, sd_x=1)
    with pytest.raises(ParameterError, match="`tails` must be 1 or 2; got 3"):
        rir(2, 0.4, 100, 3, tails=3)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="`std_error` must be > 0"):
        rir(2, 0, 100, 3)
    with pytest.raises(NoSolutionError, match="estimate is exactly 0"):
        rir(0, 0.4, 100, 3)
    with pytest.raises(ParameterError, match="inconsistent with the estimate and SE"):
        rir(2, 0.4, 100, 3, sd_x=1, sd_y=20, r2=0.3)


def test_rir_from_ci_bad_input():
    with pytest.raises(ParameterError, match="lower limit must not exceed the upper"):
        rir_from_ci(3, 1, 100, 3)
    with pytest.raises(ParameterError, match="positive width"):
        rir_from_ci(1, 1, 100, 3)
    with pytest.raises(ParameterError, match=r"`level` must be in \(0, 1\); got 95"):
        rir_from_ci(1, 3, 100, 3, level=95)
    with pytest.raises(ParameterError, match="`ci_df` must be a positive number"):
        rir_from_ci(1, 3, 100, 3, ci_df=0)
