"""An estimator that could not be estimated on the data, in its estimate's place.

:func:`fit_one` fits one estimator and returns its estimate, or a :class:`NotEstimable` with
the reason (the estimator's own error message, or why its result had no number). Used by the
study runner (:mod:`causal.estimate.study`) and by the imputed-data runner
(:mod:`causal.estimate.multiple_imputation`), neither of which imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal._results import summary_frame


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
    def estimand_label(self) -> str:
        from causal.estimate.result import estimand_label

        return estimand_label(self.estimand)

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
        estimand = str(getattr(result, "estimand", "ate"))
        who = _method_name(estimator) + (f" ({estimand.upper()})"
                                         if estimand in ("ate", "att", "atu", "atc") else "")
        reason = (f"{who}: the estimate or its standard error is not finite"
                  + (f" ({flagged})" if flagged else ""))
    if not reason.endswith("."):
        reason += "."
    measure = getattr(result, "measure", None) or getattr(estimator, "measure", "")
    estimand = getattr(result, "estimand", None) or getattr(estimator, "estimand", "ate")
    kind = getattr(result, "odds_ratio_kind", None)
    if kind is None and measure == "or":  # which odds ratio the estimator would have given
        kind = {"OutcomeRegression": "conditional", "Crude": "crude"}.get(
            type(estimator).__name__, "marginal")
    return NotEstimable(method=_method_name(estimator), measure=str(measure),
                        estimand=str(estimand), reason=reason, odds_ratio_kind=kind)


_METHOD_NAMES = {"Crude": "crude", "OutcomeRegression": "outcome regression",
                 "GComputation": "g-computation", "IPW": "IPW", "AIPW": "AIPW",
                 "PSMatching": "PS matching", "GEE": "GEE"}


def _method_name(estimator: Any) -> str:
    return _METHOD_NAMES.get(type(estimator).__name__, type(estimator).__name__)


def fit_one(estimator: Any, prep: Any, frame: pd.DataFrame, kwargs: dict) -> Any:
    """``estimator``'s estimate, or :class:`NotEstimable` when it cannot be estimated."""
    import math

    from causal.errors import CausalError

    try:
        if hasattr(estimator, "_estimate_prepared"):
            estimator._check_all()
            result = estimator._estimate_prepared(
                prep, categorical=kwargs["categorical"], squared=kwargs["squared"],
                terms=kwargs["terms"])
        else:
            result = estimator.estimate(frame, **kwargs)
    except (CausalError, ArithmeticError, np.linalg.LinAlgError) as error:
        return not_estimable(estimator, error)
    # an odds ratio of 0 (no events in one arm) is shown, with its interval left open
    if not math.isfinite(result.estimate):
        return not_estimable(estimator, result=result)
    return result
