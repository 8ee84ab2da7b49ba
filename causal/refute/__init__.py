"""Refutation tests: attack an estimate by refitting it on perturbed data.

Each refuter is a function ``refuter(data, *, treatment, outcome, covariates, estimator, ...)``
returning a :class:`RefutationResult`. All simulations are refitted at once as array operations
(:mod:`causal.refute._batched`). :mod:`causal.refute.dowhy_adapter` runs DoWhy's refuters on
the same data for comparison.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "RefutationResult": "causal.refute._result",
    "placebo_treatment": "causal.refute.placebo",
    "random_common_cause": "causal.refute.random_common_cause",
    "data_subset": "causal.refute.data_subset",
    "bootstrap": "causal.refute.bootstrap",
    "dummy_outcome": "causal.refute.dummy_outcome",
    "unobserved_common_cause": "causal.refute.unobserved_common_cause",
    "refute_all": "causal.refute.run_all",
    "RefutationSuite": "causal.refute.run_all",
    "refute_estimate": "causal.refute.from_estimate",
    "estimator_for": "causal.refute.from_estimate",
    "refute_study": "causal.refute.study",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.refute', _EXPORTS, globals())
