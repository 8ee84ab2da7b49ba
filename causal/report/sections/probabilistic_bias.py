"""Probabilistic bias analysis of the headline estimate, with priors declared in the study file.

Draws the bias parameters of an unmeasured binary confounder from the study file's priors
(Lash, Fox & MacLehose 2021, ch. 8) and reports the distribution of the bias-adjusted estimate.
The priors are the study file's assumptions; the section says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.report.model import Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    from causal.report.sections.evalue import headline_evalue
    from causal.sensitivity.bias_analyses.probabilistic import probabilistic_bias_analysis
    from causal.study.tables.probabilistic_spec import probabilistic_bias_spec

    spec = probabilistic_bias_spec(analysis.study)
    claim = headline_evalue(analysis)
    if spec is None or claim is None or claim.measure.short_name not in ("OR", "RR", "HR"):
        return None
    result = probabilistic_bias_analysis(
        claim.measure, prevalence_treated=spec.priors["prevalence_treated"],
        prevalence_control=spec.priors["prevalence_control"],
        outcome_rr=spec.priors["outcome_rr"], n_draws=spec.n_draws,
        random_state=analysis.random_state)
    priors = "; ".join(f"{name} ~ {p.describe() if hasattr(p, 'describe') else p}"
                       for name, p in result.priors.items())
    summary = result.summary()
    # one primary scale, the risk ratio the bias is computed on; the estimate's own scale
    # (OR) stays in the table as a labelled conversion only
    rr_rows = summary[summary.quantity.str.startswith("bias-adjusted RR")]
    systematic, total = rr_rows.iloc[0], rr_rows.iloc[1]
    name = "RR"
    source = f"median of {spec.n_draws:,} draws under the study file's assumed priors"
    blocks = [
        Paragraph(f"Priors (ASSUMED by the study file, not measured): {priors}. "
                  f"Justification: {spec.justification}"),
        Paragraph(f"Each of {spec.n_draws:,} draws takes a prevalence among takers and "
                  "decliners and a confounder-recovery risk ratio from the priors, divides the "
                  "estimate on the risk-ratio scale by the implied bias factor (Schlesselman "
                  "1978) and, for the total-error interval, adds conventional random error "
                  f"(Lash, Fox & MacLehose 2021, ch. 8). Scale: {result.scale.conversion}. Seed: "
                  f"the report's random state {analysis.random_state}."),
        Table(summary[["quantity", "estimate", "ci_lower", "ci_upper", "note"]],
              caption="Probabilistic bias analysis: medians and 95% simulation intervals "
                      "(computed from the reported estimate and the assumed priors).",
              digits=3),
        Callout(f"Under these priors the median bias-adjusted {name} is "
                f"{systematic.estimate:.2f} (95% simulation interval "
                f"{systematic.ci_lower:.2f}–{systematic.ci_upper:.2f}, systematic error only; "
                f"{total.ci_lower:.2f}–{total.ci_upper:.2f} with random error). With random "
                f"error {result.share_tipped_total:.0%} of draws are at or beyond the null "
                f"({result.share_tipped:.0%} with systematic error only). The answer is "
                f"only as good as the priors.", "info"),
    ]
    # median, interval and share all with random error (total error), so they agree
    median = computed(total.estimate, source + ", total error", f"{total.estimate:.2f}")
    interval = computed(total.estimate, source + ", total error",
                        f"95% interval {total.ci_lower:.2f}–{total.ci_upper:.2f}",
                        (float(total.ci_lower), float(total.ci_upper)))
    # the share quoted beside the total-error interval is the total-error share
    share = computed(result.share_tipped_total, f"share of {spec.n_draws:,} draws under the "
                     "study file's assumed priors, total error",
                     f"{result.share_tipped_total:.0%}")
    verdict = Text.of(f"Probabilistic bias analysis (priors assumed by the study file): median "
                      f"{name} ", median, " (", interval, " with random error); with random "
                      "error ", share, " of draws at or beyond the null.")
    data = {"priors": {k: (p.describe() if hasattr(p, "describe") else p)
                       for k, p in result.priors.items()},
            "justification": spec.justification, "n_draws": spec.n_draws,
            "random_state": analysis.random_state, "summary": summary,
            "share_tipped": result.share_tipped,
            "share_tipped_total": result.share_tipped_total}
    return Section("probabilistic_bias", "Probabilistic bias analysis (priors from the study "
                   "file)", tuple(blocks), data, verdict=verdict,
                   lead=Text.of("With the study file's priors and random error, ", share,
                                " of bias-adjusted draws reach the null ([probabilistic bias](#probabilistic_bias))."))
