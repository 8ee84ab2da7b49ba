"""`causal multi-bias` and `causal time-ordering`: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from causal.cli import main


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_multi_bias_thew_json(capsys):
    """EValue 4.1.3: multi_evalue(multi_bias(confounding(), selection("general"),
    misclassification("outcome")), OR(2.54, rare = FALSE), lo = 1.32, hi = 4.89) ->
    1.32407424883859, 1.11348249303869 (compared within R's uniroot tolerance, 1.22e-4)."""
    status, out, _ = run(capsys, "multi-bias", "or", "2.54", "--ci", "1.32", "4.89",
                         "--common-outcome", "--confounding", "--selection", "general",
                         "--misclassification", "outcome", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["evalue_point"] == pytest.approx(1.32407424883859, abs=1.22e-4)
    assert data["evalue_ci"] == pytest.approx(1.11348249303869, abs=1.22e-4)
    assert data["parameters"][-1] == "RR_AY*|y,S=1" and "bound" not in data


def test_multi_bias_bound_text(capsys):
    """Bound B(2, 2) = 4/3 for selection with increased risk; sqrt(2.54) x 3/4 = 1.195."""
    status, out, _ = run(capsys, "multi-bias", "or", "2.54", "--ci", "1.32", "4.89",
                         "--common-outcome", "--selection", "general", "--risk", "increased",
                         "--param", "rr_uy_a1=2", "--param", "rr_su_a1=2")
    assert status == 0
    assert "selection-bias E-value (point estimate) | 2.566" in out
    assert "multiple-bias bound | 1.333" in out and "bias-corrected limit (point) | 1.195" in out


@pytest.mark.parametrize("args, message", [
    (("or", "2.54", "--selection", "general"), "state whether the outcome is common"),
    (("rr", "2", "--risk", "increased"), "add --selection general"),
    (("rr", "2"), "choose at least one bias"),
    (("rr", "2", "--confounding", "--param", "rr_uy_a1=2"), "belongs to a bias not chosen"),
    (("rr", "2", "--confounding", "--param", "rr_au"), "`--param` must be NAME=VALUE"),
    (("rr", "2", "--confounding", "--param", "rr_au=x"), "must be a number"),
    (("rr", "2", "--confounding", "--param", "rr_au=2"), "the bound needs values for"),
    (("or", "2.54", "--common-outcome", "--misclassification", "exposure",
      "--common-exposure"), "`rare_outcome` must be True"),
])
def test_multi_bias_errors_are_one_line(capsys, args, message):
    status, out, err = run(capsys, "multi-bias", *args)
    assert status == 2 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_time_ordering_json_is_labelled_simulated(capsys):
    status, out, _ = run(capsys, "time-ordering", "--replicates", "50", "--reference-or",
                         "2.54", "--random-state", "3", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["simulated"] is True and data["random_state"] == 3
    assert data["summary"][0]["quantity"] == "SIMULATED crude OR"
    status, out, _ = run(capsys, "time-ordering", "--replicates", "20",
                         "--first-uptake-session", "3")
    assert status == 0 and out.startswith("SIMULATED cohorts (not data)")
    assert "assumption: first_uptake_session | 3" in out
    status, _, err = run(capsys, "time-ordering", "--replicates", "1")
    assert status == 2 and "`n_replicates` must be at least 2" in err
