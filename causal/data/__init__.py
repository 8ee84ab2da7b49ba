"""Individual-level data for studies: the user's own files, simulated cohorts and real data
with published answers.

Every simulated frame is labelled as simulated (``attrs["simulated"] = True`` and a
description); real data come from the installed ``causaldata`` package (nothing is
downloaded). Heavy imports happen on first use.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "load_study_data": "causal.data.load",
    "load_benchmark_data": "causal.data.load",
    "data_hash": "causal.data.load",
    "simulate_cohort": "causal.data.cohort",
    "simulate_cohorts": "causal.data.cohort",
    "solve_study_world": "causal.data.cohort",
    "load_source": "causal.data.real",
    "DataSpec": "causal.data.spec",
    "World": "causal.data.spec",
    "find_world": "causal.data.spec",
    "PublishedAnswer": "causal.data.published",
    "SimulatedCohorts": "causal.data.cohort",
    "read_table": "causal.data.files",
    "check_frame": "causal.data.files",
    "TableData": "causal.data.files",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.data', _EXPORTS, globals())
