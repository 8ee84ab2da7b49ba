"""The claim under test: what the paper reports, and where each number comes from."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from causal.report.model import BulletList, Paragraph, Section, Table

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def _group_rows(groups) -> pd.DataFrame:
    return pd.DataFrame([{
        "group": g.label, "events": "" if g.events is None else g.events,
        "total": "" if g.total is None else g.total,
        "reported %": "" if g.percent is None else str(g.percent),
        "computed %": f"{100 * g.events / g.total:.1f}" if g.has_counts else ""}
        for g in groups])


def _ci_text(e) -> str:
    return "not reported" if e.ci is None else f"{e.ci[0]}–{e.ci[1]}"


def build(analysis: Analysis) -> Section | None:
    study = analysis.study
    claim = study.claim
    meta = study.info
    source = study.source
    blocks: list = []
    if meta.question:
        blocks.append(Paragraph(f"**Question.** {meta.question}"))
    facts = []
    for key, label in (("population", "Population"), ("design", "Design"),
                       ("treatment_description", "Treatment"),
                       ("outcome_description", "Outcome")):
        if getattr(meta, key):
            facts.append(f"{label}: {getattr(meta, key)}")
    if facts:
        blocks.append(BulletList(tuple(facts)))
    if not study.has_claim and study.data is not None:
        blocks.append(Paragraph(
            "The study declares no published claim: the report stress-tests the estimate "
            "computed from its own data (the estimates, refutation tests and sensitivity "
            "analyses below)."))
    groups = [g for g in (claim.treated, claim.control, claim.overall) if g is not None]
    if groups and len(study.claims) <= 1:
        blocks.append(Table(_group_rows(groups),
                            caption=f"Outcome ({claim.outcome or study.outcome}) by group, "
                                    f"as reported."))
    if claim.estimates and len(study.claims) <= 1:
        frame = pd.DataFrame([{"estimate": e.label, "measure": e.measure,
                               "value": str(e.estimate), "95% CI": _ci_text(e),
                               "p": e.p_value or "", "adjustment": e.adjustment,
                               "headline": "yes" if e.headline else "",
                               "source": e.source} for e in claim.estimates])
        blocks.append(Table(frame, caption="Reported effect estimates, as printed."))
        adjusted = [e for e in claim.estimates if e.adjusted_for]
        for estimate in adjusted:
            blocks.append(Paragraph(f"{estimate.label} was adjusted for: "
                                    f"{', '.join(estimate.adjusted_for)}."))
    unmeasured = sorted({c for item in study.claims for c in item.unmeasured},
                        key=[c for item in study.claims for c in item.unmeasured].index)
    if unmeasured:
        blocks.append(Paragraph("Not measured, and so not adjusted for: "
                                + ", ".join(unmeasured) + "."))
    if source.citation:
        doi = f" doi:{source.doi}" if source.doi else ""
        blocks.append(Paragraph(f"Source: {source.citation}{doi}"))
    if source.notes:
        blocks.append(Paragraph(source.notes))
    if not blocks:
        return None
    data = {
        "treatment": study.treatment,
        "outcome": study.outcome,
        "groups": [{"label": g.label, "events": g.events, "total": g.total,
                    "percent": None if g.percent is None else str(g.percent)} for g in groups],
        "estimates": [{"label": e.label, "measure": e.measure, "estimate": str(e.estimate),
                       "ci": None if e.ci is None else [str(e.ci[0]), str(e.ci[1])],
                       "p_value": e.p_value, "adjustment": e.adjustment,
                       "adjusted_for": list(e.adjusted_for), "headline": e.headline,
                       "source": e.source} for e in claim.estimates],
    }
    return Section("claim", "The claim", tuple(blocks), data)
