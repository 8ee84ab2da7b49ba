"""Are the published numbers consistent with each other?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.claims import AuditResult, Finding, PublishedClaim, ReportedEstimate
from causal.report.model import Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words, estimate_text, reported

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def reported_estimate(estimate: ReportedEstimate) -> Text:
    """``OR 2.54 (95% CI 1.32–4.89)`` tagged as reported, with the estimate's source tag."""
    from causal.claims import decimals_of

    if estimate.source.startswith("computed from the reported"):
        # a risk ratio the claim derives from printed groups (PublishedClaim.headline): not
        # printed by the paper, so tagged as computed and shown to two decimals
        text = estimate_text(estimate.measure, estimate.value, estimate.interval, 2)
        return Text.of(computed(estimate.value, estimate.source, text, estimate.interval))
    digits = decimals_of(estimate.estimate)  # as printed
    text = estimate_text(estimate.measure, estimate.value, estimate.interval, digits)
    return Text.of(reported(estimate.value, estimate.source or "the paper", text,
                            estimate.interval))


def problem_text(claim: PublishedClaim, group: tuple[Finding, ...], counts_source: str) -> Text:
    """One distinct problem in words, every number tagged."""
    first = group[0]
    estimate = next((e for e in claim.estimates if e.label == first.subject), None)
    counts = next((f for f in group if f.check == "counts"), None)
    tables = next((f for f in group if f.check == "tables"), None)
    if estimate is None or counts is None or claim.table is None:
        return Text.of(first.message)
    t, c = claim.treated, claim.control
    assert t is not None and c is not None
    ci = counts.details["computed_ci"]
    text = Text.of(f"'{estimate.label}', ", reported_estimate(estimate),
                   ", cannot come from the reported counts ",
                   reported(t.events, counts_source, f"{t.events}/{t.total}"), " vs ",
                   reported(c.events, counts_source, f"{c.events}/{c.total}"), ", which give ",
                   computed(counts.details["computed_estimate"], "Woolf",
                            estimate_text(estimate.measure, counts.details["computed_estimate"],
                                          (ci[0], ci[1])), (ci[0], ci[1])))
    if tables is not None and not tables.details.get("reproducing_tables"):
        text += Text.of("; no table with ", reported(t.total, counts_source, str(t.total)),
                        " treated and ", reported(c.total, counts_source, str(c.total)),
                        " control clients reproduces it, so it was adjusted for something or "
                        "estimated on a smaller sample")
    return text


def short_problem(claim: PublishedClaim, group: tuple[Finding, ...], counts_source: str
                  ) -> Text:
    """The first problem in one short clause, for the opening verdict."""
    estimate = next((e for e in claim.estimates if e.label == group[0].subject), None)
    counts = next((f for f in group if f.check == "counts"), None)
    tables = next((f for f in group if f.check == "tables"), None)
    t, c = claim.treated, claim.control
    if estimate is None or counts is None or t is None or c is None:
        return problem_text(claim, group, counts_source)
    value = counts.details["computed_estimate"]
    text = Text.of(f"'{estimate.label}' {estimate.measure} ",
                   reported(estimate.value, estimate.source, f"{estimate.estimate}"),
                   " cannot come from the counts (crude ",
                   computed(value, "from the counts", f"{value:.2f}"), ")")
    if tables is not None and not tables.details.get("reproducing_tables"):
        total = t.total + c.total
        text += Text.of("; the model may have used fewer than ",
                        reported(total, counts_source, str(total)), " clients")
    return text


def verdict_text(claim: PublishedClaim, result: AuditResult, source: str) -> tuple[Text, Text]:
    """(At-a-glance line, verdict sentence) counting distinct problems."""
    problems = result.problems
    if not problems:
        line = Text.of("The published numbers agree with each other.")
        return line, Text.of("The published numbers agree with each other ([audit](#audit)).")
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    first = problem_text(claim, problems[0], source)
    glance = Text.of(f"Audit: {count_words(count)} {noun} in the published numbers: ", first,
                     ".")
    lead = Text.of("Audit: ", short_problem(claim, problems[0], source),
                   f"{'' if count == 1 else f' ({count_words(count)} problems in all)'}"
                   " ([audit](#audit)).")
    return glance, lead


def counts_source(analysis: Analysis) -> str:
    """The source tag of the group counts, as the study file states it."""
    treated = analysis.study.claim.treated
    text = "" if treated is None else treated.source
    return "[B]" if "[B] counts" in text or text == "[B]" else text


def build(analysis: Analysis) -> Section | None:
    claim = analysis.study.claim
    if not claim.estimates and claim.table is None:
        return None
    result = analysis.extras.get("audit")
    if result is None:
        return None
    blocks: list = [Paragraph(
        "Each check allows for the rounding of the printed numbers: a check fails only if no "
        "values that print as reported could satisfy it. Findings of several checks that "
        "describe the same problem (an estimate the counts cannot produce fails both the counts "
        "and the 2x2-table check) are counted once.")]
    order = {"error": 0, "warning": 1, "info": 2, "ok": 3}
    for finding in sorted(result.findings, key=lambda f: order[f.severity]):
        if finding.severity != "ok":
            blocks.append(Callout(finding.message, finding.severity))
    passed = [f for f in result.findings if f.severity == "ok"]
    if passed:
        blocks.append(Paragraph(f"{len(passed)} check(s) passed:"))
        blocks.append(Table(result.summary().query("severity == 'ok'")[["check", "subject",
                                                                          "message"]]))
    glance, lead = verdict_text(claim, result, counts_source(analysis))
    return Section("audit", "Audit of the published numbers", tuple(blocks),
                   {"worst": result.worst, "problems": len(result.problems),
                    "findings": result.to_records()}, verdict=glance, lead=lead)
