"""``causal dag``: read a causal graph, identify adjustment sets, list and test its
implications."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from causal.cli._options import (
    JsonOpt,
)
from causal.cli.app import (
    check_figure_path,
    echo_frame,
    emit_json,
    fail,
    read_csv_file,
)

_SHOWN_PATHS = 12


def _read_dag_data(path: Path) -> Any:
    return read_csv_file(path, not_found="`--data` must be a CSV file; {path} was not found.",
                         unreadable="`--data` {path} could not be read as a CSV file ({reason}).")


def _more(listed: int, truncated: bool) -> None:
    if listed > _SHOWN_PATHS or truncated:
        typer.echo(f"  ... and {'more' if truncated else listed - _SHOWN_PATHS} open "
                   f"path(s) (shortest shown; --json lists up to 50)")


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
        from causal.plots._figure import figure_bytes
        from causal.plots.dag import dag_figure

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
