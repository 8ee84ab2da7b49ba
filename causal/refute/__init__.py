"""Refutation tests: attack an estimate by refitting it on perturbed data.

``refute(estimate, data)`` refits the estimator behind an
:class:`~causal.estimate.EffectEstimate` under every refuter's perturbations (the refuters are in
:mod:`causal.refute.refuters`, one per file). Each refuter is also a function
``refuter(estimate, data, ...)`` of an EffectEstimate returning a :class:`RefutationResult`.
:mod:`causal.refute.dowhy_adapter` runs DoWhy's refuters on the same data for comparison.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "RefutationResult": "causal.refute._result",
    "placebo_treatment": "causal.refute.refuters",
    "random_common_cause": "causal.refute.refuters",
    "data_subset": "causal.refute.refuters",
    "bootstrap": "causal.refute.refuters",
    "dummy_outcome": "causal.refute.refuters",
    "unobserved_common_cause": "causal.refute.refuters",
    "refute_all": "causal.refute.run_all",
    "RefutationSuite": "causal.refute.run_all",
    "refute": "causal.refute.from_estimate",
    "refute_study": "causal.refute.study",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.refute', _EXPORTS, globals())
