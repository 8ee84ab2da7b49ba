"""``[study]``: the study's identity (name, title, treatment, outcome) and its description."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from causal.study._reader import MAX_PATH_CHARS, TableReader

KEYS = frozenset({"name", "title", "question", "treatment", "outcome", "treatment_description",
                  "outcome_description", "population", "design", "outcome_unit"})
#: the free-text description keys, in the order the report lists them
DESCRIPTIONS = ("population", "design", "treatment_description", "outcome_description")


@dataclass(frozen=True)
class StudyInfo:
    """The ``[study]`` table."""

    name: str
    title: str
    treatment: str
    outcome: str
    question: str = ""
    population: str = ""
    design: str = ""
    treatment_description: str = ""
    outcome_description: str = ""
    #: the outcome's unit ("USD", "GBP", "EUR" print as money; anything else is appended)
    outcome_unit: str = ""


def check_name(name: str, path: Path | str, field: str = "study.name") -> str:
    from causal.study._reader import spec_error

    if not name or not name.replace("_", "").replace("-", "").isalnum() or not name.isascii():
        raise spec_error(path, field, "letters, digits, '-' or '_' (it names the report "
                         "folder)", name)
    return name


def _unit(reader: TableReader) -> str:
    unit = reader.string("outcome_unit", "", expected="a unit such as 'USD' or 'kg'")
    if "outcome_unit" in reader and not unit.strip():
        raise reader.error("outcome_unit", "a unit such as 'USD' or 'kg'", unit)
    return unit.strip()


def parse(raw: Any, path: Path | str) -> StudyInfo:
    reader = TableReader(raw, "study", path, KEYS,
                         what="a table with name, title, treatment and outcome")
    name = check_name(reader.string("name", max_chars=100), path)
    column = dict(expected="a column name", max_chars=MAX_PATH_CHARS, nonempty=True)
    info = StudyInfo(
        name=name, title=reader.string("title", max_chars=1000),
        treatment=reader.string("treatment", **column),
        outcome=reader.string("outcome", **column),
        **{key: reader.string(key, "") for key in ("question", *DESCRIPTIONS)},
        outcome_unit=_unit(reader))
    if info.treatment == info.outcome:
        raise reader.error("outcome", "a column other than the treatment", info.outcome)
    return info
