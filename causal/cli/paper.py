"""Commands for a user with only papers: ``extract`` (estimates from a paper's text),
``batch`` (E-values of a whole literature) and ``explore`` (an offline explorer of one
claim)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import JsonOpt
from causal.cli._scale import SchedulerOpt, WorkersOpt
from causal.cli.app import emit_json, fail, shown_path

RarityOpt = Annotated[bool | None, typer.Option(
    "--common-outcome/--rare-outcome",
    help="State whether the outcome is common (>= 15%): needed for an OR or HR in --study; "
         "in batch, applied to rows that do not declare it.")]
PAPER_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".text")


def _parse_include(values: list[str] | None) -> dict[int, str | None]:
    out: dict[int, str | None] = {}
    for value in values or []:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            number, _, measure = part.partition(":")
            if not number.isdigit() or int(number) < 1:
                fail(f"`--include` must be an item number (e.g. 3) or number:MEASURE (e.g. "
                     f"3:OR); got {part!r}.")
            out[int(number)] = measure.strip().upper() or None
    return out


def write_atomic(path: Path, text: str, *, force: bool, option: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (a failed run
    leaves nothing behind); an existing file is replaced only with ``--force``."""
    if path.is_dir():
        fail(f"`{option}` {shown_path(path)} is a folder; give a file name ending in .toml.")
    if path.exists() and not force:
        fail(f"`{option}` {shown_path(path)} exists; pass --force to replace it.")
    if not path.parent.is_dir():
        fail(f"`{option}` {shown_path(path)}: the folder {path.parent} does not exist.")
    import secrets  # (hashlib, random: not needed for --help)

    staging = path.with_name(f".{path.name}.partial-{secrets.token_hex(4)}")
    try:
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, path)
    except OSError as error:
        fail(f"`{option}` {shown_path(path)} cannot be written "
             f"({error.strerror or error}).")
    finally:
        staging.unlink(missing_ok=True)


def extract(
    paper: Annotated[Path, typer.Argument(help="The paper: a PDF (text layer), text or "
                                               "Markdown file.")],
    study: Annotated[Path | None, typer.Option(
        "--study", help="Write a claim-only study file (TOML) with one [[claims]] per "
                        "unambiguous estimate (and those confirmed with --include).")] = None,
    include: Annotated[list[str] | None, typer.Option(
        "--include", help="Confirm an ambiguous item for --study: its number, or number:MEASURE "
                          "when the text does not name the measure (repeatable, or 1,4:OR).")
    ] = None,
    common_outcome: RarityOpt = None,
    name: Annotated[str | None, typer.Option(help="The study's name in --study "
                                                  "(default: the file's stem).")] = None,
    citation: Annotated[str | None, typer.Option(help="The paper's citation for --study.")
                        ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --study file.")
                     ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Find every effect estimate (OR, RR, HR, RD, MD), its CI and p-value, and percentages
    with counts in a paper, with quote, page and span; check each for consistency.

    Example: causal extract paper.pdf --study paper.toml --common-outcome
    """
    from causal.claims import extract as run_extract
    from causal.claims import read_paper

    chosen = _parse_include(include)
    result = run_extract(read_paper(paper))
    text = None
    if study is not None:
        rare = None if common_outcome is None else not common_outcome
        text = result.study_toml(name=name or study.stem, include=chosen, citation=citation,
                                 rare_outcome=rare)
    elif chosen:
        fail("`--include` confirms items for --study; give --study FILE too.")
    if study is not None and text is not None:
        write_atomic(study, text, force=force, option="--study")
    if as_json:
        emit_json({**result.to_dict(), "study_file": None if study is None else str(study)})
        return
    typer.echo(result.render_text())
    if study is not None:
        typer.echo(f"\nwrote {study} ({len(result.selected(chosen))} claim(s)).")


def batch(
    findings: Annotated[Path, typer.Argument(
        help="A CSV of findings (columns measure, estimate; optional ci_lower, ci_upper, "
             "rare_outcome, ci_level, p_value, outcome_sd, label, source), or a folder of "
             "papers (PDF, text, Markdown) read through `causal extract`.")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write rows.csv, summary.md, summary.html, summary.json and "
                      "evalues.png to this folder (all or nothing).")] = None,
    threshold: Annotated[list[float] | None, typer.Option(
        "--threshold", help="E-value threshold for the 'share below' columns (repeatable; "
                            "default 1.25, 1.5, 2).")] = None,
    common_outcome: RarityOpt = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out folder "
                                                        "written by causal.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """E-values (point, CI, selection bias) and consistency flags for every finding, and the
    literature summary (median, IQR, share below thresholds).

    Example: causal batch findings.csv --out literature/
    """
    from causal.literature import evalue_rows, summarise
    from causal.literature.summary import DEFAULT_THRESHOLDS

    if findings.is_dir():
        frame = _papers_frame(findings, common_outcome)
    else:
        frame = _read_text_csv(findings)
        if common_outcome is not None and "rare_outcome" in frame:
            blank = frame["rare_outcome"].fillna("").astype(str).str.strip() == ""
            frame.loc[blank, "rare_outcome"] = str(not common_outcome).lower()
        elif common_outcome is not None:
            frame["rare_outcome"] = str(not common_outcome).lower()
    if out is not None:
        from causal.report.writer import check_out_dir

        check_out_dir(out, force=force)
    if scheduler is not None or workers is not None:
        from causal.cli._scale import replicate_blocks

        with replicate_blocks(scheduler, workers, quiet=True) as runner:
            rows = evalue_rows(frame, runner=runner)
    else:
        rows = evalue_rows(frame)
    thresholds = tuple(threshold) if threshold else DEFAULT_THRESHOLDS
    inputs = {"findings": str(findings), "rows": len(rows), "thresholds": list(thresholds),
              "rarity for undeclared rows": "not stated" if common_outcome is None else
              ("common (--common-outcome)" if common_outcome else "rare (--rare-outcome)"),
              "data sha256": _sha256(findings)}
    summary = summarise(rows, thresholds=thresholds, inputs=inputs)
    if out is not None:
        _write_out(out, rows, summary, force)
    if as_json:
        emit_json({**summary.to_dict(), "rows": rows.to_dict("records")})
        return
    typer.echo(summary.render_text())
    if len(rows) <= 50:
        from causal._results import frame_to_markdown

        shown = rows[["row", "label", "measure", "estimate", "ci_lower", "ci_upper",
                      "evalue_point", "evalue_ci", "selection_evalue_point", "flags",
                      "status"]]
        typer.echo("\n" + frame_to_markdown(shown, 4))
    if out is not None:
        typer.echo(f"\nwrote {out}/ (rows.csv, summary.md, summary.html, summary.json, "
                   f"evalues.png).")


def _read_text_csv(path: Path) -> Any:
    """The CSV with every cell as the text printed in it (the rounding checks need "5.10"'s
    two decimals, which a float loses)."""
    import pandas as pd

    if not path.is_file():
        fail(f"{shown_path(path)}: findings CSV not found.")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(f"{shown_path(path)}: could not be read as CSV ({reason}).")


def _papers_frame(folder: Path, common_outcome: bool | None) -> Any:
    from causal.claims import extract as run_extract
    from causal.claims import read_paper
    from causal.literature import findings_from_extractions

    papers = sorted(p for p in folder.iterdir() if p.suffix.lower() in PAPER_SUFFIXES)
    if not papers:
        fail(f"{shown_path(folder)}: no paper in the folder (expected files ending in "
             f"{', '.join(PAPER_SUFFIXES)}).")
    extractions = [run_extract(read_paper(p)) for p in papers]
    frame = findings_from_extractions(
        extractions, rare_outcome=None if common_outcome is None else not common_outcome)
    if frame.empty:
        fail(f"{shown_path(folder)}: no unambiguous OR, RR, HR or MD found in "
             f"{len(papers)} paper(s); run causal extract on each to see what was found.")
    return frame


def _sha256(path: Path) -> str:
    import hashlib

    if path.is_dir():
        digest = hashlib.sha256()
        for p in sorted(path.iterdir()):
            if p.suffix.lower() in PAPER_SUFFIXES:
                digest.update(p.name.encode() + b"\0" + p.read_bytes())
        return digest.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _csv_bytes(rows: Any) -> bytes:
    """The rows as CSV through Arrow's writer (pandas' took 1.2 s for 10^5 rows of 30
    columns; Arrow's about a tenth of that)."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    frame = rows.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("string")
    buffer = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def _write_out(out: Path, rows: Any, summary: Any, force: bool) -> None:
    from causal.plots._figure import figure_bytes, new_figure
    from causal.plots.literature import plot_literature_evalues
    from causal.report.writer import write_files

    figure, ax = new_figure()
    plot_literature_evalues(rows, thresholds=summary.thresholds, ax=ax)
    png = figure_bytes(figure)
    files = {"rows.csv": _csv_bytes(rows),
             "summary.md": summary.to_markdown("evalues.png").encode("utf-8"),
             "summary.html": summary.to_html(png).encode("utf-8"),
             "summary.json": summary.to_json().encode("utf-8"),
             "evalues.png": png}
    write_files(files, out, force=force)


def explore(
    measure: Annotated[str, typer.Argument(help="Effect measure: rr, or, hr.")],
    estimate: Annotated[float, typer.Argument(help="The published estimate.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write (one "
                                                    "self-contained page; works offline).")],
    ci: Annotated[tuple[float, float] | None, typer.Option(
        help="Confidence limits: --ci LOWER UPPER.")] = None,
    common_outcome: Annotated[bool | None, typer.Option(
        "--common-outcome/--rare-outcome",
        help="For or/hr: is the outcome common (>= 15%)? Must be stated.")] = None,
    label: Annotated[str, typer.Option(help="What the estimate is, for the page's title.")
                     ] = "published estimate",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write an offline explorer page for one claim: sliders for an unmeasured confounder
    (bounding factor or prevalences) and selection, with the bias-adjusted estimate and CI.

    Example: causal explore or 2.54 --ci 1.32 4.89 --common-outcome --out thew.html
    """
    from causal.cli._options import ratio_measure
    from causal.report.explorer import page, payload
    from causal.sensitivity import e_value

    kind = measure.strip().lower()
    if kind not in ("rr", "or", "hr"):
        fail(f"`measure` must be rr, or or hr (the explorer works on the risk-ratio scale); "
             f"got {measure!r}.")
    if out.suffix.lower() not in (".html", ".htm"):
        fail(f"`--out` {shown_path(out)} must be an .html file.")
    target = ratio_measure(kind, estimate, ci, None, common_outcome)
    result = e_value(target)
    shown = f"{kind.upper()} {estimate:g}" + (f" (95% CI {ci[0]:g}–{ci[1]:g})" if ci else "")
    data = payload(result, label=label, measure_text=shown)
    write_atomic(out, page(data, title=f"{label}, {shown}"), force=force, option="--out")
    typer.echo(f"wrote {out}: open it in a browser (no server needed).")
