"""Refutation tests of the study's estimates on individual-level data.

The estimates refuted are estimates the estimates section shows (computed once, by
:func:`causal.analysis.analyse`): the adjusted outcome regression (the paper's kind of
estimate), IPW and AIPW, each refitted as estimated in every simulation
(:func:`causal.refute.refute`); one that was not estimable is listed as skipped. For a SIMULATED study (Thew) they run on one cohort per declared
world; for real data on the data. Each test (placebo treatment, random common cause, data
subsets, bootstrap, placebo (permuted outcome)) checks one way the estimate could be an artefact of the model
or the sample. None of them can
detect an unmeasured confounder, and the section says so next to the world where one exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from causal.analysis.failure import Failure
from causal.report.model import Callout, Paragraph, Section, Table
from causal.report.provenance import Text, count_words
from causal.report.sections._worlds import latent_name, null_worlds

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


#: how the report names a refuter: the permuted ("dummy") outcome is a placebo, never a negative
#: control (it carries none of the confounding a real negative-control outcome shares)
SHOWN_NAMES = {"dummy outcome": "placebo (permuted outcome)"}


def shown_name(refuter: str) -> str:
    return SHOWN_NAMES.get(refuter, refuter)


def pass_fail_table(results) -> pd.DataFrame:
    """One row per test; ONE column says pass or fail with the same meaning for every test.

    "pass" always means "this test found no sign of a problem". What the p-value must do to
    pass differs between tests (a placebo must look unlike the estimate: small p passes; a
    stability test must look like it: large p passes), so the rule is shown beside it.
    """
    return pd.DataFrame([{
        "refuter": shown_name(r.refuter),
        "pass/fail": ("not computed" if not r.computed else "pass" if r.passed else "fail"),
        "passes when": r.rule,
        "p_value": r.p_value,
        "original": r.original_estimate,
        "refuted_mean": r.refuted_mean,
        "sentence": r.sentence} for r in results])

def build(analysis: Analysis) -> Section | None:

    spec = analysis.study.data
    if spec is None or not analysis.worlds:
        return None
    blocks: list = [Paragraph(
        "Each refutation test perturbs the data or the model in a way whose effect on a valid "
        "estimate is known: a permuted (placebo) treatment or outcome should show no effect; a "
        "random extra covariate, random subsets and bootstrap resamples should leave the "
        "estimate where it was. The pass/fail column means the same for every test: 'pass' = "
        "no sign of a problem. The p-value's direction differs (for a placebo a small p passes, "
        "for a stability test a large p passes), so each row states its rule. A failed test is "
        "a warning sign; passing them all does not show that the estimate is causal. The "
        "placebo (permuted outcome) is not a negative control: a permuted outcome carries none "
        "of the confounding, so it only checks that the estimator finds no effect out of "
        "nothing; declared negative controls ([negative_controls] in the study file) measure "
        "residual confounding.")]
    data: dict = {"worlds": []}
    summary = []
    for computed in analysis.worlds:
        world = computed.world
        label = f"SIMULATED world '{world}'" if world else "the data"
        results = [r for _, r in computed.refutations if not isinstance(r, Failure)]
        failures = [r for _, r in computed.refutations if isinstance(r, Failure)]
        for failure in failures:
            blocks.append(Callout(failure.sentence(), "warning"))
        if not results:
            summary.append(f"{label}: skipped ("
                           + "; ".join(f.analysis for f in failures) + ")")
            data["worlds"].append({"world": world, "skipped": [f.sentence() for f in failures]})
            continue
        result = results[0]
        verdicts = pd.concat([r.suite.verdicts().assign(estimator=r.suite.results[0].method)
                              for r in results], ignore_index=True)
        if "refuter" in verdicts:
            verdicts["refuter"] = verdicts["refuter"].map(shown_name)
        blocks.append(Paragraph(f"**{result.heading()}** Also refuted: "
                                + "; ".join(r.suite.results[0].method for r in results[1:])
                                + "."))
        table = pd.concat([pass_fail_table(r.suite.results).assign(
            estimator=r.suite.results[0].method) for r in results], ignore_index=True)
        blocks.append(Table(table[["estimator", *table.columns[:-1]]],
                            caption=f"Refutation tests on {label} (100 simulations each), "
                                    "each estimate shown in the estimates section refitted "
                                    "as estimated."))
        counts = []
        for r in results:  # per estimator, so the counts stay small words
            passed = sum(t.passed for t in r.suite.results)
            computed = [t for t in r.suite.results if t.computed]
            missing = len(r.suite.results) - len(computed)
            counts.append(f"{r.suite.results[0].method.split(':')[0]} "
                          f"{count_words(passed)} of {count_words(len(computed))}"
                          + (f" ({count_words(missing)} not computed)" if missing else ""))
        skipped = [f.analysis.removeprefix("refutations of ").split(" (")[0] for f in failures]
        summary.append(f"{label}: " + ", ".join(counts) + " passed"
                       + (f" ({', '.join(skipped)} skipped)" if skipped else ""))
        entry = {"world": world, "estimator": result.estimator,
                 "estimators": [r.estimator for r in results],
                 "n": result.n, "tests": verdicts.to_dict("records")}
        if failures:
            entry["skipped"] = [f.sentence() for f in failures]
        data["worlds"].append(entry)
        if world and world in {w.name for w in null_worlds(analysis.study)}:
            blocks.append(Callout(
                f"In this SIMULATED world the treatment does nothing and "
                f"{latent_name(analysis.study)}, unmeasured, drives both the treatment and "
                "the outcome. Refutation tests of this kind cannot see "
                "that: they probe the model and the sample, not the unmeasured confounder. "
                "That is the job of the sensitivity analyses below.", "warning"))
    return Section("refutations", "Refutation tests", tuple(blocks), data,
                   verdict=Text.of("Refutation tests: " + "; ".join(summary) + "."),
                   simulated=spec.simulated,
                   lead="" if spec.simulated else Text.of(
                       "Refutation tests on the data: " + "; ".join(summary).removeprefix(
                           "the data: ") + " ([refutations](#refutations))."))
