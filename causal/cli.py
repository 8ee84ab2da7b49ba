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


# --------------------------------------------------------------------------------- dag --
_SHOWN_PATHS = 12


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

    from causal.dag import read_graph
    from causal.errors import NoCausalPathWarning
    from causal.identification import check_adjustment, identify
    from causal.implications import check_implications, implied_independences

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
    implications = implied_independences(graph)
    tests = None
    if data is not None:
        import pandas as pd

        if not data.is_file():
            fail(f"`--data` must be a CSV file; {data} was not found.")
        tests = check_implications(graph, pd.read_csv(data))
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
    typer.echo(f"implied independences ({len(implications)}):")
    for imp in implications:
        typer.echo(f"  {imp}")
    if tests is not None:
        typer.echo(f"tests against {data} ({tests.method}):")
        echo_frame(tests.summary()[["quantity", "estimate", "p_value", "note"]])
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
