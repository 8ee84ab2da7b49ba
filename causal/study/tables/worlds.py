"""``[[worlds]]``: simulated truths (only with ``[data] source = "simulated"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.data.spec import World
from causal.study._reader import TableReader, spec_error

KEYS = frozenset({"name", "description", "true_odds_ratio", "motivation_uptake_odds_ratio",
                  "motivation_recovery_odds_ratio", "calibration", "motivation_prevalence"})
_ODDS = dict(low=0, open_low=True, expected="an odds ratio > 0")


def parse(raw: Any, path: Path | str) -> tuple[World, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, dict) for w in raw):
        raise spec_error(path, "worlds", "an array of tables ([[worlds]])", raw)
    worlds = []
    for i, table in enumerate(raw):
        reader = TableReader(table, f"worlds[{i}]", path, KEYS)
        worlds.append(World(
            name=reader.string("name", expected="a non-empty string", nonempty=True,
                               max_chars=200),
            description=reader.string("description", ""),
            true_odds_ratio=reader.number("true_odds_ratio", **_ODDS),
            motivation_uptake_odds_ratio=reader.number("motivation_uptake_odds_ratio", 1.0,
                                                       **_ODDS),
            motivation_recovery_odds_ratio=reader.number("motivation_recovery_odds_ratio", 1.0,
                                                         **_ODDS),
            calibration=reader.string("calibration", ""),
            motivation_prevalence=reader.number("motivation_prevalence", None, low=0, high=1,
                                                open_low=True, open_high=True,
                                                expected="a prevalence in (0, 1)")))
    names = [w.name for w in worlds]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise spec_error(path, "worlds.name", "unique across [[worlds]]", duplicated[0])
    return tuple(worlds)
