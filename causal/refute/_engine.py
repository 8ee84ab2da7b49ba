"""The estimators the refuters can refit in batches, and the data checks they share.

Three estimators are supported, all refittable for many replicates at once
(:mod:`causal._glm`):

* ``"linear_regression"``: the treatment coefficient of ``outcome ~ 1 + treatment +
  covariates`` by least squares (a mean difference; a risk difference for a 0/1 outcome, i.e. a
  linear probability model);
* ``"logistic_regression"``: the treatment coefficient of a logistic outcome model, reported
  as a *conditional* odds ratio (binary outcome);
* ``"ipw"``: inverse-probability weighting for the ATE with a logistic propensity model on the
  covariates and normalised (Hajek) weights, ``mu_a = sum(w_i Y_i [T_i = a]) / sum(w_i [T_i =
  a])``, ``w_i = 1/e(X_i)`` for the treated and ``1/(1 - e(X_i))`` for controls; reported as
  ``mu_1 - mu_0`` (binary treatment). No trimming or clipping of the propensity score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._glm import fit_logistic, fit_ols
from causal._validation import check_literal
from causal.errors import DataError, ParameterError
from causal.estimate._batched_refits import hajek_means
from causal.refute._blocks import even_chunks, refit_rows
from causal.refute._draws import bootstrap_counts, permute_rows, subset_mask

__all__ = ["Problem", "prepare", "check_memory", "refit_rows", "bootstrap_counts",
           "permute_rows", "subset_mask"]

Estimator = Literal["linear_regression", "logistic_regression", "ipw"]
ESTIMATORS: tuple[str, ...] = ("linear_regression", "logistic_regression", "ipw")

#: (R, n) float64 arrays alive at once while refitting, by estimator (a conservative count)
ARRAYS_PER_ESTIMATOR = {"linear_regression": 8, "logistic_regression": 12, "ipw": 14}
#: default memory ceiling when the machine's available memory cannot be read
DEFAULT_MAX_BYTES = 4 * 1024**3


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return DEFAULT_MAX_BYTES


def _human(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def check_memory(n_rep: int, n: int, estimator: str, max_memory_bytes: int | None,
                 extra_arrays: int = 0) -> int:
    """Refuse a request whose (R, n) working arrays would not fit; return the estimate (bytes).

    ``bytes = R x n x 8 x arrays``, with ``arrays`` from :data:`ARRAYS_PER_ESTIMATOR` plus
    ``extra_arrays``. The ceiling is ``max_memory_bytes`` or half the available memory.
    """
    arrays = ARRAYS_PER_ESTIMATOR[estimator] + extra_arrays
    needed = n_rep * n * 8 * arrays
    ceiling = max_memory_bytes if max_memory_bytes is not None else _available_bytes() // 2
    if needed > ceiling:
        raise ParameterError(
            f"`n_simulations` = {n_rep} at n = {n} needs {needed:,} bytes ({_human(needed)}: "
            f"{n_rep} x {n} x 8 bytes x {arrays} arrays), above the limit of {ceiling:,} bytes "
            f"({_human(ceiling)}); use fewer simulations or raise `max_memory_bytes`."
        )
    return needed


def _numeric(frame: pd.DataFrame, column: str, role: str) -> np.ndarray:
    series = frame[column]
    if series.dtype == bool or pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, copy=True)
    elif pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, copy=True)
    else:
        raise DataError(f"{role} column {column!r} must be numeric or bool; got dtype "
                        f"{series.dtype}. Encode it as numbers (e.g. dummy columns) first.")
    if not np.all(np.isfinite(values)):
        raise DataError(f"{role} column {column!r} has {int(np.sum(~np.isfinite(values)))} "
                        "missing or infinite values; drop or impute them before refuting.")
    return values


def _is_binary(values: np.ndarray) -> bool:
    return bool(np.all((values == 0) | (values == 1)))


@dataclass(frozen=True)
class Problem:
    """Validated arrays for one estimate (copies: the caller's DataFrame is never touched)."""

    estimator: str
    treatment: str
    outcome: str
    covariates: tuple[str, ...]
    x: np.ndarray  # (n, p): intercept + covariates
    t: np.ndarray
    y: np.ndarray
    treatment_binary: bool
    outcome_binary: bool
    #: per-refutation cache: coefficients of the fit on the data as given (Newton starting
    #: values) and the shared design blocks (see causal._glm.designs._shared_block)
    warm: dict = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict:
        # sent to Dask workers: the starting values go, the design products (n x q(q+1)/2,
        # rebuilt on the worker) do not
        state = dict(self.__dict__)
        state["warm"] = {k: v for k, v in self.warm.items() if k != "blocks"}
        return state

    @property
    def n(self) -> int:
        return self.x.shape[0]

    @property
    def memory_key(self) -> str:
        return self.estimator

    @property
    def requires_binary_treatment(self) -> bool:
        return self.estimator == "ipw"

    @property
    def requires_binary_outcome(self) -> bool:
        return self.estimator == "logistic_regression"

    def for_outcome(self, data: pd.DataFrame, column: str) -> Problem:
        """The same model and design with ``column`` as the outcome (a negative control)."""
        from dataclasses import replace

        nc = prepare(data, treatment=self.treatment, outcome=column,
                     covariates=self.covariates, estimator=self.estimator)
        return replace(nc, x=self.x, t=self.t)

    @property
    def is_ratio(self) -> bool:
        return self.estimator == "logistic_regression"

    @property
    def null_value(self) -> float:
        return 1.0 if self.is_ratio else 0.0

    @property
    def measure(self) -> str:
        if self.estimator == "logistic_regression":
            return "conditional OR"
        difference = "RD" if self.outcome_binary else "MD"
        return f"ATE ({difference})" if self.estimator == "ipw" else f"coefficient ({difference})"

    @property
    def label(self) -> str:
        names = {"linear_regression": "linear regression",
                 "logistic_regression": "logistic regression", "ipw": "IPW (Hajek)"}
        return f"{names[self.estimator]}: {self.measure}"

    def effects(self, n_rep: int, *, t: np.ndarray | None = None, y: np.ndarray | None = None,
                extra: np.ndarray | None = None, weights: np.ndarray | None = None,
                permuted: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Refit for ``n_rep`` replicates; return effects on the natural scale and convergence.

        ``t``, ``y``, ``extra`` (an added covariate) and ``weights`` are (R, n) arrays or None
        (use the data's own). The effect is the treatment coefficient (exp for an OR) or the IPW
        difference. ``permuted``: the new ``t`` or ``y`` is a random permutation, unrelated to
        the covariates, so Newton starts from the intercept-only fit for that response rather
        than from the original fit (only the starting values change, not the answer).
        """
        if self.estimator == "linear_regression" or n_rep == 1:
            with _single_threaded_blas(n_rep * self.n):
                return self._effects_block(n_rep, t=t, y=y, extra=extra, weights=weights,
                                           permuted=permuted)
        with _single_threaded_blas(n_rep * self.n):
            return self._blocks(n_rep, t, y, extra, weights, permuted)

    def _blocks(self, n_rep: int, t: np.ndarray | None, y: np.ndarray | None,
                extra: np.ndarray | None, weights: np.ndarray | None, permuted: bool
                ) -> tuple[np.ndarray, np.ndarray]:
        # Iterative fits run over blocks of replicates small enough for their working arrays
        # to stay in cache, but large enough to amortise reading a large design (refit_rows)
        effects, converged = [], []
        rows = refit_rows(self.n, self.x.shape[1] + 1, held=True)  # refits on held information
        for lo, hi in even_chunks(n_rep, rows):
            block = [None if a is None or np.ndim(a) == 1 else a[lo:hi]
                     for a in (t, y, extra, weights)]
            e, c = self._effects_block(hi - lo, t=block[0], y=block[1], extra=block[2],
                                       weights=block[3], permuted=permuted)
            effects.append(e)
            converged.append(c)
        return np.concatenate(effects), np.concatenate(converged)

    def _effects_block(self, n_rep: int, *, t: np.ndarray | None, y: np.ndarray | None,
                       extra: np.ndarray | None, weights: np.ndarray | None,
                       permuted: bool = False) -> tuple[np.ndarray, np.ndarray]:
        original = t is None and y is None and extra is None and weights is None
        treatment_changed = t is not None
        outcome_permuted = permuted and y is not None
        t = self.t if t is None else t
        y = self.y if y is None else y
        extras = [] if extra is None else [extra]
        p = self.x.shape[1]
        if self.estimator == "linear_regression":
            fit = fit_ols(self.x, [t, *extras], y, weights, n_rep, cache=self.warm)
            return fit.coef[:, p], fit.converged
        if self.estimator == "logistic_regression":
            if outcome_permuted:  # unrelated to everything: the intercept-only fit is its limit
                start = self._intercept_start(y, p + 1)
            elif permuted and treatment_changed:  # a placebo: the fit without treatment is
                start = np.append(self._without_treatment(), 0.0)
            else:
                start = self.warm.get("outcome", self._intercept_start(y, p + 1)).copy()
                if treatment_changed:
                    start[p] = 0.0
            start = np.concatenate([start, np.zeros(len(extras))])
            fit = fit_logistic(self.x, [t, *extras], y, weights, n_rep, start=start,
                               tol=_tolerance(n_rep), cache=self.warm, held=not original)
            if original:
                self.warm["outcome"] = fit.coef[0].copy()
            return np.exp(fit.coef[:, p]), fit.converged
        return self._ipw(n_rep, t, y, extras, weights, original, treatment_changed,
                         permuted and treatment_changed)

    def _without_treatment(self) -> np.ndarray:
        """Coefficients of the logistic outcome model on the covariates alone (fitted once):
        a permuted treatment is independent of outcome and covariates, so a placebo refit
        tends to them with a treatment coefficient of 0 (Newton's starting values)."""
        if "without_treatment" not in self.warm:
            fit = fit_logistic(self.x, [], self.y, None, 1,
                               start=self._intercept_start(self.y, self.x.shape[1]), tol=1e-9)
            self.warm["without_treatment"] = (
                fit.coef[0].copy() if fit.converged[0]
                else self._intercept_start(self.y, self.x.shape[1]))
        return self.warm["without_treatment"]

    @staticmethod
    def _intercept_start(response: np.ndarray, size: int) -> np.ndarray:
        """Starting values of an intercept-only logistic fit (the logit of the mean)."""
        start = np.zeros(size)
        mean = float(np.clip(np.mean(response), 1e-6, 1 - 1e-6))
        start[0] = np.log(mean / (1 - mean))
        return start

    def _ipw(self, n_rep: int, t: np.ndarray, y: np.ndarray, extras: list[np.ndarray],
             weights: np.ndarray | None, original: bool, treatment_changed: bool,
             placebo: bool) -> tuple[np.ndarray, np.ndarray]:
        p = self.x.shape[1]
        # a permuted (placebo) treatment has no covariate effects: start from the intercept;
        # a perturbed one (unobserved common cause) starts from the original fit
        if placebo or "propensity" not in self.warm:
            start = self._intercept_start(t, p + len(extras))
        else:
            start = np.concatenate([self.warm["propensity"], np.zeros(len(extras))])
        # the propensity model is the same in every replicate when only the outcome changes
        shared = not treatment_changed and not extras and weights is None
        if shared and not original and "propensity" in self.warm:
            coef, ok = self.warm["propensity"][None, :], np.ones(1, dtype=bool)
        else:
            fit = fit_logistic(self.x, extras, t, weights, 1 if shared else n_rep, start=start,
                               tol=_tolerance(1 if original else n_rep), cache=self.warm,
                               held=not original)
            coef, ok = fit.coef, fit.converged
        if original:
            self.warm["propensity"] = coef[0].copy()
        eta = coef[:, :p] @ self.x.T
        for j, column in enumerate(extras):
            eta += coef[:, p + j, None] * column
        mu1, mu0 = hajek_means(eta, t, y, "ate", weights, shared, n_rep)
        if shared:
            ok = np.repeat(ok, n_rep)
        effect = mu1 - mu0  # a non-finite effect (overflowing weights) counts as a failed fit
        return effect, ok & np.isfinite(effect)


def _single_threaded_blas(size: int) -> Any:
    """The project's BLAS guard (:func:`causal._glm.single_threaded_blas`)."""
    from causal._glm import single_threaded_blas

    return single_threaded_blas(size)


def _tolerance(n_rep: int) -> float:
    """Tolerance of the GLM core's convergence rule (the estimated error left in the
    equilibrated coefficients, :mod:`causal._glm.newton`): about 1e-8 in the refits, far below
    their spread; the single fit on the original data is taken to 1e-12."""
    return 1e-12 if n_rep == 1 else 1e-8


def prepare(data: pd.DataFrame, *, treatment: str, outcome: str,
            covariates: Sequence[str] = (), estimator: str = "linear_regression") -> Problem:
    """Check the data and the estimator's requirements; copy the columns into arrays."""
    check_literal(estimator, "estimator", ESTIMATORS)
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    if isinstance(covariates, str):
        covariates = (covariates,)
    covariates = tuple(covariates)
    for role, names in (("treatment", (treatment,)), ("outcome", (outcome,)),
                        ("covariates", covariates)):
        missing = [c for c in names if c not in data.columns]
        if missing:
            raise DataError(f"`{role}` names columns not in the data: {missing}; the data has "
                            f"{list(data.columns)[:12]}.")
    if treatment == outcome or treatment in covariates or outcome in covariates:
        raise ParameterError("`treatment`, `outcome` and `covariates` must name different "
                             f"columns; got treatment={treatment!r}, outcome={outcome!r}, "
                             f"covariates={list(covariates)}.")
    if len(data) < len(covariates) + 3:
        raise DataError(f"`data` has {len(data)} rows, too few for {len(covariates)} covariates.")
    t = _numeric(data, treatment, "treatment")
    y = _numeric(data, outcome, "outcome")
    x = np.column_stack([np.ones(len(data))] + [_numeric(data, c, "covariate")
                                                 for c in covariates])
    problem = Problem(estimator=estimator, treatment=treatment, outcome=outcome,
                      covariates=covariates, x=x, t=t, y=y, treatment_binary=_is_binary(t),
                      outcome_binary=_is_binary(y))
    if estimator == "ipw" and not problem.treatment_binary:
        raise ParameterError(f"`estimator`='ipw' needs a binary (0/1 or bool) treatment; "
                             f"column {treatment!r} has other values.")
    if estimator == "logistic_regression" and not problem.outcome_binary:
        raise ParameterError(f"`estimator`='logistic_regression' needs a binary (0/1 or bool) "
                             f"outcome; column {outcome!r} has other values.")
    if np.ptp(t) == 0:
        raise DataError(f"treatment column {treatment!r} is constant; there is no effect to "
                        "estimate.")
    return problem
