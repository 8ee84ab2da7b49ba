"""The ``[[randomised_evidence]]`` tables: randomised trials to put beside the observational
effect, each with what it measured, in whom, and how that differs (``caveat``).

Keys: ``label``, ``citation``, ``outcome``, ``population`` (strings); ``arms`` (treated and
control proportions) and ``arm_sizes``, and/or ``odds_ratio = [estimate, lower, upper]``;
``caveat`` (required when outcome or population differ from the study's). The observational
side comes from the study's reported groups (``[claim.treated]``/``[claim.control]``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.errors import CausalError, StudySpecError
from causal.study._reader import spec_error

if TYPE_CHECKING:
    from causal.study.model import Study

_KEYS = {"label", "citation", "outcome", "population", "arms", "arm_sizes", "odds_ratio",
         "caveat"}


def parse_randomised_evidence(tables: list[Any], path: Path | str) -> tuple[Any, ...]:
    """The ``[[randomised_evidence]]`` tables as :class:`causal.study.values.evidence.EvidenceEntry`."""
    from causal.measures import OddsRatio
    from causal.study.values.evidence import EvidenceEntry

    if not isinstance(tables, list):
        raise spec_error(path, "randomised_evidence", "an array of tables "
                         "([[randomised_evidence]])", tables)
    entries = []
    for i, table in enumerate(tables):
        where = f"randomised_evidence[{i}]"
        if not isinstance(table, dict):
            raise spec_error(path, where, "a table", table)
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise spec_error(path, f"{where}.{unknown[0]}",
                             f"one of the known keys ({', '.join(sorted(_KEYS))})", unknown[0])
        effect = None
        if "odds_ratio" in table:
            value = table["odds_ratio"]
            if not isinstance(value, list) or len(value) != 3:
                raise spec_error(path, f"{where}.odds_ratio", "[estimate, lower, upper]", value)
        try:
            if "odds_ratio" in table:
                effect = OddsRatio(table["odds_ratio"][0], ci=tuple(table["odds_ratio"][1:]))
            entries.append(EvidenceEntry(
                label=table.get("label"), outcome=table.get("outcome"),
                population=table.get("population"), citation=table.get("citation"),
                design="randomised",
                arms=tuple(table["arms"]) if "arms" in table else None,
                arm_sizes=tuple(table["arm_sizes"]) if "arm_sizes" in table else None,
                effect=effect, caveat=table.get("caveat", "")))
        except (CausalError, TypeError) as error:
            raise StudySpecError(f"{path}: field `{where}`: {error}") from None
    return tuple(entries)


def observational_entry(study: Study) -> Any:
    """The study's own recovery gap as an observational entry (None without both groups)."""
    from causal.study.values.evidence import EvidenceEntry

    t, c = study.claim.treated, study.claim.control
    if t is None or c is None or t.total is None or c.total is None:
        return None
    meta = study.info
    return EvidenceEntry(label="this study (observational)",
                         outcome=meta.outcome_description or study.outcome,
                         population=meta.population or "the study's sample",
                         citation=study.title, design="observational",
                         arms=(t.risk, c.risk),
                         arm_sizes=(t.total, c.total))


def randomised_evidence(study: Study) -> tuple[Any, ...]:
    """The declared entries, checked against the study's own outcome and population: an
    entry that differs in either must say how in its ``caveat``."""

    return study.randomised_evidence


def check_randomised_evidence(study: Study) -> None:
    """An entry that differs from the study in outcome or population must say how."""
    from causal.study.values.evidence import check_comparable

    observational = observational_entry(study)
    if observational is not None and study.randomised_evidence:
        try:
            check_comparable(observational, list(study.randomised_evidence))
        except CausalError as error:
            raise StudySpecError(f"{study.where}: field `randomised_evidence`: {error}") from None
