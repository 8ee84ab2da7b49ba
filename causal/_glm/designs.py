"""The two shapes of design the Newton core (:mod:`causal._glm.newton`) fits on.

Both give the three products a Newton (IRLS) step needs, for ``R`` replicates at once:
``eta_r = D_r b_r``, the information ``D_r' W_r D_r`` and the score ``D_r' v_r``.

* :class:`SharedDesign`: ``D_r = [X, z_r1, ..., z_rk]`` with ``X`` (n x p) shared by every
  replicate and a few per-replicate columns ``z_rj`` (n,) or (R, n). Refuters change only the
  treatment, one extra column, the outcome or the row weights; the explain-away grid changes
  only the treatment column between the cells of one simulated cohort. A single fit is the case
  ``R = 1`` without ``z``. The information's shared block ``X' W_r X`` is ``W @ products``, one
  matrix product (R x n) @ (n x p(p+1)/2) for all replicates, when a batch holds enough
  replicates to amortise reading the column products (``2R >= p + 1``) and they fit in
  :data:`PRODUCTS_BYTES`, else one
  ``(X * w_r)' X`` per replicate, which reads only ``X``.
* :class:`StackedDesign`: a full design per replicate, (R, n, p), for simulations that draw
  every covariate anew (calibration, time ordering); batched matrix products.
"""

from __future__ import annotations

import numpy as np

#: rows per block of a weighted Gram matrix or a column maximum: the block's copy stays in
#: cache instead of an n x p temporary (800 MB at n = 10^7, p = 10)
GRAM_ROWS = 32_768
#: bytes the information may spend building the n x p(p+1)/2 column products of a design
#: (with its two temporaries: three such matrices at once); larger designs form each
#: replicate's Gram matrix from X (see causal.refute._blocks.refit_rows)
PRODUCTS_BYTES = 512 * 1024**2


#: bytes a shared design may spend on its transposed copy (:meth:`SharedDesign._columns`)
TRANSPOSED_BYTES = 256 * 1024**2
#: every row (the default row range of the designs' products)
_ALL = slice(None)


def expit(eta: np.ndarray) -> np.ndarray:
    """The logistic function, overflow-free."""
    return 0.5 * (1.0 + np.tanh(0.5 * eta))


def expit_inplace(eta: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-eta))`` in place (exp overflow gives 1/inf = 0, the right limit)."""
    with np.errstate(over="ignore"):
        np.negative(eta, out=eta)
        np.exp(eta, out=eta)
    eta += 1.0
    return np.reciprocal(eta, out=eta)


def column_scales(x: np.ndarray) -> np.ndarray:
    """Largest absolute value of each column (last axis), 1 for all-zero columns: the units in
    which the convergence rule measures coefficients (``b_j * max_i |x_ij|``), so a column
    in dollars and one in millions of dollars converge alike."""
    if not x.shape[-2]:
        return np.ones(x.shape[-1])
    if x.ndim == 2 and x.shape[0] > GRAM_ROWS:  # in row blocks: no n x p |x| temporary
        scales = np.zeros(x.shape[1])
        buffer = np.empty((GRAM_ROWS, x.shape[1]))
        for lo in range(0, x.shape[0], GRAM_ROWS):
            block = x[lo:lo + GRAM_ROWS]
            np.maximum(scales, np.abs(block, out=buffer[:block.shape[0]]).max(axis=0),
                       out=scales)
    else:
        scales = np.abs(x).max(axis=-2)
    return np.where(scales > 0, scales, 1.0)


def as_rows(a: np.ndarray, n_rep: int, n: int) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a if a.ndim == 2 else np.broadcast_to(a, (n_rep, n))


def _shared_block(x: np.ndarray, shared: list[np.ndarray], cache: dict | None) -> list:
    """``[key, [x, shared...], column products or None, column scales or None, held blocks,
    transposed columns or None]``, built once per design when ``cache``
    (owned by the caller, e.g. one refutation) is given: a fit run block by block over
    replicates reuses them. Entries are keyed by the identity of the input arrays, which the
    cache holds on to, so an identity cannot be reused by another array while cached."""
    key = (x, *shared)
    entries = cache.setdefault("blocks", []) if cache is not None else []
    for entry in entries:
        inputs = entry[0]
        if len(inputs) == len(key) and all(a is b for a, b in zip(inputs, key, strict=True)):
            return entry
    full = np.column_stack([x, *shared]) if shared else x
    entry = [key, full, None, None, {}, None]
    entries.insert(0, entry)
    del entries[4:]
    return entry


class SharedDesign:
    """``[x, z...]`` with shared (1-d) z columns folded into x; ``order`` maps the fitted column
    order ``[x, shared z, varying z]`` back to the input order ``[x, z0, z1, ...]``."""

    def __init__(self, x: np.ndarray, z: list[np.ndarray] | tuple = (),
                 cache: dict | None = None, scales: np.ndarray | None = None) -> None:
        shared = [j for j, zj in enumerate(z) if np.ndim(zj) == 1]
        varying = [j for j, zj in enumerate(z) if np.ndim(zj) == 2]
        p = x.shape[1]
        self._entry = _shared_block(x, [z[j] for j in shared], cache)
        self.x = self._entry[1]
        self.z = [np.asarray(z[j], dtype=float) for j in varying]
        fitted_order = list(range(p)) + [p + j for j in shared] + [p + j for j in varying]
        self.order = np.argsort(fitted_order)
        self.iu = np.triu_indices(self.x.shape[1])
        self.q = self.x.shape[1] + len(self.z)
        self.n = self.x.shape[0]
        #: (1 or R, q) column scales in fitted order (see :func:`column_scales`); given ones
        #: (e.g. a subsample's) save a pass over a very tall design
        if scales is None and self._entry[3] is None:
            self._entry[3] = column_scales(self.x)
        tail = [column_scales(zj.T[None])[0][:, None] for zj in self.z]
        head = (self._entry[3] if scales is None else np.asarray(scales, dtype=float))[None, :]
        if tail:
            head = np.concatenate([np.broadcast_to(head, (tail[0].shape[0], head.shape[1])),
                                   *tail], axis=1)
        self.scales = head
        #: the scales are the columns' own largest |values| (not a subsample's), so
        #: ``sum_j |b_j| scale_j`` bounds every |linear predictor| (causal._glm.newton)
        self.exact_scales = scales is None

    def eta(self, coef: np.ndarray, out: np.ndarray | None = None,
            rows: slice = _ALL) -> np.ndarray:
        """``D_r b_r`` on ``rows`` (all rows by default), (R, rows)."""
        px = self.x.shape[1]
        eta = np.matmul(coef[:, :px], self._columns(rows), out=out)
        for j, zj in enumerate(self.z):
            eta += coef[:, px + j, None] * zj[:, rows]
        return eta

    @property
    def xx(self) -> np.ndarray:
        """Products of the shared columns (n x px(px+1)/2), built on first use."""
        if self._entry[2] is None:
            # built column by column on the transposed design: contiguous rows, no fancy
            # indexing (35x faster at n = 10^4 than indexing columns); an (n, k) F-order view
            columns = np.ascontiguousarray(self.x.T)
            p = columns.shape[0]
            products = np.empty((len(self.iu[0]), columns.shape[1]))
            at = 0
            for i in range(p):  # row i of the upper triangle: (i, i), (i, i + 1), ...
                np.multiply(columns[i], columns[i:], out=products[at:at + p - i])
                at += p - i
            self._entry[2] = products.T
        return self._entry[2]

    def _columns(self, rows: slice) -> np.ndarray:
        """The shared columns of ``rows`` as a (p, rows) matrix: ``x.T`` for all rows; for a
        block of rows, a slice of the transposed design (built once per design, within
        :data:`TRANSPOSED_BYTES`), whose rows are contiguous: the products of a Newton pass
        in row blocks are then 2-3x faster than on the (rows, p) slice of ``x``."""
        if rows == _ALL:
            return self.x.T
        if self._entry[5] is None:
            x = self.x
            if x.flags.f_contiguous:
                self._entry[5] = x.T
            elif x.size * 8 <= TRANSPOSED_BYTES:
                self._entry[5] = np.ascontiguousarray(x.T)
            else:
                self._entry[5] = False
        if self._entry[5] is False:
            return self.x[rows].T
        return self._entry[5][:, rows]

    @property
    def held_store(self) -> dict:
        """Held-information blocks by starting point (:mod:`causal._glm.held`), kept with the
        shared columns."""
        return self._entry[4]

    def gram(self, w: np.ndarray | None, n_rep: int, rows: slice = _ALL) -> np.ndarray:
        """``D_r' W_r D_r`` for every replicate, (R, q, q), summed over ``rows`` (all rows by
        default; ``w`` then covers those rows only); ``w`` None means unit weights."""
        px, k = self.x.shape[1], len(self.z)
        x, xt = self.x[rows], self._columns(rows)
        z = [zj[:, rows] for zj in self.z]
        g = np.empty((n_rep, self.q, self.q))
        if w is None:
            g[:, :px, :px] = xt @ x
        elif 2 * n_rep >= px + 1 and (self._entry[2] is not None
                                      or 24 * self.n * len(self.iu[0]) <= PRODUCTS_BYTES):
            upper = w @ self.xx[rows]
            g[:, self.iu[0], self.iu[1]] = upper
            g[:, self.iu[1], self.iu[0]] = upper
        elif rows != _ALL:  # a block of rows: its transposed columns, weighted (in cache)
            for r in range(n_rep):
                g[r, :px, :px] = (xt * w[r]) @ xt.T
        else:
            for r in range(n_rep):
                g[r, :px, :px] = _weighted_gram(x, w[r])
        wz = z if w is None else [w * zj for zj in z]
        for j in range(k):
            cross = wz[j] @ xt.T
            g[:, :px, px + j] = cross
            g[:, px + j, :px] = cross
            for m in range(j, k):
                value = np.einsum("rn,rn->r", wz[j], z[m])
                g[:, px + j, px + m] = value
                g[:, px + m, px + j] = value
        return g

    def score(self, v: np.ndarray, n_rep: int, rows: slice = _ALL) -> np.ndarray:
        """``D_r' v_r`` for v (R, n) or (n,) (covering ``rows``, all rows by default):
        (R, q)."""
        xt = self._columns(rows)
        head = np.broadcast_to(v @ xt.T, (n_rep, xt.shape[0]))
        if not self.z:
            return np.array(head)
        vr = as_rows(v, n_rep, xt.shape[1])
        tail = [np.einsum("rn,rn->r", vr, zj[:, rows])[:, None] for zj in self.z]
        return np.concatenate([head, *tail], axis=1)


def _weighted_gram(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``(x * w[:, None])' x``, summed over blocks of rows."""
    p = x.shape[1]
    out = np.zeros((p, p))
    buffer = np.empty((min(GRAM_ROWS, x.shape[0]), p))
    for lo in range(0, x.shape[0], GRAM_ROWS):
        xb = x[lo:lo + GRAM_ROWS]
        wx = np.multiply(xb, w[lo:lo + GRAM_ROWS, None], out=buffer[:xb.shape[0]])
        out += wx.T @ xb
    return out


class StackedDesign:
    """A full design per replicate, ``X`` of shape (R, n, q); fitted order = input order."""

    def __init__(self, x: np.ndarray) -> None:
        self.x = np.ascontiguousarray(x, dtype=float)
        self.q = self.x.shape[2]
        self.n = self.x.shape[1]
        self.order = np.arange(self.q)
        self.scales = column_scales(self.x)
        self.exact_scales = True
        self._weighted = np.empty_like(self.x)

    def eta(self, coef: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        eta = np.matmul(self.x, coef[:, :, None])[..., 0]
        if out is None:
            return eta
        out[...] = eta
        return out

    def gram(self, w: np.ndarray | None, n_rep: int) -> np.ndarray:
        xt = self.x.transpose(0, 2, 1)
        if w is None:
            return np.matmul(xt, self.x)
        np.multiply(self.x, as_rows(w, n_rep, self.n)[:, :, None], out=self._weighted)
        return np.matmul(xt, self._weighted)

    def score(self, v: np.ndarray, n_rep: int) -> np.ndarray:
        return np.matmul(self.x.transpose(0, 2, 1), as_rows(v, n_rep, self.n)[:, :, None])[..., 0]
