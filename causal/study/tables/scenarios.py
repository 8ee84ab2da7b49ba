"""``[[scenarios]]``: named hypothesised unmeasured confounders.

Each has ``name``, optional ``description``, and either the binary form (``prevalence_treated``,
``prevalence_control``, ``outcome_rr``) or the strength form (``rr_eu``, ``rr_ud``) of
:class:`~causal.study.values.scenario.ConfounderScenario`. At most one may say
``headline = true``: reports quote it in their verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causal.errors import CausalError, StudySpecError
from causal.study._reader import TableReader, spec_error
from causal.study.values.scenario import ConfounderScenario

NUMBERS = ("prevalence_treated", "prevalence_control", "outcome_rr", "rr_eu", "rr_ud")
#: basis, citation, justification: what a scenario rests on (causal.study.values.scenario_basis)
KEYS = frozenset({"name", "description", "headline", "basis", "citation", "justification",
                  *NUMBERS})


@dataclass(frozen=True)
class Scenarios:
    """The declared scenarios and the name of the one marked ``headline`` (if any)."""

    scenarios: tuple[ConfounderScenario, ...] = ()
    headline: str | None = None
    #: per scenario name, what it rests on (evidence with a citation, or a hypothesis)
    bases: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.scenarios)

    def __iter__(self):
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)


def parse(raw: Any, path: Path | str) -> Scenarios:
    if raw is None:
        return Scenarios()
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise spec_error(path, "scenarios", "an array of tables ([[scenarios]])", raw)
    from causal.study.values.scenario_basis import parse_scenario_basis

    scenarios, flagged, bases = [], [], {}
    for i, table in enumerate(raw):
        where = f"scenarios[{i}]"
        reader = TableReader(table, where, path, KEYS)
        name = reader.string("name", expected="a non-empty string", nonempty=True,
                             max_chars=200)
        if name in [s.name for s in scenarios]:
            raise reader.error("name", "unique among the scenarios", name)
        description = reader.string("description", "")
        if reader.boolean("headline", False):
            flagged.append(name)
        bases[name] = parse_scenario_basis(table, where, path)
        numbers = {key: reader.number(key) for key in NUMBERS if key in reader}
        try:
            scenarios.append(ConfounderScenario(name, description=description, **numbers))
        except CausalError as error:
            raise StudySpecError(f"{path}: field `{where}` ({name!r}): {error}") from None
    if len(flagged) > 1:
        raise spec_error(path, "scenarios.headline", "true for at most one scenario", flagged)
    return Scenarios(tuple(scenarios), flagged[0] if flagged else None, bases)
