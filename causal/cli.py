"""The ``causal`` command. The only module that writes to the terminal.

Invalid input is reported as one sentence on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli_scale import SchedulerOpt, WorkersOpt
from causal.errors import CausalError, CausalWarning

app = typer.Typer(
    rich_markup_mode=None,
    name="causal",
    help="Stress-test observational findings: audit published numbers, E-values, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
# Commands whose arguments are numbers: "-2.54" is a (negative) value, not an unknown option.
NEGATIVE_NUMBERS = {"ignore_unknown_options": True}


def fail(message: str) -> None:
    """Print one sentence to stderr and exit with status 2."""
    from causal._text import terminal_safe

    typer.echo(f"error: {terminal_safe(message)}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


class _SafeStream(io.TextIOBase):
    """A text stream that shows control characters as escapes (see causal._text): labels,
    node names and notes from a user's files never drive the terminal."""

    def __init__(self, raw: Any) -> None:
        self.raw_stream = raw

    def write(self, text: str) -> int:
        from causal._text import terminal_safe

        self.raw_stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.raw_stream.flush()

    def isatty(self) -> bool:
        return self.raw_stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw_stream, "encoding", None) or "utf-8"


def emit_json(data: Any) -> None:
    from causal.report.render import _jsonable

    typer.echo(json.dumps(_jsonable(data), indent=2, sort_keys=True, allow_nan=False))


def echo_frame(frame: Any) -> None:
    from causal._results import frame_to_markdown

    typer.echo(frame_to_markdown(frame))


def _load(study: Path) -> Any:
    import stat

    from causal.study.load import load_study

    try:
        mode = os.stat(study).st_mode
    except FileNotFoundError:
        mode = None  # the loader says "not found"
    except (OSError, ValueError) as error:
        fail(f"{shown_path(study)}: cannot be opened as a study file "
             f"({getattr(error, 'strerror', None) or error}).")
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        fail(f"{study}: expected a study file (TOML), got a device, pipe or socket.")

    return load_study(study)


def shown_path(path: Any, limit: int = 80) -> str:
    """A path for a message: long ones shortened, NUL bytes visible."""
    text = repr(str(path))[1:-1] if "\x00" in str(path) else str(path)
    return text if len(text) <= limit else f"{text[:limit - 20]}...{text[-17:]}"


def check_figure_path(png: Path | None, option: str = "--png") -> None:
    """Fail before any work if a figure cannot be written to ``png``."""
    if png is None:
        return
    try:
        _check_figure_path(png, option)
    except (OSError, ValueError) as error:
        fail(f"`{option}` {shown_path(png)} cannot be used "
             f"({getattr(error, 'strerror', None) or error}).")


def _check_figure_path(png: Path, option: str) -> None:
    if png.is_dir():
        fail(f"`{option}` {png} is a folder; give a file name ending in .png or .svg.")
    folder = png.parent
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "does not exist"
        fail(f"`{option}` {png}: the folder {folder} {what}; create the folder first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"`{option}` {png}: the folder {folder} is not writable.")


StudyArg = Annotated[Path, typer.Argument(help="Study file (TOML), e.g. studies/thew2024.toml.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


# ------------------------------------------------------------------------------- audit --
@app.command()
def audit(study: StudyArg, as_json: JsonOpt = False) -> None:
    """Check a study's published numbers against each other."""
    from causal.claims import audit as run_audit

    loaded = _load(study)
    claims = loaded.claims or (loaded.claim,)
    results = [(claim.label, run_audit(claim)) for claim in claims]
    if as_json:
        records = [{**record, **({"claim": label} if len(claims) > 1 else {})}
                   for label, result in results for record in result.to_records()]
        worst = max((r.worst for _, r in results), key=("ok", "info", "warning",
                                                         "error").index)
        emit_json({"worst": worst, "findings": records})
        return
    marks = {"ok": "ok     ", "info": "note   ", "warning": "WARNING", "error": "PROBLEM"}
    for label, result in results:
        prefix = f"{label}: " if len(claims) > 1 else ""
        for finding in result.findings:
            typer.echo(f"[{marks[finding.severity]}] {prefix}{finding.check}: {finding.message}")
    if not any(result.findings for _, result in results):
        typer.echo("Nothing to check: the study prints no estimate with a CI and no counts "
                   "(percentages without group sizes cannot be checked against each other).")


# ------------------------------------------------------------------------------ evalue --
class MeasureChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"
    rd = "rd"
    smd = "smd"


@app.command(context_settings=NEGATIVE_NUMBERS)
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
    as_json: JsonOpt = False,
) -> None:
    """E-values (VanderWeele & Ding 2017) of an estimate given as numbers.

    Example: causal evalue or 2.54 --ci 1.32 4.89 --common-outcome
    """
    from causal import measures
    from causal.sensitivity.evalue import e_value

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
    if as_json:
        emit_json({"measure": kind, "evalue_point": result.point, "evalue_ci": result.ci,
                   "ci_limit_used": result.ci_limit_used, "rr_point": result.rr_point,
                   "rr_ci": result.rr_ci, "conversion": result.conversion, "true": result.true,
                   "notes": list(result.notes)})
        return
    echo_frame(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]])
    typer.echo("")
    typer.echo(result.sentence())


# ------------------------------------------------------------------------------ report --
@app.command()
def report(
    study: StudyArg,
    out: Annotated[Path | None, typer.Option(
        help="Output folder (default: reports/<study name>).")] = None,
    random_state: Annotated[int, typer.Option(help="Seed for every random procedure.")] = 20240101,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress output.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into an --out folder that holds other files (only an earlier "
                        "report's own files are replaced).")] = False,
    section: Annotated[list[str] | None, typer.Option(
        "--section", help="Only this section (repeatable), e.g. selection_bias, multi_bias, "
        "time_ordering, target_trial, randomised, probabilistic_bias; no verdict.")] = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Write the refutation report (Markdown, HTML, JSON and figures) for a study."""
    import warnings

    from causal._validation import check_random_state
    from causal.cli_scale import replicate_blocks
    from causal.report import build_report, default_out_dir, write_report
    from causal.report.build import relative_command
    from causal.report.sections import SECTION_MODULES
    from causal.report.writer import check_out_dir

    unknown = [s for s in section or [] if s not in SECTION_MODULES]
    if unknown:
        fail(f"`--section` must be one of {', '.join(SECTION_MODULES)}; got {unknown[0]!r}.")
    check_random_state(random_state)
    loaded = _load(study)
    destination = check_out_dir(out or default_out_dir(loaded), force=force)
    options: list[str | Path] = ["--out", out] if out is not None else []
    if random_state != 20240101:
        options += ["--random-state", str(random_state)]
    for name in section or []:
        options += ["--section", name]
    # --scheduler/--workers are left out: where the blocks ran does not change the report
    command = relative_command(study, *options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if quiet:
            with replicate_blocks(scheduler, workers, quiet=True):
                built = build_report(loaded, random_state=random_state, command=command,
                                     sections=section or None)
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn("{task.description:<34}"), BarColumn(),
                          MofNCompleteColumn(), transient=True,
                          console=_stderr_console()) as bar:
                task = bar.add_task("building report",
                                    total=len(section or SECTION_MODULES))
                done: list[str] = []

                def progress(name: str) -> None:
                    bar.update(task, completed=len(done), description=f"section: {name}")
                    done.append(name)

                with replicate_blocks(scheduler, workers, bar=bar):
                    built = build_report(loaded, random_state=random_state, command=command,
                                         progress=progress, sections=section or None)
    write_report(built, destination, force=force)
    target = out or default_out_dir(loaded)
    typer.echo(f"wrote {target}/report.html, report.md, report.json and "
               f"{len(built.figures)} figure(s)")
    for verdict in (s.verdict for s in built.sections if s.verdict):
        typer.echo(f"- {verdict}")
    notes = sorted({str(w.message) for w in caught})
    if notes:
        typer.echo(f"{len(notes)} statistical warning(s) while building (shown in the report):",
                   err=True)
        for note in notes:
            typer.echo(f"  warning: {note}", err=True)


def _stderr_console() -> Any:
    from rich.console import Console

    # The progress bar's own escape sequences go to the real stream, not through _SafeStream.
    return Console(file=getattr(sys.stderr, "raw_stream", sys.stderr))


# ------------------------------------------------------------------------ heterogeneity --
class OutcomeTypeChoice(StrEnum):
    binary = "binary"
    continuous = "continuous"


def _column_list(value: list[str] | None) -> list[str]:
    """Names from repeated and/or comma-separated options ("a,b" "c" -> [a, b, c])."""
    return [name.strip() for item in value or [] for name in item.split(",") if name.strip()]


@app.command()
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
    import pandas as pd

    from causal.estimate.heterogeneity import effect_heterogeneity

    if not data.is_file():
        fail(f"{data}: data file not found.")
    try:
        frame = pd.read_csv(data)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        fail(f"{data}: not a readable CSV file ({str(error).splitlines()[0]}).")
    result = effect_heterogeneity(
        frame, treatment=treatment, outcome=outcome, covariates=_column_list(covariates),
        modifiers=_column_list(modifier), outcome_type=outcome_type.value, alpha=alpha, cv=cv,
        random_state=random_state)
    if png is not None:
        from causal.plots.heterogeneity import plot_effect_heterogeneity
        from causal.report.figures import figure_bytes, new_figure

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


# --------------------------------------------------------------------------- rosenbaum --
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

    if not path.is_file():
        fail(f"{path}: CSV file not found.")
    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError) as error:
        fail(f"{path}: could not be read as CSV ({error}).")
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


@app.command()
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
    from causal.sensitivity.rosenbaum import gamma_star, rosenbaum_wilcoxon
    from causal.sensitivity.rosenbaum_hl import hodges_lehmann_bounds

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
        _rosenbaum_sets(csv, treated, _column_list(controls), long_format, gamma, alpha,
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
    from causal.sensitivity.rosenbaum_sets import gamma_star_sets, rosenbaum_sets, sets_from_long

    if controls:
        treated_values, *control_values = _read_pair_columns(csv, [treated, *controls])
        control_matrix = np.column_stack(control_values)
    else:
        outcome, treatment, matched_set = long_format
        y, z = _read_pair_columns(csv, [outcome, treatment])
        frame = _read_csv(csv)
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


# --------------------------------------------------------------------------------- dag --
_SHOWN_PATHS = 12


def _read_dag_data(path: Path) -> Any:
    import pandas as pd

    if not path.is_file():
        fail(f"`--data` must be a CSV file; {path} was not found.")
    try:
        return pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, OSError) as error:
        # pandas' ParserError and EmptyDataError are ValueErrors
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(f"`--data` {path} could not be read as a CSV file ({reason}).")


def _more(listed: int, truncated: bool) -> None:
    if listed > _SHOWN_PATHS or truncated:
        typer.echo(f"  ... and {'more' if truncated else listed - _SHOWN_PATHS} open "
                   f"path(s) (shortest shown; --json lists up to 50)")

@app.command()
def dag(
    file: Annotated[Path, typer.Argument(help="Graph file: .dot/.gv (Graphviz), .dagitty or "
                                              ".gml.")],
    adjust: Annotated[str | None, typer.Option(
        help="Judge this adjustment set: comma-separated node names, e.g. --adjust a,b,c "
             "(an empty string is the empty set).")] = None,
    exposure: Annotated[str | None, typer.Option(help="Exposure (overrides the file).")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome (overrides the file).")] = None,
    png: Annotated[Path | None, typer.Option(
        help="Draw the graph to this file (.png or .svg).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="CSV file: test each implied independence against it (Fisher z).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Roles, identifiability, minimal adjustment sets and implied independences of a graph.

    Example: causal dag dags/thew2024.dot --adjust age,sex,sessions --png graph.png
    """
    import warnings

    from causal._budgets import MAX_IMPLIED_INDEPENDENCES
    from causal.errors import NoCausalPathWarning
    from causal.graph.dag import read_graph
    from causal.graph.identification import check_adjustment, identify
    from causal.graph.implications import check_implications, implied_independences

    if png is not None and png.suffix.lower() not in (".png", ".svg"):
        fail(f"`--png` must end in .png or .svg; got {png.name!r}.")
    check_figure_path(png)
    graph = read_graph(file)
    if exposure or outcome:
        graph = graph.with_roles(exposure=exposure, outcome=outcome)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NoCausalPathWarning)
        ident = identify(graph)
    notes = [str(w.message) for w in caught if issubclass(w.category, NoCausalPathWarning)]
    adjustment = None if adjust is None else [a.strip() for a in adjust.split(",") if a.strip()]
    check = check_adjustment(graph, adjustment) if adjustment is not None else None
    residual = None if ident.identifiable else check_adjustment(graph, ident.candidate)
    implications = implied_independences(graph, limit=MAX_IMPLIED_INDEPENDENCES + 1)
    capped = len(implications) > MAX_IMPLIED_INDEPENDENCES
    implications = implications[:MAX_IMPLIED_INDEPENDENCES]
    cap_note = (f"the first {MAX_IMPLIED_INDEPENDENCES} in node order; the graph implies more "
                f"(capped at causal._budgets.MAX_IMPLIED_INDEPENDENCES)" if capped else None)
    tests = None
    if data is not None:
        tests = check_implications(graph, _read_dag_data(data),
                                   limit=MAX_IMPLIED_INDEPENDENCES)
    if png is not None:
        if png.suffix.lower() not in (".png", ".svg"):
            fail(f"`--png` must end in .png or .svg; got {png.name!r}.")
        from causal.plots.dag import dag_figure
        from causal.report.figures import figure_bytes

        figure = dag_figure(graph, adjustment=adjustment or (),
                            highlight_edges=check.path_edges() if check else ())
        png.write_bytes(figure_bytes(figure, png.suffix.lower()[1:]))
    if as_json:
        emit_json({
            "file": str(file), "exposure": ident.exposure, "outcome": ident.outcome,
            "latent": list(graph.latent_in_order), "observed": list(graph.observed),
            "identifiable": ident.identifiable, "causal_path": ident.causal_path,
            "minimal_adjustment_sets": [list(s) for s in ident.minimal_sets],
            "forbidden": list(ident.forbidden),
            "implied_independences": [{"first": i.first, "second": i.second,
                                       "given": list(i.given)} for i in implications],
            "implied_independences_capped": cap_note,
            "adjustment": None if check is None else {
                "set": list(check.adjustment), "valid": check.valid,
                "reasons": check.reasons(),
                "open_paths": [str(p) for p in check.open_paths]},
            "tests": None if tests is None else tests.summary().to_dict("records"),
            "notes": notes})
        return
    typer.echo(f"graph {graph.name} ({file}): {len(graph.nodes)} nodes, {len(graph.edges)} "
               f"edges")
    typer.echo(f"exposure: {ident.exposure}    outcome: {ident.outcome}")
    typer.echo(f"latent: {', '.join(graph.latent_in_order) or '(none)'}")
    for note in notes:
        typer.echo(f"warning: {note}")
    typer.echo(f"identifiable by covariate adjustment: {'yes' if ident.identifiable else 'no'}")
    if ident.identifiable:
        typer.echo("minimal adjustment sets:")
        for s in ident.minimal_sets:
            typer.echo("  {" + ", ".join(s) + "}")
    else:
        assert residual is not None
        typer.echo("  even adjusting for " + ", ".join(ident.candidate or ("nothing",))
                   + " leaves open:")
        for path in residual.open_paths[:_SHOWN_PATHS]:
            typer.echo(f"  - {path}")
        _more(len(residual.open_paths), residual.paths_truncated)
    if check is not None:
        verdict = "valid" if check.valid else "NOT valid"
        typer.echo(f"adjustment set {{{', '.join(check.adjustment)}}}: {verdict}")
        reasons = check.reasons()
        shown = len(reasons) - len(check.open_paths) + _SHOWN_PATHS
        for reason in reasons[:shown]:
            typer.echo(f"  - {reason}")
        _more(len(check.open_paths), check.paths_truncated)
    typer.echo(f"implied independences ({len(implications)}"
               + (f"; {cap_note}" if cap_note else "") + "):")
    for imp in implications:
        typer.echo(f"  {imp}")
    if tests is not None:
        typer.echo(f"tests against {data} ({tests.method}):")
        echo_frame(tests.summary()[["quantity", "estimate", "p_value", "note"]])
    if png is not None:
        typer.echo(f"wrote {png}")
# --------------------------------------------------------------------------- sensitivity --
class RatioChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"


CommonOpt = Annotated[bool, typer.Option(
    "--common-outcome/--rare-outcome",
    help="For or/hr: is the outcome common (>= 15%)? Must be stated.")]


def _ratio_measure(kind: str, estimate: float, ci: Any, se: Any, common_outcome: Any,
                   alpha: float = 0.05) -> Any:
    from causal import measures

    if kind in ("or", "hr") and common_outcome is None:
        fail(f"for {kind} state whether the outcome is common: add --common-outcome "
             "(prevalence >= 15%) or --rare-outcome.")
    common: dict[str, Any] = {"ci": ci, "std_error": se, "alpha": alpha}
    if kind == "rr":
        return measures.RiskRatio(estimate, **common)
    if kind == "or":
        return measures.OddsRatio(estimate, rare_outcome=not common_outcome, **common)
    return measures.HazardRatio(estimate, rare_outcome=not common_outcome, **common)


def _counts(values: list[float], names: tuple[str, ...]) -> list[int]:
    if len(values) != len(names):
        fail(f"expected {len(names)} counts ({' '.join(names)}); got {len(values)} value(s).")
    out = []
    for name, value in zip(names, values, strict=True):
        if not float(value).is_integer():
            fail(f"`{name}` must be a whole number; got {value:g}.")
        out.append(int(value))
    return out


def _echo_result(result: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        frame = result.summary()
        emit_json({**(extra or {}), "summary": frame.replace({float("nan"): None})
                   .to_dict("records")})
        return
    echo_frame(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "note"]])
    for note in getattr(result, "notes", ()):
        typer.echo(f"warning: {note}", err=True)


@app.command()
def sensitivity(study: StudyArg, as_json: JsonOpt = False) -> None:
    """Apply the study's declared scenarios (hypothesised confounders) to its headline."""
    from causal.sensitivity.claim_evalue import claim_evalue
    from causal.sensitivity.scenario import assess_scenario, scenario_table

    loaded = _load(study)
    scenarios = list(loaded.scenarios)
    if not scenarios:
        fail(f"{study} declares no [[scenarios]]; add at least one (see studies/thew2024.toml).")
    headline = claim_evalue(loaded.claim, rare_outcome=loaded.evalue.rare_outcome,
                            true=loaded.evalue.true)
    if headline is None or headline.measure.short_name not in ("RR", "OR", "HR"):
        fail(f"{study} has no headline ratio estimate (RR, OR or HR) to apply scenarios to.")
    measure = headline.measure
    assessments = [assess_scenario(s, measure, true=headline.true) for s in scenarios]
    if as_json:
        emit_json({"measure": measure.describe(), "conversion": headline.conversion,
                   "scenarios": [{"name": a.scenario.name, "kind": a.scenario.kind,
                                  "bias_factor": a.bias_factor, "adjusted": a.adjusted,
                                  "adjusted_ci_limit": a.adjusted_ci_limit,
                                  "ci_limit_used": a.ci_limit_used,
                                  "tips_estimate": a.tips_estimate, "tips_ci": a.tips_ci,
                                  "rr_eu": a.rr_eu, "rr_ud": a.rr_ud,
                                  "beyond_point_curve": a.beyond_point_curve,
                                  "beyond_ci_curve": a.beyond_ci_curve}
                                 for a in assessments]})
        return
    typer.echo(f"{measure.describe()}; {headline.conversion}")
    typer.echo("")
    echo_frame(scenario_table(scenarios, measure, true=headline.true))
    typer.echo("")
    for a in assessments:
        typer.echo(f"- {a.sentence()}")


class TipChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"
    coef = "coef"


@app.command(context_settings=NEGATIVE_NUMBERS)
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
    from causal.sensitivity.tipping import tip as run_tip

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
    target = _ratio_measure(measure.value, estimate, ci, None, common_outcome)
    confounder = "normal" if smd is not None else "binary"
    result = run_tip(target, prevalence_treated=p1, prevalence_control=p0,
                     outcome_rr=outcome_rr, smd=smd, confounder=confounder, true=true)
    _echo_result(result, as_json, {"solved_for": result.solved_for, "value": result.value,
                                   "ci_limit_used": result.ci_limit_used,
                                   "ci_limit_value": (None if result.ci_limit is None
                                                      or result.ci_limit.value != result.ci_limit.value
                                                      else result.ci_limit.value),
                                   "conversion": result.conversion})


def _tip_normal(measure: TipChoice, estimate: float, ci: Any, smd: float | None,
                outcome_effect: float | None, adjust: bool, common_outcome: Any, true: float,
                as_json: bool) -> None:
    from causal.measures import MeanDifference
    from causal.sensitivity.tipping_normal import adjust_coef, adjust_rr, tip_coef

    if true != 1.0:
        fail("--true is for a ratio's tipping point; coef tips to 0 and --adjust tips nothing.")
    if measure == TipChoice.coef:
        effect = MeanDifference(estimate, ci=ci)
        if not adjust:
            result: Any = tip_coef(effect, smd=smd, outcome_association=outcome_effect)
            _echo_result(result, as_json, {"solved_for": result.solved_for,
                                           "value": result.value,
                                           "ci_limit_used": result.ci_limit_used,
                                           "ci_limit_value": result.ci_limit_value})
            return
    if smd is None or outcome_effect is None:
        fail("--adjust needs both --smd and --outcome-effect.")
    if measure == TipChoice.coef:
        result = adjust_coef(effect, smd=smd, outcome_association=outcome_effect)
    else:
        result = adjust_rr(_ratio_measure(measure.value, estimate, ci, None, common_outcome),
                           smd=smd, outcome_association=outcome_effect)
    _echo_result(result, as_json, {"adjusted": result.adjusted,
                                   "adjusted_ci": result.adjusted_ci,
                                   "rr_adjusted": result.rr_adjusted,
                                   "conversion": result.conversion})


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


def _read_csv(path: Path) -> Any:
    import pandas as pd

    if not path.is_file():
        fail(f"{path}: CSV file not found.")
    try:
        return pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        fail(f"{path}: could not be read as CSV ({str(error).splitlines()[0]}).")


@app.command(context_settings=NEGATIVE_NUMBERS)
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
    from causal.sensitivity.ovb import ovb_bounds, partial_r2, robustness_value

    if data is not None:
        if estimate is not None or r2dxj_x is not None or r2yxj_dx is not None:
            fail("with --data give no estimate, se, dof or --benchmark-r2d/--benchmark-r2y; "
                 "they are computed from the data.")
        if treatment is None or outcome is None:
            fail("with --data give --treatment and --outcome.")
        from causal.sensitivity.ovb_data import ovb_sensitivity

        fit = ovb_sensitivity(_read_csv(data), treatment=treatment, outcome=outcome,
                              covariates=_column_list(covariates),
                              categorical=_column_list(categorical),
                              benchmarks=_benchmark_option(benchmark or []),
                              kd=kd or [1, 2, 3], q=q, alpha=alpha)
        _echo_result(fit, as_json, {"rv_q": fit.rv_q, "rv_qa": fit.rv_qa,
                                    "partial_r2": fit.partial_r2, "dof": fit.dof,
                                    "benchmarks": [{"name": b.name, "columns": b.columns,
                                                    "r2dxj_x": b.r2dxj_x,
                                                    "r2yxj_dx": b.r2yxj_dx}
                                                   for b in fit.benchmarks]})
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
        _echo_result(result, as_json, {"rv_q": result.rv_q, "rv_qa": result.rv_qa,
                                       "partial_r2": result.partial_r2,
                                       "heuristic": log_odds_ratio})
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


@app.command()
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
    _echo_result(result, as_json, extra)


def _rir_result(values: list[float], *, table: bool, ci: bool, level: float,
                ci_df: float | None, logistic: bool, n_treated: int | None, replace: Any,
                alpha: float, tails: Any, rounding: Any, **itcv: float | None
                ) -> tuple[Any, dict[str, Any]]:
    from causal.measures import TwoByTwo
    from causal.sensitivity import replacement as linear

    if table:
        from causal.sensitivity.replacement_table import rir_table

        counts = _counts(values, ("treated_events", "treated_total", "control_events",
                                  "control_total"))
        result: Any = rir_table(TwoByTwo(*counts), alpha=alpha, replace=replace)
        return result, {"fragility": result.fragility, "rir": result.rir,
                        "invalidate": result.invalidate}
    first = "lower upper" if ci else "estimate se"
    if len(values) != 4:
        fail(f"expected 4 values ({first} n_obs n_covariates); got {len(values)}.")
    n_obs, n_cov = _counts(values[2:], ("n_obs", "n_covariates"))
    if logistic:
        from causal.sensitivity.replacement_logistic import rir_logistic

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


def _parse_prior(text: str, name: str) -> Any:
    from causal.sensitivity.priors import Prior

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


@app.command("bias-analysis")
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
    from causal.sensitivity.bias_analysis import adjust_for_confounder
    from causal.sensitivity.probabilistic import probabilistic_bias_analysis

    cells = TwoByTwo(*_counts(counts, ("treated_events", "treated_total", "control_events",
                                       "control_total")))
    parsed = {name: _parse_prior(text, name) for name, text in
              (("p1", p1), ("p0", p0), ("effect", effect))}
    if all(isinstance(v, float) for v in parsed.values()):
        result: Any = adjust_for_confounder(cells, prevalence_treated=parsed["p1"],
                                            prevalence_control=parsed["p0"],
                                            effect=parsed["effect"], measure=measure.upper())  # type: ignore[arg-type]
        _echo_result(result, as_json, {"adjusted_mh": result.adjusted_mh,
                                       "adjusted_smr": result.adjusted_smr,
                                       "bias_factor": result.bias_factor})
        return
    if measure.upper() != "RR":
        fail("probabilistic bias analysis works on the risk-ratio scale; use --measure RR.")
    from causal.cli_scale import replicate_blocks

    with replicate_blocks(scheduler, workers):
        result = probabilistic_bias_analysis(cells, prevalence_treated=parsed["p1"],
                                             prevalence_control=parsed["p0"],
                                             outcome_rr=parsed["effect"], n_draws=draws,
                                             random_state=random_state)
    median, lower, upper = result.interval("systematic")
    t_median, t_lower, t_upper = result.interval("total")
    _echo_result(result, as_json, {"systematic": [median, lower, upper],
                                   "total": [t_median, t_lower, t_upper],
                                   "share_tipped": result.share_tipped,
                                   "random_state": random_state})


@app.command("explain-away")
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

    from causal.sensitivity.explain_away import explain_away
    from causal.study.tables.explain_away import ExplainAwayOptions

    check_figure_path(png)
    loaded = _load(study)
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
    from causal.cli_scale import replicate_blocks

    with replicate_blocks(scheduler, workers):
        result = explain_away(loaded, random_state=random_state, **options)
    if png is not None:
        from causal.plots.explain_away import plot_explain_away
        from causal.report.figures import figure_bytes, new_figure

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
# ------------------------------------------------------------------------------ refute --
class RefuteEstimatorChoice(StrEnum):
    auto = "auto"
    linear_regression = "linear_regression"
    logistic_regression = "logistic_regression"
    ipw = "ipw"
    aipw = "aipw"
    g_computation = "g_computation"
    regression = "regression"
    matching = "matching"


@app.command()
def refute(
    study: StudyArg,
    world: Annotated[str | None, typer.Option(
        help="For simulated data: the [[worlds]] name (default: the first).")] = None,
    estimator: Annotated[RefuteEstimatorChoice, typer.Option(
        help="auto: logistic regression (conditional OR) for a 0/1 outcome, else linear "
             "regression; ipw, aipw, g_computation, regression, matching: that estimator as "
             "`causal estimate` runs it, refitted in every simulation.",
        case_sensitive=False)] = RefuteEstimatorChoice.auto,
    simulations: Annotated[int, typer.Option(help="Simulations per refuter.")] = 100,
    random_state: Annotated[int, typer.Option(help="Seed (cohort and refuters).")] = 20240101,
    as_json: JsonOpt = False,
) -> None:
    """Run every refutation test on the study's individual-level data (real or SIMULATED).

    Example: causal refute studies/thew2024.toml --world "self-selection only"
    """
    from causal.refute.study import refute_study

    result = refute_study(_load(study), world=world, estimator=estimator.value,
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


# ------------------------------------------------------------------- dml-sensitivity --
@app.command("dml-sensitivity")
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
    from causal.sensitivity.dml_study import dml_sensitivity_study

    groups = None if not benchmark else [
        [c.strip() for c in item.split(",") if c.strip()] for item in benchmark]
    if png is not None and png.suffix.lower() != ".png":
        fail(f"`--png` must end in .png; got {png.name!r}.")
    run = dml_sensitivity_study(_load(study), world=world, benchmarks=groups, cf_y=cf_y,
                                cf_d=cf_d, rho=rho, null=null, alpha=alpha,
                                random_state=random_state)
    result = run.result
    if png is not None:
        from causal.plots.dml_bounds import dml_contour_points, plot_dml_contour
        from causal.report.figures import figure_bytes, new_figure

        figure, ax = new_figure(6.4, 5.2)
        plot_dml_contour(result.contour(), ax=ax, points=dml_contour_points(result),
                         scenario=(result.cf_d, result.cf_y))
        png.parent.mkdir(parents=True, exist_ok=True)
        png.write_bytes(figure_bytes(figure))
    if as_json:
        emit_json({"study": run.study, "world": run.world, "simulated": run.simulated,
                   "description": run.description, "data_sha256": run.data_hash,
                   "seed": run.seed, "rv": result.rv, "rva": result.rva,
                   "summary": result.summary(), "benchmarks": result.benchmark_table()})
        return
    typer.echo(("SIMULATED data: " if run.simulated else "") + run.description)
    echo_frame(result.summary()[["quantity", "estimate", "std_error", "ci_lower", "ci_upper",
                                 "note"]])
    if result.benchmarks:
        typer.echo("")
        echo_frame(result.benchmark_table())
    if png is not None:
        typer.echo(f"wrote {png}")


# ---------------------------------------------------------------------------- estimate --
@app.command()
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

    loaded = _load(study)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = estimate_study(loaded, world=world, random_state=random_state)
    notes = sorted({str(w.message) for w in caught})
    if as_json:
        emit_json({"study": result.study, "world": result.world, "simulated": result.simulated,
                   "n": result.n, "data_sha256": result.data_hash, "truth": result.truth,
                   "rows_dropped": result.dropped,
                   "estimates": result.summary().to_dict("records"), "warnings": notes})
        return
    typer.echo(result.description if not result.simulated
               else f"SIMULATED data: {result.description}")
    if result.dropped:
        typer.echo("rows dropped for missing values (complete cases): "
                   + ", ".join(f"{k} {a}" for a, k in result.dropped.items())
                   + f"; {result.n} rows used")
    if result.truth:
        typer.echo(f"truth: {result.truth}")
    echo_frame(result.summary()[["quantity", "estimate", "ci_lower", "ci_upper", "method",
                                 "note"]])
    for note in notes:
        typer.echo(f"warning: {note}", err=True)


# -------------------------------------------------------------------------------- main --
from causal.cli_bias import register as _register_bias_commands  # noqa: E402
from causal.cli_init import register as _register_init  # noqa: E402  (after the app exists)

_register_bias_commands(app)
_register_init(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``causal`` command."""
    from causal._text import terminal_safe

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    try:
        status = app(args=argv, prog_name="causal", standalone_mode=False)
    except CausalError as error:
        typer.echo(f"error: {terminal_safe(str(error))}", err=True)
        return EXIT_BAD_INPUT
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except Exception as error:
        # usage errors of the command-line parser (unknown option, bad choice...)
        if hasattr(error, "show") and hasattr(error, "exit_code"):
            error.show()
            return int(error.exit_code)
        raise
    finally:
        sys.stdout, sys.stderr = streams
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())
