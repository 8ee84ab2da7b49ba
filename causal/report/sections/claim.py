"""The claim under test: what the paper reports, and where each number comes from."""

from __future__ import annotations

import pandas as pd

from causal.report.model import BulletList, Paragraph, ReportContext, Section, Table


def build(ctx: ReportContext) -> Section | None:
    study = ctx.study
    claim = study.claim
    meta = study.section("study")
    source = study.section("source")
    blocks: list = []
    if meta.get("question"):
        blocks.append(Paragraph(f"**Question.** {meta['question']}"))
    facts = []
    for key, label in (("population", "Population"), ("design", "Design"),
                       ("treatment_description", "Treatment"),
                       ("outcome_description", "Outcome")):
        if meta.get(key):
            facts.append(f"{label}: {meta[key]}")
    if facts:
        blocks.append(BulletList(tuple(facts)))
    groups = [g for g in (claim.treated, claim.control, claim.overall) if g is not None]
    if groups:
        frame = pd.DataFrame([{"group": g.label, "events": g.events, "total": g.total,
                               "reported %": "" if g.percent is None else str(g.percent),
                               "computed %": f"{100 * g.events / g.total:.1f}"} for g in groups])
        blocks.append(Table(frame, caption=f"Outcome ({claim.outcome or study.outcome}) by group, "
                                           f"as reported."))
    if claim.estimates:
        frame = pd.DataFrame([{"estimate": e.label, "measure": e.measure,
                               "value": str(e.estimate), "95% CI": f"{e.ci[0]}–{e.ci[1]}",
                               "p": e.p_value or "", "adjustment": e.adjustment,
                               "headline": "yes" if e.headline else "",
                               "source": e.source} for e in claim.estimates])
        blocks.append(Table(frame, caption="Reported effect estimates, as printed."))
        adjusted = [e for e in claim.estimates if e.adjusted_for]
        for estimate in adjusted:
            blocks.append(Paragraph(f"{estimate.label} was adjusted for: "
                                    f"{', '.join(estimate.adjusted_for)}."))
    unmeasured = study.section("claim.unmeasured").get("confounders", [])
    if unmeasured:
        blocks.append(Paragraph("Not measured, and so not adjusted for: "
                                + ", ".join(unmeasured) + "."))
    if source.get("citation"):
        doi = f" doi:{source['doi']}" if source.get("doi") else ""
        blocks.append(Paragraph(f"Source: {source['citation']}{doi}"))
    if source.get("notes"):
        blocks.append(Paragraph(source["notes"]))
    data = {
        "treatment": study.treatment,
        "outcome": study.outcome,
        "groups": [{"label": g.label, "events": g.events, "total": g.total,
                    "percent": None if g.percent is None else str(g.percent)} for g in groups],
        "estimates": [{"label": e.label, "measure": e.measure, "estimate": str(e.estimate),
                       "ci": [str(e.ci[0]), str(e.ci[1])], "p_value": e.p_value,
                       "adjustment": e.adjustment, "adjusted_for": list(e.adjusted_for),
                       "headline": e.headline, "source": e.source} for e in claim.estimates],
    }
    return Section("claim", "The claim", tuple(blocks), data)
