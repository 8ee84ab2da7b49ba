"""Bounds and E-values for selection bias (Smith & VanderWeele 2019).

A study analyses a selected subset ``S = 1`` (here: clients with end-of-treatment scores). If
an unmeasured factor ``U`` drives both selection and the outcome, the risk ratio among the
selected is biased for the population's. The bias is bounded by the parameters of
:class:`~causal.study.values.biases.Selection`, and the selection-bias E-value is the smallest
common value of those parameters that could explain the estimate away.

Closed forms (``y = max(RR / RR_true, RR_true / RR)`` on the risk-ratio scale)
--------------------------------------------------------------------------------
* general target, no assumption (four parameters): ``e = sqrt(y) + sqrt(sqrt(y)(sqrt(y) - 1))``
* general, increased or decreased risk (two parameters); and selected target:
  ``e = y + sqrt(y (y - 1))``
* general, ``S = U`` (two parameters ``RR_UY|A=a``): ``e = sqrt(y)``
* general, ``S = U`` and a risk direction (one parameter): ``e = y``

These are :func:`~causal.sensitivity.multi_evalue` with a single :class:`Selection`, and the
tests check that they agree.
"""

from __future__ import annotations

from typing import Any

from causal.sensitivity.bias_analyses._terms import terms
from causal.sensitivity.bias_analyses.multiple import (
    MultiBiasBound,
    MultiBiasEValue,
    _evalue,
    multi_bound,
)
from causal.study.values.biases import RiskDirection, Selection, SelectionTarget


def selection_bound(selection: Selection, measure: Any = None) -> MultiBiasBound:
    """The selection-bias bounding factor for the parameter values on ``selection``.

    Parameters
    ----------
    selection : Selection
        Target, assumptions and parameter values.
    measure : RiskRatio, OddsRatio, HazardRatio or float, optional
        An observed estimate to correct by the bound.

    Returns
    -------
    MultiBiasBound

    Notes
    -----
    General target: ``BF = B(RR_UY|A=1, RR_SU|A=1) B(RR_UY|A=0, RR_SU|A=0)`` with
    ``B(x, y) = x y / (x + y - 1)``; selected target: ``B(RR_AU|S=1, RR_UY|S=1)``; the
    simplifications of :mod:`causal.study.values.biases` otherwise (Smith & VanderWeele 2019,
    Results 1-3).

    References
    ----------
    Smith, L. H. & VanderWeele, T. J. (2019). Bounding bias due to selection. Epidemiology
    30(4), 509-516.
    """
    if not isinstance(selection, Selection):
        from causal.errors import ParameterError

        raise ParameterError(f"`selection` must be a Selection; got {type(selection).__name__}.")
    return multi_bound(selection, measure)


def selection_evalue(measure: Any, *, target: SelectionTarget = "general",
                     risk: RiskDirection = "any", s_eq_u: bool = False,
                     true: float | None = None) -> MultiBiasEValue:
    """The selection-bias E-value of an estimate and of its CI limit nearest ``true``.

    Parameters
    ----------
    measure : RiskRatio, OddsRatio, HazardRatio or float
        An OR or HR must state ``rare_outcome`` (a common outcome uses ``RR ~ sqrt(OR)``).
    target, risk, s_eq_u
        The assumptions, as on :class:`~causal.study.values.biases.Selection`.
    true : float, optional
        The value to shift to, on the measure's scale (default 1).

    Returns
    -------
    MultiBiasEValue
        ``parameters`` names what the E-value refers to (e.g. all four of ``RR_UsY|A=1``,
        ``RR_SUs|A=1``, ``RR_UsY|A=0``, ``RR_SUs|A=0`` for a general target).

    References
    ----------
    Smith, L. H. & VanderWeele, T. J. (2019). Bounding bias due to selection. Epidemiology
    30(4), 509-516.

    Examples
    --------
    The Zika and microcephaly example (RR 73.1, lower limit 13.0; general target):

    >>> from causal import RiskRatio
    >>> from causal.sensitivity import selection_evalue
    >>> result = selection_evalue(RiskRatio(73.1, ci=(13.0, 400.0)))
    >>> round(result.point, 2), round(result.ci, 2)
    (16.58, 6.67)
    """
    selection = Selection(target=target, risk=risk, s_eq_u=s_eq_u)
    return _evalue((selection,), terms((selection,)), measure, true,
                   method="Smith & VanderWeele 2019")
