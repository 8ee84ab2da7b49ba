"""Data subset refuter: refit on random subsets of the rows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal._validation import check_probability
from causal.errors import ParameterError
from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import Subsets
from causal.refute._result import RefutationResult, fmt


def data_subset(estimate: EffectEstimate, data: pd.DataFrame, *,
                subset_fraction: float = 0.8, n_simulations: int = 100, alpha: float = 0.05,
                random_state: Any = None,
                max_memory_bytes: int | None = None) -> RefutationResult:
    """Refit on ``R`` random subsets of ``floor(subset_fraction * n)`` rows (without
    replacement); a stable estimate should not move.

    Parameters
    ----------
    subset_fraction : float
        Share of rows kept in each subset, in (0, 1); 0.8 as in DoWhy's default.
    estimate, data, n_simulations, alpha, random_state, max_memory_bytes
        As in :func:`causal.refute.placebo_treatment`.

    Returns
    -------
    RefutationResult
        ``p_value`` is the two-sided Monte Carlo p-value of the original estimate within the
        subset estimates; passed when it is at least ``alpha``.

    Notes
    -----
    A subset is a 0/1 weight vector; the R subsets are an (R, n) weight matrix and all R
    weighted fits are solved together. The subset estimates' spread is about
    ``sqrt((1 - f) / f)`` times the estimate's standard error (sampling without replacement),
    i.e. half of it at ``f = 0.8``.
    """
    fraction = check_probability(subset_fraction, "subset_fraction", open_interval=True)
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=1)
    p = s.problem
    size = int(fraction * p.n)
    if size < p.x.shape[1] + 3:
        raise ParameterError(f"`subset_fraction` = {fraction:g} keeps {size} of {p.n} rows, too "
                             f"few for {p.x.shape[1] + 1} coefficients; use a larger fraction.")
    refuted, converged = run_blocks(p, s.n_simulations, Subsets(size), s.rng)
    p_value, passed, centre, rule = s.location(
        refuted, converged, "the original estimate is inside the subset estimates' distribution")
    sentence = (f"On random {fraction:.0%} subsets the estimate averages {fmt(centre)} against "
                f"{fmt(s.original)} on all rows: {'stable' if passed else 'not stable'} "
                f"(p = {p_value:.3g}).")
    return s.finish(refuter="data subsets", refuted=refuted, converged=converged,
                    expected="original",
                    parameters={"subset_fraction": fraction, "subset_size": size,
                                **({"subset_of": "whole clusters"}
                                   if getattr(getattr(p, "prep", None), "cluster", None)
                                   is not None else {})},
                  p_value=p_value, passed=passed, rule=rule, sentence=sentence)
