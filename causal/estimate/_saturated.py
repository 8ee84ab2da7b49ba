"""Saturated (cell-mean) nuisance models over categorical covariates.

With only categorical covariates a model with one parameter per covariate cell (every
interaction) is *saturated*: the propensity score of cell ``s`` is its share of treated units
``e_s = n1_s / n_s`` and the outcome model's prediction is the cell's arm mean ``ybar_a,s``.
IPW with these scores, g-computation with these predictions and AIPW with both then give the
same estimate, the stratified one:

* ATE: ``mu_a = sum_s (n_s / n) ybar_a,s``;
* ATT: ``mu_a = sum_s (n1_s / n1) ybar_a,s``;
* ATC (ATU): ``mu_a = sum_s (n0_s / n0) ybar_a,s``.

No logistic model is fitted, so separation cannot occur (a cell where every treated unit has
the outcome simply has ``ybar_1,s = 1``); a cell whose estimand population needs an arm that is
empty there is not estimable, and the sentence names the cell.

Influence values (``mu_hat - mu ~ mean(phi)``, the AIPW forms with saturated nuisances, which
are the exact influence functions of the stratified estimators; Hahn 1998):

* ATE: ``phi_1 = m_1(s) - mu_1 + a (y - m_1(s)) / e_s`` and symmetrically for ``mu_0``;
* ATT (``p = n1/n``): ``phi_1 = a (y - mu_1) / p``,
  ``phi_0 = [a (m_0(s) - mu_0) + (1 - a) e_s / (1 - e_s) (y - m_0(s))] / p``;
* ATC (``q = n0/n``): ``phi_0 = (1 - a)(y - mu_0) / q``,
  ``phi_1 = [(1 - a)(m_1(s) - mu_1) + a (1 - e_s) / e_s (y - m_1(s))] / q``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal.errors import ParameterError
from causal.estimate._reasons import describe_cells, not_estimable


@dataclass(frozen=True)
class Cells:
    """Each row's cell and the cell counts and arm means (``nan`` for an empty arm)."""

    code: np.ndarray  # (n,) cell of each row
    n: np.ndarray
    n1: np.ndarray
    mean1: np.ndarray
    mean0: np.ndarray

    @property
    def n0(self) -> np.ndarray:
        return self.n - self.n1


def cells(prep, who: str) -> Cells:
    """The covariate cells of ``prep`` (unique rows of its design); refuses numeric columns."""
    x = prep.x
    numeric = [name for j, name in enumerate(prep.x_names)
               if not np.all((x[:, j] == 0) | (x[:, j] == 1)) or "[" not in name]
    if numeric:
        raise ParameterError(f"`saturated` needs categorical covariates only (declared in "
                             f"`categorical`); {who} got non-categorical design columns "
                             f"{numeric}.")
    if x.shape[1]:
        _, code = np.unique(x, axis=0, return_inverse=True)
        code = code.reshape(-1)
    else:
        code = np.zeros(prep.n, dtype=np.intp)
    k = int(code.max()) + 1
    a, y = prep.a, prep.y
    n = np.bincount(code, minlength=k).astype(float)
    n1 = np.bincount(code, weights=a, minlength=k)
    s1 = np.bincount(code, weights=a * y, minlength=k)
    s0 = np.bincount(code, weights=(1 - a) * y, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return Cells(code, n, n1, s1 / n1, s0 / (n - n1))


def saturated_fit(prep, estimand: str, who: str) -> tuple[np.ndarray, np.ndarray, Cells]:
    """``(mu, phi, cells)``: the stratified estimate of ``estimand`` and its influence values.

    Raises :class:`~causal.errors.NotEstimableError` naming the first cell that lacks an arm
    its estimand population needs (ATE: both arms in every cell; ATT: controls wherever there
    are treated; ATC: treated wherever there are controls).
    """
    c = cells(prep, who)
    a, y, n = prep.a, prep.y, prep.n
    need1 = c.n0 > 0 if estimand == "atc" else (c.n > 0 if estimand == "ate" else c.n1 > 0)
    need0 = c.n1 > 0 if estimand == "att" else (c.n > 0 if estimand == "ate" else c.n0 > 0)
    for arm, missing in (("treated", need1 & (c.n1 == 0)), ("control", need0 & (c.n0 == 0))):
        if missing.any():
            s = int(np.flatnonzero(missing)[0])
            where = describe_cells(prep.x, prep.x_names, c.code == s)
            others = int(missing.sum()) - 1
            raise not_estimable(who, (
                f"the covariate cell {where} has 0 {arm} units, so its {arm} mean is not "
                f"estimable and the saturated {estimand.upper()} needs it"
                + (f" ({others} more such cells)" if others else "")
                + "; merge sparse categories or choose an estimand whose population excludes "
                  "the cell"))
    s = c.code
    e = c.n1[s] / c.n[s]
    m1, m0 = np.nan_to_num(c.mean1)[s], np.nan_to_num(c.mean0)[s]
    with np.errstate(divide="ignore", invalid="ignore"):
        if estimand == "ate":
            w = c.n / n
            mu = np.array([np.nansum(w * c.mean1), np.nansum(w * c.mean0)])
            phi = np.column_stack([m1 - mu[0] + a * (y - m1) / e,
                                   m0 - mu[1] + (1 - a) * (y - m0) / (1 - e)])
        elif estimand == "att":
            p = a.mean()
            w = c.n1 / c.n1.sum()
            mu = np.array([np.sum(w * np.nan_to_num(c.mean1)),
                           np.sum(w * np.nan_to_num(c.mean0))])
            odds = np.where(a == 0, e / (1 - e), 0.0)
            phi = np.column_stack([a * (y - mu[0]) / p,
                                   (a * (m0 - mu[1]) + (1 - a) * odds * (y - m0)) / p])
        else:
            q = 1 - a.mean()
            w = c.n0 / c.n0.sum()
            mu = np.array([np.sum(w * np.nan_to_num(c.mean1)),
                           np.sum(w * np.nan_to_num(c.mean0))])
            odds = np.where(a == 1, (1 - e) / e, 0.0)
            phi = np.column_stack([((1 - a) * (m1 - mu[0]) + a * odds * (y - m1)) / q,
                                   (1 - a) * (y - mu[1]) / q])
    return mu, phi, c


def saturated_weights(prep, c: Cells, estimand: str) -> np.ndarray:
    """The IP weights of the saturated propensity score (stabilised as in IPW)."""
    a = prep.a
    e = c.n1[c.code] / c.n[c.code]
    p = a.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        if estimand == "ate":
            w = np.where(a == 1, p / e, (1 - p) / (1 - e))
        elif estimand == "att":
            w = np.where(a == 1, 1.0, (1 - p) / p * e / (1 - e))
        else:
            w = np.where(a == 1, p / (1 - p) * (1 - e) / e, 1.0)
    return np.where(np.isfinite(w), w, 0.0)
