"""Negative controls of a study: estimated like the main effect, then empirical calibration.

For each ``[negative_controls] outcomes`` column the study's own estimators run with the
study's covariates and inference on a copy of the study whose outcome is that column
(:func:`causal.estimate.estimate_study`), so "the same design" is literal. For every
estimator of the main effect, the controls' estimates by the same estimator (same method and
measure) fit the empirical null and calibrate the main estimate
(:mod:`causal.sensitivity.negative_controls.empirical_calibration`): on the log scale for ratios, on the
estimate's own scale for differences (the normal systematic-error model is scale-free). With
one negative-control exposure and outcome and a continuous outcome, the proximal 2SLS estimate
is added (:mod:`causal.estimate.proximal`). ``[[negative_control_estimates]]`` (published
ratios) calibrate the claim's headline ratio without individual data.

Each piece that cannot be computed on valid data is a :class:`Failure` saying why.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from causal.analysis.failure import Failure
from causal.errors import CausalError, DataError
from causal.sensitivity.negative_controls.empirical_calibration import MIN_CONTROLS

_FAILURES = (CausalError, ArithmeticError, np.linalg.LinAlgError)

__all__ = ["NegativeControlResults", "CalibratedEstimator", "negative_control_results",
           "published_calibration"]


@dataclass(frozen=True)
class CalibratedEstimator:
    """One estimator of the main effect, its negative controls' estimates, and the calibration
    (a CalibrationResult, or a Failure saying why there is none)."""

    method: str
    label: str
    measure: str
    main: Any
    controls: tuple[tuple[str, Any], ...]
    calibration: Any


@dataclass(frozen=True)
class NegativeControlResults:
    """What the negative-controls section renders."""

    #: (column, StudyEstimates or Failure) per declared negative-control outcome
    outcomes: tuple[tuple[str, Any], ...] = ()
    #: (column, StudyEstimates or Failure) per declared negative-control exposure: the
    #: study's estimators with the exposure as the treatment, adjusting for the covariates and
    #: the real treatment (an exposure that cannot affect the outcome should show no effect)
    exposures: tuple[tuple[str, Any], ...] = ()
    calibrated: tuple[CalibratedEstimator, ...] = ()
    proximal: Any = None
    #: from ``[[negative_control_estimates]]``: CalibrationResult or Failure
    published: Any = None
    notes: tuple[str, ...] = field(default=())


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if text.endswith(".") else text + "."


def _variant(study: Any, *, outcome: str | None = None, treatment: str | None = None,
             extra: tuple[str, ...] = ()) -> Any:
    """The study with another outcome or treatment column, or extra covariates read (never
    modified); for a study built from a DataFrame, with the table checked for it when the
    study was built."""
    changed = study
    spec = changed.data
    if outcome is not None:
        changed = dataclasses.replace(changed, info=dataclasses.replace(changed.info,
                                                                        outcome=outcome))
    if treatment is not None:
        changed = dataclasses.replace(changed, info=dataclasses.replace(changed.info,
                                                                        treatment=treatment))
    if extra:
        spec = dataclasses.replace(spec, covariates=(*spec.covariates, *extra))
    if spec.checked is not None:
        key = (outcome if outcome is not None else f"exposure:{treatment}"
               if treatment is not None else "proximal")
        table = study.negative_controls.checked[key]
        if isinstance(table, str):  # the check failed when the study was built
            raise DataError(table)
        spec = dataclasses.replace(spec, checked=table)
    return dataclasses.replace(changed, data=spec)


def _scale(estimate: Any) -> tuple[float, float] | None:
    """(estimate, SE) on the scale calibration works on: log for ratios."""
    value, se = float(estimate.estimate), float(estimate.std_error)
    if estimate.is_ratio:
        if not 0 < value < math.inf:
            return None
        value = math.log(value)
    if not (math.isfinite(value) and math.isfinite(se) and se > 0):
        return None
    return value, se


def _key(estimate: Any) -> tuple[str, str, str]:
    return (estimate.method, estimate.measure, estimate.label)


def _calibrate(main: Any, controls: list[tuple[str, Any]], alpha: float) -> Any:
    from causal.sensitivity.negative_controls.calibrated import calibrate

    usable = [(name, _scale(e)) for name, e in controls]
    usable = [(name, pair) for name, pair in usable if pair is not None]
    point = _scale(main)
    what = f"empirical calibration of {main.method} {main.label}"
    if point is None:
        return Failure(what, "the main estimate has no finite estimate and SE.")
    if len(usable) < MIN_CONTROLS:
        return Failure(what, f"needs at least {MIN_CONTROLS} negative-control outcomes with a "
                             f"finite estimate and SE by this estimator; got {len(usable)}.")
    try:
        return calibrate([p[0] for _, p in usable], [p[1] for _, p in usable], point[0],
                         point[1], alpha=alpha, label=f"{main.method} {main.label}",
                         ratio=main.is_ratio)
    except _FAILURES as error:
        return Failure(what, _reason(error))


def negative_control_results(study: Any, main: Any, random_state: int) -> NegativeControlResults:
    """Estimate each declared negative-control outcome like the main effect and calibrate.

    ``main`` is the main effect's StudyEstimates (or a Failure, when nothing is calibrated).
    """
    from causal.data.study_data import read_study_data
    from causal.estimate.study import estimate_study

    controls = study.negative_controls
    spec = study.data
    if controls is None:
        return NegativeControlResults(published=published_calibration(study))
    if spec is None or spec.simulated:
        why = ("the study has no [data]" if spec is None else
               "the data are SIMULATED (a simulated cohort has no negative-control columns)")
        failure = Failure("negative controls", why + ".")
        return NegativeControlResults(
            outcomes=tuple((c.column, failure) for c in controls.outcomes),
            exposures=tuple((c.column, failure) for c in controls.exposures),
            published=published_calibration(study))
    def estimated(what: str, **change: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                variant = _variant(study, **change)
                data = read_study_data(variant)
                return estimate_study(variant, random_state=random_state, data=data)
            except _FAILURES as error:
                return Failure(what, _reason(error))

    outcomes = [(c.column, estimated(f"negative-control outcome {c.column!r}",
                                     outcome=c.column)) for c in controls.outcomes]
    exposures = [(c.column, estimated(f"negative-control exposure {c.column!r} (analysed as "
                                      "the treatment, adjusting for the real one)",
                                      treatment=c.column, extra=(study.treatment,)))
                 for c in controls.exposures]
    calibrated = []
    if not isinstance(main, Failure) and main is not None:
        for estimate in main.fitted:
            same = []
            for column, result in outcomes:
                if isinstance(result, Failure):
                    continue
                match = [e for e in result.fitted if _key(e) == _key(estimate)]
                if match:
                    same.append((column, match[0]))
            calibrated.append(CalibratedEstimator(
                estimate.method, estimate.label, estimate.measure, estimate, tuple(same),
                _calibrate(estimate, same, estimate.alpha)))
    proximal = _proximal(study, controls, random_state)
    return NegativeControlResults(outcomes=tuple(outcomes), exposures=tuple(exposures),
                                  calibrated=tuple(calibrated), proximal=proximal,
                                  published=published_calibration(study))


def _proximal(study: Any, controls: Any, random_state: int) -> Any:
    """Proximal 2SLS with the first declared exposure and outcome, for a continuous outcome."""
    from causal.data.study_data import read_study_data
    from causal.estimate.proximal import proximal_2sls

    if not controls.exposures or not controls.outcomes:
        return None
    z, w = controls.exposures[0].column, controls.outcomes[0].column
    what = f"proximal 2SLS (NC exposure {z!r}, NC outcome {w!r})"
    try:
        data = read_study_data(_variant(study, extra=(z, w)))
        frame = data.frame
        if set(np.unique(frame[study.outcome].dropna())) <= {0, 1}:
            return Failure(what, "the outcome is 0/1; proximal 2SLS here is for a continuous "
                                 "outcome (a linear outcome model).")
        categorical = [c for c in study.data.categorical if c in study.data.covariates]
        if categorical:
            return Failure(what, f"categorical covariates ({', '.join(categorical)}) are not "
                                 "supported by this linear proximal estimator; declare numeric "
                                 "codings.")
        return proximal_2sls(frame, treatment=study.treatment, outcome=study.outcome,
                             negative_control_exposure=z, negative_control_outcome=w,
                             covariates=list(study.data.covariates))
    except _FAILURES as error:
        return Failure(what, _reason(error))


def published_calibration(study: Any) -> Any:
    """Calibrate the claim's headline ratio with ``[[negative_control_estimates]]``; None when
    the study gives none."""
    from causal.sensitivity.negative_controls.calibrated import calibrate
    from causal.sensitivity.negative_controls.empirical_calibration import (
        log_estimates_of,
        std_errors_from_ci,
    )

    given = study.negative_control_estimates
    if not given:
        return None
    what = "empirical calibration of the headline with the published control estimates"
    headline = study.claim.headline if study.has_claim else None
    if headline is None or headline.measure not in ("OR", "RR", "HR") or headline.ci is None:
        return Failure(what, "it needs a headline ratio (OR, RR or HR) with a CI in the claim.")
    try:
        y = log_estimates_of([c.estimate for c in given])
        se = std_errors_from_ci([c.ci_lower for c in given], [c.ci_upper for c in given])
        truth = log_estimates_of([c.true_effect for c in given], "true_effect")
        lower, upper = headline.interval
        main_se = float(std_errors_from_ci([lower], [upper], headline.alpha)[0])
        return calibrate(y, se, math.log(headline.value), main_se,
                         true_log_effects=truth if np.any(truth != 0) else None,
                         alpha=headline.alpha, label=f"headline {headline.measure}")
    except _FAILURES as error:
        return Failure(what, _reason(error))
