"""A published claim: group counts, reported estimates with their CIs and p-values, and the
claim that holds them (what a paper prints)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from causal._validation import (
    check_alpha,
    check_events,
    check_interval,
    check_literal,
    check_positive,
)
from causal.claims.printed import PrintedP, _as_float, _check_log_scale, _shown
from causal.errors import ParameterError
from causal.measures import (
    OddsRatio,
    RiskDifference,
    RiskRatio,
    TwoByTwo,
    z_critical,
)

Severity = Literal["ok", "info", "warning", "error"]
#: the largest number of 2x2 tables :func:`check_tables` enumerates (about 0.5 GB of arrays)
MAX_TABLE_CELLS = 10**7
SEVERITIES: tuple[str, ...] = ("ok", "info", "warning", "error")
MeasureName = Literal["OR", "RR", "HR", "RD", "MD"]
MEASURE_NAMES: tuple[str, ...] = ("OR", "RR", "HR", "RD", "MD")
#: measures on an additive (difference) scale: null 0, Wald CI symmetric on the natural scale
ADDITIVE_MEASURES: tuple[str, ...] = ("RD", "MD")
Adjustment = Literal["none", "adjusted", "unknown"]
ADJUSTMENTS: tuple[str, ...] = ("none", "adjusted", "unknown")


@dataclass(frozen=True)
class GroupCounts:
    """One group's outcome as reported: events and size, a printed percentage, or both.

    A paper may print counts (``events`` of ``total``), a percentage with the group size
    (``percent`` and ``total``), or a percentage alone (``percent``): the group's risk is
    ``events / total`` when counts are given, else ``percent / 100``.
    """

    label: str
    events: int | None = None
    total: int | None = None
    percent: float | str | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.events is not None:
            if self.total is None:
                raise ParameterError(f"`total` of {self.label} must be given with its events; "
                                     f"got events {self.events} without a group size.")
            events, total = check_events(self.events, self.total, f"{self.label} events",
                                         f"{self.label} total")
            from causal._budgets import check_size

            check_size(total, "MAX_CLAIM_COUNT", f"`{self.label} total`")
            object.__setattr__(self, "events", events)
            object.__setattr__(self, "total", total)
        elif self.total is not None:
            _, total = check_events(0, self.total, f"{self.label} events", f"{self.label} total")
            if total < 1:
                raise ParameterError(f"`total` of {self.label} must be a positive group size; "
                                     f"got {self.total}.")
            object.__setattr__(self, "total", total)
        if self.percent is None:
            if self.events is None:
                raise ParameterError(f"`percent` of {self.label} must be given when its events "
                                     f"are not; got neither.")
        else:
            try:
                value = float(self.percent)
            except (TypeError, ValueError, OverflowError):
                raise ParameterError(f"`percent` of {self.label} must be a number in [0, 100]; "
                                     f"got {self.percent!r}.") from None
            if not 0 <= value <= 100:
                raise ParameterError(
                    f"`percent` of {self.label} must be in [0, 100]; got {self.percent}."
                )

    @property
    def has_counts(self) -> bool:
        return self.events is not None and self.total is not None

    @property
    def risk(self) -> float:
        """The group's outcome risk: from the counts when given, else the printed percent."""
        if self.has_counts:
            return self.events / self.total  # type: ignore[operator]
        return float(self.percent) / 100  # type: ignore[arg-type]

    def describe(self) -> str:
        """E.g. ``31/66 (47%)``, ``26% of 400`` or ``26%``."""
        if self.has_counts:
            shown = f" ({self.percent}%)" if self.percent is not None else ""
            return f"{self.events}/{self.total}{shown}"
        return f"{self.percent}%" + (f" of {self.total}" if self.total is not None else "")


@dataclass(frozen=True)
class ReportedEstimate:
    """An effect estimate as printed in a paper.

    Parameters
    ----------
    label : str
        Where it comes from, e.g. ``"model step 2 (adjusted)"``.
    measure : {"OR", "RR", "HR", "RD", "MD"}
        ``MD`` is a difference in means of a continuous outcome.
    estimate : float or str
        As printed; a string keeps trailing zeros (``"5.10"``).
    ci : pair of float or str, optional
        The printed confidence limits; None when the paper prints a point estimate only (its
        E-value then has no CI limit).
    p_value : str, optional
        As printed, e.g. ``"<.001"``.
    adjustment : {"none", "adjusted", "unknown"}
        Whether the estimate is unadjusted (so it should match the counts), covariate-adjusted,
        or not stated.
    adjusted_for : tuple of str
        Covariates named by the paper.
    odds_ratio_kind : {"conditional", "marginal", "crude", "unspecified"}
        For an OR: a logistic coefficient is conditional.
    headline : bool
        The estimate the paper's conclusion rests on.
    outcome_sd : float, optional
        For an MD: the outcome's standard deviation (within groups), which its E-value needs.
    units : {"proportion", "percentage_points"}
        For an RD: printed as a proportion (0.05) or in percentage points (5); :attr:`value`
        and :attr:`interval` are always proportions.
    """

    label: str
    measure: MeasureName
    estimate: float | str
    ci: tuple[float | str, float | str] | None
    p_value: str | None = None
    alpha: float = 0.05
    adjustment: Adjustment = "unknown"
    adjusted_for: tuple[str, ...] = ()
    odds_ratio_kind: str = "unspecified"
    headline: bool = False
    source: str = ""
    outcome_sd: float | None = None
    units: Literal["proportion", "percentage_points"] = "proportion"

    def __post_init__(self) -> None:
        check_literal(self.measure, "measure", MEASURE_NAMES)
        check_literal(self.units, "units", ("proportion", "percentage_points"))
        if self.units == "percentage_points" and self.measure != "RD":
            raise ParameterError(f"`units` = 'percentage_points' applies to a risk difference "
                                 f"(RD) only; got it for an {self.measure}.")
        if self.outcome_sd is not None:
            check_positive(self.outcome_sd, "outcome_sd", what="a standard deviation")
        check_literal(self.adjustment, "adjustment", ADJUSTMENTS)
        check_alpha(self.alpha)
        value = _as_float(self.estimate, "estimate")
        if self.measure not in ADDITIVE_MEASURES:
            check_positive(value, "estimate", what=f"an {self.measure} is a ratio")
            _check_log_scale(value, "estimate", self.measure, self.label)
        elif self.measure == "RD" and not -1 <= value / self._scale <= 1:
            raise ParameterError(f"`estimate` of a risk difference must lie in [-1, 1] (or "
                                 f"[-100, 100] percentage points); got {value:g}.")
        if self.ci is None:
            if self.p_value is not None:
                PrintedP.parse(self.p_value)
            object.__setattr__(self, "adjusted_for", tuple(self.adjusted_for))
            return
        if isinstance(self.ci, (str, bytes)) or not hasattr(self.ci, "__len__") or \
                len(self.ci) != 2:
            raise ParameterError(f"`ci` of {self.label!r} must be a pair [lower, upper]; got "
                                 f"{self.ci!r}.")
        lower, upper = check_interval((_as_float(self.ci[0], "ci[0] (lower limit)"),
                                       _as_float(self.ci[1], "ci[1] (upper limit)")), "ci")
        if self.measure not in ADDITIVE_MEASURES:
            check_positive(lower, "ci[0] (lower limit)", what=f"an {self.measure} limit is a ratio")
            _check_log_scale(lower, "ci[0] (lower limit)", self.measure, self.label)
            _check_log_scale(upper, "ci[1] (upper limit)", self.measure, self.label)
        if not lower <= value <= upper:
            raise ParameterError(
                f"`ci` ({lower:g}, {upper:g}) of {self.label!r} must contain the estimate "
                f"{value:g}."
            )
        if self.p_value is not None:
            PrintedP.parse(self.p_value)
        object.__setattr__(self, "adjusted_for", tuple(self.adjusted_for))

    @property
    def _scale(self) -> float:
        return 100.0 if self.units == "percentage_points" else 1.0

    @property
    def value(self) -> float:
        """The estimate (a proportion for an RD, whatever units it was printed in)."""
        return float(self.estimate) / self._scale

    @property
    def interval(self) -> tuple[float, float] | None:
        """The CI (proportions for an RD), or None when none was printed."""
        if self.ci is None:
            return None
        return float(self.ci[0]) / self._scale, float(self.ci[1]) / self._scale

    def describe(self, *, with_p: bool = False) -> str:
        """E.g. ``OR 2.54 (95% CI 1.32–4.89)``, as printed."""
        level = round(100 * (1 - self.alpha), 1)
        unit = " percentage points" if self.units == "percentage_points" else ""
        ci = (f" ({level:g}% CI {_shown(self.ci[0])}–{_shown(self.ci[1])})"
              if self.ci is not None else " (no CI)")
        text = f"{self.measure} {_shown(self.estimate)}{unit}{ci}"
        return text + (f", p {self._p_text()}" if with_p and self.p_value else "")

    def _p_text(self) -> str:
        text = str(self.p_value).strip()
        return text if text[:1] in "<>=≤≥" else f"= {text}"

    def to_measure(self, *, rare_outcome: bool | None = None, prevalence: float | None = None,
                   control_risk: float | None = None) -> OddsRatio | RiskRatio | RiskDifference:
        """The reported estimate as a :mod:`causal.measures` type (HR is not converted here)."""
        common = dict(ci=self.interval, alpha=self.alpha, label=self.label)
        if self.measure == "OR":
            kind = self.odds_ratio_kind
            return OddsRatio(self.value, rare_outcome=rare_outcome, prevalence=prevalence,
                             control_risk=control_risk, kind=kind, **common)  # type: ignore[arg-type]
        if self.measure == "RR":
            return RiskRatio(self.value, **common)
        if self.measure == "RD":
            return RiskDifference(self.value, **common)
        if self.measure == "MD":
            from causal.measures import MeanDifference

            return MeanDifference(self.value, outcome_sd=self.outcome_sd,  # type: ignore[return-value]
                                  **common)
        from causal.measures import HazardRatio

        return HazardRatio(self.value, rare_outcome=rare_outcome, **common)  # type: ignore[return-value]


@dataclass(frozen=True)
class ClusteringAssumption:
    """``[claim] clustering``: an ASSUMED intraclass correlation (one or several) and mean
    cluster size for a paper that analysed clustered people as independent
    (:func:`causal.sensitivity.evalues.design_effect.claim_clustering`)."""

    icc: tuple[float, ...]
    mean_cluster_size: float
    justification: str = ""


@dataclass(frozen=True)
class PublishedClaim:
    """What a paper reports about one treatment-outcome association.

    ``label``, ``subgroup`` and ``benefit`` identify one claim of a family (several outcomes or
    subgroups in one study); ``benefit`` says which direction is good for the outcome
    (``"higher"``: e.g. in work; ``"lower"``: e.g. depression caseness).
    """

    treated: GroupCounts | None = None
    control: GroupCounts | None = None
    overall: GroupCounts | None = None
    estimates: tuple[ReportedEstimate, ...] = ()
    outcome: str = ""
    treatment: str = ""
    source: str = ""
    label: str = ""
    subgroup: str = ""
    benefit: Literal["higher", "lower"] | None = None
    unmeasured: tuple[str, ...] = ()
    primary: bool = False
    #: covariates the two groups were matched on or adjusted for (for estimates computed
    #: from the groups; a printed estimate names its own)
    adjusted_for: tuple[str, ...] = ()
    #: ASSUMED clustering of the paper's people (``[claim] clustering``), or None
    clustering: ClusteringAssumption | None = None
    #: the source's own reading of this comparison, in its words (e.g. "no impact", "not
    #: statistically significant"); a report counts such a claim apart from those that favour
    #: or go against the treatment, whatever the sign of the printed difference
    source_says: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "estimates", tuple(self.estimates))
        object.__setattr__(self, "unmeasured", tuple(self.unmeasured))
        object.__setattr__(self, "adjusted_for", tuple(self.adjusted_for))
        if self.benefit is not None:
            check_literal(self.benefit, "benefit", ("higher", "lower"))
        flagged = [e.label for e in self.estimates if e.headline]
        if len(flagged) > 1:
            raise ParameterError(f"`headline` must be true for at most one estimate; got "
                                 f"{len(flagged)} ({', '.join(map(repr, flagged))}).")

    @property
    def table(self) -> TwoByTwo | None:
        """The 2x2 table from the group counts, if both groups report counts."""
        if self.treated is None or self.control is None or not (
                self.treated.has_counts and self.control.has_counts):
            return None
        return TwoByTwo(self.treated.events, self.treated.total, self.control.events,
                        self.control.total)

    @property
    def headline(self) -> ReportedEstimate | None:
        """The estimate marked ``headline``, else the last one reported, else a risk ratio
        computed from the two groups' reported risks (:meth:`risk_ratio_from_groups`)."""
        for estimate in self.estimates:
            if estimate.headline:
                return estimate
        if self.estimates:
            return self.estimates[-1]
        return self.risk_ratio_from_groups()

    def risk_ratio_from_groups(self) -> ReportedEstimate | None:
        """The risk ratio computed from the groups' reported counts or percentages.

        With both group sizes the CI is the Wald interval on the log scale,
        ``SE = sqrt((1 - p1)/(n1 p1) + (1 - p0)/(n0 p0))`` (Rothman, Modern Epidemiology, 3rd
        ed., eq. 14-12, with risks in place of counts when only percentages are printed);
        without them there is no CI. None when a group is missing or a risk is 0 or 1.
        """
        treated, control = self.treated, self.control
        if treated is None or control is None:
            return None
        p1, p0 = treated.risk, control.risk
        if not (0 < p1 < 1 and 0 < p0 < 1):
            return None
        ci = None
        counts = treated.has_counts and control.has_counts
        if treated.total is not None and control.total is not None:
            se = math.sqrt((1 - p1) / (treated.total * p1) + (1 - p0) / (control.total * p0))
            z = z_critical(0.05)
            ci = (p1 / p0 * math.exp(-z * se), p1 / p0 * math.exp(z * se))
        origin = "counts" if counts else "percentages"
        return ReportedEstimate(
            label=f"risk ratio computed from the reported {origin}", measure="RR",
            estimate=p1 / p0, ci=ci, adjustment="adjusted" if self.adjusted_for else "none",
            adjusted_for=self.adjusted_for, source=f"computed from the reported {origin}")

    @property
    def prevalence(self) -> float | None:
        """Outcome prevalence in the sample, from the overall group or the two groups' counts
        (None when only percentages without group sizes are reported)."""
        if self.overall is not None and (self.overall.has_counts or self.overall.percent
                                         is not None):
            return self.overall.risk
        table = self.table
        if table is not None:
            return table.prevalence
        treated, control = self.treated, self.control
        if (treated is not None and control is not None and treated.total is not None
                and control.total is not None):
            return ((treated.risk * treated.total + control.risk * control.total)
                    / (treated.total + control.total))
        return None

    @property
    def control_risk(self) -> float | None:
        return None if self.control is None else self.control.risk
