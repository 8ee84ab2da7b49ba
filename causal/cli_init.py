"""``causal init``: draft a study file and a graph from a data file, or a claim-only study
from a paper's numbers. Registered on the ``causal`` app by :mod:`causal.cli`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


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
    missing: Annotated[str, typer.Option(
        help="Missing values in the declared columns: 'refuse' (the study refuses them until "
             "you choose) or 'complete_case' (drop those rows; the report states how many per "
             "arm).")] = "refuse",
    from_paper: Annotated[str | None, typer.Option(
        "--from-paper", help="Write a claim-only template NAME.toml for a published result "
                             "instead.")] = None,
) -> None:
    """Draft a study: `causal init cohort.csv --treatment T --outcome Y` or
    `causal init --from-paper NAME`.

    Writes a study file and a causal graph (every column a measured node, commented
    placeholders for unmeasured confounders), never overwriting a file, and prints the next
    command.
    """
    from causal.cli import fail
    from causal.scaffold import paper_template, scaffold_from_data, write_new

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
    drafted = scaffold_from_data(data, treatment=treatment, outcome=outcome,
                                 covariates=columns, out=out, missing=missing)
    write_new({drafted.study_path: drafted.study_text, drafted.graph_path: drafted.graph_text})
    typer.echo(f"wrote {_shown(drafted.study_path)} and {_shown(drafted.graph_path)}: "
               f"{len(drafted.covariates)} covariate(s)"
               + (f", {len(drafted.categorical)} of them categorical"
                  if drafted.categorical else ""))
    for note in drafted.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"next: add the unmeasured confounders to {_shown(drafted.graph_path)}, then "
               f"run: causal report {_shown(drafted.study_path)}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
