"""The ``causal`` command. The only module that writes to the terminal.

Invalid input is reported as one sentence on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.errors import CausalError

app = typer.Typer(
    name="causal",
    help="Stress-test observational findings: audit published numbers, E-values, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


def fail(message: str) -> None:
    """Print one sentence to stderr and exit with status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def emit_json(data: Any) -> None:
    from causal.report.render import _jsonable

    typer.echo(json.dumps(_jsonable(data), indent=2, sort_keys=True, allow_nan=False))


def echo_frame(frame: Any) -> None:
    from causal._results import frame_to_markdown

    typer.echo(frame_to_markdown(frame))


def _load(study: Path) -> Any:
    from causal.spec import load_study

    return load_study(study)


StudyArg = Annotated[Path, typer.Argument(help="Study file (TOML), e.g. studies/thew2024.toml.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


# ------------------------------------------------------------------------------- audit --
@app.command()
def audit(study: StudyArg, as_json: JsonOpt = False) -> None:
    """Check a study's published numbers against each other."""
    from causal.claims import audit as run_audit

    result = run_audit(_load(study).claim)
    if as_json:
        emit_json({"worst": result.worst, "findings": result.to_records()})
        return
    marks = {"ok": "ok     ", "info": "note   ", "warning": "WARNING", "error": "PROBLEM"}
    for finding in result.findings:
        typer.echo(f"[{marks[finding.severity]}] {finding.check}: {finding.message}")


# ------------------------------------------------------------------------------ evalue --
class MeasureChoice(StrEnum):
    rr = "rr"
    or_ = "or"
    hr = "hr"
    rd = "rd"
    smd = "smd"


@app.command()
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
) -> None:
    """Write the refutation report (Markdown, HTML, JSON and figures) for a study."""
    from causal.report import build_report, default_out_dir, write_report

    loaded = _load(study)
    command = ["causal", "report", str(study)]
    if out is not None:
        command += ["--out", str(out)]
    if quiet:
        built = build_report(loaded, random_state=random_state, command=command)
    else:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                      console=_stderr_console()) as bar:
            task = bar.add_task("building report", total=None)
            built = build_report(loaded, random_state=random_state, command=command,
                                 progress=lambda name: bar.update(task, description=f"section: {name}"))
    target = write_report(built, out or default_out_dir(loaded))
    typer.echo(f"wrote {target}/report.html, report.md, report.json and "
               f"{len(built.figures)} figure(s)")
    for verdict in (s.verdict for s in built.sections if s.verdict):
        typer.echo(f"- {verdict}")


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


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


# -------------------------------------------------------------------------------- main --
def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``causal`` command."""
    try:
        status = app(args=argv, prog_name="causal", standalone_mode=False)
    except CausalError as error:
        typer.echo(f"error: {error}", err=True)
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
    return int(status or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())
