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


@pytest.mark.parametrize(("args", "match"), [
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
