"""Refutation tests of the study's estimates on individual-level data.

The estimators refuted are those the estimates section shows: the adjusted outcome regression
(the paper's kind of estimate), IPW and AIPW, each refitted as estimated in every simulation
(:func:`causal.refute.refute`). For a SIMULATED study (Thew) they run on one cohort per declared
world; for real data on the data. Each test (placebo treatment, random common cause, data subsets, bootstrap, dummy outcome)
checks one way the estimate could be an artefact of the model or the sample. None of them can
detect an unmeasured confounder, and the section says so next to the world where one exists.
"""

from __future__ import annotations

import warnings

import pandas as pd

from causal.report.model import Callout, Paragraph, ReportContext, Section, Table

#: the estimators refuted (``refute_study`` names): the adjusted model, IPW and AIPW
ESTIMATORS = ("auto", "ipw", "aipw")


def build(ctx: ReportContext) -> Section | None:
    from causal.data.spec import parse_data, parse_worlds
    from causal.refute.study import refute_study

    spec = parse_data(ctx.study)
    if spec is None:
        return None
    worlds = [w.name for w in parse_worlds(ctx.study)] if spec.simulated else [None]
    blocks: list = [Paragraph(
        "Each refutation test perturbs the data or the model in a way whose effect on a valid "
        "estimate is known: a permuted (placebo) treatment or outcome should show no effect; a "
        "random extra covariate, random subsets and bootstrap resamples should leave the "
        "estimate where it was. A failed test is a warning sign; passing them all does not "
        "show that the estimate is causal.")]
    data: dict = {"worlds": []}
    summary = []
    for world in worlds:
        results = []
        for estimator in ESTIMATORS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(refute_study(ctx.study, world=world, estimator=estimator,
                                            random_state=ctx.random_state))
        result = results[0]
        verdicts = pd.concat([r.suite.verdicts().assign(estimator=r.suite.results[0].method)
                              for r in results], ignore_index=True)
        label = f"SIMULATED world '{world}'" if world else "the data"
        blocks.append(Paragraph(f"**{result.heading()}** Also refuted: "
                                + "; ".join(r.suite.results[0].method for r in results[1:])
                                + "."))
        blocks.append(Table(verdicts[["estimator", "refuter", "verdict", "p_value", "original",
                                      "refuted_mean", "sentence"]],
                            caption=f"Refutation tests on {label} (100 simulations each), "
                                    "each estimator refitted as estimated."))
        passed = int(verdicts.verdict.eq("passed").sum())
        summary.append(f"{label}: {passed} of {len(verdicts)} passed")
        data["worlds"].append({"world": world, "estimator": result.estimator,
                               "estimators": [r.estimator for r in results],
                               "n": result.n, "tests": verdicts.to_dict("records")})
        if world and "self-selection" in world:
            blocks.append(Callout(
                "In this SIMULATED world support does nothing and motivation, unmeasured, "
                "drives both uptake and recovery. Refutation tests of this kind cannot see "
                "that: they probe the model and the sample, not the unmeasured confounder. "
                "That is the job of the sensitivity analyses below.", "warning"))
    return Section("refutations", "Refutation tests", tuple(blocks), data,
                   verdict="Refutation tests: " + "; ".join(summary) + ".")
