"""Time ordering (immortal time): how large an OR can it produce with no effect at all?

A SIMULATION (causal.sensitivity.simulations.time_ordering) calibrated to the study's reported margins, in
which support has no effect and uptake depends on time in therapy; one run per assumed
dose-response of recovery on time in therapy. Runs when the study file has a
``[time_ordering]`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from causal.report.model import Callout, Paragraph, Section, Table
from causal.report.provenance import (
    Text,
    assumed,
    computed,
    count_words,
    draws,
    reported,
    simulated,
)

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    from causal.analysis.published import time_ordering_inputs

    inputs = time_ordering_inputs(analysis.study)
    if inputs is None:
        return None
    spec, margins, reference = inputs
    headline = analysis.study.claim.headline
    results = analysis.extras.get("time_ordering")
    if results is None:
        return None
    # The simulated ORs are crude: compare them with the crude OR of the reported counts
    # (31 x 172 / (35 x 64) = 2.38 for Thew), not with an adjusted headline OR.
    crude = analysis.extras.get("claim_crude")
    crude_reference = None if crude is None else float(crude.estimate)
    if crude_reference is not None:
        reference = crude_reference
    rows = []
    for value, r in zip(spec.recovery_or_per_doubling, results, strict=True):
        crude = r.quantiles("crude")
        linear = r.quantiles("adjusted_linear")
        rows.append({"recovery OR per doubling of sessions (assumed)": value,
                     "crude OR: median": crude[0], "crude OR: 2.5%": crude[1],
                     "crude OR: 97.5%": crude[2],
                     "OR adjusted for sessions (linear): median": linear[0],
                     f"share of crude ORs >= {reference:.3g}" if reference else "share":
                         r.share_at_least(reference, "crude") if reference else float("nan")})
    frame = pd.DataFrame(rows)
    strongest = results[-1]
    median = strongest.quantiles("crude")[0]
    medians = [r.quantiles("crude")[0] for r in results]
    values = list(spec.recovery_or_per_doubling)
    blocks: list = [
        Callout("SIMULATED: every cohort here is simulated; the true effect of support is "
                "NULL by construction.", "warning"),
        Paragraph(f"Uptake needs at least one adviser session and a recovery score needs at "
                  f"least {spec.min_sessions} therapy sessions, so clients who stay in therapy "
                  "longer have more chance both to take up support and to recover. Each cohort "
                  f"of {margins['n_clients']} is calibrated exactly to the reported margins "
                  f"({margins['n_takers']} takers, {margins['n_recovered']} recovered"
                  + (f", mean {margins['mean_adviser_sessions']:g} adviser sessions"
                     if "mean_adviser_sessions" in margins else "")
                  + f"); uptake has a constant chance at each session. ASSUMED by the study "
                  f"file: {spec.justification} {spec.n_replicates:,} simulated cohorts per "
                  f"row; seeds from the report's random state {analysis.random_state}."),
        Table(frame, caption="SIMULATED ORs under a null effect, by the assumed dependence of "
                             "recovery on time in therapy.", digits=3),
        Paragraph("Adjusting for the number of sessions removes this bias in the simulated "
                  "world, where sessions affect recovery but are not affected by support. In "
                  "the study's causal graph, support may itself change the number of sessions "
                  "(a mediator and a collider), so the published adjustment for sessions is not "
                  "a clean remedy: see the causal-graph section."),
    ]
    tag = f"median of {draws(spec.n_replicates).removeprefix('mean of ')}"
    low, high = min(medians), max(medians)
    spread = (simulated(low, tag, f"{low:.2f}"), "–", simulated(high, tag, f"{high:.2f}")) \
        if len(medians) > 1 else (simulated(median, tag, f"{median:.2f}"),)
    dose = (assumed(values[0], "study file's assumption", f"{values[0]:g}"), "–",
            assumed(values[-1], "study file's assumption", f"{values[-1]:g}")) \
        if len(values) > 1 else (assumed(values[0], "study file's assumption",
                                         f"{values[0]:g}"),)
    n_dose = count_words(len(values))
    verdict = Text.of("SIMULATED with no true effect: time ordering alone gives median crude "
                      "ORs of ", *spread, f" under {n_dose} assumed dose-responses (recovery "
                      "odds ", *dose, "-fold per doubling of therapy sessions)")
    if reference is not None:
        share = strongest.share_at_least(reference, "crude")
        ref = (computed(reference, "crude OR from the reported counts",
                        f"crude OR {reference:.2f}") if crude_reference is not None
               else reported(reference, headline.source, f"OR {reference:g}"))
        verdict += Text.of("; at the strongest, ", simulated(
            share, f"share of {spec.n_replicates:,} draws", f"{share:.1%}"),
            " of cohorts reach the ", ref)
    adjusted = headline is not None and "sessions" in headline.adjusted_for
    verdict += Text.of("; adjusting for sessions removes it in this world"
                       + (", and the reported OR is already adjusted for sessions."
                          if adjusted else "."))
    lead = Text.of("SIMULATED null: time ordering gives median crude ORs ", *spread,
                   f" under {n_dose} assumed dose-responses; "
                   + ("the reported OR's adjustment for sessions removes it" if adjusted
                      else "adjusting for sessions removes it")
                   + " ([time ordering](#time_ordering)).")
    data = {"simulated": True, "margins": margins, "rows": frame,
            "assumptions": {"mean_therapy_sessions": spec.mean_therapy_sessions,
                            "session_dispersion": spec.session_dispersion,
                            "min_sessions": spec.min_sessions,
                            "justification": spec.justification},
            "random_state": analysis.random_state,
            "summaries": [r.summary() for r in results]}
    return Section("time_ordering", "Could time ordering alone produce the association? "
                   "(SIMULATED)", tuple(blocks), data, verdict=verdict, simulated=True,
                   lead=lead)
