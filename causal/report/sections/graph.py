"""The study's causal graph: is the published adjustment set valid under it, and what is left open?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from causal.graph.dag import CausalGraph
from causal.graph.identification import AdjustmentCheck, Identification, check_adjustment, identify
from causal.graph.implications import implied_independences
from causal.plots._figure import figure_bytes
from causal.plots.dag import dag_figure
from causal.report.model import (
    BulletList,
    Callout,
    Figure,
    Paragraph,
    Section,
    Table,
)

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def _names(nodes: tuple[str, ...] | list[str], graph: CausalGraph, labels: bool = True) -> str:
    labelled = [f"{graph.label(n).lower()} ({n})" if labels and graph.label(n) != n else n
                for n in nodes]
    return labelled[0] if len(labelled) == 1 else ", ".join(labelled[:-1]) + " and " + labelled[-1]


def _collider_partners(check: AdjustmentCheck, node: str) -> list[str]:
    """The other causes of ``node`` on the paths that adjusting for it opens."""
    return list(dict.fromkeys(
        p.nodes[p.nodes.index(node) + 1] for p in check.open_paths
        if node in p.opened_colliders and node in p.nodes))


def descendant_sentence(check: AdjustmentCheck, graph: CausalGraph) -> list[str]:
    """Plain-language sentences on each adjusted descendant of the exposure."""
    out = []
    x = graph.label(check.exposure).lower()
    for d in check.descendants:
        parts = []
        if d.kind == "mediator":
            parts.append(f"it lies on a causal path from {x} to the outcome, so adjusting for "
                         f"it removes the part of the effect that runs through it")
        elif d.kind == "descendant of a mediator":
            parts.append("it is downstream of the exposure through a mediator")
        if d.collider:
            partners = _collider_partners(check, d.node)
            with_ = f" with {_names(partners, graph)}" if partners else ""
            parts.append(f"it is a collider{with_}: adjusting for it opens a non-causal path "
                         f"between {x} and the outcome")
        if parts:
            out.append(f"{graph.label(d.node)} ({d.node}) is affected by {x}; "
                       + "; and ".join(parts) + ". Adjusting for it can itself bias the "
                       "estimate.")
    return out


def verdict(graph: CausalGraph, ident: Identification, check: AdjustmentCheck | None) -> str:
    """The section's one-line verdict, from the graph alone."""
    source = graph.name
    if check is None:
        head = f"Under the study file's graph {source}, no adjustment set was published to judge"
    elif check.valid:
        return (f"Under the study file's graph {source}, the published adjustment set is valid: it blocks "
                f"every back-door path and adjusts for no descendant of the exposure.")
    else:
        problems = []
        for d in check.harmful_descendants:
            roles = ["a mediator"] if d.kind == "mediator" else []
            if d.collider:
                partners = _collider_partners(check, d.node)
                unmeasured = "unmeasured " if partners and all(
                    n in graph.latent for n in partners) else ""
                roles.append(f"a collider with {unmeasured}{_names(partners, graph, False)}"
                             if partners else "a collider")
            problems.append(f"it adjusts for {_names([d.node], graph, False)}, which the exposure "
                            f"affects ({' and '.join(roles) or 'a descendant of a mediator'})")
        if check.open_latent:
            problems.append(f"paths stay open through unmeasured "
                            f"{_names(list(check.open_latent), graph, False)}")
        elif check.open_paths:
            problems.append(f"{len(check.open_paths)} non-causal path(s) stay open")
        head = (f"Under the study file's graph {source}, the published adjustment set is not valid: "
                + "; ".join(problems))
    tail = ("; no set of measured variables identifies the effect" if not ident.identifiable
            else f"; a valid set exists, e.g. {{{', '.join(ident.minimal_sets[0])}}}")
    return head + tail + "."


def build(analysis: Analysis) -> Section | None:
    if getattr(analysis.study, "randomised", False):
        line = ("The study declares the treatment randomised ([design] randomised = true): by "
                "design no back-door path enters the treatment, so no adjustment set needs "
                "identifying from a graph; the crude contrast is the design-based estimate and "
                "covariates are adjusted for precision only.")
        return Section("graph", "What adjustment can and cannot fix (causal graph)",
                       (Callout(line, "info"),), {"randomised": True}, verdict=line)
    if analysis.study.graph is None:
        return None
    graph, file = analysis.study.graph.graph, analysis.study.graph.file
    ident = identify(graph)
    covariates = analysis.study.covariates
    check = check_adjustment(graph, covariates) if covariates else None
    # when no set is valid, show what stays open even after adjusting for everything usable
    residual = check_adjustment(graph, ident.candidate) if not ident.identifiable else None
    figure = dag_figure(graph, adjustment=covariates,
                        highlight_edges=check.path_edges() if check else ())
    blocks: list = [Paragraph(
        f"The causal assumptions are the study file's, drawn in {file} ("
        + ("its reading of the source, not a graph the authors published"
           if analysis.study.has_claim else "the analyst's assumptions, not estimated from "
           "the data") + f"): {len(graph.nodes)} variables, "
        f"{len(graph.edges)} arrows, with exposure {graph.exposure} and outcome "
        f"{graph.outcome}. Unmeasured: "
        f"{_names(list(graph.latent_in_order), graph) if graph.latent else 'none'}. "
        f"Judged with the adjustment criterion (Shpitser, VanderWeele & Robins 2010), which "
        f"is complete for covariate adjustment in a DAG.")]
    line = verdict(graph, ident, check)
    if not analysis.study.claims:
        line = line.replace("the published adjustment set", "the study's adjustment set")
    severity = "info" if check is None else "ok" if check.valid else "error"
    blocks.append(Callout(line, severity))
    if check is not None and not check.valid:
        blocks.append(Paragraph("Why the published set fails, as the study file lists it ("
                                + ", ".join(covariates) + "; the study file's reading of the "
                                "covariates the source names):"))
        items = descendant_sentence(check, graph)
        items += [f"Open {p.kind} path: {p}" + (f" (through unmeasured {', '.join(p.latent)})"
                                                  if p.latent else "")
                  + (f"; opened by adjusting for {', '.join(p.opened_colliders)}"
                     if p.opened_colliders else "") for p in check.open_paths]
        blocks.append(BulletList(tuple(items)))
    if ident.identifiable:
        blocks.append(Paragraph("Minimal valid adjustment sets among measured variables: "
                                + "; ".join("{" + ", ".join(s) + "}" for s in ident.minimal_sets)
                                + "."))
    else:
        assert residual is not None
        blocks.append(Paragraph(
            "No set of measured variables is a valid adjustment set under this graph: even "
            "adjusting for every measured cause that is not affected by the exposure ("
            + ", ".join(ident.candidate) + ") leaves "
            + f"{len(residual.open_paths)} back-door path(s) open through unmeasured "
            + _names(list(residual.open_latent), graph) + ". Adjusting for measured "
            "covariates cannot remove this bias. Sensitivity analysis (below) says how strong "
            "it would have to be; removing it needs other evidence or another design "
            "(measuring the confounders, negative controls, an instrument, a randomised "
            "comparison)."))
    blocks.append(Figure("causal_graph", f"The causal graph {file}. Dashed: unmeasured (latent) "
                         "variables and their arrows. Green, double border: the published "
                         "adjustment set. Red arrows: on a non-causal path left open by it.",
                         figure_bytes(figure), figure_bytes(figure, "svg"),
                         alt=f"causal graph of {analysis.study.name}"))
    implications = implied_independences(graph)
    if implications:
        blocks.append(Paragraph(
            "Testable implications: the graph implies these conditional independences among "
            "measured variables. With individual-level data each can be tested "
            "(causal.graph.implications.check_implications); here there are no data, so they are "
            "listed, untested."))
        blocks.append(Table(pd.DataFrame({"implied independence": [str(i) for i in
                                                                     implications]})))
    data = {
        "graph_file": file,
        "exposure": graph.exposure, "outcome": graph.outcome,
        "latent": list(graph.latent_in_order),
        "identifiable": ident.identifiable,
        "minimal_adjustment_sets": [list(s) for s in ident.minimal_sets],
        "published_adjustment_set": list(covariates),
        "published_set_valid": None if check is None else check.valid,
        "adjusted_descendants": [] if check is None else [
            {"node": d.node, "kind": d.kind, "forbidden": d.forbidden, "collider": d.collider}
            for d in check.descendants],
        "open_paths": [] if check is None else [
            {"path": str(p), "kind": p.kind, "latent": list(p.latent),
             "opened_colliders": list(p.opened_colliders)} for p in check.open_paths],
        "implied_independences": [str(i) for i in implications],
    }
    return Section("graph", "What adjustment can and cannot fix (causal graph)", tuple(blocks),
                   data, verdict=line)
