"""dags/dwp_ea_iapt.dot (DWP Research Report 1014, unemployed clients) read by the graph tools.

What is asserted follows from the edges written in the file: matching on the measured
covariates (age, sex, benefit history, baseline PHQ-9 and GAD-7) leaves a back-door path
through every one of the five unmeasured nodes for the employment outcome, and caseness at the
final session is a mediator of the effect on work (so adjusting for it is forbidden).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from causal.cli import main
from causal.graph.dag import read_graph
from causal.graph.identification import check_adjustment, identify

DWP = Path(__file__).resolve().parents[1] / "dags" / "dwp_ea_iapt.dot"
MATCHED = ("age", "sex", "benefit_history", "phq9_baseline", "gad7_baseline")
LATENT = {"motivation", "work_experience", "engagement", "referral_route", "health_trajectory"}


def test_roles_and_latent_nodes():
    graph = read_graph(DWP)
    assert (graph.exposure, graph.outcome) == ("saw_adviser", "in_work_12m")
    assert set(graph.latent) == LATENT
    assert {"depression_caseness", "anxiety_caseness", *MATCHED} <= set(graph.nodes)


def test_matching_on_observables_leaves_every_latent_open():
    graph = read_graph(DWP)
    ident = identify(graph)
    assert not ident.identifiable
    assert {"depression_caseness", "anxiety_caseness"} <= set(ident.forbidden)
    check = check_adjustment(graph, MATCHED, max_paths=200)
    assert not check.valid and not check.paths_truncated
    assert set().union(*(path.latent for path in check.open_paths)) == LATENT


@pytest.mark.parametrize("outcome", ["depression_caseness", "anxiety_caseness"])
def test_caseness_outcomes_are_confounded_too(outcome):
    """For caseness, work experience acts only through motivation, so four latents remain."""
    graph = read_graph(DWP).with_roles(outcome=outcome)
    check = check_adjustment(graph, MATCHED, max_paths=200)
    assert not check.valid
    assert set().union(*(path.latent for path in check.open_paths)) == \
        {"motivation", "engagement", "referral_route", "health_trajectory"}


def test_adjusting_for_caseness_is_flagged_as_a_mediator():
    check = check_adjustment(read_graph(DWP), (*MATCHED, "depression_caseness"))
    flagged = {d.node: d.kind for d in check.descendants}
    assert flagged == {"depression_caseness": "mediator"}


def test_causal_dag_command_reads_it(capsys):
    assert main(["dag", str(DWP)]) == 0
    out = capsys.readouterr().out
    assert "exposure: saw_adviser    outcome: in_work_12m" in out
    assert "identifiable by covariate adjustment: no" in out
    assert "  - saw_adviser <- motivation -> in_work_12m" in out
