"""Are the published numbers consistent with each other?"""

from __future__ import annotations

from causal.claims import audit
from causal.report.model import Callout, Paragraph, ReportContext, Section, Table


def build(ctx: ReportContext) -> Section | None:
    claim = ctx.study.claim
    if not claim.estimates and claim.table is None:
        return None
    result = ctx.cached("audit", lambda: audit(claim))
    blocks: list = [Paragraph(
        "Each check allows for the rounding of the printed numbers: a check fails only if no "
        "values that print as reported could satisfy it.")]
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    for finding in sorted(result.findings, key=lambda f: order[f.severity]):
        if finding.severity != "ok":
            blocks.append(Callout(finding.message, finding.severity))
    passed = [f for f in result.findings if f.severity == "ok"]
    if passed:
        blocks.append(Paragraph(f"{len(passed)} check(s) passed:"))
        blocks.append(Table(result.summary().query("severity == 'ok'")[["check", "subject",
                                                                          "message"]]))
    problems = [f for f in result.findings if f.severity in ("warning", "error")]
    verdict = ("The published numbers agree with each other." if not problems else
               f"Audit: {len(problems)} problem(s) in the published numbers; "
               + problems[0].message)
    return Section("audit", "Audit of the published numbers", tuple(blocks),
                   {"worst": result.worst, "findings": result.to_records()}, verdict=verdict)
