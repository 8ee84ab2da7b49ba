"""Argument checks and the original fit shared by every refuter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal._validation import check_alpha, check_count, check_random_state
from causal.errors import NoSolutionError, ParameterError
from causal.refute._engine import Problem, check_memory, prepare


@dataclass(frozen=True)
class Setup:
    problem: Problem
    rng: np.random.Generator
    original: float
    n_simulations: int
    alpha: float


def setup(data: pd.DataFrame, *, treatment: str, outcome: str, covariates: Sequence[str],
          estimator: str, n_simulations: Any, alpha: Any, random_state: Any,
          max_memory_bytes: int | None, extra_arrays: int = 0) -> Setup:
    from causal._budgets import check_size

    n_simulations = check_size(check_count(n_simulations, "n_simulations"), "MAX_REPLICATES",
                               "n_simulations")
    if n_simulations < 2:
        raise ParameterError(f"`n_simulations` must be at least 2; got {n_simulations}.")
    alpha = check_alpha(alpha)
    if max_memory_bytes is not None:
        max_memory_bytes = check_count(max_memory_bytes, "max_memory_bytes")
    rng = check_random_state(random_state)
    problem = prepare(data, treatment=treatment, outcome=outcome, covariates=covariates,
                      estimator=estimator)
    check_memory(n_simulations, problem.n, estimator, max_memory_bytes, extra_arrays)
    original, converged = problem.effects(1)
    if not converged[0] or not np.isfinite(original[0]):
        raise NoSolutionError(f"the {problem.label} fit on the original data did not converge "
                              "(separation or a singular design?); there is nothing to refute.")
    return Setup(problem=problem, rng=rng, original=float(original[0]),
                 n_simulations=n_simulations, alpha=alpha)
