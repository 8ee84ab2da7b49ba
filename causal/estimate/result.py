"""The result every estimator returns: :class:`EffectEstimate` (and its bootstrap part).

A frozen value with ``summary()`` in the shared schema (:data:`causal._results.SUMMARY_COLUMNS`)
and ``to_measure()``, which returns the matching :mod:`causal.measures` type so that
``causal.e_value(result)`` works directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.measures import (
    MeanDifference,
    OddsRatio,
    RiskDifference,
    RiskRatio,
    TwoByTwo,
    two_sided_p,
)

Estimand = Literal["ate", "att"]
Measure = Literal["auto", "rd", "rr", "or", "md"]
MEASURE_NAMES = {"rd": "risk difference", "rr": "risk ratio", "or": "odds ratio",
                 "md": "mean difference"}


@dataclass(frozen=True)
class BootstrapResult:
    """A multiplier-bootstrap interval (see :mod:`causal.estimate._bootstrap`)."""

    n_replicates: int
    random_state: int | None
    ci: tuple[float, float]
    std_error: float  # SD of the replicates on the linear (log for ratios) scale
    kind: str = "multiplier (Rademacher) bootstrap over influence values, percentile interval"
    n_invalid: int = 0  # replicates outside the measure's domain (dropped)


@dataclass(frozen=True)
class ClusterSummary:
    """How clustering changed an estimate's interval (:mod:`causal.estimate._clusters`).

    ``std_error`` and ``ci`` of the estimate are the cluster-robust (CR1) ones; the naive
    ones, which treat every row as independent, are kept here for comparison.
    """

    column: str
    n_clusters: int
    mean_cluster_size: float
    largest_cluster: int
    naive_std_error: float
    naive_ci: tuple[float, float]
    #: cluster-robust variance / naive variance of the estimate (measured, not assumed)
    design_effect: float
    icc_outcome: float
    icc_treatment: float
    correction: str = "CR1"
    #: what the naive interval assumes
    naive_kind: str = "rows independent"

    @property
    def widening(self) -> float:
        """How many times wider the cluster-robust interval is (on the linear scale)."""
        return float(self.design_effect ** 0.5)

    def describe(self) -> str:
        return (f"cluster-robust ({self.correction}) SE over {self.n_clusters} clusters of "
                f"{self.column!r} (mean size {self.mean_cluster_size:.3g}): design effect "
                f"{self.design_effect:.3g}, interval {self.widening:.3g}x the naive width; "
                f"ICC of the outcome {self.icc_outcome:.3g}, of the treatment "
                f"{self.icc_treatment:.3g}")


@dataclass(frozen=True)
class RefitSpec:
    """What is needed to refit an estimate: the estimator's class and options, the analysis
    (covariates, categorical, squared, dropna), the resolved measure, and the state of the
    random generator the fit started from (cross-fitting folds), so that a refit on the same
    data reproduces the estimate exactly (:mod:`causal.refute` uses it)."""

    estimator_class: type
    params: Mapping[str, Any]
    covariates: tuple[str, ...]
    categorical: tuple[str, ...]
    squared: tuple[str, ...]
    dropna: bool
    measure: str
    rng_state: Mapping[str, Any] | None = None
    terms: tuple[str, ...] = ()
    cluster: str | None = None

    def estimator(self) -> Any:
        """A fresh estimator with the recorded options."""
        return self.estimator_class(**dict(self.params))

    def analysis(self) -> dict[str, Any]:
        out = {"covariates": self.covariates, "categorical": self.categorical,
               "squared": self.squared, "dropna": self.dropna}
        if self.terms:
            out["terms"] = self.terms
        if self.cluster is not None:
            out["cluster"] = self.cluster
        return out


#: how each estimand is named in tables: the crude contrast and a covariate-conditional
#: coefficient are not effects in a population, so they are never called "ATE"
ESTIMAND_LABELS = {"ate": "ATE", "att": "ATT", "atc": "ATC (ATU)",
                   "crude": "crude (unadjusted)", "conditional": "conditional"}


def estimand_label(estimand: str) -> str:
    """``"ATE"``, ``"ATT"``, ``"ATC (ATU)"``, ``"crude (unadjusted)"`` or ``"conditional"``."""
    return ESTIMAND_LABELS.get(estimand, estimand.upper())


@dataclass(frozen=True)
class EffectEstimate(SummaryMixin):
    """An estimated causal effect of a binary treatment.

    Attributes
    ----------
    estimand : {"ate", "att", "atc", "crude", "conditional"}
        The population the effect is averaged over (ATE: everyone, ATT: the treated, ATC or
        ATU: the controls); ``"crude"`` for the unadjusted contrast and ``"conditional"`` for a
        covariate-conditional regression coefficient, which average over no population.
        :attr:`estimand_label` names it for tables.
    measure : {"rd", "rr", "or", "md"}
    estimate : float
        On the natural scale (a ratio for ``rr``/``or``).
    std_error : float
        On the linear scale: of ``log(estimate)`` for ratios.
    ci : (float, float)
        Wald interval at level ``1 - alpha``.
    odds_ratio_kind : {"conditional", "marginal", "crude"} or None
        For ``measure="or"``: a covariate-conditional logistic coefficient, a marginal OR from
        two potential-outcome risks, or the unadjusted OR.
    potential_outcomes : (float, float) or None
        ``(E[Y(1)], E[Y(0)])`` in the estimand's population, when the method estimates them.
    diagnostics : mapping
        Method-specific numbers and arrays (propensity scores, balance table, ...).
    warnings : tuple of str
        Every warning raised while estimating, also issued as a ``CausalWarning``.
    bootstrap : BootstrapResult or None
    clustering : ClusterSummary or None
        With ``cluster=``: the number of clusters, the design effect, the ICCs and the naive
        interval; ``std_error`` and ``ci`` are then cluster-robust.
    matched_pairs : DataFrame or None
        Matching only: columns ``treated``, ``control`` holding row labels of ``data``.
    refit : RefitSpec or None
        The estimator and analysis behind the estimate, for refitting (refutation).
    """

    estimand: str
    measure: str
    estimate: float
    std_error: float
    ci: tuple[float, float]
    n: int
    method: str
    treatment: str
    outcome: str
    alpha: float = 0.05
    odds_ratio_kind: str | None = None
    outcome_type: str = "continuous"
    prevalence: float | None = None
    outcome_sd: float | None = None
    potential_outcomes: tuple[float, float] | None = None
    n_dropped: int = 0
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    bootstrap: BootstrapResult | None = None
    clustering: ClusterSummary | None = None
    diagnostics: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    matched_pairs: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    two_by_two: TwoByTwo | None = field(default=None, compare=False, repr=False)
    refit: RefitSpec | None = field(default=None, compare=False, repr=False)

    @property
    def is_ratio(self) -> bool:
        return self.measure in ("rr", "or")

    @property
    def p_value(self) -> float:
        if self.is_ratio and not (0 < self.estimate < math.inf):
            return math.nan  # a ratio of 0 or infinity (no events in an arm): no Wald test
        linear = math.log(self.estimate) if self.is_ratio else self.estimate
        return two_sided_p(linear / self.std_error) if self.std_error > 0 else math.nan

    @property
    def estimand_label(self) -> str:
        return estimand_label(self.estimand)

    @property
    def label(self) -> str:
        if self.estimand == "conditional":
            return "conditional OR" if self.measure == "or" else (
                f"conditional {self.measure.upper()} (regression coefficient)")
        if self.estimand == "crude":
            return f"crude (unadjusted) {self.measure.upper()}"
        if self.measure == "or":
            return f"{self.estimand_label} ({self.odds_ratio_kind} OR)"
        return f"{self.estimand_label} ({self.measure.upper()})"

    def summary(self) -> pd.DataFrame:
        note = "; ".join((["SE on the log scale"] if self.is_ratio else []) + list(self.notes)
                         + [f"n = {self.n}"] + ([f"{self.n_dropped} rows with missing values "
                                                 "dropped"] if self.n_dropped else []))
        rows = [{"quantity": self.label, "estimate": self.estimate, "std_error": self.std_error,
                 "ci_lower": self.ci[0], "ci_upper": self.ci[1], "p_value": self.p_value,
                 "method": self.method, "note": note}]
        if self.clustering is not None:
            c = self.clustering
            rows[0]["note"] = note + "; " + c.describe()
            rows.append({"quantity": f"{self.label}, naive interval ({c.naive_kind})",
                         "estimate": self.estimate, "std_error": c.naive_std_error,
                         "ci_lower": c.naive_ci[0], "ci_upper": c.naive_ci[1],
                         "method": self.method,
                         "note": f"ignores the clusters of {c.column!r}; for comparison only"})
        if self.bootstrap is not None:
            b = self.bootstrap
            rows.append({"quantity": f"{self.label}, bootstrap CI", "estimate": self.estimate,
                         "std_error": b.std_error, "ci_lower": b.ci[0], "ci_upper": b.ci[1],
                         "method": self.method,
                         "note": f"{b.kind}; B = {b.n_replicates}, random_state = "
                                 f"{b.random_state}"})
        if self.potential_outcomes is not None:
            se = self.diagnostics.get("potential_outcome_se", (math.nan, math.nan))
            for arm, value, s in zip((1, 0), self.potential_outcomes, se, strict=True):
                where = (f"arm {arm} (unadjusted mean)" if self.estimand == "crude" else
                         f"{self.estimand_label} population")
                rows.append({"quantity": f"E[Y({arm})] in {where}",
                             "estimate": value, "std_error": s, "method": self.method})
        return summary_frame(rows)

    def to_measure(self) -> OddsRatio | RiskRatio | RiskDifference | MeanDifference:
        """The matching :mod:`causal.measures` value, so ``causal.e_value(result)`` works.

        An odds ratio carries ``kind`` and the sample ``prevalence``; ``rare_outcome`` is left
        ``None`` for the user to state. A mean difference carries ``outcome_sd`` (pooled
        within-arm SD of the outcome). Only the crude risk difference carries its 2x2 table,
        which the E-value of a risk difference needs; for adjusted risks use ``measure="rr"``.
        """
        common = dict(ci=self.ci, alpha=self.alpha, label=f"{self.method}: {self.label}")
        se = self.std_error if self.std_error > 0 else None
        if self.measure == "or":
            return OddsRatio(self.estimate, std_error=se, kind=self.odds_ratio_kind,
                             prevalence=self.prevalence, **common)
        if self.measure == "rr":
            return RiskRatio(self.estimate, std_error=se, **common)
        if self.measure == "rd":
            return RiskDifference(self.estimate, std_error=se, table=self.two_by_two, **common)
        return MeanDifference(self.estimate, std_error=se, outcome_sd=self.outcome_sd, **common)
