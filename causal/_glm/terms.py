"""Model terms beyond main effects: products of covariates and B-spline bases.

A term is a string, as in an R model formula:

* ``"age*sex"`` or ``"age:sex"``: the product of every design column of ``age`` with every
  design column of ``sex`` (for a categorical covariate its indicators), named
  ``"age:sex[women]"``. Both must be adjustment covariates, whose main effects are already in
  the design; ``*`` and ``:`` therefore add the same columns here (R's ``a*b`` is
  ``a + b + a:b``). Products of all the categorical covariates make the model saturated.
* ``"bs(age, 4)"``: a cubic B-spline basis with 4 columns *replacing* the linear column of the
  numeric covariate ``age``: R's ``splines::bs(age, df = 4)`` (degree 3, ``df - 3`` interior
  knots at the quantiles of ``age``, boundary knots at its range, no intercept column);
  ``df >= 3``. Columns ``"bs(age, 4)[1]"``... The basis equals R's to rounding (checked in the
  tests).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from causal.errors import ParameterError

_SPLINE = re.compile(r"^\s*bs\(\s*(?P<name>[^,()]+?)\s*,\s*(?P<df>\d+)\s*\)\s*$")
_PRODUCT = re.compile(r"^\s*(?P<left>[^*:()]+?)\s*[*:]\s*(?P<right>[^*:()]+?)\s*$")


def _columns_of(name: str, names: Sequence[str]) -> list[int]:
    return [j for j, n in enumerate(names) if n == name or n.startswith(f"{name}[")]


def bspline_basis(values: np.ndarray, df: int) -> np.ndarray:
    """R's ``splines::bs(values, df = df)`` (cubic, no intercept): an (n, df) array."""
    from scipy.interpolate import BSpline

    inner = np.quantile(values, np.linspace(0, 1, df - 3 + 2)[1:-1])
    lo, hi = float(values.min()), float(values.max())
    knots = np.r_[[lo] * 4, inner, [hi] * 4]
    return BSpline.design_matrix(values, knots, 3).toarray()[:, 1:]


def apply_terms(frame: pd.DataFrame, x: np.ndarray, names: tuple[str, ...],
                terms: Sequence[str], covariates: Sequence[str],
                categorical: Sequence[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The design ``x`` (columns ``names``) with the ``terms`` added (module docstring)."""
    if isinstance(terms, str):
        terms = (terms,)
    blocks = [x[:, j] for j in range(x.shape[1])]
    out = list(names)
    for term in terms:
        if not isinstance(term, str):
            raise ParameterError(f"`terms` must be strings like \"age*sex\" or "
                                 f"\"bs(age, 4)\"; got {term!r}.")
        spline = _SPLINE.match(term)
        product = _PRODUCT.match(term)
        if spline:
            name, df = spline["name"], int(spline["df"])
            if name not in covariates or name in categorical:
                raise ParameterError(f"`terms`: {term!r} needs a numeric adjustment "
                                     f"covariate; {name!r} is "
                                     + ("categorical." if name in categorical else
                                        f"not among the covariates {list(covariates)}."))
            if df < 3:
                raise ParameterError(f"`terms`: {term!r} needs df >= 3 (a cubic spline); "
                                     f"got {df}.")
            j = out.index(name)
            values = blocks[j]
            if len(np.unique(values)) <= df:
                raise ParameterError(f"`terms`: {term!r} needs more than {df} distinct values "
                                     f"of {name!r}; got {len(np.unique(values))}.")
            del blocks[j], out[j]
            basis = bspline_basis(values, df)
            for k in range(df):
                blocks.insert(j + k, basis[:, k])
                out.insert(j + k, f"bs({name}, {df})[{k + 1}]")
        elif product:
            left, right = product["left"], product["right"]
            for side in (left, right):
                if side not in covariates:
                    raise ParameterError(f"`terms`: {term!r} must multiply adjustment "
                                         f"covariates; {side!r} is not among "
                                         f"{list(covariates)}.")
            if left == right:
                raise ParameterError(f"`terms`: {term!r} multiplies a covariate by itself; "
                                     "use `squared` for a square.")
            for i in _columns_of(left, out):
                for k in _columns_of(right, out):
                    blocks.append(blocks[i] * blocks[k])
                    out.append(f"{out[i]}:{out[k]}")
        else:
            raise ParameterError(f"`terms` must be products like \"age*sex\" (or \"age:sex\") "
                                 f"or splines like \"bs(age, 4)\"; got {term!r}.")
    design = np.column_stack(blocks) if blocks else np.empty((len(frame), 0))
    return design, tuple(out)
