"""The consistency checks on a published claim (CI symmetry, p-value, counts, percentages) and
:func:`audit`, which runs them all with :func:`~causal.claims.tables.check_tables`."""

from __future__ import annotations

import math
from itertools import product

import numpy as np

from causal.claims.findings import AuditResult, Finding
from causal.claims.model import (
    ADDITIVE_MEASURES,
    GroupCounts,
    PublishedClaim,
    ReportedEstimate,
    Severity,
)
from causal.claims.printed import PrintedP, decimals_of, rounding_box, rounds_to
from causal.claims.tables import check_tables
from causal.errors import ParameterError
from causal.measures import (
    OddsRatio,
    RiskDifference,
    RiskRatio,
    TwoByTwo,
    two_sided_p,
    z_critical,
)


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
