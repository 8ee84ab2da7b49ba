"""``[negative_controls]`` and ``[[negative_control_estimates]]``: measured residual confounding.

``[negative_controls]`` declares columns of the study's data::

    [negative_controls]
    outcomes = [{ column = "re74", why = "earnings before the programme cannot be caused by it" }]
    exposures = [{ column = "...", why = "..." }]

A negative-control outcome is one the treatment cannot affect; a negative-control exposure one
that cannot affect the outcome. ``why`` (required) is the study file's ASSUMPTION, printed by
the report as such. Each outcome is estimated with the study's own estimators, covariates and
inference; the graph, when the study has one, must not make it a descendant of the
treatment (checked by :func:`check_against_graph`).

``[[negative_control_estimates]]`` gives published control estimates instead (ratios with their
CIs, e.g. from a paper's supplement), for empirical calibration of the claim's headline::

    [[negative_control_estimates]]
    label = "ingrown toenail"
    estimate = 1.10
    ci_lower = 0.92
    ci_upper = 1.31
    true_effect = 1      # optional: the known true ratio (1: a negative control)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causal.study._reader import MAX_PATH_CHARS, TableReader, spec_error

KEYS = frozenset({"outcomes", "exposures"})
CONTROL_KEYS = frozenset({"column", "why"})
ESTIMATE_KEYS = frozenset({"label", "estimate", "ci_lower", "ci_upper", "true_effect"})


@dataclass(frozen=True)
class NegativeControl:
    """A declared negative-control column and the study file's reason to believe it is one."""

    column: str
    why: str
    role: str  # "outcome" or "exposure"


@dataclass(frozen=True)
class NegativeControls:
    outcomes: tuple[NegativeControl, ...] = ()
    exposures: tuple[NegativeControl, ...] = ()
    #: data given in Python (``Study.from_frame``): per control outcome column, the checked
    #: table with that column as the outcome; under ``"proximal"`` the table with the first
    #: exposure and outcome as extra columns (a study file reads them from its source instead)
    checked: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.column for c in (*self.outcomes, *self.exposures))


@dataclass(frozen=True)
class ControlEstimate:
    """A published control estimate (a ratio) with its CI."""

    label: str
    estimate: float
    ci_lower: float
    ci_upper: float
    true_effect: float = 1.0


def _controls(reader: TableReader, key: str, role: str) -> tuple[NegativeControl, ...]:
    value = reader.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise reader.error(key, "a list of tables such as [{ column = \"x\", why = \"...\" }]",
                           value)
    out = []
    for i, table in enumerate(value):
        item = TableReader(table, f"{reader.where}.{key}[{i}]", reader.path, CONTROL_KEYS)
        column = item.string("column", expected="the name of a column of the data",
                             max_chars=MAX_PATH_CHARS, nonempty=True)
        why = item.string("why", expected="one sentence saying why it is a negative control "
                          "(the study file's assumption)", max_chars=2000, nonempty=True)
        out.append(NegativeControl(column, why.strip(), role))
    return tuple(out)


def parse(raw: Any, path: Path | str, *, treatment: str, outcome: str,
          covariates: tuple[str, ...] = ()) -> NegativeControls | None:
    """The declared controls; a column equal to the treatment, the outcome or a covariate, or
    declared twice, is refused."""
    if raw is None:
        return None
    reader = TableReader(raw, "negative_controls", path, KEYS)
    parsed = NegativeControls(_controls(reader, "outcomes", "outcome"),
                              _controls(reader, "exposures", "exposure"))
    if not parsed.columns:
        raise reader.error("outcomes", "a non-empty list of negative-control outcomes (or "
                           "`exposures`)", [])
    seen: set[str] = set()
    for control in (*parsed.outcomes, *parsed.exposures):
        key = f"{control.role}s"
        for role, name in (("treatment", treatment), ("outcome", outcome)):
            if control.column == name:
                raise reader.error(key, f"columns other than the study's {role} "
                                   f"({name!r}): a negative control cannot be the {role} itself",
                                   control.column)
        if control.column in covariates:
            raise reader.error(key, "columns that are not among the study's covariates (a "
                               "negative control adjusted for cannot show residual confounding)",
                               control.column)
        if control.column in seen:
            raise reader.error(key, "columns declared once", control.column)
        seen.add(control.column)
    return parsed


def parse_estimates(raw: Any, path: Path | str) -> tuple[ControlEstimate, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise spec_error(path, "negative_control_estimates",
                         "an array of tables ([[negative_control_estimates]])", raw)
    out = []
    for i, table in enumerate(raw):
        reader = TableReader(table, f"negative_control_estimates[{i}]", path, ESTIMATE_KEYS)
        ratio = {"low": 0.0, "open_low": True, "expected": "a ratio > 0"}
        estimate = reader.number("estimate", **ratio)
        lower = reader.number("ci_lower", **ratio)
        upper = reader.number("ci_upper", **ratio)
        if not lower < upper:
            raise reader.error("ci_upper", f"greater than `ci_lower` ({lower:g}); a CI with "
                               "upper <= lower gives a standard error <= 0", upper)
        if not lower <= estimate <= upper:
            raise reader.error("estimate", f"inside its CI [{lower:g}, {upper:g}]", estimate)
        out.append(ControlEstimate(reader.string("label", f"control {i + 1}", max_chars=200),
                                   estimate, lower, upper,
                                   reader.number("true_effect", 1.0, **ratio)))
    return tuple(out)


def check_against_graph(controls: NegativeControls | None, graph: Any, treatment: str,
                        path: Path | str) -> None:
    """Refuse a negative-control outcome that the study's graph makes a descendant of the
    treatment (the treatment could then affect it). A control that is not a node of the graph
    is not checked (the report says so)."""
    if controls is None or graph is None:
        return
    dag = getattr(graph, "graph", graph)
    nodes = set(getattr(dag, "nodes", ()))
    if treatment not in nodes:
        return
    descendants = set(dag.descendants(treatment))
    for i, control in enumerate(controls.outcomes):
        if control.column in descendants:
            raise spec_error(path, f"negative_controls.outcomes[{i}].column",
                             f"an outcome the treatment cannot affect, but the study's graph "
                             f"has a directed path from {treatment!r} to it", control.column)
