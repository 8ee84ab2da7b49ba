"""Command line: causal rir (regression, --ci, --logistic, --table)."""

from __future__ import annotations

import json

import pytest

from causal.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["rir", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_rir_non_significant_itcv(capsys):
    """konfound commit 1cfe76f, pkonfound(0.01, 0.4, 100, 3, index = "IT"): itcvGz
    -0.164239830399135, RIR 99 to sustain."""
    status, out, _ = run(capsys, "0.01", "0.4", "100", "3", "--json")
    data = json.loads(out)
    assert status == 0 and data["invalidate"] is False and data["rir"] == 99
    assert data["itcv"] == pytest.approx(-0.164239830399135, abs=1e-9)


def test_rir_unconditional_itcv(capsys):
    """konfound commit 1cfe76f, pkonfound(-2, 0.4, 100, 3, sdx = 1, sdy = 2, R2 = 0.3,
    index = "IT"): itcv -0.12950924858479."""
    status, out, _ = run(capsys, "--sd-x", "1", "--sd-y", "2", "--r2", "0.3", "--json", "--",
                         "-2", "0.4", "100", "3")
    assert status == 0
    assert json.loads(out)["itcv_unconditional"] == pytest.approx(-0.12950924858479, abs=1e-9)


def test_rir_from_ci(capsys):
    """konfound commit 1cfe76f, pkonfound(lower_bound = 1, upper_bound = 3, n_obs = 100,
    n_covariates = 3): RIR 50, 49.9867029947745% with its df n - k = 97."""
    status, out, _ = run(capsys, "--ci", "1", "3", "100", "3", "--ci-df", "97", "--json")
    data = json.loads(out)
    assert status == 0 and data["rir"] == 50 and data["estimate"] == 2
    assert 100 * data["share_bias"] == pytest.approx(49.9867029947745, abs=1e-7)


def test_rir_logistic(capsys):
    """konfound's tests/testthat/test-pkonfound.R: pkonfound(.273, .024, 16999, 3, n_treat =
    16000, model_type = "logistic")$RIR_primary == 1156 (the SE is raised, with a warning)."""
    status, out, err = run(capsys, "--logistic", "0.273", "0.024", "16999", "3",
                           "--n-treated", "16000")
    assert status == 0 and "| 1156 |" in out
    assert err.startswith("warning: std_error 0.024 is below the smallest SE")
    status, out, _ = run(capsys, "--logistic", "0.027", "0.024", "16999", "3", "--n-treated",
                         "16000", "--replace", "entire", "--json")
    assert json.loads(out)["rir"] == 793  # same test file, replace = "entire"


def test_rir_table_made_significant(capsys):
    """konfound's tests/testthat/test-pkonfound.R: pkonfound(a = 18, b = 12, c = 12, d = 17)
    $RIR_primary == 8 (non-significant: cases to make it significant)."""
    status, out, _ = run(capsys, "--table", "17", "29", "12", "30", "--json")
    data = json.loads(out)
    assert status == 0 and data["rir"] == 8 and data["invalidate"] is False


@pytest.mark.parametrize("args, message", [
    (("--logistic", "0.2", "0.1", "100", "3"), "error: --logistic needs --n-treated"),
    (("--ci", "3", "1", "100", "3"), "error: `ci` lower limit must not exceed the upper"),
    (("--table", "10", "50", "9", "50", "--replace", "all"), "error: `replace` must be one of"),
    (("2", "0.4", "100"), "error: expected 4 values (estimate se n_obs n_covariates)"),
    (("--ci", "1", "3", "100"), "error: expected 4 values (lower upper n_obs n_covariates)"),
])
def test_rir_bad_input_is_one_sentence(capsys, args, message):
    status, _, err = run(capsys, *args)
    assert status == 2 and err.startswith(message) and err.count("\n") == 1


def test_rir_logistic_from_a_wald_interval(capsys):
    """Composition check: ``--logistic --ci L U ... --ci-df inf`` is rir_logistic on the
    estimate and SE of the z interval (Thew et al. 2024's adjusted OR 2.54, 1.32-4.89; the
    7 covariates are an assumption of this test, they only set the t quantile's df)."""
    import math

    from causal.sensitivity import estimate_from_ci, rir_logistic

    lower, upper = math.log(1.32), math.log(4.89)
    status, out, _ = run(capsys, "--logistic", "--ci", "--ci-df", "inf", "--n-treated", "66",
                         "--json", str(lower), str(upper), "302", "7")
    estimate, se = estimate_from_ci(lower, upper, math.inf)
    expected = rir_logistic(estimate, se, 302, 7, 66)
    data = json.loads(out)
    assert status == 0 and data["rir"] == expected.rir and data["fragility"] == expected.fragility
    assert data["invalidate"] is True
