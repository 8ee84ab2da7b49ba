"""``[probabilistic_bias]``: priors of a probabilistic bias analysis (parsed by
:func:`causal.study.tables.probabilistic_spec.parse_probabilistic_bias`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study.tables.probabilistic_spec import _KEYS as KEYS
from causal.study.tables.probabilistic_spec import parse_probabilistic_bias


def parse(raw: Any, path: Path | str) -> Any:
    if raw is None:
        return None
    from causal.study._reader import TableReader

    TableReader(raw, "probabilistic_bias", path, KEYS)
    return parse_probabilistic_bias(raw, path)


__all__ = ["KEYS", "parse"]
