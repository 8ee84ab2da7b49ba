"""``[[worlds]]``: simulated truths (only with ``[data] source = "simulated"``).

Each table has the common keys (:data:`KEYS`) and the keys of the study's world model
(``[data.world] model``), which the model reads and checks (:mod:`causal.worlds`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.data.spec import World
from causal.study._reader import TableReader, spec_error

KEYS = frozenset({"name", "description", "true_odds_ratio", "calibration"})
_ODDS = dict(low=0, open_low=True, expected="an odds ratio > 0")


def parse(raw: Any, path: Path | str, model: str | None = None) -> tuple[World, ...]:
    """The ``[[worlds]]`` tables; ``model``: the study's ``[data.world] model`` (None: no
    simulated data, and only the common keys are known)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, dict) for w in raw):
        raise spec_error(path, "worlds", "an array of tables ([[worlds]])", raw)
    worlds = []
    for i, table in enumerate(raw):
        plugin = None
        if model is not None:
            from causal.worlds import world_model

            plugin = world_model(model)
        reader = TableReader(table, f"worlds[{i}]", path,
                             KEYS | (plugin.WORLD_KEYS if plugin is not None else set()))
        common = dict(
            name=reader.string("name", expected="a non-empty string", nonempty=True,
                               max_chars=200),
            description=reader.string("description", ""),
            true_odds_ratio=reader.number("true_odds_ratio", **_ODDS),
            calibration=reader.string("calibration", ""))
        worlds.append(plugin.parse_world(reader, **common) if plugin is not None
                      else World(**common))
    names = [w.name for w in worlds]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise spec_error(path, "worlds.name", "unique across [[worlds]]", duplicated[0])
    return tuple(worlds)
