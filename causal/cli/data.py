"""Commands on a study's data: ``estimate``, ``refute``, ``heterogeneity``,
``dml-sensitivity``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from causal.cli._options import (
    JsonOpt,
    StudyArg,
    parse_columns,
)
from causal.cli._scale import SchedulerOpt, WorkersOpt, replicate_blocks
from causal.cli.app import (
    echo_frame,
    emit_json,
    fail,
    load_study_file,
    read_csv_file,
)


class RefuteEstimatorChoice(StrEnum):
    auto = "auto"
    ipw = "ipw"
    aipw = "aipw"
    g_computation = "g_computation"
    regression = "regression"
    matching = "matching"


def estimate(
    study: StudyArg,
    world: Annotated[str | None, typer.Option(
        help="For a simulated study: the world to draw a cohort from (default: the first).")
    ] = None,
    random_state: Annotated[int, typer.Option(help="Seed (simulated cohort, folds).")] = 20240101,
    as_json: JsonOpt = False,
) -> None:
    """Estimate the effect with every estimator on the study's individual-level data."""
    import warnings

    from causal.estimate.study import estimate_study

    loaded = load_study_file(study)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = estimate_study(loaded, world=world, random_state=random_state)
    notes = sorted({str(w.message) for w in caught}) + [
        f"design: {note}" for note in result.design_notes]
    imputed = result.imputed
    if as_json:
        payload = {"study": result.study, "world": result.world, "simulated": result.simulated,
                   "n": result.n, "data_sha256": result.data_hash, "truth": result.truth,
                   "rows_dropped": result.dropped,
                   **({} if result.clustering is None else {"clustering": {
                       "column": result.clustering.column,
                       "n_clusters": result.clustering.n_clusters,
                       "mean_cluster_size": result.clustering.mean_cluster_size,
                       "icc_outcome": result.clustering.icc_outcome,
                       "icc_treatment": result.clustering.icc_treatment,
                       "correction": result.clustering.correction}}),
                   "estimates": result.summary().to_dict("records"), "warnings": notes}
        if imputed is not None:
            payload["multiple_imputation"] = {
                "imputations": imputed.m, "seed": imputed.seed, "method": imputed.method,
                "n": imputed.n, "flow": imputed.flow.line(),
                "estimates": imputed.summary().to_dict("records"),
                "pooling": imputed.pooling().to_dict("records")}
        emit_json(payload)
        return
    typer.echo(result.description if not result.simulated
               else f"SIMULATED data: {result.description}")
    if imputed is not None:
        typer.echo(f"who was analysed: {imputed.flow.line()}")
    if result.dropped:
        typer.echo("rows dropped for missing values (complete cases): "
                   + ", ".join(f"{k} {a}" for a, k in result.dropped.items())
                   + f"; {result.n} rows used")
    if result.truth:
        typer.echo(f"truth: {result.truth}")
    if imputed is not None:
        typer.echo("complete cases:")
    if result.clustering is not None:
        typer.echo(result.clustering_sentence())
    echo_frame(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "method",
                                 "note"]])
    if imputed is not None:
        typer.echo("")
        typer.echo(f"{imputed.method}; {imputed.n} rows in every imputed data set:")
        table = imputed.summary()
        pooled = table[["quantity", "estimate", "ci_lower", "ci_upper", "method"]].copy()
        # FMI to 4 decimals: a column observed in every row gives 0 up to rounding (1e-9)
        pooled["fmi"] = imputed.pooling()["fmi"].round(4).to_numpy()
        reasons = [str(note) if str(note).startswith("not estimable") else ""
                   for note in table["note"]]
        if any(reasons):
            pooled["note"] = reasons
        echo_frame(pooled)
        if result.clustering is not None:
            typer.echo(f"each imputed data set's intervals are cluster-robust by "
                       f"{result.clustering.column!r}, as above, and pooled by Rubin's rules; "
                       "the imputation model itself is single-level (no cluster term)")
    for note in notes:
        typer.echo(f"warning: {note}", err=True)


def refute(
    study: StudyArg,
    world: Annotated[str | None, typer.Option(
        help="For simulated data: the [[worlds]] name (default: the first).")] = None,
    estimator: Annotated[RefuteEstimatorChoice, typer.Option(
        help="ipw, aipw, g_computation, regression, matching: that estimator as `causal "
             "estimate` runs it, refitted in every simulation; auto: regression (a "
             "conditional OR for a 0/1 outcome, else a mean difference).",
        case_sensitive=False)] = RefuteEstimatorChoice.auto,
    simulations: Annotated[int, typer.Option(help="Simulations per refuter.")] = 100,
    random_state: Annotated[int, typer.Option(help="Seed (cohort and refuters).")] = 20240101,
    as_json: JsonOpt = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Run every refutation test on the study's individual-level data (real or SIMULATED).

    Example: causal refute studies/thew2024.toml --world "self-selection only"
    """
    from causal.refute.study import refute_study

    loaded = load_study_file(study)
    with replicate_blocks(scheduler, workers):
        result = refute_study(loaded, world=world, estimator=estimator.value,
                              n_simulations=simulations, random_state=random_state)
    if as_json:
        emit_json({"study": result.study, "world": result.world, "simulated": result.simulated,
                   "description": result.description, "estimator": result.estimator,
                   "n": result.n, "random_state": random_state,
                   "summary": result.suite.summary(), "verdicts": result.suite.verdicts()})
        return
    typer.echo(result.heading())
    typer.echo("")
    echo_frame(result.suite.verdicts()[["refuter", "verdict", "p_value", "original",
                                        "refuted_mean"]])
    typer.echo("")
    for line in result.suite.verdicts()["sentence"]:
        typer.echo(f"- {line}")


class OutcomeTypeChoice(StrEnum):
    binary = "binary"
    continuous = "continuous"


def heterogeneity(
    data: Annotated[Path, typer.Argument(help="CSV file, one row per person.")],
    treatment: Annotated[str, typer.Option(help="Binary 0/1 treatment column.")],
    outcome: Annotated[str, typer.Option(help="Outcome column.")],
    outcome_type: Annotated[OutcomeTypeChoice, typer.Option(
        help="binary (effect as a risk difference) or continuous (a mean difference).",
        case_sensitive=False)],
    modifier: Annotated[list[str], typer.Option(
        help="Effect modifier column(s): repeat the option or separate names by commas; "
             "the figure shows the first.")],
    covariates: Annotated[list[str] | None, typer.Option(
        help="Confounders, comma-separated (repeatable).")] = None,
    cv: Annotated[int, typer.Option(help="Cross-fitting folds.")] = 5,
    alpha: Annotated[float, typer.Option(help="1 - confidence level.")] = 0.05,
    random_state: Annotated[int, typer.Option(help="Seed for the folds.")] = 20240101,
    png: Annotated[Path | None, typer.Option(
        help="Write the figure of the effect against the first modifier here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Does the effect vary with baseline severity, age or a condition? (EconML DR-learner)

    Example: causal heterogeneity cohort.csv --treatment employment_support --outcome recovery
    --outcome-type binary --covariates age,sex,gad7_baseline --modifier phq9_baseline --png fig.png
    """

    from causal.estimate.heterogeneity import effect_heterogeneity

    frame = read_csv_file(data, not_found="{path}: data file not found.",
                          unreadable="{path}: not a readable CSV file ({reason}).")
    result = effect_heterogeneity(
        frame, treatment=treatment, outcome=outcome, covariates=parse_columns(covariates),
        modifiers=parse_columns(modifier), outcome_type=outcome_type.value, alpha=alpha, cv=cv,
        random_state=random_state)
    if png is not None:
        from causal.plots._figure import figure_bytes, new_figure
        from causal.plots.heterogeneity import plot_effect_heterogeneity

        figure, ax = new_figure()
        plot_effect_heterogeneity(result, ax=ax)
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(figure_bytes(figure))
    if as_json:
        emit_json({"summary": result.summary(), "sentence": result.sentence(),
                   "outcome_type": result.outcome_type, "scale": result.scale,
                   "n": result.n, "n_treated": result.n_treated, "n_control": result.n_control,
                   "cv": result.n_folds, "random_state": random_state,
                   "curve": result.curve(), "notes": list(result.notes), "png": png})
        return
    echo_frame(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "p_value"]])
    typer.echo("")
    typer.echo(result.sentence())
    if png is not None:
        typer.echo(f"wrote {png}")


def dml_sensitivity_command(
    study: StudyArg,
    cf_y: Annotated[float, typer.Option(
        "--cf-y", help="Share of the outcome's residual variation explained by the latent "
                       "confounder, in [0, 1).")] = 0.03,
    cf_d: Annotated[float, typer.Option(
        "--cf-d", help="Share of the Riesz representer's variation the latent confounder "
                       "adds, in [0, 1).")] = 0.03,
    rho: Annotated[float, typer.Option(help="Adversity in [-1, 1]; 1 is the worst case.")] = 1.0,
    null: Annotated[float, typer.Option(help="Effect the robustness values refer to.")] = 0.0,
    alpha: Annotated[float, typer.Option(
        help="Each confidence limit is one-sided at level 1 - alpha.")] = 0.05,
    benchmark: Annotated[list[str] | None, typer.Option(
        "--benchmark", help="Covariate to benchmark; 'a,b' benchmarks a group together. "
                            "Repeatable. Default: every covariate alone, plus the study's "
                            "[individual_sensitivity] benchmarks as a group.")] = None,
    world: Annotated[str | None, typer.Option(
        help="For simulated data: the [[worlds]] name (default: the first).")] = None,
    png: Annotated[Path | None, typer.Option("--png", help="Write the contour plot here.")] = None,
    random_state: Annotated[int, typer.Option(help="Seed (cohort, folds).")] = 20240101,
    as_json: JsonOpt = False,
) -> None:
    """Omitted-variable bounds on the doubly robust (AIPW) estimate: "Long Story Short".

    A separate command rather than an option of `estimate`: its parameters (cf_y, cf_d, rho,
    benchmark groups) mean nothing to the other estimators.

    Example: causal dml-sensitivity studies/nhefs.toml --cf-y 0.05 --cf-d 0.05 --benchmark
    smokeintensity,smokeyrs
    """
    from causal.sensitivity.omitted_variable.dml_study import dml_sensitivity_study

    groups = None if not benchmark else [
        [c.strip() for c in item.split(",") if c.strip()] for item in benchmark]
    if png is not None and png.suffix.lower() != ".png":
        fail(f"`--png` must end in .png; got {png.name!r}.")
    run = dml_sensitivity_study(load_study_file(study), world=world, benchmarks=groups, cf_y=cf_y,
                                cf_d=cf_d, rho=rho, null=null, alpha=alpha,
                                random_state=random_state)
    result = run.result
    if png is not None:
        from causal.plots._figure import figure_bytes, new_figure
        from causal.plots.dml_bounds import dml_contour_points, plot_dml_contour

        figure, ax = new_figure(6.4, 5.2)
        plot_dml_contour(result.contour(), ax=ax, points=dml_contour_points(result),
                         scenario=(result.cf_d, result.cf_y))
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(figure_bytes(figure))
    if as_json:
        emit_json(run.to_dict())
        return
    typer.echo(run.render_text())
    if png is not None:
        typer.echo(f"wrote {png}")
