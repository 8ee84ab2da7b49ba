"""Build a model's design matrix from a study's ``[data]`` declaration.

The declaration (see :mod:`causal.data.spec`) lists the covariates and how they enter:
``categorical`` ones as 0/1 indicators against their first category (R's ``as.factor``
default, used by Hernan & Robins), ``squared`` ones with an added ``name^2`` column, and
``treatment_interactions`` as ``treatment:name`` products (only when the treatment column is
included). Hernan & Robins' Program 12.1 propensity model for NHEFS, for example, is
``covariates = [sex, race, age, education, smokeintensity, smokeyrs, exercise, active, wt71]``,
``squared = [age, smokeintensity, smokeyrs, wt71]``, ``categorical = [education, exercise,
active]``.

References
----------
Hernan, M. A. & Robins, J. M. (2020). Causal Inference: What If. Programs 12.1 and 13.2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causal.data.spec import DataSpec
from causal.errors import DataError


def design_matrix(frame: pd.DataFrame, data: DataSpec, *, treatment: str | None = None,
                  intercept: bool = True) -> pd.DataFrame:
    """The float design matrix of the declared covariates (the caller's frame is not changed).

    Parameters
    ----------
    frame : pandas.DataFrame
        Must contain every declared covariate (and ``treatment`` if given).
    data : DataSpec
        The study's ``[data]`` declaration (``study.data``).
    treatment : str, optional
        Include this column first (after the intercept) and its declared interactions.
    intercept : bool
        Include a constant column ``const``.

    Returns
    -------
    pandas.DataFrame
        Columns in order: ``const``, treatment, each covariate (or its indicators
        ``name[level]``), ``name^2`` terms, ``treatment:name`` interactions.
    """
    needed = [*([treatment] if treatment else []), *data.covariates]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"`frame` lacks the column(s) {', '.join(map(repr, missing))} named in "
                        f"the study's [data] table; it has {', '.join(map(str, frame.columns))}.")
    columns: dict[str, np.ndarray] = {}
    if intercept:
        columns["const"] = np.ones(len(frame))
    if treatment:
        columns[treatment] = _numeric(frame[treatment], treatment)
    for name in data.covariates:
        if name in data.categorical:
            values = frame[name]
            levels = (list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype)
                      else sorted(values.dropna().unique()))
            for level in levels[1:]:
                columns[f"{name}[{level}]"] = (values == level).to_numpy(dtype=float)
        else:
            columns[name] = _numeric(frame[name], name)
    for name in data.squared:
        columns[f"{name}^2"] = _numeric(frame[name], name) ** 2
    if treatment:
        for name in data.treatment_interactions:
            columns[f"{treatment}:{name}"] = columns[treatment] * _numeric(frame[name], name)
    return pd.DataFrame(columns, index=frame.index)


def _numeric(values: pd.Series, name: str) -> np.ndarray:
    try:
        out = pd.to_numeric(values.astype(object) if isinstance(values.dtype, pd.CategoricalDtype)
                            else values).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"column {name!r} must be numeric (or declared categorical in [data]); "
                        f"got dtype {values.dtype}.") from None
    return out
