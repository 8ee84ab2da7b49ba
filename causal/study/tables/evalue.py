"""``[evalue]``: the assumptions the E-value of the claim uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"rare_outcome", "true"})


@dataclass(frozen=True)
class EValueOptions:
    """``rare_outcome``: whether the outcome is rare (needed for an OR or HR); ``true``: the
    value the confounder would have to shift the estimate to (None: the null)."""

    rare_outcome: bool | None = None
    true: float | None = None


def parse(raw: Any, path: Path | str) -> EValueOptions:
    if raw is None:
        return EValueOptions()
    reader = TableReader(raw, "evalue", path, KEYS)
    return EValueOptions(rare_outcome=reader.boolean("rare_outcome", None),
                         true=reader.number("true", None,
                                            expected="a finite number"))
