"""Checking the data once, at the boundary, and building the covariate design matrix.

Formula-like covariates
-----------------------
Every estimator takes the same description of the adjustment set:

* ``covariates``: column names, used as numeric columns as they are;
* ``categorical``: those of ``covariates`` to expand into indicator columns ``name[level]``,
  one per level except the first, which is the reference (as R's ``as.factor`` in a model
  formula); levels are in the order of a pandas categorical's categories, otherwise sorted. A
  column of pandas ``category`` dtype must be listed here;
* ``squared``: those of ``covariates`` to enter also as a square (``age`` and ``age^2``);
* ``terms``: products and splines, ``["age*sex", "bs(age, 4)"]`` (:mod:`causal._glm.terms`).

The design itself comes from the project's one builder, :func:`causal._glm.design.design_columns`.

So Hernán & Robins' ``age + I(age^2) + as.factor(education)`` is
``covariates=["age", "education"], squared=["age"], categorical=["education"]``. The design
matrix holds no intercept; internal models add one, scikit-learn models fit their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from causal._glm.design import design_columns, numeric
from causal.errors import DataError, ParameterError

#: relative tolerance on the diagonal of R (QR of the standardised design) for collinearity
_RANK_TOL = 1e-9


@dataclass(frozen=True)
class Prepared:
    """The analysis arrays, checked. Never a view into the caller's DataFrame."""

    treatment: str
    outcome: str
    a: np.ndarray  # treatment, float 0/1
    y: np.ndarray  # outcome, float
    x: np.ndarray  # covariate design (n x p), no intercept
    x_names: tuple[str, ...]
    index: pd.Index  # row labels of the rows used
    binary: bool
    n_dropped: int
    covariates: tuple[str, ...]
    #: cluster codes 0..G-1 per row (``cluster=``), or None for independent rows
    cluster: np.ndarray | None = None
    cluster_name: str | None = None

    @property
    def n(self) -> int:
        return int(self.a.shape[0])


def _names(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence | pd.Index) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"`{name}` must be a list of column names; got {value!r}.")
    return tuple(value)


def prepare(
    data: object,
    *,
    treatment: str,
    outcome: str,
    covariates: Sequence[str] = (),
    categorical: Sequence[str] = (),
    squared: Sequence[str] = (),
    dropna: bool = False,
    terms: Sequence[str] = (),
    cluster: str | None = None,
) -> Prepared:
    """Validate ``data`` and the named columns and return the analysis arrays.

    ``cluster`` names a column whose values group the rows (therapist, village); the rows of
    a cluster are not independent (:mod:`causal.estimate._clusters`)."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    for value, name in ((treatment, "treatment"), (outcome, "outcome")):
        if not isinstance(value, str):
            raise ParameterError(f"`{name}` must be a column name (str); got {value!r}.")
    if treatment == outcome:
        raise ParameterError(f"`treatment` and `outcome` must differ; both are {treatment!r}.")
    covs = _names(covariates, "covariates")
    cats = _names(categorical, "categorical")
    sqs = _names(squared, "squared")
    for group, name in ((cats, "categorical"), (sqs, "squared")):
        extra = [c for c in group if c not in covs]
        if extra:
            raise ParameterError(f"`{name}` must list columns that are also in `covariates`; "
                                 f"got {extra} not in covariates {list(covs)}.")
    if treatment in covs or outcome in covs:
        raise ParameterError("`covariates` must not contain the treatment or the outcome; "
                             f"got {list(covs)}.")
    if len(set(covs)) != len(covs):
        raise ParameterError(f"`covariates` lists a column twice: {list(covs)}.")
    if cluster is not None and (not isinstance(cluster, str) or cluster in (treatment, outcome)):
        raise ParameterError("`cluster` must name a column other than the treatment and the "
                             f"outcome; got {cluster!r}.")
    used = [treatment, outcome, *covs] + ([cluster] if cluster and cluster not in covs else [])
    missing_cols = [c for c in used if c not in data.columns]
    if missing_cols:
        raise DataError(f"the data lack column(s) {missing_cols} named in the analysis; "
                        f"available columns: {list(map(str, data.columns))[:20]}.")
    frame = data.loc[:, used]  # a new frame (list selection copies; copy-on-write in pandas 3)
    na = frame.isna().sum()
    na = na[na > 0]
    n_dropped = 0
    if len(na):
        if not dropna:
            counts = ", ".join(f"{c} ({int(k)})" for c, k in na.items())
            raise DataError(f"missing values in used columns: {counts}; pass dropna=True to "
                            "analyse complete cases (the number dropped is then reported).")
        keep = frame.notna().all(axis=1)
        n_dropped = int((~keep).sum())
        frame = frame.loc[keep]

    a = _treatment_array(frame[treatment], treatment)
    y = numeric(frame[outcome], "outcome", outcome)
    if np.ptp(y) == 0:
        raise DataError(f"the outcome {outcome!r} is constant ({y[0]:g}) in the analysed rows; "
                        "there is no effect to estimate.")
    binary = bool(np.all((y == 0) | (y == 1)))

    x, names = design_columns(frame, covs, categorical=cats, squared=sqs,
                              require_variation=True)
    if terms:
        from causal._glm.terms import apply_terms

        x, names = apply_terms(frame, x, names, terms, covs, cats)
    _check_rank(x, list(names))
    codes = None
    if cluster is not None:
        from causal.data.clusters import cluster_codes

        codes = cluster_codes(frame[cluster], a, cluster)
    return Prepared(treatment=treatment, outcome=outcome, a=a, y=y, x=x, x_names=names,
                    index=frame.index.copy(), binary=binary,
                    n_dropped=n_dropped, covariates=covs, cluster=codes,
                    cluster_name=cluster)


def _treatment_array(series: pd.Series, name: str) -> np.ndarray:
    if not (series.dtype == bool or pd.api.types.is_numeric_dtype(series)):
        raise DataError(f"the treatment {name!r} must be coded 0/1; got dtype {series.dtype}.")
    a = series.to_numpy(dtype=float)
    if np.all((a == 0) | (a == 1)):  # fast path; np.unique only to describe bad input
        values = np.array([0.0, 1.0]) if a.min() != a.max() else a[:1]
    else:
        values = np.unique(a[~np.isnan(a)])
    if not np.all(np.isin(values, (0.0, 1.0))):
        shown = values[:6].tolist()
        raise DataError(f"the treatment {name!r} must be binary, coded 0/1; got values {shown}"
                        + (" ..." if len(values) > 6 else "") + ".")
    if len(values) < 2:
        raise DataError(f"the treatment {name!r} must have both values 0 and 1 present; "
                        f"got only {values[0]:g}.")
    return a


def _check_rank(x: np.ndarray, names: list[str]) -> None:
    """Raise naming the first column that is a linear combination of the earlier ones (and the
    intercept): sequential Cholesky of the correlation matrix, where a pivot below 1e-9 means
    the column's variance left after regressing it on the earlier columns is below 1e-9 of its
    total. One p x p Gram matrix, so cheap at any n."""
    if x.shape[1] == 0:
        return
    centred = x - x.mean(0)
    gram = centred.T @ centred
    scale = np.sqrt(np.diag(gram))
    corr = gram / np.outer(scale, scale)
    p = corr.shape[0]
    chol = np.zeros_like(corr)
    for j in range(p):
        pivot = corr[j, j] - chol[j, :j] @ chol[j, :j]
        if pivot < _RANK_TOL:
            raise DataError(f"the covariate column {names[j]!r} is perfectly collinear with "
                            "the other covariates (and the intercept); drop one of them.")
        chol[j, j] = np.sqrt(pivot)
        chol[j + 1:, j] = (corr[j + 1:, j] - chol[j + 1:, :j] @ chol[j, :j]) / chol[j, j]
