"""What an analysis computed: one frozen :class:`Analysis`, each result a value or a failure.

An :class:`Analysis` is the single place where a study's computed results live. It is made by
:func:`causal.analysis.analyse` (load the data once, fit each estimator once, refute those
estimates, run the sensitivity analyses on them) or by :meth:`Analysis.from_results` (a
user's own estimates, refutations and bounds from a notebook), and rendered by
:func:`causal.report.build_report`, which computes nothing of its own on the data.

A result that could not be computed on valid data is a :class:`Failure`: which analysis, and
why, in one sentence; an analysis skipped because something it needed failed says so
(``skipped=True``). The report shows each failure where its result would have been.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from causal.analysis.failure import Failure
from causal.analysis.published import SERVED, published_results
from causal.data.load import data_hash
from causal.data.study_data import StudyData, read_study_data
from causal.errors import ParameterError
from causal.estimate.result import EffectEstimate
from causal.estimate.study import NotEstimable, StudyEstimates
from causal.refute.run_all import RefutationSuite
from causal.refute.study import StudyRefutation
from causal.sensitivity.omitted_variable.dml_result import DMLSensitivity
from causal.sensitivity.omitted_variable.dml_study import StudyDMLSensitivity
from causal.study.api import as_study

if TYPE_CHECKING:
    from causal.study.model import Study

__all__ = ["Analysis", "Failure", "IndividualCase", "WorldEstimates", "from_results"]


@dataclass(frozen=True)
class WorldEstimates:
    """Every estimator's result on one data set (a world's cohort, or the real data), and the
    refutations of the estimates the report refutes."""

    world: str | None
    data: StudyData
    estimates: StudyEstimates | Failure
    #: (estimator label, refutation or failure), in the report's order
    refutations: tuple[tuple[str, StudyRefutation | Failure], ...] = ()
    #: the rows refuted when they are not ``data`` (a random subsample of a large data set)
    refuted_on: StudyData | None = None


@dataclass(frozen=True)
class IndividualCase:
    """One data set of the individual-data sensitivity analyses (E-value, OVB, Rosenbaum, the
    DML bounds): a world's cohort drawn with its own seed, or the real data."""

    label: str
    data: StudyData
    world: Any = None  # the study's World, for a simulated cohort
    individual: Any = None  # IndividualSensitivity | Failure | None (not run)
    dml: StudyDMLSensitivity | Failure | None = None


@dataclass(frozen=True, eq=False)
class Analysis:
    """A study's computed results, ready to be rendered.

    Attributes
    ----------
    study : Study
    random_state : int
        The seed every random procedure derived its stream from.
    worlds : tuple of WorldEstimates
        Estimates and refutations per data set (one per simulated world, or the data).
    benchmark_truth : float, Failure or None
        The experimental effect of ``[data.benchmark]``.
    individual : tuple of IndividualCase
        Individual-data sensitivity analyses and the DML bounds, per data set.
    heterogeneity : tuple (StudyData, HeterogeneityResult), Failure or None
    sections : tuple of str or None
        The report sections this analysis was made for (None: all).
    subsamples : dict
        Per section name, the subsample plan it ran on (``rows``, ``of``, ``seed``,
        ``reason``).
    origin : {"analyse", "from_results"}
        Computed by :func:`analyse`, or a user's own results (:meth:`from_results`).
    """

    study: Study
    random_state: int | None = 20240101
    worlds: tuple[WorldEstimates, ...] = ()
    benchmark: StudyData | None = None
    benchmark_truth: float | Failure | None = None
    individual: tuple[IndividualCase, ...] = ()
    heterogeneity: Any = None
    sections: tuple[str, ...] | None = None
    subsamples: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: str = "analyse"
    #: results computed from the study's numbers alone, by name (audit, claim E-value...)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> tuple[StudyData, ...]:
        """Every data set the analysis used, each once."""
        out: dict[int, StudyData] = {}
        for world in self.worlds:
            out.setdefault(id(world.data), world.data)
            if world.refuted_on is not None:
                out.setdefault(id(world.refuted_on), world.refuted_on)
        for case in self.individual:
            out.setdefault(id(case.data), case.data)
        if self.benchmark is not None:
            out.setdefault(id(self.benchmark), self.benchmark)
        if isinstance(self.heterogeneity, tuple):
            out.setdefault(id(self.heterogeneity[0]), self.heterogeneity[0])
        return tuple(out.values())

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Every analysis that could not be computed or was skipped, in reading order."""

        out: list[Failure] = []
        for world in self.worlds:
            where = "" if world.world is None else f" (SIMULATED world '{world.world}')"
            if isinstance(world.estimates, Failure):
                out.append(world.estimates)
            else:
                out += [Failure(f"{e.method} {e.label}{where}", e.reason)
                        for e in world.estimates.estimates if isinstance(e, NotEstimable)]
            out += [r for _, r in world.refutations if isinstance(r, Failure)]
        if isinstance(self.benchmark_truth, Failure):
            out.append(self.benchmark_truth)
        for case in self.individual:
            out += [r for r in (case.individual, case.dml) if isinstance(r, Failure)]
        if isinstance(self.heterogeneity, Failure):
            out.append(self.heterogeneity)
        return tuple(out)

    def hashes(self) -> dict[str, str]:
        """The reproducibility record's data hashes, one per data set used."""
        out: dict[str, str] = {}
        for world in self.worlds:
            out[f"data_sha256{'' if world.world is None else ' (' + world.world + ')'}"] = (
                world.data.sha256)
        if self.benchmark is not None:
            out["benchmark_data_sha256"] = self.benchmark.sha256
        if isinstance(self.heterogeneity, tuple):
            out["heterogeneity_data_sha256"] = self.heterogeneity[0].sha256
        for i, case in enumerate(self.individual):
            key = ("individual_sensitivity_data_sha256" if case.world is None
                   else f"individual_sensitivity_world{i + 1}_sha256")
            out[key] = case.data.sha256
        return out

    @classmethod
    def from_results(cls, study: Any, *, data: Any = None, estimates: Sequence[Any] = (),
                     refutations: Sequence[Any] = (), sensitivity: Sequence[Any] = (),
                     random_state: int | None = None) -> Analysis:
        """An analysis holding exactly what a user computed (see :func:`from_results`)."""
        return from_results(study, data=data, estimates=estimates, refutations=refutations,
                            sensitivity=sensitivity, random_state=random_state)


def _data(study: Any, data: Any) -> Any:

    if isinstance(data, StudyData):
        return data
    if data is None:
        if study.data is None:
            raise ParameterError("`data` must be given (the DataFrame the results came from) "
                                 "when the study declares no [data]; got None.")
        return read_study_data(study)
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame or a StudyData; got "
                             f"{type(data).__name__}.")
    return StudyData(frame=data, source="DataFrame", kind="frame", simulated=False,
                     description="the user's DataFrame", sha256=data_hash(data),
                     n_read=len(data))


def from_results(study: Any, *, data: Any = None, estimates: Sequence[Any] = (),
                 refutations: Sequence[Any] = (), sensitivity: Sequence[Any] = (),
                 random_state: int | None = None) -> Analysis:
    """An :class:`Analysis` holding a user's own results, for :func:`causal.build_report`.

    Parameters
    ----------
    study : Study or path
        The study the results belong to (its claim, graph and declared tables are rendered as
        usual; the sections computed from published numbers alone are computed as usual).
    data : DataFrame or StudyData, optional
        The rows the results came from (hashed for the reproducibility record); default: the
        study's own ``[data]``, read once.
    estimates : sequence of EffectEstimate
        Shown in the estimates table, in this order.
    refutations : sequence of RefutationSuite
        Each the refutation of one of ``estimates`` (:func:`causal.refute.refute`), shown in
        the refutations table.
    sensitivity : sequence of DMLSensitivity
        Long Story Short bounds (:func:`causal.sensitivity.aipw_bounds`), shown in the DML
        section.
    random_state : int, optional
        The seed the user's results used, if one seed made them all (recorded).

    Returns
    -------
    Analysis
        ``origin = "from_results"``; the report renders only the data sections these results
        fill, and sections from the study's published numbers as usual.
    """

    study = as_study(study)
    for i, e in enumerate(estimates):
        if not isinstance(e, EffectEstimate):
            raise ParameterError(f"`estimates[{i}]` must be an EffectEstimate; got "
                                 f"{type(e).__name__}.")
    for i, r in enumerate(refutations):
        if not isinstance(r, RefutationSuite):
            raise ParameterError(f"`refutations[{i}]` must be a RefutationSuite (from "
                                 f"causal.refute.refute); got {type(r).__name__}.")
    for i, s in enumerate(sensitivity):
        if not isinstance(s, DMLSensitivity):
            raise ParameterError(f"`sensitivity[{i}]` must be a DMLSensitivity (from "
                                 f"causal.sensitivity.aipw_bounds or dml_sensitivity); got "
                                 f"{type(s).__name__}.")
    rows = _data(study, data)
    covariates = tuple(study.data.covariates) if study.data is not None else ()
    worlds: tuple[WorldEstimates, ...] = ()
    if estimates or refutations:
        shown = StudyEstimates(
            study=study.name, world=None, simulated=rows.simulated,
            description=rows.description, data_hash=rows.sha256, n=rows.n,
            estimates=tuple(estimates), published=study.published,
            matching=next((e for e in estimates if e.matched_pairs is not None), None),
            ipw_se=tuple(None for _ in estimates), dropped=dict(rows.dropped))
        refuted = tuple(
            (suite.results[0].method, StudyRefutation(
                study=study.name, world=None, simulated=rows.simulated,
                description=rows.description, estimator=suite.results[0].method,
                covariates=covariates, n=rows.n, n_dropped=0, suite=suite, origin=rows.origin,
                dropped=dict(rows.dropped)))
            for suite in refutations)
        worlds = (WorldEstimates(world=None, data=rows, estimates=shown, refutations=refuted),)
    cases: tuple[IndividualCase, ...] = tuple(
        IndividualCase(f"{study.name} ({rows.origin})", rows, dml=StudyDMLSensitivity(
            study=study.name, world=None, simulated=rows.simulated,
            description=rows.description, data_hash=rows.sha256,
            seed=random_state, result=bounds))  # type: ignore[arg-type]
        for bounds in sensitivity)
    names = [n for n in SERVED if n not in study.left_out]
    seed = 20240101 if random_state is None else int(random_state)
    return Analysis(study=study, random_state=random_state, worlds=worlds,
                    individual=cases, origin="from_results",
                    extras=published_results(study, names, seed, lambda message: None))
