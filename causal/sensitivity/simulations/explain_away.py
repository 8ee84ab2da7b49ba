"""Explain-away simulation: how strong would a hidden binary confounder have to be for a study of
this size and design to report its adjusted OR although the treatment does nothing?

Over a grid of a latent binary confounder's odds ratios with uptake (``OR_TU``) and with
recovery (``OR_UY``), at prevalence ``pi``, many SIMULATED cohorts of the study's size are
drawn from the study's world model (``[data.world]``; :mod:`causal.worlds`) with a true
conditional OR of 1, their margins matched by the model's ``solve_binary_grid``, and the paper's
adjusted logistic model (recovery ~ treatment + the measured ``[data] covariates``, categorical
ones as indicators; the confounder left out) is fitted to every cohort by the GLM core's
batched Newton (:func:`causal._glm.fit_logistic`): within one replicate the cells differ only in
the treatment column and the outcome, so all cells of a replicate are one batch on a shared
covariate design.

Common random numbers: each replicate's uniforms (covariates, confounder, and the two uniforms
whose thresholds decide treatment and recovery) are drawn once and reused in every cell; only the
thresholds change between cells. Differences between cells are therefore much less noisy than
the Monte Carlo SE of a single cell suggests, and the surface is smooth.

References
----------
Thew, G. R. et al. (2024). Behavioural and Cognitive Psychotherapy 52(1), 93-99.
VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
introducing the E-value. Ann Intern Med 167, 268-274.
Ding, P. & VanderWeele, T. J. (2016). Sensitivity analysis without assumptions. Epidemiology 27,
368-377.
"""

from __future__ import annotations

import math
import time
from typing import Any, Literal

import numpy as np

from causal._validation import check_alpha, check_literal
from causal.errors import ParameterError
from causal.sensitivity.simulations._explain_away_blocks import GROUP_BYTES, REPLICATE_BLOCK
from causal.sensitivity.simulations.explain_away_result import ExplainAwayResult

__all__ = ["ExplainAwayResult", "covariate_benchmarks", "estimate_memory", "explain_away"]


def _grid(values: Any, name: str, default: np.ndarray) -> np.ndarray:
    if values is None:
        return default
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1 or array.size == 0:
        raise ParameterError(f"`{name}` must be a non-empty 1-d list of odds ratios; got shape "
                             f"{array.shape}.")
    from causal._budgets import check_size

    check_size(array.size, "MAX_GRID_POINTS", f"the number of `{name}`")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        bad = array[~np.isfinite(array) | (array <= 0)][0]
        raise ParameterError(f"`{name}` must contain odds ratios > 0; got {bad:g}.")
    return array


def estimate_memory(cells: int, replicates: int, n: int, p: int) -> int:
    """Bytes the simulation needs at its peak (a replicate block's uniforms, covariates and
    designs; one group of cells' Newton work arrays and the shared column products, for two
    concurrent chains; results)."""
    block = min(replicates, REPLICATE_BLOCK)
    per_block = block * n * 8 * (11 + 12 + 2 * p)  # uniforms, covariates, template, shared part
    group = max(1, min(cells, GROUP_BYTES // max(1, 12 * n * 8)))
    per_group = 2 * (group * n * 8 * 12 + n * p * (p + 1) // 2 * 8)
    results = cells * replicates * (8 * 2 + 1)
    return int(per_block + per_group + results)


def covariate_benchmarks(data: Any, prognostic_scale: float, prevalence: float
                         ) -> dict[str, tuple[float, float, float, float]]:
    """How strongly each measured continuous covariate predicts uptake and recovery in the
    simulated world, placed on the binary confounder's OR axes: the world model's
    ``covariate_benchmarks`` (for the self-selection model:
    :meth:`causal.worlds.self_selection.SelfSelection.covariate_benchmarks`). Returns name ->
    (grid uptake OR, grid recovery OR, per-SD uptake OR, per-SD recovery OR).
    """
    return _model(data).covariate_benchmarks(data.covariates, prognostic_scale, prevalence)


def _model(data: Any) -> Any:
    """The study's world model, which must support a binary latent confounder."""
    model = data.model
    needed = ("solve_binary_grid", "draw_binary_latent", "adjusted_design", "design_width",
              "covariate_benchmarks")
    missing = [name for name in needed if not hasattr(model, name)]
    if missing:
        raise ParameterError(f"`study` must use a world model with a binary latent confounder "
                             f"for the explain-away simulation; model {model.model!r} has no "
                             f"{missing[0]}.")
    return model


def explain_away(study: Any, *, uptake_ors: Any = None, recovery_ors: Any = None,
                 prevalence: float = 0.5, replicates: int = 500, n: int | None = None,
                 reported_or: float | None = None, margins: Literal["overall", "arms"] = "overall",
                 reference_world: str | None = None, alpha: float = 0.05,
                 max_memory_mb: float = 2048.0, n_threads: int = 1, random_state: Any = None,
                 runner: Any = None) -> ExplainAwayResult:
    """Simulate the study's adjusted OR under a true OR of 1 over a grid of hidden confounders.

    Parameters
    ----------
    study : Study or path
        A study whose ``[data]`` is simulated (studies/thew2024.toml).
    uptake_ors, recovery_ors : list of float, optional
        The binary confounder's OR with uptake and with recovery (confounder present vs
        absent). Default: 12 values from 1 to 20, log-spaced.
    prevalence : float
        P(confounder present), in (0, 1).
    replicates : int
        Simulated cohorts per cell (the same cohorts' uniforms in every cell).
    n : int, optional
        Cohort size (default ``[data] n``: 302).
    reported_or : float, optional
        The OR to compare with (default: the study's headline estimate, 2.54).
    margins : {"overall", "arms"}
        ``"overall"`` (default): match expected uptake and overall recovery; the measured
        covariates keep the prognostic strength of ``reference_world`` (for Thew: the world in
        which the reported OR is the true effect). ``"arms"``: also match recovery in each arm
        (31/66 vs 64/236) by solving the prognostic scale per cell; under a true OR of 1 only
        confounders strong enough to create the crude contrast can, the other cells are
        reported as unmatched (NaN). See :mod:`causal.worlds.self_selection_grid`.
    reference_world : str, optional
        World whose solved prognostic scale is used (``"overall"``) or starts Newton
        (``"arms"``); None: the first declared world (Thew: "no hidden confounding", where
        the reported OR is the true effect and the covariates reproduce both arms).
    alpha : float
        For the Wald CI (1.96 at 0.05).
    max_memory_mb : float
        Refuse (ParameterError, with the estimate) above this.
    n_threads : int
        Threads fitting a block's chains of replicates concurrently (results do not depend
        on it).
    random_state : None, int or numpy.random.Generator
        Replicate block ``b`` (replicates ``50 b`` to ``50 b + 49``; ``REPLICATE_BLOCK``)
        draws from ``SeedSequence(random_state).spawn(...)[b]`` (a Generator first gives one integer seed).
    runner : optional
        Where the blocks run (:mod:`causal._parallel`); default: the one set by
        ``causal._parallel.cluster``, else this process. Results do not depend on it.

    Returns
    -------
    ExplainAwayResult

    Notes
    -----
    The fitted model is the paper's: ``logit P(Y = 1) = b0 + b1 T + b'X`` with the declared
    covariates (categorical ones as indicators); ``b1`` is the conditional log-OR of the
    adjusted analysis, whose expectation at n = 302 includes the small-sample bias of the
    logistic MLE (so at OR_TU = OR_UY = 1 the mean adjusted OR is near, not exactly, 1).
    Fits that do not converge (separation) are left out and counted in ``converged``.
    The E-value comparison converts the reported OR to a risk ratio as ``sqrt(OR)`` when overall
    recovery exceeds 15% (VanderWeele 2017; Thew: 95/302 = 31%), else uses the OR.
    """
    from causal._parallel import block_streams, current_runner
    from causal._validation import check_count, check_probability
    from causal.data.cohort import _simulated_spec, solve_study_world, targets_of
    from causal.measures import is_rare_outcome
    from causal.sensitivity.simulations._explain_away_blocks import (
        Block,
        Shared,
        block_bounds,
        cell_groups,
        simulate_block,
        split,
    )
    from causal.study.api import as_study

    start_wall, start_cpu = time.perf_counter(), time.process_time()
    prevalence = check_probability(prevalence, "prevalence", open_interval=True)
    check_literal(margins, "margins", ("overall", "arms"))
    alpha = check_alpha(alpha)
    default = np.geomspace(1.0, 20.0, 12)
    gt = _grid(uptake_ors, "uptake_ors", default)
    gy = _grid(recovery_ors, "recovery_ors", default)
    from causal._budgets import check_size

    replicates = check_size(check_count(replicates, "replicates"), "MAX_REPLICATES",
                            "replicates")
    if replicates < 2:
        raise ParameterError(f"`replicates` must be at least 2; got {replicates}.")
    study = as_study(study)
    data = _simulated_spec(study)
    n = check_size(data.n if n is None else check_count(n, "n"), "MAX_COHORT_N", "n")
    if reported_or is None:
        headline = study.claim.headline
        if headline is None:
            raise ParameterError(f"`reported_or` is needed: {study.where} has no headline "
                                 "estimate.")
        reported_or = float(headline.estimate)
    if not (np.isfinite(reported_or) and reported_or > 0):
        raise ParameterError(f"`reported_or` must be an odds ratio > 0; got {reported_or!r}.")
    p = _model(data).design_width(data)
    cells = gt.size * gy.size
    need = estimate_memory(cells, replicates, n, p)
    if need > max_memory_mb * 2**20:
        raise ParameterError(f"the explain-away simulation would need about "
                             f"{need / 2**20:,.0f} MB (grid {gt.size} x {gy.size}, "
                             f"{replicates} replicates, n = {n}), above `max_memory_mb` = "
                             f"{max_memory_mb:g}; use fewer cells or replicates.")
    streams = block_streams(random_state, -(-replicates // REPLICATE_BLOCK))
    targets = targets_of(study)
    reference = solve_study_world(study, reference_world)
    GT, GY = np.meshgrid(gt, gy, indexing="ij")
    sol = _model(data).solve_binary_grid(GT.ravel(), GY.ravel(), prevalence, targets,
                            margins=margins, prognostic_scale=reference.prognostic_scale)
    idx = np.flatnonzero(sol.matched)
    coef = np.full((cells, replicates), np.nan)
    se = np.full((cells, replicates), np.nan)
    conv = np.zeros((cells, replicates), dtype=bool)
    runner = current_runner(runner)
    shared = Shared(data, sol.uptake_intercept, sol.recovery_intercept, sol.prognostic_scale,
                    np.log(GT.ravel()), np.log(GY.ravel()), sol.age_loc, sol.age_scale,
                    prevalence, n, n_threads)
    bounds = block_bounds(replicates)
    # A task is one block and a run of its cell groups. Each task redraws its block's uniforms
    # (about five cells' work at n = 10^4), so make as few tasks as keep the workers evenly
    # busy: a multiple of the worker threads. The numbers do not depend on this split.
    parts = runner.parallelism // math.gcd(len(bounds), runner.parallelism)
    blocks = [Block(lo, hi, stream, run) for (lo, hi), stream in zip(bounds, streams, strict=True)
              for run in split(cell_groups(idx, hi - lo, n, p), parts)]
    for block, fitted in zip(blocks, runner.map(simulate_block, blocks, shared,
                                                 label="explain-away"), strict=True):
        for sel, b1, se1, ok in fitted:
            coef[sel, block.lo:block.hi] = b1
            se[sel, block.lo:block.hi] = se1
            conv[sel, block.lo:block.hi] = ok
    from causal.measures import z_critical

    z = z_critical(alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        count = conv.sum(axis=1)
        b = np.where(conv, coef, np.nan)
        mean = np.nanmean(np.where(count[:, None] > 0, b, 0.0), axis=1)
        mean = np.where(count > 0, mean, np.nan)
        sd = np.sqrt(np.nansum((b - mean[:, None]) ** 2, axis=1) / (count - 1))
        mean_se = sd / np.sqrt(count)

        def share(event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            prob = np.sum(event & conv, axis=1) / count
            return prob, np.sqrt(prob * (1 - prob) / count)

        lower, upper = b - z * se, b + z * se
        p_at, p_at_se = share(b >= np.log(reported_or))
        p_ex, p_ex_se = share((lower > 0) | (upper < 0))
        p_ab, p_ab_se = share(lower > 0)
    unmatched = ~sol.matched
    shape = (gt.size, gy.size)

    def grid(a: np.ndarray) -> np.ndarray:
        return np.where(unmatched, np.nan, a).reshape(shape)

    overall = targets[0] * targets[1] + (1 - targets[0]) * targets[2]
    evalue_rr = float(np.sqrt(reported_or) if not is_rare_outcome(overall) else reported_or)
    return ExplainAwayResult(
        uptake_ors=gt, recovery_ors=gy, prevalence=prevalence, n=n, replicates=replicates,
        reported_or=reported_or, alpha=alpha, margins=margins, mean_log_or=grid(mean),
        mean_log_or_se=grid(mean_se), p_at_least=grid(p_at), p_at_least_se=grid(p_at_se),
        p_ci_excludes=grid(p_ex), p_ci_excludes_se=grid(p_ex_se), p_ci_above=grid(p_ab),
        p_ci_above_se=grid(p_ab_se), converged=count.reshape(shape),
        matched=sol.matched.reshape(shape), prognostic_scale=sol.prognostic_scale.reshape(shape),
        rr_eu=sol.rr_eu.reshape(shape), rr_ud=sol.rr_ud.reshape(shape), evalue_rr=evalue_rr,
        benchmarks=covariate_benchmarks(data, reference.prognostic_scale, prevalence),
        wall_seconds=time.perf_counter() - start_wall,
        cpu_seconds=time.process_time() - start_cpu)


def arms_feasibility(study: Any, uptake_ors: Any, recovery_ors: Any, prevalence: float = 0.5
                     ) -> np.ndarray:
    """Which cells can reproduce recovery in EACH arm (31/66 vs 64/236 for Thew) under a true
    OR of 1, with non-negative measured prognosis (``margins="arms"`` of
    :func:`causal.worlds.self_selection_grid.solve_binary_grid`); bool array (uptake, recovery). No
    simulation: the solver only."""
    from causal._validation import check_probability
    from causal.data.cohort import _simulated_spec, solve_study_world, targets_of
    from causal.study.api import as_study

    prevalence = check_probability(prevalence, "prevalence", open_interval=True)
    gt = _grid(uptake_ors, "uptake_ors", np.geomspace(1.0, 20.0, 12))
    gy = _grid(recovery_ors, "recovery_ors", np.geomspace(1.0, 20.0, 12))
    study = as_study(study)
    data = _simulated_spec(study)
    reference = solve_study_world(study, None)
    GT, GY = np.meshgrid(gt, gy, indexing="ij")
    sol = _model(data).solve_binary_grid(GT.ravel(), GY.ravel(), prevalence,
                                         targets_of(study),
                            margins="arms", prognostic_scale=reference.prognostic_scale)
    return sol.matched.reshape(gt.size, gy.size)
