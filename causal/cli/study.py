"""Commands on a whole study: ``report``, ``sensitivity`` and ``init`` (draft a study file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import (
    JsonOpt,
    StudyArg,
)
from causal.cli._scale import SchedulerOpt, WorkersOpt, replicate_blocks
from causal.cli.app import (
    echo_frame,
    emit_json,
    fail,
    load_study_file,
    shown_path,
)


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
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 2 (after writing the report) when any analysis could not be "
                         "computed or was skipped.")] = False,
    appendix: Annotated[bool, typer.Option(
        "--appendix", help="With SIMULATED data, add the teaching appendix (estimates, "
                           "refutations, individual-data sensitivity on simulated cohorts; "
                           "also [report] appendix = true).")] = False,
) -> None:
    """Write the refutation report (Markdown, HTML, JSON and figures) for a study.

    An analysis that cannot be computed on the data (an estimator that is not estimable, and
    every analysis that needed it) is shown in the report as not computed, with the reason;
    the report is still written and the command exits 0, listing them (``--strict``: exit 2).
    """
    import warnings

    from causal._validation import check_random_state
    from causal.analysis import analyse
    from causal.report import build_report, default_out_dir, write_report
    from causal.report.build import relative_command
    from causal.report.sections import SECTION_MODULES
    from causal.report.writer import check_out_dir

    unknown = [s for s in section or [] if s not in SECTION_MODULES]
    if unknown:
        fail(f"`--section` must be one of {', '.join(SECTION_MODULES)}; got {unknown[0]!r}.")
    check_random_state(random_state)
    loaded = load_study_file(study)
    if appendix and not loaded.appendix:
        import dataclasses

        loaded = dataclasses.replace(loaded, appendix=True)
    if section and out is None:  # a partial report gets a folder of its own
        out = Path(f"{default_out_dir(loaded)}-{'-'.join(dict.fromkeys(section))}")
    if section and not force and _holds_full_report(Path(out)):
        fail(f"`--out` {out} holds a full report; a --section report would replace it and "
             f"its figures. Choose another folder (the default for --section is "
             f"{default_out_dir(loaded)}-<section>) or pass --force.")
    destination = check_out_dir(out or default_out_dir(loaded), force=force)
    options: list[str | Path] = ["--out", out] if out is not None else []
    if random_state != 20240101:
        options += ["--random-state", str(random_state)]
    for name in section or []:
        options += ["--section", name]
    if appendix:
        options.append("--appendix")
    # --scheduler/--workers are left out: where the blocks ran does not change the report
    command = relative_command(study, *options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # a dependency compiled on first import (no byte-compiled files; DeprecationWarning
        # on Python 3.11, SyntaxWarning from 3.12) warns about its own
        # source, not about the statistics
        warnings.filterwarnings("ignore", message="invalid escape sequence")
        console = None if quiet else _stderr_console()
        if quiet:
            with replicate_blocks(scheduler, workers, quiet=True):
                analysis = analyse(loaded, random_state=random_state, sections=section or None)
                built = build_report(analysis, command=command, sections=section or None)
        elif not console.is_terminal:
            # no live bar off a terminal (a log, a pipe): one plain line per step instead, so
            # a long report never prints nothing for minutes
            def say(message: str) -> None:
                typer.echo(f"... {message}", err=True)

            with replicate_blocks(scheduler, workers, quiet=True):
                analysis = analyse(loaded, random_state=random_state,
                                   sections=section or None,
                                   progress=lambda m: say(f"analysis: {m}"))
                built = build_report(analysis, command=command,
                                     progress=lambda m: say(f"section: {m}"),
                                     sections=section or None)
        else:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn("{task.description:<34}"), BarColumn(),
                          MofNCompleteColumn(), transient=True,
                          console=console) as bar:
                task = bar.add_task("building report",
                                    total=len(section or SECTION_MODULES))
                done: list[str] = []

                def progress(name: str) -> None:
                    bar.update(task, completed=len(done), description=f"section: {name}")
                    done.append(name)

                with replicate_blocks(scheduler, workers, bar=bar):
                    analysis = analyse(loaded, random_state=random_state,
                                       sections=section or None,
                                       progress=lambda m: bar.update(
                                           task, description=f"analysis: {m}"))
                    built = build_report(analysis, command=command, progress=progress,
                                         sections=section or None)
    try:
        write_report(built, destination, force=force)
    except OSError as error:  # a full disk, a folder removed meanwhile...: nothing written
        kept = (f"{shown_path(destination)} is as it was" if os.path.lexists(destination)
                else "nothing was written")
        fail(f"`--out` {shown_path(destination)}: the report could not be written "
             f"({error.strerror or error}); {kept}.")
    target = out or default_out_dir(loaded)
    typer.echo(f"wrote {target}/report.html, report.md, report.json and "
               f"{len(built.figures)} figure(s)")
    for verdict in (s.verdict for s in built.sections if s.verdict):
        typer.echo(f"- {verdict}")
    drawing = sorted({str(w.message) for w in caught if _figure_warning(w)})
    notes = sorted({str(w.message) for w in caught if not _figure_warning(w)})
    if notes:
        typer.echo(f"{len(notes)} statistical warning(s) while building (shown in the report):",
                   err=True)
        for note in notes:
            typer.echo(f"  warning: {note}", err=True)
    if drawing:
        typer.echo(f"{len(drawing)} warning(s) while drawing the figures (e.g. a character of a "
                   "label that the font cannot show):", err=True)
        for note in drawing:
            typer.echo(f"  warning: {note}", err=True)
    failures = analysis.failures
    if failures:
        typer.echo(f"{len(failures)} analysis(es) could not be computed (shown in the report):",
                   err=True)
        for failure in failures:
            typer.echo(f"  {failure.sentence()}", err=True)
        if strict:
            raise typer.Exit(2)


def _holds_full_report(folder: Path) -> bool:
    """Whether ``folder`` holds a full report (one with a verdict) of this tool."""
    import json

    try:
        document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    sections = document.get("sections") if isinstance(document, dict) else None
    return bool(sections) and isinstance(sections[0], dict) and \
        sections[0].get("key") == "verdict"


def _figure_warning(caught: Any) -> bool:
    """A warning from matplotlib (a missing glyph, a layout that does not fit), not about
    the statistics."""
    return "matplotlib" in str(getattr(caught, "filename", "")).replace("\\", "/").split(
        "/") or "Glyph" in str(caught.message)


def _stderr_console() -> Any:
    from rich.console import Console

    # The progress bar's own escape sequences go to the real stream, not through _SafeStream.
    return Console(file=getattr(sys.stderr, "raw_stream", sys.stderr))


def sensitivity(study: StudyArg, as_json: JsonOpt = False) -> None:
    """Apply the study's declared scenarios (hypothesised confounders) to its headline."""
    from causal.sensitivity.evalues.claim import claim_evalue
    from causal.sensitivity.evalues.scenario import assess_scenario, scenario_table

    loaded = load_study_file(study)
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


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    relative = os.path.relpath(path.resolve(), Path.cwd())
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def init(
    data: Annotated[Path | None, typer.Argument(
        help="Data file (.csv, .parquet or .feather) with one row per person.")] = None,
    treatment: Annotated[str | None, typer.Option(
        help="Treatment column (0/1, 1 = treated).")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome column.")] = None,
    covariates: Annotated[str | None, typer.Option(
        help="Comma-separated covariate columns (default: every other column except "
             "identifiers).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the new files.")] = Path("."),
    cluster: Annotated[str | None, typer.Option(
        help="Column grouping rows that are not independent (a therapist or village id): "
             "written as [data] cluster, left out of the covariates; every interval is then "
             "cluster-robust.")] = None,
    missing: Annotated[str, typer.Option(
        help="Missing values in the declared columns: 'refuse' (the study refuses them until "
             "you choose), 'complete_case' (drop those rows; the report states how many per "
             "arm) or 'multiple_imputation' (impute them 20 times; complete cases "
             "beside).")] = "refuse",
    from_paper: Annotated[str | None, typer.Option(
        "--from-paper", help="Write a claim-only template NAME.toml for a published result "
                             "instead.")] = None,
    example: Annotated[str | None, typer.Option(
        "--example", help="Copy the bundled example study NAME (and its graph) to edit "
                          "instead; see `causal examples`.")] = None,
) -> None:
    """Draft a study: `causal init cohort.csv --treatment T --outcome Y` or
    `causal init --from-paper NAME`.

    Writes a study file and a causal graph (every column a measured node, commented
    placeholders for unmeasured confounders), never overwriting a file, and prints the next
    command.
    """
    from causal.study.scaffold import paper_template, scaffold_from_data, write_new

    if example is not None:
        if data is not None or treatment or outcome or covariates or missing != "refuse" \
                or from_paper is not None:
            fail("`--example` copies a bundled study as it is; give no data file, "
                 "--treatment, --outcome, --covariates, --missing or --from-paper with it.")
        files = _example_files(example, out)
        write_new(files)
        typer.echo(f"wrote {' and '.join(_shown(p) for p in files)}")
        typer.echo(f"next: causal report {_shown(next(iter(files)))}")
        return
    if from_paper is not None:
        if data is not None or treatment or outcome or covariates or missing != "refuse":
            fail("`--from-paper` drafts a claim-only study; give no data file, --treatment, "
                 "--outcome, --covariates or --missing with it.")
        path = out / f"{from_paper}.toml"
        write_new({path: paper_template(from_paper)})
        typer.echo(f"wrote {_shown(path)} (EXAMPLE numbers from Thew et al. 2024: replace "
                   "them with your paper's)")
        typer.echo(f"next: causal report {_shown(path)}")
        return
    if data is None:
        fail("`causal init` needs a data file (causal init cohort.csv --treatment T --outcome "
             "Y) or --from-paper NAME.")
    for name, value in (("--treatment", treatment), ("--outcome", outcome)):
        if not value:
            fail(f"`{name}` must name a column of {data}; got nothing.")
    columns = None if covariates is None else \
        [c.strip() for c in covariates.split(",") if c.strip()]
    if columns == []:
        fail(f"`--covariates` must name at least one column (comma-separated), or be left out "
             f"to use every other column; got {covariates!r}.")
    drafted = scaffold_from_data(data, treatment=treatment, outcome=outcome,
                                 covariates=columns, out=out, missing=missing,
                                 cluster=cluster)
    write_new({drafted.study_path: drafted.study_text, drafted.graph_path: drafted.graph_text})
    typer.echo(f"wrote {_shown(drafted.study_path)} and {_shown(drafted.graph_path)}: "
               f"{len(drafted.covariates)} covariate(s)"
               + (f", {len(drafted.categorical)} of them categorical"
                  if drafted.categorical else ""))
    for note in drafted.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"next: add the unmeasured confounders to {_shown(drafted.graph_path)}, then "
               f"run: causal report {_shown(drafted.study_path)}")


def _example_files(name: str, out: Path) -> dict[Path, str]:
    """The bundled study ``name`` and its graph as new files in ``out``: the graph is put
    beside the study and ``[graph] file`` rewritten to point at it."""
    import re
    import tomllib

    from causal.examples import example_study

    study = example_study(name)
    text = study.read_text(encoding="utf-8")
    files: dict[Path, str] = {out / study.name: text}
    graph = tomllib.loads(text).get("graph", {}).get("file")
    if graph:
        source = (study.parent / graph).resolve()
        files[out / study.name] = re.sub(
            r'^(file\s*=\s*)"' + re.escape(graph) + '"', rf'\1"{source.name}"', text,
            count=1, flags=re.M)
        files[out / source.name] = source.read_text(encoding="utf-8")
    return files


def examples(
    copy: Annotated[Path | None, typer.Option(
        "--copy", help="Copy studies/, dags/ and notebooks/ into this folder (their relative "
                       "paths keep working there).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the bundled examples (studies, graphs, notebooks), or copy them with --copy DIR.

    A study's bare name works wherever a study file does: `causal report thew2024`."""
    from causal.examples import copy_examples, examples_root, list_examples

    if copy is not None:
        written = copy_examples(copy)
        typer.echo(f"copied {len(written)} file(s) into {_shown(copy)}: studies/, dags/, "
                   "notebooks/")
        typer.echo(f"next: causal report {_shown(copy / 'studies' / 'thew2024.toml')}")
        return
    found = list_examples()
    if as_json:
        emit_json({"root": str(examples_root()),
                   "examples": [{"kind": e.kind, "name": e.name, "path": str(e.path),
                                 "title": e.title} for e in found]})
        return
    typer.echo(f"bundled examples in {examples_root()}")
    for kind, heading in (("study", "studies (causal report NAME, causal init --example NAME)"),
                          ("graph", "graphs (causal dag PATH)"),
                          ("notebook", "notebooks (causal examples --copy DIR, then open "
                                       "DIR/notebooks/)")):
        typer.echo("")
        typer.echo(f"{heading}:")
        for e in (e for e in found if e.kind == kind):
            label = f"  {e.name:<40}" if e.title else f"  {e.name}"
            typer.echo(f"{label}{e.title}".rstrip())
