"""Effect measures that carry their assumptions, and a 2x2 table.

A measure is a frozen value: an estimate with a confidence interval and/or a standard error, and
the assumptions needed to interpret it (is the outcome rare? is an odds ratio conditional on
covariates or marginal?). Give either the CI or the standard error; the other is derived.

Conventions
-----------
* Ratio measures (:class:`RiskRatio`, :class:`OddsRatio`, :class:`HazardRatio`) are Wald
  intervals on the log scale: ``std_error`` is the standard error of ``log(estimate)`` and
  ``ci = exp(log(estimate) -/+ z * std_error)`` with ``z`` the ``1 - alpha/2`` normal quantile.
  When only a CI is given, ``std_error = (log(upper) - log(lower)) / (2 z)``.
* Difference measures use the same construction on the natural scale.
* ``alpha`` defaults to 0.05 (a 95% interval) everywhere.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass
from statistics import NormalDist
from typing import ClassVar, Literal

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import (
    check_alpha,
    check_ci_contains,
    check_events,
    check_finite,
    check_interval,
    check_literal,
    check_positive,
    check_probability,
)
from causal.errors import ParameterError

OddsRatioKind = Literal["conditional", "marginal", "crude", "unspecified"]
ODDS_RATIO_KINDS: tuple[str, ...] = ("conditional", "marginal", "crude", "unspecified")

_NORMAL = NormalDist()


def z_critical(alpha: float) -> float:
    """The ``1 - alpha/2`` quantile of the standard normal distribution."""
    return _NORMAL.inv_cdf(1 - alpha / 2)


def two_sided_p(z: float) -> float:
    """Two-sided normal p-value of a z statistic."""
    return 2 * (1 - _NORMAL.cdf(abs(z))) if math.isfinite(z) else 0.0


#: Above this outcome prevalence an odds ratio is not a risk ratio (VanderWeele 2017).
RARE_OUTCOME_THRESHOLD = 0.15


def is_rare_outcome(prevalence: float) -> bool:
    """The toolkit's one rare-outcome rule of thumb: rare when the outcome's prevalence is
    below :data:`RARE_OUTCOME_THRESHOLD` (15%, VanderWeele 2017), so that an odds or hazard
    ratio approximates a risk ratio. Used where a study does not state ``rare_outcome``
    itself (the report then says the prevalence decided) and to warn when a stated rare
    outcome is not rare."""
    return bool(prevalence < RARE_OUTCOME_THRESHOLD)


#: Ratios (estimates and CI limits) accepted by every ratio measure. Published ratios lie far
#: inside; the bounds keep logs, products of bias factors and printed numbers meaningful.
RATIO_RANGE = (1e-6, 1e6)
#: Largest absolute difference (risk, mean or standardised) accepted.
DIFFERENCE_MAX = 1e15


@dataclass(frozen=True)
class _Measure(SummaryMixin):
    """Shared machinery: validation and the CI <-> standard error relation."""

    estimate: float
    _: KW_ONLY
    ci: tuple[float, float] | None = None
    std_error: float | None = None
    alpha: float = 0.05
    label: str = ""

    #: short name used in tables ("OR", "RR", ...)
    short_name: ClassVar[str] = ""
    #: "ratio" (log scale) or "difference" (natural scale)
    scale: ClassVar[str] = "difference"

    def __post_init__(self) -> None:
        name = self.short_name
        if self.scale == "ratio":
            estimate = check_positive(self.estimate, "estimate", what=f"an {name} is a ratio")
        else:
            estimate = check_finite(self.estimate, "estimate")
        self._check_magnitude(estimate, "estimate")
        object.__setattr__(self, "estimate", estimate)
        alpha = check_alpha(self.alpha)
        object.__setattr__(self, "alpha", alpha)
        z = z_critical(alpha)
        ci, se = self.ci, self.std_error
        if ci is not None:
            ci = check_interval(ci, "ci")
            if self.scale == "ratio":
                check_positive(ci[0], "ci[0] (lower limit)", what=f"an {name} limit is a ratio")
            self._check_magnitude(ci[0], "ci[0] (lower limit)")
            self._check_magnitude(ci[1], "ci[1] (upper limit)")
            check_ci_contains(estimate, ci)
        if se is not None:
            se = check_positive(se, "std_error", what="a standard error")
        if ci is None and se is not None:
            centre = self._to_linear(estimate)
            ci = (self._from_linear(centre - z * se), self._from_linear(centre + z * se))
        elif ci is not None and se is None:
            width = self._to_linear(ci[1]) - self._to_linear(ci[0])
            se = width / (2 * z) if width > 0 else None
        object.__setattr__(self, "ci", ci)
        object.__setattr__(self, "std_error", se)

    def _check_magnitude(self, value: float, name: str) -> None:
        """Refuse numbers no study reports: a ratio of 5e-324 printed an adjusted OR of 0
        after a numpy warning, and 1e308 printed 300-digit numbers (see RATIO_RANGE)."""
        if self.scale == "ratio":
            low, high = RATIO_RANGE
            if not low <= value <= high:
                raise ParameterError(
                    f"`{name}` must be between {low:g} and {high:g} (an {self.short_name} is a "
                    f"ratio); got {value:g}, which is almost surely a typo or a log-scale "
                    f"value.")
        elif abs(value) > DIFFERENCE_MAX:
            raise ParameterError(f"`{name}` must be a difference of at most {DIFFERENCE_MAX:g} "
                                 f"in absolute value; got {value:g}.")

    def _to_linear(self, value: float) -> float:
        return math.log(value) if self.scale == "ratio" else value

    def _from_linear(self, value: float) -> float:
        return math.exp(value) if self.scale == "ratio" else value

    @property
    def null(self) -> float:
        """The value of no effect: 1 for ratios, 0 for differences."""
        return 1.0 if self.scale == "ratio" else 0.0

    @property
    def z_statistic(self) -> float:
        """Wald statistic against the null, ``(linear estimate - linear null) / std_error``."""
        if self.std_error is None:
            return math.nan
        return (self._to_linear(self.estimate) - self._to_linear(self.null)) / self.std_error

    @property
    def p_value(self) -> float:
        """Two-sided Wald p-value against the null (NaN without a standard error)."""
        z = self.z_statistic
        return math.nan if math.isnan(z) else two_sided_p(z)

    def describe(self) -> str:
        """One line, e.g. ``OR 2.54 (95% CI 1.32–4.89)``."""
        text = f"{self.short_name} {self.estimate:.3g}"
        if self.ci is not None:
            level = round(100 * (1 - self.alpha), 1)
            text += f" ({level:g}% CI {self.ci[0]:.3g}–{self.ci[1]:.3g})"
        return text

    def _assumption_note(self) -> str:
        return ""

    def summary(self) -> pd.DataFrame:
        lower, upper = self.ci if self.ci is not None else (math.nan, math.nan)
        se = self.std_error if self.std_error is not None else math.nan
        scale_note = "SE on the log scale" if self.scale == "ratio" else ""
        note = "; ".join(part for part in (scale_note, self._assumption_note()) if part)
        return summary_frame(
            [
                {
                    "quantity": self.label or self.short_name,
                    "estimate": self.estimate,
                    "std_error": se,
                    "ci_lower": lower,
                    "ci_upper": upper,
                    "p_value": self.p_value,
                    "method": type(self).__name__,
                    "note": note,
                }
            ]
        )


@dataclass(frozen=True)
class RiskRatio(_Measure):
    """A risk ratio (relative risk) ``P(Y=1 | treated) / P(Y=1 | control)``."""

    short_name = "RR"
    scale = "ratio"


@dataclass(frozen=True, kw_only=True)
class OddsRatio(_Measure):
    """An odds ratio with the assumptions needed to read it as a risk ratio.

    Parameters
    ----------
    estimate : float
        The odds ratio (> 0).
    ci, std_error, alpha, label
        See the module docstring.
    rare_outcome : bool or None
        Whether the outcome is rare (under about 15%) in every stratum, so that OR ~ RR.
        ``None`` means "not stated"; methods that need it (E-values) then ask for it.
    prevalence : float, optional
        Outcome prevalence in the whole sample, if known. Used to warn when a common outcome is
        treated as rare.
    control_risk : float, optional
        Outcome risk among the unexposed, if known; enables the Zhang & Yu (1998) conversion.
    kind : {"conditional", "marginal", "crude", "unspecified"}
        ``"conditional"``: a covariate-adjusted logistic coefficient; ``"marginal"``: from two
        standardised potential-outcome risks; ``"crude"``: from an unadjusted 2x2 table. They
        differ even without confounding (non-collapsibility), so a report must not mix them.
    """

    short_name = "OR"
    scale = "ratio"
    rare_outcome: bool | None = None
    prevalence: float | None = None
    control_risk: float | None = None
    kind: OddsRatioKind = "unspecified"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.rare_outcome is not None and not isinstance(self.rare_outcome, bool):
            raise ParameterError(
                f"`rare_outcome` must be True, False or None; got {self.rare_outcome!r}."
            )
        if self.prevalence is not None:
            check_probability(self.prevalence, "prevalence", open_interval=True)
        if self.control_risk is not None:
            check_probability(self.control_risk, "control_risk", open_interval=True)
        check_literal(self.kind, "kind", ODDS_RATIO_KINDS)

    def _assumption_note(self) -> str:
        rare = {None: "rarity not stated", True: "rare outcome", False: "common outcome"}
        parts = [f"{self.kind} OR", rare[self.rare_outcome]]
        if self.prevalence is not None:
            parts.append(f"prevalence {self.prevalence:.3g}")
        return ", ".join(parts)


@dataclass(frozen=True, kw_only=True)
class HazardRatio(_Measure):
    """A hazard ratio; ``rare_outcome`` says whether the outcome is rare at end of follow-up."""

    short_name = "HR"
    scale = "ratio"
    rare_outcome: bool | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.rare_outcome is not None and not isinstance(self.rare_outcome, bool):
            raise ParameterError(
                f"`rare_outcome` must be True, False or None; got {self.rare_outcome!r}."
            )

    def _assumption_note(self) -> str:
        return {None: "rarity not stated", True: "rare outcome", False: "common outcome"}[
            self.rare_outcome
        ]


@dataclass(frozen=True, kw_only=True)
class RiskDifference(_Measure):
    """A risk difference ``P(Y=1 | treated) - P(Y=1 | control)``.

    ``table`` (a :class:`TwoByTwo`) is needed for the E-value of a risk difference (Ding &
    VanderWeele 2016), which depends on the two risks and the share treated, not only on the
    difference.
    """

    short_name = "RD"
    table: TwoByTwo | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not -1 <= self.estimate <= 1:
            raise ParameterError(f"`estimate` of a risk difference must be in [-1, 1]; "
                                 f"got {self.estimate:g}.")
        if self.table is not None and not isinstance(self.table, TwoByTwo):
            raise ParameterError(
                f"`table` must be a TwoByTwo; got {type(self.table).__name__}."
            )


@dataclass(frozen=True, kw_only=True)
class MeanDifference(_Measure):
    """A difference in means of a continuous outcome, or a regression coefficient.

    ``outcome_sd`` (the outcome's standard deviation, within groups or residual) turns it into a
    standardized mean difference, which is what the E-value conversion needs.
    """

    short_name = "MD"
    outcome_sd: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.outcome_sd is not None:
            check_positive(self.outcome_sd, "outcome_sd", what="a standard deviation")

    def standardize(self) -> StandardizedMeanDifference:
        """Divide estimate, CI and SE by ``outcome_sd``."""
        if self.outcome_sd is None:
            raise ParameterError(
                "`outcome_sd` must be given to standardize a mean difference; got None."
            )
        sd = self.outcome_sd
        ci = None if self.ci is None else (self.ci[0] / sd, self.ci[1] / sd)
        se = None if self.std_error is None else self.std_error / sd
        return StandardizedMeanDifference(
            self.estimate / sd, ci=ci, std_error=se, alpha=self.alpha, label=self.label
        )


@dataclass(frozen=True)
class StandardizedMeanDifference(_Measure):
    """A standardized mean difference (Cohen's d): a mean difference over the outcome's SD."""

    short_name = "SMD"


@dataclass(frozen=True)
class TwoByTwo(SummaryMixin):
    """Counts of a binary outcome in a treated and a control group.

    Parameters
    ----------
    treated_events, treated_total, control_events, control_total : int
        Events (e.g. recoveries) and group sizes.
    alpha : float
        1 - confidence level of every interval.

    Notes
    -----
    With ``a = treated_events``, ``b = treated_total - a``, ``c = control_events``,
    ``d = control_total - c``:

    * odds ratio ``ad / bc`` with Woolf's interval, SE(log OR) = sqrt(1/a + 1/b + 1/c + 1/d);
      and the conditional maximum-likelihood OR with the exact interval from the noncentral
      hypergeometric distribution (as in R's ``fisher.test``);
    * risk ratio with the Katz log interval, SE(log RR) = sqrt(1/a - 1/n1 + 1/c - 1/n0);
    * risk difference with the Wald interval, SE = sqrt(p1(1-p1)/n1 + p0(1-p0)/n0);
    * Pearson's chi-square test (optionally with Yates' correction) and Fisher's exact test.

    Woolf and Katz intervals need every cell (respectively the events) to be non-zero.
    """

    treated_events: int
    treated_total: int
    control_events: int
    control_total: int
    alpha: float = 0.05

    def __post_init__(self) -> None:
        a, n1 = check_events(self.treated_events, self.treated_total, "treated_events",
                             "treated_total")
        c, n0 = check_events(self.control_events, self.control_total, "control_events",
                             "control_total")
        object.__setattr__(self, "treated_events", a)
        object.__setattr__(self, "treated_total", n1)
        object.__setattr__(self, "control_events", c)
        object.__setattr__(self, "control_total", n0)
        object.__setattr__(self, "alpha", check_alpha(self.alpha))

    # cells -----------------------------------------------------------------------------
    @property
    def cells(self) -> tuple[int, int, int, int]:
        """``(a, b, c, d)``: treated events, treated non-events, control events, non-events."""
        a, c = self.treated_events, self.control_events
        return a, self.treated_total - a, c, self.control_total - c

    @property
    def total(self) -> int:
        return self.treated_total + self.control_total

    @property
    def treated_risk(self) -> float:
        return self.treated_events / self.treated_total

    @property
    def control_risk(self) -> float:
        return self.control_events / self.control_total

    @property
    def prevalence(self) -> float:
        return (self.treated_events + self.control_events) / self.total

    # measures --------------------------------------------------------------------------
    def odds_ratio(
        self, method: Literal["woolf", "exact"] = "woolf", *, rare_outcome: bool | None = None
    ) -> OddsRatio:
        """The crude odds ratio: sample OR with Woolf's interval, or conditional MLE (exact)."""
        check_literal(method, "method", ("woolf", "exact"))
        a, b, c, d = self.cells
        common = dict(alpha=self.alpha, rare_outcome=rare_outcome, prevalence=self._prevalence(),
                      control_risk=self._control_risk(), kind="crude")
        if method == "woolf":
            if min(a, b, c, d) == 0:
                raise ParameterError(
                    "Woolf's interval needs every cell of the 2x2 table to be > 0; got cells "
                    f"(a, b, c, d) = {(a, b, c, d)}. Use method='exact'."
                )
            se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
            return OddsRatio(a * d / (b * c), std_error=se, label="OR (Woolf)", **common)
        from scipy.stats.contingency import odds_ratio

        result = odds_ratio([[a, b], [c, d]], kind="conditional")
        interval = result.confidence_interval(confidence_level=1 - self.alpha)
        estimate = float(result.statistic)
        if not (0 < estimate < math.inf) or not (0 < interval.low and interval.high < math.inf):
            raise ParameterError(
                "the exact conditional OR is 0 or infinite for cells (a, b, c, d) = "
                f"{(a, b, c, d)}; no finite ratio to report."
            )
        return OddsRatio(estimate, ci=(float(interval.low), float(interval.high)),
                         label="OR (conditional MLE, exact CI)", **common)

    def risk_ratio(self) -> RiskRatio:
        """The risk ratio with the Katz log interval."""
        a, _, c, _ = self.cells
        if a == 0 or c == 0:
            raise ParameterError(
                f"the risk ratio needs events in both groups; got treated_events={a}, "
                f"control_events={c}."
            )
        se = math.sqrt(1 / a - 1 / self.treated_total + 1 / c - 1 / self.control_total)
        return RiskRatio(self.treated_risk / self.control_risk, std_error=se, alpha=self.alpha,
                         label="RR (Katz)")

    def risk_difference(self) -> RiskDifference:
        """The risk difference with the Wald interval; carries this table for its E-value."""
        p1, p0 = self.treated_risk, self.control_risk
        se = math.sqrt(p1 * (1 - p1) / self.treated_total + p0 * (1 - p0) / self.control_total)
        return RiskDifference(p1 - p0, std_error=se if se > 0 else None, alpha=self.alpha,
                              table=self, label="RD (Wald)")

    # tests -----------------------------------------------------------------------------
    def chi_square_p(self, *, correction: bool = False) -> float:
        """Pearson's chi-square test of independence (Yates' correction if asked)."""
        from scipy.stats import chi2_contingency

        a, b, c, d = self.cells
        if min(a + c, b + d) == 0:
            return 1.0
        return float(chi2_contingency([[a, b], [c, d]], correction=correction).pvalue)

    def fisher_p(self) -> float:
        """Two-sided Fisher's exact test (sum of tables no more probable than the observed)."""
        from scipy.stats import fisher_exact

        a, b, c, d = self.cells
        return float(fisher_exact([[a, b], [c, d]]).pvalue)

    def _prevalence(self) -> float | None:
        p = self.prevalence
        return p if 0 < p < 1 else None

    def _control_risk(self) -> float | None:
        p = self.control_risk
        return p if 0 < p < 1 else None

    def summary(self) -> pd.DataFrame:
        rows = []
        for measure in (self.odds_ratio("woolf"), self.odds_ratio("exact"), self.risk_ratio(),
                        self.risk_difference()):
            rows.extend(measure.summary().to_dict("records"))
        rows.append({"quantity": "chi-square test", "p_value": self.chi_square_p(),
                     "method": "Pearson, no continuity correction"})
        rows.append({"quantity": "Fisher's exact test", "p_value": self.fisher_p(),
                     "method": "two-sided"})
        return summary_frame(rows)
