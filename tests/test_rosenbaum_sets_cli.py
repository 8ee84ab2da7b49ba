"""`causal rosenbaum --treated T --controls C1,C2`: matched sets with several controls."""

from __future__ import annotations

import json

import pytest

from causal.cli import main
from tests._sensitivity_refs import DATA

TB = DATA / "tbmetaphase.csv"


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_reproduces_senm(capsys):
    """sensitivitymult 1.0.2 senm on tbmetaphase (tests/test_rosenbaum_sets.py module
    docstring): trim = 1 at Γ = 2 gives pval 0.0090188311034707924, deviate
    2.3648440993118958, statistic 5.833333333333333; default psi (trim = 3) at Γ = 3 gives
    pval 0.033176940742535965."""
    status, out, _ = run(capsys, "rosenbaum", TB, "--treated", "HRZ", "--controls",
                         "H2R2Z2.1,H2R2Z2.2", "--trim", "1", "--gamma", "2", "--json")
    assert status == 0
    data = json.loads(out)
    (row,) = data["bounds"]
    assert row["p_upper"] == pytest.approx(0.0090188311034707924, rel=1e-8)
    assert row["deviate"] == pytest.approx(2.3648440993118958, rel=1e-10)
    assert data["statistic"] == pytest.approx(5.833333333333333, rel=1e-10)
    assert data["sided"] == "one-sided" and data["set_sizes"] == {"2": 10, "3": 5}
    assert data["gamma_star"] > 2
    status, out, _ = run(capsys, "rosenbaum", TB, "--treated", "HRZ", "--controls", "H2R2Z2.1",
                         "--controls", "H2R2Z2.2", "--gamma", "3")
    assert status == 0 and "0.03318" in out and "Gamma =" in out


def test_one_row_per_person_reproduces_senm_example(capsys):
    """senm's example ``senm(either4low, smoker, mset, trim = 2.5, gamma = 2.2)`` on
    tests/data/teeth.csv (sensitivitymult 1.0.2; values in tests/test_rosenbaum_sets.py):
    pval 0.015597560517545461, deviate 2.1545748223271399."""
    status, out, _ = run(capsys, "rosenbaum", DATA / "teeth.csv", "--outcome", "either4low",
                         "--treatment", "smoker", "--matched-set", "mset", "--trim", "2.5",
                         "--gamma", "2.2", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["bounds"][0]["p_upper"] == pytest.approx(0.015597560517545461, rel=1e-8)
    assert data["bounds"][0]["deviate"] == pytest.approx(2.1545748223271399, rel=1e-10)
    assert data["set_sizes"] == {"2": 441}


@pytest.mark.parametrize(("args", "match"), [
    (("--outcome", "HRZ", "--treatment", "HRZ"),
     "one row per person needs all of --outcome, --treatment and --matched-set"),
    (("--outcome", "HRZ", "--treatment", "HRZ", "--matched-set", "nope"),
     "column 'nope' is not in"),
    (("--outcome", "H2R2Z2.2", "--treatment", "H2R2Z2.1", "--matched-set", "HRZ"),
     "`outcome` must be a 1-d array of finite numbers"),
    (("--treated", "HRZ", "--controls", "H2R2Z2.1", "--outcome", "HRZ"),
     "with --controls give --treated (and neither --column nor --control)"),
    (("--controls", "H2R2Z2.1"), "with --controls give --treated"),
    (("--treated", "HRZ", "--controls", "H2R2Z2.1", "--column", "HRZ"),
     "with --controls give --treated (and neither --column nor --control)"),
    (("--treated", "HRZ", "--controls", "H2R2Z2.1", "--alternative", "two-sided"),
     "matched sets take a one-sided --alternative"),
    (("--treated", "HRZ", "--controls", "nope"), "column 'nope' is not in"),
    (("--treated", "HRZ", "--controls", "H2R2Z2.1", "--trim", "1", "--inner", "2"),
     "`inner` and `trim` must satisfy 0 <= inner <= trim"),
    (("--treated", "HRZ", "--controls", "H2R2Z2.2"),
     "every matched set needs at least one control"),
])
def test_bad_input(capsys, args, match):
    status, _, err = run(capsys, "rosenbaum", TB, *args)
    assert status == 2 and match in err and "Traceback" not in err
    assert err.count("\n") == 1
