"""Robustness of inference to replacement (RIR) for a logistic-regression coefficient, through
the 2x2 table it implies (Frank et al. 2021; konfound's ``pkonfound(model_type = "logistic")``).

Given the log odds ratio ``b`` of a binary treatment, its SE ``s``, the sample size ``n`` and
the number treated ``n1`` (``n0 = n - n1`` controls):

1. **Implied table.** With ``x`` the control log odds of the event and ``p0 = expit(x)``,
   ``p1 = expit(x + b)``, a table with these risks has
   ``Var(log OR) = V(x) = 1/(n0 p0 (1 - p0)) + 1/(n1 p1 (1 - p1))``. ``V`` is strictly
   convex in ``x`` (``1/(p(1-p)) = 2 + 2 cosh x``), so ``V(x) = s²`` has two roots, one on
   each side of its minimum (which lies between ``x = 0`` and ``x = -b``). Each root gives a
   table (cells ``n0 p0`` etc., rounded to integers); a table is kept if every cell is at
   least 5. If ``s`` is below the smallest achievable ``sqrt(min V)``, it is raised (with a
   warning) by konfound's rule to a hair above that minimum, so two distinct tables remain.
2. **Switches.** The Wald statistic of a table, ``t = log(ad/bc) / sqrt(1/a + 1/b + 1/c + 1/d)``
   (0.5 added to an empty cell), is compared with ``t# = t_{1-alpha/tails, n-k-2}`` signed like
   ``b``. If ``t`` is beyond ``t#`` (significant), treated events are switched to non-events
   (``b > 0``; the reverse for ``b < 0``) until ``t`` no longer is; if not, treated outcomes are
   switched the other way until it is. The fragility is the fewest switches; of the two tables
   the one needing fewer is used (konfound's second, larger-``a`` one on a tie).
3. **RIR** = ``ceil(fragility / p)``, ``p`` the probability that a replacement case has the
   destination outcome, among controls (``replace="control"``, konfound's default) or the whole
   sample (``"entire"``).

p-values are those of the implied (rounded) table's ``t`` with ``n - k - 2`` df, so they can
differ a little from the model's.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_count, check_finite, check_literal, check_positive
from causal.errors import CausalWarning, NoSolutionError, ParameterError
from causal.measures import TwoByTwo
from causal.sensitivity.rir_itcv.linear import _check_tails, model_df
from causal.sensitivity.rir_itcv.table import Replace, replacement_probability


@dataclass(frozen=True)
class LogisticRIRResult(SummaryMixin):
    """Result of :func:`rir_logistic`.

    Attributes
    ----------
    implied_table, switched_table : TwoByTwo
        The table implied by the estimate (rounded) and the table after the switches.
    fragility : int
        Treated outcomes switched; ``rir`` the cases to replace (``ceil(fragility / p)``).
    invalidate : bool
        True if the implied table is significant (the counts invalidate it), False if not
        (they sustain, i.e. make it significant).
    std_error_used : float
        The SE the table was built from: ``std_error``, or the smallest SE any table with
        these group sizes can have if ``std_error`` was below it (``std_error_raised``).
    notes : tuple of str
        Warnings raised while computing (SE raised; RIR larger than the cell it replaces).
    """

    estimate: float
    std_error: float
    std_error_used: float
    std_error_raised: bool
    n_obs: int
    n_covariates: int
    n_treated: int
    df: int
    critical_t: float
    implied_table: TwoByTwo
    implied_t: float
    implied_p_value: float
    switched_table: TwoByTwo
    switched_t: float
    switched_p_value: float
    fragility: int
    rir: float
    invalidate: bool
    replace: Replace
    replacement_probability: float
    alpha: float = 0.05
    tails: int = 2
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        method = "RIR for a logistic coefficient via its implied 2x2 table (Frank et al. 2021)"
        verb = "invalidate" if self.invalidate else "sustain"
        t0, t1 = self.implied_table, self.switched_table
        se_note = (f"; SE raised from {self.std_error:.4g} to the smallest achievable"
                   if self.std_error_raised else "")
        return summary_frame([
            {"quantity": "log odds ratio (implied table)", "estimate": math.log(
                _odds_ratio(t0)), "std_error": self.std_error_used,
             "p_value": self.implied_p_value, "method": method,
             "note": f"treated {t0.treated_events}/{t0.treated_total}, control "
                     f"{t0.control_events}/{t0.control_total}{se_note}"},
            {"quantity": f"fragility (treated outcomes to switch to {verb})",
             "estimate": self.fragility, "p_value": self.switched_p_value, "method": method,
             "note": f"treated {t1.treated_events}/{t1.treated_total} after switching; "
                     f"t_crit = {self.critical_t:.4g}, df = {self.df}"},
            {"quantity": f"RIR (treated cases to replace to {verb})", "estimate": self.rir,
             "method": method,
             "note": f"fragility / {self.replacement_probability:.4g} (destination outcome "
                     f"among {self.replace} cases), rounded up"},
        ])


def _odds_ratio(table: TwoByTwo) -> float:
    cells = np.array(table.cells, dtype=float)
    cells = np.where(cells == 0, 0.5, cells)
    return float(cells[0] * cells[3] / (cells[1] * cells[2]))


def _wald_t(events1, n1, events0, n0):
    """Wald t of the log OR for arrays of tables; 0.5 added to empty cells (konfound)."""
    cells = [np.asarray(v, dtype=float) for v in (events1, n1 - events1, events0, n0 - events0)]
    a, b, c, d = (np.where(v == 0, 0.5, v) for v in cells)
    return np.log(a * d / (b * c)) / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


def _variance(x: float, beta: float, n0: int, n1: int) -> float:
    return (2 + 2 * math.cosh(x)) / n0 + (2 + 2 * math.cosh(x + beta)) / n1


def implied_tables(estimate: float, std_error: float, n_obs: int, n_treated: int
                   ) -> tuple[list[tuple[float, float]], float]:
    """The (control, treated) event counts, unrounded, of the tables whose log OR is
    ``estimate`` with Woolf SE ``std_error``, larger control log odds first, and the SE used
    (raised by konfound's rule if below the smallest achievable SE)."""
    from scipy.optimize import brentq, minimize_scalar

    n1, n0 = n_treated, n_obs - n_treated
    lo, hi = min(0.0, -estimate), max(0.0, -estimate)
    if hi - lo < 1e-12:
        x_min = lo
    else:
        x_min = float(minimize_scalar(_variance, bounds=(lo, hi), args=(estimate, n0, n1),
                                      method="bounded", options={"xatol": 1e-12}).x)
    v_min = _variance(x_min, estimate, n0, n1)
    target = std_error**2
    if target <= v_min:
        # konfound's rule for an SE below the minimum: its closed form for the minimum with 8
        # replaced by 8 - 1e-6, a hair above it, which keeps two distinct implied tables.
        # sqrt(D) of that closed form is 2 n0 n1 v_min - 4 n (checked numerically to 1e-15).
        root_d = 2 * n0 * n1 * v_min - 4 * n_obs
        target = (4 * n_obs + math.sqrt(root_d**2 + 4e-6 * n0 * n1)) / (2 * n0 * n1)

    def gap(x: float) -> float:
        return _variance(x, estimate, n0, n1) - target

    step, up = 1.0, x_min + 1.0
    while gap(up) < 0:
        step *= 2
        up = x_min + step
    step, down = 1.0, x_min - 1.0
    while gap(down) < 0:
        step *= 2
        down = x_min - step
    roots = [brentq(gap, x_min, up, xtol=1e-14, rtol=1e-14),
             brentq(gap, down, x_min, xtol=1e-14, rtol=1e-14)]
    used = math.sqrt(target)
    expit = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    return [(n0 * expit(x), n1 * expit(x + estimate)) for x in roots], used


def _switches(events1: int, n1: int, events0: int, n0: int, t_crit: float):
    """Fewest switches of treated outcomes that move the Wald t across ``t_crit``."""
    t_start = float(_wald_t(events1, n1, events0, n0))
    events_down = t_start > t_crit
    # konfound leaves at least one case in the cell being emptied
    ks = np.arange(1, events1 if events_down else n1 - events1)
    switched = events1 - ks if events_down else events1 + ks
    t = _wald_t(switched, n1, events0, n0)
    crossed = t <= t_crit if events_down else t >= t_crit
    if not crossed.any():
        return None
    i = int(np.argmax(crossed))
    return int(ks[i]), int(switched[i]), t_start, float(t[i]), not events_down


def rir_logistic(estimate: float, std_error: float, n_obs: int, n_covariates: int,
                 n_treated: int, *, alpha: float = 0.05, tails: Literal[1, 2] = 2,
                 replace: Replace = "control") -> LogisticRIRResult:
    """RIR of a logistic-regression coefficient of a binary treatment.

    Parameters
    ----------
    estimate, std_error : float
        Log odds ratio of the treatment and its SE.
    n_obs, n_covariates : int
        Sample size and covariates besides the treatment (``df = n - k - 2``).
    n_treated : int
        Number of treated cases (konfound's ``n_treat``).
    alpha, tails
        Significance level and 1 or 2 tails.
    replace : {"control", "entire"}
        Where replacement cases come from.

    Returns
    -------
    LogisticRIRResult

    Raises
    ------
    NoSolutionError
        If neither implied table has every cell >= 5, or switching the whole treated row is
        not enough (konfound then switches control outcomes too; not implemented here).

    Notes
    -----
    See the module docstring. As in konfound 1.0.x, no ITCV is given for a logistic model
    (the correlation-based ITCV is defined for a linear model). konfound writes the implied
    tables in closed form; here they are roots of ``V(x) = s²`` found numerically (the
    minimum of ``V`` agrees with konfound's closed form for it to machine precision). For an
    SE below that minimum konfound uses its closed form with 8 replaced by ``8 - 1e-6``
    (about 1e-9 relative above the minimum); we follow it, because the two tables it leaves
    can round to different counts than the single table at the exact minimum. konfound
    decides the direction of the RIR formula from the reported ``t`` and the switches from the
    implied table's; here both come from the implied table (they differ only when rounding
    moves the table across the threshold).

    References
    ----------
    Frank, K. A., Lin, Q., Maroulis, S., et al. (2021). Hypothetical case replacement can be
    used to quantify the robustness of trial results. Journal of Clinical Epidemiology 134,
    150-159.
    """
    from scipy.stats import t as t_dist

    b = check_finite(estimate, "estimate")
    se = check_positive(std_error, "std_error", what="a standard error")
    df = model_df(n_obs, n_covariates)
    n, k, n1 = int(n_obs), int(n_covariates), check_count(n_treated, "n_treated")
    if not 0 < n1 < n:
        raise ParameterError(f"`n_treated` must be between 1 and n_obs - 1 = {n - 1}; "
                             f"got {n1}.")
    alpha = check_alpha(alpha)
    tails = _check_tails(tails)  # type: ignore[assignment]
    check_literal(replace, "replace", ("control", "entire"))
    t_crit = math.copysign(float(t_dist.ppf(1 - alpha / tails, df)), b if b != 0 else 1.0)
    solutions, se_used = implied_tables(b, se, n, n1)
    notes = []
    if se_used > se:
        notes.append(f"std_error {se:g} is below the smallest SE ({se_used:.4g}) of any 2x2 "
                     f"table with log OR {b:g}, {n1} treated and {n - n1} controls; the "
                     "implied table uses that SE.")
    best = None
    for events0, events1 in solutions:
        cells = [round(events1), round(n1 - events1), round(events0), round(n - n1 - events0)]
        if min(cells) < 5:
            continue
        found = _switches(cells[0], cells[0] + cells[1], cells[2], cells[2] + cells[3], t_crit)
        if found is not None and (best is None or found[0] <= best[1][0]):
            best = (cells, found)
    if best is None:
        raise NoSolutionError(
            "no usable implied 2x2 table: every table with this estimate, SE and group sizes "
            "has a cell below 5, or needs switches in the control row too.")
    (e1, f1, e0, f0), (fragility, e1_new, t_start, t_end, events_up) = best
    implied = TwoByTwo(e1, e1 + f1, e0, e0 + f0)
    switched = TwoByTwo(e1_new, e1 + f1, e0, e0 + f0)
    share = replacement_probability(implied, events_up, replace)
    if share == 0:
        raise NoSolutionError(f"replacement cases from the {replace} sample never have the "
                              "outcome needed (its risk is 0 or 1).")
    invalidate = (0 < t_crit < t_start) or (t_start < t_crit < 0)
    p = tails * t_dist.sf(np.abs([t_start, t_end]), df)
    rir_value = float(math.ceil(fragility / share - 1e-12))
    cell = f1 if events_up else e1
    if rir_value > cell:
        notes.append(f"the RIR ({rir_value:g}) exceeds the {cell} treated cases with the "
                     "outcome being replaced.")
    for note in notes:
        warnings.warn(note, CausalWarning, stacklevel=2)
    return LogisticRIRResult(b, se, se_used, se_used > se, n, k, n1, df, t_crit, implied,
                             t_start, float(p[0]), switched, t_end, float(p[1]), fragility,
                             rir_value, invalidate, replace, share, alpha, tails, tuple(notes))
