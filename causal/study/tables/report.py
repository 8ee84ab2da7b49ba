"""``[report]``: which analyses the report runs.

``skip`` lists report sections not to run (e.g. ``["explain_away", "heterogeneity"]`` for a
quick report); every other section runs when the study declares what it needs. The verdict
is composed from the sections that ran.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"skip"})


def section_names() -> tuple[str, ...]:
    from causal.report.sections import SECTION_MODULES

    return tuple(SECTION_MODULES)


def parse(raw: Any, path: Path | str) -> tuple[str, ...]:
    """The sections to skip (empty: run every section the study has what it needs for)."""
    if raw is None:
        return ()
    reader = TableReader(raw, "report", path, KEYS)
    skip = reader.names("skip", (), what="a list of report section names")
    known = section_names()
    for name in skip:
        if name not in known:
            from causal.study._reader import suggestion

            raise reader.error("skip", f"names of report sections ({', '.join(known)})"
                               + suggestion(name, known), name)
    return skip
