"""Closed-form solvers for the tipping point of a binary unmeasured confounder on the
risk-ratio scale (bias factor ``B = (gamma p1 + 1 - p1) / (gamma p0 + 1 - p0)``; Lin, Psaty &
Kronmal 1998; Schlesselman 1978), used by :func:`causal.sensitivity.tipping_points.risk_ratio.tip`."""

from __future__ import annotations

import math

from causal.errors import NoSolutionError


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def solve_outcome_rr(target: float, p1: float, p0: float) -> float:
    """``gamma`` with ``B(p1, p0, gamma) = target``: ``(target (1-p0) - (1-p1)) / (p1 - target p0)``.

    ``B`` runs monotonically from ``(1-p1)/(1-p0)`` (gamma -> 0) to ``p1/p0`` (gamma -> inf), so
    there is a solution only for targets strictly inside that range.
    """
    low = (1 - p1) / (1 - p0) if p0 < 1 else math.inf
    high = p1 / p0 if p0 > 0 else math.inf
    lo_b, hi_b = min(low, high), max(low, high)
    denominator = p1 - target * p0
    if p1 == p0 or denominator == 0 or not (lo_b < target < hi_b):
        raise NoSolutionError(
            f"no confounder-outcome risk ratio tips the result: with prevalences {_fmt(p1)} "
            f"(treated) and {_fmt(p0)} (control) the bias factor can only lie between "
            f"{_fmt(lo_b)} and {_fmt(hi_b)}, and a factor of {_fmt(target)} is needed.")
    return (target * (1 - p0) - (1 - p1)) / denominator


def solve_prevalence_control(target: float, p1: float, gamma: float) -> float:
    """``p0`` with ``B = target``: ``((gamma p1 + 1 - p1) / target - 1) / (gamma - 1)``."""
    numerator = gamma * p1 + 1 - p1
    if gamma == 1:
        raise NoSolutionError("no prevalence tips the result: a confounder with outcome risk "
                              "ratio 1 causes no bias.")
    p0 = (numerator / target - 1) / (gamma - 1)
    if not 0 <= p0 <= 1:
        ends = sorted((numerator, numerator / gamma))
        raise NoSolutionError(
            f"no prevalence among controls in [0, 1] tips the result: with prevalence "
            f"{_fmt(p1)} among the treated and outcome risk ratio {_fmt(gamma)} the bias factor "
            f"lies between {_fmt(ends[0])} and {_fmt(ends[1])}, and {_fmt(target)} is needed "
            f"(it would take p0 = {_fmt(p0)}).")
    return p0


def solve_prevalence_treated(target: float, p0: float, gamma: float) -> float:
    """``p1`` with ``B = target``: ``(target (gamma p0 + 1 - p0) - 1) / (gamma - 1)``."""
    if gamma == 1:
        raise NoSolutionError("no prevalence tips the result: a confounder with outcome risk "
                              "ratio 1 causes no bias.")
    denominator = gamma * p0 + 1 - p0
    p1 = (target * denominator - 1) / (gamma - 1)
    if not 0 <= p1 <= 1:
        ends = sorted((1 / denominator, gamma / denominator))
        raise NoSolutionError(
            f"no prevalence among the treated in [0, 1] tips the result: with prevalence "
            f"{_fmt(p0)} among controls and outcome risk ratio {_fmt(gamma)} the bias factor "
            f"lies between {_fmt(ends[0])} and {_fmt(ends[1])}, and {_fmt(target)} is needed "
            f"(it would take p1 = {_fmt(p1)}).")
    return p1


def n_confounders(target: float, bias: float) -> float:
    """How many independent confounders with bias factor ``bias`` make up ``target``."""
    if target == 1:
        return 0.0
    if bias == 1 or (bias > 1) != (target > 1):
        raise NoSolutionError(
            f"no number of such confounders tips the result: each has bias factor "
            f"{_fmt(bias)}, which does not move the estimate towards the null (a factor of "
            f"{_fmt(target)} is needed).")
    return math.log(target) / math.log(bias)
