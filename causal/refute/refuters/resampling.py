"""Bootstrap refuter: refit on resamples of the rows (with replacement)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import BootstrapCounts
from causal.refute._result import RefutationResult, fmt


def bootstrap(estimate: EffectEstimate, data: pd.DataFrame, *,
              n_simulations: int = 100, alpha: float = 0.05, random_state: Any = None,
              max_memory_bytes: int | None = None) -> RefutationResult:
    """Nonparametric bootstrap: refit on ``R`` resamples of n rows drawn with replacement.

    Parameters
    ----------
    estimate, data, n_simulations, alpha, random_state, max_memory_bytes
        As in :func:`causal.refute.placebo_treatment`.

    Returns
    -------
    RefutationResult
        ``refuted_estimates`` is the bootstrap distribution (its SD is the bootstrap standard
        error on the linear scale; :meth:`RefutationResult.interval` the percentile interval).
        ``p_value`` is the two-sided Monte Carlo p-value of the original estimate within it;
        passed when it is at least ``alpha``.

    Notes
    -----
    A resample is the vector of multinomial counts ``c_r`` (how often each row is drawn); a fit
    with frequency weights ``c_r`` is exactly the fit on the resampled rows (for least
    squares, the logistic likelihood and the Hajek IPW sums alike), so the R resamples are an
    (R, n) weight matrix solved together. The propensity model is refitted in every resample.
    For an estimate fitted with ``cluster=``, whole clusters are resampled (each row weighted
    by how often its cluster was drawn).

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
    """
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=2)
    p = s.problem
    refuted, converged = run_blocks(p, s.n_simulations, BootstrapCounts(), s.rng)
    p_value, passed, centre, rule = s.location(
        refuted, converged, "the original estimate is inside the bootstrap distribution")
    sentence = (f"Across {int(converged.sum())} bootstrap resamples the estimate averages {fmt(centre)} "
                f"against {fmt(s.original)} on the data "
                f"({'consistent' if passed else 'inconsistent'}, p = {p_value:.3g}).")
    codes = getattr(getattr(p, "prep", None), "cluster", None)
    resampling = ("rows, with replacement" if codes is None else
                  f"clusters of {p.prep.cluster_name!r} ({int(codes.max()) + 1}), with "
                  "replacement")
    return s.finish(refuter="bootstrap", refuted=refuted, converged=converged,
                    expected="original", parameters={"resampling": resampling},
                    p_value=p_value, passed=passed, rule=rule, sentence=sentence)
