"""``[scenario_benchmarks]``: what the literature gives for the hypothesised confounder
(parsed by :func:`causal.study.values.scenario_basis.parse_scenario_benchmarks`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study._reader import TableReader
from causal.study.values.scenario_basis import parse_scenario_benchmarks

KEYS = frozenset({"numeric", "note", "citations"})


def parse(raw: Any, path: Path | str) -> Any:
    if raw is None:
        return None
    TableReader(raw, "scenario_benchmarks", path, KEYS)
    return parse_scenario_benchmarks(raw, path)
