"""Several biases at once: confounding, selection and outcome misclassification.

Multiple-bias bounds and E-values (Smith, Mathur & VanderWeele 2021): the smallest value that
every sensitivity parameter would need to take, all at once, to explain the headline estimate
away, and (when the study file assumes values) the bound they give. Runs when the study file
has a ``[multi_bias]`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.report.model import Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def bias_types(names: tuple[str, ...]) -> list:
    """The bias objects (no parameter values) for the names of a ``[multi_bias]`` table."""
    from causal.study.values.biases import Confounding, Misclassification, Selection

    make = {"confounding": Confounding, "selection": Selection,
            "outcome_misclassification": lambda: Misclassification("outcome")}
    return [make[name]() for name in names]


def build(analysis: Analysis) -> Section | None:
    from causal.report.sections.evalue import headline_evalue
    from causal.sensitivity.bias_analyses.multiple import multi_bound, multi_evalue
    from causal.study.tables.selection_spec import multi_bias_spec

    spec = multi_bias_spec(analysis.study)
    claim = headline_evalue(analysis)
    if spec is None or claim is None:
        return None
    biases = bias_types(spec.biases)
    result = multi_evalue(biases, claim.measure)
    named = ", ".join(name.replace("_", " ") for name in spec.biases)
    blocks: list = [
        Paragraph(f"Biases considered together: {named}. Each bias contributes a factor; "
                  "their product bounds how far the estimate can be from the truth (Smith, "
                  "Mathur & VanderWeele 2021). The multi-bias E-value is the smallest value "
                  "that every one of the sensitivity parameters below would need to reach, "
                  f"all at once, to explain the estimate away. Scale: {result.conversion}. "
                  "Selection is taken with no assumption (general target); outcome "
                  "misclassification is differential (recovery reported differently by takers "
                  "and decliners)."),
        Table(result.summary()[["quantity", "estimate", "method", "note"]],
              caption="Multi-bias E-value of the headline estimate (computed from the "
                      "reported estimate and CI).", digits=3),
        Paragraph(result.sentence()),
    ]
    data: dict = {"biases": list(spec.biases), "parameters": list(result.parameters),
                  "evalue_point": result.point, "evalue_ci": result.ci,
                  "conversion": result.conversion}
    point = computed(result.point, "multi-bias E-value", f"{result.point:.2f}")
    verdict = Text.of(f"Together ({named}), every one of {count_words(len(result.parameters))} "
                      "bias "
                      "parameters would need to reach only ", point,
                      " to explain the estimate away", *(
                          ("; ", computed(result.ci, "multi-bias E-value", f"{result.ci:.2f}"),
                           " to reach the CI") if result.ci is not None else ()), ".")
    lead = Text.of("With confounding and misclassification: ", point,
                   " ([multi-bias](#multi_bias)).")
    if spec.assumed:
        bound = multi_bound(list(spec.assumed), claim.measure)
        values = ", ".join(f"{name} {value:g}" for _, name, value in bound.parameters)
        blocks.append(Table(bound.summary()[["quantity", "estimate", "method", "note"]],
                            caption="Multi-bias bound with the study file's ASSUMED "
                                    "parameters (a hypothesis).", digits=3))
        blocks.append(Callout(
            f"Assumed by the study file (a hypothesis): {values}. Justification: "
            f"{spec.justification} Bias factor {bound.bound:.3f}: the estimate on the "
            f"risk-ratio scale would be at least {bound.corrected_point:.2f} (CI limit "
            f"{bound.corrected_ci_limit:.2f}) if they held.", "info"))
        data["assumed"] = {"parameters": [list(p) for p in bound.parameters],
                           "bound": bound.bound, "corrected_point": bound.corrected_point,
                           "corrected_ci_limit": bound.corrected_ci_limit,
                           "justification": spec.justification}
        verdict += Text.of(" With the study file's assumed parameters the joint bias factor is ",
                           computed(bound.bound, "from the study file's assumed parameters",
                                    f"{bound.bound:.2f}"),
                           ", leaving a risk-ratio-scale estimate of at least ",
                           computed(bound.corrected_point, "under the study file's hypothesis",
                                    f"{bound.corrected_point:.2f}"), ".")
    return Section("multi_bias", "Confounding, selection and misclassification together "
                   "(multi-bias)", tuple(blocks), data, verdict=verdict, lead=lead)
