"""Results render themselves: ``to_dict()`` (plain JSON types) and ``render_text()``, and the
command line prints exactly those.

No new numbers are asserted here: each check compares a renderer with the result's own fields
or with the command's output for the same input (the inputs are the ones of
tests/test_sensitivity_cli.py: Thew et al. 2024, OR 2.54, 95% CI 1.32-4.89).
"""

from __future__ import annotations

import json
import math

import pytest

from causal.cli import main
from causal.measures import OddsRatio, RiskRatio, TwoByTwo
from causal.sensitivity.bias_analyses.simple import adjust_for_confounder
from causal.sensitivity.evalues.evalue import e_value
from causal.sensitivity.omitted_variable.ovb import ovb_bounds
from causal.sensitivity.simulations.time_ordering import simulate_time_ordering
from causal.sensitivity.tipping_points.risk_ratio import tip


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_summary_mixin_defaults():
    result = tip(RiskRatio(1.8, ci=(1.2, 2.7)), prevalence_treated=0.5, prevalence_control=0.2)
    data = result.to_dict()
    json.dumps(data, allow_nan=False)  # plain JSON types, NaN as None
    assert len(data["summary"]) == len(result.summary())
    assert data["solved_for"] == result.solved_for
    assert data["value"] == result.value
    assert result.render_text().splitlines()[0] == (
        "| quantity | estimate | ci_lower | ci_upper | note |")


def test_evalue_renders_what_the_command_prints(capsys):
    result = e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False))
    data = result.to_dict()
    assert data["evalue_point"] == result.point and data["evalue_ci"] == result.ci
    assert "summary" not in data  # the E-value's JSON has its headline fields only
    out = run(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89", "--common-outcome")
    assert out == result.render_text() + "\n"
    assert result.render_text().endswith("\n\n" + result.sentence())
    printed = json.loads(run(capsys, "evalue", "or", "2.54", "--ci", "1.32", "4.89",
                             "--common-outcome", "--json"))
    assert printed == {"measure": "or", **json.loads(json.dumps(data))}


def test_bias_analysis_json_is_the_result_dict(capsys):
    result = adjust_for_confounder(TwoByTwo(31, 66, 64, 236), prevalence_treated=0.5,
                                   prevalence_control=0.2, effect=2.0)
    printed = json.loads(run(capsys, "bias-analysis", "31", "66", "64", "236", "--p1", "0.5",
                             "--p0", "0.2", "--effect", "2", "--json"))
    assert printed == json.loads(json.dumps(result.to_dict()))
    assert printed["adjusted_mh"] == pytest.approx(result.adjusted_mh, rel=1e-15)


def test_ovb_bounds_dict_keeps_nan_out():
    result = ovb_bounds(0.5, 0.2, 300, r2dxj_x=0.02, r2yxj_dx=0.03)
    data = result.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["rv_q"] == result.rv_q and data["partial_r2"] == result.partial_r2
    assert all(v is None or not (isinstance(v, float) and math.isnan(v))
               for row in data["summary"] for v in row.values())


def test_time_ordering_text_says_simulated(capsys):
    result = simulate_time_ordering(n_replicates=40, random_state=7)
    assert result.to_dict()["simulated"] is True
    assert result.render_text().startswith("SIMULATED cohorts (not data)")
    out = run(capsys, "time-ordering", "--replicates", "40", "--random-state", "7")
    assert out == result.render_text() + "\n"


def test_audit_renders_what_the_command_prints(capsys):
    from causal.claims import audit
    from causal.study.load import load_study
    from tests.conftest import THEW

    result = audit(load_study(THEW).claim)
    out = run(capsys, "audit", str(THEW))
    assert result.findings and out == result.render_text() + "\n"
    printed = json.loads(run(capsys, "audit", str(THEW), "--json"))
    assert printed == json.loads(json.dumps(result.to_dict()))
    assert "] main: " in result.render_text("main").splitlines()[0]


def test_dml_study_renders_what_the_command_prints(capsys):
    from causal.sensitivity.omitted_variable.dml_study import dml_sensitivity_study
    from causal.study.load import load_study
    from tests.conftest import ROOT

    nhefs = ROOT / "studies" / "nhefs.toml"
    run_ = dml_sensitivity_study(load_study(nhefs), random_state=20240101)
    assert run(capsys, "dml-sensitivity", str(nhefs)) == run_.render_text() + "\n"
    printed = json.loads(run(capsys, "dml-sensitivity", str(nhefs), "--json"))
    assert printed == json.loads(json.dumps(run_.to_dict()))
    assert printed["rv"] == run_.result.rv
