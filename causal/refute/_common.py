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
    rows = min(n_simulations, block_rows(problem.n))
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


Draw = Callable[[Any, np.random.Generator, int], dict[str, Any]]


def block_rows(n: int) -> int:
    """Most replicates in one block: one (rows, n) float64 array within
    :data:`causal._budgets.REPLICATE_BLOCK_BYTES` (at least one)."""
    from causal._budgets import REPLICATE_BLOCK_BYTES

    return max(1, REPLICATE_BLOCK_BYTES // (8 * max(n, 1)))


def replicate_blocks(n_rep: int, n: int) -> list[tuple[int, int]]:
    """Replicate index ranges ``[lo, hi)``: as few blocks as :func:`block_rows` allows, of
    sizes differing by at most one (so blocks on separate workers take about as long).

    The blocking depends on ``n_rep`` and ``n`` only, never on the machine or the number of
    workers: it defines the random streams (:func:`run_blocks`).
    """
    count = -(-n_rep // block_rows(n))
    edges = [b * n_rep // count for b in range(count + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


@dataclass(frozen=True)
class Block:
    """One task: replicates ``lo:hi`` drawn by ``draw`` from ``seed`` (picklable)."""

    draw: Draw
    lo: int
    hi: int
    seed: Any


def run_block(problem: Problem | EstimateProblem, block: Block
              ) -> tuple[np.ndarray, np.ndarray]:
    """Replicates ``lo:hi`` of a refuter: draw their perturbations from the block's seed and
    refit them (effects on the natural scale, and whether each refit has an answer).

    A block depends only on the problem and its own seed, so blocks can run in any order, in
    this process or as Dask tasks on workers holding a copy of the problem, with the same
    results. The problem's cache of design products keeps only the latest design between
    blocks (memory: one n x q(q+1)/2 product matrix).
    """
    rng = np.random.default_rng(block.seed)
    try:
        return problem.effects(block.hi - block.lo, **block.draw(problem, rng,
                                                                 block.hi - block.lo))
    finally:
        del problem.warm.get("blocks", [])[1:]


def run_blocks(problem: Problem | EstimateProblem, n_rep: int, draw: Draw,
               rng: np.random.Generator, runner: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """All ``n_rep`` replicates, block by block (:func:`replicate_blocks`), where the
    replicate blocks of this context run (:func:`causal._parallel.current_runner`: in this
    process by default, Dask tasks inside :func:`causal._parallel.cluster`).

    Block ``b`` draws from the ``b``-th child of ``rng``'s seed sequence
    (:func:`causal._parallel.block_streams`), so the results depend on the seed and the
    blocking only: the same for any number of workers and equal to the in-process run. The
    problem goes to the workers once per run (:meth:`DaskRunner.share`), not with every task.
    """
    from causal._parallel import block_streams, current_runner

    blocks = replicate_blocks(n_rep, problem.n)
    streams = block_streams(rng, len(blocks))
    runner = current_runner(runner)
    tasks = [Block(draw, lo, hi, seed) for (lo, hi), seed in zip(blocks, streams, strict=True)]
    parts = runner.map(run_block, tasks, runner.share(problem), label="refuter")
    return (np.concatenate([e for e, _ in parts]), np.concatenate([c for _, c in parts]))
