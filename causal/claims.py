"""A published claim and an audit of its internal consistency.

A reviewer often has only what a paper prints: an estimate with a CI, a p-value written as
"<.001", counts and percentages per group. :func:`audit` checks that those numbers agree with
each other, allowing for the rounding they were printed with:

* ``ci_symmetry``: a Wald interval for a ratio is symmetric on the log scale;
* ``p_value``: the p-value agrees with the standard error implied by the CI;
* ``counts``: an odds, risk ratio or risk difference agrees with the group counts;
* ``percentages``: percentages agree with the counts after rounding (GRIM-style);
* ``tables``: which integer 2x2 tables with the reported group sizes reproduce a reported OR
  and its CI.

Rounding convention: a number printed with ``k`` decimals stands for any value within
``0.5 x 10^-k`` of it (round half either way). A check fails only if *no* values inside the
rounding boxes of all the numbers involved satisfy it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin
from causal._validation import (
    check_alpha,
    check_events,
    check_interval,
    check_literal,
    check_positive,
)
from causal.errors import ParameterError
from causal.measures import (
    OddsRatio,
    RiskDifference,
    RiskRatio,
    TwoByTwo,
    two_sided_p,
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


# ---------------------------------------------------------------------------------------
# printed numbers and p-values
# ---------------------------------------------------------------------------------------
def decimals_of(value: float | str) -> int:
    """Number of decimals a value was printed with (``2.54`` -> 2, ``"5.10"`` -> 2)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return 0
    text = value if isinstance(value, str) else repr(float(value))
    exponent = Decimal(text.strip()).as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def rounding_box(value: float | str) -> tuple[float, float]:
    """The interval of true values that print as ``value``."""
    half = 0.5 * 10 ** (-decimals_of(value))
    number = float(value)
    return number - half, number + half


def rounds_to(true_value: np.ndarray | float, printed: float | str) -> np.ndarray | bool:
    """Whether ``true_value`` prints as ``printed`` (inside its rounding box, edges included)."""
    low, high = rounding_box(printed)
    eps = 1e-12
    return (np.asarray(true_value) >= low - eps) & (np.asarray(true_value) <= high + eps)


_P_PATTERN = re.compile(r"^\s*(p\s*)?(?P<op><=|>=|<|>|=|≤|≥)?\s*(?P<num>0?\.\d+|\d+(\.\d+)?(e-?\d+)?)\s*$",
                        re.IGNORECASE)


@dataclass(frozen=True)
class PrintedP:
    """A p-value as printed, e.g. ``"<.001"`` or ``".005"``, read as an interval."""

    text: str
    lower: float
    upper: float

    @classmethod
    def parse(cls, text: str | float) -> PrintedP:
        """Read ``"<.001"``, ``"p = .005"``, ``"0.05"`` or a number."""
        raw = str(text)
        match = _P_PATTERN.match(raw)
        if match is None:
            raise ParameterError(
                f"`p_value` must look like '<.001', '.005' or 'p = 0.03'; got {raw!r}."
            )
        op = {"≤": "<=", "≥": ">="}.get(match["op"] or "=", match["op"] or "=")
        number = float(match["num"])
        if not 0 <= number <= 1:
            raise ParameterError(f"`p_value` must be between 0 and 1; got {raw!r}.")
        if op in ("<", "<="):
            return cls(raw, 0.0, number)
        if op in (">", ">="):
            return cls(raw, number, 1.0)
        low, high = rounding_box(match["num"])
        return cls(raw, max(low, 0.0), min(high, 1.0))

    def agrees_with(self, low: float, high: float) -> bool:
        """Whether some p in ``[low, high]`` prints as this p-value."""
        return high >= self.lower - 1e-15 and low <= self.upper + 1e-15


def _as_float(value: Any, name: str) -> float:
    """A printed number (float, int or string) as a finite float, or a one-sentence error."""
    return _printed_number(value, name)


def _shown(value: float | str) -> str:
    """A number as printed; one computed here (a long float) to 4 significant digits."""
    text = str(value)
    return text if isinstance(value, str) or len(text) <= 8 else f"{float(value):.4g}"


def _check_log_scale(value: float, name: str, measure: str, label: str = "") -> None:
    """A ratio inside :data:`causal.measures.RATIO_RANGE`: its logarithm and reciprocal are
    representable (5e-324 has an infinite reciprocal; 1e308 overflows when squared), and a
    ratio outside the range is almost surely a typo or a log-scale value."""
    from causal.measures import RATIO_RANGE

    if not RATIO_RANGE[0] <= value <= RATIO_RANGE[1]:
        raise ParameterError(
            f"`{name}` of {label or measure!r} must be a ratio between {RATIO_RANGE[0]:g} and "
            f"{RATIO_RANGE[1]:g}; got {value:g} (a ratio outside this range is almost surely a "
            f"typo or a log-scale value).")


# ---------------------------------------------------------------------------------------
# what a paper reports
# ---------------------------------------------------------------------------------------
def _printed_number(value: Any, name: str) -> float:
    """A number as printed in a paper: a finite int, float, or numeric string like "2.54"."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, np.integer,
                                                         np.floating)):
        raise ParameterError(f"`{name}` must be a number (or a numeric string like '2.54'); "
                             f"got {value!r}.")
    try:
        number = float(value)
    except ValueError:
        raise ParameterError(f"`{name}` must be a number (or a numeric string like '2.54'); "
                             f"got {value!r}.") from None
    if not math.isfinite(number):
        raise ParameterError(f"`{name}` must be a finite number; got {value!r}.")
    return number


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


# ---------------------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One result of one audit check."""

    check: str
    subject: str
    severity: Severity
    message: str
    details: dict[str, Any] = field(default_factory=dict)


#: checks that, failing on the same estimate, describe one problem (see AuditResult.problems)
_SAME_PROBLEM = ("counts", "tables")


@dataclass(frozen=True)
class AuditResult(SummaryMixin):
    """All findings of :func:`audit`, worst first within the order the checks ran."""

    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Severity:
        if not self.findings:
            return "ok"
        return max((f.severity for f in self.findings), key=SEVERITIES.index)

    def by_check(self, check: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check]

    @property
    def problems(self) -> list[tuple[Finding, ...]]:
        """Warning and error findings grouped into distinct problems, in order of appearance.

        Several checks can describe one problem: an estimate that the group counts cannot
        produce fails both ``counts`` (the counts give another value) and ``tables`` (no table
        with the group sizes reproduces it). Those findings on the same estimate are one
        problem; every other failing finding is a problem of its own.
        """
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            if finding.severity not in ("warning", "error"):
                continue
            family = "counts" if finding.check in _SAME_PROBLEM else finding.check
            groups.setdefault((finding.subject, family), []).append(finding)
        return [tuple(group) for group in groups.values()]

    def summary(self) -> pd.DataFrame:
        """One row per finding: check, subject, severity and message (the audit's own table)."""
        return pd.DataFrame(
            [{"check": f.check, "subject": f.subject, "severity": f.severity,
              "message": f.message} for f in self.findings],
            columns=["check", "subject", "severity", "message"],
        )

    def to_records(self) -> list[dict[str, Any]]:
        return [{"check": f.check, "subject": f.subject, "severity": f.severity,
                 "message": f.message, "details": f.details} for f in self.findings]


# ---------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------
def _corners(*boxes: tuple[float, float]) -> np.ndarray:
    return np.array(list(product(*boxes)), dtype=float)


def check_ci_symmetry(estimate: ReportedEstimate) -> Finding | None:
    """Is a ratio's CI symmetric on the log scale, allowing for rounding? (None without a CI.)"""
    if estimate.ci is None:
        return None
    subject = estimate.label
    if estimate.measure in ADDITIVE_MEASURES:
        lo, hi = float(estimate.ci[0]), float(estimate.ci[1])
        mid = (lo + hi) / 2
        boxes = [rounding_box(estimate.estimate), rounding_box(estimate.ci[0]),
                 rounding_box(estimate.ci[1])]
        gaps = [(lo_ + hi_) / 2 - e for e, lo_, hi_ in _corners(*boxes)]
        scale = "natural"
        printed = float(estimate.estimate)
        asym = (hi - printed) / (printed - lo) if printed > lo else math.inf
    else:
        boxes = [rounding_box(estimate.estimate), rounding_box(estimate.ci[0]),
                 rounding_box(estimate.ci[1])]
        corners = _corners(*boxes)
        corners = corners[(corners > 0).all(axis=1)]
        gaps = [(math.log(lo_) + math.log(hi_)) / 2 - math.log(e) for e, lo_, hi_ in corners]
        scale = "log"
        lo, hi = estimate.interval
        mid = math.exp((math.log(lo) + math.log(hi)) / 2)
        asym = math.log(hi / estimate.value) / math.log(estimate.value / lo)
    consistent = min(gaps) <= 0 <= max(gaps)
    details = {"scale": scale, "interval_centre": mid, "asymmetry_ratio": asym}
    if consistent:
        return Finding("ci_symmetry", subject, "ok",
                       f"The CI of {estimate.describe()} is symmetric on the {scale} scale "
                       f"around the estimate, as a Wald interval should be.", details)
    return Finding("ci_symmetry", subject, "warning",
                   f"The CI of {estimate.describe()} is not symmetric on the {scale} scale: its "
                   f"centre is {mid:.3g}, not {estimate.estimate}. It may be a profile-likelihood "
                   f"or exact interval, or a number may be misprinted.", details)


def implied_p_range(estimate: ReportedEstimate) -> tuple[float, float, float]:
    """Two-sided Wald p implied by the printed estimate and CI: (p at printed values, min, max)
    over the rounding boxes of the three numbers."""
    z = z_critical(estimate.alpha)
    additive = estimate.measure in ADDITIVE_MEASURES
    to_lin = (lambda v: v) if additive else math.log
    null = 0.0 if additive else 1.0

    def p_of(e: float, lo: float, hi: float) -> float:
        se = (to_lin(hi) - to_lin(lo)) / (2 * z)
        return two_sided_p((to_lin(e) - to_lin(null)) / se) if se > 0 else 0.0

    corners = _corners(rounding_box(estimate.estimate), rounding_box(estimate.ci[0]),
                       rounding_box(estimate.ci[1]))
    if not additive:
        corners = corners[(corners > 0).all(axis=1)]
    corners = corners[corners[:, 2] > corners[:, 1]]
    values = [p_of(*row) for row in corners]
    return p_of(estimate.value, *estimate.interval), min(values), max(values)


def check_p_value(estimate: ReportedEstimate) -> Finding | None:
    """Does the printed p-value agree with the SE implied by the CI?"""
    if estimate.p_value is None or estimate.ci is None:
        return None
    printed = PrintedP.parse(estimate.p_value)
    p, low, high = implied_p_range(estimate)
    details = {"implied_p": p, "implied_p_min": low, "implied_p_max": high,
               "printed": printed.text}
    if printed.agrees_with(low, high):
        return Finding("p_value", estimate.label, "ok",
                       f"The p-value of {estimate.describe()} agrees with its CI: the standard "
                       f"error implied by the CI gives p = {p:.2g} (reported p "
                       f"{estimate._p_text()}).", details)
    return Finding("p_value", estimate.label, "error",
                   f"The p-value of {estimate.describe()} disagrees with its CI: the standard "
                   f"error implied by the CI gives p = {p:.2g} (between {low:.2g} and {high:.2g} "
                   f"allowing for rounding), but p {estimate._p_text()} is reported.", details)


def _count_estimate(table: TwoByTwo, measure: str) -> OddsRatio | RiskRatio | RiskDifference:
    if measure == "OR":
        return table.odds_ratio("woolf")
    if measure == "RR":
        return table.risk_ratio()
    return table.risk_difference()


def check_counts(estimate: ReportedEstimate, table: TwoByTwo) -> Finding | None:
    """Does a reported OR, RR or RD agree with the one computed from the group counts?"""
    if estimate.measure in ("HR", "MD"):
        return None
    computed = _count_estimate(table, estimate.measure)
    ci = computed.ci
    assert ci is not None
    scale = estimate._scale  # percentage points are compared in the units printed
    matches_point = bool(rounds_to(computed.estimate * scale, estimate.estimate))
    matches_ci = estimate.ci is None or bool(rounds_to(ci[0] * scale, estimate.ci[0])
                                             and rounds_to(ci[1] * scale, estimate.ci[1]))
    counts = (f"{table.treated_events}/{table.treated_total} vs "
              f"{table.control_events}/{table.control_total}")
    digits = max(decimals_of(estimate.estimate), 2)
    computed_text = (f"{estimate.measure} {computed.estimate:.{digits}f} (Woolf/Wald 95% CI "
                     f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f})")
    details = {"computed_estimate": computed.estimate, "computed_ci": list(ci),
               "matches_estimate": matches_point, "matches_ci": matches_ci}
    if matches_point and matches_ci:
        return Finding("counts", estimate.label, "ok",
                       f"{estimate.describe()} is reproduced by the counts {counts}.", details)
    if estimate.adjustment == "adjusted":
        return Finding("counts", estimate.label, "info",
                       f"{estimate.describe()} is adjusted, so it need not match the counts "
                       f"{counts}, which give {computed_text}.", details)
    severity: Severity = "error" if estimate.adjustment == "none" else "warning"
    return Finding("counts", estimate.label, severity,
                   f"{estimate.describe()} cannot come from the reported counts {counts}: they "
                   f"give {computed_text}. Either it was adjusted for something, or it was "
                   f"estimated on a subsample, or a number is misreported.", details)


def _counts_in_box(low: float, high: float, total: int) -> range:
    """Event counts ``k`` in ``0..total`` with ``low <= 100 k / total <= high``, found from the
    ends of the interval (constant time; a loop over every count took seconds at 5e7)."""
    first = max(0, math.floor(low * total / 100) - 1)
    last = min(total, math.ceil(high * total / 100) + 1)
    while first <= last and not low <= 100 * first / total <= high:
        first += 1
    while last >= first and not low <= 100 * last / total <= high:
        last -= 1
    return range(first, last + 1)


def check_percentages(group: GroupCounts) -> Finding | None:
    """Does the printed percentage agree with events/total after rounding (GRIM-style)?"""
    if group.percent is None or not group.has_counts:
        return None
    share = 100 * group.events / group.total
    details = {"computed_percent": share, "printed_percent": str(group.percent)}
    if rounds_to(share, group.percent):
        return Finding("percentages", group.label, "ok",
                       f"{group.percent}% of {group.label} agrees with {group.events}/"
                       f"{group.total} = {share:.2f}%.", details)
    low, high = rounding_box(group.percent)
    candidates = _counts_in_box(low, high, group.total)
    if len(candidates) <= 50:
        details["consistent_event_counts"] = list(candidates)
        fix = (f"counts consistent with {group.percent}% of {group.total} are "
               f"{list(candidates)}" if candidates else
               f"no count out of {group.total} rounds to {group.percent}%")
    else:
        details["consistent_event_counts"] = [candidates[0], candidates[-1]]
        fix = (f"counts consistent with {group.percent}% of {group.total} are "
               f"{candidates[0]} to {candidates[-1]}")
    return Finding("percentages", group.label, "error",
                   f"{group.percent}% of {group.label} disagrees with {group.events}/"
                   f"{group.total} = {share:.2f}%; {fix}.", details)


def reproducing_tables(estimate: ReportedEstimate, treated_total: int, control_total: int
                       ) -> pd.DataFrame:
    """All 2x2 tables with the given group sizes whose OR and Woolf CI print as reported.

    Enumerates every ``(treated_events, control_events)`` pair at once (vectorised) and keeps
    those whose sample OR and both Woolf limits fall in the rounding boxes of the printed
    numbers. Returns columns ``treated_events``, ``control_events``, ``odds_ratio``,
    ``ci_lower``, ``ci_upper``.
    """
    if estimate.measure != "OR":
        raise ParameterError(f"`estimate` must be an OR to search 2x2 tables; got "
                             f"{estimate.measure}.")
    z = z_critical(estimate.alpha)
    a, c = _tables_near_point(estimate, treated_total, control_total)
    parts = []
    for start in range(0, a.size, _TABLE_CHUNK):
        ca, cc = a[start:start + _TABLE_CHUNK], c[start:start + _TABLE_CHUNK]
        b, d = treated_total - ca, control_total - cc
        log_or = np.log(ca * d / (b * cc))
        se = np.sqrt(1 / ca + 1 / b + 1 / cc + 1 / d)
        odds = np.exp(log_or)
        lower, upper = np.exp(log_or - z * se), np.exp(log_or + z * se)
        keep = (rounds_to(odds, estimate.estimate) & rounds_to(lower, estimate.ci[0])
                & rounds_to(upper, estimate.ci[1]))
        parts.append(pd.DataFrame({"treated_events": ca[keep].astype(int),
                                   "control_events": cc[keep].astype(int),
                                   "odds_ratio": odds[keep], "ci_lower": lower[keep],
                                   "ci_upper": upper[keep]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["treated_events", "control_events", "odds_ratio", "ci_lower", "ci_upper"])


_TABLE_CHUNK = 1_000_000


def _tables_near_point(estimate: ReportedEstimate, n1: int, n0: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Every table ``(a, c)``, ``0 < a < n1``, ``0 < c < n0``, whose sample OR can print as the
    reported estimate, in the order of a full (a, c) grid.

    The sample OR ``a (n0 - c) / ((n1 - a) c)`` falls as ``c`` grows, so for each ``a`` the
    tables inside the estimate's rounding box ``[L, H]`` have ``c`` between
    ``a n0 / (a + (n1 - a) H)`` and ``a n0 / (a + (n1 - a) L)``; one more ``c`` is kept at
    each end against floating-point error, and the caller applies the exact test. The search
    therefore stays exhaustive while examining only this band, which is checked against
    :data:`causal._budgets.MAX_AUDIT_TABLES` before anything is allocated.
    """
    from causal._budgets import check_size

    low, high = rounding_box(estimate.estimate)
    low, high = max(low, 0.0) - 1e-12, high + 1e-12
    a = np.arange(1, n1, dtype=float)
    b = n1 - a
    first = np.floor(a * n0 / (a + b * high)) - 1 if high > 0 else np.full_like(a, n0)
    last = (np.ceil(a * n0 / (a + b * low)) + 1) if low > 0 else np.full_like(a, n0)
    first = np.clip(first, 1, n0 - 1).astype(np.int64)
    last = np.clip(last, 1, n0 - 1).astype(np.int64)
    width = np.maximum(last - first + 1, 0)
    check_size(int(width.sum()), "MAX_AUDIT_TABLES",
               "the number of candidate 2x2 tables for the reported OR",
               f"the group sizes {n1:,} and {n0:,} are too large for an exhaustive search")
    rows = np.repeat(np.arange(a.size), width)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(width) - width, width)
    return a[rows], (first[rows] + offsets).astype(float)


def tables_matching_point(estimate: ReportedEstimate, table: TwoByTwo) -> dict[str, int]:
    """The single-group change to the counts that brings the sample OR closest to the printed
    one: the treated event count (control count kept) and the control count (treated kept)."""
    a0, n1, c0, n0 = (table.treated_events, table.treated_total, table.control_events,
                      table.control_total)
    if c0 in (0, n0) or a0 in (0, n1) or n1 < 2 or n0 < 2:
        return {}
    odds = estimate.value
    target = math.log(odds)
    # The log OR is monotone in each count, so the nearest integer lies next to the exact
    # solution of OR(a) = target (or OR(c) = target); ties go to the smaller count.
    a_star = odds * c0 * n1 / ((n0 - c0) + odds * c0)
    c_star = a0 * n0 / (a0 + odds * (n1 - a0))

    def nearest(star: float, n: int, gap: Any) -> int:
        options = sorted({min(max(k, 1), n - 1) for k in (math.floor(star), math.ceil(star))})
        return min(options, key=lambda k: (gap(k), k))

    best_a = nearest(a_star, n1, lambda k: abs(math.log(k * (n0 - c0) / ((n1 - k) * c0))
                                               - target))
    best_c = nearest(c_star, n0, lambda k: abs(math.log(a0 * (n0 - k) / ((n1 - a0) * k))
                                               - target))
    return {"treated_events": best_a, "control_events": best_c}


def check_tables(estimate: ReportedEstimate, table: TwoByTwo) -> Finding | None:
    """Which integer tables with the reported group sizes reproduce a reported OR and CI?"""
    if estimate.measure != "OR" or estimate.ci is None:
        return None
    cells = (table.treated_total - 1) * (table.control_total - 1)
    if cells > MAX_TABLE_CELLS:
        return Finding("tables", estimate.label, "info",
                       f"The 2x2 tables that reproduce {estimate.describe()} were not searched: "
                       f"{table.treated_total:,} x {table.control_total:,} group sizes give "
                       f"{cells:,} tables, above the budget of {MAX_TABLE_CELLS:,}.",
                       {"cells": cells, "budget": MAX_TABLE_CELLS})
    found = reproducing_tables(estimate, table.treated_total, table.control_total)
    nearest = tables_matching_point(estimate, table)
    sizes = f"{table.treated_total} treated and {table.control_total} control"
    details = {"reproducing_tables": found.to_dict("records"), "nearest_point_matches": nearest}
    if not found.empty:
        listed = ", ".join(f"{r.treated_events}/{table.treated_total} vs "
                           f"{r.control_events}/{table.control_total}"
                           for r in found.head(5).itertuples())
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        severity: Severity = "ok"
        observed = ((found.treated_events == table.treated_events)
                    & (found.control_events == table.control_events)).any()
        if not observed:
            severity = "info"
        return Finding("tables", estimate.label, severity,
                       f"{len(found)} table(s) with {sizes} reproduce {estimate.describe()} as "
                       f"printed: {listed}{more}.", details)
    hints = []
    if nearest and nearest["treated_events"] != table.treated_events:
        hints.append(f"{nearest['treated_events']}/{table.treated_total} treated events "
                     f"(reported {table.treated_events})")
    if nearest and nearest["control_events"] != table.control_events:
        hints.append(f"{nearest['control_events']}/{table.control_total} control events "
                     f"(reported {table.control_events})")
    hint = (" Reaching the point estimate alone would need about " + " or ".join(hints) + "."
            if hints else "")
    severity = "info" if estimate.adjustment == "adjusted" else "warning"
    return Finding("tables", estimate.label, severity,
                   f"No 2x2 table with {sizes} reproduces {estimate.describe()} (Woolf interval) "
                   f"after rounding.{hint}", details)


def audit(claim: PublishedClaim) -> AuditResult:
    """Check a published claim's numbers against each other.

    Parameters
    ----------
    claim : PublishedClaim

    Returns
    -------
    AuditResult
        Findings with a severity (``ok``, ``info``, ``warning``, ``error``) and a sentence each.

    Notes
    -----
    See the module docstring for the checks and the rounding convention. The p-value check
    uses the Wald relation ``SE = (log U - log L) / (2 z_{1-alpha/2})`` and ``p = 2(1 -
    Phi(|log est| / SE))`` (Altman & Bland 2011).

    References
    ----------
    Altman, D. G. & Bland, J. M. (2011). How to obtain the P value from a confidence interval.
    BMJ 343, d2304.
    Brown, N. J. L. & Heathers, J. A. J. (2017). The GRIM test. Social Psychological and
    Personality Science 8(4), 363-369.
    """
    if not isinstance(claim, PublishedClaim):
        raise ParameterError(f"`claim` must be a PublishedClaim; got {type(claim).__name__}.")
    findings: list[Finding] = []
    for group in (claim.treated, claim.control, claim.overall):
        if group is not None and (finding := check_percentages(group)) is not None:
            findings.append(finding)
    if (claim.overall is not None and claim.treated is not None and claim.control is not None
            and claim.overall.has_counts and claim.table is not None):
        summed = (claim.treated.events + claim.control.events,
                  claim.treated.total + claim.control.total)
        if summed != (claim.overall.events, claim.overall.total):
            findings.append(Finding(
                "counts", claim.overall.label, "error",
                f"The groups add up to {summed[0]}/{summed[1]}, not the overall "
                f"{claim.overall.events}/{claim.overall.total}.", {}))
    table = claim.table
    for estimate in claim.estimates:
        if (finding := check_ci_symmetry(estimate)) is not None:
            findings.append(finding)
        if (finding := check_p_value(estimate)) is not None:
            findings.append(finding)
        if table is not None:
            for check in (check_counts, check_tables):
                if (finding := check(estimate, table)) is not None:
                    findings.append(finding)
    return AuditResult(tuple(findings))
