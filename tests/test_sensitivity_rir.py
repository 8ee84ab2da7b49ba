"""Robustness of inference to replacement and the ITCV (Frank et al.)."""

from __future__ import annotations

import math

import pytest
from scipy.stats import fisher_exact

from causal._results import SUMMARY_COLUMNS
from causal.errors import NoSolutionError, ParameterError
from causal.measures import TwoByTwo
from causal.sensitivity import rir, rir_table
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


def test_negative_estimate_is_symmetric():
    pos = rir(2, 0.4, 100, 3)
    neg = rir(-2, 0.4, 100, 3)
    assert neg.rir == pos.rir and neg.threshold == pytest.approx(-pos.threshold)
    assert neg.itcv == pytest.approx(-pos.itcv)


def test_table_fragility_is_the_first_switch_that_loses_significance():
    """Naive check with scipy: after `fragility` switches the Fisher p is >= alpha, after one
    fewer it is still < alpha; RIR = fragility / (1 - control risk), rounded up."""
    table = TwoByTwo(31, 66, 64, 236)
    result = rir_table(table)
    k = result.fragility
    assert fisher_exact([[31 - k, 35 + k], [64, 172]]).pvalue >= 0.05
    assert fisher_exact([[31 - k + 1, 35 + k - 1], [64, 172]]).pvalue < 0.05
    assert result.rir == math.ceil(k / (1 - 64 / 236))
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_rir_bad_input():
    with pytest.raises(ParameterError, match="n_obs.*n_covariates"):
        rir(2, 0.4, 4, 3)
    with pytest.raises(ParameterError, match="rounding"):
        rir(2, 0.4, 100, 3, rounding="floor")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="sd_x"):
        rir(2, 0.4, 100, 3, sd_x=1)
    with pytest.raises(NoSolutionError, match="not significant"):
        rir_table(TwoByTwo(10, 50, 9, 50))
