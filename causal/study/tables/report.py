"""``[report]``: which analyses the report runs.

``skip`` lists report sections not to run (e.g. ``["explain_away", "heterogeneity"]`` for a
quick report); every other section runs when the study declares what it needs. The verdict
is composed from the sections that ran. The report owns its section names: the names are
checked against them when a report is built (:func:`causal.report.check_skip`), so the study
file's parser never imports the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"skip", "appendix"})


def parse(raw: Any, path: Path | str) -> tuple[str, ...]:
    """The sections to skip (empty: run every section the study has what it needs for)."""
    if raw is None:
        return ()
    reader = TableReader(raw, "report", path, KEYS)
    reader.boolean("appendix", False)
    return reader.names("skip", (), what="a list of report section names")


def parse_appendix(raw: Any, path: Path | str) -> bool:
    """``[report] appendix``: whether a study on SIMULATED data gets the teaching appendix
    (estimates, refutations and individual-data sensitivity on simulated cohorts); off by
    default, so the report is about the evidence (``causal report --appendix`` turns it on)."""
    if raw is None:
        return False
    return TableReader(raw, "report", path, KEYS).boolean("appendix", False)
