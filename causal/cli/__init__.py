"""The ``causal`` command, one module per command group.

``app`` holds the Typer application, the one-sentence failure (exit 2), the output helpers
and :func:`main`; ``_options`` the options shared by several groups; the groups follow the
pipeline: ``published`` (a paper's printed numbers: audit, evalue, tip, ovb, rir),
``matched`` (rosenbaum), ``graph`` (dag), ``data`` (estimate, refute, heterogeneity,
dml-sensitivity), ``bias`` (bias-analysis, explain-away, multi-bias, time-ordering) and
``study`` (report, sensitivity, init) and ``paper`` (extract, batch, explore: a user with
only papers). The commands are registered here, in the order
``causal --help`` lists them.
"""

from __future__ import annotations

from causal.cli import bias, calibration, data, graph, matched, paper, published, study
from causal.cli.app import NEGATIVE_NUMBERS, main, run
from causal.cli.app import app as _app

_app.command()(published.audit)
_app.command(context_settings=NEGATIVE_NUMBERS)(published.evalue)
_app.command()(study.report)
_app.command()(data.heterogeneity)
_app.command()(matched.rosenbaum)
_app.command()(graph.dag)
_app.command()(study.sensitivity)
_app.command(context_settings=NEGATIVE_NUMBERS)(published.tip)
_app.command(context_settings=NEGATIVE_NUMBERS)(published.ovb)
_app.command()(published.rir)
_app.command("bias-analysis")(bias.bias_analysis)
_app.command("explain-away")(bias.explain_away_command)
_app.command()(data.refute)
_app.command("dml-sensitivity")(data.dml_sensitivity_command)
_app.command()(data.estimate)
_app.command("multi-bias")(bias.multi_bias_command)
_app.command("time-ordering")(bias.time_ordering_command)
_app.command("init")(study.init)
_app.command()(paper.extract)
_app.command()(paper.batch)
_app.command(context_settings=NEGATIVE_NUMBERS)(paper.explore)
_app.command()(study.examples)
_app.command(context_settings=NEGATIVE_NUMBERS)(calibration.calibrate)

__all__ = ["main", "run"]
