"""Selection bias: how much could the selection of the analysed clients explain?

Bounds and E-values for selection bias (Smith & VanderWeele 2019) applied to the headline
estimate, under each set of assumptions the paper offers, and (when the study file assumes
values for the sensitivity parameters) the bound those values give. Runs when the study file
has a ``[selection_bias]`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from causal.report.model import BulletList, Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed

if TYPE_CHECKING:
    from causal.analysis.result import Analysis

#: (label, keyword arguments of selection_evalue, what the assumption means)
ASSUMPTION_SETS = (
    ("no assumption", {}, "inference about everyone the sample was drawn from; nothing "
     "assumed about how selection relates to the outcome"),
    ("outcome risk at least as high among the selected", {"risk": "increased"},
     "e.g. clients who complete treatment recover at least as often as those who do not, in "
     "both groups"),
    ("S = U", {"s_eq_u": True}, "the factor that drives selection is shared by everyone "
     "selected"),
    ("S = U and outcome risk at least as high among the selected",
     {"s_eq_u": True, "risk": "increased"}, "both of the above"),
    ("inference about the selected clients only", {"target": "selected"},
     "the claim is only about clients who complete treatment"),
)


def evalue_table(measure) -> tuple[pd.DataFrame, list]:
    from causal.sensitivity.bias_analyses.selection import selection_evalue

    rows, results = [], []
    for label, kwargs, meaning in ASSUMPTION_SETS:
        result = selection_evalue(measure, **kwargs)
        results.append(result)
        rows.append({"assumptions": label, "meaning": meaning,
                     "parameters": ", ".join(result.parameters),
                     "E-value (estimate)": result.point,
                     "E-value (CI limit)": result.ci if result.ci is not None else 1.0})
    return pd.DataFrame(rows), results


def build(analysis: Analysis) -> Section | None:
    from causal.report.sections.evalue import headline_evalue
    from causal.sensitivity.bias_analyses.selection import selection_bound
    from causal.study.tables.selection_spec import selection_spec

    spec = selection_spec(analysis.study)
    claim = headline_evalue(analysis)
    if spec is None or claim is None:
        return None
    measure = claim.measure
    frame, results = evalue_table(measure)
    general = results[0]
    blocks: list = [
        Paragraph(f"Who was analysed: {spec.analysed}. Why selection matters here: {spec.why}"),
        Paragraph("If an unmeasured factor drives both being analysed and the outcome, the "
                  "association among those analysed is biased for the population they were "
                  "drawn from. Smith & VanderWeele (2019) bound that bias by risk ratios linking "
                  "the factor to selection and to the outcome in each group; the selection-bias "
                  "E-value is the smallest value all of them would need to explain the estimate "
                  f"away. Scale: {general.conversion}. The assumption sets in the table are "
                  "Smith & VanderWeele's (2019), not the study authors'; which of them holds is "
                  "the reviewer's judgement."),
        Table(frame, caption="Selection-bias E-values of the headline estimate (computed from "
                             "the reported estimate and CI), by assumption set.", digits=3),
    ]
    point = computed(general.point, "selection-bias E-value, no assumption",
                     f"{general.point:.2f}")
    # no CI reported: no E-value for a CI limit (never a 1 printed for a missing value)
    limit = None if general.ci is None else computed(
        general.ci, "selection-bias E-value, no assumption", f"{general.ci:.2f}")
    data: dict = {"analysed": spec.analysed, "why": spec.why, "conversion": general.conversion,
                  "evalues": frame}
    if spec.assumed is not None:
        bound = selection_bound(spec.assumed, measure)
        values = ", ".join(f"{name} {value:g}" for _, name, value in bound.parameters)
        blocks.append(Callout(
            f"Assumed by the study file (a hypothesis, not a finding): {values}. "
            f"Justification: {spec.justification} These give a bias factor of "
            f"{bound.bound:.3f}; the estimate on the risk-ratio scale would be at least "
            f"{bound.corrected_point:.2f} and its CI limit {bound.corrected_ci_limit:.2f} if "
            f"they held.", "info"))
        data["assumed"] = {"parameters": [list(p) for p in bound.parameters],
                           "bound": bound.bound, "corrected_point": bound.corrected_point,
                           "corrected_ci_limit": bound.corrected_ci_limit,
                           "justification": spec.justification}
    blocks.append(BulletList(tuple(r.sentence() for r in results[:1])))
    verdict = Text.of("Selection bias alone (no assumptions) could explain the estimate away if "
                      "each of four selection parameters reached ", point,
                      *(("; ", limit, " would bring the CI to the null.") if limit is not None
                        else ("; with no CI reported, none can be brought to the null.",)))
    lead = Text.of("Selection alone: E-value ", point, " ([selection](#selection_bias)).")
    if spec.assumed is not None:
        factor = data["assumed"]["bound"]
        verdict += Text.of(" Under the study file's assumed selection parameters the bias "
                           "factor is ", computed(factor, "from the study file's assumed "
                                                  "parameters", f"{factor:.2f}"), ".")
    return Section("selection_bias", "Could selection of those analysed explain it? "
                   "(selection bias)", tuple(blocks), data, verdict=verdict, lead=lead)
