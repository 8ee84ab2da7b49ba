"""A report of what a user computed: :func:`from_results`.

In a notebook: ``Study.from_frame(df, ...)`` -> ``AIPW().estimate(df, ...)`` ->
``refute(estimate, df)`` -> ``aipw_bounds(estimate)``. ``Analysis.from_results(study,
data=df, estimates=[estimate], refutations=[suite], sensitivity=[bounds])`` holds exactly
those objects, so ``build_report`` shows their numbers, with the same reproducibility record
(the study's fingerprint, the data's hash, versions) as a report the toolkit computed. Nothing
is refitted: a result the user did not compute is not in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from causal.analysis.result import Analysis, IndividualCase, WorldEstimates
from causal.errors import ParameterError

__all__ = ["from_results"]


def _data(study: Any, data: Any) -> Any:
    from causal.data.load import data_hash
    from causal.data.study_data import StudyData, read_study_data

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
    from causal.analysis.run import _extras
    from causal.estimate.result import EffectEstimate
    from causal.estimate.study import StudyEstimates
    from causal.refute.run_all import RefutationSuite
    from causal.refute.study import StudyRefutation
    from causal.report.sections import SECTION_MODULES
    from causal.sensitivity.dml_result import DMLSensitivity
    from causal.sensitivity.dml_study import StudyDMLSensitivity
    from causal.study.api import as_study

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
    names = [n for n in SECTION_MODULES if n not in study.skip]
    seed = 20240101 if random_state is None else int(random_state)
    return Analysis(study=study, random_state=random_state, worlds=worlds,
                    individual=cases, origin="from_results",
                    extras=_extras(study, names, seed, lambda message: None))
