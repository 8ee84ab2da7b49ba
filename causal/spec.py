"""Declarative study specifications (TOML), read with the standard library.

A study file has a ``[study]`` table (name, title, treatment, outcome, ...), a ``[source]``
table, and a ``[claim]`` table with what the paper reports (see ``studies/thew2024.toml``).
Other tables belong to the analyses that read them (``[evalue]``, ``[graph]``, ``[data]``,
``[[worlds]]``, ``[[scenarios]]``...). Each analysis parses its own table with
:meth:`Study.section` and :func:`spec_error`, so every message names the file, the field and
what is expected.

Loading validates the whole file before anything runs: a study that fails to load never
produces a partial report. Modules that add tables register a check with
:func:`register_validator`; :func:`load_study` runs every registered check.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causal.claims import GroupCounts, PublishedClaim, ReportedEstimate
from causal.errors import CausalError, StudySpecError

_VALIDATORS: list[Callable[[Study], None]] = []


def register_validator(check: Callable[[Study], None]) -> Callable[[Study], None]:
    """Register ``check(study)`` to run on every loaded study (raise StudySpecError)."""
    if check not in _VALIDATORS:
        _VALIDATORS.append(check)
    return check


def spec_error(path: Path | str, field_name: str, expected: str, got: Any = ...) -> StudySpecError:
    """An error naming the study file, the field and what is expected."""
    received = "" if got is ... else f"; got {got!r}"
    return StudySpecError(f"{path}: field `{field_name}` must be {expected}{received}.")


@dataclass(frozen=True)
class Study:
    """A loaded study: its identity, the published claim, and the raw tables of the file."""

    path: Path
    name: str
    title: str
    treatment: str
    outcome: str
    claim: PublishedClaim
    raw: dict[str, Any] = field(repr=False)

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def covariates(self) -> tuple[str, ...]:
        """Covariates the headline estimate was adjusted for (``[data] covariates`` wins)."""
        data = self.raw.get("data", {})
        if isinstance(data, dict) and "covariates" in data:
            return tuple(data["covariates"])
        headline = self.claim.headline
        return headline.adjusted_for if headline is not None else ()

    def section(self, name: str, *, required: bool = False) -> dict[str, Any]:
        """The raw table ``[name]`` (dotted names reach nested tables), or ``{}``."""
        node: Any = self.raw
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                if required:
                    raise spec_error(self.path, name, "present (a TOML table)", None)
                return {}
            node = node[part]
        if not isinstance(node, dict):
            raise spec_error(self.path, name, "a TOML table", type(node).__name__)
        return node

    def resolve(self, relative: str) -> Path:
        """A path written in the study file, relative to the file's folder."""
        return (self.directory / relative).resolve()


def _get(table: dict[str, Any], key: str, where: str, path: Path, kind: type | tuple,
         expected: str, default: Any = ...) -> Any:
    if key not in table:
        if default is not ...:
            return default
        raise spec_error(path, f"{where}.{key}" if where else key, f"present ({expected})", None)
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds and int not in kinds and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise spec_error(path, f"{where}.{key}" if where else key, expected, value)
    return value


def _group(table: dict[str, Any], where: str, path: Path) -> GroupCounts:
    if not isinstance(table, dict):
        raise spec_error(path, where, "a table with events and total", table)
    try:
        return GroupCounts(
            label=_get(table, "label", where, path, str, "a string", where.split(".")[-1]),
            events=_get(table, "events", where, path, int, "a non-negative integer"),
            total=_get(table, "total", where, path, int, "a positive integer"),
            percent=_get(table, "percent", where, path, (int, float, str), "a number", None),
        )
    except StudySpecError:
        raise
    except CausalError as error:
        raise StudySpecError(f"{path}: field `{where}`: {error}") from None


def _estimate(table: dict[str, Any], where: str, path: Path) -> ReportedEstimate:
    if not isinstance(table, dict):
        raise spec_error(path, where, "a table", table)
    ci = _get(table, "ci", where, path, list, "a list [lower, upper]")
    if len(ci) != 2:
        raise spec_error(path, f"{where}.ci", "a list [lower, upper]", ci)
    try:
        return ReportedEstimate(
            label=_get(table, "label", where, path, str, "a string"),
            measure=_get(table, "measure", where, path, str, "one of OR, RR, HR, RD, MD"),
            estimate=_get(table, "estimate", where, path, (int, float, str), "a number"),
            ci=(ci[0], ci[1]),
            p_value=_p_text(table.get("p_value"), where, path),
            alpha=_get(table, "alpha", where, path, float, "a number in (0, 1)", 0.05),
            adjustment=_get(table, "adjustment", where, path, str,
                            "one of 'none', 'adjusted', 'unknown'", "unknown"),
            adjusted_for=tuple(_get(table, "adjusted_for", where, path, list,
                                    "a list of covariate names", [])),
            odds_ratio_kind=_get(table, "odds_ratio_kind", where, path, str,
                                 "one of conditional, marginal, crude, unspecified",
                                 "unspecified"),
            headline=_get(table, "headline", where, path, bool, "true or false", False),
            source=_get(table, "source", where, path, str, "a string", ""),
            outcome_sd=_get(table, "outcome_sd", where, path, float,
                            "a positive standard deviation (for an MD)", None),
        )
    except StudySpecError:
        raise
    except CausalError as error:
        raise StudySpecError(f"{path}: field `{where}`: {error}") from None


def _p_text(value: Any, where: str, path: Path) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise spec_error(path, f"{where}.p_value", "a string as printed, e.g. '<.001'", value)
    return str(value)


def parse_claim(raw: dict[str, Any], path: Path) -> PublishedClaim:
    """The ``[claim]`` table as a :class:`PublishedClaim`."""
    claim = raw.get("claim")
    if not isinstance(claim, dict):
        raise spec_error(path, "claim", "a table with the published numbers", claim)
    groups = {key: _group(claim[key], f"claim.{key}", path)
              for key in ("treated", "control", "overall") if key in claim}
    estimates_raw = claim.get("estimates", [])
    if not isinstance(estimates_raw, list):
        raise spec_error(path, "claim.estimates", "an array of tables ([[claim.estimates]])",
                         estimates_raw)
    estimates = tuple(_estimate(item, f"claim.estimates[{i}]", path)
                      for i, item in enumerate(estimates_raw))
    if not estimates and not ("treated" in groups and "control" in groups):
        raise spec_error(path, "claim", "a table with [[claim.estimates]] or both "
                         "[claim.treated] and [claim.control]")
    study = raw.get("study", {})
    return PublishedClaim(treated=groups.get("treated"), control=groups.get("control"),
                          overall=groups.get("overall"), estimates=estimates,
                          outcome=study.get("outcome", ""), treatment=study.get("treatment", ""),
                          source=raw.get("source", {}).get("citation", ""))


def load_study(path: str | Path) -> Study:
    """Read and validate a study file.

    Raises
    ------
    StudySpecError
        If the file is missing, is not TOML, or lacks or misstates a field; the message names
        the file and the field.
    """
    path = Path(path)
    if not path.exists():
        raise StudySpecError(f"{path}: study file not found.")
    if not path.is_file():
        raise StudySpecError(f"{path}: expected a study file (TOML), got a directory.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise StudySpecError(f"{path}: not valid TOML ({error}).") from None
    except UnicodeDecodeError:
        raise StudySpecError(f"{path}: not valid TOML (not UTF-8 text).") from None
    table = raw.get("study")
    if not isinstance(table, dict):
        raise spec_error(path, "study", "a table with name, title, treatment and outcome", table)
    name = _get(table, "name", "study", path, str, "a string")
    if not name.replace("_", "").replace("-", "").isalnum():
        raise spec_error(path, "study.name", "letters, digits, '-' or '_' (it names the "
                         "report folder)", name)
    study = Study(
        path=path,
        name=name,
        title=_get(table, "title", "study", path, str, "a string"),
        treatment=_get(table, "treatment", "study", path, str, "a string"),
        outcome=_get(table, "outcome", "study", path, str, "a string"),
        claim=parse_claim(raw, path) if "claim" in raw else PublishedClaim(),
        raw=raw,
    )
    _import_validators()
    for check in _VALIDATORS:
        check(study)
    return study


def as_study(study: Study | str | Path) -> Study:
    """``study`` itself, or the study loaded from a path."""
    if isinstance(study, Study):
        return study
    if isinstance(study, (str, Path)):
        return load_study(study)
    raise StudySpecError(f"`study` must be a Study or a path to a study file; got "
                         f"{type(study).__name__}.")


def _import_validators() -> None:
    """Import the modules that register validators for their own study tables."""
    import importlib

    for module in _VALIDATOR_MODULES:
        importlib.import_module(module)


#: modules whose import registers a validator of their study tables
_VALIDATOR_MODULES: list[str] = [
    "causal.sensitivity.evalue_spec",
    "causal.dag_spec",
    "causal.data.spec",
    "causal.sensitivity.scenario_spec",
    "causal.sensitivity.explain_away_spec",
    "causal.heterogeneity_spec",
    "causal.estimate.study",
    "causal.sensitivity.individual_spec",
    "causal.sensitivity.scenario_basis",
    "causal.report.units",
    "causal.sensitivity.selection_spec",
    "causal.sensitivity.probabilistic_spec",
    "causal.sensitivity.time_ordering_spec",
    "causal.target_trial_spec",
    "causal.randomised_spec",
]
