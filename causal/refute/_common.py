"""Argument checks and the original fit shared by every refuter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal._validation import check_alpha, check_count, check_random_state
from causal.errors import NoSolutionError, ParameterError
from causal.estimate.result import EffectEstimate
from causal.refute._engine import Problem, check_memory, prepare
from causal.refute._estimate_problem import EstimateProblem, problem_for


@dataclass(frozen=True)
class Setup:
    problem: Problem
    rng: np.random.Generator
    original: float
    n_simulations: int
    alpha: float


def setup(data: pd.DataFrame, *, treatment: str | None, outcome: str | None, covariates: Sequence[str],
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
    problem = problem_of(data, estimator, treatment=treatment, outcome=outcome,
                         covariates=covariates)
    # replicates are drawn and refitted in blocks (run_blocks): one block's arrays are alive
    rows = min(n_simulations, max(1, DRAW_ELEMENTS // max(problem.n, 1)))
    check_memory(rows, problem.n, problem.memory_key, max_memory_bytes, extra_arrays)
    original = original_of(problem)
    return Setup(problem=problem, rng=rng, original=original,
                 n_simulations=n_simulations, alpha=alpha)


def problem_of(data: pd.DataFrame, estimator: Any, *, treatment: str | None,
               outcome: str | None, covariates: Sequence[str]) -> Problem | EstimateProblem:
    """The refit problem: an estimate's own estimator, one already built (shared by the
    refuters of one suite), or a model named by string on the given columns."""
    if isinstance(estimator, Problem | EstimateProblem):
        return estimator
    if isinstance(estimator, EffectEstimate):
        return problem_for(estimator, data)
    return prepare(data, treatment=treatment, outcome=outcome, covariates=covariates,
                   estimator=estimator)


def original_of(problem: Problem | EstimateProblem) -> float:
    """The estimate on the data as given, fitted once per problem."""
    if isinstance(problem, EstimateProblem):
        return problem.original
    if "original" not in problem.warm:
        original, converged = problem.effects(1)
        if not converged[0] or not np.isfinite(original[0]):
            raise NoSolutionError(f"the {problem.label} fit on the original data did not "
                                  "converge (separation or a singular design?); there is "
                                  "nothing to refute.")
        problem.warm["original"] = float(original[0])
    return problem.warm["original"]


#: float64 elements of one (R, n) perturbation array drawn at once (2^22: 32 MB), so the
#: replicates' draws never need R x n memory at large n
DRAW_ELEMENTS = 2**22

Draw = Callable[[np.random.Generator, int], dict[str, np.ndarray]]


def replicate_blocks(n_rep: int, n: int) -> list[tuple[int, int]]:
    """Replicate index ranges ``[lo, hi)`` of at most ``DRAW_ELEMENTS // n`` replicates."""
    rows = max(1, DRAW_ELEMENTS // max(n, 1))
    return [(lo, min(lo + rows, n_rep)) for lo in range(0, n_rep, rows)]


def run_block(problem: Problem | EstimateProblem, draw: Draw, lo: int, hi: int,
              seed: Any) -> tuple[np.ndarray, np.ndarray]:
    """Replicates ``lo:hi`` of a refuter: draw their perturbations from ``seed`` and refit.

    ``draw(rng, size)`` returns the perturbation arrays (``t``, ``y``, ``extra``,
    ``weights``: (size, n)). A block depends only on its seed, so blocks can run on separate
    workers (e.g. Dask tasks) and the results do not depend on how many there are.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return problem.effects(hi - lo, **draw(rng, hi - lo))


def run_blocks(problem: Problem | EstimateProblem, n_rep: int, draw: Draw,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All ``n_rep`` replicates, block by block (:func:`replicate_blocks`).

    One block (R x n up to 2^22) draws from ``rng`` itself; with several, block ``b`` draws from
    ``default_rng([root, b])`` with ``root`` drawn once from ``rng``, so memory stays at one
    block's arrays at any n.
    """
    blocks = replicate_blocks(n_rep, problem.n)
    if len(blocks) == 1:
        return run_block(problem, draw, 0, n_rep, rng)
    root = int(rng.integers(2**63 - 1))
    parts = [run_block(problem, draw, lo, hi, [root, b]) for b, (lo, hi) in enumerate(blocks)]
    return (np.concatenate([e for e, _ in parts]), np.concatenate([c for _, c in parts]))
