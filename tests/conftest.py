from __future__ import annotations

from pathlib import Path

import pytest

from tests._sensitivity_refs import reference as reference_case  # noqa: F401  (re-exported)

ROOT = Path(__file__).resolve().parents[1]
THEW = ROOT / "studies" / "thew2024.toml"


@pytest.fixture
def thew_path() -> Path:
    return THEW
