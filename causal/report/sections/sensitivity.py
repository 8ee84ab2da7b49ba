"""Named confounder scenarios from the study file, read by every risk-ratio-scale method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.errors import CausalError, StudySpecError
from causal.plots._figure import figure_bytes, new_figure
from causal.plots.evalue import plot_evalue_curve
from causal.plots.tipping import plot_tipping_heatmap
from causal.report.model import (
    BulletList,
    Callout,
    Figure,
    Paragraph,
    Section,
    Table,
)
from causal.report.provenance import Text, assumed, computed, count_words
from causal.report.sections.evalue import headline_evalue
from causal.sensitivity.evalues.scenario import assess_scenario, scenario_table
from causal.sensitivity.surfaces import tipping_surface
from causal.study.values.scenario_basis import scenario_bases, scenario_benchmarks

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    scenarios = list(analysis.study.scenarios)
    if not scenarios:
        return None
    try:
        result = headline_evalue(analysis)
    except CausalError:
        return None  # the E-value section says why there is none
    if result is None or result.measure.short_name not in ("RR", "OR", "HR"):
        return None
    measure = result.measure
    try:
        assessments = [assess_scenario(s, measure, true=result.true) for s in scenarios]
        table = scenario_table(scenarios, measure, true=result.true)
    except CausalError as error:
        raise StudySpecError(f"{analysis.study.where}: cannot apply the [[scenarios]]: {error}") from None
    name = measure.short_name
    # One primary scale, the risk ratio the bias is computed on (issue 21): the adjusted RR
    # and its CI limit first; the estimate's own scale (an OR is the square of its RR under
    # the sqrt(OR) convention) only as a labelled conversion.
    on_rr = name != "RR"
    if on_rr:
        position = table.columns.get_loc(f"adjusted_{name}")
        table.insert(position, "adjusted RR", [a.adjusted_rr for a in assessments])
        table.insert(position + 1, "adjusted RR CI limit",
                     [a.adjusted_ci_limit_rr if a.adjusted_ci_limit_rr is not None
                      else float("nan") for a in assessments])
        table = table.rename(columns={f"adjusted_{name}": f"as {name} (conversion)",
                                      "adjusted_ci_limit": f"{name} CI limit (conversion)"})
    table.insert(0, "#", [str(i) for i in range(1, len(table) + 1)])
    bases = scenario_bases(analysis.study)
    table.insert(2, "basis", [bases[s.name].basis if s.name in bases else "hypothesis"
                              for s in scenarios])
    headline = analysis.study.claim.headline
    label = headline.label if headline is not None else "the headline estimate"
    blocks: list = [
        Paragraph(
            f"Each row is an unmeasured confounder (self-selection) declared in the study file, "
            f"with its basis: 'evidence' (published numbers, cited) or 'hypothesis' (the study "
            f"file's own guess, not anyone's finding). It is applied to {label} ({measure.describe()}) on "
            f"the risk-ratio scale ({result.conversion}), the scale the results are given "
            f"on" + (f"; the {name} columns are only that conversion undone, not a second "
                     f"analysis" if on_rr else "") + ". A binary confounder's bias factor is exact "
            "(Schlesselman 1978); a confounder given only by its strength (two risk ratios) "
            "is applied at its largest possible bias, the bounding factor (Ding & "
            "VanderWeele 2016). The confidence limit shown is the one nearest the null."),
        Table(table.rename(columns={"bias_factor": "bias factor",
                                    f"adjusted_{name}": f"adjusted {name}",
                                    "adjusted_ci_limit": "adjusted CI limit",
                                    "tips_estimate": "explains away the estimate",
                                    "tips_ci": "CI reaches the null",
                                    "beyond_evalue_curve": "beyond the E-value curve"}),
              caption="Named confounder scenarios from the study file.", digits=3),
        BulletList(tuple(a.sentence(on_rr=on_rr) for a in assessments)),
        BulletList(tuple(f"Basis of '{name}': {b.describe()}." for name, b in bases.items())),
    ]
    benchmarks = scenario_benchmarks(analysis.study)
    if all(b.basis == "hypothesis" for b in bases.values()):
        blocks.append(Callout(
            "Every scenario here is a hypothesis of the study file, not a published finding."
            + (f" Published benchmarks: {benchmarks.note}" if benchmarks is not None else
               " The study file cites no published association of the confounder with the "
               "outcome to compare them with."), "warning"))
    if benchmarks is not None and benchmarks.citations:
        blocks.append(BulletList(tuple(benchmarks.citations)))
    flagged = analysis.study.scenarios.headline
    critics = next((a for a in assessments if a.scenario.name == flagged), None)
    if (critics is not None and critics.scenario.kind == "binary"
            and critics.outcome_rr_to_tip_estimate == critics.outcome_rr_to_tip_estimate):
        s = critics.scenario
        blocks.append(Callout(
            f"With the prevalences of '{s.name}' ({s.prevalence_treated:.0%} vs "
            f"{s.prevalence_control:.0%}), the confounder would have to multiply the chance of "
            f"the outcome by {critics.outcome_rr_to_tip_estimate:.2f} to explain the estimate "
            f"away, and by {critics.outcome_rr_to_tip_ci:.2f} to bring the confidence limit to "
            f"the null.", "info"))
    figure, ax = new_figure()
    plot_evalue_curve(result, ax=ax, points=[(str(i), min(a.rr_eu, 50.0), a.rr_ud)
                                              for i, a in enumerate(assessments, 1)])
    blocks.append(Figure("sensitivity_evalue_scenarios",
                         "The E-value curves with the named scenarios (squares, numbered as in the "
                         "table) at their "
                         "risk-ratio coordinates; a scenario above a curve has a bounding factor "
                         "large enough to explain away the estimate (solid) or the CI limit "
                         "(dashed). For a binary confounder the exact bias is smaller than the "
                         "bounding factor.", figure_bytes(figure), figure_bytes(figure, "svg"), alt="E-value curve with "
                         "scenarios"))
    binary = [a for a in assessments if a.scenario.kind == "binary"]
    if binary:
        p0 = binary[0].scenario.prevalence_control
        surface = tipping_surface(measure, prevalence_control=p0, true=result.true)
        figure, ax = new_figure()
        plot_tipping_heatmap(surface, ax=ax, points=[
            (str(i), a.scenario.prevalence_treated - p0, a.scenario.outcome_rr)
            for i, a in enumerate(assessments, 1)
            if a.scenario.kind == "binary" and a.scenario.prevalence_control == p0])
        blocks.append(Figure("sensitivity_tipping",
                             f"Bias-adjusted estimate for a binary confounder present in "
                             f"{p0:.0%} of controls, by how much more common it is among the "
                             f"treated (x) and how strongly it raises the outcome risk (y). "
                             f"Beyond the solid line the estimate is explained away; beyond the "
                             f"dashed line the confidence interval includes the null. Squares: the "
                             f"binary scenarios, numbered as in the table.",
                             figure_bytes(figure), figure_bytes(figure, "svg"), alt="tipping heatmap"))
    n_point = sum(a.tips_estimate for a in assessments)
    n_ci = sum(a.tips_ci for a in assessments)
    verdict = Text.of(f"Of {count_words(len(assessments))} named confounder scenarios (all "
                      f"hypotheses of the study file)" if all(
                          b.basis == "hypothesis" for b in bases.values()) else
                      f"Of {count_words(len(assessments))} named confounder scenarios",
                      f", {count_words(n_point)} would explain the estimate away and {count_words(n_ci)} "
                      f"would bring its confidence interval to the null")
    lead: Text | str = ""
    if critics is not None:
        basis = bases.get(critics.scenario.name)
        hypothesis = basis is None or basis.basis == "hypothesis"
        under = ("under the study file's hypothesis" if hypothesis else
                 f"from the reported estimate and {basis.citation}")
        value = critics.adjusted_rr if on_rr else critics.adjusted
        bound = critics.adjusted_ci_limit_rr if on_rr else critics.adjusted_ci_limit
        shown = "RR" if on_rr else name
        adjusted = Text.of(computed(value, under, f"{value:.2f}"))
        limit = (Text.of(", limit ", computed(bound, under, f"{bound:.2f}"))
                 if bound is not None else Text.of(""))
        verdict += Text.of(f" ('{critics.scenario.name}': adjusted {shown} ", adjusted, limit,
                           ")")
        lead = _lead(critics, shown, hypothesis, basis, adjusted, limit)
    data = {"measure": name, "conversion": result.conversion,
            "scenarios": [{"name": a.scenario.name, "kind": a.scenario.kind,
                           "headline": a is critics,
                           "description": a.scenario.description,
                           "bias_factor": a.bias_factor, "adjusted": a.adjusted,
                           "adjusted_ci_limit": a.adjusted_ci_limit,
                           "adjusted_rr": a.adjusted_rr,
                           "adjusted_ci_limit_rr": a.adjusted_ci_limit_rr,
                           "ci_limit_used": a.ci_limit_used, "tips_estimate": a.tips_estimate,
                           "tips_ci": a.tips_ci, "rr_eu": a.rr_eu, "rr_ud": a.rr_ud,
                           "beyond_point_curve": a.beyond_point_curve,
                           "beyond_ci_curve": a.beyond_ci_curve} for a in assessments]}
    data["bases"] = {k: {"basis": b.basis, "citation": b.citation,
                         "justification": b.justification} for k, b in bases.items()}
    return Section("sensitivity", "What would named confounders do? (scenarios)",
                   tuple(blocks), data, verdict=verdict + ".", lead=lead)


def _lead(assessment, measure: str, hypothesis: bool, basis, adjusted: Text,
          limit: Text) -> Text:
    """The verdict's sentence on the scenario the study file marks as its headline."""
    s = assessment.scenario
    origin = "" if hypothesis else f" (from {basis.citation})"
    tag = "study file's hypothesis" if hypothesis else basis.citation
    if s.kind == "binary":
        shape = Text.of(" (", assumed(s.prevalence_treated, tag, f"{s.prevalence_treated:.0%}"),
                        " vs ", assumed(s.prevalence_control, tag,
                                        f"{s.prevalence_control:.0%}"),
                        ", RR ", assumed(s.outcome_rr, tag, f"{s.outcome_rr:g}"),
                        "; no published numbers)" if hypothesis else ")")
    else:
        shape = Text.of(" (risk ratios ", assumed(s.rr_eu, tag, f"{s.rr_eu:g}"), " and ",
                        assumed(s.rr_ud, tag, f"{s.rr_ud:g}"), ")")
    outcome = ("explain it away" if assessment.tips_estimate else
               "bring the CI to the null" if assessment.tips_ci else
               "leave it clear of the null")
    who = ("The study file's hypothesis" if hypothesis else "The evidence-based scenario")
    return Text.of(f"{who} '{s.name}'{origin}", shape, f" would {outcome}: "
                   f"{measure} ", adjusted, limit, " ([scenarios](#sensitivity)).")
