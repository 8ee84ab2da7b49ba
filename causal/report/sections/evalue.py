"""E-values of the headline estimate, with the explain-away curve."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from causal.analysis.failure import Failure
from causal.measures import is_rare_outcome
from causal.plots._figure import figure_bytes, new_figure
from causal.plots.evalue import plot_evalue_curve
from causal.report.model import Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Text, computed

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def headline_evalue(analysis: Analysis):
    """E-values of the primary claim's headline estimate, with the study's ``[evalue]``
    assumptions, as the analysis computed them (raises the CausalError it recorded)."""
    from causal.errors import ParameterError

    result = analysis.extras.get("claim_evalue")
    if isinstance(result, Failure):
        raise ParameterError(result.reason)
    return result


def build(analysis: Analysis) -> Section | None:
    from causal.errors import CausalError

    try:
        result = headline_evalue(analysis)
    except CausalError as error:
        return Section("evalue", "How strong would unmeasured confounding have to be? "
                       "(E-values)", (Callout(f"No E-value: {error}", "warning"),),
                       {"error": str(error)})
    if result is None:
        return None
    headline = analysis.study.claim.headline
    assert headline is not None
    figure, ax = new_figure()
    plot_evalue_curve(result, ax=ax)
    blocks = [
        Paragraph(f"Headline estimate: {headline.label}, {headline.describe()}. "
                  f"Conversion to the risk-ratio scale: {result.conversion}."),
        Callout(result.sentence(), "info"),
        Table(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]]),
        Figure("evalue_curve", "Every pair of confounder–treatment and confounder–outcome risk "
               "ratios on or above the solid curve could explain away the estimate; on or above "
               "the dashed curve, the confidence limit. The dot marks the E-value.",
               figure_bytes(figure), figure_bytes(figure, "svg"), alt="E-value bias plot"),
    ]
    prevalence = analysis.study.claim.prevalence
    if prevalence is not None and headline.measure == "OR":
        blocks.append(Paragraph(
            f"The outcome is common here ({prevalence:.0%} overall), so treating the OR as a "
            f"risk ratio would overstate the E-value; the square-root conversion is used."
            if not is_rare_outcome(prevalence) else
            f"The outcome is rare ({prevalence:.0%} overall), so OR ≈ RR."))
    zhang_yu = analysis.extras.get("claim_zhang_yu")
    crude = analysis.extras.get("claim_crude")
    if zhang_yu is not None and prevalence is not None and not is_rare_outcome(prevalence):
        rr = zhang_yu.measure
        ci_text = "" if rr.ci is None else f" (CI {rr.ci[0]:.2f}–{rr.ci[1]:.2f})"
        sqrt_text = f"RR {result.rr_point:.2f}"
        conservative = zhang_yu.point >= result.point
        blocks.append(Paragraph(
            f"One scale throughout: every bias analysis in this report works on the risk-ratio "
            f"scale with RR ~ sqrt(OR) ({sqrt_text}); ORs elsewhere are that conversion undone. "
            f"The square root is {'conservative' if conservative else 'not conservative'} "
            f"here: with the control risk {analysis.study.claim.control_risk:.0%}, the Zhang & "
            f"Yu (1998) conversion OR / (1 - p0 + p0 OR) gives RR {rr.estimate:.2f}{ci_text} "
            f"and E-values {zhang_yu.point:.2f}"
            + (f" / {zhang_yu.ci:.2f}" if zhang_yu.ci is not None else "")
            + " (approximate for an adjusted OR; McNutt et al. 2003)."))
    estimates = analysis.study.claim.estimates
    if crude is not None and headline.measure == "OR" and len(estimates) > 0:
        moved = ", ".join(f"{e.label} {e.estimate:g}" for e in estimates)
        blocks.append(Paragraph(
            f"What the measured covariates did: crude OR {crude.estimate:.2f} from the "
            f"reported counts; {moved} (as reported). Adjustment moved the estimate little, "
            f"which says nothing about the unmeasured confounders the E-value is about."
            if all(abs(math.log(e.value / crude.estimate)) < math.log(1.25) for e in estimates)
            else f"What the measured covariates did: crude OR {crude.estimate:.2f} from the "
                 f"reported counts; {moved} (as reported)."))
    for note in result.notes:
        blocks.append(Callout(note, "warning"))
    clustered = analysis.extras.get("claim_clustering")
    if isinstance(clustered, Failure):
        blocks.append(Callout(clustered.sentence(), "warning"))
    elif clustered is not None:
        blocks.append(Callout(clustered.sentence(), "warning"))
        blocks.append(Table(clustered.summary()[["quantity", "estimate", "ci_lower",
                                                 "ci_upper", "note"]],
                            caption="The headline interval widened by an ASSUMED Kish design "
                                    "effect 1 + (m - 1) ICC ([claim] clustering): a "
                                    "hypothesis of the study file, not a reported number."))
    data = {"measure": headline.measure, "conversion": result.conversion,
            "rr_point": result.rr_point,
            "rr_ci": None if result.rr_ci is None else list(result.rr_ci),
            "evalue_point": result.point, "evalue_ci": result.ci,
            "ci_limit_used": result.ci_limit_used, "true": result.true}
    if zhang_yu is not None:
        data["zhang_yu"] = {"rr": zhang_yu.measure.estimate, "evalue_point": zhang_yu.point,
                            "evalue_ci": zhang_yu.ci,
                            "control_risk": analysis.study.claim.control_risk}
    if clustered is not None and not isinstance(clustered, Failure):
        data["clustering_assumed"] = [
            {"icc": r.icc, "mean_cluster_size": r.mean_cluster_size,
             "design_effect": r.design_effect, "ci": list(r.ci), "evalue_ci": e}
            for r, e in zip(clustered.rows, clustered.evalue_ci, strict=True)]
    source = "E-value of the reported estimate"
    point = computed(result.point, source, f"{result.point:.2f}")
    limit = computed(result.ci, source, f"{result.ci:.2f}") if result.ci is not None else None
    verdict = Text.of("E-value ", point, " for the estimate" +
                      (" and " if limit is not None else ""),
                      *((limit, " for its confidence limit") if limit is not None else ()),
                      ".")
    lead = Text.of("Confounding: E-value ", point,
                   *((" (CI ", limit, ")") if limit is not None else ()),
                   " ([E-values](#evalue)).")
    return Section("evalue", "How strong would unmeasured confounding have to be? (E-values)",
                   tuple(blocks), data, verdict=verdict, lead=lead)
