"""Report sections, in the order they appear. Each module has ``build(analysis) -> Section | None``.

To add a section: write ``causal/report/sections/<name>.py`` with a ``build`` function and add
its module name to :data:`SECTION_MODULES` where it belongs in the reading order. The verdict
that opens the report is composed from these sections afterwards (causal/report/headline.py).
"""

from __future__ import annotations

SECTION_MODULES: list[str] = [
    "claim",
    "claims",
    "audit",
    "graph",
    "target_trial",
    "estimates",
    "heterogeneity",
    "refutations",
    "negative_controls",
    "evalue",
    "sensitivity",
    "selection_bias",
    "multi_bias",
    "probabilistic_bias",
    "randomised",
    "individual_sensitivity",
    "dml_sensitivity",
    "explain_away",
    "time_ordering",
]
