"""``causal rosenbaum``: Rosenbaum bounds for matched pairs or matched sets read from a CSV."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import (
    JsonOpt,
    parse_columns,
)
from causal.cli.app import (
    echo_frame,
    emit_json,
    fail,
    read_csv_file,
)


class AlternativeChoice(StrEnum):
    greater = "greater"
    less = "less"
    two_sided = "two-sided"


class ZeroMethodChoice(StrEnum):
    pratt = "pratt"
    drop = "drop"


class NullMethodChoice(StrEnum):
    normal = "normal"
    exact = "exact"


def _read_pair_columns(path: Path, columns: list[str]) -> list[Any]:
    import pandas as pd

    frame = read_csv_file(path)
    out = []
    for column in columns:
        if column not in frame.columns:
            fail(f"column {column!r} is not in {path}; its columns are "
                 f"{', '.join(map(repr, frame.columns))}.")
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().sum() > frame[column].isna().sum():
            fail(f"column {column!r} in {path} must be numeric; it has non-numeric entries.")
        out.append(values.to_numpy(dtype=float))
    return out


def rosenbaum(
    csv: Annotated[Path, typer.Argument(help="CSV file with one row per matched pair.")],
    column: Annotated[str | None, typer.Option(
        help="Column of treated-minus-control differences.")] = None,
    treated: Annotated[str | None, typer.Option(
        help="Column of treated responses (with --control, instead of --column).")] = None,
    control: Annotated[str | None, typer.Option(help="Column of control responses.")] = None,
    controls: Annotated[list[str] | None, typer.Option(
        help="Matched sets: the control columns, comma-separated or repeated (an empty cell "
             "is a missing control); with --treated. Uses an m-statistic (senm).")] = None,
    outcome: Annotated[str | None, typer.Option(
        help="Matched sets, one row per person (senm's format): the response column; with "
             "--treatment and --matched-set.")] = None,
    treatment: Annotated[str | None, typer.Option(
        help="Matched sets, one row per person: 1 treated, 0 control.")] = None,
    matched_set: Annotated[str | None, typer.Option(
        help="Matched sets, one row per person: the set label.")] = None,
    trim: Annotated[float, typer.Option(
        help="Matched sets: psi is constant beyond trim scaled differences (inf: none).")] = 3.0,
    inner: Annotated[float, typer.Option(
        help="Matched sets: psi is 0 within inner scaled differences.")] = 0.0,
    scale_quantile: Annotated[float, typer.Option(
        help="Matched sets: quantile of |differences| used as the scale (senm's lambda).")
    ] = 0.5,
    tau: Annotated[float, typer.Option(
        help="Matched sets: additive effect under the null hypothesis.")] = 0.0,
    effect_on_treated: Annotated[bool, typer.Option(
        "--effect-on-treated", help="Matched sets: weight sets for the effect on the treated "
                                    "(senm's TonT).")] = False,
    gamma: Annotated[list[float] | None, typer.Option(
        help="Gamma values (repeat the option); default 1, 1.5, ..., 5.")] = None,
    alpha: Annotated[float, typer.Option(
        help="Significance level for Gamma* and the sensitivity intervals.")] = 0.05,
    alternative: Annotated[AlternativeChoice, typer.Option()] = AlternativeChoice.greater,
    zero_method: Annotated[ZeroMethodChoice, typer.Option(
        help="pratt: rank zero differences, then score them 0; drop: remove them.")
    ] = ZeroMethodChoice.pratt,
    method: Annotated[NullMethodChoice, typer.Option(
        help="normal approximation (no continuity correction) or exact.")
    ] = NullMethodChoice.normal,
    as_json: JsonOpt = False,
) -> None:
    """Rosenbaum bounds for matched-pair differences: Wilcoxon signed-rank p-value bounds,
    Hodges-Lehmann estimate ranges and sensitivity intervals over a Gamma grid, and the Gamma
    at which significance is lost.

    Example: causal rosenbaum pairs.csv --column difference --gamma 1 --gamma 2 --gamma 3
    """
    from causal.errors import NoSolutionError
    from causal.sensitivity.rosenbaum_bounds.hodges_lehmann import hodges_lehmann_bounds
    from causal.sensitivity.rosenbaum_bounds.wilcoxon import gamma_star, rosenbaum_wilcoxon

    long_format = [outcome, treatment, matched_set]
    if controls or any(v is not None for v in long_format):
        if controls and (treated is None or column is not None or control is not None
                         or any(v is not None for v in long_format)):
            fail("with --controls give --treated (and neither --column nor --control).")
        if not controls and (None in long_format or treated is not None or column is not None
                             or control is not None):
            fail("one row per person needs all of --outcome, --treatment and --matched-set "
                 "(and no pair or --treated options).")
        if alternative == AlternativeChoice.two_sided:
            fail("matched sets take a one-sided --alternative (greater or less); a two-sided "
                 "bound is twice the smaller of the two.")
        _rosenbaum_sets(csv, treated, parse_columns(controls), long_format, gamma, alpha,
                        {"alternative": alternative.value, "trim": trim, "inner": inner,
                         "scale_quantile": scale_quantile, "tau": tau,
                         "effect_on_treated": effect_on_treated}, as_json)
        return
    if (column is None) == (treated is None and control is None):
        fail("give either --column (differences) or both --treated and --control.")
    if column is None and (treated is None or control is None):
        fail("--treated and --control must be given together.")
    if column is not None:
        (data,) = _read_pair_columns(csv, [column])
    else:
        data = tuple(_read_pair_columns(csv, [treated, control]))  # type: ignore[list-item]
    gammas = gamma if gamma else [1.0 + 0.5 * k for k in range(9)]
    options = {"alternative": alternative.value, "zero_method": zero_method.value,
               "method": method.value}
    bounds = rosenbaum_wilcoxon(data, gammas, **options)
    estimates = hodges_lehmann_bounds(data, gammas, alpha=alpha)
    try:
        star: float | None = gamma_star(data, alpha=alpha, **options)
        star_note = f"significance at alpha = {alpha:g} is lost at Gamma = {star:.4f}"
    except NoSolutionError as error:
        star, star_note = None, str(error)
    if as_json:
        emit_json({"statistic": bounds.statistic, "n_pairs": bounds.n_pairs,
                   "alternative": bounds.alternative, "test": bounds.test,
                   "method": bounds.method, "alpha": alpha, "gamma_star": star,
                   "gamma_star_note": star_note,
                   "interval_note": "hl_ci_*: union of two-sided 1 - alpha intervals over "
                                    "biases <= Gamma; null means unbounded",
                   "bounds": [{"gamma": g, "p_lower": lo, "p_upper": up,
                               "hl_estimate_lower": el, "hl_estimate_upper": eu,
                               "hl_ci_lower": cl, "hl_ci_upper": cu}
                              for g, lo, up, el, eu, cl, cu in zip(
                                  bounds.gamma, bounds.p_lower, bounds.p_upper,
                                  estimates.estimate_lower, estimates.estimate_upper,
                                  estimates.ci_lower, estimates.ci_upper, strict=True)]})
        return
    table = bounds.to_frame().merge(estimates.to_frame(), on="gamma")
    typer.echo(f"{bounds.test}: T = {bounds.statistic:g}, {bounds.n_pairs} pairs, alternative "
               f"{bounds.alternative}, {bounds.method}")
    echo_frame(table)
    typer.echo("")
    typer.echo(star_note[0].upper() + star_note[1:] + ("" if star_note.endswith(".") else "."))


def _rosenbaum_sets(csv: Path, treated: str | None, controls: list[str], long_format: list[Any],
                    gamma: list[float] | None, alpha: float, options: dict[str, Any],
                    as_json: bool) -> None:
    import numpy as np

    from causal.errors import NoSolutionError
    from causal.sensitivity.rosenbaum_bounds.matched_sets import (
        gamma_star_sets,
        rosenbaum_sets,
        sets_from_long,
    )

    if controls:
        treated_values, *control_values = _read_pair_columns(csv, [treated, *controls])
        control_matrix = np.column_stack(control_values)
    else:
        outcome, treatment, matched_set = long_format
        y, z = _read_pair_columns(csv, [outcome, treatment])
        frame = read_csv_file(csv)
        if matched_set not in frame.columns:
            fail(f"column {matched_set!r} is not in {csv}; its columns are "
                 f"{', '.join(map(repr, frame.columns))}.")
        treated_values, control_matrix = sets_from_long(y, z, frame[matched_set])
    gammas = gamma if gamma else [1.0 + 0.5 * k for k in range(9)]
    bounds = rosenbaum_sets(treated_values, control_matrix, gammas, **options)
    try:
        star: float | None = gamma_star_sets(treated_values, control_matrix, alpha=alpha,
                                             **options)
        star_note = f"significance at alpha = {alpha:g} is lost at Gamma = {star:.4f}"
    except NoSolutionError as error:
        star, star_note = None, str(error)
    if as_json:
        emit_json({"statistic": bounds.statistic, "n_sets": bounds.n_sets,
                   "set_sizes": {str(k): v for k, v in bounds.set_sizes.items()},
                   "test": "m-statistic (senm)", "sided": "one-sided", **options,
                   "trim": "inf" if options["trim"] == float("inf") else options["trim"],
                   "scale": None if bounds.scale != bounds.scale else bounds.scale,
                   "alpha": alpha, "gamma_star": star, "gamma_star_note": star_note,
                   "bounds": bounds.to_frame().to_dict("records")})
        return
    sizes = ", ".join(f"{c} of size {s}" for s, c in bounds.set_sizes.items())
    typer.echo(f"m-statistic for matched sets: T = {bounds.statistic:.6g}, {bounds.n_sets} sets "
               f"({sizes}), one-sided alternative {bounds.alternative}, tau = {bounds.tau:g}, "
               f"trim = {bounds.trim:g}, inner = {bounds.inner:g}")
    echo_frame(bounds.to_frame())
    typer.echo("")
    typer.echo(star_note[0].upper() + star_note[1:] + ("" if star_note.endswith(".") else "."))
