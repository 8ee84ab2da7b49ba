"""The run layer: compute a study's analyses once, and hold what was computed.

``analyse(study)`` reads the data once, fits each estimator once, refutes those estimates and
runs the sensitivity analyses on them, and returns a frozen :class:`Analysis`;
``Analysis.from_results(study, estimates=..., refutations=..., sensitivity=...)`` holds a
user's own results instead. :func:`causal.build_report` renders either. The layer sits
between the attack layer (refute/, sensitivity/) and the report.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "analyse": "causal.analysis.run",
    "Analysis": "causal.analysis.result",
    "Failure": "causal.analysis.failure",
    "WorldEstimates": "causal.analysis.result",
    "IndividualCase": "causal.analysis.result",
    "from_results": "causal.analysis.result",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.analysis', _EXPORTS, globals())
