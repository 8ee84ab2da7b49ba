"""Run every estimator on a study's individual-level data (real or SIMULATED).

:func:`estimate_study` loads the data the study declares in ``[data]`` (for a simulated study,
one cohort of the chosen world, labelled as simulated), runs crude, outcome-regression,
g-computation, IPW, AIPW and propensity-score matching estimators with the declared covariates,
and returns their results with the facts needed to judge them: the true effect of a simulated
world, or the published answers of real data.

A ``[[published]]`` IPW answer may name the standard error its interval used (``se =
"sandwich"``, the default, which accounts for estimating the propensity score, or
``"fixed_weights"``, a robust SE treating the weights as known, as Hernan & Robins' Program
12.2); the IPW estimate is then also reported with that SE and compared with that answer. Every
estimate carries the name of its SE convention (:attr:`StudyEstimates.se_conventions`).

For a binary outcome each estimator reports an odds ratio and a risk difference; the outcome
regression's OR is *conditional* (a logistic coefficient, the paper's kind of estimate), the
others are *marginal* (from two potential-outcome risks). They differ even without confounding,
and the table says which is which.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_random_state
from causal.errors import NotEstimableError, ParameterError
from causal.estimate.not_estimable import NotEstimable, fit_one, not_estimable  # noqa: F401
from causal.study.tables.published import PUBLISHED_SE

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study

__all__ = ["PUBLISHED_SE", "NotEstimable", "StudyEstimates", "estimate_study", "se_convention"]
#: which estimator a ``[[published]]`` method name corresponds to
PUBLISHED_METHOD = {"crude": "crude", "ipw": "IPW", "standardisation": "g-computation",
                    "standardization": "g-computation", "g-computation": "g-computation",
                    "aipw": "AIPW", "outcome regression": "outcome regression"}
#: SE conventions in words, for estimators whose notes do not name one
_SE_FALLBACK = {"GEE": "cluster-robust (CR1) sandwich SE", "g-computation": "influence-function SE including the outcome model's "
                                 "estimation", "crude": "influence-function (binomial) SE"}


@dataclass(frozen=True)
class StudyEstimates(SummaryMixin):
    """Every estimator's result on one data set of a study."""

    study: str
    world: str | None
    simulated: bool
    description: str
    data_hash: str
    n: int
    estimates: tuple[Any, ...]
    truth: dict[str, Any] = field(default_factory=dict)
    published: tuple[Any, ...] = ()
    matching: Any = None
    #: per estimate: the IPW ``se`` option used, None for other estimators
    ipw_se: tuple[str | None, ...] = ()
    #: rows with missing values dropped per arm (``[data] missing = "complete_case"``)
    dropped: dict[str, int] = field(default_factory=dict)
    #: warnings about the design (sparse strata, a main-effects model that looks too simple)
    design_notes: tuple[str, ...] = ()
    #: ``[data] missing = "multiple_imputation"``: the same estimators on the imputed data
    #: sets, pooled (:class:`causal.estimate.multiple_imputation.ImputedEstimates`); the
    #: ``estimates`` above are then the complete-case analysis beside it
    imputed: Any = None

    @property
    def not_estimable(self) -> tuple[NotEstimable, ...]:
        """The estimators that could not be computed on these data, each with its reason."""
        return tuple(e for e in self.estimates if isinstance(e, NotEstimable))

    @property
    def fitted(self) -> tuple[Any, ...]:
        """The estimates that were computed."""
        return tuple(e for e in self.estimates if not isinstance(e, NotEstimable))

    @property
    def clustering(self) -> Any:
        """The :class:`~causal.estimate.result.ClusterSummary` of the first estimate (the
        clusters and ICCs are the data's, the same for every estimator), or None."""
        return next((e.clustering for e in self.fitted if e.clustering is not None), None)

    def clustering_sentence(self) -> str | None:
        """One sentence on the clusters, or None for independent rows."""
        c = self.clustering
        if c is None:
            return None
        ratios = [e.clustering.widening for e in self.fitted if e.clustering is not None]
        return (f"rows are clustered by {c.column!r} ([data] cluster): {c.n_clusters} clusters "
                f"(mean size {c.mean_cluster_size:.3g}, largest {c.largest_cluster}); ICC of "
                f"the outcome {c.icc_outcome:.3g} and of the treatment {c.icc_treatment:.3g} "
                "(one-way ANOVA, measured); every interval is cluster-robust (CR1, influence "
                "values summed within clusters), from "
                f"{min(ratios):.3g} to {max(ratios):.3g} times the width of the naive "
                "interval that treats rows as independent")

    @property
    def se_conventions(self) -> tuple[str, ...]:
        """Per estimate, the standard-error convention of its interval, in words."""
        return tuple(se_convention(e) for e in self.estimates)

    def compared_with(self, index: int) -> Any:
        """The ``[[published]]`` answer estimate ``index`` is compared with, or None.

        Same method and measure; an answer that names an SE convention (``se``) is compared
        with the IPW estimate using that convention only; otherwise with the default one.
        """
        estimate = self.estimates[index]
        kind = self.ipw_se[index] if self.ipw_se else None
        for answer in self.published:
            if (PUBLISHED_METHOD.get(answer.method.lower()) != estimate.method
                    or answer.measure.lower() != estimate.measure):
                continue
            if estimate.method == "IPW" and (answer.se or "sandwich") != kind:
                continue
            return answer
        return None

    def summary(self) -> pd.DataFrame:
        """One row per estimator and effect measure (the headline row of each result); the
        note names the estimand, the SE convention and the published answer compared with."""
        rows = []
        for i, (result, se) in enumerate(zip(self.estimates, self.se_conventions,
                                             strict=True)):
            row = result.summary().iloc[0].to_dict()
            if isinstance(result, NotEstimable):
                row["estimate"] = float("nan")
                row["method"] = result.method
                rows.append(row)
                continue
            kind = f"{result.odds_ratio_kind} OR; " if result.odds_ratio_kind else ""
            answer = self.compared_with(i)
            versus = f"; vs published '{answer.label}'" if answer is not None else ""
            c = result.clustering
            clustered = ("" if c is None else f"; design effect {c.design_effect:.3g}, naive CI "
                         f"{c.naive_ci[0]:.4g} to {c.naive_ci[1]:.4g}")
            row["note"] = (f"{kind}{result.estimand_label}; {se}{versus}{clustered}"
                           + (" (SIMULATED data)" if self.simulated else ""))
            rows.append(row)
        return summary_frame(rows)


def se_convention(estimate: Any) -> str:
    """How ``estimate``'s standard error was computed, from its own notes."""
    named = [note for note in estimate.notes if "SE" in note]
    return named[0] if named else _SE_FALLBACK.get(estimate.method, "SE not named")


def _ipw_conventions(published: tuple[Any, ...], measure: str) -> list[str]:
    """The default sandwich, then every other convention an IPW answer of ``measure`` used."""
    kinds = ["sandwich"]
    for answer in published:
        if (answer.method.lower() == "ipw" and answer.measure.lower() == measure
                and answer.se and answer.se not in kinds):
            kinds.append(answer.se)
    return kinds


def _estimators(outcome_type: str, interactions: tuple[str, ...], seed: int,
                estimand: str = "ate", published: tuple[Any, ...] = (),
                saturated: bool = False, exact: tuple[str, ...] = (),
                clustered: bool = False) -> list[Any]:
    from causal.estimate import AIPW, IPW, Crude, GComputation, OutcomeRegression, PSMatching

    if outcome_type == "binary":
        measures = ("or", "rd")
        fixed = [OutcomeRegression(measure="or")]
    else:
        measures = ("md",)
        fixed = [OutcomeRegression(measure="md")]
    out: list[Any] = []
    for measure in measures:
        out.append(Crude(measure=measure))
    out += fixed
    if clustered:  # the population-averaged comparison (exchangeable working correlation)
        from causal.estimate.gee import GEE

        out.append(GEE(measure=fixed[0].measure))
    for measure in measures:
        out.append(GComputation(measure=measure, interactions=interactions, estimand=estimand,
                                saturated=saturated))
        out += [IPW(measure=measure, estimand=estimand, se=kind, saturated=saturated)
                for kind in (("sandwich",) if saturated
                             else _ipw_conventions(published, measure))]
        out.append(AIPW(measure=measure, random_state=seed, estimand=estimand))
    # matching estimates the effect on the treated, or on the controls for an ATC study
    out.append(PSMatching(measure="rd" if outcome_type == "binary" else "md", random_state=seed,
                          exact=exact, caliper=None if exact else 0.2,
                          estimand="atc" if estimand == "atc" else "att"))
    return out


def estimate_study(study: Study | str | Path, *, world: str | None = None,
                   random_state: Any = 20240101, data: Any = None) -> StudyEstimates:
    """Estimate the study's effect every way the toolkit knows.

    Parameters
    ----------
    study : Study or path
    world : str, optional
        For a simulated study, the ``[[worlds]]`` name (default: the first declared).
    random_state : int or numpy.random.Generator
        Seeds the simulated cohort and the cross-fitting folds.
    data : StudyData, optional
        The data already read (:func:`causal.data.study_data.read_study_data`; for a
        simulated study, drawn with the seed this function would draw); default: read here.

    Returns
    -------
    StudyEstimates
        An estimator that cannot be estimated on the data (separation, no overlap, too few
        treated) is a :class:`NotEstimable` in :attr:`StudyEstimates.estimates`, with its
        reason (one sentence starting with the estimator's label), instead of an exception.

    Notes
    -----
    The estimand of g-computation, IPW and AIPW is ``[estimate] estimand`` (ATE by default);
    crude and outcome-regression estimates have no estimand option (a difference in means and a
    covariate-conditional coefficient); matching always estimates the ATT.
    """
    from causal._memory import reuse_freed_memory
    from causal.data.study_data import read_study_data
    from causal.estimate._design import prepare
    from causal.estimate._shared import shared_fits
    from causal.study.api import as_study

    study = as_study(study)
    spec = study.data
    if spec is None:
        raise ParameterError(f"`study` must declare individual-level data in a [data] table to "
                             f"be estimated; {study.where} has none (it holds published "
                             f"numbers only: use `causal audit` or `causal evalue`).")
    rng = check_random_state(random_state)
    seed = int(rng.integers(2**31 - 1))
    if data is None:
        data = read_study_data(study, world, seed=seed if spec.simulated else None)
    frame = data.frame
    binary = set(pd.unique(frame[study.outcome].dropna())) <= {0, 1}
    outcome_type = "binary" if binary else "continuous"
    kwargs = dict(treatment=study.treatment, outcome=study.outcome,
                  covariates=list(spec.covariates), categorical=list(spec.categorical),
                  squared=list(spec.squared), terms=list(getattr(spec, "terms", ())))
    cluster = getattr(spec, "cluster", None)
    estimand = study.estimand
    published = study.published
    saturated = bool(getattr(study, "saturated", False))
    estimators = _estimators(outcome_type, tuple(spec.treatment_interactions), seed, estimand,
                             published, saturated=saturated,
                             exact=tuple(spec.categorical) if saturated else (),
                             clustered=cluster is not None)
    # the data checked and the design built once for all; one propensity fit, one outcome fit,
    # one fit for both measures; freed temporaries reused on a large cohort (causal._memory)
    with reuse_freed_memory(len(frame)), shared_fits():
        prep = prepare(frame, **kwargs, cluster=cluster)
        results = [fit_one(estimator, prep, frame, kwargs) for estimator in estimators]
        fitted = [r for r in results if not isinstance(r, NotEstimable)]
        design_notes = _design_notes(prep, spec, fitted, estimand, saturated)
        del prep
    imputed = None
    if getattr(spec, "missing", None) == "multiple_imputation" and data.incomplete is not None:
        from causal.estimate.multiple_imputation import estimate_imputed

        # imputation i draws from SeedSequence(seed).spawn(m)[i]: the study seed and i only
        imputed = estimate_imputed(data.incomplete, estimators, kwargs, m=spec.imputations,
                                   seed=seed, n_read=data.n_read, cluster=cluster)
    truth: dict[str, Any] = {}
    if data.simulated:
        truth = {"true_conditional_odds_ratio": data.true_odds_ratio}
    return StudyEstimates(
        study=study.name, world=data.world, simulated=data.simulated,
        description=data.description, data_hash=data.sha256, n=len(frame),
        estimates=tuple(results), truth=truth, published=published,
        matching=next((r for r in fitted if r.matched_pairs is not None), None),
        ipw_se=tuple(getattr(e, "se", None) if type(e).__name__ == "IPW" else None
                     for e in estimators),
        dropped=dict(data.dropped), design_notes=tuple(design_notes), imputed=imputed)


#: a categorical stratum with fewer treated or fewer controls than this is reported as sparse
SPARSE_CELL = 10


def _design_notes(prep: Any, spec: Any, results: list[Any], estimand: str,
                  saturated: bool) -> list[str]:
    """Sparse categorical strata (fewer than :data:`SPARSE_CELL` treated or controls), and
    whether a main-effects g-computation differs from the saturated one by more than the
    larger of their SEs (all covariates categorical only)."""
    notes: list[str] = []
    if not spec.categorical or prep.x.shape[1] == 0:
        return notes
    cat_cols = [j for j, name in enumerate(prep.x_names)
                if any(name.startswith(f"{c}[") for c in spec.categorical)]
    x = prep.x[:, cat_cols]
    _, code = np.unique(x, axis=0, return_inverse=True)
    code = code.reshape(-1)
    n = np.bincount(code)
    n1 = np.bincount(code, weights=prep.a).astype(int)
    sparse = np.flatnonzero((n1 < SPARSE_CELL) | (n - n1 < SPARSE_CELL))
    if len(sparse):
        from causal.estimate._reasons import describe_cells

        names = tuple(prep.x_names[j] for j in cat_cols)
        listed = "; ".join(
            f"{describe_cells(x, names, code == s).split(' (')[0]}: {n1[s]} treated, "
            f"{n[s] - n1[s]} controls" for s in sparse[:4])
        notes.append(
            f"sparse strata of the categorical covariates {list(spec.categorical)}: "
            f"{len(sparse)} of {len(n)} cells have fewer than {SPARSE_CELL} treated or "
            f"controls ({listed}{'; ...' if len(sparse) > 4 else ''}); this affects the "
            "propensity-score estimators (IPW, AIPW, PS matching) most, and any saturated "
            "model (a cell mean from a handful of units)")
    only_categorical = len(cat_cols) == prep.x.shape[1]
    if only_categorical and not saturated:
        from causal.estimate import GComputation

        main = next((r for r in results if r.method == "g-computation"
                     and r.measure in ("rd", "md")), None)
        if main is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sat = GComputation(estimand=estimand, measure=main.measure,
                                       saturated=True)._estimate_prepared(prep)
            except (NotEstimableError, ParameterError):
                sat = None
            if sat is not None:
                gap = abs(sat.estimate - main.estimate)
                if gap > max(sat.std_error, main.std_error):
                    notes.append(
                        f"g-computation ({estimand.upper()}): the main-effects model gives "
                        f"{main.estimate:.4g} (SE {main.std_error:.2g}) and the saturated "
                        f"model over {list(spec.categorical)} (cell means, the stratified "
                        f"answer) {sat.estimate:.4g} (SE {sat.std_error:.2g}): they differ by "
                        f"{gap:.2g}, more than either SE, so the main-effects model is "
                        "probably too simple for these data; consider `saturated = true` "
                        "in [estimate]")
    return notes


