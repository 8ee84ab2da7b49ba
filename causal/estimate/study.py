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

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_random_state
from causal.errors import ParameterError
from causal.study.tables.published import PUBLISHED_SE

if TYPE_CHECKING:  # the study package is imported only where a path must be loaded
    from causal.study.model import Study

__all__ = ["PUBLISHED_SE", "NotEstimable", "StudyEstimates", "estimate_study", "se_convention"]
#: which estimator a ``[[published]]`` method name corresponds to
PUBLISHED_METHOD = {"crude": "crude", "ipw": "IPW", "standardisation": "g-computation",
                    "standardization": "g-computation", "g-computation": "g-computation",
                    "aipw": "AIPW", "outcome regression": "outcome regression"}
#: SE conventions in words, for estimators whose notes do not name one
_SE_FALLBACK = {"g-computation": "influence-function SE including the outcome model's "
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
            kind = f"{result.odds_ratio_kind} OR; " if result.odds_ratio_kind else ""
            answer = self.compared_with(i)
            versus = f"; vs published '{answer.label}'" if answer is not None else ""
            row["note"] = (f"{kind}{result.estimand.upper()}; {se}{versus}"
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
                estimand: str = "ate", published: tuple[Any, ...] = ()) -> list[Any]:
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
    for measure in measures:
        out.append(GComputation(measure=measure, interactions=interactions, estimand=estimand))
        out += [IPW(measure=measure, estimand=estimand, se=kind)
                for kind in _ipw_conventions(published, measure)]
        out.append(AIPW(measure=measure, random_state=seed, estimand=estimand))
    out.append(PSMatching(measure="rd" if outcome_type == "binary" else "md"))
    return out


@dataclass(frozen=True)
class NotEstimable:
    """An estimator that could not be estimated on the data, in place of its estimate.

    ``reason`` is one sentence (the estimator's own error message, or why its result had no
    number); the report's estimates table shows "not estimable: <reason>" in its row, and
    every analysis that needed this estimate says it was skipped.
    """

    method: str
    measure: str
    estimand: str
    reason: str
    odds_ratio_kind: str | None = None
    estimate: float = float("nan")
    ci: tuple[float, float] = (float("nan"), float("nan"))
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    matched_pairs: Any = None

    @property
    def label(self) -> str:
        return f"{self.measure.upper()} ({self.estimand.upper()})"

    def summary(self) -> pd.DataFrame:
        return summary_frame([{"quantity": f"{self.method} {self.measure.upper()}",
                               "estimate": None, "std_error": None, "ci_lower": None,
                               "ci_upper": None, "p_value": None,
                               "note": f"not estimable: {self.reason}"}])


def not_estimable(estimator: Any, error: BaseException | None = None,
                  result: Any = None) -> NotEstimable:
    """What to show for ``estimator`` when its fit raised ``error`` or gave no number."""
    if error is not None:
        reason = str(error).strip() or type(error).__name__
    else:
        flagged = "; ".join(getattr(result, "warnings", ()))
        reason = ("its fit gave no finite estimate" + (f" ({flagged})" if flagged else ""))
    if not reason.endswith("."):
        reason += "."
    measure = getattr(result, "measure", None) or getattr(estimator, "measure", "")
    estimand = getattr(result, "estimand", None) or getattr(estimator, "estimand", "ate")
    return NotEstimable(method=_method_name(estimator), measure=str(measure),
                        estimand=str(estimand), reason=reason,
                        odds_ratio_kind=getattr(result, "odds_ratio_kind", None))


_METHOD_NAMES = {"Crude": "crude", "OutcomeRegression": "outcome regression",
                 "GComputation": "g-computation", "IPW": "IPW", "AIPW": "AIPW",
                 "PSMatching": "PS matching"}


def _method_name(estimator: Any) -> str:
    return _METHOD_NAMES.get(type(estimator).__name__, type(estimator).__name__)


def _fit_one(estimator: Any, prep: Any, frame: pd.DataFrame, kwargs: dict) -> Any:
    """``estimator``'s estimate, or :class:`NotEstimable` when it cannot be estimated."""
    import math

    from causal.errors import CausalError

    try:
        if hasattr(estimator, "_estimate_prepared"):
            estimator._check_all()
            result = estimator._estimate_prepared(
                prep, categorical=kwargs["categorical"], squared=kwargs["squared"])
        else:
            result = estimator.estimate(frame, **kwargs)
    except (CausalError, ArithmeticError, np.linalg.LinAlgError) as error:
        return not_estimable(estimator, error)
    if not math.isfinite(result.estimate):
        return not_estimable(estimator, result=result)
    return result


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
        reason, instead of an exception.

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
                  squared=list(spec.squared))
    estimand = study.estimand
    published = study.published
    estimators = _estimators(outcome_type, tuple(spec.treatment_interactions), seed, estimand,
                             published)
    # the data checked and the design built once for all; one propensity fit, one outcome fit,
    # one fit for both measures; freed temporaries reused on a large cohort (causal._memory)
    with reuse_freed_memory(len(frame)), shared_fits():
        prep = prepare(frame, **kwargs)
        results = [_fit_one(estimator, prep, frame, kwargs) for estimator in estimators]
        del prep
    truth: dict[str, Any] = {}
    if data.simulated:
        truth = {"true_conditional_odds_ratio": data.true_odds_ratio}
    return StudyEstimates(
        study=study.name, world=data.world, simulated=data.simulated,
        description=data.description, data_hash=data.sha256, n=len(frame),
        estimates=tuple(results), truth=truth, published=published,
        matching=next((r for r in results if r.matched_pairs is not None), None),
        ipw_se=tuple(getattr(e, "se", None) if type(e).__name__ == "IPW" else None
                     for e in estimators),
        dropped=dict(data.dropped))
