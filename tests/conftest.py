from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
THEW = ROOT / "studies" / "thew2024.toml"


def reference_case(case_id: str) -> dict:
    """A test vector from ../shared/reference/reference_values.json (skip if not present)."""
    path = SHARED / "reference" / "reference_values.json"
    if not path.exists():
        pytest.skip("../shared/reference/reference_values.json is not available")
    cases = {case["id"]: case for case in json.loads(path.read_text())}
    return cases[case_id]


@pytest.fixture
def thew_path() -> Path:
    return THEW
