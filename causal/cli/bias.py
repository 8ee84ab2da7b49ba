"""Bias analyses: ``bias-analysis``, ``explain-away``, ``multi-bias``, ``time-ordering``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import (
    JsonOpt,
    RatioChoice,
    StudyArg,
    parse_counts,
    ratio_measure,
)
from causal.cli._scale import SchedulerOpt, WorkersOpt, replicate_blocks
from causal.cli.app import (
    check_figure_path,
    echo_frame,
    echo_result,
    emit_json,
    fail,
    load_study_file,
)


def _parse_prior(text: str, name: str) -> Any:
    from causal.study.values.priors import Prior

    kind, _, rest = text.partition(":")
    try:
        params = tuple(float(v) for v in rest.split(",")) if rest else ()
    except ValueError:
        fail(f"`{name}` must look like kind:a,b (e.g. uniform:0.4,0.6); got {text!r}.")
    if not rest:
        try:
            return float(kind)
        except ValueError:
            fail(f"`{name}` must be a number or kind:a,b (e.g. uniform:0.4,0.6); got {text!r}.")
    return Prior(kind, params)  # type: ignore[arg-type]


def bias_analysis(
    counts: Annotated[list[float], typer.Argument(
        help="treated_events treated_total control_events control_total.")],
    p1: Annotated[str, typer.Option("--p1", help="Prevalence among the treated: a number, or "
                                    "a prior like uniform:0.4,0.6.")],
    p0: Annotated[str, typer.Option("--p0", help="Prevalence among controls (number or "
                                    "prior).")],
    effect: Annotated[str, typer.Option(help="Confounder-outcome RR/OR/RD (number or prior; "
                                        "priors for RR only).")],
    measure: Annotated[str, typer.Option(help="RR, OR or RD (simple analysis).")] = "RR",
    draws: Annotated[int, typer.Option(help="Draws when any parameter is a prior.")] = 100_000,
    random_state: Annotated[int, typer.Option(help="Seed.")] = 20240101,
    as_json: JsonOpt = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Bias analysis for an unmeasured binary confounder on a 2x2 table (Lash, Fox & MacLehose).

    Numbers give the simple analysis; any prior (e.g. --p1 uniform:0.4,0.6) the probabilistic
    one. Example: causal bias-analysis 31 66 64 236 --p1 0.5 --p0 0.2 --effect 2
    """
    from causal.measures import TwoByTwo
    from causal.sensitivity.bias_analyses.probabilistic import probabilistic_bias_analysis
    from causal.sensitivity.bias_analyses.simple import adjust_for_confounder

    cells = TwoByTwo(*parse_counts(counts, ("treated_events", "treated_total", "control_events",
                                       "control_total")))
    parsed = {name: _parse_prior(text, name) for name, text in
              (("p1", p1), ("p0", p0), ("effect", effect))}
    if all(isinstance(v, float) for v in parsed.values()):
        result: Any = adjust_for_confounder(cells, prevalence_treated=parsed["p1"],
                                            prevalence_control=parsed["p0"],
                                            effect=parsed["effect"], measure=measure.upper())  # type: ignore[arg-type]
        echo_result(result, as_json)
        return
    if measure.upper() != "RR":
        fail("probabilistic bias analysis works on the risk-ratio scale; use --measure RR.")

    with replicate_blocks(scheduler, workers):
        result = probabilistic_bias_analysis(cells, prevalence_treated=parsed["p1"],
                                             prevalence_control=parsed["p0"],
                                             outcome_rr=parsed["effect"], n_draws=draws,
                                             random_state=random_state)
    echo_result(result, as_json, {"random_state": random_state})


def explain_away_command(
    study: StudyArg,
    grid: Annotated[int | None, typer.Option(
        "--grid", help="Points per axis of the confounder-OR grid (default: the study's "
                       "[explain_away] grid, else 8).")] = None,
    replicates: Annotated[int | None, typer.Option(
        "--replicates", help="Simulated cohorts per grid cell.")] = None,
    prevalence: Annotated[float | None, typer.Option(
        "--prevalence", help="Prevalence of the hidden binary confounder.")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write the contour plot here.")] = None,
    random_state: Annotated[int, typer.Option(help="Seed.")] = 20240101,
    as_json: JsonOpt = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Simulate the study's adjusted OR under a true OR of 1 over a grid of hidden confounders.

    Example: causal explain-away studies/thew2024.toml --grid 20 --replicates 500
    """
    import numpy as np

    from causal.sensitivity.simulations.explain_away import explain_away
    from causal.study.tables.explain_away import ExplainAwayOptions

    check_figure_path(png)
    loaded = load_study_file(study)
    options = (loaded.explain_away or ExplainAwayOptions()).kwargs()
    if grid is not None:
        if grid < 2:
            fail(f"--grid must be an integer >= 2; got {grid}.")
        from causal._budgets import check_size

        check_size(grid, "MAX_GRID_POINTS", "--grid")
        for key in ("uptake_ors", "recovery_ors"):
            options[key] = np.geomspace(options[key][0], options[key][-1], grid)
    if replicates is not None:
        options["replicates"] = replicates
    if prevalence is not None:
        options["prevalence"] = prevalence

    with replicate_blocks(scheduler, workers):
        result = explain_away(loaded, random_state=random_state, **options)
    if png is not None:
        from causal.plots._figure import figure_bytes, new_figure
        from causal.plots.explain_away import plot_explain_away

        figure, ax = new_figure(6.6, 5.2)
        plot_explain_away(result, ax=ax)
        png.write_bytes(figure_bytes(figure))
    if as_json:
        emit_json({"simulated": True, "prevalence": result.prevalence,
                   "replicates": result.replicates, "n": result.n, "margins": result.margins,
                   "reported_or": result.reported_or,
                   "diagonal_mean_crossing": result.diagonal_crossing("mean"),
                   "diagonal_probability_crossing": result.diagonal_crossing("probability"),
                   "wall_seconds": result.wall_seconds, "cpu_seconds": result.cpu_seconds,
                   "cells": result.to_frame().replace({np.nan: None}).to_dict(
                       orient="records")})
        return
    from causal.report.sections.explain_away import answer, key_cells

    paragraph, _ = answer(result)
    typer.echo(paragraph)
    typer.echo("")
    echo_frame(key_cells(result))
    typer.echo("")
    typer.echo(f"SIMULATED: {result.uptake_ors.size} x {result.recovery_ors.size} grid, "
               f"{result.replicates} replicates per cell, {result.wall_seconds:.1f} s "
               f"(CPU {result.cpu_seconds:.1f} s)" + (f"; plot written to {png}" if png else ""))


class TargetChoice(StrEnum):
    general = "general"
    selected = "selected"


class RiskChoice(StrEnum):
    any = "any"
    increased = "increased"
    decreased = "decreased"


class MisclassChoice(StrEnum):
    outcome = "outcome"
    exposure = "exposure"


_FIELDS = {"rr_au": "confounding", "rr_uy": "confounding", "rr_uy_a1": "selection",
           "rr_su_a1": "selection", "rr_uy_a0": "selection", "rr_su_a0": "selection",
           "rr_au_s": "selection", "rr_uy_s": "selection", "misclassification": "misclassification"}


def _parse_params(items: list[str] | None) -> dict[str, float]:

    out: dict[str, float] = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or name not in _FIELDS:
            fail(f"`--param` must be NAME=VALUE with NAME one of {', '.join(_FIELDS)}; "
                 f"got {item!r}.")
        try:
            out[name] = float(text)
        except ValueError:
            fail(f"`--param {name}` must be a number; got {text!r}.")
    return out


def multi_bias_command(
    measure: Annotated[RatioChoice, typer.Argument(help="Effect measure: rr, or, hr.",
                                                   case_sensitive=False)],
    estimate: Annotated[float, typer.Argument(help="The estimate.")],
    ci: Annotated[tuple[float, float] | None, typer.Option(
        help="Confidence limits: --ci LOWER UPPER.")] = None,
    common_outcome: Annotated[bool, typer.Option(
        "--common-outcome/--rare-outcome",
        help="For or/hr: is the outcome common (>= 15%)? Must be stated.")] = None,  # type: ignore[assignment]
    confounding: Annotated[bool, typer.Option(
        "--confounding", help="Include unmeasured confounding.")] = False,
    selection: Annotated[TargetChoice | None, typer.Option(
        help="Include selection bias with this target: general (the whole population) or "
             "selected (the selected population only).")] = None,
    risk: Annotated[RiskChoice, typer.Option(
        help="Selection, general target: outcome risk among the selected is increased or "
             "decreased in both exposure groups (default: no assumption).")] = RiskChoice.any,
    s_eq_u: Annotated[bool, typer.Option(
        "--s-eq-u", help="Selection, general target: the selection factor is shared by "
                         "everyone selected (S = U).")] = False,
    misclassification: Annotated[MisclassChoice | None, typer.Option(
        help="Include differential misclassification of the outcome or the exposure.")] = None,
    rare_exposure: Annotated[bool, typer.Option(
        "--rare-exposure/--common-exposure",
        help="Exposure misclassification: is the exposure rare? (needs --rare-outcome).")
    ] = None,  # type: ignore[assignment]
    misclassified_first: Annotated[bool, typer.Option(
        "--misclassified-first", help="Measurement happened before selection (changes what "
                                      "the selection parameters mean).")] = False,
    param: Annotated[list[str] | None, typer.Option(
        help="A sensitivity parameter for the bound, NAME=VALUE (repeat): rr_au, rr_uy "
             "(confounding); rr_uy_a1, rr_su_a1, rr_uy_a0, rr_su_a0, rr_au_s, rr_uy_s "
             "(selection); misclassification.")] = None,
    true: Annotated[float | None, typer.Option(
        help="Value to shift the estimate to, on its own scale (default 1).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Selection-bias and multiple-bias E-values, and bounds for given parameters.

    Smith & VanderWeele (2019); Smith, Mathur & VanderWeele (2021); risk-ratio scale, an OR of
    a common outcome read as sqrt(OR). Without --param: the E-value (every parameter at the
    same value, the smallest that explains the estimate away). With --param for every
    parameter: also the bound and the bias-corrected estimate.

    Example: causal multi-bias or 2.54 --ci 1.32 4.89 --common-outcome --confounding
    --selection general --misclassification outcome
    """
    from causal.sensitivity.bias_analyses.multiple import multi_bound, multi_evalue
    from causal.study.values.biases import Confounding, Misclassification, Selection

    kind = measure.value
    target = ratio_measure(kind, estimate, ci, None, common_outcome)
    values = _parse_params(param)
    biases: list[Any] = []
    if confounding:
        biases.append(Confounding(rr_au=values.get("rr_au"), rr_uy=values.get("rr_uy")))
    if selection is None and (risk.value != "any" or s_eq_u):
        fail("`--risk` and `--s-eq-u` describe selection bias; add --selection general.")
    sel = None
    if selection is not None:
        names = ("rr_uy_a1", "rr_su_a1", "rr_uy_a0", "rr_su_a0", "rr_au_s", "rr_uy_s")
        sel = Selection(target=selection.value, risk=risk.value, s_eq_u=s_eq_u,
                        **{name: values.get(name) for name in names})
    mis = None
    if misclassification is not None:
        rare_outcome = None
        if misclassification.value == "exposure" and common_outcome is not None:
            rare_outcome = not common_outcome
        mis = Misclassification(misclassification.value, rare_outcome=rare_outcome,
                                rare_exposure=rare_exposure if misclassification.value
                                == "exposure" else None,
                                value=values.get("misclassification"))
    ordered = [mis, sel] if misclassified_first else [sel, mis]
    biases += [b for b in ordered if b is not None]
    if not biases:
        fail("choose at least one bias: --confounding, --selection or --misclassification.")
    unused = [name for name in values if _FIELDS[name] not in {b.kind for b in biases}]
    if unused:
        fail(f"`--param` {', '.join(unused)} belongs to a bias not chosen.")
    evalue = multi_evalue(biases, target, true=true)
    bound = multi_bound(biases, target) if values else None
    if as_json:
        data: dict[str, Any] = {
            "measure": kind, "evalue_point": evalue.point, "evalue_ci": evalue.ci,
            "ci_limit_used": evalue.ci_limit_used, "parameters": list(evalue.parameters),
            "rr_point": evalue.rr_point, "rr_ci": evalue.rr_ci, "conversion": evalue.conversion,
            "notes": list(evalue.notes)}
        if bound is not None:
            data.update(bound=bound.bound, corrected_point=bound.corrected_point,
                        corrected_ci_limit=bound.corrected_ci_limit)
        emit_json(data)
        return
    echo_frame(evalue.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]])
    typer.echo("")
    typer.echo(evalue.sentence())
    if bound is not None:
        typer.echo("")
        echo_frame(bound.summary()[["quantity", "estimate", "method", "note"]])


def time_ordering_command(
    recovery_or_per_doubling: Annotated[float, typer.Option(
        help="ASSUMED odds ratio of recovery per doubling of therapy sessions.")] = 2.0,
    mean_sessions: Annotated[float, typer.Option(
        help="ASSUMED mean number of therapy sessions.")] = 8.0,
    dispersion: Annotated[float, typer.Option(
        help="ASSUMED negative-binomial shape of the sessions.")] = 2.0,
    first_uptake_session: Annotated[int, typer.Option(
        help="ASSUMED first therapy session at which support can be taken up.")] = 1,
    independent_uptake: Annotated[bool, typer.Option(
        "--independent-uptake", help="Check: uptake independent of time (every OR is 1 in "
                                     "expectation).")] = False,
    replicates: Annotated[int, typer.Option(help="Simulated cohorts.")] = 2000,
    reference_or: Annotated[float | None, typer.Option(
        help="An observed OR to compare with, e.g. 2.54.")] = None,
    random_state: Annotated[int, typer.Option(help="Seed.")] = 20240101,
    as_json: JsonOpt = False,
) -> None:
    """SIMULATED: the ORs time ordering produces when support has no effect.

    Cohorts calibrated to Thew et al. (2024): 302 clients, 66 took up support, 95 recovered,
    3.08 adviser sessions per taker; uptake is more likely the longer a client stays in
    therapy, and so is recovery. Example: causal time-ordering --reference-or 2.54
    """
    from causal.sensitivity.simulations.time_ordering import simulate_time_ordering

    result = simulate_time_ordering(
        recovery_or_per_doubling=recovery_or_per_doubling, mean_therapy_sessions=mean_sessions,
        session_dispersion=dispersion, first_uptake_session=first_uptake_session,
        uptake_depends_on_time=not independent_uptake,
        n_replicates=replicates, reference_or=reference_or, random_state=random_state)
    echo_result(result, as_json, {"random_state": random_state})
