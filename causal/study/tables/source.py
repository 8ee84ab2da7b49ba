"""``[source]``: where the study's published numbers come from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causal.study._reader import TableReader

KEYS = frozenset({"citation", "doi", "url", "notes"})


@dataclass(frozen=True)
class Source:
    """The ``[source]`` table (every field optional)."""

    citation: str = ""
    doi: str = ""
    url: str = ""
    notes: str = ""


def parse(raw: Any, path: Path | str) -> Source:
    if raw is None:
        return Source()
    reader = TableReader(raw, "source", path, KEYS)
    return Source(**{key: reader.string(key, "") for key in sorted(KEYS)})
