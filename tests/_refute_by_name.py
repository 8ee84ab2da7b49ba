"""The tests' short way to refute a model on named columns: estimate it, then refute THAT
estimate (refuters take an EffectEstimate only).

``"linear_regression"``: :class:`~causal.estimate.OutcomeRegression` with ``measure="md"`` (the
treatment coefficient of ``y ~ 1 + covariates + t`` by least squares); ``"logistic_regression"``:
the same with ``measure="or"`` (a conditional odds ratio, 0/1 outcome); ``"ipw"``:
:class:`~causal.estimate.IPW` with ``measure="md"`` (Hajek means of a logistic propensity model,
ATE, no trimming).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from causal.estimate import IPW, OutcomeRegression
from causal.refute._estimate_problem import EstimateProblem, problem_for

MODELS = {
    "linear_regression": lambda: OutcomeRegression(measure="md"),
    "logistic_regression": lambda: OutcomeRegression(measure="or"),
    "ipw": lambda: IPW(measure="md"),
}


def estimate_of(data: pd.DataFrame, *, treatment: str, outcome: str,
                covariates: Sequence[str] = (), estimator: str = "linear_regression") -> Any:
    return MODELS[estimator]().estimate(data, treatment=treatment, outcome=outcome,
                                        covariates=list(covariates))


def by_name(refuter: Any, data: pd.DataFrame, *, treatment: str, outcome: str,
            covariates: Sequence[str] = (), estimator: str = "linear_regression",
            **options: Any) -> Any:
    """``refuter(estimate, data, **options)`` of the named model's estimate on ``data``."""
    estimate = estimate_of(data, treatment=treatment, outcome=outcome, covariates=covariates,
                           estimator=estimator)
    return refuter(estimate, data, **options)


def prepare(data: pd.DataFrame, *, treatment: str, outcome: str, covariates: Sequence[str] = (),
            estimator: str = "linear_regression") -> EstimateProblem:
    """The refit problem of the named model's estimate (its ``effects`` refit replicates)."""
    return problem_for(estimate_of(data, treatment=treatment, outcome=outcome,
                                   covariates=covariates, estimator=estimator), data)
