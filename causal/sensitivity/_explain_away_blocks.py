"""Replicate blocks of the explain-away simulation (:mod:`causal.sensitivity.explain_away`).

A block is ``REPLICATE_BLOCK`` consecutive replicates: its uniforms (covariates, confounder, the
two threshold uniforms) come from the block's own seed sequence, so they are the same in every
cell (common random numbers) and the same wherever the block runs. Its cells are fitted in
groups whose size is fixed by memory (``GROUP_BYTES``), not by the number of workers; a task is
one block and some of its groups, and splitting a block's groups over several tasks only repeats
the (deterministic) draw of its uniforms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: replicates drawn per block (fixed, so results do not depend on memory limits or workers)
REPLICATE_BLOCK = 250
#: target bytes of one stacked group of cells' design matrices
GROUP_BYTES = 48 * 2**20


@dataclass(frozen=True)
class Shared:
    """What every block needs: sent to each worker once."""

    data: Any  # the study's simulated-data spec
    uptake_intercept: np.ndarray  # per cell
    recovery_intercept: np.ndarray
    prognostic_scale: np.ndarray
    log_or_uptake: np.ndarray  # per cell, log of the confounder's OR with uptake
    log_or_recovery: np.ndarray
    age_loc: float
    age_scale: float
    prevalence: float
    n: int
    n_threads: int


@dataclass(frozen=True)
class Block:
    """Replicates ``[lo, hi)`` drawn from ``stream``; fit the cells of ``groups``."""

    lo: int
    hi: int
    stream: np.random.SeedSequence
    groups: tuple[np.ndarray, ...]


def block_bounds(replicates: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + REPLICATE_BLOCK, replicates))
            for lo in range(0, replicates, REPLICATE_BLOCK)]


def cell_groups(cells: np.ndarray, size: int, n: int, p: int) -> list[np.ndarray]:
    """The matched cells in groups whose stacked designs take about ``GROUP_BYTES``."""
    group = max(1, GROUP_BYTES // max(1, size * n * p * 8))
    return [cells[g0:g0 + group] for g0 in range(0, cells.size, group)]


def split(groups: list[np.ndarray], parts: int) -> list[tuple[np.ndarray, ...]]:
    """``groups`` in at most ``parts`` contiguous, near-equal runs."""
    parts = max(1, min(parts, len(groups)))
    edges = np.linspace(0, len(groups), parts + 1).round().astype(int)
    return [tuple(groups[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def simulate_block(shared: Shared, block: Block) -> list[tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, np.ndarray]]:
    """Draw the block's cohorts, fit every cell of its groups; ``[(cells, coef, se, conv)]``
    with arrays of shape (cells in group, replicates in block)."""
    from causal._glm import fit_logit_batch
    from causal.data.calibrate import adjusted_design
    from causal.data.simulate import _linear, covariates_from_uniforms

    data, n, size = shared.data, shared.n, block.hi - block.lo
    rng = np.random.default_rng(block.stream)
    levels = list(data.cohort["presenting_problem"])
    u = rng.random((11, size, n))
    np.clip(u, 1e-12, 1 - 1e-12, out=u)
    cov = covariates_from_uniforms(u, data, shared.age_loc, shared.age_scale, rng,
                                   motivation_prevalence=shared.prevalence)
    lp_t, lp_y = _linear(data.uptake, cov, levels), _linear(data.recovery, cov, levels)
    m = cov["motivation"]
    logit_t, logit_y = np.log(u[9] / (1 - u[9])), np.log(u[10] / (1 - u[10]))
    cov["employment_support"] = np.zeros_like(lp_t)
    template = adjusted_design(cov, data)
    del u
    out = []
    for sel in block.groups:
        # P(T = 1) = expit(eta) <=> T = 1{logit(u) < eta}: same uniforms in every cell
        eta_t = (shared.uptake_intercept[sel, None, None] + lp_t[None]
                 + shared.log_or_uptake[sel, None, None] * m[None])
        treated = logit_t[None] < eta_t
        eta_y = (shared.recovery_intercept[sel, None, None]
                 + shared.prognostic_scale[sel, None, None] * lp_y[None]
                 + shared.log_or_recovery[sel, None, None] * m[None])
        recovered = (logit_y[None] < eta_y).astype(float)
        # one cell (large n): its treatment column is written into the template itself, every
        # cell overwriting all of it, which saves copying the block's whole design per cell
        X = template[None] if sel.size == 1 else np.repeat(template[None], sel.size, axis=0)
        X[..., 1] = treated
        k, b = sel.size * size, template.shape
        fit = fit_logit_batch(X.reshape(k, b[1], b[2]), recovered.reshape(k, b[1]),
                              n_threads=shared.n_threads)
        shape = (sel.size, size)
        out.append((sel, fit.coef[:, 1].reshape(shape), fit.std_error[:, 1].reshape(shape),
                    fit.converged.reshape(shape)))
    return out
