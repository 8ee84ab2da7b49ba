"""Add a simulated unobserved common cause of set strength and see how far the estimate moves."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._validation import check_finite, check_literal, check_probability
from causal.errors import ParameterError
from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import Confounded
from causal.refute._result import RefutationResult, centre_of, fmt, linear

Effect = Literal["linear", "binary_flip"]
EFFECTS: tuple[str, ...] = ("linear", "binary_flip")


def _check_effect(effect: Any, name: str, strength: Any, strength_name: str, binary: bool,
                  column: str) -> tuple[str, float]:
    effect = check_literal(effect, name, EFFECTS)
    if effect == "binary_flip":
        strength = check_probability(strength, strength_name)
        if not binary:
            raise ParameterError(f"`{name}`='binary_flip' flips 0/1 values, but column "
                                 f"{column!r} is not binary; use 'linear'.")
    else:
        strength = check_finite(strength, strength_name)
    return effect, strength


def _model(problem: Any) -> str:
    return problem.label


def unobserved_common_cause(estimate: EffectEstimate, data: pd.DataFrame, *,
                            effect_strength_on_treatment: float,
                            effect_strength_on_outcome: float,
                            effect_on_treatment: Effect | None = None,
                            effect_on_outcome: Effect | None = None,
                            n_simulations: int = 100, alpha: float = 0.05,
                            random_state: Any = None,
                            max_memory_bytes: int | None = None) -> RefutationResult:
    """Simulate a confounder ``U ~ N(0, 1)`` acting on treatment and outcome, then re-estimate
    without it.

    Parameters
    ----------
    effect_strength_on_treatment, effect_strength_on_outcome : float
        For a ``"linear"`` effect, the coefficient ``k``: the column becomes ``value + k U``.
        For ``"binary_flip"``, a probability ``k`` in [0, 1]: the 0/1 value is flipped for the
        units whose ``U`` exceeds its ``1 - k`` quantile, i.e. for a share ``k`` of units,
        those with the largest ``U`` (the same ``U`` acts on both, which creates the
        confounding).
    effect_on_treatment, effect_on_outcome : {"linear", "binary_flip"}, optional
        Defaults: ``"binary_flip"`` for a binary treatment, else ``"linear"``; ``"linear"`` for
        the outcome unless the estimator is logistic (which needs a binary outcome).
    estimate, data, n_simulations, alpha, random_state, max_memory_bytes
        As in :func:`causal.refute.placebo_treatment`.

    Returns
    -------
    RefutationResult
        ``refuted_estimates``: the estimate on each of R simulated data sets. Descriptive:
        ``p_value`` is None; passed when the mean refuted estimate stays on the same side of the
        null as the original (a confounder of this strength does not explain the estimate
        away). ``shift`` is how far it moved.

    Notes
    -----
    For a linear model with linear effects the shift is the omitted-variable bias: with ``T' =
    T + k_t U``, ``Y' = Y + k_y U`` and ``~`` denoting residuals on the covariates, the new
    coefficient tends to ``(tau var(T~) + k_t k_y) / (var(T~) + k_t^2)``, i.e. a shift of
    ``beta_u cov(T'~, U) / var(T'~)`` with ``beta_u = k_y - tau k_t`` the coefficient of ``U``
    in the model for ``Y'`` given ``T'``. The semantics of the two effect types follow the
    description of DoWhy's ``add_unobserved_common_cause`` (direct simulation), except that a
    linear effect on the outcome is *added* here (DoWhy subtracts it).

    References
    ----------
    Sharma, A. & Kiciman, E. (2020). DoWhy: an end-to-end library for causal inference.
    arXiv:2011.04216.
    """
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=3)
    p = s.problem
    if effect_on_treatment is None:
        effect_on_treatment = "binary_flip" if p.treatment_binary else "linear"
    if effect_on_outcome is None:
        effect_on_outcome = "binary_flip" if p.requires_binary_outcome else "linear"
    e_t, k_t = _check_effect(effect_on_treatment, "effect_on_treatment",
                             effect_strength_on_treatment, "effect_strength_on_treatment",
                             p.treatment_binary, p.treatment)
    e_y, k_y = _check_effect(effect_on_outcome, "effect_on_outcome",
                             effect_strength_on_outcome, "effect_strength_on_outcome",
                             p.outcome_binary, p.outcome)
    if p.requires_binary_treatment and e_t == "linear" and k_t != 0:
        raise ParameterError("`effect_on_treatment`='linear' makes the treatment continuous, "
                             f"but {_model(p)} needs a binary treatment; use 'binary_flip'.")
    if p.requires_binary_outcome and e_y == "linear" and k_y != 0:
        raise ParameterError("`effect_on_outcome`='linear' makes the outcome continuous, but "
                             f"{_model(p)} needs a binary outcome; use 'binary_flip'.")
    refuted, converged = run_blocks(p, s.n_simulations, Confounded(e_t, k_t, e_y, k_y), s.rng)
    good = refuted[converged]
    null = float(linear(p.null_value, p.is_ratio))
    original = float(linear(s.original, p.is_ratio))
    centre = centre_of(good, p.is_ratio)
    passed = bool(np.sign(float(linear(centre, p.is_ratio)) - null) == np.sign(original - null))
    rule = ("passed if the mean re-estimate stays on the same side of the null as the original "
            "(descriptive; no p-value)")
    crossed = float(np.mean(np.sign(linear(good, p.is_ratio) - null) != np.sign(original - null)))
    sentence = (f"A simulated unobserved common cause ({e_t} effect {k_t:g} on the treatment, "
                f"{e_y} effect {k_y:g} on the outcome) moves the estimate from "
                f"{fmt(s.original)} to {fmt(centre)} on average; {crossed:.0%} of "
                f"{good.size} simulations cross the null.")
    return s.finish(refuter="unobserved common cause", refuted=refuted, converged=converged,
                    expected="original",
                    parameters={"effect_on_treatment": e_t, "effect_strength_on_treatment": k_t,
                                "effect_on_outcome": e_y, "effect_strength_on_outcome": k_y,
                                "share_crossing_null": crossed},
                    p_value=None, passed=passed, rule=rule, sentence=sentence)
