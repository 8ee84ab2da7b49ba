"""Re-run the offline calibration of the "self-selection only" world (SIMULATED cohorts).

Run: ``uv run python benchmarks/calibrate_self_selection.py`` (about 3 minutes on 2 cores).
Prints the motivation OR per SD that studies/thew2024.toml records; not run by the tests.
"""

from __future__ import annotations

import time
from pathlib import Path

from causal.data.cohort import targets_of
from causal.data.spec import find_world
from causal.study import load_study
from causal.worlds.calibrate import calibrate_motivation

STUDY = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"

if __name__ == "__main__":
    study = load_study(STUDY)
    start = time.perf_counter()
    result = calibrate_motivation(study.data, find_world(study.worlds, "self-selection only"),
                                  targets_of(study), replicates=8000, random_state=2024)
    print(result)
    print(f"{time.perf_counter() - start:.0f} s")
