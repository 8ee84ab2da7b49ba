"""`causal refute STUDY`: every refuter on a study's data from the command line."""

from __future__ import annotations

import json

from causal.cli import main
from tests.conftest import THEW


def test_refute_thew_simulated_text(capsys):
    status = main(["refute", str(THEW), "--simulations", "20", "--world", "self-selection only"])
    out = capsys.readouterr().out
    assert status == 0
    assert "SIMULATED data (self-selection only)" in out
    for name in ("placebo treatment", "random common cause", "data subsets", "bootstrap",
                 "dummy outcome"):
        assert name in out


def test_refute_json_is_reproducible(capsys):
    args = ["refute", str(THEW), "--simulations", "20", "--json", "--random-state", "7"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert first == second
    assert first["simulated"] is True and first["estimator"] == "regression"
    assert [row["refuter"] for row in first["verdicts"]][0] == "placebo treatment"


def test_refute_bad_world_is_one_sentence_exit_2(capsys):
    assert main(["refute", str(THEW), "--world", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: `world` must be one of") and err.count("\n") == 1


def test_refute_aipw_as_estimated(capsys):
    """`--estimator aipw` refits AIPW with its cross-fitting in every simulation."""
    status = main(["refute", str(THEW), "--simulations", "5", "--estimator", "aipw", "--json"])
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert out["estimator"] == "aipw"
    assert {row["refuter"] for row in out["verdicts"]} >= {"placebo treatment", "bootstrap"}
