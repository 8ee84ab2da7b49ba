"""Refute an :class:`~causal.estimate.EffectEstimate`: refit THAT estimator on perturbed data.

Every estimate from :mod:`causal.estimate` records its estimator's class and options, the
analysis (covariates, categorical and squared terms, dropna), the resolved measure and the
random state its fit started from. ``refute(estimate, data)`` needs nothing else: it rebuilds the
analysis from ``data``, refits it unperturbed with the estimator's own ``_fit`` (which must give
the estimate back exactly, else ``data`` is not the estimate's data), then refits it under each
refuter's perturbations through the estimator's batched hook (array operations over replicates
for outcome regression, IPW and AIPW with its default nuisance models; one fit per replicate for
g-computation, matching, the crude estimate and AIPW with other scikit-learn models, whose
docstrings say why).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from causal._validation import check_literal
from causal.refute._estimate_problem import problem_for
from causal.refute.run_all import RefutationSuite, refute_all

Refuter = Literal["all", "placebo_treatment", "random_common_cause", "data_subset",
                  "bootstrap", "dummy_outcome", "unobserved_common_cause"]
REFUTERS: tuple[str, ...] = ("all", "placebo_treatment", "random_common_cause", "data_subset",
                             "bootstrap", "dummy_outcome", "unobserved_common_cause")


def refute(estimate: Any, data: pd.DataFrame, *, refuter: Refuter = "all", **options: Any
           ) -> RefutationSuite | Any:
    """Run one refuter (or all) on the estimator and analysis behind ``estimate``.

    Parameters
    ----------
    estimate : EffectEstimate
        From any estimator of :mod:`causal.estimate` (regression, g-computation, IPW with any
        weights and estimand, AIPW with its cross-fitting, matching, crude).
    data : pandas.DataFrame
        The data the estimate came from (not modified).
    refuter : str
        ``"all"`` (:func:`causal.refute.refute_all`) or one refuter's name.
    **options
        Passed to the refuter (``n_simulations``, ``random_state``, ``negative_control``,
        ``unobserved_strengths``, ...).

    Returns
    -------
    RefutationSuite or RefutationResult
        Refuted effects are on the estimate's own measure (a marginal risk difference for IPW
        with ``measure="rd"``, a conditional odds ratio for a logistic outcome regression...).

    Raises
    ------
    ParameterError
        ``estimate`` is not an EffectEstimate, or refitting it on ``data`` does not give it
        back (other data, or rows changed).
    """
    check_literal(refuter, "refuter", REFUTERS)
    problem = problem_for(estimate, data)
    if refuter == "all":
        return refute_all(problem, data, **options)
    from causal.refute import refuters

    return getattr(refuters, refuter)(problem, data, **options)
