"""Does the effect vary with baseline severity, age or a condition? (EconML DR-learner)

Runs when the study file has a ``[heterogeneity]`` table (see
:mod:`causal.study.tables.heterogeneity`)
and declares individual data in ``[data]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.analysis.failure import Failure
from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import Callout, Figure, Paragraph, Section, Table
from causal.report.provenance import Text

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    spec = analysis.study.heterogeneity
    if spec is None or analysis.study.data is None:
        return None
    from causal.plots.heterogeneity import plot_effect_heterogeneity

    if analysis.heterogeneity is None:
        return None
    if isinstance(analysis.heterogeneity, Failure):
        failure = analysis.heterogeneity
        return Section("heterogeneity", "Does the effect vary between clients?",
                       (Callout(failure.sentence(), "warning"),),
                       {"skipped": failure.sentence()},
                       verdict=Text.of(failure.sentence()))
    data, result = analysis.heterogeneity
    true_or = "n/a" if data.true_odds_ratio is None else data.true_odds_ratio
    origin = (f"one SIMULATED cohort of {result.n} ({data.world or 'first world'!r} "
              f"world, true conditional OR {true_or}; seed "
              f"{analysis.random_state}), not the study's real data" if result.simulated
              else f"the study's data ({result.n} rows)")
    scale = ("a risk difference (EconML reports no odds or risk ratio), so it can vary with "
             "baseline risk even when the odds ratio does not" if spec.outcome_type == "binary"
             else "a mean difference")
    blocks: list = [
        Paragraph(
            f"Effect heterogeneity on {origin}. A doubly robust learner (EconML's "
            f"LinearDRLearner, {result.n_folds}-fold cross-fitting, logistic propensity model, "
            f"outcome models fitted within each arm) models the effect of {result.treatment} on "
            f"{result.outcome} as a linear function of {', '.join(result.modifiers)}, adjusting "
            f"for the study's declared covariates ({', '.join(result.covariates)}). The effect is {scale}. Slopes are per unit of "
            f"each modifier with the others held fixed, with analytic (HC1) standard errors; "
            f"with {result.n_treated} treated and {result.n_control} untreated, only large "
            f"differences in the effect are detectable."),
        Table(result.summary()[["quantity", "estimate", "std_error", "ci_lower", "ci_upper",
                                "p_value", "note"]],
              caption="Average effect and its change with each modifier"
                      + (" (simulated data)." if result.simulated else "."), digits=3),
        Paragraph(result.sentence()),
    ]
    blocks.extend(Paragraph(f"Note: {note}.") for note in result.notes)
    figure, ax = new_figure()
    plot_effect_heterogeneity(result, ax=ax)
    if result.simulated:
        from causal.plots._figure import stamp_simulated

        stamp_simulated(figure)
    first = result.modifiers[0]
    blocks.append(Figure(
        "heterogeneity_" + first,
        f"Estimated effect of {result.treatment} against {first} with its pointwise "
        f"{100 * (1 - result.alpha):g}% confidence band (other modifiers at their means or "
        f"modes){'; simulated data' if result.simulated else ''}.",
        figure_bytes(figure), figure_bytes(figure, "svg"), alt=f"effect of {result.treatment} by {first}"))
    return Section(key="heterogeneity", title="Does the effect vary between clients?",
                   blocks=tuple(blocks),
                   data={"summary": result.summary(), "sentence": result.sentence(),
                         "random_state": analysis.random_state, "simulated": result.simulated},
                   simulated=bool(result.simulated))
