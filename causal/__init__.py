"""causal: stress-test observational findings.

Importing the package is cheap: names are loaded on first use, and heavy dependencies (DoWhy,
EconML, matplotlib) are imported only inside the functions that need them.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "RiskRatio": "causal.measures",
    "OddsRatio": "causal.measures",
    "HazardRatio": "causal.measures",
    "RiskDifference": "causal.measures",
    "MeanDifference": "causal.measures",
    "StandardizedMeanDifference": "causal.measures",
    "TwoByTwo": "causal.measures",
    "e_value": "causal.sensitivity.evalues.evalue",
    "bounding_factor": "causal.study.values.bias_factors",
    "EValueResult": "causal.sensitivity.evalues.evalue",
    "PublishedClaim": "causal.claims",
    "ReportedEstimate": "causal.claims",
    "GroupCounts": "causal.claims",
    "audit": "causal.claims",
    "Study": "causal.study.model",
    "load_study": "causal.study.load",
    "estimate_study": "causal.estimate.study",
    "refute_study": "causal.refute.study",
    "sensitivity_study": "causal.sensitivity.study",
    "analyse": "causal.analysis.run",
    "Analysis": "causal.analysis.result",
    "build_report": "causal.report.build",
    "write_report": "causal.report.build",
    "EffectEstimate": "causal.estimate.result",
    "Crude": "causal.estimate.crude",
    "OutcomeRegression": "causal.estimate.regression",
    "GComputation": "causal.estimate.gcomputation",
    "IPW": "causal.estimate.ipw",
    "AIPW": "causal.estimate.aipw",
    "PSMatching": "causal.estimate.matching",
    "effect_heterogeneity": "causal.estimate.heterogeneity",
    "HeterogeneityResult": "causal.estimate.heterogeneity",
    "CausalGraph": "causal.graph.dag",
    "read_graph": "causal.graph.dag",
    "identify": "causal.graph.identification",
    "check_adjustment": "causal.graph.identification",
    "is_valid_adjustment": "causal.graph.identification",
    "implied_independences": "causal.graph.implications",
    "check_implications": "causal.graph.implications",
    "load_study_data": "causal.data",
    "data_hash": "causal.data",
    "simulate_cohort": "causal.data",
    "simulate_cohorts": "causal.data",
    "TargetTrial": "causal.study.target_trial",
    "ProtocolComponent": "causal.study.target_trial",
    "EvidenceEntry": "causal.study.values.evidence",
    "compare_with_randomised": "causal.sensitivity.randomised",
    "cluster": "causal._parallel",
    "CausalError": "causal.errors",
    "CausalWarning": "causal.errors",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal', _EXPORTS, globals())
