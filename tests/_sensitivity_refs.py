"""Shared helpers for the sensitivity tests: the project's reference vectors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE_FILE = SHARED / "reference" / "reference_values.json"
DARFUR_FILE = SHARED / "data" / "darfur.csv"


@cache
def reference(case_id: str) -> dict:
    """One case of ../shared/reference/reference_values.json by its id."""
    cases = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    for case in cases:
        if case["id"] == case_id:
            return case
    raise KeyError(case_id)
