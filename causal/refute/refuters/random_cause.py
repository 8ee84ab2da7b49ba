"""Random common cause refuter: add an independent random covariate and refit."""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import RandomCovariate
from causal.refute._result import RefutationResult, fmt


def random_common_cause(estimate: EffectEstimate, data: pd.DataFrame, *,
                        n_simulations: int = 100,
                        alpha: float = 0.05, random_state: Any = None,
                        max_memory_bytes: int | None = None) -> RefutationResult:
    """Refit with an extra covariate ``U ~ N(0, 1)`` drawn independently of everything.

    ``U`` is a "common cause" only in name: it is unrelated to treatment and outcome, so
    adjusting for it should leave the estimate where it was. For the regression estimators ``U``
    enters the outcome model; for IPW it enters the propensity model.

    Parameters
    ----------
    estimate, data, n_simulations, alpha, random_state, max_memory_bytes
        As in :func:`causal.refute.placebo_treatment`.

    Returns
    -------
    RefutationResult
        ``p_value`` is the two-sided Monte Carlo p-value of the original estimate within the
        refitted estimates (``causal.refute._result.location_p``); passed when it is at least
        ``alpha``.

    Notes
    -----
    The R draws of ``U`` form an (R, n) matrix; the covariates' block of the normal equations
    is shared and only the ``U`` rows and columns differ between refits.

    References
    ----------
    Sharma, A. & Kiciman, E. (2020). DoWhy: an end-to-end library for causal inference.
    arXiv:2011.04216.
    """
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=2)
    p = s.problem
    refuted, converged = run_blocks(p, s.n_simulations, RandomCovariate(), s.rng)
    p_value, passed, centre, rule = s.location(
        refuted, converged, "the original estimate is inside the refitted estimates' distribution")
    sentence = (f"Adjusting for a random covariate unrelated to treatment and outcome "
                f"{'leaves' if passed else 'moves'} the estimate {fmt(s.original)} "
                f"{'essentially unchanged' if passed else 'noticeably'} (mean of refits "
                f"{fmt(centre)}, p = {p_value:.3g}).")
    return s.finish(refuter="random common cause", refuted=refuted, converged=converged,
                    expected="original", parameters={"common_cause": "N(0, 1)"},
                  p_value=p_value, passed=passed, rule=rule, sentence=sentence)
