"""konfound's outputs for the RIR tests: ``tests/data/konfound_rir.json``, written by
``tests/data/konfound_rir.R`` from konfound-project/konfound commit 1cfe76f (DESCRIPTION 1.0.4,
in development) sourced under Debian's R 4.2.2; the released 1.0.3 (cran/konfound be1687d) gives
the same outputs for every case."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

KONFOUND_FILE = Path(__file__).resolve().parent / "data" / "konfound_rir.json"


@cache
def _cases() -> dict[str, dict]:
    data = json.loads(KONFOUND_FILE.read_text(encoding="utf-8"))
    return {case["id"]: case for case in data["cases"]}


def konfound_ids(prefix: str) -> list[str]:
    return [case_id for case_id in _cases() if case_id.startswith(prefix)]


def konfound_case(case_id: str) -> tuple[dict, dict]:
    """(inputs, outputs) of one pkonfound call."""
    case = _cases()[case_id]
    return case["inputs"], case["output"]
