"""Replicate blocks: how a refuter's R simulations are split, seeded, run and refitted.

Two levels, both fixed by the problem's size and never by the machine or the number of workers:

* a *block* (:func:`replicate_blocks`) is the unit of randomness and of distribution: its
  perturbations are drawn from its own seed stream and it can run as a Dask task
  (:func:`run_blocks`); at most one (rows, n) float64 array of
  :data:`causal._budgets.REPLICATE_BLOCK_BYTES`;
* within a block, replicates are refitted in *chunks* (:func:`refit_rows`) sized for the
  batched fitter's speed and memory; chunking never changes a result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from causal._glm.designs import PRODUCTS_BYTES
from causal.errors import ParameterError

#: float64 elements per (R, n) block of an iterative refit (2 MB: cache-sized, as in
#: causal._batched_glm, whose measurements found larger blocks no faster for small designs)
CHUNK_ELEMENTS = 262_144


#: (R, n) float64 arrays alive at once while refitting (a conservative count: the Hajek IPW
#: refit's propensity fit, weights and means)
ARRAYS_PER_REFIT = 14
#: default memory ceiling when the machine's available memory cannot be read
DEFAULT_MAX_BYTES = 4 * 1024**3


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return DEFAULT_MAX_BYTES


def _human(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def check_memory(n_rep: int, n: int, max_memory_bytes: int | None,
                 extra_arrays: int = 0) -> int:
    """Refuse a request whose (R, n) working arrays would not fit; return the estimate (bytes).

    ``bytes = R x n x 8 x arrays``, with ``arrays`` = :data:`ARRAYS_PER_REFIT` plus
    ``extra_arrays``. The ceiling is ``max_memory_bytes`` or half the available memory.
    """
    arrays = ARRAYS_PER_REFIT + extra_arrays
    needed = n_rep * n * 8 * arrays
    ceiling = max_memory_bytes if max_memory_bytes is not None else _available_bytes() // 2
    if needed > ceiling:
        raise ParameterError(
            f"`n_simulations` = {n_rep} at n = {n} needs {needed:,} bytes ({_human(needed)}: "
            f"{n_rep} x {n} x 8 bytes x {arrays} arrays), above the limit of {ceiling:,} bytes "
            f"({_human(ceiling)}); use fewer simulations or raise `max_memory_bytes`."
        )
    return needed


def refit_rows(n: int, q: int, held: bool = False) -> int:
    """Replicates refitted together for a design of ``q`` columns.

    A cache-sized (R, n) block, but at least ``q`` replicates when the n x q design itself is
    larger than 8 MB (four such blocks; below that a block of two is as fast): each Newton
    iteration reads the whole design once per block (``eta = B X'``, the score ``V X``), and
    once X no longer fits in cache that read, not the arithmetic, dominates a block of one or two replicates (measured: 18.7 s with 1 replicate
    per block, 7.4 s with 13, five refuters x 100 logistic refits at n = 3 x 10^5, q = 11).

    The GLM core (:class:`causal._glm.designs.SharedDesign`) builds the design's n x q(q+1)/2
    column products for blocks of at least (q + 1) / 2 replicates, transiently three such
    matrices; when they would exceed :data:`PRODUCTS_BYTES` (n = 10^6, q = 11: 1.6 GB) blocks
    stay below that size, so each replicate's Gram matrix is formed from X itself (measured at
    n = 10^6: 41 s CPU and 0.7 GB peak instead of 33 s and 2.5 GB). ``held``: refits that
    iterate on held information (:mod:`causal._glm.held`) form an information matrix only when
    their steps stop contracting, so the cap does not apply; the core then never builds
    products above that size (:meth:`causal._glm.designs.SharedDesign.gram`). Measured at
    n = 10^6, q = 12: eta, fitted means and score 4.2 ms per replicate in blocks of 12, 5.8 ms
    in blocks of 5 (one thread).
    """
    rows = max(1, CHUNK_ELEMENTS // max(n, 1))
    if n * q > 4 * CHUNK_ELEMENTS:
        rows = max(rows, q)
    if not held and 3 * 8 * n * q * (q + 1) // 2 > PRODUCTS_BYTES:
        rows = min(rows, max(1, (q - 1) // 2))
    return rows


def even_chunks(n_rep: int, rows: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges of at most ``rows`` replicates, sizes differing by at most one."""
    count = -(-n_rep // max(rows, 1))
    edges = [b * n_rep // count for b in range(count + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


Draw = Callable[[Any, np.random.Generator, int], dict[str, Any]]


def block_rows(n: int) -> int:
    """Most replicates in one block: one (rows, n) float64 array within
    :data:`causal._budgets.REPLICATE_BLOCK_BYTES` (at least one)."""
    from causal._budgets import REPLICATE_BLOCK_BYTES

    return max(1, REPLICATE_BLOCK_BYTES // (8 * max(n, 1)))


def replicate_blocks(n_rep: int, n: int) -> list[tuple[int, int]]:
    """Replicate index ranges ``[lo, hi)``: as few blocks as :func:`block_rows` allows, of
    sizes differing by at most one (so blocks on separate workers take about as long).

    The blocking depends on ``n_rep`` and ``n`` only, never on the machine or the number of
    workers: it defines the random streams (:func:`run_blocks`).
    """
    return even_chunks(n_rep, block_rows(n))


@dataclass(frozen=True)
class Block:
    """One task: replicates ``lo:hi`` drawn by ``draw`` from ``seed`` (picklable)."""

    draw: Draw
    lo: int
    hi: int
    seed: Any


def run_block(problem: Any, block: Block
              ) -> tuple[np.ndarray, np.ndarray]:
    """Replicates ``lo:hi`` of a refuter: draw their perturbations from the block's seed and
    refit them (effects on the natural scale, and whether each refit has an answer).

    A block depends only on the problem and its own seed, so blocks can run in any order, in
    this process or as Dask tasks on workers holding a copy of the problem, with the same
    results. The problem's cache of design products keeps only the latest design between
    blocks (memory: one n x q(q+1)/2 product matrix).
    """
    rng = np.random.default_rng(block.seed)
    try:
        return problem.effects(block.hi - block.lo, **block.draw(problem, rng,
                                                                 block.hi - block.lo))
    finally:
        del problem.warm.get("blocks", [])[1:]


def run_blocks(problem: Any, n_rep: int, draw: Draw,
               rng: np.random.Generator, runner: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """All ``n_rep`` replicates, block by block (:func:`replicate_blocks`), where the
    replicate blocks of this context run (:func:`causal._parallel.current_runner`: in this
    process by default, Dask tasks inside :func:`causal._parallel.cluster`).

    Block ``b`` draws from the ``b``-th child of ``rng``'s seed sequence
    (:func:`causal._parallel.block_streams`), so the results depend on the seed and the
    blocking only: the same for any number of workers and equal to the in-process run. The
    problem goes to the workers once per run (:meth:`DaskRunner.share`), not with every task.
    """
    from causal._parallel import block_streams, current_runner

    blocks = replicate_blocks(n_rep, problem.n)
    streams = block_streams(rng, len(blocks))
    runner = current_runner(runner)
    tasks = [Block(draw, lo, hi, seed) for (lo, hi), seed in zip(blocks, streams, strict=True)]
    parts = runner.map(run_block, tasks, runner.share(problem), label="refuter")
    return (np.concatenate([e for e, _ in parts]), np.concatenate([c for _, c in parts]))
