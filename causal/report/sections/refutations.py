"""Refutation tests of the study's adjusted estimate on individual-level data.

For a SIMULATED study (Thew) they run on one cohort per declared world; for real data on the
data. Each test (placebo treatment, random common cause, data subsets, bootstrap, dummy outcome)
checks one way the estimate could be an artefact of the model or the sample. None of them can
detect an unmeasured confounder, and the section says so next to the world where one exists.
"""

from __future__ import annotations

import warnings

import pandas as pd

from causal.report.model import Callout, Paragraph, ReportContext, Section, Table
from causal.report.provenance import Text, count_words


def pass_fail_table(results) -> pd.DataFrame:
    """One row per test; ONE column says pass or fail with the same meaning for every test.

    "pass" always means "this test found no sign of a problem". What the p-value must do to
    pass differs between tests (a placebo must look unlike the estimate: small p passes; a
    stability test must look like it: large p passes), so the rule is shown beside it.
    """
    return pd.DataFrame([{
        "refuter": r.refuter,
        "pass/fail": "pass" if r.passed else "fail",
        "passes when": r.rule,
        "p_value": r.p_value,
        "original": r.original_estimate,
        "refuted_mean": r.refuted_mean,
        "sentence": r.sentence} for r in results])


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
        "estimate where it was. The pass/fail column means the same for every test: 'pass' = "
        "no sign of a problem. The p-value's direction differs (for a placebo a small p passes, "
        "for a stability test a large p passes), so each row states its rule. A failed test is "
        "a warning sign; passing them all does not show that the estimate is causal.")]
    data: dict = {"worlds": []}
    summary = []
    for world in worlds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = refute_study(ctx.study, world=world, random_state=ctx.random_state)
        verdicts = result.suite.verdicts()
        label = f"SIMULATED world '{world}'" if world else "the data"
        blocks.append(Paragraph(f"**{result.heading()}**"))
        blocks.append(Table(pass_fail_table(result.suite.results),
                            caption=f"Refutation tests on {label} (100 simulations each)."))
        passed = int(verdicts.verdict.eq("passed").sum())
        summary.append(f"{label}: {count_words(passed)} of {count_words(len(verdicts))} "
                       f"passed")
        data["worlds"].append({"world": world, "estimator": result.estimator,
                               "n": result.n, "tests": verdicts.to_dict("records")})
        if world and "self-selection" in world:
            blocks.append(Callout(
                "In this SIMULATED world support does nothing and motivation, unmeasured, "
                "drives both uptake and recovery. Refutation tests of this kind cannot see "
                "that: they probe the model and the sample, not the unmeasured confounder. "
                "That is the job of the sensitivity analyses below.", "warning"))
    return Section("refutations", "Refutation tests", tuple(blocks), data,
                   verdict=Text.of("Refutation tests: " + "; ".join(summary) + "."),
                   simulated=spec.simulated,
                   lead="" if spec.simulated else Text.of(
                       "Refutation tests on the data: " + "; ".join(summary).removeprefix(
                           "the data: ") + " ([refutations](#refutations))."))
