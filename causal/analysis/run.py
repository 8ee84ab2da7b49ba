"""Run a study's analyses once: :func:`analyse`.

The plan, in the order the report reads it:

1. **Data.** Each data set is read (or, simulated, drawn) once and held as a
   :class:`~causal.data.study_data.StudyData`: for real data the one table; for a simulated
   study, per declared world, the cohort of the estimates (seeded by one integer drawn from
   ``random_state``), the cohort of the individual-data sensitivity analyses (seeds spawned from
   ``random_state``, one per world) and the heterogeneity cohort (seeded by ``random_state``).
2. **Estimates.** Every estimator once per data set (:func:`causal.estimate.estimate_study`);
   an estimator that cannot be estimated is a ``NotEstimable`` row with its reason.
3. **Refutations** of the estimates shown: the adjusted outcome regression (the paper's kind of
   estimate), IPW and AIPW, each EffectEstimate refuted as it is
   (:func:`causal.refute.refute`); a refutation of an estimate that was not estimable is skipped
   and says why.
4. **Sensitivity** on individual data: E-value, OVB and Rosenbaum (:func:`causal.sensitivity.
   individual_sensitivity`) and the omitted-variable bounds of the AIPW estimate (Long Story
   Short), which for real data bound the AIPW estimate of step 2 itself.
5. **Heterogeneity** (EconML's DR-learner) when the study declares ``[heterogeneity]``.

An analysis that raises a :class:`~causal.errors.CausalError` on valid data becomes a
:class:`~causal.analysis.result.Failure` (its message is the reason); every other error
propagates. Sections listed in :data:`causal._budgets.REPORT_SECTION_ROWS` run on a seeded
random subsample of a large real data set (:mod:`causal.report.subsample` documents the
draw), recorded in :attr:`Analysis.subsamples`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from causal import _budgets
from causal._validation import check_random_state
from causal.analysis.failure import Failure
from causal.analysis.published import SERVED, published_results
from causal.analysis.result import Analysis, IndividualCase, WorldEstimates
from causal.data.study_data import StudyData, read_benchmark_data, read_study_data
from causal.errors import CausalError
from causal.estimate import AIPW, Crude
from causal.estimate.study import NotEstimable, estimate_study
from causal.refute.from_estimate import refute
from causal.refute.study import StudyRefutation
from causal.sensitivity import (
    default_benchmarks,
    dml_sensitivity,
    individual_sensitivity,
    is_rare_outcome,
)
from causal.sensitivity.omitted_variable.dml_study import StudyDMLSensitivity
from causal.study.api import as_study

__all__ = ["analyse", "SUBSAMPLE_TAG", "REFUTED"]

#: second entry of the subsample's seed sequence (separates it from the report's other streams)
SUBSAMPLE_TAG = 0x5AB5
#: the estimates refuted, by (method, measure for a 0/1 outcome, measure otherwise, the name
#: :func:`causal.refute.refute_study` gives the estimator)
REFUTED = (("outcome regression", "or", "md", "regression"), ("IPW", "rd", "md", "ipw"),
           ("AIPW", "rd", "md", "aipw"))
#: every report section that needs the data, and what it needs
_NEEDS = {"estimates": {"estimates"}, "refutations": {"estimates", "refutations"},
          "individual_sensitivity": {"individual"}, "dml_sensitivity": {"individual", "dml"},
          "heterogeneity": {"heterogeneity"},
          "negative_controls": {"estimates", "negative_controls"}}
_FAILURES = (CausalError, ArithmeticError, np.linalg.LinAlgError)


def _seeds(random_state: int, k: int) -> list[int]:
    """One integer seed per world, derived from the report's seed (recorded in the report)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(random_state).spawn(k)]


def world_seeds(study: Any, random_state: int) -> dict[str | None, int]:
    """The seed of each simulated world's one cohort: every section of a report that reads a
    world reads this same draw (issue 21: one draw per simulated world per report)."""
    worlds = list(study.worlds) or [None]
    names = [w.name if w is not None else None for w in worlds]
    seeds = _seeds(random_state, len(names))
    out: dict[str | None, int] = dict(zip(names, seeds, strict=True))
    out.setdefault(None, seeds[0])  # "the first declared world"
    return out


def _first_seed(random_state: Any) -> int:
    return int(check_random_state(random_state).integers(2**31 - 1))


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if text.endswith(".") else text + "."


def subsample_plan(study: Any, name: str, total: int, random_state: int
                   ) -> dict[str, Any] | None:
    """``{"rows", "of", "seed", "reason"}`` when section ``name`` subsamples, else None."""
    limit = _budgets.REPORT_SECTION_ROWS.get(name)
    if limit is None or study.data is None or study.data.simulated or total <= limit:
        return None
    return {"rows": int(limit), "of": int(total), "seed": int(random_state),
            "reason": _budgets.REPORT_SECTION_REASONS.get(name, "")}


def _subsample(data: StudyData, plan: dict[str, Any] | None,
               drawn: dict[int, StudyData]) -> StudyData:
    """The plan's simple random sample of ``data``'s rows (in row order), drawn once."""
    if plan is None:
        return data
    if plan["rows"] not in drawn:
        rng = np.random.default_rng(np.random.SeedSequence([plan["seed"], SUBSAMPLE_TAG]))
        rows = np.sort(rng.choice(data.n, size=plan["rows"], replace=False))
        drawn[plan["rows"]] = data.rows(rows, subsample=dict(plan))
    return drawn[plan["rows"]]


class _Reader:
    """Reads each data set once per analysis."""

    def __init__(self, study: Any) -> None:
        self.study = study
        self.read: dict[tuple[str | None, int | None], StudyData] = {}

    def __call__(self, world: str | None = None, seed: int | None = None) -> StudyData:
        key = (world, seed) if self.study.data.simulated else (None, None)
        if key not in self.read:
            self.read[key] = read_study_data(self.study, *key)
        return self.read[key]


def analyse(study: Any, *, random_state: int = 20240101,
            sections: Sequence[str] | None = None,
            progress: Callable[[str], None] | None = None) -> Analysis:
    """Run every analysis the study declares, once, and collect the results.

    Parameters
    ----------
    study : Study or path
        A study loaded from a file (:func:`causal.load_study`) or built in Python
        (:meth:`causal.Study.from_frame`).
    random_state : int
        Seed of every random procedure (each analysis derives its own stream from it).
    sections : sequence of str, optional
        Only what these report sections need (default: every section the study does not
        skip).
    progress : callable, optional
        Called with a short message as each analysis starts.

    Returns
    -------
    Analysis
        Render it with :func:`causal.build_report`. Analyses that could not be computed are
        listed in :attr:`Analysis.failures`.
    """

    study = as_study(study)
    check_random_state(random_state)
    say = progress or (lambda message: None)
    names = ([n for n in SERVED if n not in study.left_out] if sections is None
             else list(sections))
    needs: set[str] = set().union(*(_NEEDS.get(n, set()) for n in names
                                    if n != "negative_controls"
                                    or study.negative_controls is not None))
    spec = study.data
    if spec is None or not needs:
        return Analysis(study=study, random_state=random_state,
                        sections=None if sections is None else tuple(sections),
                        extras=published_results(study, names, random_state, say))
    read = _Reader(study)
    seeds = world_seeds(study, random_state) if spec.simulated else {}
    worlds = [w.name for w in study.worlds] if spec.simulated else [None]
    subsamples: dict[str, dict[str, Any]] = {}
    drawn: dict[int, StudyData] = {}

    def plan_for(name: str, data: StudyData) -> StudyData:
        plan = subsample_plan(study, name, data.n, random_state)
        if plan is not None:
            subsamples[name] = plan
        return _subsample(data, plan, drawn)

    estimated: list[WorldEstimates] = []
    benchmark = truth = benchmark_se = None
    if "estimates" in needs:
        say("estimates")
        if spec.benchmark:
            benchmark, truth, benchmark_se = _benchmark(study)
        for world in worlds:
            data = read(world, seeds.get(world) if spec.simulated else None)
            estimated.append(_estimates(study, world, data, random_state))
    controls: dict[str, Any] = {}
    if "negative_controls" in needs and study.negative_controls is not None:
        from causal.analysis.negative_controls import negative_control_results

        say("negative controls")
        main = estimated[0].estimates if estimated and not spec.simulated else None
        controls["negative_controls"] = negative_control_results(study, main, random_state)
    if "refutations" in needs:
        say("refutations")
        estimated = [_refutations(study, w, plan_for("refutations", w.data), random_state)
                     for w in estimated]
    cases: list[IndividualCase] = []
    if "individual" in needs:
        say("individual sensitivity")
        cases = _individual_cases(study, read, random_state, plan_for)
        if "individual_sensitivity" in names:
            shown = estimated[0] if estimated and not spec.simulated else None
            cases = [_individual(study, case, random_state, shown) for case in cases]
        if "dml" in needs:
            say("DML sensitivity")
            shown = estimated[0] if estimated and not spec.simulated else None
            cases = [_dml(study, case, random_state, shown) for case in cases]
    heterogeneity = None
    if "heterogeneity" in needs and study.heterogeneity is not None:
        say("heterogeneity")
        heterogeneity = _heterogeneity(study, read, random_state, plan_for)
    extras = published_results(study, names, random_state, say)
    if benchmark_se is not None:
        extras["benchmark_se"] = benchmark_se
    return Analysis(study=study, random_state=random_state, worlds=tuple(estimated),
                    benchmark=benchmark, benchmark_truth=truth, individual=tuple(cases),
                    heterogeneity=heterogeneity,
                    sections=None if sections is None else tuple(sections),
                    subsamples=subsamples, extras={**extras, **controls})


def _benchmark(study: Any) -> tuple[StudyData | None, float | Failure, float | None]:
    """The experimental effect of ``[data.benchmark]`` (difference in means) and its SE: the
    experiment's answer is itself an estimate with sampling error."""

    try:
        data = read_benchmark_data(study)
        effect = Crude(measure="md").estimate(data.frame, treatment=study.treatment,
                                              outcome=study.outcome)
        return data, effect.estimate, float(effect.std_error)
    except _FAILURES as error:
        return None, Failure("experimental benchmark ([data.benchmark])", _reason(error)), None


def _estimates(study: Any, world: str | None, data: StudyData,
               random_state: int) -> WorldEstimates:

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # recorded on each result and shown by the report
        try:
            result: Any = estimate_study(study, world=world, random_state=random_state,
                                         data=data)
        except _FAILURES as error:
            result = Failure("estimates" + ("" if world is None else f" ('{world}')"),
                             _reason(error))
    if getattr(result, "imputed", None) is not None:
        result = _with_tipping(study, data, result)
    return WorldEstimates(world=world, data=data, estimates=result)


def _with_tipping(study: Any, data: StudyData, result: Any) -> Any:
    """The estimates with the delta-adjusted MNAR tipping point of a missing outcome (on the
    same imputations), or the sentence saying why there is none."""
    from causal.sensitivity.tipping_points.missing_outcome import delta_tipping

    imputed = result.imputed
    if not data.incomplete[study.outcome].isna().any():
        tipping: Any = (f"the outcome {study.outcome!r} is observed in every analysed row, so "
                        "there is no missing outcome whose missing-not-at-random shift could "
                        "change the result")
    else:
        spec = study.data
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tipping = delta_tipping(data.incomplete, treatment=study.treatment,
                                        outcome=study.outcome, covariates=spec.covariates,
                                        categorical=spec.categorical, m=imputed.m,
                                        random_state=imputed.seed, arm="treated",
                                        imputations=imputed.imputations)
        except _FAILURES as error:
            tipping = f"the delta-adjusted tipping point could not be computed: {_reason(error)}"
    return dataclasses.replace(result, imputed=dataclasses.replace(imputed, tipping=tipping))


def _refuted_estimate(estimates: Any, method: str, measure: str) -> Any:
    """The estimate of ``method`` on ``measure`` the estimates show (IPW: its default SE)."""
    for i, e in enumerate(estimates.estimates):
        kind = estimates.ipw_se[i] if estimates.ipw_se else None
        if e.method == method and e.measure == measure and kind in (None, "sandwich"):
            return e
    return None


def _refutations(study: Any, world: WorldEstimates, rows: StudyData,
                 random_state: int) -> WorldEstimates:
    """Refute the estimates the report shows (on ``rows``: the data, or their subsample)."""


    spec = study.data
    estimates = world.estimates
    if rows is not world.data and not isinstance(estimates, Failure):
        # a subsample: the estimates refuted are those fitted on the rows refuted
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimates = estimate_study(study, world=world.world, random_state=random_state,
                                       data=rows)
    used = [study.treatment, study.outcome, *spec.covariates]
    frame = rows.frame
    complete = frame.loc[frame[used].notna().all(axis=1)]
    binary = bool(np.isin(complete[study.outcome].to_numpy(), (0, 1)).all())
    out: list[tuple[str, Any]] = []
    for method, binary_measure, other, name in REFUTED:
        where = "" if world.world is None else f" (SIMULATED world '{world.world}')"
        label = f"refutations of {method}{where}"
        if isinstance(estimates, Failure):
            out.append((method, Failure(label, f"the estimates could not be computed: "
                                               f"{estimates.reason}", skipped=True)))
            continue
        estimate = _refuted_estimate(estimates, method, binary_measure if binary else other)
        if estimate is None:
            continue
        if isinstance(estimate, NotEstimable):
            out.append((method, Failure(label, f"{method} was not estimable: "
                                               f"{estimate.reason}", skipped=True)))
            continue
        out.append((method, _refute(study, world.world, rows, complete, estimate, name,
                                    label, random_state)))
    return dataclasses.replace(world, refutations=tuple(out),
                               refuted_on=None if rows is world.data else rows)


def _refute(study: Any, world: str | None, rows: StudyData, complete: Any, estimate: Any,
            method: str, label: str, random_state: int) -> Any:

    rng = check_random_state(random_state)
    rng.integers(2**31 - 1)  # the seed of the data and the fits (as estimate_study draws it)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            suite = refute(estimate, complete, n_simulations=100, random_state=rng)
    except _FAILURES as error:
        return Failure(label, _reason(error))
    spec = study.data
    return StudyRefutation(
        study=study.name, world=world, simulated=rows.simulated, description=rows.description,
        estimator=method, covariates=tuple(spec.covariates), n=len(complete),
        n_dropped=rows.n - len(complete), suite=suite, origin=rows.origin,
        dropped=dict(rows.dropped))


def _individual_cases(study: Any, read: _Reader, random_state: int,
                      plan_for: Callable[[str, StudyData], StudyData]) -> list[IndividualCase]:
    """(label, data, world) per data set of the individual-data sensitivity analyses."""
    spec = study.data
    if not spec.simulated:
        data = plan_for("individual_sensitivity", read())
        plan_for("dml_sensitivity", read())
        origin = "real data" if spec.kind == "bundled" else f"data from {spec.source}"
        return [IndividualCase(f"{study.name} ({origin})", data)]
    worlds = study.worlds or (None,)
    seeds = world_seeds(study, random_state)
    out = []
    for world in worlds:
        name = world.name if world is not None else None
        data = read(name, seeds[name])
        out.append(IndividualCase(f"SIMULATED: {data.world or name}", data, world))
    return out


def _rare(stated: Any, frame: Any, outcome: str) -> bool:
    """``[evalue] rare_outcome`` when the study states it; otherwise the sample prevalence
    decides (:func:`causal.sensitivity.evalues.evalue.is_rare_outcome`)."""


    if isinstance(stated, bool):
        return stated
    return is_rare_outcome(float(pd.to_numeric(frame[outcome], errors="coerce").mean()))


def _needed(shown: WorldEstimates | None, case: IndividualCase, method: str,
            label: str, measures: tuple[str, ...]) -> Failure | None:
    """A skipped Failure when ``method``'s estimate on the case's data was not estimable."""

    if shown is None or shown.data is not case.data:
        return None
    if isinstance(shown.estimates, Failure):
        return Failure(label, f"the estimates could not be computed: "
                              f"{shown.estimates.reason}", skipped=True)
    failed = next((e for e in shown.estimates.estimates
                   if isinstance(e, NotEstimable) and e.method == method
                   and e.measure in measures), None)
    if failed is None:
        return None
    return Failure(label, f"{method} was not estimable: {failed.reason}", skipped=True)


def _individual(study: Any, case: IndividualCase, random_state: Any,
                shown: WorldEstimates | None = None) -> IndividualCase:
    """E-value (of the adjusted outcome regression), OVB and Rosenbaum on the case's data;
    skipped when the outcome regression shown on the same data was not estimable."""


    label = f"individual-data sensitivity ({case.label})"
    skipped = _needed(shown, case, "outcome regression", label, ("or", "md"))
    if skipped is not None:
        return dataclasses.replace(case, individual=skipped)
    spec = study.data
    options = study.individual_sensitivity
    latent = spec.latent[0] if spec.simulated and spec.latent else None
    try:
        result: Any = individual_sensitivity(
            case.data.frame, treatment=study.treatment, outcome=study.outcome,
            covariates=list(spec.covariates), categorical=list(spec.categorical),
            squared=list(spec.squared), benchmarks=options.benchmarks, kd=options.kd,
            rare_outcome=_rare(study.evalue.rare_outcome, case.data.frame, study.outcome),
            latent=latent, cluster=getattr(spec, "cluster", None),
            random_state=_first_seed(random_state if case.data.seed is None
                                     else case.data.seed))
    except _FAILURES as error:
        result = Failure(label, _reason(error))
    return dataclasses.replace(case, individual=result)


#: the DML scenario bounded (DoubleML's default), assumed, not estimated
DML_SCENARIO = {"cf_y": 0.03, "cf_d": 0.03, "rho": 1.0}


def _dml(study: Any, case: IndividualCase, random_state: int,
         shown: WorldEstimates | None) -> IndividualCase:
    """The Long Story Short bounds of the AIPW estimate on the case's data: for real data
    (not subsampled), the AIPW estimate the estimates section shows."""


    spec = study.data
    label = f"DML sensitivity ({case.label})"
    seed = _first_seed(random_state if case.data.seed is None else case.data.seed)
    estimate = None
    skipped = _needed(shown, case, "AIPW", label, ("rd", "md"))
    if skipped is not None:
        return dataclasses.replace(case, dml=skipped)
    if shown is not None and shown.data is case.data:
        binary = set(np.unique(case.data.frame[study.outcome].dropna())) <= {0, 1}
        estimate = _refuted_estimate(shown.estimates, "AIPW", "rd" if binary else "md")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # overlap warnings are reported by 'estimates'
            result = dml_sensitivity(
                case.data.frame, treatment=study.treatment, outcome=study.outcome,
                covariates=list(spec.covariates), categorical=list(spec.categorical),
                squared=list(spec.squared),
                benchmarks=default_benchmarks(spec.covariates,
                                              study.individual_sensitivity.benchmarks),
                estimator=AIPW(estimand=study.estimand, random_state=seed),
                estimate=estimate, cluster=getattr(spec, "cluster", None), **DML_SCENARIO)
    except _FAILURES as error:
        return dataclasses.replace(case, dml=Failure(label, _reason(error)))
    return dataclasses.replace(case, dml=StudyDMLSensitivity(
        study=study.name, world=case.data.world, simulated=case.data.simulated,
        description=case.data.description, data_hash=case.data.sha256, seed=seed,
        result=result))


def _heterogeneity(study: Any, read: _Reader, random_state: int,
                   plan_for: Callable[[str, StudyData], StudyData]) -> Any:
    from causal.estimate.heterogeneity import effect_heterogeneity

    spec = study.heterogeneity
    simulated = study.data.simulated
    if simulated:  # the same cohort of the world as every other section (the first world
        # when [heterogeneity] names none, as read_study_data defaults)
        world = spec.world or (study.worlds[0].name if study.worlds else None)
        data = read(world, world_seeds(study, random_state)[world])
    else:
        data = plan_for("heterogeneity", read())
    try:
        result = effect_heterogeneity(
            data.frame, treatment=study.treatment, outcome=study.outcome,
            covariates=list(study.covariates), modifiers=list(spec.modifiers),
            outcome_type=spec.outcome_type, cv=spec.cv, random_state=random_state)
    except _FAILURES as error:
        return Failure("effect heterogeneity", _reason(error))
    return data, result
