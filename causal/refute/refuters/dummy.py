"""Negative-control (dummy) outcome refuter: an outcome the treatment cannot affect."""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.errors import NoSolutionError, ParameterError
from causal.estimate.result import EffectEstimate
from causal.refute._common import run_blocks, setup
from causal.refute._draws import BootstrapCounts, PermutedOutcome
from causal.refute._result import RefutationResult, fmt


def dummy_outcome(estimate: EffectEstimate, data: pd.DataFrame, *,
                  negative_control: str | None = None, n_simulations: int = 100,
                  alpha: float = 0.05, random_state: Any = None,
                  max_memory_bytes: int | None = None) -> RefutationResult:
    """Estimate the treatment's "effect" on an outcome it cannot affect; it should be null.

    Parameters
    ----------
    negative_control : str, optional
        A column of ``data`` holding a negative-control outcome (measured before treatment, or
        known to be unaffected by it). ``None`` (default): the outcome randomly permuted in every
        simulation, which breaks its link to the treatment and the covariates.
    estimate, data, n_simulations, alpha, random_state, max_memory_bytes
        As in :func:`causal.refute.placebo_treatment`.

    Returns
    -------
    RefutationResult
        ``original_estimate`` is the estimate on the real outcome; ``refuted_estimates`` are the
        effects on the R permuted outcomes, or R bootstrap replicates of the effect on the
        negative control (its point estimate is ``parameters["negative_control_estimate"]``).
        ``p_value`` is the two-sided Monte Carlo p-value of the null value (0, or an OR of 1)
        within them; passed when it is at least ``alpha``.

    Notes
    -----
    A negative-control outcome shares the confounding of the real outcome but not its causal
    link to the treatment, so an effect on it signals bias (Lipsitch, Tchetgen Tchetgen & Cohen
    2010). A permuted outcome carries no confounding, so it only checks that the estimator
    produces no effect out of nothing.

    References
    ----------
    Lipsitch, M., Tchetgen Tchetgen, E. & Cohen, T. (2010). Negative controls: a tool for
    detecting confounding and bias in observational studies. Epidemiology 21(3), 383-388.
    """
    s = setup(estimate, data, n_simulations=n_simulations, alpha=alpha,
              random_state=random_state, max_memory_bytes=max_memory_bytes, extra_arrays=2)
    p = s.problem
    parameters: dict[str, Any]
    if negative_control is None:
        refuted, converged = run_blocks(p, s.n_simulations, PermutedOutcome(), s.rng)
        parameters = {"negative_control": "outcome permuted in every simulation"}
        what = "randomly permuted outcomes"
    else:
        if not isinstance(negative_control, str):
            raise ParameterError("`negative_control` must be a column name or None; got "
                                 f"{type(negative_control).__name__}.")
        if negative_control in (p.treatment, p.outcome, *p.covariates):
            raise ParameterError(f"`negative_control` must be another column than the "
                                 f"treatment, outcome and covariates; got {negative_control!r}.")
        nc = p.for_outcome(data, negative_control)
        point, ok = nc.effects(1)
        if not ok[0]:
            raise NoSolutionError(f"the fit on the negative control {negative_control!r} did "
                                  "not converge (separation?); it cannot be used.")
        refuted, converged = run_blocks(nc, s.n_simulations, BootstrapCounts(), s.rng)
        parameters = {"negative_control": negative_control,
                      "negative_control_estimate": float(point[0]),
                      "replicates": "bootstrap of the negative-control estimate"}
        what = f"the negative control {negative_control!r} (bootstrap)"
    p_value, passed, centre, rule = s.location(
        refuted, converged, f"the null value {fmt(p.null_value)} is inside the distribution of "
        "effects on the " + ("permuted outcome" if negative_control is None
                             else "negative-control outcome"), target=p.null_value)
    sentence = (f"The treatment's estimated effect on {what} is {fmt(centre)} (null "
                f"{fmt(p.null_value)}): {'no' if passed else 'a'} detectable effect where none "
                f"can exist (p = {p_value:.3g}).")
    return s.finish(refuter="dummy outcome", refuted=refuted, converged=converged,
                    expected="null", parameters=parameters, p_value=p_value, passed=passed,
                    rule=rule, sentence=sentence)


