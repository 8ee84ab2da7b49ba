"""The ``[[scenarios]]`` tables of a study file: named hypothesised unmeasured confounders.

Each table has ``name`` (string), optional ``description``, and either the binary form
(``prevalence_treated``, ``prevalence_control``, ``outcome_rr``) or the strength form
(``rr_eu``, ``rr_ud``) of :class:`~causal.sensitivity.scenario.ConfounderScenario`. At most
one scenario may say ``headline = true``: reports quote it in their one-line verdict.
"""

from __future__ import annotations

from typing import Any

from causal.errors import CausalError, StudySpecError
from causal.sensitivity.scenario import ConfounderScenario
from causal.spec import Study, register_validator, spec_error

_NUMBERS = ("prevalence_treated", "prevalence_control", "outcome_rr", "rr_eu", "rr_ud")
# basis, citation, justification: read by causal.sensitivity.scenario_basis
_KNOWN = {"name", "description", "headline", "basis", "citation", "justification", *_NUMBERS}


def study_scenarios(study: Study) -> list[ConfounderScenario]:
    """The study's declared scenarios, checked (empty if it declares none)."""
    raw: Any = study.raw.get("scenarios", [])
    if not isinstance(raw, list):
        raise spec_error(study.path, "scenarios", "an array of tables ([[scenarios]])", raw)
    scenarios = []
    names: set[str] = set()
    for i, table in enumerate(raw):
        where = f"scenarios[{i}]"
        if not isinstance(table, dict):
            raise spec_error(study.path, where, "a table", table)
        unknown = sorted(set(table) - _KNOWN)
        if unknown:
            raise spec_error(study.path, f"{where}.{unknown[0]}",
                             f"one of the known keys ({', '.join(sorted(_KNOWN))})", unknown[0])
        name = table.get("name")
        if not isinstance(name, str) or not name:
            raise spec_error(study.path, f"{where}.name", "a non-empty string", name)
        if name in names:
            raise spec_error(study.path, f"{where}.name", "unique among the scenarios", name)
        names.add(name)
        description = table.get("description", "")
        if not isinstance(description, str):
            raise spec_error(study.path, f"{where}.description", "a string", description)
        if not isinstance(table.get("headline", False), bool):
            raise spec_error(study.path, f"{where}.headline", "true or false",
                             table["headline"])
        numbers: dict[str, float] = {}
        for key in _NUMBERS:
            if key in table:
                value = table[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise spec_error(study.path, f"{where}.{key}", "a number", value)
                numbers[key] = float(value)
        try:
            scenarios.append(ConfounderScenario(name, description=description, **numbers))
        except CausalError as error:
            raise StudySpecError(f"{study.path}: field `{where}` ({name!r}): {error}") from None
    flagged = [t.get("name") for t in raw if t.get("headline", False)]
    if len(flagged) > 1:
        raise spec_error(study.path, "scenarios.headline", "true for at most one scenario",
                         flagged)
    return scenarios


def headline_scenario(study: Study) -> str | None:
    """Name of the scenario marked ``headline = true`` (None if none is)."""
    study_scenarios(study)
    return next((t["name"] for t in study.raw.get("scenarios", []) if t.get("headline")), None)


@register_validator
def _validate(study: Study) -> None:
    study_scenarios(study)
