"""Does the effect vary with baseline severity, age or a condition? (EconML DR-learner)

Runs when the study file has a ``[heterogeneity]`` table (see
:mod:`causal.study.tables.heterogeneity`)
and declares individual data in ``[data]``.
"""

from __future__ import annotations

from causal.plots._figure import figure_bytes, new_figure
from causal.report.model import Figure, Paragraph, ReportContext, Section, Table


def build(ctx: ReportContext) -> Section | None:
    spec = ctx.study.heterogeneity
    if spec is None or ctx.study.data is None:
        return None
    from causal.data import data_hash, load_study_data
    from causal.estimate.heterogeneity import effect_heterogeneity
    from causal.plots.heterogeneity import plot_effect_heterogeneity

    simulated = ctx.study.data.simulated
    data = load_study_data(ctx.study, spec.world if simulated else None,
                           random_state=ctx.random_state if simulated else None)
    ctx.cache.setdefault("data_hashes", {})["heterogeneity_data_sha256"] = data_hash(data)
    result = effect_heterogeneity(
        data, treatment=ctx.study.treatment, outcome=ctx.study.outcome,
        covariates=list(ctx.study.covariates), modifiers=list(spec.modifiers),
        outcome_type=spec.outcome_type, cv=spec.cv, random_state=ctx.random_state)
    origin = (f"one SIMULATED cohort of {result.n} ({data.attrs.get('world', 'first world')!r} "
              f"world, true conditional OR {data.attrs.get('true_odds_ratio', 'n/a')}; seed "
              f"{ctx.random_state}), not the study's real data" if result.simulated
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
    first = result.modifiers[0]
    blocks.append(Figure(
        "heterogeneity_" + first,
        f"Estimated effect of {result.treatment} against {first} with its pointwise "
        f"{100 * (1 - result.alpha):g}% confidence band (other modifiers at their means or "
        f"modes){'; simulated data' if result.simulated else ''}.",
        figure_bytes(figure), alt=f"effect of {result.treatment} by {first}"))
    return Section(key="heterogeneity", title="Does the effect vary between clients?",
                   blocks=tuple(blocks),
                   data={"summary": result.summary(), "sentence": result.sentence(),
                         "random_state": ctx.random_state, "simulated": result.simulated},
                   simulated=bool(result.simulated))
