"""What a named confounder scenario rests on: published evidence or the study file's hypothesis.

A ``[[scenarios]]`` table may say ``basis = "evidence"`` with a ``citation`` giving the
published numbers it takes its prevalences or strengths from, or ``basis = "hypothesis"``
(the default) with an optional ``justification``. A hypothesis is the study file author's, and
reports say so: it is never attributed to other people.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from causal.study._reader import spec_error

if TYPE_CHECKING:
    from causal.study.model import Study

Basis = Literal["evidence", "hypothesis"]
BASIS_KEYS = ("basis", "citation", "justification")


@dataclass(frozen=True)
class ScenarioBasis:
    """What one scenario rests on."""

    name: str
    basis: Basis = "hypothesis"
    citation: str = ""
    justification: str = ""

    def describe(self) -> str:
        if self.basis == "evidence":
            return f"evidence: {self.citation}"
        return ("hypothesis of the study file" + (f" ({self.justification})"
                                                   if self.justification else ""))


def parse_scenario_basis(table: dict[str, Any], where: str, path: Path | str) -> ScenarioBasis:
    """The basis of one ``[[scenarios]]`` table (``where`` names it in error messages)."""
    basis = table.get("basis", "hypothesis")
    if basis not in ("evidence", "hypothesis"):
        raise spec_error(path, f"{where}.basis", "'evidence' or 'hypothesis'", basis)
    citation = table.get("citation", "")
    justification = table.get("justification", "")
    for key, value in (("citation", citation), ("justification", justification)):
        if not isinstance(value, str):
            raise spec_error(path, f"{where}.{key}", "a string", value)
    if basis == "evidence" and not citation:
        raise spec_error(path, f"{where}.citation", "a citation of the published numbers when "
                         "basis = 'evidence'", None)
    return ScenarioBasis(str(table.get("name", "")), basis, citation, justification)


def scenario_bases(study: Study) -> dict[str, ScenarioBasis]:
    """Each declared scenario's basis, by scenario name."""
    return dict(study.scenarios.bases)


@dataclass(frozen=True)
class ScenarioBenchmarks:
    """Published associations of the hypothesised confounder with the outcome, if any.

    ``numeric`` says whether any of them gives a number (a prevalence, risk ratio or odds
    ratio) that a scenario could be calibrated to; ``note`` says what was searched and found.
    """

    numeric: bool
    note: str
    citations: tuple[str, ...] = ()


def parse_scenario_benchmarks(table: dict[str, Any], path: Path | str) -> ScenarioBenchmarks:
    """The ``[scenario_benchmarks]`` table: ``numeric`` (bool), ``note``, ``citations``."""
    numeric = table.get("numeric", False)
    if not isinstance(numeric, bool):
        raise spec_error(path, "scenario_benchmarks.numeric", "true or false", numeric)
    note = table.get("note", "")
    if not isinstance(note, str) or not note:
        raise spec_error(path, "scenario_benchmarks.note", "a non-empty string saying what "
                         "was searched and found", note or None)
    citations = table.get("citations", [])
    if not isinstance(citations, list) or not all(isinstance(c, str) for c in citations):
        raise spec_error(path, "scenario_benchmarks.citations", "a list of strings", citations)
    return ScenarioBenchmarks(numeric, note, tuple(citations))


def scenario_benchmarks(study: Study) -> ScenarioBenchmarks | None:
    return study.scenario_benchmarks
