"""Refute an :class:`~causal.estimate.EffectEstimate` from :mod:`causal.estimate`.

The refuters refit their estimator hundreds of times as array operations, which is possible
for three models (:mod:`causal.refute._engine`). An estimate is refuted when it is one of them:

=========================================  ==========================================
estimate (method, estimand, measure)       refitted as
=========================================  ==========================================
outcome regression, ``md``                 ``linear_regression`` (same covariates)
outcome regression, conditional ``or``     ``logistic_regression``
IPW, ATE, ``rd`` or ``md``                 ``ipw`` (Hajek, no trimming/truncation)
crude, ``rd`` or ``md``                    ``linear_regression`` without covariates
crude, ``or``                              ``logistic_regression`` without covariates
=========================================  ==========================================

Anything else (ATT, risk or marginal odds ratios, g-computation, AIPW, matching) raises a
:class:`~causal.errors.ParameterError` saying why. Before refuting, the estimate is recomputed
on ``data`` and must agree to 1e-6 (relative), so a different covariate set, trimming,
categorical or squared terms are caught rather than silently refuting another model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from causal._validation import check_literal
from causal.errors import ParameterError
from causal.refute._engine import prepare
from causal.refute.run_all import RefutationSuite, refute_all

Refuter = Literal["all", "placebo_treatment", "random_common_cause", "data_subset",
                  "bootstrap", "dummy_outcome", "unobserved_common_cause"]
REFUTERS: tuple[str, ...] = ("all", "placebo_treatment", "random_common_cause", "data_subset",
                             "bootstrap", "dummy_outcome", "unobserved_common_cause")


def estimator_for(estimate: Any) -> str:
    """The batched estimator that refits ``estimate``, or ParameterError saying why none does."""
    method = getattr(estimate, "method", None)
    measure = getattr(estimate, "measure", None)
    estimand = getattr(estimate, "estimand", None)
    if method is None or measure is None:
        raise ParameterError("`estimate` must be an EffectEstimate from causal.estimate; got "
                             f"{type(estimate).__name__}.")
    if estimand != "ate" and method != "outcome regression":
        raise ParameterError(f"refuters refit ATE estimates; this {method} estimate targets the "
                             f"{str(estimand).upper()}.")
    if method == "outcome regression":
        if measure == "md":
            return "linear_regression"
        if measure == "or" and estimate.odds_ratio_kind == "conditional":
            return "logistic_regression"
    elif method == "IPW":
        if measure in ("rd", "md"):
            return "ipw"
    elif method == "crude":
        if measure in ("rd", "md"):
            return "linear_regression"
        if measure == "or":
            return "logistic_regression"
    else:
        raise ParameterError(
            f"refuters refit linear or logistic regression and IPW in batches; this {method} "
            "estimate cannot be refitted that way. Refute the same data with estimator="
            "'ipw' or 'linear_regression' instead.")
    raise ParameterError(f"refuters cannot refit this {method} estimate of the {measure.upper()}: "
                         "they refit mean/risk differences (linear regression, IPW) and "
                         "conditional odds ratios (logistic regression).")


def refute_estimate(estimate: Any, data: pd.DataFrame, *, covariates: Sequence[str] = (),
                    refuter: Refuter = "all", **options: Any
                    ) -> RefutationSuite | Any:
    """Run one refuter (or all) on the model behind ``estimate``.

    Parameters
    ----------
    estimate : EffectEstimate
        From :mod:`causal.estimate` (see the module docstring for which ones apply).
    data : pandas.DataFrame
        The data the estimate came from (not modified).
    covariates : sequence of str
        The covariates the estimate adjusted for (ignored for a crude estimate).
    refuter : str
        ``"all"`` (:func:`causal.refute.refute_all`) or one refuter's name.
    **options
        Passed to the refuter (``n_simulations``, ``random_state``, ...).

    Returns
    -------
    RefutationSuite or RefutationResult
    """
    check_literal(refuter, "refuter", REFUTERS)
    estimator = estimator_for(estimate)
    if estimate.method == "crude":
        covariates = ()
    problem = prepare(data, treatment=estimate.treatment, outcome=estimate.outcome,
                      covariates=covariates, estimator=estimator)
    refit, _ = problem.effects(1)
    if not math.isclose(float(refit[0]), estimate.estimate, rel_tol=1e-6, abs_tol=1e-9):
        raise ParameterError(
            f"refitting {problem.label} on `data` gives {refit[0]:.6g}, not the estimate's "
            f"{estimate.estimate:.6g}; pass the same `covariates` (no categorical/squared "
            "terms, trimming, truncation or dropped rows) and the same data.")
    common = dict(treatment=estimate.treatment, outcome=estimate.outcome,
                  covariates=tuple(covariates), estimator=estimator, **options)
    if refuter == "all":
        return refute_all(data, **common)
    import causal.refute as refute

    return getattr(refute, refuter)(data, **common)
