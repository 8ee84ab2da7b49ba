"""The one design builder: covariates, categorical and squared terms, with one naming.

Terms
-----
* ``covariates``: column names, in order; a numeric (or boolean) column enters as it is,
  named as the column;
* ``categorical``: those of ``covariates`` to expand in treatment coding, one 0/1 indicator
  per level except the reference, named ``name[level]``. The reference is the first level
  present in the data: in the order of a pandas categorical's categories, otherwise in sorted
  order (R's ``as.factor`` default). A column of pandas ``category`` or text dtype must be
  listed here;
* ``squared``: those of ``covariates`` to enter also as a square, named ``name^2`` and placed
  right after the column itself.

So Hernan & Robins' ``age + I(age^2) + as.factor(education)`` is ``covariates=["age",
"education"], squared=["age"], categorical=["education"]`` and gives the columns ``age``,
``age^2``, ``education[2]``, ``education[3]``, ... The estimators' coefficient tables, the
refuters and the study runners all use these names. No intercept is added.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from causal.errors import DataError


def design_columns(frame: pd.DataFrame, covariates: Sequence[str], *,
                   categorical: Sequence[str] = (), squared: Sequence[str] = (),
                   require_variation: bool = False) -> tuple[np.ndarray, tuple[str, ...]]:
    """The float design (n x p) of the terms and its column names (see the module docstring).

    Parameters
    ----------
    frame : pandas.DataFrame
        Holds every covariate, without missing values in them (never modified).
    covariates, categorical, squared : sequences of column names
        ``categorical`` and ``squared`` are subsets of ``covariates``.
    require_variation : bool
        Raise :class:`~causal.errors.DataError` for a constant covariate (an estimator cannot
        adjust for it next to an intercept).
    """
    cats, sqs = set(categorical), set(squared)
    blocks, names = [], []
    for c in covariates:
        col = frame[c]
        if c in cats:
            levels = levels_of(col)
            if require_variation and len(levels) < 2:
                raise DataError(f"the covariate {c!r} is constant ({levels[0]!r}); remove it.")
            values = col.to_numpy()
            for level in levels[1:]:
                blocks.append((values == level).astype(float))
                names.append(f"{c}[{level}]")
            continue
        values = numeric(col, "covariate", c)
        if require_variation and np.ptp(values) == 0:
            raise DataError(f"the covariate {c!r} is constant ({values[0]:g}); remove it.")
        blocks.append(values)
        names.append(c)
        if c in sqs:
            blocks.append(values**2)
            names.append(f"{c}^2")
    x = np.column_stack(blocks) if blocks else np.empty((len(frame), 0))
    return x, tuple(names)


def levels_of(col: pd.Series) -> list:
    """The levels present in ``col``, reference first: a categorical's category order, else
    sorted."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.dropna().unique())
        return [v for v in col.cat.categories if v in present]
    return sorted(pd.unique(col.dropna()))


def numeric(series: pd.Series, role: str, name: str) -> np.ndarray:
    """``series`` as finite floats, or a :class:`~causal.errors.DataError` naming it."""
    if series.dtype == bool:
        return series.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(series):
        from causal.data._columns import recode_hint

        raise DataError(f"the {role} {name!r} must be numeric; got dtype {series.dtype}. "
                        + ("List it in `categorical` to expand it into indicators."
                           if role == "covariate" else
                           recode_hint(series, "the outcome occurred").strip()))
    values = series.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise DataError(f"the {role} {name!r} has infinite values.")
    return values
