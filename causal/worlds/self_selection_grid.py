"""Solve the SIMULATED world's constants for a whole grid of binary-confounder strengths at once.

:func:`causal.worlds.self_selection_draws.solve_world` solves one world with root finders over 2^16 points
(about 0.5-2 s). The explain-away grid needs hundreds of worlds that differ only in the binary
motivation's odds ratios, so here every cell is solved at once by vectorised Newton iterations,
and the binary motivation is integrated exactly (two points, M = 0 and M = 1, weighted
``1 - pi`` and ``pi``), leaving only the eight covariate dimensions to quasi-random points.

Two ways to match the study's margins (``margins``):

* ``"overall"``: expected uptake (66/302) and expected overall recovery (95/302) are matched by
  the uptake and recovery intercepts; the prognostic scale ``k`` of the measured covariates is
  fixed (by the caller: e.g. the study's "no hidden confounding" world). How recovery splits
  between the arms is then left to the confounder (and the true OR): at confounder ORs of 1
  and true OR 1 both arms recover at the same rate.
* ``"arms"``: recovery among the treated (31/66) and the controls (64/236) is matched too, by
  solving ``k >= 0`` per cell as :func:`solve_world` does. Under a true OR of 1 the crude
  contrast then has to come from confounding, so weak confounders cannot reproduce it: those
  cells have no solution and are flagged ``matched = False``.

Accuracy (measured against 2^16 points, studies/thew2024.toml, prevalence 0.5): with the default
2,048 Sobol points the ``"overall"`` solution reproduces expected uptake and overall recovery to
within 1e-5 over a 5 x 5 grid of ORs 1-20; ``"arms"`` matches :func:`solve_world` to 4e-5 in the
uptake intercept and 1e-3 (ORs 12) to 6e-3 (ORs 20) in the recovery intercept and prognostic
scale. All far below the Monte Carlo error of a 500-replicate cell (the SE of an arm's
recovery rate is about 0.06 at n = 66). Tests: tests/test_explain_away.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from causal.worlds.self_selection_draws import (
    _age_parameters,
    _expit,
    _linear,
    covariates_from_uniforms,
    integration_points,
)

if TYPE_CHECKING:
    from causal.worlds.self_selection import SelfSelection

#: Sobol points for the grid solver (the single-world solver uses 2^16)
GRID_POINTS = 2048
_TOL = 1e-10


@dataclass(frozen=True, eq=False)
class GridSolution:
    """Solved constants per cell, arrays of shape (cells,).

    ``matched`` is False where the margins cannot be reproduced (``"arms"``: no ``k >= 0``);
    there the constants are NaN. ``rr_eu`` and ``rr_ud`` are the confounder's risk ratios with
    treatment and with the outcome implied by the solved model (see :func:`solve_binary_grid`).
    """

    uptake_intercept: np.ndarray
    recovery_intercept: np.ndarray
    prognostic_scale: np.ndarray
    matched: np.ndarray
    rr_eu: np.ndarray
    rr_ud: np.ndarray
    age_loc: float
    age_scale: float


def _point_predictors(data: SelfSelection, prevalence: float, n_points: int, age_loc: float,
                      age_scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Uptake and recovery linear predictors (no intercept, scale, motivation) at the points,
    for M = 0 (row 0) and M = 1 (row 1): each of shape (2, n_points). Sessions depend on M."""
    u = integration_points(n_points)
    levels = list(data.cohort["presenting_problem"])
    lp_t, lp_y = [], []
    for m in (0, 1):
        v = u.copy()
        v[7] = 1e-12 if m else 1 - 1e-12  # binary M = (u7 < prevalence)
        cov = covariates_from_uniforms(v, data, age_loc, age_scale,
                                       motivation_prevalence=prevalence)
        lp_t.append(_linear(data.uptake, cov, levels))
        lp_y.append(_linear(data.recovery, cov, levels))
    return np.array(lp_t), np.array(lp_y)


def _newton_1d(value_and_slope, start: np.ndarray, max_iter: int = 60) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
    x = start.copy()
    ok = np.zeros(x.shape, dtype=bool)
    for _ in range(max_iter):
        value, slope = value_and_slope(x)
        step = np.clip(value / slope, -2.0, 2.0)
        x -= step
        ok = np.abs(step) < _TOL
        if ok.all():
            break
    return x, ok


def solve_binary_grid(data: SelfSelection, uptake_or: np.ndarray, recovery_or: np.ndarray,
                      prevalence: float, targets: tuple[float, float, float], *,
                      true_odds_ratio: float = 1.0, margins: Literal["overall", "arms"] = "overall",
                      prognostic_scale: float = 1.0, n_points: int = GRID_POINTS
                      ) -> GridSolution:
    """Intercepts (and prognostic scale) of every cell of a binary-confounder grid.

    Parameters
    ----------
    data : SelfSelection
        The study's ``[data.world]`` model.
    uptake_or, recovery_or : arrays of shape (cells,)
        The binary motivation's odds ratios with uptake and with recovery (M = 1 vs M = 0).
    prevalence : float
        P(M = 1), in (0, 1).
    targets : (uptake, treated recovery, control recovery)
    true_odds_ratio : float
        Conditional OR of treatment on recovery (1: no effect).
    margins : {"overall", "arms"}
        See the module docstring.
    prognostic_scale : float
        ``k`` when ``margins="overall"``; the starting value of Newton's method for ``"arms"``.

    Notes
    -----
    With ``p_t = expit(a0 + b'X + log(OR_TU) M)`` and
    ``p_y(t) = expit(c0 + k d'X + log(OR) t + log(OR_UY) M)``, expectations are
    ``E f = sum_m w_m mean_points f`` with ``w = (1 - pi, pi)``. ``a0`` solves
    ``E p_t = uptake`` (Newton; monotone). ``"overall"``: ``c0`` solves
    ``E[p_t p_y(1) + (1 - p_t) p_y(0)] = overall``. ``"arms"``: ``(c0, k)`` solve that and
    ``E[p_t p_y(1)] / E p_t = treated`` by two-dimensional Newton. A cell is feasible when, with
    ``c0`` matching overall recovery at ``k = 0``, the treated arm recovers at least as often as
    reported (treated recovery decreases in ``k``, the assumption :func:`solve_world`'s
    bracket also rests on); it is matched when Newton then brings both residuals below 1e-10
    with ``k >= 0``.

    The implied risk ratios (for the E-value overlay): ``RR_EU = max_m P(M = m | T = 1) /
    P(M = m | T = 0)`` and ``RR_UD = max_t max(r_t, 1 / r_t)`` with ``r_t = P(Y = 1 | T = t,
    M = 1) / P(Y = 1 | T = t, M = 0)``, both marginal over the measured covariates (the E-value
    refers to risk ratios within covariate strata; the marginal ones are what the simulated
    population shows).
    """
    c = data.cohort
    age_loc, age_scale = _age_parameters(c["age_mean"], c["age_sd"], *c["age_range"])
    lp_t, lp_y = _point_predictors(data, prevalence, n_points, age_loc, age_scale)
    w = np.array([1 - prevalence, prevalence])[None, :, None] / n_points  # (1, 2, 1)
    m = np.array([0.0, 1.0])[None, :, None]
    g_t = np.log(np.asarray(uptake_or, dtype=float))[:, None, None]
    g_y = np.log(np.asarray(recovery_or, dtype=float))[:, None, None]
    log_or = float(np.log(true_odds_ratio))
    uptake, treated, control = targets
    overall = uptake * treated + (1 - uptake) * control
    cells = g_t.shape[0]

    # the uptake intercept depends only on the uptake OR: solve it once per distinct value
    g_unique, which = np.unique(g_t[:, 0, 0], return_inverse=True)
    lt = lp_t[None] + g_unique[:, None, None] * m  # (distinct, 2, P)

    def uptake_gap(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = _expit(a[:, None, None] + lt)
        return (w * p).sum(axis=(1, 2)) - uptake, (w * p * (1 - p)).sum(axis=(1, 2))

    a_unique, ok_unique = _newton_1d(uptake_gap, np.full(g_unique.size, np.log(
        uptake / (1 - uptake))) - lp_t.mean())
    a0, ok_a = a_unique[which], ok_unique[which]
    p_t = _expit(a_unique[:, None, None] + lt)[which]
    e_t = (w * p_t).sum(axis=(1, 2))

    def margins_at(c0: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
        base = c0[:, None, None] + k[:, None, None] * lp_y[None] + g_y * m
        y1, y0 = _expit(base + log_or), _expit(base)
        return base, y1, y0

    def overall_c0(k: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """c0 matching overall recovery at scale k, for the cells ``rows`` (1-D Newton)."""
        pt, gy, kk = p_t[rows], g_y[rows], k[:, None, None]

        def gap(c0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            base = c0[:, None, None] + kk * lp_y[None] + gy * m
            y1, y0 = _expit(base + log_or), _expit(base)
            value = (w * (pt * y1 + (1 - pt) * y0)).sum(axis=(1, 2)) - overall
            slope = (w * (pt * y1 * (1 - y1) + (1 - pt) * y0 * (1 - y0))).sum(axis=(1, 2))
            return value, slope

        return _newton_1d(gap, np.log(overall / (1 - overall)) - k * lp_y.mean())

    everything = np.arange(cells)
    if margins == "overall":
        k = np.full(cells, float(prognostic_scale))
        c0, ok_c = overall_c0(k, everything)
        matched = ok_a & ok_c
    else:
        # Feasibility first (as solve_world brackets k): at k = 0 the treated arm must recover
        # at least as often as reported, since a larger k (stronger measured prognosis, which
        # raises uptake and lowers recovery) only lowers it.
        zero = np.zeros(cells)
        c_zero, ok_zero = overall_c0(zero, everything)
        base = c_zero[:, None, None] + g_y * m + np.zeros_like(lp_y)[None]
        gap0 = (w * p_t * _expit(base + log_or)).sum(axis=(1, 2)) / e_t - treated
        feasible = ok_a & ok_zero & (gap0 >= 0)
        c0, k = np.full(cells, np.nan), np.full(cells, np.nan)
        ok_c = np.zeros(cells, dtype=bool)
        rows = np.flatnonzero(feasible)
        kk = np.full(rows.size, float(prognostic_scale))
        cc = overall_c0(kk, rows)[0]
        for _ in range(60):  # two-dimensional Newton on the cells still moving
            if rows.size == 0:
                break
            pt, gy, et = p_t[rows], g_y[rows], e_t[rows]
            base = cc[:, None, None] + kk[:, None, None] * lp_y[None] + gy * m
            y1, y0 = _expit(base + log_or), _expit(base)
            d1, d0 = y1 * (1 - y1), y0 * (1 - y0)
            f1 = (w * (pt * y1 + (1 - pt) * y0)).sum(axis=(1, 2)) - overall
            f2 = (w * pt * y1).sum(axis=(1, 2)) / et - treated
            j11 = (w * (pt * d1 + (1 - pt) * d0)).sum(axis=(1, 2))
            j12 = (w * (pt * d1 + (1 - pt) * d0) * lp_y[None]).sum(axis=(1, 2))
            j21 = (w * pt * d1).sum(axis=(1, 2)) / et
            j22 = (w * pt * d1 * lp_y[None]).sum(axis=(1, 2)) / et
            det = j11 * j22 - j12 * j21
            dc = (j22 * f1 - j12 * f2) / det
            dk = (j11 * f2 - j21 * f1) / det
            step = np.minimum(1.0, 2.0 / np.maximum(np.abs(dk), 1e-300))  # k moves <= 2
            cc, kk = cc - step * dc, kk - step * dk
            done = (np.abs(f1) < 1e-10) & (np.abs(f2) < 1e-10)
            c0[rows], k[rows] = cc, kk
            ok_c[rows[done]] = True
            rows, cc, kk = rows[~done], cc[~done], kk[~done]
        matched = feasible & ok_c & (k >= -1e-9) & np.isfinite(c0) & np.isfinite(k)
        k = np.where(matched, np.maximum(k, 0.0), np.nan)
        c0 = np.where(matched, c0, 0.0)
        k = np.where(matched, k, 0.0)

    base, y1, y0 = margins_at(c0, k)
    # RR_EU: prevalence of each level of M among the treated vs the controls
    e_t_m = (p_t * (1 / n_points)).sum(axis=2)  # (C, 2): E[p_t | M = m]
    e_c_m = 1 - e_t_m
    share_t = e_t_m * np.array([1 - prevalence, prevalence]) / e_t[:, None]
    share_c = e_c_m * np.array([1 - prevalence, prevalence]) / (1 - e_t)[:, None]
    rr_eu = np.max(share_t / share_c, axis=1)
    # RR_UD: P(Y | T = t, M = 1) / P(Y | T = t, M = 0), worst over t and direction
    y_t = (p_t * y1).sum(axis=2) / (p_t.sum(axis=2))  # (C, 2)
    y_c = ((1 - p_t) * y0).sum(axis=2) / ((1 - p_t).sum(axis=2))
    r = np.stack([y_t[:, 1] / y_t[:, 0], y_c[:, 1] / y_c[:, 0]])
    rr_ud = np.max(np.maximum(r, 1 / r), axis=0)
    nan = np.where(matched, 1.0, np.nan)
    return GridSolution(a0 * nan, c0 * nan, k * nan, matched, rr_eu * nan, rr_ud * nan,
                        age_loc, age_scale)
