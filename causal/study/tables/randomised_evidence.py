"""``[[randomised_evidence]]``: randomised trials to put beside the observational effect
(parsed by :func:`causal.study.tables.randomised_spec.parse_randomised_evidence`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study.tables.randomised_spec import _KEYS as KEYS
from causal.study.tables.randomised_spec import parse_randomised_evidence


def parse(raw: Any, path: Path | str) -> tuple[Any, ...]:
    if raw is None:
        return ()
    from causal.study._reader import TableReader

    if isinstance(raw, list):
        for i, table in enumerate(raw):
            TableReader(table, f"randomised_evidence[{i}]", path, KEYS)
    return parse_randomised_evidence(raw, path)


__all__ = ["KEYS", "parse"]
