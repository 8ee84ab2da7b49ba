"""The observational gap beside randomised evidence on a related intervention.

Runs when the study file has ``[[randomised_evidence]]`` tables (causal/randomised_spec.py).
Nothing is pooled or converted between scales; every caveat is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.report.model import BulletList, Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    from causal.sensitivity.randomised import compare_with_randomised
    from causal.study.tables.randomised_spec import observational_entry, randomised_evidence

    entries = randomised_evidence(analysis.study)
    observational = observational_entry(analysis.study)
    if not entries or observational is None:
        return None
    t, c = analysis.study.claim.treated, analysis.study.claim.control
    comparison = compare_with_randomised(observational, list(entries))
    gap = 100 * (t.events / t.total - c.events / c.total)
    arms = [e for e in entries if e.arms is not None]
    gains = [100 * (e.arms[0] - e.arms[1]) for e in arms]
    blocks: list = [
        Paragraph("Randomised trials of integrated employment support, beside this study's "
                  "observational gap in recovery. Each row keeps its own outcome and "
                  "population; nothing is pooled."),
        Table(comparison.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]],
              caption="Observational gap (computed from the reported counts) and randomised "
                      "effects (as reported).", digits=3),
        BulletList(tuple(f"{label}: {caveat}" for label, caveat in comparison.caveats)),
        Callout("None of these trials measured clinical recovery (PHQ-9/GAD-7 caseness) in "
                "this population; they measured work outcomes, with small symptom gains at "
                "most. They say what support has done to employment, not what it does to "
                "recovery here.", "warning"),
    ]
    gap_n = computed(gap, "from the reported counts", f"{gap:.0f} points")
    verdict = Text.of("Randomised trials of employment support found employment gains of ")
    if gains:
        low, high = min(gains), max(gains)
        verdict += Text.of(computed(low, "differences of the arms reported by "
                                    + "; ".join(e.label for e in arms),
                                    f"{low:.1f}–{high:.1f} percentage points", (low, high)))
    verdict += Text.of(" and none measured this population's recovery; the observational "
                       "recovery gap here is ", gap_n, ".")
    # The lead sets no trial against the observational gap: the trials measured other
    # outcomes (work), randomised, while the gap is unadjusted and on recovery; all of them,
    # a null one too, are in the section's table.
    lead = Text.of(f"{count_words(len(entries)).capitalize()} randomised trials measured "
                   "other outcomes, so none tests the claim ([randomised evidence]"
                   "(#randomised)).")
    data = {"observational_gap_points": gap, "randomised_gain_points": gains,
            "caveats": [list(c) for c in comparison.caveats],
            "summary": comparison.summary()}
    return Section("randomised", "Randomised evidence on employment support", tuple(blocks),
                   data, verdict=verdict, lead=lead)
