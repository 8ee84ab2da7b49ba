"""Benchmarking a group of covariates as one (Cinelli & Hazlett 2020, sec. 6.1; R sensemakr's
``benchmark_covariates`` given a named list).

A group's partial R² with a variable, given everything else in the regression, is the share of
the residual variance the group explains together. sensemakr's ``group_partial_r2`` computes it
from the group's F statistic (``p`` coefficients, residual degrees of freedom ``dof``) as
``F p / (F p + dof)``; ``F p`` is the Wald statistic of the group with classical covariance,
and the ratio equals ``(RSS_without - RSS_with) / RSS_without`` for least squares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from causal._validation import check_count, check_nonnegative, check_positive
from causal.errors import ParameterError


def group_partial_r2(f_statistic: float, n_coefficients: int, dof: float) -> float:
    """Partial R² of a group of ``n_coefficients`` regressors from its F statistic.

    Parameters
    ----------
    f_statistic : float
        F statistic of the joint test that the group's coefficients are zero (>= 0).
    n_coefficients : int
        Number of coefficients in the group (numerator degrees of freedom, >= 1).
    dof : float
        Residual degrees of freedom of the regression.

    Returns
    -------
    float
        ``F p / (F p + dof)``.

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67, sec. 6.1 (R sensemakr ``group_partial_r2``).

    Examples
    --------
    >>> round(group_partial_r2(10, 4, 100), 6)
    0.285714
    """
    f = check_nonnegative(f_statistic, "f_statistic")
    p = check_count(n_coefficients, "n_coefficients")
    if p < 1:
        raise ParameterError(f"`n_coefficients` must be at least 1; got {p}.")
    dof = check_positive(dof, "dof", what="residual degrees of freedom")
    return f * p / (f * p + dof)


def benchmark_groups(benchmarks: Any, covariates: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Benchmarks as ``{label: covariates}``: a name stands alone, a sequence of names is one
    group labelled ``"a+b"``, a mapping gives its own labels (R sensemakr's named list)."""
    if isinstance(benchmarks, str):
        benchmarks = (benchmarks,)
    if isinstance(benchmarks, Mapping):
        items = [(str(k), (v,) if isinstance(v, str) else tuple(v))
                 for k, v in benchmarks.items()]
    else:
        items = [((b, (b,)) if isinstance(b, str) else ("+".join(map(str, b)), tuple(b)))
                 for b in benchmarks]
    groups: dict[str, tuple[str, ...]] = {}
    allowed = tuple(covariates)
    for label, members in items:
        if not members:
            raise ParameterError(f"benchmark group {label!r} must name at least one covariate; "
                                 "got none.")
        unknown = [m for m in members if m not in allowed]
        if unknown:
            raise ParameterError(f"`benchmarks` must be among the covariates {list(allowed)}; "
                                 f"got {unknown}.")
        if label in groups:
            raise ParameterError(f"`benchmarks` must have distinct labels; got {label!r} twice.")
        groups[label] = tuple(dict.fromkeys(members))
    return groups


