"""Sensitivity analyses: one method per module, pure functions of numbers plus thin adapters."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "e_value": "causal.sensitivity.evalue",
    "e_value_of_rr": "causal.sensitivity.evalue",
    "bounding_factor": "causal.sensitivity.evalue",
    "explain_away_curve": "causal.sensitivity.evalue",
    "EValueResult": "causal.sensitivity.evalue",
    "benchmark_covariates": "causal.sensitivity.benchmark_covariates",
    "observed_covariate_e_value": "causal.sensitivity.benchmark_covariates",
    "CovariateBenchmarkResult": "causal.sensitivity.benchmark_covariates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'causal.sensitivity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
