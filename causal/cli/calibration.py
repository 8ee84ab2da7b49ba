"""``causal calibrate``: empirical calibration of a published estimate with published control
estimates (Schuemie et al. 2014, 2018)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from causal.cli._options import JsonOpt
from causal.cli.app import check_figure_path, echo_result, fail, read_csv_file

CONTROL_COLUMNS_HELP = (
    "CSV of control estimates, one row per control, ratios (RR/OR/HR) on their natural scale: "
    "columns `estimate`, `ci_lower`, `ci_upper` (a Wald CI on the log scale at the --alpha "
    "level), or instead `log_estimate`, `std_error`; optional `label`, and `true_effect` (the "
    "known true ratio: 1 for a negative control, e.g. 2 for a positive control; default 1).")


def calibrate(
    controls: Annotated[Path, typer.Argument(help=CONTROL_COLUMNS_HELP)],
    estimate: Annotated[float, typer.Option(help="The main estimate (a ratio).")],
    ci: Annotated[tuple[float, float] | None, typer.Option(
        help="The main estimate's confidence limits: --ci LOWER UPPER.")] = None,
    se: Annotated[float | None, typer.Option(
        help="The main estimate's standard error on the log scale (instead of --ci).")] = None,
    alpha: Annotated[float, typer.Option(
        help="1 - confidence level of the given CIs and of the calibrated CI.")] = 0.05,
    png: Annotated[Path | None, typer.Option(
        "--png", help="Write a funnel plot of the controls and the empirical null here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Calibrate a published ratio estimate with published negative (and positive) controls.

    Fits the empirical null (mean and SD of systematic error on the log scale) to the negative
    controls by maximum likelihood, then prints the calibrated p-value and the calibrated CI
    (the systematic-error model: with positive controls when `true_effect` has values other
    than 1). Example: causal calibrate controls.csv --estimate 1.8 --ci 1.3 2.5
    """
    import numpy as np

    from causal.sensitivity.negative_controls.calibrated import calibrate as run_calibrate
    from causal.sensitivity.negative_controls.empirical_calibration import (
        log_estimates_of,
        std_errors_from_ci,
    )

    check_figure_path(png)
    table = read_csv_file(controls, not_found="{path}: control estimates CSV not found.")
    columns = set(table.columns)
    if {"estimate", "ci_lower", "ci_upper"} <= columns:
        kind = "ci"
    elif {"log_estimate", "std_error"} <= columns:
        kind = "se"
    else:
        fail(f"{controls}: expected columns `estimate`, `ci_lower`, `ci_upper` (or "
             f"`log_estimate`, `std_error`); got {', '.join(map(str, table.columns)) or 'none'}.")
    numeric = (["estimate", "ci_lower", "ci_upper"] if kind == "ci"
               else ["log_estimate", "std_error"]) + (["true_effect"] if "true_effect" in columns
                                                       else [])
    for column in numeric:
        values = table[column]
        converted = values.map(_number)
        bad = converted.isna() & values.notna() | values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            fail(f"{controls}: column `{column}` must hold a number in every row; row "
                 f"{row + 1} has {values.iloc[row]!r}.")
    if kind == "ci":
        y = log_estimates_of(table["estimate"].map(_number), "estimate")
        control_se = std_errors_from_ci(table["ci_lower"].map(_number),
                                        table["ci_upper"].map(_number), alpha)
    else:
        y = table["log_estimate"].map(_number).to_numpy(dtype=float)
        control_se = table["std_error"].map(_number).to_numpy(dtype=float)
    true_log = None
    if "true_effect" in columns:
        true_log = log_estimates_of(table["true_effect"].map(_number), "true_effect")
    if (ci is None) == (se is None):
        fail("give the main estimate's uncertainty as exactly one of --ci LOWER UPPER or --se.")
    if not (np.isfinite(estimate) and estimate > 0):
        fail(f"`--estimate` must be a finite ratio > 0; got {estimate:g}.")
    main_y = float(np.log(estimate))
    if ci is not None:
        if not (ci[0] > 0 and ci[1] > ci[0]):
            fail(f"`--ci` must be two ratios with 0 < LOWER < UPPER; got {ci[0]:g} {ci[1]:g}.")
        main_se = float(std_errors_from_ci([ci[0]], [ci[1]], alpha)[0])
    else:
        main_se = float(se)  # validated by calibrate()
    result = run_calibrate(y, control_se, main_y, main_se, true_log_effects=true_log,
                           alpha=alpha)
    if png is not None:
        from causal.plots._figure import figure_bytes, new_figure
        from causal.plots.negative_controls import plot_funnel

        negative = np.ones(len(y), dtype=bool) if true_log is None else true_log == 0
        figure, ax = new_figure()
        plot_funnel(y[negative], control_se[negative], null_mean=result.null.mean,
                    null_sd=result.null.sd, main=(main_y, main_se), alpha=alpha, ax=ax)
        png.write_bytes(figure_bytes(figure, "svg" if png.suffix.lower() == ".svg" else "png"))
    echo_result(result, as_json, {"controls": str(controls), "alpha": alpha})
    if not as_json:
        null = result.null
        typer.echo(f"\nEmpirical null from {null.n_controls} negative controls: systematic error "
                   f"~ N({null.mean:.4g}, {null.sd:.4g}^2) on the log scale (computed from the "
                   "reported numbers).")


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number
