"""``[data]``: where the individual-level data come from and how covariates enter a model.

Sub-tables: ``[data.indicators]`` (derived 0/1 columns), ``[data.benchmark]`` (a second real
data set whose randomised contrast is the truth), and for ``source = "simulated"`` the
structural model ``[data.cohort]`` (with ``[data.cohort.presenting_problem]``),
``[data.uptake]`` and ``[data.recovery]`` (log-odds coefficients). The types are in
:mod:`causal.data.spec`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.data.spec import (
    _INDICATOR,
    FILE_SUFFIXES,
    SIMULATED,
    SIMULATED_COVARIATES,
    DataSpec,
)
from causal.study._reader import MAX_PATH_CHARS, TableReader, spec_error

KEYS = frozenset({"source", "description", "covariates", "categorical", "squared",
                  "treatment_interactions", "terms", "indicators", "latent", "n", "cohort", "uptake",
                  "recovery", "benchmark", "missing", "outcome_kind",
                  "imputations", "cluster"})
SIMULATED_ONLY = frozenset({"n", "cohort", "uptake", "recovery", "latent"})
#: keys a simulated cohort cannot have (it is drawn with independent rows)
REAL_ONLY = ("cluster",)
BENCHMARK_KEYS = frozenset({"source", "description"})
COHORT_KEYS = frozenset({"age_mean", "age_sd", "age_range", "female", "white",
                         "long_term_condition", "phq9_mean", "phq9_sd", "gad7_mean", "gad7_sd",
                         "phq9_gad7_correlation", "sessions_mean", "sessions_motivation",
                         "presenting_problem"})
#: the keys of [data.uptake] and [data.recovery]: the simulated covariates
COEFFICIENT_KEYS = frozenset(SIMULATED_COVARIATES)
_PREVALENCES = ("female", "white", "long_term_condition")
MISSING = ("refuse", "complete_case", "multiple_imputation")
#: imputations when [data] missing = "multiple_imputation" does not say
IMPUTATIONS = 20
OUTCOME_KINDS = ("binary", "continuous", "any")
#: the largest simulated cohort a study file may ask for (about 1 GB of draws), checked
#: before anything is allocated
MAX_SIMULATED_N = 10**7


def _coefficients(reader: TableReader, key: str) -> dict[str, Any]:
    """Log-odds coefficients per unit; ``presenting_problem`` is a table level -> log-odds."""
    sub = reader.sub(key, COEFFICIENT_KEYS, what="a table of log-odds coefficients")
    if sub is None:
        return {}
    for name, value in sub.table.items():
        if name == "presenting_problem":
            levels = sub.sub(name, None, what="a table of level = log-odds")
            assert levels is not None
            for level in levels.table:
                levels.number(level, expected="a finite log-odds")
        else:
            sub.check_number(value, name, expected="a finite log-odds coefficient per unit")
    return dict(sub.table)


def _cohort(reader: TableReader) -> dict[str, Any]:
    table = reader.sub("cohort", COHORT_KEYS, what="a table of covariate distributions",
                       required=True)
    assert table is not None
    for key in _PREVALENCES:
        table.number(key, low=0, high=1, open_low=True, open_high=True,
                     expected="a prevalence in (0, 1)")
    for key in ("age_sd", "phq9_sd", "gad7_sd"):
        table.number(key, low=0, open_low=True, expected="a positive SD")
    for key in ("age_mean", "phq9_mean", "gad7_mean", "sessions_motivation"):
        table.number(key)
    table.number("sessions_mean", low=1, open_low=True,
                 expected="a mean number of sessions > 1 (everyone has at least one)")
    table.number("phq9_gad7_correlation", low=-1, high=1, open_low=True, open_high=True,
                 expected="a correlation in (-1, 1)")
    age_range = table.table.get("age_range")
    if (not isinstance(age_range, list) or len(age_range) != 2
            or not all(isinstance(a, (int, float)) and not isinstance(a, bool)
                       for a in age_range)
            or not age_range[0] < table.table["age_mean"] < age_range[1]):
        raise table.error("age_range", "a list [lowest, highest] around age_mean", age_range)
    levels = table.sub("presenting_problem", None, what="a table of at least two level = share",
                       required=True)
    assert levels is not None
    if len(levels.table) < 2:
        raise table.error("presenting_problem", "a table of at least two level = share",
                          levels.table)
    for level in levels.table:
        levels.number(level, low=0, high=1, open_low=True, open_high=True,
                      expected="a share in (0, 1)")
    if abs(sum(levels.table.values()) - 1) > 1e-6:
        raise table.error("presenting_problem", "shares summing to 1",
                          round(sum(levels.table.values()), 6))
    return dict(table.table)


def _imputations(reader: TableReader) -> int:
    """``imputations``: only with missing = "multiple_imputation"; 2 to the budget."""
    from causal._budgets import MAX_IMPUTATIONS

    if "imputations" in reader and reader.table.get("missing") != "multiple_imputation":
        raise reader.error("imputations", "absent unless data.missing = "
                           "\"multiple_imputation\"", reader.table["imputations"])
    return reader.integer("imputations", IMPUTATIONS, low=2, high=MAX_IMPUTATIONS,
                          expected="a whole number of imputed data sets (at least 2; "
                                   "at most the budget causal._budgets.MAX_IMPUTATIONS)")


def _source(reader: TableReader, directory: Path, key: str = "source"
            ) -> tuple[str, Path | None]:
    from causal.data.real import SOURCES

    expected = (f"'simulated', a data file ({', '.join(FILE_SUFFIXES)}) relative to the study "
                f"file, or one of {', '.join(sorted(SOURCES))}")
    source = reader.string(key, expected=expected, max_chars=MAX_PATH_CHARS, nonempty=True)
    if source == SIMULATED or source in SOURCES:
        return source, None
    if not source.lower().endswith(FILE_SUFFIXES):
        raise reader.error(key, expected, source)
    return source, (directory / source)


def _cluster(reader: TableReader, covariates: tuple[str, ...]) -> str | None:
    """``cluster``: the name of a column grouping the rows, or None."""
    if "cluster" not in reader:
        return None
    return reader.string("cluster", expected="the name of a column grouping the rows (e.g. "
                         "\"therapist_id\")", max_chars=MAX_PATH_CHARS, nonempty=True)


def parse(raw: Any, path: Path | str, *, directory: Path, in_python: bool = False) -> DataSpec:
    """The ``[data]`` table as a :class:`~causal.data.spec.DataSpec`."""
    reader = TableReader(raw, "data", path, KEYS)
    if in_python:
        source, file = reader.string("source", "DataFrame", max_chars=MAX_PATH_CHARS), None
    else:
        source, file = _source(reader, directory)
    covariates = reader.names("covariates", nonempty=True)
    names = {}
    for key in ("categorical", "squared", "treatment_interactions"):
        names[key] = reader.names(key, ())
        for name in names[key]:
            if name not in covariates:
                raise reader.error(key, "names listed in data.covariates", name)
    terms = reader.names("terms", (), what="a list of terms like \"age*sex\" or "
                                           "\"bs(age, 4)\"")
    from causal._glm.terms import _PRODUCT, _SPLINE

    for term in terms:
        match = _SPLINE.match(term) or _PRODUCT.match(term)
        used = ([match["name"]] if match and "name" in match.groupdict()
                else [match["left"], match["right"]] if match else [])
        if not match or any(u not in covariates for u in used):
            raise reader.error("terms", "terms like \"age*sex\" or \"bs(age, 4)\" of names "
                               "listed in data.covariates", term)
    indicators = reader.sub("indicators", None, what="a table name = \"column == number\"")
    if indicators is not None:
        for name in indicators.table:
            rule = indicators.string(name, expected="a rule like \"re74 == 0\" (==, < or >)")
            if _INDICATOR.match(rule) is None:
                raise indicators.error(name, "a rule like \"re74 == 0\" (==, < or >)", rule)
    benchmark = reader.sub("benchmark", BENCHMARK_KEYS)
    if benchmark is not None:
        from causal.data.real import SOURCES

        benchmark.choice("source", tuple(sorted(SOURCES)))
        benchmark.string("description", "")
    spec = DataSpec(
        source=source, covariates=covariates, **names, terms=terms,
        indicators={} if indicators is None else dict(indicators.table),
        description=reader.string("description", ""),
        benchmark={} if benchmark is None else dict(benchmark.table),
        missing=reader.choice("missing", MISSING, "refuse"),
        outcome_kind=reader.choice("outcome_kind", OUTCOME_KINDS, "any"),
        imputations=_imputations(reader), cluster=_cluster(reader, covariates),
        file=file)
    if source != SIMULATED:
        present = sorted(SIMULATED_ONLY & set(reader.table))
        if present:
            raise spec_error(path, f"data.{present[0]}",
                             "absent unless data.source = 'simulated'", present[0])
        return spec
    for key in ("missing", "outcome_kind", "imputations", *REAL_ONLY):
        if key in reader:
            raise spec_error(path, f"data.{key}", "absent when data.source = 'simulated' "
                             "(a simulated cohort has no missing values, a 0/1 outcome and "
                             "independent rows)", reader.table[key])
    unknown = [c for c in covariates if c not in SIMULATED_COVARIATES]
    if unknown:
        raise reader.error("covariates", f"simulated covariates "
                           f"({', '.join(SIMULATED_COVARIATES)})", unknown[0])
    n = reader.integer("n", low=2, high=MAX_SIMULATED_N,
                       expected="an integer cohort size (budget for a simulated cohort)")
    latent = reader.names("latent", ())
    if latent != ("motivation",):
        raise reader.error("latent", "[\"motivation\"] (the simulated latent)", list(latent))
    cohort = _cohort(reader)
    models = {key: _coefficients(reader, key) for key in ("uptake", "recovery")}
    for key, table in models.items():
        for level in table.get("presenting_problem", {}):
            if level not in cohort["presenting_problem"]:
                raise spec_error(path, f"data.{key}.presenting_problem",
                                 f"levels of data.cohort.presenting_problem "
                                 f"({', '.join(cohort['presenting_problem'])})", level)
    return DataSpec(**{**spec.__dict__, "n": n, "latent": latent, "cohort": cohort, **models})
