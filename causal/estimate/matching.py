"""Propensity-score nearest-neighbour matching (ATT, ATC or ATE), right with ties.

With discrete covariates propensity scores tie: every unit of a covariate stratum has the same
score. Taking "the first control in file order" for each tie then matches every treated unit
of a stratum to one control, so a handful of controls carry the whole comparison (on causaldata's
``titanic`` four controls served 325 treated and the ATT came out with the wrong sign).
:class:`PSMatching` therefore resolves ties explicitly (``ties``):

* ``"all"`` (default): every control tied at the nearest distance is used, each with weight
  ``1/k`` for a treated unit with ``k`` tied controls, as ``Matching::Match(ties = TRUE)``
  (Abadie & Imbens 2006). With only categorical covariates this is exact stratification: the
  ATT equals the stratum-size-weighted average of within-stratum differences;
* ``"random"``: one of the tied controls is drawn at random from ``random_state``.

MatchIt's ``method = "nearest"`` breaks ties by the order of the data (its documentation says
ties are broken deterministically by data order); neither option here does that.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from causal._validation import check_literal, check_positive
from causal.errors import FewControlsWarning, NotEstimableError, ParameterError
from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._design import Prepared
from causal.estimate._reasons import label
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


#: a control is tied with the nearest one when its distance exceeds the nearest by at most this
#: much (relative to 1 + |logit|): scores of identical covariate rows agree to rounding error
TIE_TOLERANCE = 1e-10
#: warn when the matched controls' Kish effective number is below this share of matched units
FEW_CONTROLS_SHARE = 0.1


def tied_matches(logit_treated: np.ndarray, logit_control: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each treated unit the range of controls tied at the nearest distance.

    Returns ``order, lo, hi, dist``: ``order`` sorts the controls by score, and treated unit
    ``i``'s tied nearest controls are ``order[lo[i]:hi[i]]`` (``hi - lo >= 1``), at distance
    ``dist[i]``. Ties are distances within :data:`TIE_TOLERANCE` ``(1 + |logit|)`` of the
    nearest; the tied controls are contiguous in sorted order, so two sorted searches find them
    (O(n log n), no loop over units).
    """
    _, dist = nearest_controls(logit_treated, logit_control)
    order = np.argsort(logit_control, kind="stable")
    sorted_c = logit_control[order]
    tol = TIE_TOLERANCE * (1 + np.abs(logit_treated))
    lo = np.searchsorted(sorted_c, logit_treated - dist - tol, side="left")
    hi = np.searchsorted(sorted_c, logit_treated + dist + tol, side="right")
    return order, lo, hi, dist


def match_weights(logit_treated: np.ndarray, logit_control: np.ndarray, width: float | None,
                  ties: str, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Match each treated unit to its nearest control(s) with replacement.

    Returns ``ok`` (treated units with a control within ``width``), ``control_weight`` (per
    control, the sum over matched treated of the share it receives: ``1/k`` per treated unit
    with ``k`` tied controls for ``ties="all"``, 1 for the drawn control with ``"random"``),
    ``pair`` (one control position per treated unit: the drawn one, or for ``"all"`` one
    drawn at random among the tied, for pair-based analyses), ``n_tied`` and ``dist``.
    """
    order, lo, hi, dist = tied_matches(logit_treated, logit_control)
    ok = np.ones(len(logit_treated), dtype=bool) if width is None else dist <= width
    k = hi - lo
    draw = lo + np.minimum((rng.random(len(lo)) * k).astype(np.intp), k - 1)
    pair = order[draw]
    n_c = len(logit_control)
    if ties == "all":
        # a treated unit with one nearest control adds 1 to it (an integer count); a group of
        # c treated units sharing the k tied controls order[lo:hi] adds c/k to each of them
        # (one addition per control and group, so weights are exact to rounding of c/k)
        single = ok & (k == 1)
        sorted_w = np.bincount(lo[single], minlength=n_c).astype(float)
        multi = ok & (k > 1)
        if multi.any():
            ranges, counts = np.unique(np.column_stack([lo[multi], hi[multi]]), axis=0,
                                       return_counts=True)
            lens = ranges[:, 1] - ranges[:, 0]
            starts = np.repeat(np.cumsum(lens) - lens, lens)
            at = np.repeat(ranges[:, 0], lens) + np.arange(lens.sum()) - starts
            np.add.at(sorted_w, at, np.repeat(counts / lens, lens))
        weight = np.empty(n_c)
        weight[order] = sorted_w
    else:
        weight = np.bincount(pair[ok], minlength=n_c).astype(float)
    return ok, weight, pair, k, dist


def exact_strata(prep: Prepared, exact: tuple[str, ...]) -> np.ndarray:
    """Stratum code of each row from the design columns of the ``exact`` covariates (their
    indicator columns ``name[level]``, or the column itself when numeric)."""
    cols = [j for j, name in enumerate(prep.x_names)
            if any(name == c or name.startswith(f"{c}[") for c in exact)]
    missing = [c for c in exact if not any(
        prep.x_names[j] == c or prep.x_names[j].startswith(f"{c}[") for j in cols)]
    if missing:
        raise ParameterError(f"`exact` must name adjustment covariates; got {missing} not in "
                             f"{list(prep.covariates)}.")
    _, codes = np.unique(prep.x[:, cols], axis=0, return_inverse=True)
    return codes.reshape(-1)


class PSMatching(BaseEstimator):
    """Nearest-neighbour matching on the logit of the propensity score, with replacement.

    Parameters
    ----------
    estimand : {"att", "atc", "ate"}
        ``"att"``: each treated unit is matched to controls; ``"atc"`` (the ATU): each control
        to treated units; ``"ate"``: both, ``ATE = (n1 ATT + n0 ATC) / n`` with the two
        matched means pooled the same way (as ``Matching::Match(estimand = "ATE")``).
    ties : {"all", "random"}
        How controls tied at the nearest distance are used (module docstring). ``"all"``
        (default) uses every tied control with weight ``1/k``; ``"random"`` draws one from
        ``random_state``.
    exact : list of str
        Covariates (usually the declared categorical ones) to match exactly on: units are
        matched only within the strata they define. A stratum with no unit of the other arm
        leaves its units unmatched (reported), as a caliper would.
    caliper : float or None
        Maximum distance in logit propensity, in units of its pooled SD
        ``sqrt((s1^2 + s0^2)/2)``; 0.2 by default (Austin 2011). Units without a match within
        the caliper are dropped, which is reported. ``None``: no caliper.
    measure, alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.GComputation` (a binary outcome's OR is marginal, among
        the matched units). ``random_state`` draws random tie-breaks and the one control per
        treated unit listed in ``matched_pairs``.

    Refitting (refutation) runs one fit per replicate: nearest-neighbour matching is a
    search over the replicate's own propensity scores (sorting and a caliper), which has no
    batched form as array operations over replicates.

    Notes
    -----
    Controls are matched with replacement; control ``j`` carries weight ``K_j`` (the number
    of times it is used, fractional with ``ties="all"``). ``mu_1 = mean(y_t)`` over the ``m``
    matched treated, ``mu_0 = sum_j K_j y_j / m``. The SE treats the matches as fixed:
    ``var = [sum_t (y_t - mu_1)^2 + sum_j K_j^2 (y_j - mu_0)^2] / m^2``, which counts the reuse
    of controls but not the estimation of the propensity score nor the matching step (Abadie &
    Imbens 2006, 2016 give the full variance); the bootstrap resamples the same influence
    values, conditional on the matches. Diagnostics report the reuse (``max_control_reuse``,
    ``n_distinct_controls``) and the controls' Kish effective number
    ``(sum K)^2 / sum K^2`` (``effective_controls``); a warning is given when it is below
    :data:`FEW_CONTROLS_SHARE` of the matched units. ``matched_pairs`` (row labels of
    ``data``; for the ATT) lists one control per matched treated unit, for Rosenbaum bounds,
    with ``n_tied`` the number of controls tied with it.

    References
    ----------
    Rosenbaum & Rubin (1985). Am. Stat. 39, 33-38. Austin, P. C. (2011). Pharm. Stat. 10,
    150-161. Abadie & Imbens (2006). Econometrica 74, 235-267. Ho, Imai, King & Stuart (2011),
    MatchIt, J. Stat. Softw. 42(8).
    """

    _params = ("estimand", "ties", "exact", "caliper", "measure", "alpha", "n_bootstrap",
               "random_state")
    _method = "PS matching"
    _measure_free_fit = True

    def __init__(self, *, estimand: str = "att", ties: str = "all",
                 exact: Any = (), caliper: float | None = 0.2, measure: str = "auto",
                 alpha: float = 0.05, n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.estimand = estimand
        self.ties = ties
        self.exact = exact
        self.caliper = caliper
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.estimand, "estimand", ("att", "atc", "ate"))
        check_literal(self.ties, "ties", ("all", "random"))
        if self.caliper is not None:
            check_positive(self.caliper, "caliper", what="a distance in SDs of the logit PS")
        exact = (self.exact,) if isinstance(self.exact, str) else self.exact
        if not all(isinstance(c, str) for c in exact):
            raise ParameterError(f"`exact` must be a list of covariate names; got "
                                 f"{self.exact!r}.")

    def _one_side(self, logit: np.ndarray, strata: np.ndarray, focal: np.ndarray,
                  other: np.ndarray, width: float | None, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Match every ``focal`` unit to the ``other`` arm within its exact stratum.

        Returns (over ``focal``) ``ok``, ``pair`` (row of the listed match, -1 if none),
        ``n_tied``, ``dist``, and per row the weight the other arm's units carry.
        """
        n = len(logit)
        ok = np.zeros(len(focal), dtype=bool)
        pair = np.full(len(focal), -1, dtype=np.intp)
        n_tied = np.zeros(len(focal), dtype=np.intp)
        dist = np.full(len(focal), np.inf)
        weight = np.zeros(n)
        for s in np.unique(strata[focal]):
            f = np.flatnonzero(strata[focal] == s)
            o = other[strata[other] == s]
            if len(o) == 0:
                continue
            ok_s, w_s, pair_s, k_s, d_s = match_weights(logit[focal[f]], logit[o], width,
                                                        self.ties, rng)
            ok[f], pair[f], n_tied[f], dist[f] = ok_s, o[pair_s], k_s, d_s
            weight[o] += w_s
        return ok, pair, n_tied, dist, weight

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        a, y, n = prep.a, prep.y, prep.n
        _, ps_fit = propensity_fit(prep)
        e = ps_fit.fitted[0]
        diagnostics = propensity_diagnostics(
            e, a, rec, separated=bool(ps_fit.separated[0] or not ps_fit.converged[0]),
            who=label("PS matching", self.estimand))
        with np.errstate(divide="ignore"):
            logit = np.log(e) - np.log1p(-e)
        treated, control = np.flatnonzero(a == 1), np.flatnonzero(a == 0)
        exact = (self.exact,) if isinstance(self.exact, str) else tuple(self.exact)
        strata = exact_strata(prep, exact) if exact else np.zeros(n, dtype=np.intp)
        tie_words = ("all tied controls used, weight 1/k" if self.ties == "all"
                     else "ties broken at random from random_state")
        notes = ["logistic propensity model",
                 f"nearest neighbour on logit PS, with replacement; {tie_words}",
                 "SE conditional on the matches"]
        if exact:
            notes.append(f"exact matching on {list(exact)}")
        width = None
        if self.caliper is not None:
            sd = np.sqrt((logit[treated].var(ddof=1) + logit[control].var(ddof=1)) / 2)
            width = self.caliper * sd
            notes.append(f"caliper {self.caliper:g} SD of logit PS ({width:.3g})")
        sides = {"att": [(treated, control)], "atc": [(control, treated)],
                 "ate": [(treated, control), (control, treated)]}[self.estimand]
        # per side: matched focal units' own outcome, and the other arm's weighted outcome
        mu_parts, phi_parts, sizes, weights_all = [], [], [], np.zeros(n)
        for focal, other in sides:
            ok, pair, n_tied, dist, w_other = self._one_side(logit, strata, focal, other,
                                                             width, rng)
            arm = "treated" if focal is treated else "control"
            if not ok.any():
                why = ("no exact-matching stratum holds both arms" if exact and width is None
                       else "no unit has a match within the caliper; widen `caliper` or "
                            "check overlap")
                raise NotEstimableError(
                    f"PS matching ({self.estimand.upper()}): no {arm} unit can be matched: "
                    f"{why}.", estimator="PS matching", reason=why)
            if not ok.all():
                notes.append(f"{int((~ok).sum())} of {len(focal)} {arm} units unmatched and "
                             f"dropped ({self.estimand.upper()} among the matched)")
            f_idx = focal[ok]
            m = len(f_idx)
            own = y[f_idx].mean()
            matched = np.sum(w_other * y) / m
            phi_own = np.zeros(n)
            phi_own[f_idx] = (y[f_idx] - own) * n / m
            phi_other = w_other * (y - matched) * n / m
            if focal is treated:
                mu_parts.append(np.array([own, matched]))
                phi_parts.append(np.column_stack([phi_own, phi_other]))
            else:
                mu_parts.append(np.array([matched, own]))
                phi_parts.append(np.column_stack([phi_other, phi_own]))
            sizes.append(m)
            weights_all[f_idx] += 1.0
            weights_all += w_other
            used = w_other[other]
            eff = float(used.sum() ** 2 / np.sum(used**2))
            other_arm = "controls" if focal is treated else "treated"
            one = "control" if focal is treated else "treated"
            key = "" if self.estimand == "att" or (self.estimand == "ate"
                                                   and focal is treated) else "_atc"
            diagnostics.update({
                f"n_matched_{arm}": m, f"n_unmatched_{arm}": int((~ok).sum()),
                f"n_distinct_{other_arm}{key}": int((used > 0).sum()),
                f"max_{one}_reuse{key}": float(used.max()),
                f"effective_{other_arm}{key}": eff,
                f"mean_tied{key}": float(n_tied[ok].mean()),
            })
            if eff < FEW_CONTROLS_SHARE * m:
                top = np.sort(used)[::-1]
                k5 = min(5, int((top > 0).sum()))
                rec.warn(FewControlsWarning,
                         f"PS matching ({self.estimand.upper()}): few {other_arm} carry most "
                         f"of the weight: {int((used > 0).sum())} distinct {other_arm} serve "
                         f"{m} matched {arm} units (Kish effective number {eff:.1f}, below "
                         f"{FEW_CONTROLS_SHARE:.0%} of {m}); the largest {k5} carry "
                         f"{top[:k5].sum() / top.sum():.0%} of it.")
            if focal is treated:
                diagnostics["matched_pairs"] = pd.DataFrame({
                    "treated": prep.index[f_idx], "control": prep.index[pair[ok]],
                    "distance": dist[ok], "n_tied": n_tied[ok]})
        if self.estimand == "ate":
            n1, n0 = len(treated), len(control)
            # both sides' matched shares; weights proportional to the arm sizes
            w_t, w_c = n1 / (n1 + n0), n0 / (n1 + n0)
            mu = w_t * mu_parts[0] + w_c * mu_parts[1]
            phi = w_t * phi_parts[0] + w_c * phi_parts[1]
            n_used = n
        else:
            mu, phi = mu_parts[0], phi_parts[0]
            n_used = int((weights_all > 0).sum())
        diagnostics.update({"weights": weights_all,
                            "balance": balance_table(prep.x, prep.x_names, a, weights_all)})
        return PotentialOutcomeFit(mu, phi, diagnostics, notes, n=n_used)

    def _estimand(self) -> str:
        return self.estimand
