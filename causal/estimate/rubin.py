"""Rubin's rules: pool one scalar estimate over ``m`` multiply imputed data sets.

A pure function of numbers (:func:`pool_scalar`): the per-imputation estimates on the linear
scale (log for ratios), their squared standard errors and the complete-data degrees of freedom
give the pooled estimate, its total variance, the Barnard-Rubin degrees of freedom, the
relative increase in variance and the fraction of missing information, exactly as R's
``mice::pool`` computes them (checked to 1e-8 in ``tests/test_rubin_rules.py`` against
``tests/data/mice_pool/``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from causal.errors import ParameterError

__all__ = ["PooledScalar", "pool_scalar", "barnard_rubin_df"]

#: mice's floor on lambda in the Barnard-Rubin formula (so that B = 0 gives a finite df)
LAMBDA_FLOOR = 1e-4


@dataclass(frozen=True)
class PooledScalar:
    """One quantity pooled over imputations by Rubin's rules (linear scale).

    Attributes
    ----------
    estimate : float
        Qbar, the mean of the per-imputation estimates.
    within : float
        Ubar, the mean of the per-imputation sampling variances.
    between : float
        B, the variance of the estimates across imputations (divisor m - 1).
    total : float
        T = Ubar + (1 + 1/m) B; ``std_error`` is its square root.
    df : float
        Barnard-Rubin (1999) degrees of freedom of the t reference distribution.
    riv : float
        Relative increase in variance due to nonresponse, (1 + 1/m) B / Ubar.
    lambda_ : float
        Proportion of the total variance due to missingness, (1 + 1/m) B / T.
    fmi : float
        Fraction of missing information, (riv + 2/(df + 3)) / (riv + 1) (as mice).
    m : int
    df_complete : float
        The complete-data degrees of freedom used (``inf`` for large-sample estimators).
    """

    estimate: float
    within: float
    between: float
    total: float
    df: float
    riv: float
    lambda_: float
    fmi: float
    m: int
    df_complete: float

    @property
    def std_error(self) -> float:
        return math.sqrt(self.total)

    def ci(self, alpha: float = 0.05) -> tuple[float, float]:
        """The t interval ``estimate ± t_{df, 1 - alpha/2} sqrt(T)`` (linear scale)."""
        q = float(stats.t.ppf(1 - alpha / 2, self.df))
        return (self.estimate - q * self.std_error, self.estimate + q * self.std_error)

    def p_value(self, null: float = 0.0) -> float:
        """Two-sided p of the t statistic against ``null`` with Barnard-Rubin df."""
        if not self.total > 0:
            return math.nan
        t = (self.estimate - null) / self.std_error
        return float(2 * stats.t.sf(abs(t), self.df))


def barnard_rubin_df(m: int, between: float, total: float,
                     df_complete: float = math.inf) -> float:
    """Barnard & Rubin (1999) degrees of freedom, as ``mice:::barnard.rubin``.

    Notes
    -----
    lambda = (1 + 1/m) B / T (floored at 1e-4 as mice does); nu_old = (m - 1) / lambda^2;
    nu_obs = (nu_com + 1) / (nu_com + 3) nu_com (1 - lambda); nu = nu_old nu_obs /
    (nu_old + nu_obs), or nu_old when nu_com is infinite.
    """
    lam = (1 + 1 / m) * between / total if total > 0 else 0.0
    lam = max(lam, LAMBDA_FLOOR)
    df_old = (m - 1) / lam**2
    if math.isinf(df_complete):
        return df_old
    df_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
    return df_old * df_obs / (df_old + df_obs)


def pool_scalar(estimates, variances, df_complete: float = math.inf) -> PooledScalar:
    """Pool ``m`` estimates and their sampling variances by Rubin's rules.

    Parameters
    ----------
    estimates : array-like of shape (m,)
        Per-imputation estimates on the linear scale (log OR, log RR, RD, MD).
    variances : array-like of shape (m,)
        Their squared standard errors.
    df_complete : float
        Degrees of freedom the analysis would have without missing data (mice's ``dfcom``:
        ``n - k`` for a regression with ``k`` coefficients; ``inf`` for a large-sample
        estimator).

    Returns
    -------
    PooledScalar

    References
    ----------
    Rubin, D. B. (1987). *Multiple Imputation for Nonresponse in Surveys*. Wiley.
    Barnard, J., & Rubin, D. B. (1999). Small-sample degrees of freedom with multiple
    imputation. *Biometrika*, 86(4), 948-955.
    van Buuren, S. (2018). *Flexible Imputation of Missing Data* (2nd ed.), section 2.3.
    """
    q = np.asarray(estimates, dtype=float).reshape(-1)
    u = np.asarray(variances, dtype=float).reshape(-1)
    m = len(q)
    if m < 2 or len(u) != m:
        raise ParameterError(f"`estimates` and `variances` must be two arrays of the same "
                             f"length m >= 2 (one per imputation); got lengths {m} and "
                             f"{len(u)}.")
    if not (np.isfinite(q).all() and np.isfinite(u).all() and (u >= 0).all()):
        raise ParameterError("`estimates` and `variances` must be finite, with variances >= "
                             "0; got a non-finite or negative value.")
    if not (df_complete > 0):
        raise ParameterError(f"`df_complete` must be positive (or inf); got {df_complete!r}.")
    qbar = float(q.mean())
    ubar = float(u.mean())
    b = float(q.var(ddof=1))
    t = ubar + (1 + 1 / m) * b
    df = barnard_rubin_df(m, b, t, df_complete)
    riv = (1 + 1 / m) * b / ubar if ubar > 0 else math.inf
    lam = (1 + 1 / m) * b / t if t > 0 else 0.0
    fmi = (riv + 2 / (df + 3)) / (riv + 1) if math.isfinite(riv) else 1.0
    return PooledScalar(estimate=qbar, within=ubar, between=b, total=t, df=df, riv=riv,
                        lambda_=lam, fmi=fmi, m=m, df_complete=float(df_complete))
