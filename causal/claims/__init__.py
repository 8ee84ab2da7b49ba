"""A published claim and an audit of its internal consistency.

A reviewer often has only what a paper prints: an estimate with a CI, a p-value written as
"<.001", counts and percentages per group. :func:`audit` checks that those numbers agree with
each other, allowing for the rounding they were printed with:

* ``ci_symmetry``: a Wald interval for a ratio is symmetric on the log scale;
* ``p_value``: the p-value agrees with the standard error implied by the CI;
* ``counts``: an odds, risk ratio or risk difference agrees with the group counts;
* ``percentages``: percentages agree with the counts after rounding (GRIM-style);
* ``tables``: which integer 2x2 tables with the reported group sizes reproduce a reported OR
  and its CI.

Rounding convention: a number printed with ``k`` decimals stands for any value within
``0.5 x 10^-k`` of it (round half either way). A check fails only if *no* values inside the
rounding boxes of all the numbers involved satisfy it.

One module per concern: ``printed`` (rounding boxes, printed p-values), ``model`` (the claim,
its estimates and group counts), ``findings`` (the audit's result), ``checks`` (the checks and
:func:`audit`), ``tables`` (2x2 tables that reproduce an estimate). Names are loaded on first
use. ``document``, ``extract``, ``extracted`` and ``text_checks`` find estimates in a paper's
text (:func:`extract`) and run these checks on them.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Severity": "causal.claims.model",
    "MAX_TABLE_CELLS": "causal.claims.model",
    "SEVERITIES": "causal.claims.model",
    "MeasureName": "causal.claims.model",
    "MEASURE_NAMES": "causal.claims.model",
    "ADDITIVE_MEASURES": "causal.claims.model",
    "Adjustment": "causal.claims.model",
    "ADJUSTMENTS": "causal.claims.model",
    "GroupCounts": "causal.claims.model",
    "ReportedEstimate": "causal.claims.model",
    "PublishedClaim": "causal.claims.model",
    "decimals_of": "causal.claims.printed",
    "rounding_box": "causal.claims.printed",
    "rounds_to": "causal.claims.printed",
    "PrintedP": "causal.claims.printed",
    "Finding": "causal.claims.findings",
    "AuditResult": "causal.claims.findings",
    "reproducing_tables": "causal.claims.tables",
    "tables_matching_point": "causal.claims.tables",
    "check_tables": "causal.claims.tables",
    "check_ci_symmetry": "causal.claims.checks",
    "implied_p_range": "causal.claims.checks",
    "check_p_value": "causal.claims.checks",
    "check_counts": "causal.claims.checks",
    "check_percentages": "causal.claims.checks",
    "audit": "causal.claims.checks",
    "PaperText": "causal.claims.document",
    "read_paper": "causal.claims.document",
    "extract": "causal.claims.extract",
    "Extraction": "causal.claims.extracted",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.claims', _EXPORTS, globals())
