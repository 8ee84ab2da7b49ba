"""``[graph]``: the causal graph the study is judged against.

``file`` (required) is a graph file (DOT, dagitty or GML) relative to the study file;
``format`` (optional) overrides the format the suffix implies. The study's treatment, outcome
and covariates must be nodes of the graph, none of the covariates latent, and any
exposure/outcome marked in the graph must be the study's treatment/outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causal.errors import GraphError, StudySpecError
from causal.graph.dag import CausalGraph, read_graph
from causal.study._reader import MAX_PATH_CHARS, TableReader, spec_error

KEYS = frozenset({"file", "format"})
FORMATS = ("dot", "dagitty", "gml")
#: the largest graph file a study may name, checked before reading it
MAX_GRAPH_BYTES = 10 * 2**20


@dataclass(frozen=True)
class StudyGraph:
    """The graph as declared (``file`` as written) and as read, with the study's roles."""

    file: str
    graph: CausalGraph


def check_roles(graph: CausalGraph, *, label: str, path: Path | str, treatment: str,
                outcome: str, covariates: tuple[str, ...], covariates_field: str
                ) -> CausalGraph:
    """``graph`` with the study's treatment and outcome as its roles, after checking that the
    study's variables are nodes and its covariates measured."""
    for field_name, role, value in (("study.treatment", "exposure", treatment),
                                    ("study.outcome", "outcome", outcome)):
        if value not in graph.nodes:
            raise spec_error(path, field_name, f"a node of the graph {label}", value)
        marked = getattr(graph, role)
        if marked is not None and marked != value:
            raise spec_error(path, field_name, f"the {role} marked in {label} ({marked!r})",
                             value)
    unknown = [c for c in covariates if c not in graph.nodes]
    if unknown:
        raise spec_error(path, covariates_field, f"nodes of the graph {label}; unknown: "
                         f"{', '.join(unknown)}", list(covariates))
    latent = [c for c in covariates if c in graph.latent]
    if latent:
        raise spec_error(path, covariates_field, f"measured variables, but {label} marks "
                         f"{', '.join(latent)} as latent", list(covariates))
    try:
        return graph.with_roles(exposure=treatment, outcome=outcome)
    except GraphError as error:
        raise StudySpecError(f"{path}: field `graph.file` ({label}): {error}") from None


def parse(raw: Any, path: Path | str, *, directory: Path, treatment: str, outcome: str,
          covariates: tuple[str, ...], covariates_field: str) -> StudyGraph | None:
    if raw is None:
        return None
    reader = TableReader(raw, "graph", path, KEYS)
    file = reader.string("file", expected="a path to a graph file (.dot, .dagitty or .gml), "
                         "relative to the study file", max_chars=MAX_PATH_CHARS, nonempty=True)
    fmt = reader.choice("format", FORMATS, None)
    target = directory / file
    try:
        if target.is_file() and target.stat().st_size > MAX_GRAPH_BYTES:
            raise reader.error("file", f"a graph file of at most {MAX_GRAPH_BYTES // 2**20} MB",
                               f"{target.stat().st_size:,} bytes")
        graph = read_graph(target, fmt)
    except (GraphError, OSError, ValueError) as error:
        if isinstance(error, StudySpecError):
            raise
        reason = error if isinstance(error, GraphError) else "cannot be read"
        raise StudySpecError(f"{path}: field `graph.file` ({file}): {reason}") from None
    return StudyGraph(file, check_roles(graph, label=file, path=path, treatment=treatment,
                                        outcome=outcome, covariates=covariates,
                                        covariates_field=covariates_field))
