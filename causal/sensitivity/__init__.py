"""Sensitivity analyses: one method per module, pure functions of numbers plus thin adapters."""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "e_value": "causal.sensitivity.evalue",
    "e_value_of_rr": "causal.sensitivity.evalue",
    "bounding_factor": "causal.sensitivity.evalue",
    "explain_away_curve": "causal.sensitivity.evalue",
    "EValueResult": "causal.sensitivity.evalue",
    "benchmark_covariates": "causal.sensitivity.benchmark_covariates",
    "observed_covariate_e_value": "causal.sensitivity.benchmark_covariates",
    "CovariateBenchmarkResult": "causal.sensitivity.benchmark_covariates",
    "rosenbaum_wilcoxon": "causal.sensitivity.rosenbaum",
    "rosenbaum_mcnemar": "causal.sensitivity.rosenbaum_mcnemar",
    "gamma_star": "causal.sensitivity.rosenbaum",
    "amplify": "causal.sensitivity.amplification",
    "RosenbaumBounds": "causal.sensitivity.rosenbaum",
    "hodges_lehmann_bounds": "causal.sensitivity.rosenbaum_hl",
    "HodgesLehmannBounds": "causal.sensitivity.rosenbaum_hl",
    "tip": "causal.sensitivity.tipping",
    "TippingResult": "causal.sensitivity.tipping",
    "adjust_for_confounder": "causal.sensitivity.bias_analysis",
    "ConfounderAdjustment": "causal.sensitivity.bias_analysis",
    "probabilistic_bias_analysis": "causal.sensitivity.probabilistic",
    "BiasAnalysisResult": "causal.sensitivity.probabilistic",
    "Prior": "causal.sensitivity.priors",
    "partial_r2": "causal.sensitivity.ovb",
    "robustness_value": "causal.sensitivity.ovb",
    "adjusted_estimate": "causal.sensitivity.ovb",
    "ovb_bounds": "causal.sensitivity.ovb",
    "AdjustedEstimate": "causal.sensitivity.ovb",
    "OVBBounds": "causal.sensitivity.ovb",
    "rir": "causal.sensitivity.replacement",
    "rir_table": "causal.sensitivity.replacement",
    "RIRResult": "causal.sensitivity.replacement",
    "TableRIRResult": "causal.sensitivity.replacement",
    "ConfounderScenario": "causal.sensitivity.scenario",
    "ScenarioAssessment": "causal.sensitivity.scenario",
    "assess_scenario": "causal.sensitivity.scenario",
    "explain_away": "causal.sensitivity.explain_away",
    "ExplainAwayResult": "causal.sensitivity.explain_away",
    "ovb_sensitivity": "causal.sensitivity.ovb_data",
    "OVBDataResult": "causal.sensitivity.ovb_data",
    "ovb_extreme_grid": "causal.sensitivity.ovb_extreme",
    "OVBExtreme": "causal.sensitivity.ovb_extreme",
    "rosenbaum_matched": "causal.sensitivity.rosenbaum_matched",
    "MatchedRosenbaum": "causal.sensitivity.rosenbaum_matched",
    "Confounding": "causal.sensitivity.biases",
    "Selection": "causal.sensitivity.biases",
    "Misclassification": "causal.sensitivity.biases",
    "multi_bound": "causal.sensitivity.multi_bias",
    "multi_evalue": "causal.sensitivity.multi_bias",
    "MultiBiasBound": "causal.sensitivity.multi_bias",
    "MultiBiasEValue": "causal.sensitivity.multi_bias",
    "selection_bound": "causal.sensitivity.selection_bias",
    "selection_evalue": "causal.sensitivity.selection_bias",
    "simulate_time_ordering": "causal.sensitivity.time_ordering",
    "TimeOrderingResult": "causal.sensitivity.time_ordering_result",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.sensitivity', _EXPORTS, globals())
