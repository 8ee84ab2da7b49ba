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

KEYS = frozenset({"skip"})


def parse(raw: Any, path: Path | str) -> tuple[str, ...]:
    """The sections to skip (empty: run every section the study has what it needs for)."""
    if raw is None:
        return ()
    reader = TableReader(raw, "report", path, KEYS)
    return reader.names("skip", (), what="a list of report section names")
