"""The refuters' view of an :class:`~causal.estimate.EffectEstimate`: refit THAT estimator.

The estimate records its estimator's class and options, the analysis (covariates, categorical
and squared terms, dropna), the resolved measure and the random state its fit started from
(:class:`causal.estimate.result.RefitSpec`). :func:`problem_for` rebuilds the analysis arrays
from ``data`` with the estimator's own data checks, refits the unperturbed analysis with the
estimator's own ``_fit`` and requires the estimate back exactly (else the data or options are
not those of the estimate). Perturbed refits go through the estimator's batched hook
``_refit_batch`` in blocks of replicates small enough for their working arrays to stay in
cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal.errors import ParameterError
from causal.estimate._base import BaseEstimator
from causal.estimate._bootstrap import single_threaded_blas
from causal.estimate._design import Prepared, prepare
from causal.estimate._refit import Replicates, fit_rng, linear_effect
from causal.estimate.result import EffectEstimate
from causal.refute._blocks import even_chunks, refit_rows


@dataclass
class EstimateProblem:
    """One estimate's analysis, ready to be refitted under perturbations."""

    estimate: EffectEstimate
    estimator: BaseEstimator
    prep: Prepared
    measure: str
    rng_state: Any
    original: float = math.nan
    warm: dict = field(default_factory=dict, repr=False)  # the hook's cache

    # every estimator of causal.estimate takes a binary (0/1) treatment
    treatment_binary = True
    requires_binary_treatment = True

    @property
    def treatment(self) -> str:
        return self.prep.treatment

    @property
    def outcome(self) -> str:
        return self.prep.outcome

    @property
    def covariates(self) -> tuple[str, ...]:
        return self.prep.covariates

    @property
    def t(self) -> np.ndarray:
        return self.prep.a

    @property
    def y(self) -> np.ndarray:
        return self.prep.y

    @property
    def x(self) -> np.ndarray:
        return self.prep.x

    @property
    def n(self) -> int:
        return self.prep.n

    @property
    def outcome_binary(self) -> bool:
        return self.prep.binary

    @property
    def requires_binary_outcome(self) -> bool:
        # a binary outcome keeps its model (logistic, risks) only while it stays 0/1
        return self.prep.binary

    @property
    def is_ratio(self) -> bool:
        return self.measure in ("rr", "or")

    @property
    def null_value(self) -> float:
        return 1.0 if self.is_ratio else 0.0

    @property
    def label(self) -> str:
        return f"{self.estimate.method}: {self.estimate.label}"

    def _natural(self, linear: np.ndarray) -> np.ndarray:
        return np.exp(linear) if self.is_ratio else linear

    def __getstate__(self) -> dict:
        # sent to Dask workers without the hook's design products (rebuilt there)
        state = dict(self.__dict__)
        state["warm"] = {k: v for k, v in self.warm.items() if k not in ("blocks", "x1")}
        return state

    def effects(self, n_rep: int, *, t: np.ndarray | None = None, y: np.ndarray | None = None,
                extra: np.ndarray | None = None, weights: np.ndarray | None = None,
                permuted: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Effects (natural scale) of ``n_rep`` refits and whether each has an answer
        (``permuted`` is accepted for the refuters' draws; the estimators' hooks choose their
        own starting values)."""
        reps = Replicates(n_rep, _rows(t, n_rep), _rows(y, n_rep), _rows(extra, n_rep),
                          _rows(weights, n_rep))
        if reps.unperturbed:
            value = np.full(n_rep, self.original)
            return value, np.isfinite(value)
        linear = self.refit_block(reps)
        return self._natural(linear), np.isfinite(linear)

    def refit_block(self, reps: Replicates) -> np.ndarray:
        """Linear-scale effects of the replicates, in blocks of bounded memory."""
        out = np.empty(reps.n_rep)
        with single_threaded_blas():
            for lo, hi in even_chunks(reps.n_rep, refit_rows(self.n, self.prep.x.shape[1] + 1)):
                out[lo:hi] = self.estimator._refit_batch(self.prep, self.measure,
                                                         reps.block(lo, hi), self.rng_state,
                                                         self.warm)
        return out

    def for_outcome(self, data: pd.DataFrame, column: str) -> EstimateProblem:
        """The same analysis with ``column`` as the outcome (a negative control)."""
        spec = self.estimate.refit
        prep = prepare(data, treatment=self.prep.treatment, outcome=column, **spec.analysis())
        if prep.binary != self.prep.binary or prep.n != self.prep.n:
            raise ParameterError(f"`negative_control` {column!r} must be of the same type as "
                                 f"the outcome (binary or continuous) with the same rows.")
        problem = EstimateProblem(self.estimate, self.estimator, prep, self.measure,
                                  self.rng_state)
        problem.original = _refit_original(problem)
        return problem


def _rows(a: np.ndarray | None, n_rep: int) -> np.ndarray | None:
    if a is None:
        return None
    a = np.asarray(a, dtype=float)
    return np.broadcast_to(a, (n_rep, a.shape[-1])) if a.ndim == 1 else a


def _refit_original(problem: EstimateProblem) -> float:
    with single_threaded_blas():
        import warnings

        from causal.estimate._base import Recorder

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = problem.estimator._fit(problem.prep, problem.measure,
                                         fit_rng(problem.rng_state), Recorder())
    return float(problem._natural(np.asarray(linear_effect(fit, problem.measure))))


def problem_for(estimate: Any, data: pd.DataFrame) -> EstimateProblem:
    """Rebuild ``estimate``'s analysis on ``data`` and check the refit gives it back exactly."""
    spec = getattr(estimate, "refit", None)
    if not isinstance(estimate, EffectEstimate) or spec is None:
        raise ParameterError("`estimate` must be an EffectEstimate returned by an estimator of "
                             f"causal.estimate; got {type(estimate).__name__}.")
    estimator = spec.estimator()
    prep = prepare(data, treatment=estimate.treatment, outcome=estimate.outcome,
                   **spec.analysis())
    problem = EstimateProblem(estimate, estimator, prep, spec.measure, spec.rng_state)
    problem.original = _refit_original(problem)
    if not math.isclose(problem.original, estimate.estimate, rel_tol=1e-9, abs_tol=1e-12):
        raise ParameterError(
            f"`data` must be the data the estimate came from: refitting {problem.label} on it "
            f"gives {problem.original:.6g}, not the estimate's {estimate.estimate:.6g}.")
    return problem
