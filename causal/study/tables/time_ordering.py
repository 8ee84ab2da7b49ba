"""``[time_ordering]``: the time-ordering simulation (parsed by
:func:`causal.study.tables.time_ordering_spec.parse_time_ordering`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study.tables.time_ordering_spec import _KEYS as KEYS
from causal.study.tables.time_ordering_spec import parse_time_ordering


def parse(raw: Any, path: Path | str) -> Any:
    if raw is None:
        return None
    from causal.study._reader import TableReader

    TableReader(raw, "time_ordering", path, KEYS)
    return parse_time_ordering(raw, path)


__all__ = ["KEYS", "parse"]
