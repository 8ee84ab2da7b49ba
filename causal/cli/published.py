"""Commands on a paper's printed numbers: ``audit``, ``evalue``, ``tip``, ``ovb``, ``rir``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import (
    CommonOpt,
    JsonOpt,
    StudyArg,
    parse_columns,
    parse_counts,
    ratio_measure,
)
from causal.cli.app import (
    echo_result,
    emit_json,
    fail,
    load_study_file,
    read_csv_file,
)
from causal.errors import CausalWarning


def audit(study: StudyArg, as_json: JsonOpt = False) -> None:
    """Check a study's published numbers against each other."""
    from causal.claims import audit as run_audit

    loaded = load_study_file(study)
    claims = loaded.claims or (loaded.claim,)
    results = [(claim.label, run_audit(claim)) for claim in claims]
    if as_json:
        records = [{**record, **({"claim": label} if len(claims) > 1 else {})}
                   for label, result in results for record in result.to_dict()["findings"]]
        worst = max((r.worst for _, r in results), key=("ok", "info", "warning",
                                                         "error").index)
        emit_json({"worst": worst, "findings": records})
        return
    for label, result in results:
        if result.findings:
            typer.echo(result.render_text(label if len(claims) > 1 else ""))
    if not any(result.findings for _, result in results):
        typer.echo("Nothing to check: the study prints no estimate with a CI and no counts "
                   "(percentages without group sizes cannot be checked against each other).")


class MeasureChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"
    rd = "rd"
    smd = "smd"


def evalue(
    measure: Annotated[MeasureChoice, typer.Argument(help="Effect measure: rr, or, hr, rd, smd.",
                                                     case_sensitive=False)],
    values: Annotated[list[float], typer.Argument(
        help="The estimate (rr/or/hr/smd), or for rd the counts: treated_events treated_total "
             "control_events control_total.")],
    ci: Annotated[tuple[float, float] | None, typer.Option(
        help="Confidence limits: --ci LOWER UPPER.")] = None,
    se: Annotated[float | None, typer.Option(
        help="Standard error (log scale for ratios).")] = None,
    common_outcome: Annotated[bool, typer.Option(
        "--common-outcome/--rare-outcome",
        help="For or/hr: is the outcome common (>= 15%)? Must be stated.")] = None,  # type: ignore[assignment]
    true: Annotated[float | None, typer.Option(
        help="Value to shift the estimate to (default 1 for ratios, 0 for rd/smd).")] = None,
    alpha: Annotated[float, typer.Option(help="1 - confidence level.")] = 0.05,
    icc: Annotated[list[float] | None, typer.Option(
        help="ASSUMED intraclass correlation(s) of people the paper analysed as independent "
             "(repeatable): widen --ci by Kish's design effect 1 + (m - 1) ICC; needs "
             "--cluster-size.")] = None,
    cluster_size: Annotated[float | None, typer.Option(
        help="ASSUMED mean cluster size m for --icc.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """E-values (VanderWeele & Ding 2017) of an estimate given as numbers.

    Example: causal evalue or 2.54 --ci 1.32 4.89 --common-outcome
    (add --icc 0.05 --cluster-size 10 for the interval under an ASSUMED clustering)
    """
    from causal import measures
    from causal.sensitivity.evalues.evalue import e_value

    kind = measure.value
    expected = 4 if kind == "rd" else 1
    if len(values) != expected:
        what = ("4 counts (treated_events treated_total control_events control_total)"
                if kind == "rd" else "1 estimate")
        fail(f"`values` for {kind} must be {what}; got {len(values)} value(s).")
    if kind in ("or", "hr") and common_outcome is None:
        fail(f"for {kind} state whether the outcome is common: add --common-outcome "
             "(prevalence >= 15%) or --rare-outcome.")
    common: dict[str, Any] = {"ci": ci, "std_error": se, "alpha": alpha}
    if kind == "rr":
        target: Any = measures.RiskRatio(values[0], **common)
    elif kind == "or":
        target = measures.OddsRatio(values[0], rare_outcome=not common_outcome, **common)
    elif kind == "hr":
        target = measures.HazardRatio(values[0], rare_outcome=not common_outcome, **common)
    elif kind == "smd":
        target = measures.StandardizedMeanDifference(values[0], **common)
    else:
        counts = []
        for name, value in zip(("treated_events", "treated_total", "control_events",
                                "control_total"), values, strict=True):
            if not float(value).is_integer():
                fail(f"`{name}` must be a whole number; got {value:g}.")
            counts.append(int(value))
        target = measures.TwoByTwo(*counts, alpha=alpha)
    result = e_value(target, true=true)
    clustered = _clustered_lines(kind, values, ci, icc, cluster_size, target, alpha, true)
    rd_line = None
    if kind == "rd":
        rd = target.risk_difference()
        rd_line = (f"Risk difference {counts[0]}/{counts[1]} - {counts[2]}/{counts[3]} = "
                   f"{rd.estimate:.4g} (95% CI {rd.ci[0]:.4g} to {rd.ci[1]:.4g}, Wald)"
                   if rd.ci is not None else
                   f"Risk difference {counts[0]}/{counts[1]} - {counts[2]}/{counts[3]} = "
                   f"{rd.estimate:.4g}")
    if as_json:
        extra = {"risk_difference": {"estimate": rd.estimate, "ci": list(rd.ci or ())}} \
            if kind == "rd" else {}
        if clustered:
            extra["clustering_assumed"] = clustered[1]
        emit_json({"measure": kind, **extra, **result.to_dict()})
        return
    if rd_line:
        typer.echo(rd_line + ".\n")
    typer.echo(result.render_text())
    if clustered:
        typer.echo("")
        for line in clustered[0]:
            typer.echo(line)


def _clustered_lines(kind: str, values: list[float], ci: Any, icc: list[float] | None,
                     cluster_size: float | None, target: Any, alpha: float,
                     true: float | None) -> tuple[list[str], list[dict]] | None:
    """The interval and CI E-value under each ASSUMED ICC
    (:func:`causal.sensitivity.evalues.design_effect.claim_interval`), or None without --icc."""
    import dataclasses

    from causal.sensitivity.evalues.design_effect import UPPER_END, claim_interval
    from causal.sensitivity.evalues.evalue import e_value

    if not icc and cluster_size is None:
        return None
    if not icc or cluster_size is None:
        fail("`--icc` and `--cluster-size` go together: give both (e.g. --icc 0.05 "
             "--cluster-size 10).")
    if kind == "rd" or ci is None:
        fail("`--icc` widens a printed interval: give the estimate with --ci (not rd counts).")
    lines, rows = [], []
    for value in icc:
        r = claim_interval(values[0], tuple(ci), icc=value, mean_cluster_size=cluster_size,
                           ratio=kind in ("or", "rr", "hr"), alpha=alpha)
        widened = e_value(dataclasses.replace(target, ci=r.ci, std_error=None), true=true)
        lines.append(f"ASSUMED ICC {value:g}, {cluster_size:g} per cluster: Kish design effect "
                     f"{r.design_effect:.3g}, CI {r.ci[0]:.3g} to {r.ci[1]:.3g}, CI E-value "
                     + ("none" if widened.ci is None else f"{widened.ci:.3g}"))
        rows.append({"icc": value, "mean_cluster_size": cluster_size,
                     "design_effect": r.design_effect, "ci": list(r.ci),
                     "evalue_ci": widened.ci})
    lines.append(f"This is {UPPER_END}.")
    return lines, rows


class TipChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"
    coef = "coef"


def tip(
    measure: Annotated[TipChoice, typer.Argument(
        help="Effect measure: rr, or, hr, or coef (a regression coefficient or mean "
             "difference; normal confounder only).", case_sensitive=False)],
    estimate: Annotated[float, typer.Argument(help="The published estimate.")],
    ci: Annotated[tuple[float, float] | None, typer.Option(
        help="Confidence limits: --ci LOWER UPPER.")] = None,
    p1: Annotated[float | None, typer.Option(
        "--p1", help="Binary confounder: prevalence among the treated.")] = None,
    p0: Annotated[float | None, typer.Option(
        "--p0", help="Binary confounder: prevalence among controls.")] = None,
    outcome_rr: Annotated[float | None, typer.Option(
        help="Confounder-outcome risk ratio (per SD for a normal confounder).")] = None,
    smd: Annotated[float | None, typer.Option(
        help="Normal confounder: standardised mean difference treated vs control.")] = None,
    outcome_effect: Annotated[float | None, typer.Option(
        help="Normal confounder: its effect on the outcome per SD on the estimate's own scale "
             "(a mean difference for coef; an RR, OR or HR for a ratio, with --adjust).")
    ] = None,
    adjust: Annotated[bool, typer.Option(
        "--adjust", help="Normal confounder: report the estimate adjusted for --smd and "
                         "--outcome-effect instead of a tipping point (tipr's adjust_*).")
    ] = False,
    common_outcome: CommonOpt = None,  # type: ignore[assignment]
    true: Annotated[float, typer.Option(help="Value to tip the estimate to.")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Tipping point of an unmeasured confounder: solves for the parameter left out.

    Example: causal tip or 2.54 --ci 1.32 4.89 --p1 0.5 --p0 0.2 --common-outcome

    Example: causal tip coef 1.5 --ci 0.9 2.1 --smd 0.5 (normal confounder, a coefficient)

    Example: causal tip rr 1.8 --smd 0.5 --outcome-effect 2.2 --adjust
    """
    from causal.sensitivity.tipping_points.risk_ratio import tip as run_tip

    if adjust or measure == TipChoice.coef:
        if p1 is not None or p0 is not None:
            fail("--p1/--p0 describe a binary confounder; coef and --adjust take a normal one "
                 "(--smd and --outcome-effect).")
        if outcome_rr is not None:
            fail("with coef or --adjust give the confounder's outcome effect as "
                 "--outcome-effect (on the estimate's scale), not --outcome-rr.")
        _tip_normal(measure, estimate, ci, smd, outcome_effect, adjust, common_outcome, true,
                    as_json)
        return
    if outcome_effect is not None:
        fail("--outcome-effect is for coef or --adjust; a ratio's tipping point takes "
             "--outcome-rr (on the risk-ratio scale).")
    target = ratio_measure(measure.value, estimate, ci, None, common_outcome)
    confounder = "normal" if smd is not None else "binary"
    result = run_tip(target, prevalence_treated=p1, prevalence_control=p0,
                     outcome_rr=outcome_rr, smd=smd, confounder=confounder, true=true)
    echo_result(result, as_json)


def _tip_normal(measure: TipChoice, estimate: float, ci: Any, smd: float | None,
                outcome_effect: float | None, adjust: bool, common_outcome: Any, true: float,
                as_json: bool) -> None:
    from causal.measures import MeanDifference
    from causal.sensitivity.tipping_points.normal import adjust_coef, adjust_rr, tip_coef

    if true != 1.0:
        fail("--true is for a ratio's tipping point; coef tips to 0 and --adjust tips nothing.")
    if measure == TipChoice.coef:
        effect = MeanDifference(estimate, ci=ci)
        if not adjust:
            result: Any = tip_coef(effect, smd=smd, outcome_association=outcome_effect)
            echo_result(result, as_json)
            return
    if smd is None or outcome_effect is None:
        fail("--adjust needs both --smd and --outcome-effect.")
    if measure == TipChoice.coef:
        result = adjust_coef(effect, smd=smd, outcome_association=outcome_effect)
    else:
        result = adjust_rr(ratio_measure(measure.value, estimate, ci, None, common_outcome),
                           smd=smd, outcome_association=outcome_effect)
    echo_result(result, as_json)


def _benchmark_option(values: list[str]) -> dict[str, list[str]]:
    """``--benchmark`` values: "female" alone, "female,pastvoted" as one group, or
    "F_and_P=female,pastvoted" for a named group."""
    groups: dict[str, list[str]] = {}
    for value in values:
        label, _, names = value.rpartition("=")
        members = [n.strip() for n in names.split(",") if n.strip()]
        if not members:
            fail(f"--benchmark must name covariates (e.g. female,pastvoted); got {value!r}.")
        groups[label.strip() or "+".join(members)] = members
    return groups


def ovb(
    estimate: Annotated[float | None, typer.Argument(
        help="Regression coefficient of the treatment (not with --data).")] = None,
    se: Annotated[float | None, typer.Argument(help="Its standard error.")] = None,
    dof: Annotated[float | None, typer.Argument(help="Residual degrees of freedom.")] = None,
    r2dxj_x: Annotated[float | None, typer.Option(
        "--benchmark-r2d", help="Benchmark covariate's partial R² with the treatment.")] = None,
    r2yxj_dx: Annotated[float | None, typer.Option(
        "--benchmark-r2y", help="Benchmark covariate's partial R² with the outcome.")] = None,
    kd: Annotated[list[float] | None, typer.Option(
        help="Multiples of the benchmark (repeat: --kd 1 --kd 2).")] = None,
    benchmark: Annotated[list[str] | None, typer.Option(
        help="With numbers: the benchmark's name for labels. With --data: covariates to "
             "benchmark, one group per option (--benchmark female,pastvoted; a named group "
             "F_and_P=female,pastvoted).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="CSV of individual data: fit outcome ~ treatment + covariates by least "
             "squares.")] = None,
    treatment: Annotated[str | None, typer.Option(help="With --data: 0/1 treatment.")] = None,
    outcome: Annotated[str | None, typer.Option(help="With --data: outcome column.")] = None,
    covariates: Annotated[list[str] | None, typer.Option(
        help="With --data: covariates, comma-separated (repeatable).")] = None,
    categorical: Annotated[list[str] | None, typer.Option(
        help="With --data: covariates entered as indicators.")] = None,
    q: Annotated[float, typer.Option(help="Share of the estimate to remove.")] = 1.0,
    alpha: Annotated[float, typer.Option(help="Significance level.")] = 0.05,
    log_odds_ratio: Annotated[bool, typer.Option(
        "--log-odds-ratio", help="The input is a logistic log-OR with a z statistic "
                                 "(heuristic).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Omitted-variable bias with partial R² (Cinelli & Hazlett 2020).

    Example: causal ovb 0.0973 0.0233 783 --benchmark-r2d 0.00917 --benchmark-r2y 0.109
    --benchmark female --kd 1 --kd 2 --kd 3

    Example: causal ovb --data darfur.csv --treatment directlyharmed --outcome peacefactor
    --covariates age,farmer_dar,herder_dar,pastvoted,hhsize_darfur,female,village
    --categorical village --benchmark female --benchmark F_and_P=female,pastvoted
    """
    from causal.sensitivity.omitted_variable.ovb import ovb_bounds, partial_r2, robustness_value

    if data is not None:
        if estimate is not None or r2dxj_x is not None or r2yxj_dx is not None:
            fail("with --data give no estimate, se, dof or --benchmark-r2d/--benchmark-r2y; "
                 "they are computed from the data.")
        if treatment is None or outcome is None:
            fail("with --data give --treatment and --outcome.")
        from causal.sensitivity.omitted_variable.data import ovb_sensitivity

        fit = ovb_sensitivity(read_csv_file(data), treatment=treatment, outcome=outcome,
                              covariates=parse_columns(covariates),
                              categorical=parse_columns(categorical),
                              benchmarks=_benchmark_option(benchmark or []),
                              kd=kd or [1, 2, 3], q=q, alpha=alpha)
        echo_result(fit, as_json)
        return
    if estimate is None or se is None or dof is None:
        fail("give the estimate, its standard error and the residual degrees of freedom, "
             "or --data with --treatment and --outcome.")
    if (r2dxj_x is None) != (r2yxj_dx is None):
        fail("give both --benchmark-r2d and --benchmark-r2y, or neither.")
    if len(benchmark or []) > 1:
        fail("with numbers give one --benchmark name (its partial R²s are "
             "--benchmark-r2d/--benchmark-r2y); repeated --benchmark needs --data.")
    if r2dxj_x is not None:
        result = ovb_bounds(estimate, se, dof, r2dxj_x=r2dxj_x, r2yxj_dx=r2yxj_dx,
                            kd=kd or [1, 2, 3], benchmark=(benchmark or ["benchmark"])[0],
                            q=q, alpha=alpha, heuristic=log_odds_ratio)
        echo_result(result, as_json, {"heuristic": log_odds_ratio})
    else:
        from causal._validation import check_finite, check_positive

        t = check_finite(estimate, "estimate") / check_positive(se, "se",
                                                                  what="a standard error")
        stats = {"t_statistic": t, "dof": dof, "partial_r2": partial_r2(t, dof),
                 "rv_q": robustness_value(t, dof, q=q),
                 "rv_qa": robustness_value(t, dof, q=q, alpha=alpha), "q": q, "alpha": alpha,
                 "heuristic": log_odds_ratio}
        if as_json:
            emit_json(stats)
        else:
            for key, value in stats.items():
                typer.echo(f"{key}: {value:.6g}" if isinstance(value, float) else
                           f"{key}: {value}")
    if log_odds_ratio and not as_json:
        typer.echo("note: a log-OR with a z statistic is read as a linear-model t statistic; "
                   "this is a heuristic, not Cinelli & Hazlett's exact result.")


def rir(
    values: Annotated[list[float], typer.Argument(
        help="Regression: estimate se n_obs n_covariates (with --ci: lower upper n_obs "
             "n_covariates). With --table: treated_events treated_total control_events "
             "control_total.")],
    table: Annotated[bool, typer.Option("--table", help="Values are 2x2 counts.")] = False,
    ci: Annotated[bool, typer.Option(
        "--ci", help="The first two values are confidence limits, not estimate and SE.")
    ] = False,
    level: Annotated[float, typer.Option(help="Confidence level of --ci.")] = 0.95,
    ci_df: Annotated[float | None, typer.Option(
        "--ci-df", help="df of the t quantile behind --ci (default n - k - 2; inf for z).")
    ] = None,
    logistic: Annotated[bool, typer.Option(
        "--logistic", help="The estimate is a logistic log odds ratio (needs --n-treated).")
    ] = False,
    n_treated: Annotated[int | None, typer.Option(
        "--n-treated", help="Treated cases, for --logistic.")] = None,
    replace: Annotated[str, typer.Option(
        help="Replacement cases from the control group or the entire sample (--table, "
             "--logistic).")] = "control",
    sd_x: Annotated[float | None, typer.Option(
        "--sd-x", help="SD of the treatment (unconditional ITCV).")] = None,
    sd_y: Annotated[float | None, typer.Option(
        "--sd-y", help="SD of the outcome (unconditional ITCV).")] = None,
    r2: Annotated[float | None, typer.Option(
        "--r2", help="R² of the model (unconditional ITCV).")] = None,
    alpha: Annotated[float, typer.Option(help="Significance level.")] = 0.05,
    tails: Annotated[int, typer.Option(help="1 or 2 tails.")] = 2,
    rounding: Annotated[str, typer.Option(
        help="round (konfound 1.0.3), ceiling (later konfound) or none.")] = "round",
    as_json: JsonOpt = False,
) -> None:
    """Robustness of inference to replacement and the ITCV (Frank et al. 2013, 2021).

    Example: causal rir 2 0.4 100 3 --rounding ceiling; causal rir --ci 1 3 100 3;
    causal rir --logistic 0.273 0.024 16999 3 --n-treated 16000; causal rir --table 10 50 9 50
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CausalWarning)  # kept in result.notes, printed below
        result, extra = _rir_result(values, table=table, ci=ci, level=level, ci_df=ci_df,
                                    logistic=logistic, n_treated=n_treated, replace=replace,
                                    alpha=alpha, tails=tails, rounding=rounding, sd_x=sd_x,
                                    sd_y=sd_y, r2=r2)
    echo_result(result, as_json, extra)


def _rir_result(values: list[float], *, table: bool, ci: bool, level: float,
                ci_df: float | None, logistic: bool, n_treated: int | None, replace: Any,
                alpha: float, tails: Any, rounding: Any, **itcv: float | None
                ) -> tuple[Any, dict[str, Any]]:
    from causal.measures import TwoByTwo
    from causal.sensitivity.rir_itcv import linear as linear

    if table:
        from causal.sensitivity.rir_itcv.table import rir_table

        counts = parse_counts(values, ("treated_events", "treated_total", "control_events",
                                  "control_total"))
        result: Any = rir_table(TwoByTwo(*counts), alpha=alpha, replace=replace)
        return result, {"fragility": result.fragility, "rir": result.rir,
                        "invalidate": result.invalidate}
    first = "lower upper" if ci else "estimate se"
    if len(values) != 4:
        fail(f"expected 4 values ({first} n_obs n_covariates); got {len(values)}.")
    n_obs, n_cov = parse_counts(values[2:], ("n_obs", "n_covariates"))
    if logistic:
        from causal.sensitivity.rir_itcv.logistic import rir_logistic

        if n_treated is None:
            fail("--logistic needs --n-treated (the number of treated cases).")
        estimate, se = values[0], values[1]
        if ci:
            df = linear.model_df(n_obs, n_cov) if ci_df is None else ci_df
            estimate, se = linear.estimate_from_ci(values[0], values[1], df, level=level)
        result = rir_logistic(estimate, se, n_obs, n_cov, n_treated, alpha=alpha,  # type: ignore[arg-type]
                              tails=tails, replace=replace)
        return result, {"fragility": result.fragility, "rir": result.rir,
                        "invalidate": result.invalidate}
    options: dict[str, Any] = dict(alpha=alpha, tails=tails, rounding=rounding, **itcv)
    result = (linear.rir_from_ci(values[0], values[1], n_obs, n_cov, level=level,
                                 ci_df=ci_df, **options) if ci else
              linear.rir(values[0], values[1], n_obs, n_cov, **options))
    return result, {"rir": result.rir, "share_bias": result.share_bias, "itcv": result.itcv,
                    "itcv_unconditional": result.itcv_unconditional,
                    "invalidate": result.invalidate, "estimate": result.estimate,
                    "std_error": result.std_error, "rounding": result.rounding}
