"""The audit's consistency checks applied to items extracted from a paper's text, each with
its arithmetic written out.

For an estimate with a CI: :func:`~causal.claims.checks.check_ci_symmetry` (a Wald interval of
a ratio is symmetric on the log scale, of a difference on the natural scale, allowing for the
printed rounding) and, with a p-value, :func:`~causal.claims.checks.check_p_value` (the p
implied by the SE that the CI implies, ``SE = (ln U - ln L) / (2 z)``, agrees with the printed
p after rounding; Altman & Bland 2011). For a percentage with counts:
:func:`~causal.claims.checks.check_percentages` (GRIM-style: some count out of the total
rounds to the printed percentage; Brown & Heathers 2017). The verdicts are the audit's own;
this module only adds the arithmetic a reader can redo by hand.
"""

from __future__ import annotations

import math
from typing import Any

from causal.claims.findings import Finding
from causal.measures import z_critical

_RATIOS = ("OR", "RR", "HR")


def reported_estimate(item: Any, *, measure: str | None = None) -> Any:
    """The extracted estimate as a :class:`~causal.claims.model.ReportedEstimate` (95% when the
    level is not printed; ``measure`` overrides an unnamed one, e.g. after confirmation)."""
    from causal.claims.model import ReportedEstimate

    name = measure or {"IRR": "RR"}.get(item.measure, item.measure)
    return ReportedEstimate(
        label=f"estimate {item.number} (p. {item.where.page})", measure=name,
        estimate=item.estimate, ci=item.ci, p_value=item.p_value, alpha=item.alpha,
        adjustment=item.adjustment, source=item.where.provenance,
        units=getattr(item, "units", "proportion") if name == "RD" else "proportion")


def check_item(item: Any) -> list[Finding]:
    """The consistency checks that apply to one extracted item (none for a comparison)."""
    if item.kind == "proportion":
        return _proportion_checks(item)
    if item.kind != "estimate" or item.ci is None:
        return []
    measure = item.measure if item.measure in _RATIOS + ("RD", "MD") else (
        "RR" if item.measure == "IRR" else None)
    if measure is None:
        return []
    from causal.claims.checks import check_ci_symmetry, check_p_value
    from causal.errors import CausalError

    try:
        estimate = reported_estimate(item, measure=measure)
    except CausalError:
        return []  # ambiguous already says why (an interval excluding its estimate...)
    out = []
    finding = check_ci_symmetry(estimate)
    if finding is not None:
        out.append(_with(finding, _symmetry_arithmetic(estimate)))
    try:
        finding = check_p_value(estimate)
    except CausalError:
        finding = None
    if finding is not None:
        out.append(_with(finding, _p_arithmetic(estimate, finding)))
    return out


def _with(finding: Finding, arithmetic: str) -> Finding:
    return Finding(finding.check, finding.subject, finding.severity, finding.message,
                   {**finding.details, "arithmetic": arithmetic})


def _symmetry_arithmetic(estimate: Any) -> str:
    lo, hi = (float(v) for v in estimate.ci)
    if estimate.measure in ("RD", "MD"):
        centre = (lo + hi) / 2
        return (f"centre of the interval ({lo:g} + {hi:g}) / 2 = {centre:.4g}; printed "
                f"estimate {estimate.estimate}")
    a, b = math.log(lo), math.log(hi)
    centre = (a + b) / 2
    return (f"ln {lo:g} = {a:.4f}, ln {hi:g} = {b:.4f}; centre ({a:.4f} + {b:.4f}) / 2 = "
            f"{centre:.4f}; exp({centre:.4f}) = {math.exp(centre):.4g}; printed estimate "
            f"{estimate.estimate}")


def _p_arithmetic(estimate: Any, finding: Finding) -> str:
    z = z_critical(estimate.alpha)
    lo, hi = (float(v) for v in estimate.ci)
    value = float(estimate.estimate)
    d = finding.details
    if estimate.measure in ("RD", "MD"):
        se = (hi - lo) / (2 * z)
        stat = value / se
        head = f"SE = ({hi:g} - {lo:g}) / (2 x {z:.3f}) = {se:.4g}; z = {value:g} / SE"
    else:
        se = (math.log(hi) - math.log(lo)) / (2 * z)
        stat = math.log(value) / se
        head = f"SE = (ln {hi:g} - ln {lo:g}) / (2 x {z:.3f}) = {se:.4f}; z = ln {value:g} / SE"
    return (f"{head} = {stat:.3f}; two-sided p = {d['implied_p']:.2g} ({d['implied_p_min']:.2g} "
            f"to {d['implied_p_max']:.2g} over the rounding of the three numbers); printed p "
            f"{d['printed']}")


def _proportion_checks(item: Any) -> list[Finding]:
    from causal.claims.checks import check_percentages
    from causal.claims.model import GroupCounts
    from causal.errors import CausalError

    try:
        group = GroupCounts(label=f"group of item {item.number} (p. {item.where.page})",
                            events=item.events, total=item.total, percent=item.percent)
    except CausalError:
        return []
    finding = check_percentages(group)
    if finding is None:
        return []
    share = 100 * item.events / item.total
    return [_with(finding, f"100 x {item.events} / {item.total} = {share:.3f}%; printed "
                           f"{item.percent}%")]
