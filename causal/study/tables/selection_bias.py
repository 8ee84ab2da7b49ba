"""``[selection_bias]`` and ``[multi_bias]``: selection bias and several biases at once
(parsed by :mod:`causal.study.tables.selection_spec`; ``[multi_bias]`` reads the selection
table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.study.tables.selection_spec import _MULTI_KEYS as MULTI_KEYS
from causal.study.tables.selection_spec import _SELECTION_KEYS as KEYS
from causal.study.tables.selection_spec import parse_multi_bias, parse_selection_bias


def parse(raw: Any, multi: Any, path: Path | str) -> tuple[Any, Any]:
    """(selection, multi-bias) specifications, each None when its table is absent."""
    from causal.study._reader import TableReader

    if raw is not None:
        TableReader(raw, "selection_bias", path, KEYS)
    if multi is not None:
        TableReader(multi, "multi_bias", path, MULTI_KEYS)
    selection = None if raw is None else parse_selection_bias(raw, path)
    return selection, None if multi is None else parse_multi_bias(multi, path, selection)


__all__ = ["KEYS", "MULTI_KEYS", "parse"]
