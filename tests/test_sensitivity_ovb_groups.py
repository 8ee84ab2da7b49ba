"""Benchmarking a group of covariates as one (causal.sensitivity.omitted_variable.groups / ovb_data).

Peer: R sensemakr 0.1.6 (github carloscinelli/sensemakr, commit 0744523), its R/*.R files
sourced under Debian's R 4.2.2, on tests/data/darfur.csv with ``village`` as a factor::

    model <- lm(peacefactor ~ directlyharmed + age + farmer_dar + herder_dar + pastvoted +
                hhsize_darfur + female + village, data = darfur)
    ovb_bounds(model, treatment = "directlyharmed",
               benchmark_covariates = list(F_and_P = c("female", "pastvoted")), kd = 1:3)
    ovb_bounds(model, treatment = "directlyharmed",
               benchmark_covariates = list(F_and_P = c("female", "pastvoted"), age = "age"),
               kd = c(1, 2), ky = c(1.5, 3))

printed with ``options(digits = 15)``. R's ``adjusted_ci`` uses ``dof`` degrees of freedom, so
the tests pass ``ci_dof="dof"``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from causal.errors import ParameterError
from causal.sensitivity import ovb_bounds, ovb_sensitivity
from causal.sensitivity.omitted_variable.groups import benchmark_groups, group_partial_r2
from tests._sensitivity_refs import DARFUR_FILE

COVARIATES = ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female",
              "village"]

#: sensemakr ovb_bounds(..., list(F_and_P = c("female", "pastvoted")), kd = 1:3), rows 1x-3x
F_AND_P = {
    "r2dz_x": [0.0101527359237797, 0.0203054718475594, 0.0304582077713391],
    "r2yz_dx": [0.134975939666371, 0.270008043797591, 0.405097861531899],
    "estimate": [0.0731020960331479, 0.0486330252118144, 0.0239025062325063],
    "std_error": [0.0217546733489125, 0.0200879797820471, 0.0182289672398373],
    "t": [3.36029389458988, 2.42100130224535, 1.31123754396080],
    "lower": [0.0303977089231963, 0.0092003547639125, -0.0118809257289557],
    "upper": [0.1158064831430994, 0.0880656956597162, 0.0596859381939682],
}
#: sensemakr group_partial_r2(model, covariates = c("female", "pastvoted")) and the same on
#: lm(directlyharmed ~ age + farmer_dar + herder_dar + pastvoted + hhsize_darfur + female +
#: village)
R2Y_F_AND_P = 0.116812760645574
R2D_F_AND_P = 0.0100506938829355
#: the second call (kd = c(1, 2), ky = c(1.5, 3)): F_and_P rows then age rows
MIXED = {
    "r2dz_x": [0.01015273592377971, 0.02030547184755942, 0.00111701280889779,
               0.00223402561779557],
    "r2yz_dx": [0.2017177749622858, 0.4035119352175818, 0.0121559096457283,
                0.0243118744597198],
    "estimate": [0.0677148808877446, 0.0378023404903755, 0.0949164812251484,
                 0.0925144523769456],
    "std_error": [0.0208985763679325, 0.0181584219812250, 0.0231424567807289,
                  0.0230124962859816],
    "lower": [0.02669101070825110, 0.00215738875264466, 0.04948787757806246,
              0.04734096096196144],
    "upper": [0.1087387510672382, 0.0734472922281063, 0.1403450848722343,
              0.1376879437919298],
}


@pytest.fixture(scope="module")
def darfur() -> pd.DataFrame:
    return pd.read_csv(DARFUR_FILE)


def _fit(frame, benchmarks, **kwargs):
    return ovb_sensitivity(frame, treatment="directlyharmed", outcome="peacefactor",
                           covariates=COVARIATES, categorical=["village"],
                           benchmarks=benchmarks, ci_dof="dof", **kwargs)


def _got(bounds):
    return {"r2dz_x": [b.r2dz_x for b in bounds], "r2yz_dx": [b.r2yz_dx for b in bounds],
            "estimate": [b.estimate for b in bounds], "std_error": [b.std_error for b in bounds],
            "t": [b.t_statistic for b in bounds], "lower": [b.ci[0] for b in bounds],
            "upper": [b.ci[1] for b in bounds]}


def _check(bounds, expected):
    got = _got(bounds)
    for key, values in expected.items():
        # closed forms: 1e-9 relative (R printed 15 significant digits); CI limits: 1e-12 abs
        tol = dict(abs=1e-12) if key in ("lower", "upper") else dict(rel=1e-9)
        assert got[key] == pytest.approx(values, **tol), key


def test_named_group_reproduces_sensemakr(darfur):
    """sensemakr 0.1.6 ovb_bounds(model, ..., list(F_and_P = c("female", "pastvoted")),
    kd = 1:3) (module docstring)."""
    result = _fit(darfur, {"F_and_P": ["female", "pastvoted"]}, kd=[1, 2, 3])
    (strength,) = result.benchmarks
    assert strength.name == "F_and_P" and strength.columns == ("pastvoted", "female")
    assert strength.r2yxj_dx == pytest.approx(R2Y_F_AND_P, rel=1e-9)
    assert strength.r2dxj_x == pytest.approx(R2D_F_AND_P, rel=1e-9)
    assert [b.label for b in result.bounds] == ["1x F_and_P", "2x F_and_P", "3x F_and_P"]
    _check(result.bounds, F_AND_P)


def test_unnamed_group_and_single_covariate_with_separate_ky(darfur):
    """sensemakr 0.1.6 ovb_bounds(model, ..., list(F_and_P = c("female", "pastvoted"),
    age = "age"), kd = c(1, 2), ky = c(1.5, 3)) (module docstring); an unnamed group is
    labelled by its members."""
    result = _fit(darfur, [("female", "pastvoted"), "age"], kd=[1, 2], ky=[1.5, 3])
    assert [b.label for b in result.bounds] == [
        "1x/1.5x female+pastvoted", "2x/3x female+pastvoted", "1x/1.5x age", "2x/3x age"]
    _check(result.bounds, MIXED)


def test_number_api_takes_a_groups_partial_r2s():
    """The pure-number ovb_bounds with the group's partial R²s (sensemakr group_partial_r2
    above) gives the same bounds as the data-frame route (sensemakr values, module
    docstring)."""
    result = ovb_bounds(0.0973158192849576, 0.023256537809811167, 783, r2dxj_x=R2D_F_AND_P,
                        r2yxj_dx=R2Y_F_AND_P, kd=[1, 2, 3], benchmark="F_and_P", ci_dof="dof")
    expected = {k: v for k, v in F_AND_P.items()}
    got = _got(result.bounds)
    for key, values in expected.items():
        # the inputs are the 15-digit printed r2s and estimate: 1e-8 relative
        assert got[key] == pytest.approx(values, rel=1e-8, abs=1e-11), key


def test_groups_from_names_sequences_and_mappings():
    assert benchmark_groups("age", COVARIATES) == {"age": ("age",)}
    assert benchmark_groups({"F": ["female", "female"], "A": "age"}, COVARIATES) == {
        "F": ("female",), "A": ("age",)}


def test_group_partial_r2_from_f_statistic():
    """sensemakr tests/testthat/test-01-manual-tests.R:
    group_partial_r2(F.stats = 10, dof = 100, p = 4) == 10*4/(10*4 + 100)."""
    assert group_partial_r2(10, 4, 100) == pytest.approx(40 / 140, rel=1e-15)
    assert group_partial_r2(0, 2, 50) == 0.0


@pytest.mark.parametrize(("benchmarks", "match"), [
    ({"g": []}, "benchmark group 'g' must name at least one covariate"),
    ([("female", "income")], r"`benchmarks` must be among the covariates .*\['income'\]"),
    ([("female",), "female"], "`benchmarks` must have distinct labels; got 'female' twice"),
])
def test_bad_groups(benchmarks, match):
    with pytest.raises(ParameterError, match=match):
        benchmark_groups(benchmarks, COVARIATES)


@pytest.mark.parametrize(("args", "match"), [
    ((-1, 2, 10), "`f_statistic` must be >= 0; got -1"),
    ((1, 0, 10), "`n_coefficients` must be at least 1; got 0"),
    ((1, 2, 0), r"`dof` must be > 0 \(residual degrees of freedom\); got 0"),
])
def test_bad_group_partial_r2(args, match):
    with pytest.raises(ParameterError, match=match):
        group_partial_r2(*args)


def _run(capsys, *args):
    from causal.cli import main

    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_group_benchmark(capsys):
    """``causal ovb --data darfur.csv ... --benchmark F_and_P=female,pastvoted`` gives the
    sensemakr group bounds (module docstring); the adjusted estimates and partial R²s do not
    depend on the CI's degrees of freedom."""
    status, out, _ = _run(capsys, "ovb", "--data", DARFUR_FILE, "--treatment", "directlyharmed",
                          "--outcome", "peacefactor", "--covariates", ",".join(COVARIATES),
                          "--categorical", "village", "--benchmark", "F_and_P=female,pastvoted",
                          "--benchmark", "female,pastvoted", "--json")
    assert status == 0
    data = json.loads(out)
    assert [b["name"] for b in data["benchmarks"]] == ["F_and_P", "female+pastvoted"]
    assert data["benchmarks"][0]["r2yxj_dx"] == pytest.approx(R2Y_F_AND_P, rel=1e-9)
    rows = {r["quantity"]: r for r in data["summary"]}
    for k, value in zip((1, 2, 3), F_AND_P["estimate"], strict=True):
        assert rows[f"adjusted estimate ({k}x F_and_P)"]["estimate"] == pytest.approx(
            value, rel=1e-9)
        assert rows[f"adjusted estimate ({k}x female+pastvoted)"]["estimate"] == pytest.approx(
            value, rel=1e-9)


@pytest.mark.parametrize(("args", "match"), [
    (("--data", DARFUR_FILE, "--treatment", "directlyharmed", "--outcome", "peacefactor",
      "--covariates", "female", "--benchmark", "G="), "--benchmark must name covariates"),
    (("0.1", "0.02", "100", "--benchmark", "a", "--benchmark", "b"),
     "repeated --benchmark needs --data"),
    (("--data", DARFUR_FILE, "--outcome", "peacefactor"), "with --data give --treatment"),
    (("0.1", "--data", DARFUR_FILE), "with --data give no estimate"),
    (("--data", "no_such_file.csv", "--treatment", "t", "--outcome", "y"), "CSV file not found"),
    ((), "give the estimate, its standard error"),
])
def test_cli_bad_input(capsys, args, match):
    status, _, err = _run(capsys, "ovb", *args)
    assert status == 2 and match in err and "Traceback" not in err
    assert err.count("\n") == 1
