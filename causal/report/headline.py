"""The report's first section: a short verdict a reviewer can paste into a review.

It answers "how much could unmeasured confounding, selection and time ordering explain, and is
that much plausible?" from the other sections' one-sentence ``lead`` and ``data`` after they
are built, so it never computes anything new and always agrees with the sections below it.
Every number in it carries its provenance (causal/report/provenance.py), and each sentence
links to the section with the evidence. It aims at about 150 words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from causal.report.model import Callout, Paragraph, Section
from causal.report.provenance import Text, plain, words

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study

#: sections whose lead sentence the verdict quotes, in this order
LEAD_ORDER = ("estimates", "audit", "graph", "target_trial", "evalue", "sensitivity",
              "selection_bias", "multi_bias", "randomised", "time_ordering", "refutations",
              "individual_sensitivity")


def _by_key(sections: list[Section]) -> dict[str, Section]:
    return {s.key: s for s in sections}


def claim_sentence(study: Study) -> Text | None:
    headline = study.claim.headline
    if headline is None:
        return None
    from causal.report.sections.audit import reported_estimate

    claim = study.claim
    if headline.source.startswith("computed from the reported") and \
            claim.treated is not None and claim.control is not None:
        # the paper printed two groups, not a ratio: say so, and never call the ratio
        # "adjusted" (matching or adjustment of the groups is the source's, the ratio is ours)
        from causal.report.provenance import reported

        def group(g: Any) -> Any:
            text = f"{g.percent:g}%" if g.percent is not None and g.total is None else \
                f"{g.events}/{g.total}" if g.has_counts else f"{100 * g.risk:.0f}%"
            return reported(g.risk, g.source or "the paper", text)

        return Text.of(f"The claim: {claim.label or claim.outcome}, ", group(claim.treated),
                       f" ({claim.treated.label}) vs ", group(claim.control),
                       f" ({claim.control.label}); the ratio of the two, ",
                       reported_estimate(headline), ", is this report's, not the source's.")
    return Text.of(f"The claim: {headline.adjustment} " if headline.adjustment == "adjusted"
                   else "The claim: ", reported_estimate(headline), ".")


def graph_sentence(data: dict[str, Any]) -> str:
    # "under the study file's graph": the graph is the file's assumption, not the authors';
    # its unmeasured nodes (some the source names, some the file's own) are listed in the
    # graph section, not here
    if data.get("identifiable") is False:
        text = ("Design: under the study file's graph, no measured adjustment set identifies "
                "the effect")
    elif data.get("published_set_valid") is False:
        text = ("Under the study file's causal graph the published adjustment set is not "
                "valid, although a valid set of measured variables exists")
    elif data.get("published_set_valid") and not data.get("latent"):
        # valid only because the graph declares no unmeasured confounder: say so
        return ("Design: the study file's graph declares no unmeasured confounder, so its "
                "adjustment set is valid by that assumption alone ([graph](#graph)).")
    else:
        return ""
    bad = [d["node"] for d in data.get("adjusted_descendants", []) if d.get("forbidden")]
    if bad:
        text += f"; the model adjusts for {', '.join(bad)}, which the treatment affects"
    return text + " ([graph](#graph))."


def headline_section(study: Study, sections: list[Section],
                     failures: Sequence[Any] = ()) -> Section | None:
    """Compose the verdict from the sections' leads (None when there is nothing to say);
    ``failures`` (:class:`causal.analysis.Failure`) are the analyses that could not be
    computed, named at the end of the verdict."""
    by_key = _by_key(sections)
    sentences: list[Text] = []
    family = by_key.get("claims")
    if family is not None:
        from causal.report.provenance import count_words

        n = family.data["n_claims"]
        sentences.append(Text.of(
            f"{count_words(n).capitalize()} claims tested ([claims](#claims)); the claim below, "
            f"'{study.claim.label or study.outcome}', is the one the study file marks primary."))
        if family.data.get("percentages_only"):
            from causal.report.sections.claims import PERCENTAGES_ONLY_SHORT

            sentences.append(Text.of(PERCENTAGES_ONLY_SHORT))
    claim = claim_sentence(study)
    if claim is not None:
        sentences.append(claim)
    elif not study.has_claim and study.data is not None:
        sentences.append(Text.of(
            "No published claim: the study's own estimate is stress-tested on its data "
            "(estimates, refutation tests, E-value, omitted-variable bias and Rosenbaum bounds "
            "below)."))
    estimates = by_key.get("estimates")
    comparison = _compare_with_data(study, study.claim.headline if study.has_claim else None,
                                    None if estimates is None else estimates.data)
    if comparison is not None:
        sentences.append(comparison)
    for key in LEAD_ORDER:
        section = by_key.get(key)
        if key == "estimates" and comparison is not None and section is not None:
            # the comparison with the claim stands for the estimates; their cautions stay
            for caution in section.data.get("cautions", []):
                sentences.append(Text.of("On the data: ", caution,
                                         " ([estimates](#estimates))."))
            continue
        if key == "graph" and section is not None:
            text = graph_sentence(section.data)
            if text:
                sentences.append(Text.of(text))
            continue
        if section is not None and section.lead:
            lead = section.lead if isinstance(section.lead, Text) else Text.of(section.lead)
            sentences.append(lead)
    if failures:
        sentences.append(Text.of(
            "Could not be computed: " + "; ".join(f.sentence().removesuffix(".")
                                                  for f in failures) + "."))
    if not sentences:
        return None
    # the headline scenario's sentence already says how fragile the estimate is (and that
    # the confounding is the study file's hypothesis), so a separate reading is added only
    # when the scenarios gave no sentence
    reading = "" if "sensitivity" in by_key and by_key["sensitivity"].lead else \
        _reading(by_key.get("sensitivity"))
    closing = []
    if reading:
        closing.append(reading)
    if any(s.simulated and s.key not in LEAD_ORDER for s in sections):
        closing.append("Other simulations: [appendix](#appendix).")
    if "robins" in by_key:
        closing.append("[ROBINS-I](#robins) supports, not replaces, judgement.")
    severity = "warning" if failures or (by_key.get("sensitivity") is not None and any(
        s["tips_ci"] for s in by_key["sensitivity"].data.get("scenarios", []))) else "info"
    body = Text.of(*[part for s in sentences for part in (s, " ")],
                   *[part for c in closing for part in (c, " ")])
    body = Text(body.parts[:-1]) if body.parts and body.parts[-1] == " " else body
    blocks: list = []
    question = study.info.question
    if question:
        blocks.append(Paragraph(f"**Question.** {question}"))
    blocks.append(Callout(body, severity))  # type: ignore[arg-type]
    if study.data is not None and study.data.simulated and not study.appendix:
        blocks.append(Paragraph(
            "The teaching simulations (estimates, refutation tests and individual-data "
            "sensitivity on SIMULATED cohorts) are left out of this evidence report; "
            "`causal report --appendix` (or `[report] appendix = true`) adds them."))
    return Section("verdict", "Verdict", tuple(blocks),
                   {"answer": body, "sentences": sentences, "words": words(body),
                    "plain": plain(body), "points": [plain(s) for s in sentences]})


def _reading(section: Section | None) -> str:
    """Read the verdict off the study's headline scenario (the one it marks)."""
    if section is None:
        return ""
    chosen = next((s for s in section.data.get("scenarios", []) if s.get("headline")), None)
    if chosen is None:
        return ""
    if chosen["tips_estimate"]:
        return ("Reading: the estimate is not robust to unmeasured confounding of the kind the "
                "study file hypothesises.")
    if chosen["tips_ci"]:
        return ("Reading: the estimate is fragile to unmeasured confounding of the kind the "
                "study file hypothesises (its confidence interval reaches the null).")
    return ("Reading: a confounder would need to be stronger than the study file's hypothesis "
            "to move the estimate or its interval to the null.")


def _compare_with_data(study: Study, headline: Any, estimates: dict[str, Any] | None
                       ) -> Text | None:
    """With a published claim and real (not simulated) data: the data's own estimate of the
    same kind as the claim's (a conditional OR for a conditional OR, and so on), measured."""
    from causal.report.provenance import estimate_text, measured

    if headline is None or not estimates or estimates.get("simulated") or \
            not estimates.get("worlds"):
        return None
    wanted = {"OR": ("conditional OR" if headline.odds_ratio_kind == "conditional"
                     else "marginal OR"), "RD": "RD", "MD": "MD"}.get(headline.measure)
    rows = [r for r in estimates["worlds"][0]["estimates"]
            if r.get("measure") == wanted and r.get("method") != "crude"
            and r.get("estimate") is not None and r["estimate"] == r["estimate"]]
    if wanted is None or not rows:
        return None
    row = rows[0]
    ci = (float(row["ci_lower"]), float(row["ci_upper"]))
    interval = headline.interval
    overlap = ("" if interval is None else
               "; the two intervals overlap" if ci[0] <= interval[1] and interval[0] <= ci[1]
               else "; the two intervals do not overlap")
    value = float(row["estimate"])
    return Text.of("The same kind of estimate on the study's own data: ", f"{row['method']}, ",
                   measured(value, "the study's data", estimate_text(wanted, value, ci), ci),
                   f"{overlap} ([estimates](#estimates)).")
