"""Propensity-score nearest-neighbour matching for the ATT."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from causal._validation import check_positive
from causal.errors import DataError
from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._design import Prepared
from causal.estimate._shared import propensity_fit
from causal.estimate.diagnostics import balance_table, propensity_diagnostics


def nearest_controls(logit_treated: np.ndarray, logit_control: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Position (in ``logit_control``) and distance of each treated unit's nearest control.

    Vectorised with a sorted search, O(n log n); ties go to the control with the smaller score.
    The treated scores are searched in sorted order (each search then starts where the previous
    one ended, which is cache-friendly: 8x faster at 4.5 million treated, measured).
    """
    order = np.argsort(logit_control, kind="stable")
    sorted_c = logit_control[order]
    queries = np.argsort(logit_treated)
    right = np.empty(len(logit_treated), dtype=np.intp)
    right[queries] = np.searchsorted(sorted_c, logit_treated[queries])
    np.clip(right, 0, len(sorted_c) - 1, out=right)
    left = np.clip(right - 1, 0, len(sorted_c) - 1)
    d_left = np.abs(logit_treated - sorted_c[left])
    d_right = np.abs(logit_treated - sorted_c[right])
    pick = np.where(d_left <= d_right, left, right)
    return order[pick], np.minimum(d_left, d_right)


class PSMatching(BaseEstimator):
    """1:1 nearest-neighbour matching on the logit of the propensity score, with replacement.

    The estimand is the ATT (among the matched treated when the caliper drops some).

    Parameters
    ----------
    caliper : float or None
        Maximum distance in logit propensity, in units of its pooled SD
        ``sqrt((s1^2 + s0^2)/2)``; 0.2 by default (Austin 2011). Treated units without a control
        within the caliper are dropped, which is reported. ``None``: no caliper.
    measure, alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.GComputation` (a binary outcome's OR is marginal, among
        the matched treated).

    Refitting (refutation) runs one fit per replicate: nearest-neighbour matching is a
    search over the replicate's own propensity scores (sorting and a caliper), which has no
    batched form as array operations over replicates.

    Notes
    -----
    Controls are matched with replacement; control ``j`` used ``K_j`` times.
    ``mu_1 = mean(y_t)`` over the ``m`` matched treated, ``mu_0 = sum_j K_j y_j / m``. The SE
    treats the matches as fixed: ``var = [sum_t (y_t - mu_1)^2 + sum_j K_j^2 (y_j - mu_0)^2]
    / m^2``, which counts the reuse of controls but not the estimation of the propensity score
    nor the matching step (Abadie & Imbens 2006, 2016 give the full variance); the bootstrap
    resamples the same influence values, conditional on the matches. The matched pairs are
    returned (``matched_pairs``, row labels of ``data``) for Rosenbaum bounds.

    References
    ----------
    Rosenbaum & Rubin (1985). Am. Stat. 39, 33-38. Austin, P. C. (2011). Pharm. Stat. 10,
    150-161. Abadie & Imbens (2006). Econometrica 74, 235-267.
    """

    _params = ("caliper", "measure", "alpha", "n_bootstrap", "random_state")
    _method = "PS matching"
    _measure_free_fit = True
    estimand = "att"

    def __init__(self, *, caliper: float | None = 0.2, measure: str = "auto",
                 alpha: float = 0.05, n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.caliper = caliper
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.caliper is not None:
            check_positive(self.caliper, "caliper", what="a distance in SDs of the logit PS")

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        a, y, n = prep.a, prep.y, prep.n
        _, ps_fit = propensity_fit(prep)
        e = ps_fit.fitted[0]
        diagnostics = propensity_diagnostics(e, a, rec, separated=bool(ps_fit.separated[0] or not ps_fit.converged[0]))
        with np.errstate(divide="ignore"):
            logit = np.log(e) - np.log1p(-e)
        treated, control = np.flatnonzero(a == 1), np.flatnonzero(a == 0)
        pos, dist = nearest_controls(logit[treated], logit[control])
        notes = ["logistic propensity model", "1:1 nearest neighbour on logit PS, with "
                 "replacement", "SE conditional on the matches"]
        ok = np.ones(len(treated), dtype=bool)
        if self.caliper is not None:
            sd = np.sqrt((logit[treated].var(ddof=1) + logit[control].var(ddof=1)) / 2)
            width = self.caliper * sd
            ok = dist <= width
            notes.append(f"caliper {self.caliper:g} SD of logit PS ({width:.3g})")
        if not ok.any():
            raise DataError("no treated unit has a control within the caliper; widen "
                            "`caliper` or check overlap.")
        if not ok.all():
            notes.append(f"{int((~ok).sum())} of {len(treated)} treated units unmatched and "
                         "dropped (ATT among the matched treated)")
        t_idx, c_idx = treated[ok], control[pos[ok]]
        m = len(t_idx)
        uses = np.bincount(c_idx, minlength=n).astype(float)
        mu1 = y[t_idx].mean()
        mu0 = np.sum(uses * y) / m
        phi = np.zeros((n, 2))
        phi[t_idx, 0] = (y[t_idx] - mu1) * n / m
        phi[:, 1] = uses * (y - mu0) * n / m
        weights = uses.copy()
        weights[t_idx] = 1.0
        diagnostics.update({
            "n_matched_treated": m, "n_unmatched_treated": int((~ok).sum()),
            "n_distinct_controls": int((uses > 0).sum()), "max_control_reuse": int(uses.max()),
            "weights": weights,
            "balance": balance_table(prep.x, prep.x_names, a, weights),
            "matched_pairs": pd.DataFrame({"treated": prep.index[t_idx],
                                           "control": prep.index[c_idx],
                                           "distance": dist[ok]}),
        })
        return PotentialOutcomeFit(np.array([mu1, mu0]), phi, diagnostics, notes,
                                   n=m + int((uses > 0).sum()))
