"""Missing not at random: a delta-adjusted tipping-point analysis for a missing outcome.

Multiple imputation assumes the outcome is missing at random (MAR) given the treatment and
covariates. :func:`delta_tipping` asks how far from MAR the missing outcomes would have to be
to change the conclusion: the imputed outcomes are shifted by ``delta`` (on the log-odds scale
for a 0/1 outcome, on the outcome's own scale for a number) in the treated arm, the control arm
or both, the analysis is repeated on every imputed data set and pooled by Rubin's rules, and
the tipping point is the ``delta`` at which the pooled estimate, or the limit of its interval
nearest the null, reaches the null. ``delta = 0`` is the MAR analysis; ``delta < 0`` in the
treated arm says treated people whose outcome is missing did worse than MAR predicts.

The imputation of the outcome is model-based here (the predictive-mean-matching draws of
:mod:`causal.data.impute` have no log-odds to shift): in each imputed data set (covariates
completed by chained equations) a logistic (or linear) model of the outcome on the treatment
and covariates is fitted to the rows with an observed outcome, its coefficients are drawn from
their approximate posterior N(beta_hat, V) (and, for a number, the residual variance from its
scaled inverse chi-square), and each missing outcome is drawn given its linear predictor plus
``delta``. The same uniform (or normal) numbers are used for every ``delta`` (common random
numbers), so the curve of the estimate against ``delta`` is not jagged by fresh noise.

References
----------
Carpenter, J. R., & Kenward, M. G. (2013). *Multiple Imputation and its Application*, ch. 10
(delta-adjustment / pattern-mixture sensitivity analysis). Leacy, F. P. et al. (2017).
Analyses of sensitivity to the missing-at-random assumption using multiple imputation with
delta adjustment. *Am J Epidemiol* 185(4):304-315. van Buuren (2018), section 3.8.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._validation import check_literal
from causal.errors import ParameterError

__all__ = ["DeltaTipping", "delta_tipping"]

Arm = Literal["treated", "control", "both"]


@dataclass(frozen=True)
class DeltaTipping:
    """The pooled estimate against the MNAR shift ``delta`` of the missing outcomes.

    Attributes
    ----------
    deltas : ndarray
        The shifts (log-odds for a 0/1 outcome, outcome units for a number).
    n_shifted : int
        Rows whose imputed outcome is shifted.
    estimate, ci_lower, ci_upper : ndarray
        Pooled estimate and t interval at each delta (natural scale: an OR for ``or``).
    null : float
        1 for a ratio, 0 for a difference.
    arm : {"treated", "control", "both"}
        Whose missing outcomes are shifted.
    tipping_estimate, tipping_ci : float or None
        The delta nearest 0 at which the estimate, and the CI limit nearest the null, reach
        the null (linear interpolation between grid points); None when not within the grid.
    n_missing : dict
        Missing outcomes per arm.
    m, seed : int
    scale : str
        What delta is measured in.
    """

    deltas: np.ndarray
    estimate: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    null: float
    measure: str
    arm: str
    tipping_estimate: float | None
    tipping_ci: float | None
    n_missing: dict[str, int]
    n_shifted: int
    m: int
    seed: int | None
    scale: str
    method: str

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"delta": self.deltas, "estimate": self.estimate,
                             "ci_lower": self.ci_lower, "ci_upper": self.ci_upper})

    def sentence(self) -> str:
        who = {"treated": "treated", "control": "control", "both": "all"}[self.arm]
        def said(value: float | None, what: str) -> str:
            if value is None:
                return (f"{what} does not reach the null for any delta in "
                        f"[{self.deltas.min():g}, {self.deltas.max():g}]")
            return f"{what} reaches the null at delta = {value:.2f}"
        return (f"Shifting the imputed outcomes of the {self.n_shifted} "
                f"{who}-arm rows with a missing outcome by delta ({self.scale}; 0 = missing "
                f"at random): {said(self.tipping_ci, 'the CI limit nearest the null')}; "
                f"{said(self.tipping_estimate, 'the estimate')} ({self.m} imputations, seed "
                f"{self.seed}).")


def _crossing(deltas: np.ndarray, values: np.ndarray) -> float | None:
    """The root of ``values`` (against ``deltas``) nearest delta = 0, linearly interpolated."""
    best = None
    for j in range(len(deltas) - 1):
        a, b = values[j], values[j + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            root = deltas[j]
        elif a * b < 0:
            root = deltas[j] + (deltas[j + 1] - deltas[j]) * a / (a - b)
        else:
            continue
        if best is None or abs(root) < abs(best):
            best = float(root)
    if best is None and values[-1] == 0:
        best = float(deltas[-1])
    return best


def delta_tipping(incomplete: pd.DataFrame, *, treatment: str, outcome: str,
                  covariates: Sequence[str], m: int, random_state: int,
                  arm: Arm = "treated", deltas: Sequence[float] | None = None,
                  categorical: Sequence[str] = (), alpha: float = 0.05,
                  imputations: Any = None) -> DeltaTipping:
    """Delta-adjusted MNAR sensitivity analysis of a missing outcome (see the module notes).

    Parameters
    ----------
    incomplete : pandas.DataFrame
        Treatment known in every row; NaN where a value is missing; the outcome must have
        some missing values. Not modified.
    treatment, outcome, covariates, categorical
        Column roles. The analysis model is the main-effects outcome regression (the
        treatment, the covariates, categorical ones as indicators): a logistic model's
        conditional OR with its classical SE for a 0/1 outcome, the linear model's
        coefficient otherwise, fitted with statsmodels on each shifted data set.
    m, random_state : int
        Imputations and seed (the covariates' imputations are those of
        :func:`causal.data.impute.impute_chained` with this seed).
    arm : {"treated", "control", "both"}
        Whose missing outcomes are shifted.
    deltas : sequence of float, optional
        The grid; default -5 to 5 by 0.5 (log-odds; -5 makes almost every shifted missing
        outcome a 0) for a 0/1 outcome, and -3 to 3 observed outcome SDs by 0.3 SD for a
        number.
    imputations : Imputations, optional
        Covariate imputations already made with the same ``m`` and seed.

    Returns
    -------
    DeltaTipping
    """
    from causal._parallel import block_streams
    from causal.data.impute import impute_chained
    from causal.estimate.rubin import pool_scalar

    check_literal(arm, "arm", ("treated", "control", "both"))
    y_all = incomplete[outcome].to_numpy(dtype=float)
    gap = np.isnan(y_all)
    if not gap.any():
        raise ParameterError(f"`outcome` {outcome!r} has no missing value, so there is no "
                             "missing outcome to shift; the delta analysis does not apply.")
    observed = y_all[~gap]
    binary = bool(np.isin(observed, (0.0, 1.0)).all())
    if deltas is None:
        deltas = (np.linspace(-5, 5, 21) if binary
                  else np.linspace(-3, 3, 21) * float(np.std(observed, ddof=1)))
    deltas = np.asarray(deltas, dtype=float)
    if deltas.ndim != 1 or len(deltas) < 2 or not np.isfinite(deltas).all():
        raise ParameterError(f"`deltas` must be at least two finite numbers; got {deltas!r}.")
    deltas = np.sort(deltas)
    if imputations is None:
        imputations = impute_chained(incomplete, m=m, random_state=random_state,
                                     categorical=categorical)
    a = incomplete[treatment].to_numpy() == 1
    shifted = gap & (a if arm == "treated" else ~a if arm == "control" else np.ones_like(a))
    measure = "or" if binary else "md"
    q = np.empty((len(deltas), imputations.m))
    u = np.empty_like(q)
    # a second stream per imputation for the outcome draws (spawn key (i, 0)), independent
    # of the chained-equation stream (i,)
    streams = block_streams(random_state, imputations.m)
    names = [treatment, *covariates]
    for i in range(imputations.m):
        rng = np.random.default_rng(streams[i].spawn(1)[0])
        frame = imputations.completed(i)
        design = pd.get_dummies(frame[names], columns=list(categorical), drop_first=True,
                                dtype=float).to_numpy(dtype=float)
        x = np.column_stack([np.ones(len(frame)), design])
        beta, cov, sigma = _posterior_fit(x[~gap], y_all[~gap], binary)
        draw = rng.multivariate_normal(beta, cov, method="cholesky")
        if not binary:  # sigma^2 * (n - p) / chi2_{n - p}
            dof = int((~gap).sum()) - x.shape[1]
            sigma = sigma * math.sqrt(dof / rng.chisquare(dof))
        eta = x[gap] @ draw
        noise = rng.random(gap.sum()) if binary else rng.standard_normal(gap.sum())
        shift = shifted[gap]
        for k, delta in enumerate(deltas):
            lin = eta + delta * shift
            values = ((noise < 1 / (1 + np.exp(-lin))).astype(float) if binary
                      else lin + sigma * noise)
            y = y_all.copy()
            y[gap] = values
            coef, cov, _ = _posterior_fit(x, y, binary)
            q[k, i], u[k, i] = coef[1], cov[1, 1]  # column 1 is the treatment
    est, lo, hi = (np.empty(len(deltas)) for _ in range(3))
    for k in range(len(deltas)):
        pool = pool_scalar(q[k], u[k])
        est[k], (lo[k], hi[k]) = pool.estimate, pool.ci(alpha)
    null = 0.0
    near = np.where(est > null, lo, hi)  # the limit nearest the null (linear scale)
    tip_est, tip_ci = _crossing(deltas, est - null), _crossing(deltas, near - null)
    back = np.exp if binary else (lambda v: v)
    n_missing = {"treated": int((gap & a).sum()), "control": int((gap & ~a).sum())}
    scale = ("log-odds of the outcome" if binary
             else f"units of {outcome} (observed SD {np.std(observed, ddof=1):.3g})")
    return DeltaTipping(deltas=deltas, estimate=back(est), ci_lower=back(lo),
                        ci_upper=back(hi), null=1.0 if binary else 0.0, measure=measure,
                        arm=arm, tipping_estimate=tip_est, tipping_ci=tip_ci,
                        n_missing=n_missing, n_shifted=int(shifted.sum()), m=imputations.m, seed=imputations.seed,
                        scale=scale, method=("outcome regression, conditional OR" if binary
                                             else "outcome regression, mean difference"))


def _posterior_fit(x: np.ndarray, y: np.ndarray, binary: bool
                   ) -> tuple[np.ndarray, np.ndarray, float]:
    """The outcome model's coefficients, their covariance and (linear) residual SD."""
    import statsmodels.api as sm

    if binary:
        fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
        return np.asarray(fit.params), np.asarray(fit.cov_params()), 1.0
    fit = sm.OLS(y, x).fit()
    return np.asarray(fit.params), np.asarray(fit.cov_params()), float(np.sqrt(fit.scale))
