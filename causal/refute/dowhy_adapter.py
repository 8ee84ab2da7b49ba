"""Run DoWhy's refuters on the same data as :mod:`causal.refute`, for comparison.

The only module of :mod:`causal.refute` that touches DoWhy; ``dowhy`` is imported inside the
functions. The adapter works around the DoWhy 0.14 defects listed in the project's FACTS.md:

* every call gets a fresh copy of the data (DoWhy's propensity-score estimators write columns
  into the DataFrame they are given and later reuse the stale scores);
* the estimator is ``backdoor.linear_regression`` by default; ``backdoor.propensity_score_
  weighting`` is accepted but runs on a fresh copy per call for the same reason;
* the treatment is passed as ``bool`` (a float 0/1 treatment makes DoWhy's default placebo all
  zeros), except to ``add_unobserved_common_cause``, whose binary flip computes ``1 - T`` and
  needs ``int``;
* ``data_subset_refuter`` and ``bootstrap_refuter`` get a ``numpy.random.RandomState`` built
  from the seed, never an int (an int makes every simulation identical);
* ``bootstrap_refuter`` is run with ``noise=0`` (its default adds measurement error of 0.1 SD
  to the covariates, which our bootstrap does not);
* ``dummy_outcome_refuter`` fails in DoWhy 0.14 under pandas 3 (an in-place addition to a
  read-only array); the adapter raises :class:`PeerPackageError` saying so. It would be run with the transformation ``[("permute", {"permute_fraction":
  1})]`` to match :func:`causal.refute.dummy_outcome` (its default replaces the outcome by noise);
* ``add_unobserved_common_cause``: DoWhy subtracts a linear effect from the outcome where
  :func:`causal.refute.unobserved_common_cause` adds it, so the outcome strength is passed with
  its sign flipped. DoWhy draws this confounder from NumPy's *global* random state, which this
  adapter does not seed (the project never touches it): those runs are not reproducible.

DoWhy reports the mean of its simulated estimates (``new_effect``) and a p-value, not the
estimates themselves (except for the unobserved common cause, one value per call).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._validation import check_count, check_literal
from causal.errors import CausalError, DataError, ParameterError

DoWhyRefuter = Literal["placebo_treatment_refuter", "random_common_cause", "data_subset_refuter",
                       "bootstrap_refuter", "dummy_outcome_refuter", "add_unobserved_common_cause"]
REFUTERS: tuple[str, ...] = ("placebo_treatment_refuter", "random_common_cause",
                             "data_subset_refuter", "bootstrap_refuter", "dummy_outcome_refuter",
                             "add_unobserved_common_cause")
DoWhyEstimator = Literal["backdoor.linear_regression", "backdoor.propensity_score_weighting"]


class PeerPackageError(CausalError):
    """A peer package cannot run the requested comparison (the message says why)."""


@dataclass(frozen=True)
class DoWhyRefutation:
    """What DoWhy returned: the original estimate, the mean refuted estimate and its p-value."""

    refuter: str
    method_name: str
    original_estimate: float
    new_effect: float
    p_value: float
    n_simulations: int
    settings: dict


def _prepare(data: pd.DataFrame, treatment: str, outcome: str,
             covariates: Sequence[str], as_bool: bool) -> pd.DataFrame:
    columns = [treatment, outcome, *covariates]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"columns {missing} are not in the data.")
    frame = data.loc[:, columns].copy(deep=True)
    values = frame[treatment].to_numpy()
    if not np.all(np.isin(values, (0, 1))):
        raise ParameterError(f"the DoWhy adapter needs a binary treatment; column {treatment!r} "
                             "has other values.")
    # a float 0/1 treatment breaks DoWhy's placebo; its binary flip needs integers (1 - bool fails)
    frame[treatment] = values.astype(bool) if as_bool else values.astype(np.int64)
    return frame


def dowhy_refute(data: pd.DataFrame, *, treatment: str, outcome: str,
                 covariates: Sequence[str], refuter: DoWhyRefuter,
                 method_name: DoWhyEstimator = "backdoor.linear_regression",
                 n_simulations: int = 20, random_state: int | None = None,
                 **refuter_options: Any) -> DoWhyRefutation:
    """Estimate with DoWhy and run one of its refuters on a fresh copy of ``data``.

    Parameters
    ----------
    refuter : str
        DoWhy's method name (see :data:`REFUTERS`).
    method_name : str
        DoWhy's estimator; ``"backdoor.linear_regression"`` is the safe cross-check.
    n_simulations : int
        ``num_simulations`` for the refuters that simulate (ignored by
        ``add_unobserved_common_cause``, which runs once per call).
    random_state : int, optional
        Turned into a ``numpy.random.RandomState`` (see the module docstring).
    **refuter_options
        Passed to DoWhy (e.g. ``subset_fraction``, ``effect_strength_on_treatment``). For
        ``add_unobserved_common_cause``, ``effect_strength_on_outcome`` is given with *our* sign
        convention and flipped here.
    """
    check_literal(refuter, "refuter", REFUTERS)
    check_literal(method_name, "method_name", ("backdoor.linear_regression",
                                               "backdoor.propensity_score_weighting"))
    n_simulations = check_count(n_simulations, "n_simulations")
    from dowhy import CausalModel  # heavy import, only here

    frame = _prepare(data, treatment, outcome, covariates,
                     as_bool=refuter != "add_unobserved_common_cause")
    model = CausalModel(data=frame, treatment=treatment, outcome=outcome,
                        common_causes=list(covariates))
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    estimate = model.estimate_effect(estimand, method_name=method_name)
    options: dict[str, Any] = dict(refuter_options)
    if refuter == "add_unobserved_common_cause":
        options.setdefault("simulation_method", "direct-simulation")
        options.setdefault("confounders_effect_on_treatment", "binary_flip")
        options.setdefault("confounders_effect_on_outcome", "linear")
        if options["confounders_effect_on_outcome"] == "linear":
            options["effect_strength_on_outcome"] = -float(options["effect_strength_on_outcome"])
    else:
        options["num_simulations"] = n_simulations
        state = np.random.RandomState(random_state) if random_state is not None else None
        options["random_state"] = state
    if refuter == "placebo_treatment_refuter":
        options.setdefault("placebo_type", "permute")
    if refuter == "bootstrap_refuter":
        options.setdefault("noise", 0.0)
    if refuter == "dummy_outcome_refuter":
        options.setdefault("transformation_list", [("permute", {"permute_fraction": 1})])
        options.pop("random_state", None)  # not a parameter of this refuter
    try:
        result = model.refute_estimate(estimand, estimate, method_name=refuter, **options)
    except ValueError as error:
        if refuter == "dummy_outcome_refuter" and "read-only" in str(error):
            raise PeerPackageError(
                "DoWhy's dummy_outcome_refuter fails under pandas 3 (it adds in place to a "
                f"read-only outcome array: {error}); use causal.refute.dummy_outcome.") from error
        raise
    if isinstance(result, list):  # the dummy outcome refuter returns one per treatment level
        result = result[0]
    p_value = (result.refutation_result or {}).get("p_value", np.nan) if hasattr(
        result, "refutation_result") else np.nan
    return DoWhyRefutation(refuter=refuter, method_name=method_name,
                           original_estimate=float(estimate.value),
                           new_effect=float(np.mean(result.new_effect)),
                           p_value=float(p_value) if p_value is not None else np.nan,
                           n_simulations=n_simulations, settings=options)
