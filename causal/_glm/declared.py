"""Build a model's design matrix from a study's ``[data]`` declaration (the design builder
of :mod:`causal._glm.design` applied to a :class:`~causal.data.spec.DataSpec`; public as
:func:`causal.estimate.design_matrix`).

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

from causal._glm.design import design_columns, numeric
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
        ``name[level]``) followed by its ``name^2`` if squared, ``treatment:name``
        interactions: the project's one design builder,
        :func:`causal._glm.design.design_columns`, with its names.
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
        columns[treatment] = numeric(frame[treatment], "treatment", treatment)
    x, names = design_columns(frame, data.covariates, categorical=data.categorical,
                              squared=data.squared)
    columns.update(zip(names, x.T, strict=True))
    if treatment:
        for name in data.treatment_interactions:
            columns[f"{treatment}:{name}"] = columns[treatment] * numeric(frame[name],
                                                                          "covariate", name)
    return pd.DataFrame(columns, index=frame.index)
