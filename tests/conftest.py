from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests._sensitivity_refs import reference as reference_case  # noqa: F401  (re-exported)

# The property tests draw their examples from a fixed seed by default, so a run of the suite is
# reproducible and CI cannot fail on an example no earlier run drew; examples found earlier
# are kept as @example. `HYPOTHESIS_PROFILE=explore` draws fresh examples (and more of them)
# to look for new failures.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
THEW = ROOT / "studies" / "thew2024.toml"


@pytest.fixture
def thew_path() -> Path:
    return THEW
