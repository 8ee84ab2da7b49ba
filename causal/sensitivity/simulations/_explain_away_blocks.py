"""Replicate blocks of the explain-away simulation (:mod:`causal.sensitivity.simulations.explain_away`).

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

#: replicates fitted in sequence, each starting from the previous one's estimates; chains are
#: fixed (not set by the number of threads), so results do not depend on ``n_threads``
CHAIN = 25
#: replicates drawn per block (fixed, so results do not depend on memory limits or workers);
#: 50 rather than 250 keeps a block's uniforms and designs at a fifth of the memory, so two
#: workers on one machine stop slowing each other (docs/scaling.md, "Explain-away grid")
REPLICATE_BLOCK = 50
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
    """The matched cells in groups whose per-replicate work arrays (cells x n, about a dozen of
    them in a Newton fit) take about ``GROUP_BYTES`` together."""
    group = max(1, GROUP_BYTES // max(1, 12 * n * 8))
    return [cells[g0:g0 + group] for g0 in range(0, cells.size, group)]


def split(groups: list[np.ndarray], parts: int) -> list[tuple[np.ndarray, ...]]:
    """``groups`` in at most ``parts`` contiguous, near-equal runs."""
    parts = max(1, min(parts, len(groups)))
    edges = np.linspace(0, len(groups), parts + 1).round().astype(int)
    return [tuple(groups[a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def simulate_block(shared: Shared, block: Block) -> list[tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, np.ndarray]]:
    """Draw the block's cohorts, fit every cell of its groups; ``[(cells, coef, se, conv)]``
    with arrays of shape (cells in group, replicates in block).

    Within one replicate the cells share the cohort's covariates and differ only in the
    treatment column and the outcome, so a group of cells is one batch of the GLM core on a
    shared design (:func:`causal._glm.fit_logistic`): the information's covariate block is one
    matrix product (cells x n) @ (n x p(p+1)/2) per Newton step. Each cell starts from its
    estimate in the previous replicate of its chain of ``CHAIN`` replicates (same model, another
    sample), which saves Newton steps without changing the estimate beyond the convergence
    tolerance; ``n_threads`` threads fit the chains concurrently.
    """
    from causal._glm import fit_logistic

    data, n, size = shared.data, shared.n, block.hi - block.lo
    model = data.model
    rng = np.random.default_rng(block.stream)
    u = rng.random((11, size, n))
    np.clip(u, 1e-12, 1 - 1e-12, out=u)
    # the covariates and the model's binary latent confounder, by the name the model gives
    cov, lp_t, lp_y, m = model.draw_binary_latent(u, rng, shared.prevalence, shared.age_loc,
                                                  shared.age_scale)
    logit_t, logit_y = np.log(u[9] / (1 - u[9])), np.log(u[10] / (1 - u[10]))
    cov[model.treatment] = np.zeros_like(lp_t)
    template = model.adjusted_design(cov, data)
    # the shared part of each replicate's design: every column but the treatment (column 1)
    covariates = np.ascontiguousarray(np.delete(template, 1, axis=2))
    del u, template
    out = []
    for sel in block.groups:
        a_t, b_t = shared.uptake_intercept[sel, None], shared.log_or_uptake[sel, None]
        a_y = shared.recovery_intercept[sel, None]
        k_y, b_y = shared.prognostic_scale[sel, None], shared.log_or_recovery[sel, None]

        def chain(bounds: tuple[int, int], a_t=a_t, b_t=b_t, a_y=a_y, k_y=k_y, b_y=b_y,
                  sel=sel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            r0, r1 = bounds
            coef, se = np.full((sel.size, r1 - r0), np.nan), np.full((sel.size, r1 - r0), np.nan)
            ok = np.zeros((sel.size, r1 - r0), dtype=bool)
            start = None
            for j, r in enumerate(range(r0, r1)):
                # P(T = 1) = expit(eta) <=> T = 1{logit(u) < eta}: same uniforms in every cell
                treated = (logit_t[r] < a_t + lp_t[r] + b_t * m[r]).astype(float)
                recovered = (logit_y[r] < a_y + k_y * lp_y[r] + b_y * m[r]).astype(float)
                fit = fit_logistic(covariates[r], [treated], recovered, None, sel.size,
                                   start=start, cov=True)
                coef[:, j] = fit.coef[:, -1]
                se[:, j] = np.sqrt(fit.cov[:, -1, -1])
                ok[:, j] = fit.converged
                start = np.where(fit.converged[:, None], fit.coef, 0.0)
            return coef, se, ok

        chains = [(r0, min(r0 + CHAIN, size)) for r0 in range(0, size, CHAIN)]
        if shared.n_threads > 1 and len(chains) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=shared.n_threads) as pool:
                parts = list(pool.map(chain, chains))
        else:
            parts = [chain(bounds) for bounds in chains]
        out.append((sel, *(np.concatenate(arrays, axis=1) for arrays in zip(*parts,
                                                                             strict=True))))
    return out
