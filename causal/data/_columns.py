"""Checks of the declared columns of a user's table: binary treatment, outcome kind, numeric
covariates, missing values. Used by :mod:`causal.data.files`; every failure is one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api import types

from causal.errors import DataError

#: how many distinct values a message lists before "..."
_SHOWN = 5


def _fmt_value(value: object) -> str:
    """A value for a message, never longer than about 100 characters (a 50 MB field gives a
    short message, not a 50 MB one)."""
    from causal.data._formats import shorten

    if isinstance(value, (float, np.floating)):
        return format(float(value), ".6g")
    if isinstance(value, (str, np.str_)):
        return repr(shorten(str(value)))
    return shorten(str(value))


def _distinct(values: pd.Series) -> str:
    """'found 3 distinct values: 0, 1, 2' (the first few, sorted where they can be)."""
    unique = pd.unique(values.dropna())
    try:
        unique = sorted(unique)
    except TypeError:
        unique = list(unique)
    shown = ", ".join(_fmt_value(v) for v in unique[:_SHOWN])
    more = ", ..." if len(unique) > _SHOWN else ""
    word = "value" if len(unique) == 1 else "distinct values"
    return f"found {len(unique):,} {word}: {shown}{more}"


def _numeric(series: pd.Series) -> bool:
    """Numbers (including 0/1 booleans), not text, categories or dates."""
    return types.is_numeric_dtype(series.dtype) and not isinstance(series.dtype,
                                                                   pd.CategoricalDtype)


def _text_of_numbers(series: pd.Series) -> bool:
    """A text or category column whose every value reads as a number."""
    values = series.dropna().astype(str)
    if values.empty:
        return False
    return bool(pd.to_numeric(values, errors="coerce").notna().all())


def _zero_one(series: pd.Series) -> bool:
    values = pd.unique(series.dropna())
    return all(v in (0, 1) for v in values)


def _as_int(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="int64")


def _as_number(series: pd.Series) -> np.ndarray:
    """int64 for integers and booleans, float64 otherwise (one dtype whatever the input)."""
    if types.is_bool_dtype(series.dtype) or types.is_integer_dtype(series.dtype):
        return series.to_numpy(dtype="int64")
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _check_finite(series: pd.Series, column: str, role: str, source: str) -> None:
    if types.is_float_dtype(series.dtype):
        infinite = int(np.isinf(series.to_numpy(dtype="float64", na_value=np.nan)).sum())
        if infinite:
            raise DataError(f"{role} {column!r} in {source} has {infinite:,} infinite "
                            f"value(s); replace them with finite numbers or missing values.")


def treatment_values(series: pd.Series, column: str, source: str) -> np.ndarray:
    """The treatment as int64 0/1 (missing values must already be gone)."""
    what = f"the treatment {column!r} in {source}"
    if not _numeric(series):
        if _text_of_numbers(series):
            raise DataError(f"{what} is stored as text ({_distinct(series)}); convert it to "
                            "numbers 0/1 (1 = treated).")
        raise DataError(f"{what} must be numeric 0/1 (1 = treated); {_distinct(series)}."
                        + recode_hint(series, "treated"))
    if not _zero_one(series):
        raise DataError(f"{what} must be binary 0/1 (1 = treated); {_distinct(series)}.")
    values = _as_int(series)
    arms = set(np.unique(values).tolist())
    if arms != {0, 1}:
        arm = "treated (1)" if arms == {1} else "control (0)" if arms == {0} else "no"
        raise DataError(f"{what} must have both arms, 0 and 1; every one of its "
                        f"{len(values):,} rows is {arm}.")
    return values


def arm_labels(series: pd.Series) -> pd.Series:
    """'treated'/'control' per row of a (possibly incomplete) treatment column."""
    numbers = pd.to_numeric(series.astype(object) if not _numeric(series) else series,
                            errors="coerce")
    labels = pd.Series("treatment missing", index=series.index, dtype=object)
    labels[numbers == 1] = "treated"
    labels[numbers == 0] = "control"
    return labels


_KIND_WORDS = {
    "binary": "binary 0/1 (for an odds ratio, risk ratio or risk difference)",
    "continuous": "numeric (for a mean difference)",
    "any": "numeric",
}


def recode_hint(series: pd.Series, one_means: str) -> str:
    """For a text column with two values (``yes``/``no``, ``survived``/``died``...): a sentence
    on recoding it to 0/1, naming which value to make 1 when the words say; else ``""``."""
    values = [v for v in pd.unique(series.dropna())]
    if len(values) != 2 or not all(isinstance(v, str) for v in values):
        return ""
    positive = {"yes", "y", "true", "t", "1", "treated", "exposed", "case", "positive"}
    first, second = values
    if str(second).strip().lower() in positive:
        first, second = second, first
    if str(first).strip().lower() in positive:
        return (f" Recode it to 0/1 first, for example {first!r} = 1 and {second!r} = 0 "
                f"(1 = {one_means}).")
    return (f" Recode it to 0/1 first: choose which of {first!r} and {second!r} is 1 "
            f"(1 = {one_means}).")


def outcome_values(series: pd.Series, column: str, kind: str, source: str) -> np.ndarray:
    """The outcome as int64 (binary) or a number array; ``kind`` is binary/continuous/any."""
    what = f"the outcome {column!r} in {source}"
    if not _numeric(series):
        if _text_of_numbers(series):
            target = "numbers 0/1" if kind == "binary" else "numbers"
            raise DataError(f"{what} is stored as text ({_distinct(series)}); convert it to "
                            f"{target}.")
        raise DataError(f"{what} must be {_KIND_WORDS[kind]}; {_distinct(series)}."
                        + recode_hint(series, "the outcome occurred"))
    _check_finite(series, column, "the outcome", source)
    if kind == "binary":
        if not _zero_one(series):
            raise DataError(f"{what} must be {_KIND_WORDS[kind]}; {_distinct(series)}; "
                            "declare a mean difference (MD) for a continuous outcome.")
        return _as_int(series)
    return _as_number(series)


def _constant_error(column: str, value: object, source: str) -> DataError:
    return DataError(f"covariate {column!r} in {source} has the same value "
                     f"({_fmt_value(value)}) in every row, so it cannot adjust for anything; "
                     "leave it out of the covariates.")


def covariate_values(series: pd.Series, column: str, categorical: bool,
                     source: str) -> np.ndarray | pd.Series:
    """A numeric covariate as int64/float64; a categorical one as given (copied). A constant
    covariate is refused (checked without hashing: one pass, cheap at 10^7 rows)."""
    if _numeric(series):
        if not categorical:
            _check_finite(series, column, "covariate", source)
        values = _as_number(series)
        if len(values) and values.min() == values.max():
            raise _constant_error(column, values[0], source)
        return values
    if not categorical:
        kind = "text" if types.is_string_dtype(series.dtype) or series.dtype == object else \
            f"dtype {series.dtype}"
        example = _distinct(series) if kind == "text" else f"dtype {series.dtype}"
        raise DataError(f"covariate {column!r} in {source} is not numeric ({example}); "
                        "declare it in `categorical` or convert it to numbers.")
    if len(series) and not bool((series != series.iloc[0]).any()):
        raise _constant_error(column, series.iloc[0], source)
    return series.copy(deep=True).reset_index(drop=True)


def missing_counts(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, int]:
    """Missing values per declared column (only the columns that have any)."""
    counts = {c: int(frame[c].isna().sum()) for c in columns}
    return {c: n for c, n in counts.items() if n}


def refuse_missing(counts: dict[str, int], rows: int, source: str) -> DataError:
    listed = ", ".join(f"{c!r} ({n:,})" for c, n in counts.items())
    return DataError(f"{source} has missing values in {listed}, {rows:,} row(s) in all; fill "
                     "them in, or set missing = \"complete_case\" to drop those rows (the "
                     "report then states the rows dropped per arm).")
