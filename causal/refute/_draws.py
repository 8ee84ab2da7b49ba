"""The refuters' random perturbations, one block of replicates at a time, each with its exact law.

A refuter's replicates are drawn block by block (:func:`causal.refute._common.run_blocks`): a
draw is a picklable callable ``draw(problem, rng, size) -> dict`` returning the (size, n)
arrays that :meth:`Problem.effects` takes (``t``, ``y``, ``extra``, ``weights``), so a block can
be drawn and refitted on a Dask worker that holds the problem, from the block's own seed.

None of the draws sorts or partitions an n-row array per replicate:

* :func:`subset_mask`: a uniformly random subset of exactly ``k`` rows per replicate, by
  ``Generator.choice(n, m, replace=False, shuffle=False)`` with ``m = min(k, n - k)`` (a partial
  Fisher-Yates shuffle of the last ``m`` positions for ``m > n / 50``, Floyd's algorithm with a
  hash set below; O(n) and O(m) work), complemented when ``m < k``;
* :func:`bootstrap_counts`: multinomial(n; 1/n, ..., 1/n) counts per replicate, as the bincount
  of n independent uniform indices (O(n), cache-resident one row at a time);
* :func:`permute_rows`: a uniformly random permutation per replicate; for a 0/1 vector with
  ``k`` ones that is exactly a uniformly random ``k``-subset of positions for the ones
  (:func:`subset_mask`), else the values gathered at ``Generator.permutation(n)`` (a
  Fisher-Yates shuffle).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np


def _is_binary(values: np.ndarray) -> bool:
    return bool(np.all((values == 0) | (values == 1)))


def permute_rows(values: np.ndarray, n_rep: int, rng: np.random.Generator) -> np.ndarray:
    """(R, n): an independent, uniformly random permutation of ``values`` in every row.

    A 0/1 vector's permutations are exactly its random subsets of ``sum(values)`` ones, drawn by
    :func:`subset_mask`; other vectors are gathered at ``rng.permutation(n)`` row by row.
    """
    n = values.size
    if _is_binary(values):
        ones = int(values.sum())
        if ones in (0, n):
            return np.broadcast_to(values, (n_rep, n)).copy()
        return subset_mask(n, n_rep, ones, rng)
    out = np.empty((n_rep, n))
    for row in out:
        np.take(values, rng.permutation(n), out=row)
    return out


def bootstrap_counts(n: int, n_rep: int, rng: np.random.Generator) -> np.ndarray:
    """(R, n) resampling counts: row r is multinomial(n; 1/n, ..., 1/n), independent rows.

    Each row is the bincount of n independent uniform draws from ``0..n-1`` (exactly the
    counts of a resample of n rows with replacement: sum n, mean 1, variance ``1 - 1/n``,
    covariance ``-1/n``). Row by row, so the bincount stays in cache.
    """
    out = np.empty((n_rep, n))
    for row in out:
        row[:] = np.bincount(rng.integers(0, n, size=n), minlength=n)
    return out


def subset_mask(n: int, n_rep: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """(R, n) 0/1 weights selecting exactly ``size`` units without replacement in every row.

    Each row is a uniformly random ``size``-subset (each of the ``C(n, size)`` subsets equally
    likely; each unit included with probability ``size / n``), drawn as the positions of the
    smaller of the subset and its complement by ``Generator.choice`` without replacement
    (no sort or partition of n keys), then complemented if needed.
    """
    out = np.zeros((n_rep, n))
    k = min(size, n - size)
    for row in out:
        row[rng.choice(n, k, replace=False, shuffle=False)] = 1.0
    if k != size:
        np.subtract(1.0, out, out=out)
    return out


# ---- the refuters' draws: small picklable callables (sent to workers with each task) ----

@dataclass(frozen=True)
class PermutedTreatment:
    """Placebo treatment: the treatment permuted in every replicate."""

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        return {"t": permute_rows(problem.t, size, rng), "permuted": True}


@dataclass(frozen=True)
class PermutedOutcome:
    """Dummy outcome: the outcome permuted in every replicate."""

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        return {"y": permute_rows(problem.y, size, rng), "permuted": True}


@dataclass(frozen=True)
class RandomCovariate:
    """Random common cause: an extra covariate ``U ~ N(0, 1)``, independent of everything."""

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        return {"extra": rng.standard_normal((size, problem.n))}


def cluster_counts(codes: np.ndarray, n_rep: int, rng: np.random.Generator) -> np.ndarray:
    """(R, n) resampling counts of a cluster bootstrap: G clusters drawn with replacement per
    replicate, every row of a cluster counted as often as its cluster was drawn (Cameron,
    Gelbach & Miller 2008, the pairs cluster bootstrap)."""
    g = int(codes.max()) + 1
    drawn = np.empty((n_rep, g))
    for row in drawn:
        row[:] = np.bincount(rng.integers(0, g, size=g), minlength=g)
    return drawn[:, codes]


def _clusters_of(problem: Any) -> np.ndarray | None:
    return getattr(getattr(problem, "prep", None), "cluster", None)


@dataclass(frozen=True)
class BootstrapCounts:
    """Bootstrap: multinomial resampling counts (:func:`bootstrap_counts`); with clusters
    (``cluster=`` on the estimate), whole clusters are resampled (:func:`cluster_counts`)."""

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        codes = _clusters_of(problem)
        if codes is not None:
            return {"weights": cluster_counts(codes, size, rng)}
        return {"weights": bootstrap_counts(problem.n, size, rng)}


@dataclass(frozen=True)
class Subsets:
    """Data subsets: exactly ``size`` rows kept in every replicate (:func:`subset_mask`); with
    clusters, the same share of whole clusters (so the rows kept vary around ``size``)."""

    size: int

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        codes = _clusters_of(problem)
        if codes is not None:  # whole clusters: the same share of the clusters
            g = int(codes.max()) + 1
            keep = min(g - 1, max(2, round(g * self.size / problem.n)))
            return {"weights": subset_mask(g, size, keep, rng)[:, codes]}
        return {"weights": subset_mask(problem.n, size, self.size, rng)}


def apply_confounder(values: np.ndarray, u: np.ndarray, effect: str,
                     strength: float) -> np.ndarray:
    """(R, n): the column after the confounder's effect, one row per simulated ``U``."""
    if effect == "linear":
        out = np.multiply(u, strength)
        out += values
        return out
    threshold = NormalDist().inv_cdf(1 - strength) if 0 < strength < 1 else (
        np.inf if strength == 0 else -np.inf)
    # flip the 0/1 value where U is in its upper `strength` tail: value XOR (U > threshold)
    flipped = np.not_equal(u > threshold, values.astype(bool))
    return flipped.astype(float)


@dataclass(frozen=True)
class Confounded:
    """Unobserved common cause: ``U ~ N(0, 1)`` acting on treatment and outcome."""

    effect_on_treatment: str
    strength_on_treatment: float
    effect_on_outcome: str
    strength_on_outcome: float

    def __call__(self, problem: Any, rng: np.random.Generator, size: int) -> dict:
        u = rng.standard_normal((size, problem.n))
        return {"t": apply_confounder(problem.t, u, self.effect_on_treatment,
                                      self.strength_on_treatment),
                "y": apply_confounder(problem.y, u, self.effect_on_outcome,
                                      self.strength_on_outcome)}
