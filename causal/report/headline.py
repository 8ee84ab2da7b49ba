"""The report's first section: a plain-language answer to the headline question.

"How much unmeasured confounding (self-selection) could explain the reported effect, and is
that much plausible?" The answer is composed from the other sections' ``data`` after they are
built, so it never computes anything new and always agrees with the sections below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from causal.report.model import BulletList, Callout, Paragraph, Section

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study


def _by_key(sections: list[Section]) -> dict[str, dict[str, Any]]:
    return {s.key: s.data for s in sections}


def headline_section(study: Study, sections: list[Section]) -> Section | None:
    """Compose the verdict from the sections' data (None when there is nothing to say)."""
    data = _by_key(sections)
    headline = study.claim.headline
    points: list[str] = []
    severity = "info"
    family = data.get("claims")
    if family is not None:
        points.append(f"{family['n_claims']} claims tested (below, one by one); the first "
                      f"sentence above is about the primary one, "
                      f"'{study.claim.label or study.outcome}'.")
        if family.get("percentages_only"):
            from causal.report.sections.claims import PERCENTAGES_ONLY

            points.append(PERCENTAGES_ONLY)
    if headline is not None:
        points.append(f"The claim: {headline.label}, {headline.describe(with_p=True)} "
                      f"({headline.adjustment} estimate).")
    elif not study.has_claim and "individual_sensitivity" in data:
        points.append("No published claim: the study's own estimate is stress-tested on its "
                      "data (estimates, refutation tests, E-value, omitted-variable bias and "
                      "Rosenbaum bounds below).")
    comparison = _compare_with_data(study, headline, data.get("estimates"))
    if comparison:
        points.append(comparison)
    audit = data.get("audit")
    if audit is not None:
        problems = [f for f in audit["findings"] if f["severity"] in ("warning", "error")]
        points.append("The published numbers agree with each other." if not problems else
                      f"The audit found {len(problems)} inconsistenc"
                      f"{'y' if len(problems) == 1 else 'ies'} in the published numbers "
                      f"(first: {problems[0]['message']})")
    graph = data.get("graph")
    if graph is not None:
        if graph.get("identifiable") is False:
            latent = sorted({n for p in graph.get("open_paths", []) for n in p["latent"]})
            points.append("Under the study's causal graph no adjustment for measured variables "
                          "identifies the effect" + (f": paths stay open through unmeasured "
                                                     f"{', '.join(latent)}." if latent else "."))
        elif graph.get("published_set_valid") is False:
            points.append("Under the study's causal graph the published adjustment set is not "
                          "valid, although a valid set of measured variables exists.")
        bad = [d["node"] for d in graph.get("adjusted_descendants", []) if d.get("forbidden")]
        if bad:
            points.append(f"The published model adjusts for {', '.join(bad)}, which the "
                          f"treatment itself affects; that can bias the estimate in either "
                          f"direction.")
    evalue = data.get("evalue")
    how_much = ""
    if evalue is not None:
        how_much = (f"An unmeasured confounder associated with both treatment and outcome by a "
                    f"risk ratio of {evalue['evalue_point']:.2f} each (beyond the measured "
                    f"covariates) could explain the estimate away")
        if evalue.get("evalue_ci") is not None:
            how_much += (f"; one of {evalue['evalue_ci']:.2f} each could make the confidence "
                         f"interval include the null")
        how_much += f" (E-values; {evalue['conversion']})."
    if not how_much and not study.has_claim:
        own = next((s for s in sections if s.key == "individual_sensitivity"), None)
        if own is not None and own.verdict:
            how_much = own.verdict
    plausible = ""
    scenarios = (data.get("sensitivity") or {}).get("scenarios", [])
    if scenarios:
        tips_ci = [s for s in scenarios if s["tips_ci"]]
        tips_point = [s for s in scenarios if s["tips_estimate"]]
        plausible = (f"Of {len(scenarios)} named scenarios for the confounder, "
                     f"{len(tips_point)} would explain the estimate away and {len(tips_ci)} "
                     f"would bring its confidence interval to the null")
        if tips_ci:
            example = next((s for s in tips_ci if s.get("headline")), tips_ci[0])
            plausible += (f"; for example '{example['name']}' gives an adjusted "
                          f"{data['sensitivity']['measure']} of {example['adjusted']:.2f}")
            if example.get("adjusted_ci_limit") is not None:
                plausible += f" with a CI limit of {example['adjusted_ci_limit']:.2f}"
        plausible += "."
        severity = "warning" if tips_ci else "ok"
    explain = data.get("explain_away")
    if explain is not None and explain.get("summary_sentence"):
        plausible += " Simulation: " + explain["summary_sentence"][0].lower() + \
            explain["summary_sentence"][1:]
        bench = (explain.get("benchmarks") or {}).get("phq9_baseline")
        if bench:
            plausible += (f" For scale, measured baseline severity (PHQ-9) predicts uptake and "
                          f"recovery with ORs of only {bench[2]:.2f} and {bench[3]:.2f} per SD "
                          f"in the simulated world.")
    if not (points or how_much or plausible):
        return None
    blocks: list = []
    question = study.info.question
    if question:
        blocks.append(Paragraph(f"**Question.** {question}"))
    if how_much or plausible:
        answer = " ".join(part for part in (how_much, plausible) if part)
        blocks.append(Callout(answer, severity))  # type: ignore[arg-type]
    if scenarios:
        blocks.append(Paragraph(_reading(scenarios)))
    blocks.append(BulletList(tuple(points)))
    return Section("verdict", "Verdict", tuple(blocks),
                   {"answer": " ".join(p for p in (how_much, plausible) if p),
                    "points": points})


def _reading(scenarios: list[dict[str, Any]]) -> str:
    """Read the verdict off the study's headline scenario (the one it calls plausible)."""
    chosen = next((s for s in scenarios if s.get("headline")), None)
    if chosen is None:
        return ("Reading: compare the scenarios above with what is known about the "
                "confounder; none is marked as the study's plausible one (headline = true).")
    name = chosen["name"]
    if chosen["tips_estimate"]:
        return (f"Reading: the scenario this study file marks as plausible ('{name}') is "
                f"enough to account for the whole association. The estimate is not robust to "
                f"unmeasured confounding of that kind.")
    if chosen["tips_ci"]:
        return (f"Reading: the scenario this study file marks as plausible ('{name}') would "
                f"not explain the association away entirely, but it would make it "
                f"statistically compatible with no effect. The claimed effect is fragile.")
    return (f"Reading: the scenario this study file marks as plausible ('{name}') explains "
            f"neither the association nor its confidence interval away; a confounder would "
            f"need to be stronger than that.")


def _compare_with_data(study: Study, headline: Any, estimates: dict[str, Any] | None
                       ) -> str:
    """With a published claim and real (not simulated) data: the claim next to the data's own
    estimate of the same kind (a conditional OR for a conditional OR, and so on)."""
    if headline is None or not estimates or estimates.get("simulated") or \
            not estimates.get("worlds"):
        return ""
    wanted = {"OR": ("conditional OR" if headline.odds_ratio_kind == "conditional"
                     else "marginal OR"), "RD": "RD", "MD": "MD"}.get(headline.measure)
    rows = [r for r in estimates["worlds"][0]["estimates"]
            if r.get("measure") == wanted and r.get("method") != "crude"]
    if wanted is None or not rows:
        return ""
    row = rows[0]
    interval = headline.interval
    overlap = ("" if interval is None else
               "; the two intervals overlap" if row["ci_lower"] <= interval[1]
               and interval[0] <= row["ci_upper"] else "; the two intervals do not overlap")
    return (f"The claim ({headline.describe()}) against the study's own data: "
            f"{row['method']}, {wanted} {row['estimate']:.3g} (95% CI {row['ci_lower']:.3g}–"
            f"{row['ci_upper']:.3g}){overlap}.")
