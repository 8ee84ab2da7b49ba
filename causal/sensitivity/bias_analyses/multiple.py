"""Multiple-bias bounds and E-values (Smith, Mathur & VanderWeele 2021).

Confounding, selection and misclassification, declared as the bias types of
:mod:`causal.study.values.biases`, bias an observed risk ratio by at most the product of their
bias factors. :func:`multi_bound` evaluates that product for given parameter values;
:func:`multi_evalue` gives the smallest value ``e`` that every parameter would need to take, all
at once, for the product to reach the ratio between the observed and the true risk ratio.

Conventions
-----------
* Risk-ratio scale. An OR with a rare outcome is read as an RR; with a common outcome as
  ``sqrt(OR)`` (VanderWeele 2017); an HR likewise (see :mod:`causal.sensitivity._scale`).
  The conversion is stated on every result.
* Which CI limit: the one nearest ``true``; its E-value is 1 when the interval contains ``true``.
* Bias direction: the bound limits bias away from ``true``; a protective estimate is inverted.
* The E-value is the exact root of ``e^n / (2e - 1)^d = RR / true`` (Brent's method to
  ``1e-14``). EValue 4.1 uses R's ``uniroot`` default tolerance, so its printed values differ
  from these by up to about 1e-4.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_positive
from causal.errors import CommonOutcomeWarning
from causal.sensitivity._scale import to_rr_scale
from causal.sensitivity.bias_analyses._terms import (
    Bias,
    Term,
    as_biases,
    degrees,
    solve_degrees,
    terms,
)


def _describe(biases: tuple[Bias, ...]) -> str:
    return " + ".join(b.kind for b in biases)


@dataclass(frozen=True)
class MultiBiasBound(SummaryMixin):
    """The largest factor by which the declared biases can move a risk ratio.

    Attributes
    ----------
    bound : float
        Product of the bias factors.
    factors : tuple of (str, float)
        Each factor with the bias it describes.
    parameters : tuple of (str, str, float)
        ``(bias, parameter, value)`` for every sensitivity parameter (all assumed, none
        estimated).
    rr_point, rr_ci : float or None, tuple or None
        The estimate on the risk-ratio scale, if a measure was given.
    corrected_point, corrected_ci_limit : float or None
        The most the biases could move the estimate and the CI limit nearest the null towards
        it: ``RR / bound`` for a harmful estimate, ``RR x bound`` for a protective one (risk-ratio
        scale). The true risk ratio is at least (at most) this if the parameters hold.
    """

    biases: tuple[Bias, ...]
    bound: float
    factors: tuple[tuple[str, float], ...]
    parameters: tuple[tuple[str, str, float], ...]
    measure: Any = None
    rr_point: float | None = None
    rr_ci: tuple[float, float] | None = None
    corrected_point: float | None = None
    corrected_ci_limit: float | None = None
    conversion: str = ""
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = [
            {"quantity": label, "estimate": value, "method": bias,
             "note": "assumed sensitivity parameter"} for bias, label, value in self.parameters]
        rows += [{"quantity": f"bias factor ({bias})", "estimate": value,
                  "method": "Smith, Mathur & VanderWeele 2021"} for bias, value in self.factors]
        rows.append({"quantity": "multiple-bias bound", "estimate": self.bound,
                     "method": "Smith, Mathur & VanderWeele 2021",
                     "note": f"product of the factors ({_describe(self.biases)})"})
        if self.rr_point is not None:
            lower, upper = self.rr_ci if self.rr_ci is not None else (math.nan, math.nan)
            rows.append({"quantity": "estimate on the risk-ratio scale", "estimate": self.rr_point,
                         "ci_lower": lower, "ci_upper": upper, "method": "conversion",
                         "note": self.conversion})
            side = "at least" if self.rr_point >= 1 else "at most"
            rows.append({"quantity": "bias-corrected limit (point)",
                         "estimate": self.corrected_point, "method": "bound",
                         "note": f"true RR is {side} this if the parameters hold"})
            if self.corrected_ci_limit is not None:
                rows.append({"quantity": "bias-corrected limit (CI limit nearest the null)",
                             "estimate": self.corrected_ci_limit, "method": "bound",
                             "note": "the CI limit moved by the whole bound"})
        return summary_frame(rows)


def multi_bound(biases: Any, measure: Any = None) -> MultiBiasBound:
    """Bound the joint bias from confounding, selection and misclassification.

    Parameters
    ----------
    biases : Confounding, Selection, Misclassification or a sequence of them
        With the values of their sensitivity parameters. Order as the biases act on the data
        (see :mod:`causal.study.values.biases`).
    measure : RiskRatio, OddsRatio, HazardRatio or float, optional
        An observed estimate; if given, the result also reports how far the biases could move
        it (on the risk-ratio scale).

    Returns
    -------
    MultiBiasBound

    Notes
    -----
    ``RR_obs / RR_true <= prod_k BF_k`` (Smith, Mathur & VanderWeele 2021, eq. 2), with the
    factors listed in :mod:`causal.study.values.biases`.

    References
    ----------
    Smith, L. H., Mathur, M. B. & VanderWeele, T. J. (2021). Multiple-bias sensitivity analysis
    using bounds. Epidemiology 32(5), 625-634.

    Examples
    --------
    The HIV and wasting example of Smith, Mathur & VanderWeele (2021):

    >>> from causal.sensitivity import Confounding, Selection, multi_bound
    >>> result = multi_bound([Confounding(rr_au=2.3, rr_uy=2.5),
    ...                       Selection(risk="increased", rr_uy_a1=3, rr_su_a1=2)])
    >>> round(result.bound, 6)
    2.269737
    """
    biases = as_biases(biases)
    term_list = terms(biases)
    factors = tuple((t.bias, t.factor()) for t in term_list)
    bound = math.prod(value for _, value in factors)
    parameters = tuple((t.bias, label, float(getattr(owner, name)))
                       for t in term_list for owner, name, label in t.params)
    if measure is None:
        return MultiBiasBound(biases, bound, factors, parameters)
    rarity = _check_rarity(biases, measure)
    scale = to_rr_scale(measure)
    rr = scale.rr_point
    corrected = rr / bound if rr >= 1 else rr * bound
    limit_name, limit = scale.ci_limit(1.0)
    corrected_limit = None
    if limit is not None:
        corrected_limit = limit / bound if limit_name == "lower" else limit * bound
    return MultiBiasBound(biases, bound, factors, parameters, measure, rr, scale.rr_ci,
                          corrected, corrected_limit, scale.conversion, scale.notes + rarity)


@dataclass(frozen=True)
class MultiBiasEValue(SummaryMixin):
    """Multiple-bias (or selection-bias) E-values of an estimate and its CI limit.

    Attributes
    ----------
    point, ci : float, float or None
        E-values of the estimate and of the CI limit nearest ``true`` (1 if the CI contains it).
    ci_limit_used : {"lower", "upper", "none"}
    parameters : tuple of str
        The sensitivity parameters the E-value refers to, all at once.
    degrees : (int, int)
        ``(n, d)`` of the equation ``e^n / (2e - 1)^d = RR / true``.
    rr_point, rr_ci, rr_true, conversion
        The estimate, CI and ``true`` on the risk-ratio scale, and how they were converted.
    """

    biases: tuple[Bias, ...]
    measure: Any
    point: float
    ci: float | None
    ci_limit_used: str
    parameters: tuple[str, ...]
    degrees: tuple[int, int]
    rr_point: float
    rr_ci: tuple[float, float] | None
    true: float
    rr_true: float
    conversion: str
    method: str = "Smith, Mathur & VanderWeele 2021"
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> pd.DataFrame:
        lower, upper = self.rr_ci if self.rr_ci is not None else (math.nan, math.nan)
        refers = ", ".join(self.parameters)
        rows: list[dict[str, Any]] = [
            {"quantity": "estimate on the risk-ratio scale", "estimate": self.rr_point,
             "ci_lower": lower, "ci_upper": upper, "method": "conversion",
             "note": self.conversion},
            {"quantity": f"{self.kind} E-value (point estimate)", "estimate": self.point,
             "method": self.method, "note": f"each of {refers}; to shift it to {self.true:g}"}]
        if self.ci is not None:
            note = ("CI contains the true value" if self.ci_limit_used == "none"
                    else f"{self.ci_limit_used} CI limit (nearest {self.true:g})")
            rows.append({"quantity": f"{self.kind} E-value (CI limit)", "estimate": self.ci,
                         "method": self.method, "note": note})
        return summary_frame(rows)

    @property
    def kind(self) -> str:
        return "selection-bias" if [b.kind for b in self.biases] == ["selection"] else "multi-bias"

    def sentence(self) -> str:
        """A plain-language reading."""
        together = " together" if len(self.biases) > 1 else ""
        text = (f"To explain away the estimate by {_describe(self.biases)}{together}, each of "
                f"{', '.join(self.parameters)} would have to be at least {self.point:.2f}")
        if self.ci is None:
            return text + "."
        if self.ci_limit_used == "none":
            return text + "; the confidence interval already includes the true value."
        return text + f"; {self.ci:.2f} each would move the confidence interval to include it."


def multi_evalue(biases: Any, measure: Any, true: float | None = None) -> MultiBiasEValue:
    """The multiple-bias E-value: the smallest common value of every sensitivity parameter of
    ``biases`` that could move ``measure`` to ``true``.

    Parameters
    ----------
    biases : Confounding, Selection, Misclassification or a sequence of them
        Only their types and assumptions are used (parameter values are ignored).
    measure : RiskRatio, OddsRatio, HazardRatio or float
        An OR or HR must state ``rare_outcome``. A float is a risk ratio.
    true : float, optional
        The value to shift to, on the measure's own scale (default 1).

    Returns
    -------
    MultiBiasEValue

    Notes
    -----
    Solves ``e^n / (2e - 1)^d = max(RR / RR_true, RR_true / RR)``, where each two-parameter
    factor contributes ``(2, 1)``, a risk-ratio parameter ``(1, 0)`` and a common-exposure
    misclassification odds ratio ``(2, 0)`` (Smith, Mathur & VanderWeele 2021, Section 4).
    Closed forms: ``(2, 1)``: ``e = y + sqrt(y (y - 1))`` (the E-value); ``(1, 0)``: ``e = y``.

    References
    ----------
    Smith, L. H., Mathur, M. B. & VanderWeele, T. J. (2021). Multiple-bias sensitivity analysis
    using bounds. Epidemiology 32(5), 625-634.
    """
    biases = as_biases(biases)
    term_list = terms(biases)
    return _evalue(biases, term_list, measure, true)


def _check_rarity(biases: tuple[Bias, ...], measure: Any) -> tuple[str, ...]:
    """Exposure misclassification's bound assumes a rare outcome: warn if the measure says the
    outcome is common (EValue 4.1 allows the combination silently)."""
    if getattr(measure, "rare_outcome", None) is False and any(
            getattr(b, "variable", None) == "exposure" for b in biases):
        message = ("The measure states a common outcome (rare_outcome=False) but the exposure "
                   "misclassification bound assumes a rare outcome; the bound may not hold.")
        warnings.warn(message, CommonOutcomeWarning, stacklevel=3)
        return (message,)
    return ()


def _evalue(biases: tuple[Bias, ...], term_list: tuple[Term, ...], measure: Any,
            true: float | None, method: str = "Smith, Mathur & VanderWeele 2021"
            ) -> MultiBiasEValue:
    rarity = _check_rarity(biases, measure)
    scale = to_rr_scale(measure)
    true_value = 1.0 if true is None else check_positive(true, "true")
    rr_true = scale.to_rr(true_value)
    n, d = degrees(term_list)

    def one(rr: float) -> float:
        return solve_degrees(max(rr / rr_true, rr_true / rr), n, d)

    point = one(scale.rr_point)
    limit_name, limit = scale.ci_limit(rr_true)
    ci: float | None
    if scale.rr_ci is None:
        ci = None
    elif limit is None:
        ci = 1.0
    else:
        ci = one(limit)
    labels = tuple(label for t in term_list for _, _, label in t.params)
    return MultiBiasEValue(biases, measure, point, ci, limit_name, labels, (n, d),
                           scale.rr_point, scale.rr_ci, true_value, rr_true, scale.conversion,
                           method, scale.notes + rarity)
