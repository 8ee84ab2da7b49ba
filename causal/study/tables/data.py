"""``[data]``: where the individual-level data come from and how covariates enter a model.

Sub-tables: ``[data.indicators]`` (derived 0/1 columns), ``[data.benchmark]`` (a second real
data set whose randomised contrast is the truth), and for ``source = "simulated"``
``[data.world]``: ``model = "<name>"`` of a world model registered in
:data:`causal.worlds.MODELS`, and that model's own keys, checked by the model. The types are in
:mod:`causal.data.spec`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.data.spec import (
    _INDICATOR,
    FILE_SUFFIXES,
    SIMULATED,
    DataSpec,
)
from causal.study._reader import MAX_PATH_CHARS, TableReader, spec_error

KEYS = frozenset({"source", "description", "covariates", "categorical", "squared",
                  "treatment_interactions", "terms", "indicators", "latent", "n", "world", "benchmark", "missing", "outcome_kind",
                  "imputations", "cluster"})
SIMULATED_ONLY = frozenset({"n", "world", "latent"})
#: keys a simulated cohort cannot have (it is drawn with independent rows)
REAL_ONLY = ("cluster",)
BENCHMARK_KEYS = frozenset({"source", "description"})
MISSING = ("refuse", "complete_case", "multiple_imputation")
#: imputations when [data] missing = "multiple_imputation" does not say
IMPUTATIONS = 20
OUTCOME_KINDS = ("binary", "continuous", "any")
#: the largest simulated cohort a study file may ask for (about 1 GB of draws), checked
#: before anything is allocated
MAX_SIMULATED_N = 10**7


def _world(reader: TableReader) -> Any:
    """``[data.world]``: the registered model it names, configured by the model's own keys."""
    from causal.worlds import MODELS, world_model

    raw = reader.table.get("world")
    if not isinstance(raw, dict):
        raise reader.error("world", "a table [data.world] with model = one of "
                           f"{', '.join(map(repr, MODELS))}", raw)
    head = TableReader(raw, "data.world", reader.path, None)
    name = head.choice("model", tuple(MODELS))
    plugin = world_model(name)
    table = TableReader(raw, "data.world", reader.path, plugin.KEYS | {"model"})
    return plugin.parse(table)


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
    n = reader.integer("n", low=2, high=MAX_SIMULATED_N,
                       expected="an integer cohort size (budget for a simulated cohort)")
    model = _world(reader)
    unknown = [c for c in covariates if c not in model.covariates]
    if unknown:
        raise reader.error("covariates", f"covariates of the {model.model!r} world model "
                           f"({', '.join(model.covariates)})", unknown[0])
    latent = reader.names("latent", model.latent)
    if latent != model.latent:
        raise reader.error("latent", f"{list(model.latent)!r} (the latent columns of the "
                           f"{model.model!r} world model)".replace("'", '"'), list(latent))
    return DataSpec(**{**spec.__dict__, "n": n, "latent": latent, "model": model})
