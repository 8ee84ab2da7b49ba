"""Run every refuter on one estimate and collect the results in one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from causal._results import SummaryMixin
from causal._validation import check_random_state
from causal.estimate.result import EffectEstimate
from causal.refute._common import problem_of
from causal.refute._result import RefutationResult
from causal.refute.refuters import (
    bootstrap,
    data_subset,
    dummy_outcome,
    placebo_treatment,
    random_common_cause,
    unobserved_common_cause,
)


@dataclass(frozen=True)
class RefutationSuite(SummaryMixin):
    """The results of several refuters on the same estimate."""

    results: tuple[RefutationResult, ...]

    def summary(self) -> pd.DataFrame:
        return pd.concat([r.summary() for r in self.results], ignore_index=True)

    def verdicts(self) -> pd.DataFrame:
        """One row per refuter: verdict, p-value and sentence."""
        return pd.DataFrame([{"refuter": r.refuter, "verdict": r.verdict, "p_value": r.p_value,
                              "original": r.original_estimate, "refuted_mean": r.refuted_mean,
                              "sentence": r.sentence} for r in self.results])

    @property
    def all_passed(self) -> bool:
        return all(r.passed for r in self.results)


def refute_all(estimate: EffectEstimate, data: pd.DataFrame, *, n_simulations: int = 100,
               alpha: float = 0.05, random_state: Any = None,
               negative_control: str | None = None,
               unobserved_strengths: tuple[float, float] | None = None,
               max_memory_bytes: int | None = None) -> RefutationSuite:
    """Placebo treatment, random common cause, data subsets, bootstrap and dummy outcome, plus
    an added unobserved common cause when ``unobserved_strengths = (on_treatment,
    on_outcome)`` is given (default effect types; see
    :func:`causal.refute.unobserved_common_cause`), each refitting the estimator behind
    ``estimate`` (an :class:`~causal.estimate.EffectEstimate`; see
    :func:`causal.refute.refute`) on ``data``, the data it came from. Each refuter gets its own
    seed drawn from ``random_state`` so the suite is reproducible as a whole and each result
    records the seed it used.

    The simulations run in blocks of replicates (:mod:`causal.refute._blocks`), in this
    process or, inside :func:`causal.cluster`, as Dask tasks; the results are the same.
    """
    rng = check_random_state(random_state)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=6)]
    # one problem for the whole suite: the data are checked and the original refitted once
    problem = problem_of(estimate, data)
    common = dict(n_simulations=n_simulations, alpha=alpha, max_memory_bytes=max_memory_bytes)
    results = [
        placebo_treatment(problem, data, random_state=seeds[0], **common),
        random_common_cause(problem, data, random_state=seeds[1], **common),
        data_subset(problem, data, random_state=seeds[2], **common),
        bootstrap(problem, data, random_state=seeds[3], **common),
        dummy_outcome(problem, data, negative_control=negative_control, random_state=seeds[4],
                      **common),
    ]
    if unobserved_strengths is not None:
        on_t, on_y = unobserved_strengths
        results.append(unobserved_common_cause(
            problem, data, effect_strength_on_treatment=on_t, effect_strength_on_outcome=on_y,
            random_state=seeds[5], **common))
    return RefutationSuite(results=tuple(results))


