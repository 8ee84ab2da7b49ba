"""Argument checks and the original fit shared by every refuter (the replicate blocks they run
are in :mod:`causal.refute._blocks`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal._validation import check_alpha, check_count, check_random_state
from causal.errors import ParameterError
from causal.estimate.result import EffectEstimate
from causal.refute._blocks import (
    Block,
    block_rows,
    check_memory,
    replicate_blocks,
    run_block,
    run_blocks,
)
from causal.refute._estimate_problem import EstimateProblem, problem_for
from causal.refute._result import RefutationResult, finish, location_check


@dataclass(frozen=True)
class Setup:
    """A refuter's checked arguments, its refit problem and the original estimate."""

    problem: EstimateProblem
    rng: np.random.Generator
    original: float
    n_simulations: int
    alpha: float
    random_state: Any

    def location(self, refuted: np.ndarray, converged: np.ndarray, inside: str,
                 target: float | None = None) -> tuple[float, bool, float, str]:
        """Is ``target`` (default: the original estimate) inside the refitted estimates?
        ``(p_value, passed, centre, rule)``; ``inside`` completes the rule's "passed if"."""
        target = self.original if target is None else target
        p_value, passed, centre = location_check(refuted, converged, target,
                                                 self.problem.is_ratio, self.alpha)
        rule = f"passed if {inside} (two-sided Monte Carlo p >= {self.alpha:g})"
        return p_value, passed, centre, rule

    def finish(self, *, refuted: np.ndarray, converged: np.ndarray,
               **fields: Any) -> RefutationResult:
        """The refuter's result, with this setup's problem, original estimate, alpha and seed."""
        return finish(problem=self.problem, original=self.original, refuted=refuted,
                      converged=converged, alpha=self.alpha, random_state=self.random_state,
                      **fields)


def setup(estimate: Any, data: pd.DataFrame, *, n_simulations: Any, alpha: Any,
          random_state: Any, max_memory_bytes: int | None, extra_arrays: int = 0) -> Setup:
    from causal._budgets import check_size

    n_simulations = check_size(check_count(n_simulations, "n_simulations"), "MAX_REPLICATES",
                               "n_simulations")
    if n_simulations < 2:
        raise ParameterError(f"`n_simulations` must be at least 2; got {n_simulations}.")
    alpha = check_alpha(alpha)
    if max_memory_bytes is not None:
        max_memory_bytes = check_count(max_memory_bytes, "max_memory_bytes")
    rng = check_random_state(random_state)
    problem = problem_of(estimate, data)
    # replicates are drawn and refitted in blocks (run_blocks): one block's arrays are alive
    rows = min(n_simulations, block_rows(problem.n))
    check_memory(rows, problem.n, max_memory_bytes, extra_arrays)
    return Setup(problem=problem, rng=rng, original=problem.original,
                 n_simulations=n_simulations, alpha=alpha, random_state=random_state)


def problem_of(estimate: Any, data: pd.DataFrame) -> EstimateProblem:
    """The refit problem of ``estimate`` on ``data``: its own estimator, rebuilt and checked
    (:func:`~causal.refute._estimate_problem.problem_for`), or one already built (shared by
    the refuters of one suite)."""
    if isinstance(estimate, EstimateProblem):
        return estimate
    if not isinstance(estimate, EffectEstimate):
        raise ParameterError("`estimate` must be an EffectEstimate returned by an estimator of "
                             f"causal.estimate; got {type(estimate).__name__}.")
    return problem_for(estimate, data)


__all__ = ["Block", "Setup", "block_rows", "problem_of", "replicate_blocks", "run_block",
           "run_blocks", "setup"]
