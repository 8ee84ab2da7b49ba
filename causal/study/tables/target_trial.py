"""``[target_trial]``: the target trial the study emulates (parsed by
:func:`causal.study.tables.target_trial_spec.parse_target_trial`); one sub-table per protocol component
with ``target``, ``emulation``, ``departure`` and ``consequence``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study.tables.target_trial_spec import parse_target_trial
from causal.study.target_trial import COMPONENTS

KEYS = frozenset({"title", *COMPONENTS})
COMPONENT_KEYS = frozenset({"target", "emulation", "departure", "consequence"})


def parse(raw: Any, path: Path | str) -> Any:
    if raw is None:
        return None
    from causal.study._reader import TableReader

    reader = TableReader(raw, "target_trial", path, KEYS)
    for name in COMPONENTS:
        reader.sub(name, COMPONENT_KEYS, what="a table with target and emulation")
    return parse_target_trial(raw, path)
