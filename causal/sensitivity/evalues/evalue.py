"""E-values and the bounding factor (VanderWeele & Ding 2017; Ding & VanderWeele 2016).

The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured
confounder would need to have with both the treatment and the outcome, conditional on the
measured covariates, to move the observed estimate to ``true`` (by default the null).

Conversions to the risk-ratio scale (VanderWeele 2017; VanderWeele & Ding 2017)
-----------------------------------------------------------------------------
* RR: used as is.
* OR, rare outcome (< about 15%): RR = OR.  OR, common outcome: RR ~ sqrt(OR).
* HR, rare outcome: RR = HR.  HR, common outcome: RR ~ (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)).
* SMD ``d`` (and a mean difference or regression coefficient divided by the outcome SD):
  RR ~ exp(0.91 d). The 95% limits follow VanderWeele & Ding (2017) and the EValue package:
  exp(0.91 d -/+ 1.78 SE) with their rounded 1.78 (= 0.91 x 1.96); for other ``alpha`` the
  multiplier is 0.91 z_{1-alpha/2}.
* RD: the bound of Ding & VanderWeele (2016) for the whole population, which needs the 2x2 table.

Which CI limit: the one nearest ``true``. Its E-value is 1 when the interval contains ``true``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_finite, check_positive
from causal.errors import ParameterError
from causal.measures import (
    HazardRatio,
    MeanDifference,
    OddsRatio,
    RiskDifference,
    RiskRatio,
    StandardizedMeanDifference,
    TwoByTwo,
    z_critical,
)
from causal.sensitivity._scale import to_rr_scale

#: exp(0.91 d) approximation of Chinn (2000) / VanderWeele (2017)
SMD_TO_LOG_RR = 0.91
#: the rounded 95% multiplier used by VanderWeele & Ding (2017) and EValue (0.91 x 1.96)
SMD_CI_MULTIPLIER_95 = 1.78

CiLimit = Literal["lower", "upper", "none"]


def e_value_of_rr(rr: float | np.ndarray) -> float | np.ndarray:
    """E-value of a risk ratio against the null: ``RR + sqrt(RR (RR - 1))`` after ``RR -> 1/RR``
    for protective ratios (VanderWeele & Ding 2017, eq. 1). Vectorised."""
    rr = np.asarray(rr, dtype=float)
    if np.any(rr <= 0) or np.any(~np.isfinite(rr)):
        raise ParameterError(f"`rr` must be finite and > 0; got {rr.tolist()}.")
    x = np.where(rr < 1, 1 / rr, rr)
    out = x + np.sqrt(x * (x - 1))
    return float(out) if out.ndim == 0 else out


def explain_away_curve(rr: float, rr_eu: Any) -> np.ndarray:
    """The ``RR_UD`` that, with each ``RR_EU``, makes the bounding factor equal ``rr``.

    Solves ``RR_EU RR_UD / (RR_EU + RR_UD - 1) = rr`` for ``RR_UD = rr (RR_EU - 1) /
    (RR_EU - rr)``. Points with ``RR_EU <= rr`` cannot explain ``rr`` away and are NaN.
    ``rr`` below 1 is inverted first.
    """
    rr = check_positive(rr, "rr")
    rr = 1 / rr if rr < 1 else rr
    eu = np.asarray(rr_eu, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ud = rr * (eu - 1) / (eu - rr)
    return np.where(eu > rr, ud, np.nan)


@dataclass(frozen=True)
class EValueResult(SummaryMixin):
    """E-values of an estimate and of its confidence limit nearest ``true``.

    Attributes
    ----------
    point : float
        E-value of the point estimate.
    ci : float or None
        E-value of the CI limit nearest ``true`` (1 when the CI contains ``true``); None without
        a CI.
    ci_limit_used : {"lower", "upper", "none"}
        Which limit ``ci`` refers to ("none": the CI contains ``true``, or there is no CI).
    rr_point, rr_ci : float, tuple
        The estimate and CI on the risk-ratio scale after ``conversion`` (for an RD, the bias
        factors that explain away the estimate and the CI limit).
    true : float
        The value to which the confounder would shift the estimate, on the input's scale.
    conversion : str
        How the input was put on the risk-ratio scale, with the assumption it rests on.
    notes : tuple of str
        Warnings raised while computing (also issued as Python warnings).
    """

    measure: Any
    true: float
    rr_point: float
    rr_ci: tuple[float, float] | None
    point: float
    ci: float | None
    ci_limit_used: CiLimit
    conversion: str
    rr_true: float = 1.0
    notes: tuple[str, ...] = field(default=())

    def curve(self, rr_eu: Any = None, *, num: int = 200) -> pd.DataFrame:
        """Pairs (RR_EU, RR_UD) that would just explain away the estimate and the CI limit.

        Returns a DataFrame with columns ``rr_eu``, ``rr_ud_point`` and ``rr_ud_ci`` (NaN
        where a given RR_EU is too small on its own). The default grid runs from just above the
        smallest RR needed to about three times the point E-value.
        """
        target_point = _ratio_to_true(self.rr_point, self.rr_true)
        target_ci = self._rr_ci_target()
        if rr_eu is None:
            low = min(target_point, target_ci or target_point)
            high = max(3 * self.point, target_point + 2)
            rr_eu = np.geomspace(low * (1 + 1e-3), high, num)
        rr_eu = np.asarray(rr_eu, dtype=float)
        ci_curve = (explain_away_curve(target_ci, rr_eu) if target_ci and target_ci > 1
                    else np.full_like(rr_eu, np.nan))
        return pd.DataFrame({"rr_eu": rr_eu, "rr_ud_point": explain_away_curve(target_point, rr_eu),
                             "rr_ud_ci": ci_curve})

    def _rr_ci_target(self) -> float | None:
        if self.rr_ci is None or self.ci_limit_used == "none":
            return None
        limit = self.rr_ci[0] if self.ci_limit_used == "lower" else self.rr_ci[1]
        return _ratio_to_true(limit, self.rr_true)

    def to_dict(self) -> dict[str, Any]:
        """The E-values, the risk-ratio-scale estimate and CI, the conversion and the notes
        (the headline fields only: no summary table)."""
        return jsonable({"evalue_point": self.point, "evalue_ci": self.ci,
                         "ci_limit_used": self.ci_limit_used, "rr_point": self.rr_point,
                         "rr_ci": self.rr_ci, "conversion": self.conversion, "true": self.true,
                         "notes": list(self.notes)})

    def render_text(self) -> str:
        """The summary table, a blank line and :meth:`sentence`."""
        return f"{super().render_text()}\n\n{self.sentence()}"

    def summary(self) -> pd.DataFrame:
        measure_name = getattr(self.measure, "short_name", type(self.measure).__name__)
        lower, upper = self.rr_ci if self.rr_ci is not None else (math.nan, math.nan)
        rows = [
            {"quantity": f"{measure_name} on the risk-ratio scale", "estimate": self.rr_point,
             "ci_lower": lower, "ci_upper": upper, "method": "E-value conversion",
             "note": self.conversion},
            {"quantity": "E-value (point estimate)", "estimate": self.point,
             "method": "VanderWeele & Ding 2017", "note": f"to shift the estimate to {self.true:g}"},
        ]
        if self.ci is not None:
            note = ("CI contains the true value" if self.ci_limit_used == "none"
                    else f"{self.ci_limit_used} CI limit (nearest {self.true:g})")
            rows.append({"quantity": "E-value (CI limit)", "estimate": self.ci,
                         "method": "VanderWeele & Ding 2017", "note": note})
        return summary_frame(rows)

    def sentence(self) -> str:
        """A plain-language reading of the result."""
        text = (
            f"To explain away the estimate, an unmeasured confounder would need to be associated "
            f"with both treatment and outcome by a risk ratio of at least {self.point:.2f} each, "
            f"above and beyond the measured covariates"
        )
        if self.ci is None:
            return text + "."
        if self.ci_limit_used == "none":
            return text + "; the confidence interval already includes the null."
        return text + (f"; a confounder of {self.ci:.2f} each could move the confidence "
                       f"interval to include it.")


def _ratio_to_true(rr: float, rr_true: float) -> float:
    ratio = rr / rr_true
    return 1 / ratio if ratio < 1 else ratio


def _ratio_evalues(rr_point: float, rr_ci: tuple[float, float] | None, rr_true: float
                   ) -> tuple[float, float | None, CiLimit]:
    point = e_value_of_rr(rr_point / rr_true)
    if rr_ci is None:
        return point, None, "none"
    lower, upper = rr_ci
    if lower <= rr_true <= upper:
        return point, 1.0, "none"
    if rr_point >= rr_true:
        return point, e_value_of_rr(lower / rr_true), "lower"
    return point, e_value_of_rr(upper / rr_true), "upper"


def e_value(measure: Any, true: float | None = None) -> EValueResult:
    """E-values for an effect measure.

    Parameters
    ----------
    measure : RiskRatio, OddsRatio, HazardRatio, RiskDifference, MeanDifference,
        StandardizedMeanDifference, TwoByTwo, or any object with a ``to_measure()`` method
        (e.g. an estimator's result). A :class:`TwoByTwo` is read as its risk difference.
    true : float, optional
        The value to which a confounder would have to shift the estimate: 1 for ratio measures
        and 0 for differences by default. For an OR or HR it is on the input's scale and is
        converted with the same rule as the estimate; for an MD it is on the MD's scale.

    Returns
    -------
    EValueResult

    Notes
    -----
    ``E = RR + sqrt(RR (RR - 1))`` for ``RR >= 1`` (protective ratios are inverted), where RR is
    the estimate divided by ``true`` on the risk-ratio scale. See the module docstring for the
    conversions. An :class:`OddsRatio` or :class:`HazardRatio` must state ``rare_outcome``; when
    it says the outcome is rare while its known prevalence exceeds 15%, a
    :class:`~causal.errors.CommonOutcomeWarning` is issued.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine 167(4), 268-274.
    VanderWeele, T. J. (2017). On a square-root transformation of the odds ratio for a common
    outcome. Epidemiology 28(6), e58-e60.
    Ding, P. & VanderWeele, T. J. (2016). Sensitivity analysis without assumptions.
    Epidemiology 27(3), 368-377.

    Examples
    --------
    >>> from causal import OddsRatio, e_value
    >>> result = e_value(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False))
    >>> round(result.point, 2), round(result.ci, 2)
    (2.57, 1.56)
    """
    if hasattr(measure, "to_measure") and not isinstance(measure, TwoByTwo):
        measure = measure.to_measure()
    if isinstance(measure, TwoByTwo):
        measure = measure.risk_difference()

    if isinstance(measure, RiskRatio | OddsRatio | HazardRatio):
        true = 1.0 if true is None else check_positive(true, "true")
        return _ratio_measure_evalue(measure, true)
    if isinstance(measure, MeanDifference):
        if measure.outcome_sd is None:
            raise ParameterError(
                "`outcome_sd` must be given on a MeanDifference to compute its E-value (the "
                "conversion works on the standardized scale); got None."
            )
        true_smd = 0.0 if true is None else check_finite(true, "true") / measure.outcome_sd
        result = _smd_evalue(measure.standardize(), true_smd)
        return _replace(result, measure=measure, true=0.0 if true is None else float(true))
    if isinstance(measure, StandardizedMeanDifference):
        return _smd_evalue(measure, 0.0 if true is None else check_finite(true, "true"))
    if isinstance(measure, RiskDifference):
        if measure.table is None:
            raise ParameterError(
                "`table` must be given on a RiskDifference to compute its E-value (Ding & "
                "VanderWeele 2016 need the two risks and group sizes); got None. Use "
                "TwoByTwo(...).risk_difference()."
            )
        return _rd_evalue(measure, 0.0 if true is None else check_finite(true, "true"))
    raise ParameterError(
        "`measure` must be a RiskRatio, OddsRatio, HazardRatio, RiskDifference, MeanDifference, "
        f"StandardizedMeanDifference or TwoByTwo; got {type(measure).__name__}."
    )


def _replace(result: EValueResult, **changes: Any) -> EValueResult:
    from dataclasses import replace

    return replace(result, **changes)


def _ratio_measure_evalue(measure: RiskRatio | OddsRatio | HazardRatio, true: float
                          ) -> EValueResult:
    """On the RR scale by the toolkit's one conversion (:func:`causal.sensitivity._scale.
    to_rr_scale`: RR as is; OR or HR as a risk ratio for a rare outcome, else sqrt(OR) or
    VanderWeele's HR conversion)."""
    scale = to_rr_scale(measure)
    rr_true = scale.to_rr(true)
    point, ci, limit = _ratio_evalues(scale.rr_point, scale.rr_ci, rr_true)
    return EValueResult(measure=measure, true=true, rr_point=scale.rr_point, rr_ci=scale.rr_ci,
                        point=point, ci=ci, ci_limit_used=limit, conversion=scale.conversion,
                        rr_true=rr_true, notes=scale.notes)


def _smd_evalue(measure: StandardizedMeanDifference, true: float) -> EValueResult:
    d = measure.estimate
    rr_point = math.exp(SMD_TO_LOG_RR * d)
    rr_true = math.exp(SMD_TO_LOG_RR * true)
    rr_ci = None
    if measure.std_error is not None:
        multiplier = (SMD_CI_MULTIPLIER_95 if math.isclose(measure.alpha, 0.05)
                      else SMD_TO_LOG_RR * z_critical(measure.alpha))
        rr_ci = (math.exp(SMD_TO_LOG_RR * d - multiplier * measure.std_error),
                 math.exp(SMD_TO_LOG_RR * d + multiplier * measure.std_error))
    point, ci, limit = _ratio_evalues(rr_point, rr_ci, rr_true)
    return EValueResult(measure=measure, true=true, rr_point=rr_point, rr_ci=rr_ci, point=point,
                        ci=ci, ci_limit_used=limit, rr_true=rr_true,
                        conversion="standardized mean difference: RR ~ exp(0.91 d) (Chinn 2000; "
                                   "VanderWeele 2017)")


def rd_lower_bound(bias: float | np.ndarray, p1: float, p0: float, f: float
                   ) -> float | np.ndarray:
    """Ding & VanderWeele's (2016) lower bound on the causal risk difference in the population.

    With treated risk ``p1``, control risk ``p0`` and share treated ``f``, a confounder with
    bounding factor ``B`` can lower the risk difference to no less than
    ``f (p1 - p0 B) + (1 - f) (p1 / B - p0)``.
    """
    bias = np.asarray(bias, dtype=float)
    return f * (p1 - p0 * bias) + (1 - f) * (p1 / bias - p0)


def _rd_evalue(measure: RiskDifference, true: float) -> EValueResult:
    """E-value of a risk difference (Ding & VanderWeele 2016, Section 5).

    The bias factor ``B`` that moves the population risk difference bound to ``true`` solves
    ``f (p1 - p0 B) + (1 - f)(p1/B - p0) = true``, i.e. the quadratic
    ``p0 f B^2 + (true + p0 (1 - f) - p1 f) B - p1 (1 - f) = 0``. For the CI, ``B`` solves
    ``bound(B) - z SE(bound(B)) = true`` where the SE comes from the delta method over the
    binomial variances of ``p1``, ``p0`` and ``f``; at ``B = 1`` it is the Wald SE of the RD.
    A negative difference is handled by swapping the groups.
    """
    from scipy.optimize import brentq

    table = measure.table
    assert table is not None
    a, n1, c, n0 = (table.treated_events, table.treated_total, table.control_events,
                    table.control_total)
    estimate = a / n1 - c / n0
    reported_true = true
    if estimate < true:  # protective: swap treated and control
        a, n1, c, n0, true, estimate = c, n0, a, n1, -true, -estimate
    n = n1 + n0
    p1, p0, f = a / n1, c / n0, n1 / n
    if not -1 < true < 1:
        raise ParameterError(f"`true` for a risk difference must be in (-1, 1); got {true:g}.")
    if p0 == 0:
        raise ParameterError("the E-value of a risk difference needs events in the group with "
                             "the lower risk; got 0.")
    z = z_critical(measure.alpha)
    var_p1, var_p0, var_f = p1 * (1 - p1) / n1, p0 * (1 - p0) / n0, f * (1 - f) / n

    def lower_limit(bias: float) -> float:
        d_p1 = f + (1 - f) / bias
        d_p0 = -(f * bias + 1 - f)
        d_f = (p1 - p0 * bias) - (p1 / bias - p0)
        se = math.sqrt(d_p1**2 * var_p1 + d_p0**2 * var_p0 + d_f**2 * var_f)
        return float(rd_lower_bound(bias, p1, p0, f)) - z * se

    b_coef = true + p0 * (1 - f) - p1 * f
    b_point = (math.sqrt(b_coef**2 + 4 * p1 * p0 * f * (1 - f)) - b_coef) / (2 * p0 * f)
    b_point = max(b_point, 1.0)
    b_ci: float | None
    if lower_limit(1.0) <= true:
        b_ci, limit = 1.0, "none"
    else:
        upper = 2.0
        while lower_limit(upper) > true:
            upper *= 2
        b_ci, limit = brentq(lambda b: lower_limit(b) - true, 1.0, upper, xtol=1e-12), "lower"
    point = e_value_of_rr(b_point)
    ci = e_value_of_rr(b_ci)
    return EValueResult(measure=measure, true=reported_true, rr_point=b_point, rr_ci=(b_ci, math.inf),
                        point=point, ci=ci, ci_limit_used=limit,  # type: ignore[arg-type]
                        conversion="risk difference: bias factor that explains it away "
                                   "(Ding & VanderWeele 2016)")


def zhang_yu_evalue(odds_ratio: OddsRatio, control_risk: float) -> EValueResult:
    """E-values after the Zhang & Yu (1998) conversion of an OR to a risk ratio.

    ``RR = OR / (1 - p0 + p0 OR)``, applied to the estimate and to each CI limit, with ``p0``
    the outcome risk among the unexposed. For a common outcome it shows how conservative the
    square-root convention (RR ~ sqrt(OR), VanderWeele 2017) is. Applied to a
    covariate-adjusted OR with the crude control risk it is an approximation (McNutt, Wu, Xue
    & Hafner 2003), so a report gives it beside the sqrt(OR) convention, never instead of it.

    References
    ----------
    Zhang, J. & Yu, K. F. (1998). What's the relative risk? A method of correcting the odds
    ratio in cohort studies of common outcomes. JAMA 280(19), 1690-1691.
    McNutt, L.-A., Wu, C., Xue, X. & Hafner, J. P. (2003). Estimating the relative risk in
    cohort studies and clinical trials of common outcomes. Am J Epidemiol 157(10), 940-943.

    Examples
    --------
    >>> result = zhang_yu_evalue(OddsRatio(2.54, ci=(1.32, 4.89)), 64 / 236)
    >>> round(result.measure.estimate, 2), round(result.point, 2), round(result.ci, 2)
    (1.79, 2.98, 1.73)
    """
    if not isinstance(odds_ratio, OddsRatio):
        raise ParameterError(f"`odds_ratio` must be an OddsRatio; got "
                             f"{type(odds_ratio).__name__}.")
    if not 0 < control_risk < 1:
        raise ParameterError(f"`control_risk` must be in (0, 1); got {control_risk!r}.")

    def convert(value: float) -> float:
        return value / (1 - control_risk + control_risk * value)

    ci = None if odds_ratio.ci is None else (convert(odds_ratio.ci[0]), convert(odds_ratio.ci[1]))
    rr = RiskRatio(convert(odds_ratio.estimate), ci=ci,
                   label=f"Zhang-Yu RR (control risk {control_risk:.3g})")
    return e_value(rr)
