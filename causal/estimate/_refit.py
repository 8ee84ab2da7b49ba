"""Refitting an estimator for many perturbed versions of one analysis (the refit hook).

A refuter perturbs the analysis R times: a new treatment vector (placebo, unobserved common
cause), a new outcome vector (dummy outcome), an extra covariate column (random common cause) or
frequency weights on the rows (bootstrap counts, subset indicators). :class:`Replicates` holds
those R perturbations; an estimator's ``_refit_batch(prep, measure, replicates, rng_state)``
returns the R effects on the measure's linear scale (log for ratios), NaN where a refit has no
unique answer.

:func:`refit_loop` is the fallback every estimator inherits: it builds each replicate's analysis
arrays (weights become repeated rows, which is exactly what frequency weights mean) and calls
the estimator's own ``_fit`` on them, starting its random generator from the state the original
fit started from (the same cross-fitting folds when the rows are the same). Estimators with a
batched form (IPW, outcome regression, AIPW with the GLM core's nuisance models) override the
hook with array operations over all replicates at once (:mod:`causal.estimate._batched_refits`,
:mod:`causal.estimate._aipw_refit`).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from causal.errors import CausalError, ParameterError
from causal.estimate._design import Prepared
from causal.estimate._fits import CoefficientFit, Recorder, _linear

#: name of the extra covariate a random-common-cause replicate adds to the design
EXTRA_NAME = "(random common cause)"


@dataclass(frozen=True)
class Replicates:
    """R perturbations of one analysis; each array is (R, n) or None (the data's own)."""

    n_rep: int
    t: np.ndarray | None = None
    y: np.ndarray | None = None
    extra: np.ndarray | None = None
    weights: np.ndarray | None = None

    @property
    def unperturbed(self) -> bool:
        return self.t is None and self.y is None and self.extra is None and self.weights is None

    def block(self, lo: int, hi: int) -> Replicates:
        """Replicates ``lo:hi`` (for memory-bounded blocks or for a worker's share)."""
        def cut(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[lo:hi]

        return Replicates(hi - lo, cut(self.t), cut(self.y), cut(self.extra), cut(self.weights))


def fit_rng(rng_state: Mapping[str, Any] | None) -> np.random.Generator:
    """A generator in the recorded state (a fresh, unseeded one when none was recorded)."""
    if rng_state is None:
        return np.random.default_rng()
    bit_generator = getattr(np.random, rng_state["bit_generator"])()
    bit_generator.state = {k: (dict(v) if isinstance(v, Mapping) else v)
                           for k, v in rng_state.items()}
    return np.random.Generator(bit_generator)


def linear_effect(fit: Any, measure: str) -> float:
    """The effect of one ``_fit`` result on the measure's linear scale."""
    if isinstance(fit, CoefficientFit):
        return float(fit.value)
    return float(_linear(measure, np.asarray(fit.mu, dtype=float)))


def replicate_prepared(prep: Prepared, reps: Replicates, r: int, *,
                       categorical_extra: bool = False) -> Prepared:
    """The analysis arrays of replicate ``r``; frequency weights become repeated rows.

    With ``categorical_extra`` (a saturated estimator, whose design may hold categories
    only) the random common cause ``U ~ N(0, 1)`` enters as the indicator ``U > 0``: a
    Bernoulli(1/2) category, independent of everything as ``U`` is, which splits each cell
    in two."""
    a = prep.a if reps.t is None else np.asarray(reps.t[r], dtype=float)
    y = prep.y if reps.y is None else np.asarray(reps.y[r], dtype=float)
    x, names, index, cluster = prep.x, prep.x_names, prep.index, prep.cluster
    if reps.extra is not None and categorical_extra:
        x = np.column_stack([x, (np.asarray(reps.extra[r]) > 0).astype(float)])
        names = (*names, f"{EXTRA_NAME}[1]")
    elif reps.extra is not None:
        x = np.column_stack([x, reps.extra[r]])
        names = (*names, EXTRA_NAME)
    if reps.weights is not None:
        w = np.asarray(reps.weights[r])
        counts = w.astype(np.int64)
        if not np.array_equal(counts, w) or (counts < 0).any():
            raise ParameterError("refits by repeated rows need integer frequency weights "
                                 "(bootstrap counts or 0/1 subsets); got fractional weights.")
        rows = np.repeat(np.arange(prep.n), counts)
        a, y, x, index = a[rows], y[rows], x[rows], index[rows]
        cluster = None if cluster is None else cluster[rows]
    return dataclasses.replace(prep, a=a, y=y, x=x, x_names=names, index=index,
                               cluster=cluster)


def refit_loop(estimator: Any, prep: Prepared, measure: str, reps: Replicates,
               rng_state: Mapping[str, Any] | None) -> np.ndarray:
    """One ``_fit`` per replicate (R effects, linear scale; NaN where a refit fails).

    A replicate fails when its data leave the estimator without an answer: one arm empty, a
    constant outcome, a singular design, a cross-fitting fold without both arms. Warnings from
    the refits (extreme weights, separation) are not repeated R times; the failures are
    counted by the refuter.
    """
    out = np.full(reps.n_rep, np.nan)
    for r in range(reps.n_rep):
        try:
            rep = replicate_prepared(prep, reps, r, categorical_extra=bool(
                getattr(estimator, "saturated", False)))
            if not (0 < rep.a.sum() < rep.n):
                continue
            if prep.binary and not np.all((rep.y == 0) | (rep.y == 1)):
                raise ParameterError("a binary outcome must stay 0/1 in every replicate.")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    fit = estimator._fit(rep, measure, fit_rng(rng_state), Recorder())
            out[r] = linear_effect(fit, measure)
        except ParameterError as error:
            if "frequency weights" in str(error) or "stay 0/1" in str(error):
                raise
        except (CausalError, ValueError, ZeroDivisionError, FloatingPointError,
                np.linalg.LinAlgError):
            pass
    return out
