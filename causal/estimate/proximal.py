"""Proximal two-stage least squares with one negative-control exposure and one negative-control
outcome (Tchetgen Tchetgen et al. 2020; Miao, Geng & Tchetgen Tchetgen 2018).

Setting: treatment ``A``, continuous outcome ``Y``, measured covariates ``X``, an unmeasured
confounder ``U``, a negative-control exposure ``Z`` and a negative-control outcome ``W``.

Assumptions (none can be checked from the data alone; the study file states them)
------------------------------------------------------------------------------------
1. Consistency and positivity as usual; ``Y(a) _||_ A | U, X`` (ignorable given ``U``).
2. ``Z`` is a negative-control exposure: it has no effect on ``Y`` or on ``W``
   (``Y _||_ Z | A, U, X`` and ``W _||_ Z | U, X``).
3. ``W`` is a negative-control outcome: neither ``A`` nor ``Z`` affects it
   (``W _||_ (A, Z) | U, X``).
4. Relevance ("completeness" in the linear case): ``Z`` is associated with ``U`` given
   ``A, X``, so that it predicts ``W`` (first-stage F reported; below 10 is a weak proxy).
5. Linear models without interactions: ``E[Y | A, U, X] = b0 + b_A A + b_U U + b_X' X`` and
   ``E[W | U, X] = c0 + c_U U + c_X' X`` with ``c_U != 0``; the effect ``b_A`` is then the
   same for everyone and is the average effect of a one-unit change in ``A``.

Estimator (Tchetgen Tchetgen et al. 2020, section 4): stage 1 regresses ``W`` on ``(1, A, Z,
X)`` by OLS; stage 2 regresses ``Y`` on ``(1, A, W_hat, X)``; the coefficient of ``A`` is the
proximal estimate. This is 2SLS with ``W`` the endogenous regressor and ``Z`` its instrument,
so the standard heteroskedasticity-robust 2SLS sandwich applies: with ``D_hat = (1, A, W_hat,
X)`` and residuals ``e = Y - (1, A, W, X) b`` (the observed ``W``, not ``W_hat``),
``V = (D_hat' D_hat)^-1 (sum e_i^2 d_hat_i d_hat_i') (D_hat' D_hat)^-1`` (HC0, no small-sample
factor). Wald CI ``b_A -/+ z_{1-alpha/2} sqrt(V_AA)``.

For comparison the result carries the ordinary least-squares estimate of ``Y`` on ``(1, A, X,
Z, W)`` (adjusting for the proxies as if they were confounders), which is biased when ``U``
confounds.

References
----------
Miao W, Geng Z, Tchetgen Tchetgen EJ (2018). Identifying causal effects with proxy variables of
an unmeasured confounder. Biometrika 105:987-993.
Tchetgen Tchetgen EJ, Ying A, Cui Y, Shi X, Miao W (2020). An introduction to proximal causal
learning. arXiv:2009.10982.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha
from causal.errors import DataError, ParameterError
from causal.measures import two_sided_p, z_critical

#: a first-stage F below this marks a weak negative-control exposure (Staiger & Stock 1997)
WEAK_PROXY_F = 10.0


def p2sls_arrays(y: np.ndarray, a: np.ndarray, z: np.ndarray, w: np.ndarray,
                 x: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Proximal 2SLS on arrays, batched over a leading replicate axis.

    ``y, a, z, w`` have shape ``(R, n)``; ``x`` ``(R, n, p)`` or None. Returns arrays of shape
    ``(R,)``: ``estimate``, ``std_error`` (HC0 sandwich), ``first_stage_f`` (the robust Wald
    statistic of ``Z`` in stage 1) and ``ols`` (the OLS coefficient of ``A`` in ``Y ~ 1 + A + X
    + Z + W``). The caller validates the inputs.
    """
    ones = np.ones_like(y)[..., None]
    covariates = [x] if x is not None and x.shape[-1] else []
    first = np.concatenate([ones, a[..., None], z[..., None], *covariates], axis=-1)
    gamma, fitted, resid1, inv1 = _ols(first, w)
    meat1 = np.einsum("rni,rnj->rij", first * resid1[..., None] ** 2, first)
    v1 = inv1 @ meat1 @ inv1
    f_stat = gamma[:, 2] ** 2 / v1[:, 2, 2]
    d_hat = np.concatenate([ones, a[..., None], fitted[..., None], *covariates], axis=-1)
    b, _, _, inv2 = _ols(d_hat, y)
    d_obs = np.concatenate([ones, a[..., None], w[..., None], *covariates], axis=-1)
    e = y - np.einsum("rnj,rj->rn", d_obs, b)
    meat2 = np.einsum("rni,rnj->rij", d_hat * e[..., None] ** 2, d_hat)
    v2 = inv2 @ meat2 @ inv2
    naive = np.concatenate([ones, a[..., None], *covariates, z[..., None], w[..., None]], axis=-1)
    b_ols, _, _, _ = _ols(naive, y)
    return {"estimate": b[:, 1], "std_error": np.sqrt(v2[:, 1, 1]), "first_stage_f": f_stat,
            "ols": b_ols[:, 1]}


def _ols(design: np.ndarray, target: np.ndarray):
    gram = np.einsum("rni,rnj->rij", design, design)
    inv = np.linalg.inv(gram)
    coef = np.einsum("rij,rj->ri", inv, np.einsum("rni,rn->ri", design, target))
    fitted = np.einsum("rnj,rj->rn", design, coef)
    return coef, fitted, target - fitted, inv


@dataclass(frozen=True)
class ProximalEstimate(SummaryMixin):
    """The proximal 2SLS effect of ``treatment`` on ``outcome`` (mean-difference scale, per unit
    of the treatment) with its inputs named."""

    estimate: float
    std_error: float
    ci_lower: float
    ci_upper: float
    p_value: float
    first_stage_f: float
    ols_estimate: float
    treatment: str
    outcome: str
    negative_control_exposure: str
    negative_control_outcome: str
    covariates: tuple[str, ...]
    n: int
    alpha: float
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> pd.DataFrame:
        proxies = (f"NC exposure {self.negative_control_exposure}, NC outcome "
                   f"{self.negative_control_outcome}")
        return summary_frame([
            {"quantity": f"effect of {self.treatment} on {self.outcome} (proximal 2SLS)",
             "estimate": self.estimate, "std_error": self.std_error, "ci_lower": self.ci_lower,
             "ci_upper": self.ci_upper, "p_value": self.p_value, "method": "proximal 2SLS",
             "note": f"{proxies}; HC0 sandwich SE; first-stage F {self.first_stage_f:.3g}"},
            {"quantity": f"effect of {self.treatment} on {self.outcome} (OLS adjusting for the "
                         "proxies)", "estimate": self.ols_estimate, "method": "OLS",
             "note": "biased if an unmeasured confounder remains"},
        ])


def proximal_2sls(data: pd.DataFrame, *, treatment: str, outcome: str,
                  negative_control_exposure: str, negative_control_outcome: str,
                  covariates: Sequence[str] = (), alpha: float = 0.05) -> ProximalEstimate:
    """Proximal 2SLS estimate of the effect of ``treatment`` on a continuous ``outcome``.

    See the module docstring for the assumptions, the estimator and its sandwich SE. Rows
    with a missing value in any named column are refused (drop them first, and say so).
    """
    alpha = check_alpha(alpha)
    roles = {"treatment": treatment, "outcome": outcome,
             "negative_control_exposure": negative_control_exposure,
             "negative_control_outcome": negative_control_outcome}
    for role, column in roles.items():
        if not isinstance(column, str) or column not in data.columns:
            raise DataError(f"`{role}` must name a column of the data; got {column!r}.")
    covariates = tuple(covariates)
    for column in covariates:
        if column not in data.columns:
            raise DataError(f"`covariates` must name columns of the data; {column!r} is not one.")
    seen: dict[str, str] = {}
    for role, column in [*roles.items(), *(("covariates", c) for c in covariates)]:
        if column in seen:
            raise ParameterError(f"`{role}` must be a different column from `{seen[column]}`; "
                                 f"both are {column!r}.")
        seen[column] = role
    columns = [*roles.values(), *covariates]
    values = data[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(f"column {columns[col]!r} must be numeric and finite in every row; row "
                        f"{data.index[row]!r} has {data[columns[col]].iloc[row]!r}.")
    n = values.shape[0]
    if n < len(columns) + 2:
        raise DataError(f"proximal 2SLS needs more rows than parameters; got {n} rows for "
                        f"{len(columns) + 1} coefficients.")
    for k, column in enumerate(columns):
        if np.ptp(values[:, k]) == 0:
            raise DataError(f"column {column!r} is constant; it cannot enter the regressions.")
    a, y, z, w = (values[None, :, k] for k in range(4))  # the order of `roles`
    x = values[None, :, 4:] if covariates else None
    try:
        out = p2sls_arrays(y, a, z, w, x)
    except np.linalg.LinAlgError as error:
        raise DataError("proximal 2SLS: the design is singular (collinear columns among "
                        f"{', '.join(columns)}).") from error
    est, se, f_stat = float(out["estimate"][0]), float(out["std_error"][0]), float(
        out["first_stage_f"][0])
    z_crit = z_critical(alpha)
    notes = []
    if f_stat < WEAK_PROXY_F:
        notes.append(f"first-stage F of {negative_control_exposure!r} for "
                     f"{negative_control_outcome!r} is {f_stat:.3g} < {WEAK_PROXY_F:g}: a weak "
                     "proxy; the estimate and its CI are unreliable")
    return ProximalEstimate(est, se, est - z_crit * se, est + z_crit * se,
                            two_sided_p(est / se) if se > 0 else math.nan, f_stat,
                            float(out["ols"][0]), treatment, outcome, negative_control_exposure,
                            negative_control_outcome, covariates, n, alpha, tuple(notes))
