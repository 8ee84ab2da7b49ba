"""Fragility and robustness of inference to replacement (RIR) for a 2x2 table (Frank et al.
2021), in both directions: how many treated cases must be replaced to make a significant
table non-significant (*invalidate*), or a non-significant one significant (*sustain*).

With treated events ``a`` of ``n1`` and control events ``c`` of ``n0``, the significance is
Fisher's exact test at ``alpha``. The fragility is the fewest treated outcomes to switch:

* invalidate a positive effect (treated risk above control): events -> non-events; a negative
  one: non-events -> events; until the p-value reaches ``alpha``;
* sustain: switch in the direction of the observed effect (events up when the odds ratio is
  at least 1, as konfound decides) until the p-value falls below ``alpha``.

A replacement case is drawn from the control group (``replace="control"``) or the whole
sample (``"entire"``), and only switches the outcome with the probability ``p`` that such a
case has the destination outcome (the non-event when switching events away, the event
otherwise); RIR = ``ceil(fragility / p)``. konfound calls the switched outcomes "treatment
success/failure" with cells ``a`` control failure, ``b`` control success, ``c`` treatment
failure, ``d`` treatment success.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_literal
from causal.errors import CausalWarning, NoSolutionError, ParameterError
from causal.measures import TwoByTwo

Replace = Literal["control", "entire"]


def replacement_probability(table: TwoByTwo, events_up: bool, replace: Replace) -> float:
    """Probability that a replacement case has the destination outcome (events up: an event)."""
    if replace == "control":
        p_event = table.control_risk
    else:
        p_event = (table.treated_events + table.control_events) / table.total
    return p_event if events_up else 1 - p_event


@dataclass(frozen=True)
class TableRIRResult(SummaryMixin):
    """Result of :func:`rir_table`: fragility and RIR of a 2x2 table's inference.

    ``invalidate`` says the direction: True if the observed table is significant and the
    counts are those needed to make it non-significant; False for the reverse (sustain).
    ``switched_table`` is ``(treated events, treated non-events, control events, control
    non-events)`` after the switches. ``notes`` records warnings (an RIR larger than the
    number of treated cases with the outcome being replaced, which konfound reports as a
    percentage above 100).
    """

    table: TwoByTwo
    p_value: float
    fragility: int
    rir: float
    switched_table: tuple[int, int, int, int]
    switched_p_value: float
    alpha: float
    invalidate: bool = True
    replace: Replace = "control"
    replacement_probability: float = math.nan
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        method = "fragility / RIR for a 2x2 table (Frank et al. 2021)"
        verb = "invalidate" if self.invalidate else "sustain"
        return summary_frame([
            {"quantity": "Fisher exact p-value (observed)", "estimate": self.p_value,
             "p_value": self.p_value, "method": "Fisher's exact test"},
            {"quantity": f"fragility (treated outcomes to switch to {verb})",
             "estimate": self.fragility, "method": method,
             "note": f"p = {self.switched_p_value:.4g} after switching"},
            {"quantity": f"RIR (treated cases to replace to {verb})", "estimate": self.rir,
             "method": method,
             "note": "; ".join(filter(None, [
                 f"fragility / {self.replacement_probability:.4g} (destination outcome "
                 f"among {self.replace} cases), rounded up", *self.notes]))},
        ])


def _first_crossing(a: int, b: int, c: int, d: int, events_up: bool, invalidate: bool,
                    alpha: float, block: int = 32) -> tuple[int, int, int, float] | None:
    """Fewest treated switches whose Fisher p-value crosses ``alpha``; every count below it
    is tested, in blocks so a large table stops early."""
    from scipy.stats import fisher_exact

    available = b if events_up else a
    for start in range(1, available + 1, block):
        ks = np.arange(start, min(start + block, available + 1))
        aa, bb = (a + ks, b - ks) if events_up else (a - ks, b + ks)
        p = np.array([fisher_exact([[int(x), int(y)], [c, d]]).pvalue
                      for x, y in zip(aa, bb, strict=True)])
        crossed = p >= alpha if invalidate else p < alpha
        if crossed.any():
            i = int(np.argmax(crossed))
            return int(ks[i]), int(aa[i]), int(bb[i]), float(p[i])
    return None


def rir_table(table: TwoByTwo, *, alpha: float = 0.05, replace: Replace = "control"
              ) -> TableRIRResult:
    """Fragility and RIR of the significance of a 2x2 table (Fisher's exact test).

    Parameters
    ----------
    table : TwoByTwo
    alpha : float
    replace : {"control", "entire"}
        Where replacement cases come from (konfound's ``replace``; its default is control).

    Returns
    -------
    TableRIRResult
        ``invalidate`` True for a significant table (cases to make it non-significant),
        False for a non-significant one (cases to make it significant).

    Raises
    ------
    NoSolutionError
        If switching every outcome in the treated row is not enough (konfound then also
        switches outcomes in the control row; that is not implemented here), or replacement
        cases could never carry the destination outcome.

    Notes
    -----
    See the module docstring. The search is exhaustive along the treated row (every switch
    count is tested), so it finds the fewest switches even if the p-value were not monotone;
    konfound starts from a Taylor-series guess and steps to the crossing, which agrees when
    the p-value is monotone in the switches. Where konfound's search can also switch the
    control row (``switch_trm = FALSE``, or when the treated row is not enough), this raises.

    References
    ----------
    Frank, K. A., Lin, Q., Maroulis, S., et al. (2021). Hypothetical case replacement can be
    used to quantify the robustness of trial results. Journal of Clinical Epidemiology 134,
    150-159.
    """
    from scipy.stats import fisher_exact

    if not isinstance(table, TwoByTwo):
        raise ParameterError(f"`table` must be a TwoByTwo; got {type(table).__name__}.")
    alpha = check_alpha(alpha)
    check_literal(replace, "replace", ("control", "entire"))
    a, b, c, d = table.cells
    p_obs = float(fisher_exact([[a, b], [c, d]]).pvalue)
    invalidate = p_obs < alpha
    # konfound's direction: the odds ratio (0.5 added to every cell if one is 0) against 1
    cells = np.array([a, b, c, d], dtype=float)
    cells = cells + 0.5 if (cells == 0).any() else cells
    or_at_least_one = cells[0] * cells[3] >= cells[1] * cells[2]
    events_up = (not or_at_least_one) if invalidate else or_at_least_one
    found = _first_crossing(a, b, c, d, events_up, invalidate, alpha)
    if found is None:
        verb = "non-significant" if invalidate else "significant"
        raise NoSolutionError(f"switching every treated outcome does not make the test {verb}; "
                              "konfound would switch control outcomes as well.")
    k, aa, bb, p_k = found
    share = replacement_probability(table, events_up, replace)
    if share == 0:
        raise NoSolutionError(f"replacement cases from the {replace} sample never have the "
                              "outcome needed (its risk is 0 or 1).")
    rir_value = float(math.ceil(k / share - 1e-12))
    cell = b if events_up else a
    notes: tuple[str, ...] = ()
    if rir_value > cell:
        notes = (f"the RIR ({rir_value:g}) exceeds the {cell} treated cases with the outcome "
                 "being replaced.",)
        warnings.warn(notes[0], CausalWarning, stacklevel=2)
    return TableRIRResult(table, p_obs, k, rir_value, (aa, bb, c, d), p_k, alpha, invalidate,
                          replace, share, notes)
