"""A family of claims (several outcomes or subgroups), or a claim printed as percentages.

For each claim: the groups as printed, the risk ratio and risk difference computed from them,
the direction relative to the outcome's stated benefit, the point E-value, and, when no group
sizes are printed, the group sizes at which the difference would exclude zero. The section
says how many claims were tested, since a family of comparisons at 5% each will show some
differences by chance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from causal.report.model import BulletList, Callout, Paragraph, Section, Table
from causal.report.provenance import Text, computed, count_words
from causal.sensitivity.evalues.claim import claim_evalue
from causal.sensitivity.evalues.group_sizes import sizes_for_printed

if TYPE_CHECKING:
    from causal.analysis.result import Analysis

#: what percentages without group sizes allow and do not allow (quoted by the verdict)
PERCENTAGES_ONLY = (
    "Percentages without group sizes allow the direction and size of each difference (risk "
    "ratio, risk difference) and a point E-value: how strongly an unmeasured confounder would "
    "have to be associated with both the treatment and the outcome to explain the point "
    "estimate away. They do not allow a confidence interval or a p-value, so they cannot say "
    "whether any difference is more than chance, give no E-value for a confidence limit, and "
    "cannot be checked against counts.")

#: the same in one short sentence, for the verdict
PERCENTAGES_ONLY_SHORT = (
    "Percentages without group sizes give each difference's direction, size and point "
    "E-value, but no CI, p-value or check against counts.")


def _direction(claim: Any, rr: float) -> str:
    if claim.source_says:  # the source's own reading outranks the sign of the difference
        return f"the source: {claim.source_says}"
    if rr == 1:
        return "no difference"
    higher = rr > 1
    if claim.benefit is None:
        return "higher with treatment" if higher else "lower with treatment"
    good = higher == (claim.benefit == "higher")
    return ("favours the treatment" if good else "against the treatment") + \
        f" ({claim.benefit} is better)"


def _row(claim: Any, analysis: Analysis) -> dict[str, Any]:
    options = analysis.study.evalue
    headline = claim.headline
    result = claim_evalue(claim, rare_outcome=options.rare_outcome, true=options.true)
    treated, control = claim.treated, claim.control
    row: dict[str, Any] = {
        "claim": claim.label or claim.outcome, "subgroup": claim.subgroup,
        "treated": treated.describe() if treated else "", "control": control.describe()
        if control else "", "benefit": claim.benefit,
        "estimate": headline.describe() if headline else "",
        "estimate_origin": (headline.source or "as printed") if headline else "",
        "rr": None, "rd_points": None, "direction": "", "evalue_point": None,
        "evalue_ci": None, "sizes_needed": None, "sizes_sentence": ""}
    if treated is not None and control is not None:
        rr = treated.risk / control.risk if control.risk > 0 else None
        row["rd_points"] = 100 * (treated.risk - control.risk)
        if rr is not None:
            row["rr"] = rr
            row["direction"] = _direction(claim, rr)
        no_sizes = treated.total is None or control.total is None
        if no_sizes and treated.percent is not None and control.percent is not None \
                and treated.risk != control.risk:
            sizes = sizes_for_printed(treated.percent, control.percent)
            row["sizes_needed"] = {"printed": sizes.printed, "low": sizes.low,
                                   "high": sizes.high}
            row["sizes_sentence"] = sizes.sentence()
    if result is not None:
        row["evalue_point"], row["evalue_ci"] = result.point, result.ci
    return row


def build(analysis: Analysis) -> Section | None:
    claims = analysis.study.claims
    sizes_missing = any(c.treated is not None and c.control is not None and (
        c.treated.total is None or c.control.total is None) for c in claims)
    if len(claims) < 2 and not sizes_missing:
        return None
    rows = [_row(c, analysis) for c in claims]
    k = len(rows)
    blocks: list = [Paragraph(
        f"{k} claim{'s' if k != 1 else ''} tested. Each row is one outcome or subgroup as the "
        f"source prints it; the risk ratio and the risk difference (percentage points) are "
        f"computed from the printed percentages, and the E-value from the risk ratio (for a "
        f"ratio below 1, from its inverse). "
        + (f"With {k} comparisons each at the 5% level, about {0.05 * k:.1f} would show a "
           f"'significant' difference by chance alone if none were real (a Bonferroni "
           f"threshold for the family would be {0.05 / k:.3g})." if k > 1 else ""))]
    frame = pd.DataFrame([{
        "claim": r["claim"], "subgroup": r["subgroup"], "treated": r["treated"],
        "control": r["control"], "RR": r["rr"], "RD (points)": r["rd_points"],
        "direction": r["direction"], "E-value (point)": r["evalue_point"],
        "n per group to exclude 0": "" if r["sizes_needed"] is None
        else f"{r['sizes_needed']['printed']:,}"} for r in rows])
    blocks.append(Table(frame, caption="The claims, as printed (reported), with what is "
                                       "computed from them (RR, RD, E-value, group sizes). The "
                                       "direction is judged against the benefit the study "
                                       "file states for each outcome (an assumption of the "
                                       "study file, not of the source).", digits=3))
    if sizes_missing:
        blocks.append(Callout(PERCENTAGES_ONLY, "warning"))
        blocks.append(BulletList(tuple(
            f"{r['claim']}" + (f" ({r['subgroup']})" if r["subgroup"] else "")
            + f": {r['treated']} vs {r['control']} would exclude zero with "
            f"{r['sizes_sentence']} (Wald interval of the difference, 5% two-sided)."
            for r in rows if r["sizes_sentence"])))
    favour = sum(r["direction"].startswith("favours") for r in rows)
    against = sum(r["direction"].startswith("against") for r in rows)
    null = sum(r["direction"].startswith("the source:") for r in rows)
    undirected = k - favour - against - null
    evalues = [r["evalue_point"] for r in rows if r["evalue_point"] is not None]
    # counts of the report's own rows in words; E-values and group sizes tagged as computed
    verdict = Text.of(f"{count_words(k).capitalize()} claim{'s' if k != 1 else ''} tested")
    if favour or against or null:
        parts = [f"{count_words(favour)} favour the treatment",
                 f"{count_words(against)} go against it"]
        if null:
            parts.append(f"{count_words(null)} the source itself calls no impact or not "
                         f"significant")
        if undirected:
            parts.append(f"{count_words(undirected)} with no stated better direction")
        verdict += Text.of(": " + ", ".join(parts[:-1]) + " and " + parts[-1]
                           + " (directions judged against the benefit the study file states)")
    source = "E-value of a risk ratio computed from the printed percentages"
    if evalues:
        low, high = min(evalues), max(evalues)
        verdict += (Text.of("; point E-values from ", computed(low, source, f"{low:.2f}"),
                            " to ", computed(high, source, f"{high:.2f}"))
                    if len(evalues) > 1 else
                    Text.of("; point E-value ", computed(low, source, f"{low:.2f}")))
    if sizes_missing:
        sized = [r["sizes_needed"]["printed"] for r in rows if r["sizes_needed"]]
        how = "equal group sizes at which the Wald interval of the difference excludes zero"
        verdict += (Text.of("; no group sizes are printed, so no confidence interval: the "
                            "differences would need about ",
                            computed(min(sized), how, f"{min(sized):,}"), " to ",
                            computed(max(sized), how, f"{max(sized):,}"),
                            " per group to exclude zero") if sized
                    else Text.of("; no group sizes are printed"))
    return Section("claims", "The claims, one by one", tuple(blocks),
                   {"n_claims": k, "percentages_only": sizes_missing, "claims": rows,
                    "favour": favour, "against": against, "source_null": null,
                    "undirected": undirected},
                   verdict=verdict + ".")
