"""The ``[data]`` and ``[[worlds]]`` tables of a study file.

``[data]`` names where the individual-level data come from and how covariates enter a model:

* ``source``: ``"simulated"`` (a cohort drawn from the structural model in ``[data.cohort]``,
  ``[data.uptake]`` and ``[data.recovery]``, in one of the ``[[worlds]]``) or one of the real
  data sets in :data:`causal.data.real.SOURCES` (e.g. ``"causaldata:nhefs_complete"``);
* ``covariates``: the measured covariates an analysis adjusts for;
* ``categorical``: covariates entered as indicator columns (first category is the reference);
* ``squared``: covariates that also enter as a squared term;
* ``treatment_interactions``: covariates that interact with the treatment in an outcome model;
* ``indicators``: derived 0/1 columns, ``{name = "column == number"}`` (``==``, ``<``, ``>``);
* ``latent``: columns of a simulated cohort that analyses must not use.

Each ``[[worlds]]`` table states one simulated truth: ``name``, ``description``,
``true_odds_ratio`` (the conditional OR of treatment on the outcome given covariates and
motivation), ``motivation_uptake_odds_ratio`` and ``motivation_recovery_odds_ratio`` (ORs per
standard deviation of the latent motivation).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from causal.spec import Study, register_validator, spec_error

SIMULATED = "simulated"

_DATA_KEYS = {"source", "description", "covariates", "categorical", "squared",
              "treatment_interactions", "indicators", "latent", "n", "cohort", "uptake",
              "recovery", "benchmark"}
_SIMULATED_ONLY = {"n", "cohort", "uptake", "recovery", "latent"}
_BENCHMARK_KEYS = {"source", "description", "treated_from"}
_WORLD_KEYS = {"name", "description", "true_odds_ratio", "motivation_uptake_odds_ratio",
               "motivation_recovery_odds_ratio", "calibration"}
_COHORT_KEYS = {"age_mean", "age_sd", "age_range", "female", "white", "long_term_condition",
                "phq9_mean", "phq9_sd", "gad7_mean", "gad7_sd", "phq9_gad7_correlation",
                "sessions_mean", "sessions_motivation", "presenting_problem"}
_PREVALENCES = ("female", "white", "long_term_condition")
#: the simulated cohort's measured covariates, in the order they are drawn
SIMULATED_COVARIATES: tuple[str, ...] = (
    "long_term_condition", "sessions", "age", "sex", "ethnicity", "phq9_baseline",
    "gad7_baseline", "presenting_problem")
_INDICATOR = re.compile(r"^\s*(?P<column>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>==|<|>)\s*"
                        r"(?P<number>-?\d+(\.\d+)?)\s*$")


@dataclass(frozen=True)
class World:
    """One simulated truth (a ``[[worlds]]`` table). All its data are simulated."""

    name: str
    description: str
    true_odds_ratio: float
    motivation_uptake_odds_ratio: float = 1.0
    motivation_recovery_odds_ratio: float = 1.0
    calibration: str = ""


@dataclass(frozen=True)
class DataSpec:
    """The ``[data]`` table, checked."""

    source: str
    covariates: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    squared: tuple[str, ...] = ()
    treatment_interactions: tuple[str, ...] = ()
    indicators: dict[str, str] = field(default_factory=dict)
    latent: tuple[str, ...] = ()
    description: str = ""
    n: int = 0
    cohort: dict[str, Any] = field(default_factory=dict)
    uptake: dict[str, Any] = field(default_factory=dict)
    recovery: dict[str, Any] = field(default_factory=dict)
    benchmark: dict[str, Any] = field(default_factory=dict)

    @property
    def simulated(self) -> bool:
        return self.source == SIMULATED


def _unknown(table: dict[str, Any], allowed: set[str], where: str, study: Study) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise spec_error(study.path, f"{where}.{extra[0]}",
                         f"one of the known keys ({', '.join(sorted(allowed))}); unknown key",
                         extra[0])


def _names(table: dict[str, Any], key: str, study: Study, where: str = "data") -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise spec_error(study.path, f"{where}.{key}", "a list of column names", value)
    return tuple(value)


def _number(table: dict[str, Any], key: str, where: str, study: Study, *,
            low: float = -math.inf, high: float = math.inf, open_low: bool = False,
            open_high: bool = False, what: str = "a number") -> float:
    if key not in table:
        raise spec_error(study.path, f"{where}.{key}", f"present ({what})", None)
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise spec_error(study.path, f"{where}.{key}", what, value)
    too_low = value <= low if open_low else value < low
    too_high = value >= high if open_high else value > high
    if too_low or too_high:
        raise spec_error(study.path, f"{where}.{key}", what, value)
    return float(value)


def _coefficients(table: Any, where: str, study: Study) -> dict[str, Any]:
    """Log-odds coefficients per unit; ``presenting_problem`` is a table level -> log-odds."""
    if not isinstance(table, dict):
        raise spec_error(study.path, where, "a table of log-odds coefficients", table)
    for key, value in table.items():
        if key not in SIMULATED_COVARIATES:
            raise spec_error(study.path, f"{where}.{key}",
                             f"a simulated covariate ({', '.join(SIMULATED_COVARIATES)}); "
                             "unknown key", key)
        if key == "presenting_problem":
            if not isinstance(value, dict):
                raise spec_error(study.path, f"{where}.{key}",
                                 "a table of level = log-odds", value)
            for level in value:
                _number(value, level, f"{where}.{key}", study, what="a finite log-odds")
        else:
            _number(table, key, where, study, what="a finite log-odds coefficient per unit")
    return dict(table)


def _cohort(table: Any, study: Study) -> dict[str, Any]:
    where = "data.cohort"
    if not isinstance(table, dict):
        raise spec_error(study.path, where, "a table of covariate distributions", table)
    _unknown(table, _COHORT_KEYS, where, study)
    for key in _PREVALENCES:
        _number(table, key, where, study, low=0, high=1, open_low=True, open_high=True,
                what="a prevalence in (0, 1)")
    for key in ("age_sd", "phq9_sd", "gad7_sd"):
        _number(table, key, where, study, low=0, open_low=True, what="a positive SD")
    for key in ("age_mean", "phq9_mean", "gad7_mean", "sessions_motivation"):
        _number(table, key, where, study)
    _number(table, "sessions_mean", where, study, low=1, open_low=True,
            what="a mean number of sessions > 1 (everyone has at least one)")
    _number(table, "phq9_gad7_correlation", where, study, low=-1, high=1, open_low=True,
            open_high=True, what="a correlation in (-1, 1)")
    age_range = table.get("age_range")
    if (not isinstance(age_range, list) or len(age_range) != 2
            or not all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in age_range)
            or not age_range[0] < table["age_mean"] < age_range[1]):
        raise spec_error(study.path, f"{where}.age_range",
                         "a list [lowest, highest] around age_mean", age_range)
    levels = table.get("presenting_problem")
    if not isinstance(levels, dict) or len(levels) < 2:
        raise spec_error(study.path, f"{where}.presenting_problem",
                         "a table of at least two level = share", levels)
    for level in levels:
        _number(levels, level, f"{where}.presenting_problem", study, low=0, high=1,
                open_low=True, open_high=True, what="a share in (0, 1)")
    if abs(sum(levels.values()) - 1) > 1e-6:
        raise spec_error(study.path, f"{where}.presenting_problem", "shares summing to 1",
                         round(sum(levels.values()), 6))
    return dict(table)


def parse_data(study: Study) -> DataSpec | None:
    """The study's ``[data]`` table as a :class:`DataSpec`, or None if it has none."""
    from causal.data.real import SOURCES

    if "data" not in study.raw:
        return None
    table = study.section("data")
    _unknown(table, _DATA_KEYS, "data", study)
    source = table.get("source")
    if source != SIMULATED and source not in SOURCES:
        raise spec_error(study.path, "data.source",
                         f"'simulated' or one of {', '.join(sorted(SOURCES))}", source)
    covariates = _names(table, "covariates", study)
    if not covariates:
        raise spec_error(study.path, "data.covariates", "a non-empty list of column names",
                         table.get("covariates"))
    for key in ("categorical", "squared", "treatment_interactions"):
        for name in _names(table, key, study):
            if name not in covariates:
                raise spec_error(study.path, f"data.{key}", "names listed in data.covariates",
                                 name)
    indicators = table.get("indicators", {})
    if not isinstance(indicators, dict):
        raise spec_error(study.path, "data.indicators", "a table name = \"column == number\"",
                         indicators)
    for name, rule in indicators.items():
        if not isinstance(rule, str) or _INDICATOR.match(rule) is None:
            raise spec_error(study.path, f"data.indicators.{name}",
                             "a rule like \"re74 == 0\" (==, < or >)", rule)
    description = table.get("description", "")
    if not isinstance(description, str):
        raise spec_error(study.path, "data.description", "a string", description)
    benchmark = table.get("benchmark", {})
    if not isinstance(benchmark, dict):
        raise spec_error(study.path, "data.benchmark", "a table", benchmark)
    if benchmark:
        _unknown(benchmark, _BENCHMARK_KEYS, "data.benchmark", study)
        if benchmark.get("source") not in SOURCES:
            raise spec_error(study.path, "data.benchmark.source",
                             f"one of {', '.join(sorted(SOURCES))}", benchmark.get("source"))
    spec = DataSpec(source=source, covariates=covariates,
                    categorical=_names(table, "categorical", study),
                    squared=_names(table, "squared", study),
                    treatment_interactions=_names(table, "treatment_interactions", study),
                    indicators=dict(indicators), description=description, benchmark=benchmark)
    if source != SIMULATED:
        present = sorted(_SIMULATED_ONLY & set(table))
        if present:
            raise spec_error(study.path, f"data.{present[0]}",
                             "absent unless data.source = 'simulated'", present[0])
        return spec
    missing = [c for c in covariates if c not in SIMULATED_COVARIATES]
    if missing:
        raise spec_error(study.path, "data.covariates",
                         f"simulated covariates ({', '.join(SIMULATED_COVARIATES)})", missing[0])
    n = table.get("n", 0)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise spec_error(study.path, "data.n", "an integer cohort size >= 2", n)
    latent = _names(table, "latent", study)
    if latent != ("motivation",):
        raise spec_error(study.path, "data.latent", "[\"motivation\"] (the simulated latent)",
                         list(latent))
    return DataSpec(**{**spec.__dict__, "n": n, "latent": latent,
                       "cohort": _cohort(table.get("cohort"), study),
                       "uptake": _coefficients(table.get("uptake", {}), "data.uptake", study),
                       "recovery": _coefficients(table.get("recovery", {}), "data.recovery",
                                                 study)})


def parse_worlds(study: Study) -> tuple[World, ...]:
    """The study's ``[[worlds]]`` tables, checked (empty if it declares none)."""
    raw = study.raw.get("worlds", [])
    if not isinstance(raw, list) or not all(isinstance(w, dict) for w in raw):
        raise spec_error(study.path, "worlds", "an array of tables ([[worlds]])", raw)
    worlds = []
    for i, table in enumerate(raw):
        where = f"worlds[{i}]"
        _unknown(table, _WORLD_KEYS, where, study)
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise spec_error(study.path, f"{where}.name", "a non-empty string", name)
        ors = {key: (_number(table, key, where, study, low=0, open_low=True,
                             what="an odds ratio > 0") if key in table or key ==
                     "true_odds_ratio" else 1.0)
               for key in ("true_odds_ratio", "motivation_uptake_odds_ratio",
                           "motivation_recovery_odds_ratio")}
        for key in ("description", "calibration"):
            if not isinstance(table.get(key, ""), str):
                raise spec_error(study.path, f"{where}.{key}", "a string", table[key])
        worlds.append(World(name=name, description=table.get("description", ""),
                            calibration=table.get("calibration", ""), **ors))
    names = [w.name for w in worlds]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise spec_error(study.path, "worlds.name", "unique across [[worlds]]", duplicated[0])
    if worlds:
        data = parse_data(study)
        if data is None or not data.simulated:
            raise spec_error(study.path, "data.source",
                             "'simulated' when the study declares [[worlds]]",
                             None if data is None else data.source)
    return tuple(worlds)


def find_world(study: Study, name: str | None) -> World:
    """The world called ``name`` (the first declared one when ``name`` is None)."""
    from causal.errors import ParameterError

    worlds = parse_worlds(study)
    if not worlds:
        raise ParameterError(f"`world` needs a study with [[worlds]] tables; "
                             f"{study.path} declares none.")
    if name is None:
        return worlds[0]
    for world in worlds:
        if world.name == name:
            return world
    options = ", ".join(repr(w.name) for w in worlds)
    raise ParameterError(f"`world` must be one of {options}; got {name!r}.")


@register_validator
def _validate(study: Study) -> None:
    from causal.data.published import parse_published

    parse_published(study)
    data = parse_data(study)
    worlds = parse_worlds(study)
    if data is not None and data.simulated and not worlds:
        raise spec_error(study.path, "worlds",
                         "at least one [[worlds]] table when data.source = 'simulated'", None)
