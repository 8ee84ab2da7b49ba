"""A published interval widened by an ASSUMED design effect (clients clustered in therapists).

A paper that analysed clustered people as independent reports an interval that is too narrow.
Without the data the widening can only be assumed. Kish's design effect for clusters of mean
size ``m`` and intraclass correlation ``rho``,

    deff = 1 + (m - 1) rho          (Kish 1965, section 5.4)

multiplies the variance; on the estimate's linear scale (log for a ratio, whose reported
interval is symmetric there) the half-width grows by ``sqrt(deff)`` about the interval's own
centre (so that ``deff = 1`` gives back the printed limits exactly; centring on the rounded
estimate instead would move them by the rounding):

    se = (ln U - ln L) / (2 z),    CI_adj = exp((ln L + ln U)/2 -/+ z se sqrt(deff)).

**This is the upper end.** Kish's factor is the design effect of a mean, which is also that of
a contrast when the exposure varies only *between* clusters (every client of a therapist
either took up the support or not). When uptake varies within therapists, as it does when
clients choose, the contrast is partly within-cluster and its design effect is smaller
(between 1 and Kish's; Donner & Klar 2000, ch. 6). Every number here is ASSUMED by the study
file, never measured.

Worked check (Thew et al. 2024, OR 2.54, 95% CI 1.32-4.89; ICC 0.05, 10 clients per
therapist): deff = 1.45, the interval widens to 1.15-5.59 and the E-value of its lower limit
(common outcome, RR ~ sqrt(OR)) falls from 1.56 to 1.36.

>>> r = claim_interval(2.54, (1.32, 4.89), icc=0.05, mean_cluster_size=10, ratio=True)
>>> round(r.design_effect, 2), round(r.ci[0], 2), round(r.ci[1], 2)
(1.45, 1.15, 5.59)

References
----------
Kish, L. (1965). *Survey Sampling*. Wiley. Donner, A. & Klar, N. (2000). *Design and Analysis
of Cluster Randomization Trials in Health Research*. Arnold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.errors import ParameterError
from causal.measures import z_critical

UPPER_END = ("the upper end: Kish's design effect assumes the treatment varies only between "
             "clusters; with uptake varying within clusters the widening is smaller")


def kish_design_effect(icc: float, mean_cluster_size: float) -> float:
    """``1 + (m - 1) icc`` (Kish 1965)."""
    if not (isinstance(icc, int | float) and 0 <= icc < 1):
        raise ParameterError(f"`icc` must be in [0, 1); got {icc!r}.")
    if not (isinstance(mean_cluster_size, int | float) and mean_cluster_size >= 1):
        raise ParameterError(f"`mean_cluster_size` must be a number >= 1; got "
                             f"{mean_cluster_size!r}.")
    return 1.0 + (float(mean_cluster_size) - 1.0) * float(icc)


@dataclass(frozen=True)
class AdjustedInterval:
    """A reported interval widened by an ASSUMED design effect."""

    estimate: float
    reported_ci: tuple[float, float]
    icc: float
    mean_cluster_size: float
    design_effect: float
    ci: tuple[float, float]


def claim_interval(estimate: float, ci: tuple[float, float], *, icc: float,
                   mean_cluster_size: float, ratio: bool, alpha: float = 0.05
                   ) -> AdjustedInterval:
    """The reported ``ci`` of ``estimate`` widened by ``sqrt(1 + (m-1) icc)`` on the linear
    scale (log for ``ratio``) about the interval's centre on that scale."""
    deff = kish_design_effect(icc, mean_cluster_size)
    lo, hi = ci
    if ratio and not (0 < lo < estimate < hi):
        raise ParameterError(f"`ci` must satisfy 0 < lower < estimate < upper for a ratio; "
                             f"got {estimate:g} ({lo:g}, {hi:g}).")
    z = z_critical(alpha)
    if ratio:
        se = (math.log(hi) - math.log(lo)) / (2 * z)
        centre = (math.log(hi) + math.log(lo)) / 2
        half = z * se * math.sqrt(deff)
        new = (math.exp(centre - half), math.exp(centre + half))
    else:
        se = (hi - lo) / (2 * z)
        half = z * se * math.sqrt(deff)
        centre = (hi + lo) / 2
        new = (centre - half, centre + half)
    return AdjustedInterval(float(estimate), (float(lo), float(hi)), float(icc),
                            float(mean_cluster_size), deff, new)


@dataclass(frozen=True)
class ClaimClustering(SummaryMixin):
    """A claim's headline interval and CI E-value under each ASSUMED ICC."""

    label: str
    measure: str
    rows: tuple[AdjustedInterval, ...]
    evalue_ci: tuple[float | None, ...]
    reported_evalue_ci: float | None
    justification: str = ""

    def summary(self) -> pd.DataFrame:
        out = [{"quantity": f"{self.label}, as reported", "estimate": r.estimate,
                "ci_lower": r.reported_ci[0], "ci_upper": r.reported_ci[1],
                "method": "as reported",
                "note": f"CI E-value {_fmt(self.reported_evalue_ci)} (reported interval)"}
               for r in self.rows[:1]]
        for r, e in zip(self.rows, self.evalue_ci, strict=True):
            out.append({"quantity": f"ASSUMED ICC {r.icc:g}, mean cluster size "
                                    f"{r.mean_cluster_size:g}",
                        "estimate": r.estimate, "ci_lower": r.ci[0], "ci_upper": r.ci[1],
                        "method": "Kish design effect (ASSUMED)",
                        "note": f"ASSUMED Kish design effect {r.design_effect:.3g}; CI "
                                f"E-value {_fmt(e)}; {UPPER_END}"})
        return summary_frame(out)

    def sentence(self) -> str:
        parts = [f"ICC {r.icc:g}: {r.ci[0]:.2f}–{r.ci[1]:.2f} (CI E-value {_fmt(e)})"
                 for r, e in zip(self.rows, self.evalue_ci, strict=True)]
        why = f"; {self.justification}" if self.justification else ""
        return (f"If clients were clustered ({self.rows[0].mean_cluster_size:g} per cluster, "
                f"ASSUMED by the study file{why}), the reported interval "
                f"{self.rows[0].reported_ci[0]:.2f}–{self.rows[0].reported_ci[1]:.2f} (CI "
                f"E-value {_fmt(self.reported_evalue_ci)}) would widen to "
                + "; ".join(parts) + f". This is {UPPER_END}.")


def _fmt(value: float | None) -> str:
    return "none" if value is None else f"{value:.2f}"


def claim_clustering(claim: object, *, icc: Sequence[float], mean_cluster_size: float,
                     rare_outcome: bool | None, justification: str = "",
                     alpha: float = 0.05) -> ClaimClustering:
    """The headline estimate of ``claim`` (a :class:`~causal.claims.PublishedClaim`) under
    each ASSUMED ICC: the Kish-adjusted interval and the E-value of its limit nearer the null
    (with the study's OR-to-RR conversion)."""
    import dataclasses

    from causal.sensitivity.evalues.evalue import e_value

    headline = getattr(claim, "headline", None)
    if headline is None or headline.ci is None:
        raise ParameterError("`clustering` needs a headline estimate with a confidence "
                             "interval in the claim.")
    ratio = headline.measure in ("OR", "RR", "HR")
    rows = tuple(claim_interval(headline.estimate, headline.ci, icc=v,
                                mean_cluster_size=mean_cluster_size, ratio=ratio, alpha=alpha)
                 for v in icc)
    base = headline.to_measure(rare_outcome=rare_outcome, prevalence=claim.prevalence,
                               control_risk=claim.control_risk)
    reported = e_value(base).ci
    evalues = tuple(e_value(dataclasses.replace(base, ci=r.ci, std_error=None)).ci
                    for r in rows)
    return ClaimClustering(headline.label, headline.measure, rows, evalues, reported,
                           justification)
