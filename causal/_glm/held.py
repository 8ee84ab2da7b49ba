"""Held information for replicate refits: chord steps of the Newton core from the first step.

Refuters and the estimators' refit hooks refit ``R`` replicates that perturb the row weights
(bootstrap counts, 0/1 subsets), the outcome (placebo or permuted outcomes) or one column
(a permuted treatment, a random common cause) of one shared design ``X``, starting every
replicate from the same coefficients ``b0`` (the original fit, or the fit the perturbation
tends to). The information of each replicate at its estimate is then close to

``H_r = [[s_r A0, X' W0 z_r], [z_r' W0 X, z_r' W0 z_r]]``,  ``A0 = X' W0 X``,
``W0 = diag(mu0 (1 - mu0))``,  ``mu0 = expit(X b0)``,

with ``s_r = sum_i f_ri w0_i / sum_i w0_i`` the share of the information the replicate's
frequency weights ``f_r`` keep (1 for a bootstrap on average, the kept fraction for a
subset). ``A0`` costs one weighted Gram matrix per design and starting point (cached with
the design's column products); each replicate's own part costs ``n (p + 1)`` per extra
column, the price of one score. :func:`causal._glm.newton.newton` iterates with ``H_r`` held
(chord steps) and keeps its one convergence rule: a held step counts as converged only once a
measured contraction ratio ``rho < 0.5`` exists, with error ``s rho / (1 - rho)``; when the
steps stop shrinking by half it computes the replicates' own information (a full Newton
step), so a poor ``H_r`` costs iterations, never accuracy.

Identification (the core's rule reads the last information matrix): ``H_r`` has the rank of
the replicate's design when every row keeps its weight (``W0 > 0``). When weights drop rows,
rank is checked on the rows of largest leverage ``h_i = w0_i x_i' A0^{-1} x_i`` (the
:data:`CHECK_ROWS` largest, chosen once per design: a direction carried by few rows, such as a
rare category, gives those rows a high leverage): if ``sum_{i in B} f_ri w0_i x_i x_i'`` over
those rows ``B`` passes the core's identification rule, the replicate's design has full rank,
since the kept rows include ``B``'s kept rows. With at most :data:`CHECK_ROWS` rows ``B`` is
every row and the check is exact. Replicates without that certificate get their own
information at the final iterate (``certified`` in :func:`causal._glm.newton.newton`).
"""

from __future__ import annotations

import numpy as np

from causal._glm.designs import GRAM_ROWS, SharedDesign, _weighted_gram, expit
from causal._glm.newton import scaled_inverse

#: rows of largest leverage on which a weighted replicate's identification is checked
CHECK_ROWS = 4096
#: starting points whose held blocks are kept per design
_KEEP = 4


def _shared_part(design: SharedDesign, b0: np.ndarray, leverage: bool) -> dict:
    """``w0``, ``A0`` and (on request) the leverages ``h`` for starting point ``b0`` (the
    shared columns' coefficients), cached on the design's shared block."""
    store = design.held_store
    key = b0.tobytes()
    part = store.get(key)
    if part is None:
        x = design.x
        w0 = expit(x @ b0)
        w0 *= 1.0 - w0
        part = {"w0": w0, "a0": _weighted_gram(x, w0)}
        store[key] = part
        while len(store) > _KEEP:
            store.pop(next(iter(store)))
    if leverage and "rows" not in part:
        x, w0 = design.x, part["w0"]
        rows = np.arange(design.n)
        if design.n > CHECK_ROWS:
            inverse = np.linalg.pinv(part["a0"])
            h = np.empty(design.n)
            for lo in range(0, design.n, GRAM_ROWS):  # no n x p temporary
                xb = x[lo:lo + GRAM_ROWS]
                h[lo:lo + GRAM_ROWS] = np.einsum("ij,ij->i", xb @ inverse, xb)
            h *= w0
            rows = np.sort(np.argpartition(h, -CHECK_ROWS)[-CHECK_ROWS:])
        part["rows"] = rows
    return part


def held_information(design: SharedDesign, start: np.ndarray, weights: np.ndarray | None,
                     n_rep: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The held information ``H_r`` (fitted column order, (R, q, q)) and a mask of the
    replicates whose identification it certifies; None when it does not apply (a start per
    replicate, a nonzero start on a per-replicate column, shared non-unit weights, or
    weights together with per-replicate columns: those refits take full Newton steps)."""
    start = np.asarray(start, dtype=float)
    px = design.x.shape[1]
    if start.ndim != 1:
        return None
    b = start[np.argsort(design.order)]
    if np.any(b[px:] != 0.0) or (weights is not None and (np.ndim(weights) != 2 or design.z)):
        return None
    part = _shared_part(design, np.ascontiguousarray(b[:px]), leverage=weights is not None)
    g = np.empty((n_rep, design.q, design.q))
    g[:, :px, :px] = part["a0"]
    certified = np.ones(n_rep, dtype=bool)
    w0 = part["w0"]
    if weights is not None:
        share = (weights @ w0) / w0.sum()
        g *= share[:, None, None]
        rows = part["rows"]
        if "xb" not in part:
            part["xb"], part["w0b"] = design.x[rows], w0[rows]
        xb = part["xb"]
        kept = weights[:, rows] * part["w0b"]
        # sum_i kept_ri x_i x_i' for every replicate, one batched product
        _, singular = scaled_inverse(np.matmul(xb.T * kept[:, None, :], xb))
        certified = ~singular
    for j, zj in enumerate(design.z):
        wz = zj * w0
        cross = wz @ design.x
        g[:, :px, px + j] = cross
        g[:, px + j, :px] = cross
        for m in range(j, len(design.z)):
            value = np.einsum("rn,rn->r", wz, design.z[m])
            g[:, px + j, px + m] = value
            g[:, px + m, px + j] = value
    return g, certified
