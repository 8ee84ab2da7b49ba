"""Results computed from a study's published numbers and declared tables (no individual data).

The audit of the published numbers, the headline E-value (used by the sensitivity, selection,
multi-bias and probabilistic-bias sections), and the explain-away and time-ordering
SIMULATIONS: computed once per analysis, for :func:`causal.analysis.analyse` and
:meth:`causal.analysis.Analysis.from_results` alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from causal.analysis.failure import Failure
from causal.errors import CausalError

__all__ = ["SERVED", "published_results"]

#: the report sections that read something computed here (the others render the study file)
SERVED = ("audit", "estimates", "heterogeneity", "refutations", "evalue", "sensitivity",
          "selection_bias", "multi_bias", "probabilistic_bias", "individual_sensitivity",
          "dml_sensitivity", "explain_away", "time_ordering", "negative_controls")

def published_results(study: Any, names: Sequence[str], random_state: int,
            say: Callable[[str], None]) -> dict[str, Any]:
    """Results several sections read, computed from the study's published numbers and
    declared tables (no individual data): the audit, the headline E-value, the explain-away
    and time-ordering simulations. A headline whose E-value cannot be computed is a
    Failure."""
    out: dict[str, Any] = {}
    claim = study.claim
    if "audit" in names and (claim.estimates or claim.table is not None):
        from causal.claims import audit

        out["audit"] = audit(claim)
    if any(n in names for n in ("evalue", "sensitivity", "selection_bias", "multi_bias",
                                "probabilistic_bias")):
        from causal.sensitivity.evalues.claim import claim_evalue

        try:
            out["claim_evalue"] = claim_evalue(claim, rare_outcome=study.evalue.rare_outcome,
                                               true=study.evalue.true)
        except CausalError as error:
            out["claim_evalue"] = Failure("E-value of the headline estimate", str(error))
        headline = claim.headline
        if (headline is not None and headline.measure == "OR" and claim.control_risk
                and study.evalue.rare_outcome is not True and 0 < claim.control_risk < 1):
            # how conservative sqrt(OR) is: the Zhang-Yu conversion with the control risk
            from causal.measures import OddsRatio
            from causal.sensitivity.evalues.evalue import zhang_yu_evalue

            out["claim_zhang_yu"] = zhang_yu_evalue(
                OddsRatio(headline.value, ci=headline.interval), claim.control_risk)
    if claim.table is not None:
        out["claim_crude"] = claim.table.odds_ratio()  # crude OR of the reported counts
        if claim.clustering is not None:
            from causal.sensitivity.evalues.design_effect import claim_clustering

            c = claim.clustering
            try:
                out["claim_clustering"] = claim_clustering(
                    claim, icc=c.icc, mean_cluster_size=c.mean_cluster_size,
                    rare_outcome=study.evalue.rare_outcome, justification=c.justification)
            except CausalError as error:
                out["claim_clustering"] = Failure("design-effect-adjusted interval",
                                                  str(error))
    data = study.data
    if ("explain_away" in names and study.explain_away is not None and data is not None
            and data.simulated):
        from causal.sensitivity.simulations.explain_away import explain_away

        say("explain-away simulation")
        out["explain_away"] = explain_away(study, random_state=random_state,
                                           **study.explain_away.kwargs())
    if "negative_controls" in names and study.negative_control_estimates and (
            study.negative_controls is None or study.data is None):
        from causal.analysis.negative_controls import (
            NegativeControlResults,
            published_calibration,
        )

        out["negative_controls"] = NegativeControlResults(published=published_calibration(study))
    if "time_ordering" in names:
        runs = _time_ordering(study, random_state, say)
        if runs is not None:
            out["time_ordering"] = runs
    return out


def time_ordering_inputs(study: Any) -> tuple[Any, dict, float | None] | None:
    """The ``[time_ordering]`` spec, the reported margins it is calibrated to, and the
    reported OR its cohorts are compared with (None when the claim prints no OR); None when
    the study declares no time-ordering check or lacks the margins."""
    from causal.study.tables.time_ordering_spec import time_ordering_spec

    spec = time_ordering_spec(study)
    claim = study.claim
    if spec is None or claim.treated is None or claim.overall is None:
        return None
    margins = {"n_clients": claim.overall.total, "n_takers": claim.treated.total,
               "n_recovered": claim.overall.events}
    if spec.mean_adviser_sessions is not None:
        margins["mean_adviser_sessions"] = spec.mean_adviser_sessions
    headline = claim.headline
    reference = headline.value if headline is not None and headline.measure == "OR" else None
    return spec, margins, reference


def _time_ordering(study: Any, random_state: int, say: Callable[[str], None]) -> Any:
    """One SIMULATED time-ordering run per assumed dose-response (seeds random_state + i)."""
    from causal.sensitivity.simulations.time_ordering import simulate_time_ordering

    inputs = time_ordering_inputs(study)
    if inputs is None:
        return None
    spec, margins, reference = inputs
    say("time-ordering simulation")
    return tuple(simulate_time_ordering(
        **margins, mean_therapy_sessions=spec.mean_therapy_sessions,
        session_dispersion=spec.session_dispersion, min_sessions=spec.min_sessions,
        first_uptake_session=spec.first_uptake_session,
        recovery_or_per_doubling=value, n_replicates=spec.n_replicates,
        reference_or=reference, random_state=random_state + i)
        for i, value in enumerate(spec.recovery_or_per_doubling))
