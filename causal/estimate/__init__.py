"""Effect estimators, one per module, returning :class:`EffectEstimate`.

Every estimator is configuration (keyword-only ``__init__``) with one method,
``estimate(data, *, treatment, outcome, covariates=(), categorical=(), squared=(),
dropna=False, cluster=None) -> EffectEstimate`` (``cluster``: a column grouping rows that are
not independent; intervals are then cluster-robust, :mod:`causal.estimate._clusters`). Names
are loaded on first use.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "EffectEstimate": "causal.estimate.result",
    "BootstrapResult": "causal.estimate.result",
    "Crude": "causal.estimate.crude",
    "OutcomeRegression": "causal.estimate.regression",
    "GComputation": "causal.estimate.gcomputation",
    "IPW": "causal.estimate.ipw",
    "AIPW": "causal.estimate.aipw",
    "PSMatching": "causal.estimate.matching",
    "GEE": "causal.estimate.gee",
    "ClusterSummary": "causal.estimate.result",
    "LogisticModel": "causal._glm.models",
    "LinearModel": "causal._glm.models",
    "design_matrix": "causal._glm.declared",
    "kish_ess": "causal.estimate.diagnostics",
    "standardized_differences": "causal.estimate.diagnostics",
    "extreme_share": "causal.estimate.diagnostics",
    "effect_heterogeneity": "causal.estimate.heterogeneity",
    "HeterogeneityResult": "causal.estimate.heterogeneity",
    "estimate_study": "causal.estimate.study",
    "StudyEstimates": "causal.estimate.study",
    "proximal_2sls": "causal.estimate.proximal",
    "ProximalEstimate": "causal.estimate.proximal",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.estimate', _EXPORTS, globals())
