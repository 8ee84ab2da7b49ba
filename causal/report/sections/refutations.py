"""Refutation tests of the study's adjusted estimate on individual-level data.

For a SIMULATED study (Thew) they run on one cohort per declared world; for real data on the
data. Each test (placebo treatment, random common cause, data subsets, bootstrap, dummy outcome)
checks one way the estimate could be an artefact of the model or the sample. None of them can
detect an unmeasured confounder, and the section says so next to the world where one exists.
"""

from __future__ import annotations

import warnings

from causal.report.model import Callout, Paragraph, ReportContext, Section, Table


def build(ctx: ReportContext) -> Section | None:
    from causal.refute.study import refute_study

    spec = ctx.study.data
    if spec is None:
        return None
    worlds = [w.name for w in ctx.study.worlds] if spec.simulated else [None]
    blocks: list = [Paragraph(
        "Each refutation test perturbs the data or the model in a way whose effect on a valid "
        "estimate is known: a permuted (placebo) treatment or outcome should show no effect; a "
        "random extra covariate, random subsets and bootstrap resamples should leave the "
        "estimate where it was. A failed test is a warning sign; passing them all does not "
        "show that the estimate is causal.")]
    data: dict = {"worlds": []}
    summary = []
    for world in worlds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = refute_study(ctx.study, world=world, random_state=ctx.random_state)
        verdicts = result.suite.verdicts()
        label = f"SIMULATED world '{world}'" if world else "the data"
        blocks.append(Paragraph(f"**{result.heading()}**"))
        blocks.append(Table(verdicts[["refuter", "verdict", "p_value", "original",
                                      "refuted_mean", "sentence"]],
                            caption=f"Refutation tests on {label} (100 simulations each)."))
        passed = int(verdicts.verdict.eq("passed").sum())
        summary.append(f"{label}: {passed} of {len(verdicts)} passed")
        data["worlds"].append({"world": world, "estimator": result.estimator,
                               "n": result.n, "tests": verdicts.to_dict("records")})
        if world and "self-selection" in world:
            blocks.append(Callout(
                "In this SIMULATED world support does nothing and motivation, unmeasured, "
                "drives both uptake and recovery. Refutation tests of this kind cannot see "
                "that: they probe the model and the sample, not the unmeasured confounder. "
                "That is the job of the sensitivity analyses below.", "warning"))
    return Section("refutations", "Refutation tests", tuple(blocks), data,
                   verdict="Refutation tests: " + "; ".join(summary) + ".")
