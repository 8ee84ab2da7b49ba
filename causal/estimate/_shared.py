"""Fits shared by several estimators on one prepared design (a study's estimates).

:func:`causal.estimate.study.estimate_study` runs about ten estimators on one
:class:`~causal.estimate._design.Prepared` design; several of them fit the same model:

* the same estimator for two effect measures (an OR and a risk difference): the ``_fit`` hooks
  of estimators that set ``_measure_free_fit`` never look at the measure, which is applied
  afterwards on the two potential-outcome means, so the fit is done once and each measure's
  result is computed from it;
* the logistic propensity model ``P(A=1 | 1, X)`` on all rows, used by IPW (every SE
  convention) and propensity-score matching;
* the outcome model on ``(1, A, X)`` used by the outcome regression and by g-computation without
  treatment interactions.

Inside ``with shared_fits():`` these are computed once and reused; outside it (a single
``Estimator.estimate`` call, a refutation's refits) every call computes its own, as before.
Reuse is exact: a shared estimator fit is keyed by the estimator's class, every parameter but
the measure and the design object, and a fit that drew random numbers (AIPW's folds) is reused
only from the same generator state; the generator is left in the state the fit left it in and
the fit's warnings are issued and recorded again, so each estimate is identical to the one computed on its own, and still records how to
refit itself (:class:`~causal.estimate.result.RefitSpec`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from causal._glm import add_intercept, fit_linear, fit_logistic_one

_CACHE: ContextVar[dict | None] = ContextVar("causal_shared_fits", default=None)


@contextmanager
def shared_fits() -> Iterator[dict]:
    """Share fits between the estimators run inside the block (see the module docstring)."""
    cache: dict = {}
    token = _CACHE.set(cache)
    try:
        yield cache
    finally:
        _CACHE.reset(token)
        cache.clear()


def _memo(key: tuple, keep: Any, compute: Callable[[], Any]) -> Any:
    cache = _CACHE.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = (keep, compute())  # ``keep`` holds the objects whose ids are in the key
    return cache[key][1]


def _token(value: Any) -> Any:
    """A hashable stand-in for a parameter value: itself when it is a plain value, else its
    identity (the object is kept alive by the cache, so the id cannot be reused)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return (type(value).__name__, *map(_token, value))
    return ("id", id(value))


def propensity_fit(prep: Any) -> tuple[np.ndarray, Any]:
    """``(Z, fit)``: the design ``Z = [1, X]`` and the logistic fit of the treatment on it."""
    def compute() -> tuple[np.ndarray, Any]:
        xz = add_intercept(prep.x)
        return xz, fit_logistic_one(xz, prep.a)

    return _memo(("propensity", id(prep)), prep, compute)


def outcome_fit(prep: Any, z: Callable[[], np.ndarray], columns: tuple[str, ...]
                ) -> tuple[np.ndarray, Any]:
    """``(Z, fit)``: the outcome GLM (logistic for a 0/1 outcome, else least squares) on the
    design ``z()`` whose columns are named ``columns``."""
    def compute() -> tuple[np.ndarray, Any]:
        design = z()
        return design, (fit_logistic_one if prep.binary else fit_linear)(design, prep.y)

    return _memo(("outcome", id(prep), columns), prep, compute)


def estimator_fit(estimator: Any, prep: Any, measure: str, rng: np.random.Generator,
                  rec: Any) -> Any:
    """``estimator._fit(prep, measure, rng, rec)``, shared between measures (module docstring)."""
    cache = _CACHE.get()
    if cache is None or not getattr(estimator, "_measure_free_fit", False):
        return estimator._fit(prep, measure, rng, rec)
    params = estimator.get_params()
    params.pop("measure", None)
    key = ("fit", type(estimator), id(prep), tuple((k, _token(v)) for k, v in params.items()))
    before = repr(rng.bit_generator.state)
    hit = cache.get(key)
    # a fit that drew random numbers is reused only from the same generator state
    if hit is None or (hit[1][3] != hit[1][4] and hit[1][3] != before):
        start = len(rec.issued)
        fit = estimator._fit(prep, measure, rng, rec)
        cache[key] = ((prep, params), (_copy(fit), rec.issued[start:],
                                       rng.bit_generator.state, before,
                                       repr(rng.bit_generator.state)))
        return fit
    fit, issued, after, drew_from, drew_to = hit[1]
    for category, message in issued:
        rec.warn(category, message)
    if drew_from != drew_to:
        rng.bit_generator.state = after
    return _copy(fit)


def _copy(fit: Any) -> Any:
    """A copy whose notes and diagnostics can be changed without touching the cached fit (the
    arrays inside are shared and never written to)."""
    return dataclasses.replace(fit, notes=list(fit.notes), diagnostics=dict(fit.diagnostics))
