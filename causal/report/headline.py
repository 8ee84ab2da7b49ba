"""The report's first section: a short verdict a reviewer can paste into a review.

It answers "how much could unmeasured confounding, selection and time ordering explain, and is
that much plausible?" from the other sections' one-sentence ``lead`` and ``data`` after they
are built, so it never computes anything new and always agrees with the sections below it.
Every number in it carries its provenance (causal/report/provenance.py), and each sentence
links to the section with the evidence. It aims at about 150 words.
"""

from __future__ import annotations

from typing import Any

from causal.report.model import Callout, Paragraph, Section
from causal.report.provenance import Text, plain, words
from causal.spec import Study

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

    return Text.of(f"The claim: {headline.adjustment} " if headline.adjustment == "adjusted"
                   else "The claim: ", reported_estimate(headline), ".")


def graph_sentence(data: dict[str, Any]) -> str:
    if data.get("identifiable") is False:
        latent = sorted({n for p in data.get("open_paths", []) for n in p["latent"]})
        text = ("Design: no adjustment for measured variables identifies the effect"
                + (f" (unmeasured {', '.join(latent)})" if latent else ""))
    elif data.get("published_set_valid") is False:
        text = ("Under the study's causal graph the published adjustment set is not valid, "
                "although a valid set of measured variables exists")
    else:
        return ""
    bad = [d["node"] for d in data.get("adjusted_descendants", []) if d.get("forbidden")]
    if bad:
        text += f", and the model adjusts for {', '.join(bad)}, which support affects"
    return text + " ([graph](#graph))."


def headline_section(study: Study, sections: list[Section]) -> Section | None:
    """Compose the verdict from the sections' leads (None when there is nothing to say)."""
    by_key = _by_key(sections)
    sentences: list[Text] = []
    claim = claim_sentence(study)
    if claim is not None:
        sentences.append(claim)
    for key in LEAD_ORDER:
        section = by_key.get(key)
        if key == "graph" and section is not None:
            text = graph_sentence(section.data)
            if text:
                sentences.append(Text.of(text))
            continue
        if section is not None and section.lead:
            lead = section.lead if isinstance(section.lead, Text) else Text.of(section.lead)
            sentences.append(lead)
    if not sentences:
        return None
    reading = _reading(by_key.get("sensitivity"))
    closing = []
    if reading:
        closing.append(reading)
    if any(s.simulated for s in sections):
        closing.append("Other simulations: [appendix](#appendix).")
    if "robins" in by_key:
        closing.append("The [ROBINS-I summary](#robins) supports, not replaces, a reviewer's "
                       "judgement.")
    severity = "warning" if by_key.get("sensitivity") is not None and any(
        s["tips_ci"] for s in by_key["sensitivity"].data.get("scenarios", [])) else "info"
    body = Text.of(*[part for s in sentences for part in (s, " ")],
                   *[part for c in closing for part in (c, " ")])
    body = Text(body.parts[:-1]) if body.parts and body.parts[-1] == " " else body
    blocks: list = []
    question = study.section("study").get("question")
    if question:
        blocks.append(Paragraph(f"**Question.** {question}"))
    blocks.append(Callout(body, severity))  # type: ignore[arg-type]
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
        return "Reading: the estimate is fragile."
    return ("Reading: a confounder would need to be stronger than the study file's hypothesis "
            "to move the estimate or its interval to the null.")
