"""Refute a study's estimate on its individual-level data (real or SIMULATED)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from causal._validation import check_literal, check_random_state
from causal.errors import ParameterError
from causal.refute.run_all import RefutationSuite

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study


@dataclass(frozen=True)
class StudyRefutation:
    """Every refuter on one data set of a study."""

    study: str
    world: str | None
    simulated: bool
    description: str
    estimator: str
    covariates: tuple[str, ...]
    n: int
    n_dropped: int
    suite: RefutationSuite
    #: "real data" (bundled) or "data from <source>" (a user's file or DataFrame)
    origin: str = "real data"
    #: rows dropped by the reader for missing values, per arm (``missing = "complete_case"``)
    dropped: dict[str, int] = field(default_factory=dict)

    def heading(self) -> str:
        data = f"SIMULATED data ({self.world})" if self.simulated else self.origin
        dropped = f", {self.n_dropped} rows with missing values dropped" if self.n_dropped else ""
        if self.dropped:
            dropped += (", rows dropped for missing values: "
                        + ", ".join(f"{k} {arm}" for arm, k in self.dropped.items()))
        return (f"Refutation tests for {self.study}: {data}, n = {self.n}{dropped}; estimator "
                f"{self.suite.results[0].method}; adjusted for {len(self.covariates)} columns.")


#: estimators of the estimates section, refitted as estimated (:func:`causal.refute.refute`)
STUDY_ESTIMATORS = ("ipw", "aipw", "g_computation", "regression", "matching")


def refute_study(study: Study | str | Path, *, world: str | None = None,
                 estimator: str = "auto", n_simulations: int = 100,
                 random_state: Any = 20240101) -> StudyRefutation:
    """Load the study's data (one simulated cohort, labelled as such, or the real data),
    estimate the effect with one estimator as :func:`causal.estimate.estimate_study` makes it,
    and refute that :class:`~causal.estimate.EffectEstimate` (:func:`causal.refute.refute`).

    ``estimator``: ``"ipw"``, ``"aipw"``, ``"g_computation"``, ``"regression"`` or
    ``"matching"`` (the study's estimand, categorical and squared terms, a risk difference for
    a 0/1 outcome, AIPW's cross-fitting seeded the same way), refitted in every simulation;
    ``"auto"`` is ``"regression"``: the outcome regression, a conditional odds ratio for a 0/1
    outcome (the kind of estimate a paper's adjusted model reports), else a mean difference.
    """
    from causal.data.study_data import read_study_data
    from causal.study.api import as_study

    check_literal(estimator, "estimator", ("auto", *STUDY_ESTIMATORS))
    study = as_study(study)
    spec = study.data
    if spec is None:
        raise ParameterError(f"`study` must declare individual-level data in a [data] table to "
                             f"be refuted; {study.where} has none (it holds published numbers "
                             "only: use `causal sensitivity` or `causal evalue`).")
    rng = check_random_state(random_state)
    seed = int(rng.integers(2**31 - 1))
    data = read_study_data(study, world, seed=seed if spec.simulated else None)
    name = "regression" if estimator == "auto" else estimator
    return _refute_estimator(study, spec, data, name, seed, n_simulations, rng)


def _origin(data: Any) -> str:
    """The heading's words for real data: bundled, or a user's file or DataFrame."""
    return "real data" if data.kind == "bundled" else f"data from {data.source}"


def _refute_estimator(study: Study, spec: Any, data: Any, name: str, seed: int,
                      n_simulations: int, rng: np.random.Generator) -> StudyRefutation:
    from causal.estimate import AIPW, IPW, GComputation, OutcomeRegression, PSMatching
    from causal.refute.from_estimate import refute

    frame = data.frame
    used = [study.treatment, study.outcome, *spec.covariates] + (
        [spec.cluster] if getattr(spec, "cluster", None) else [])
    complete = frame.loc[frame[used].notna().all(axis=1)]
    binary = bool(np.isin(complete[study.outcome].to_numpy(), (0, 1)).all())
    measure = "rd" if binary else "md"
    estimand = study.estimand
    estimator = {
        "ipw": lambda: IPW(measure=measure, estimand=estimand),
        "aipw": lambda: AIPW(measure=measure, random_state=seed, estimand=estimand),
        "g_computation": lambda: GComputation(
            measure=measure, estimand=estimand,
            interactions=tuple(spec.treatment_interactions)),
        "regression": lambda: OutcomeRegression(measure="or" if binary else "md"),
        "matching": lambda: PSMatching(measure=measure),
    }[name]()
    estimate = estimator.estimate(
        complete, treatment=study.treatment, outcome=study.outcome,
        covariates=list(spec.covariates), categorical=list(spec.categorical),
        squared=list(spec.squared), terms=list(getattr(spec, "terms", ())),
        cluster=getattr(spec, "cluster", None))  # clustered: the bootstrap resamples clusters
    suite = refute(estimate, complete, n_simulations=n_simulations, random_state=rng)
    return StudyRefutation(
        study=study.name, world=data.world, simulated=data.simulated,
        description=data.description, estimator=name, covariates=tuple(spec.covariates),
        n=len(complete), n_dropped=len(frame) - len(complete), suite=suite,
        origin=_origin(data), dropped=dict(data.dropped))
