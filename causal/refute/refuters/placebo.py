"""Placebo treatment refuter: replace the treatment by a random permutation of itself."""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import PermutedTreatment
from causal.refute._result import (
    RefutationResult,
    centre_of,
    fmt,
    linear,
    permutation_p,
)


def placebo_treatment(estimate: EffectEstimate, data: pd.DataFrame, *,
                      n_simulations: int = 100,
                      alpha: float = 0.05, random_state: Any = None,
                      max_memory_bytes: int | None = None) -> RefutationResult:
    """Re-estimate the effect with the treatment column randomly permuted.

    A permuted treatment is independent of the outcome and the covariates, so its estimated
    "effect" centres on the null (0, or an odds ratio of 1). The test asks whether the original
    estimate stands out from these placebo effects.

    Parameters
    ----------
    estimate : EffectEstimate
        From any estimator of :mod:`causal.estimate`: that estimator, with its options and
        analysis (treatment, outcome, covariates and their terms), is refitted in every
        simulation (:mod:`causal.refute.from_estimate`).
    data : pandas.DataFrame
        The data the estimate came from (not modified); refitting the estimate on them must
        give it back exactly.
    n_simulations : int
        Number of permutations R (>= 2).
    alpha : float
        Level of the pass/fail rule.
    random_state : None, int or numpy.random.Generator
    max_memory_bytes : int, optional
        Refuse (``ParameterError``) if the R x n working arrays would need more; by default half
        the available memory.

    Returns
    -------
    RefutationResult
        ``p_value`` is the permutation p-value ``(1 + #{|placebo - null| >= |original -
        null|}) / (R + 1)`` (linear scale); passed when it is below ``alpha``.

    Notes
    -----
    All R permuted treatments are refitted at once (:mod:`causal._glm`): the
    covariate block of the normal equations is shared, only the treatment column differs. For
    IPW the propensity model is refitted to every permuted treatment.

    References
    ----------
    Sharma, A. & Kiciman, E. (2020). DoWhy: an end-to-end library for causal inference.
    arXiv:2011.04216 (the placebo treatment refuter).
    """
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=1)
    p = s.problem

    refuted, converged = run_blocks(p, s.n_simulations, PermutedTreatment(), s.rng)
    good = refuted[converged]
    p_value = permutation_p(linear(good, p.is_ratio), linear(s.original, p.is_ratio),
                            linear(p.null_value, p.is_ratio))
    passed = p_value < s.alpha
    rule = (f"passed if the permutation p-value of the original estimate among placebo "
            f"estimates is below {s.alpha:g}")
    centre = fmt(centre_of(good, p.is_ratio))
    as_large = round(p_value * (good.size + 1)) - 1
    if passed:
        sentence = (f"Randomly permuted treatments give effects centred on {centre} (null "
                    f"{fmt(p.null_value)}); {as_large} of {good.size} are as far from the null as "
                    f"the original estimate {fmt(s.original)} (permutation p = {p_value:.3g}): "
                    "the estimate is not an artefact of the estimator.")
    else:
        sentence = (f"The original estimate {fmt(s.original)} is no larger than what a randomly "
                    f"permuted treatment produces ({as_large} of {good.size} placebo effects are "
                    f"as far from the null; permutation p = {p_value:.3g}): the data do not "
                    "distinguish it from no effect.")
    return s.finish(refuter="placebo treatment", refuted=refuted, converged=converged,
                    expected="null", parameters={"placebo": "permutation"}, p_value=p_value,
                    passed=passed, rule=rule, sentence=sentence)
