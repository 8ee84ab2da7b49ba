"""Sensitivity analyses of a study's own estimate on its individual-level data.

:func:`sensitivity_study` is the study-level runner beside :func:`causal.estimate_study` and
:func:`causal.refute_study`: it loads the data the study declares (a user's file or DataFrame,
bundled real data, or one SIMULATED cohort of a world) and runs
:func:`causal.sensitivity.individual.individual_sensitivity` with the study's treatment,
outcome, covariates, benchmarks (``[individual_sensitivity]``) and ``[evalue] rare_outcome``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from causal.errors import ParameterError


def _rare(stated: bool | None, data: pd.DataFrame, outcome: str) -> bool | None:
    """``[evalue] rare_outcome`` when stated; else the sample prevalence decides for a 0/1
    outcome (rare below 15%, VanderWeele's rule of thumb), as the report does."""
    if stated is not None:
        return stated
    values = pd.to_numeric(data[outcome], errors="coerce")
    if not values.isin((0, 1)).all():
        return None
    from causal.measures import is_rare_outcome

    return is_rare_outcome(float(values.mean()))


def sensitivity_study(study: Any, *, world: str | None = None,
                      random_state: Any = 20240101) -> Any:
    """E-value, omitted-variable bias with benchmarks and Rosenbaum Γ* for the study's own
    adjusted estimate.

    Parameters
    ----------
    study : Study or path
        A study with a ``[data]`` table (from a file or :meth:`causal.Study.from_frame`).
    world : str, optional
        For simulated data: the ``[[worlds]]`` name (default: the first).
    random_state : int or numpy.random.Generator
        Seeds the simulated cohort and the propensity-score matching behind Γ*.

    Returns
    -------
    IndividualSensitivity
    """
    from causal.data import load_study_data
    from causal.sensitivity.individual import individual_sensitivity
    from causal.study.api import as_study

    study = as_study(study)
    spec = study.data
    if spec is None:
        raise ParameterError(f"`study` must declare individual-level data in a [data] table "
                             f"for its sensitivity analyses; {study.where} has none (use "
                             f"`causal evalue` or `causal sensitivity` on its claim).")
    from causal._validation import check_random_state

    # one integer from random_state seeds the simulated cohort (if any) and the matching
    seed = int(check_random_state(random_state).integers(2**31 - 1))
    if spec.simulated:
        data = load_study_data(study, world, random_state=seed)
    else:
        data = load_study_data(study, world)
    options = study.individual_sensitivity
    return individual_sensitivity(
        data, treatment=study.treatment, outcome=study.outcome, covariates=spec.covariates,
        categorical=spec.categorical, squared=spec.squared, benchmarks=options.benchmarks,
        kd=options.kd, rare_outcome=_rare(study.evalue.rare_outcome, data, study.outcome),
        latent=spec.latent[0] if spec.simulated and spec.latent else None,
        random_state=seed)
