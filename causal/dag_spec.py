"""The ``[graph]`` table of a study file: which causal graph the study is judged against.

``file`` (required) is a graph file (DOT, dagitty or GML) relative to the study file; ``format``
(optional) overrides the format the suffix implies. The check run when a study is loaded
requires the study's treatment, outcome and covariates (:attr:`Study.covariates`) to be nodes
of the graph, none of the covariates latent, and any exposure/outcome marked in the graph to be
the study's treatment/outcome.
"""

from __future__ import annotations

from causal.dag import CausalGraph, read_graph
from causal.errors import GraphError, StudySpecError
from causal.spec import Study, register_validator, spec_error

_FORMATS = ("dot", "dagitty", "gml")


def study_graph(study: Study) -> CausalGraph | None:
    """The study's graph with the study's treatment and outcome as its roles, or None."""
    table = study.section("graph")
    if not table:
        return None
    file = table.get("file")
    if not isinstance(file, str) or not file:
        raise spec_error(study.path, "graph.file", "a path to a graph file (.dot, .dagitty or "
                         ".gml), relative to the study file", file if "file" in table else None)
    fmt = table.get("format")
    if fmt is not None and fmt not in _FORMATS:
        raise spec_error(study.path, "graph.format", "one of 'dot', 'dagitty', 'gml'", fmt)
    path = study.resolve(file)
    try:
        graph = read_graph(path, fmt)
    except GraphError as error:
        raise StudySpecError(f"{study.path}: field `graph.file` ({file}): {error}") from None
    for field_name, role, value in (("study.treatment", "exposure", study.treatment),
                                    ("study.outcome", "outcome", study.outcome)):
        if value not in graph.nodes:
            raise spec_error(study.path, field_name, f"a node of the graph {file}", value)
        marked = getattr(graph, role)
        if marked is not None and marked != value:
            raise spec_error(study.path, field_name, f"the {role} marked in {file} "
                             f"({marked!r})", value)
    where = "data.covariates" if "covariates" in study.section("data") else \
        "claim.estimates.adjusted_for"
    unknown = [c for c in study.covariates if c not in graph.nodes]
    if unknown:
        raise spec_error(study.path, where, f"nodes of the graph {file}; unknown: "
                         f"{', '.join(unknown)}", list(study.covariates))
    latent = [c for c in study.covariates if c in graph.latent]
    if latent:
        raise spec_error(study.path, where, f"measured variables, but {file} marks "
                         f"{', '.join(latent)} as latent", list(study.covariates))
    try:
        return graph.with_roles(exposure=study.treatment, outcome=study.outcome)
    except GraphError as error:
        raise StudySpecError(f"{study.path}: field `graph.file` ({file}): {error}") from None


@register_validator
def _validate(study: Study) -> None:
    study_graph(study)
