"""The observational gap beside randomised evidence on a related intervention.

Runs when the study file has ``[[randomised_evidence]]`` tables (causal/randomised_spec.py).
Nothing is pooled or converted between scales; every caveat is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.report.model import BulletList, Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words, estimate_text, reported

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
        Paragraph("Randomised trials of a related intervention, beside this study's "
                  "observational gap. Each row keeps its own outcome and population; nothing "
                  "is pooled or converted between scales."),
        Table(comparison.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]],
              caption="Observational gap (computed from the reported counts) and randomised "
                      "effects (as reported).", digits=3),
        BulletList(tuple(f"{label}: {caveat}" for label, caveat in comparison.caveats)),
        Callout("None of these trials measured this study's outcome in its population (see "
                "the caveats): they say what the intervention did to their own outcomes, "
                "not what it does to this one, and they are not set against the study's "
                "unadjusted gap.", "warning"),
    ]
    gap_n = computed(gap, "from the reported counts", f"{gap:.0f} points")
    # every trial, a null one too, with its own outcome; none is set against the gap
    parts: list = []
    if gains:
        low, high = min(gains), max(gains)
        # outcomes and trial names quoted: their numbers ("12 months", "2017") are labels
        outcomes = ", ".join(f"'{o}'" for o in dict.fromkeys(e.outcome for e in arms))
        parts += [computed(low, "differences of the arms reported by "
                           + "; ".join(e.label for e in arms),
                           f"{low:.1f}–{high:.1f} percentage points", (low, high)),
                  f" in {outcomes}"]
    for e in (e for e in entries if e.arms is None and e.effect is not None):
        effect, ci = e.effect, getattr(e.effect, "ci", None)
        name = getattr(effect, "short_name", "estimate")
        parts += ["; " if parts else "", reported(
            float(effect.estimate), e.label, estimate_text(
                name, float(effect.estimate), None if ci is None else tuple(map(float, ci)))),
            f" for '{e.outcome}' ('{e.label}')"]
    verdict = Text.of(f"{count_words(len(entries)).capitalize()} randomised trials measured "
                      "other outcomes (", *parts, "); none is set against the unadjusted gap "
                      "of ", gap_n, " here.")
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
