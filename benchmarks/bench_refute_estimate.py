"""Refuters on an IPW estimate against DoWhy's, interleaved, warmed up, and against the floor.

Usage:  uv run --group test python benchmarks/bench_refute_estimate.py [--n 100000]
        [--simulations 100] [--pairs 3] [--quick]

SIMULATED data (two confounders, binary treatment, continuous outcome). Three comparisons, each
in interleaved pairs after a warm-up of both sides (benchmarks/_fair.py):

1. ours, six refuters (placebo, random common cause, subsets, bootstrap, dummy outcome,
   unobserved common cause) x S through ``causal.refute.refute(estimate, data)``, against
   DoWhy 0.14's four (placebo, random common cause, data subset, bootstrap; its dummy outcome
   refuter crashes under pandas 3, FACTS.md) x S with ``backdoor.propensity_score_weighting``,
   each on a fresh copy of the data (causal/refute/dowhy_adapter.py);
2. the same four refuters on both sides;
3. the floor of (1): the least NumPy arithmetic of the same refits, timed in the same pairs:
   the same kinds of random draws (placebo subsets, normal columns, 80% subsets, bootstrap
   counts, normal outcomes, the unobserved confounder), then per replicate one Gram matrix
   at the shared start (held for every step, as ours holds information) and three Newton
   steps (score, a q x q solve, linear predictor, one ``exp``, the last of which also gives
   the Hájek weights), and the Hájek means, each pass over the rows in blocks of 16,384 (its
   work arrays in cache, as the GLM core's passes since session 9). No checks, no
   convergence test, no bookkeeping: what any implementation must compute. (Tried for ``exp``: numba 0.68 at 4.40 ns per
   element against NumPy's 4.68, numexpr 2.14 at 6.51 against 4.26, one thread, this
   machine: neither kept.)
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

FOUR = ("placebo_treatment", "random_common_cause", "data_subset", "bootstrap")
DOWHY_FOUR = ("placebo_treatment_refuter", "random_common_cause", "data_subset_refuter",
              "bootstrap_refuter")


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y})
    frame.attrs["simulated"] = True
    return frame


#: Newton steps per refit in the floor: from the original fit (or a placebo's intercept-only
#: start) quadratic convergence to a step below 1e-10 takes about three (ours: 3.8 on average)
FLOOR_STEPS = 3


#: rows per block of the floor's passes, as the GLM core's (causal._glm.newton.ROW_BLOCK):
#: a pass's work arrays stay in cache, which streaming (R, n) arrays would not
FLOOR_BLOCK = 16_384


def _refit_floor(x1t: np.ndarray, xx: np.ndarray, mu0: np.ndarray, t: np.ndarray,
                 y: np.ndarray, w: np.ndarray | None, extra: np.ndarray | None,
                 start: np.ndarray) -> None:
    """The least arithmetic of R batched IPW refits from one shared start (fitted means
    ``mu0``, as every refuter's replicates share the original fit or a placebo's intercept):
    one Gram per replicate at the start, held for every step, and the score there; then per
    step a q x q solve and one pass over the rows in cache-sized blocks of the transposed
    design ``x1t`` (p, n): the linear predictor, one ``exp``, and the next step's score, or
    after the last step the Hájek sums."""
    r = max(a.shape[0] for a in (t, y, w, extra) if a is not None and np.ndim(a) == 2)
    p, n = x1t.shape
    q = p + (extra is not None)
    iu = np.triu_indices(p)
    b = np.tile(np.r_[start, np.zeros(q - len(start))], (r, 1))
    v0 = mu0 * (1.0 - mu0)
    g = np.zeros((r, q, q))
    upper = np.broadcast_to(v0 @ xx, (r, len(iu[0]))) if w is None else (w * v0) @ xx
    g[:, iu[0], iu[1]] = upper
    g[:, iu[1], iu[0]] = upper
    if extra is not None:
        v = v0 if w is None else w * v0
        cross = (v * extra) @ x1t.T
        g[:, :p, p] = g[:, p, :p] = cross
        g[:, p, p] = np.einsum("rn,rn->r", np.broadcast_to(v, extra.shape), extra * extra)

    def score_of(res: np.ndarray, cols: np.ndarray, z: np.ndarray | None) -> np.ndarray:
        # a residual shared by every replicate (the first step of an outcome-only change)
        # is multiplied once: a stride-0 broadcast would leave BLAS for a slow loop
        head = np.broadcast_to(res @ cols.T, (r, p)) if res.ndim == 1 else res @ cols.T
        if z is None:
            return head
        return np.column_stack([head, np.einsum("rn,rn->r", np.broadcast_to(res, z.shape), z)])

    res0 = t - mu0 if w is None else w * (t - mu0)
    score = score_of(res0, x1t, extra)
    blocks = [slice(lo, min(lo + FLOOR_BLOCK, n)) for lo in range(0, n, FLOOR_BLOCK)]
    sums = np.zeros((4, r))
    for step in range(FLOOR_STEPS):
        b += np.linalg.solve(g, score[..., None])[..., 0]
        last = step == FLOOR_STEPS - 1
        score = np.zeros((r, q))
        for rows in blocks:
            cols = x1t[:, rows]
            z = None if extra is None else extra[:, rows]
            tb = t[..., rows]
            wb = None if w is None else w[:, rows]
            eta = b[:, :p] @ cols
            if z is not None:
                eta += b[:, p:] * z
            odds = np.exp(eta)
            if not last:
                res = tb - odds / (1.0 + odds)
                if wb is not None:
                    res *= wb
                score += score_of(res, cols, z)
                continue
            treated = tb * (1.0 + 1.0 / odds)
            control = (1.0 - tb) * (1.0 + odds)
            if wb is not None:
                treated *= wb
                control *= wb
            yb = np.broadcast_to(y[..., rows], treated.shape)
            sums += [np.einsum("rn,rn->r", treated, yb), treated.sum(1),
                     np.einsum("rn,rn->r", control, yb), control.sum(1)]
    _ = sums[0] / sums[1] - sums[2] / sums[3]


def floor_six(frame: pd.DataFrame, s: int, seed: int = 0) -> None:
    """The arithmetic floor of six refuters x ``s`` on IPW (see the module docstring), with
    one BLAS thread as ours (spinning BLAS threads cost CPU on a busy machine)."""
    from causal._glm import single_threaded_blas

    with single_threaded_blas():
        _floor_six(frame, s, seed)


def _floor_six(frame: pd.DataFrame, s: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = frame[["a", "b"]].to_numpy()
    t = frame["t"].to_numpy(float)
    y = frame["y"].to_numpy(float)
    n = len(t)
    x1 = np.column_stack([np.ones(n), x])
    x1t = np.ascontiguousarray(x1.T)
    b0 = np.zeros(3)  # the original propensity fit, where the refits start
    for _ in range(10):
        mu = 1 / (1 + np.exp(-(x1 @ b0)))
        b0 += np.linalg.solve((x1 * (mu * (1 - mu))[:, None]).T @ x1, x1.T @ (t - mu))
    odds = np.exp(x1 @ b0)
    wt, wc = t * (1 + 1 / odds), (1 - t) * (1 + odds)
    iu = np.triu_indices(3)
    xx = x1[:, iu[0]] * x1[:, iu[1]]
    mu0 = odds / (1 + odds)
    share = np.full(n, t.mean())
    block = max(1, 262_144 // n)
    ones = int(t.sum())
    for lo in range(0, s, block):
        r = min(block, s - lo)
        placebo = np.zeros((r, n))  # placebo: random subsets of as many treated
        for row in placebo:
            row[rng.choice(n, ones, replace=False, shuffle=False)] = 1.0
        _refit_floor(x1t, xx, share, placebo, y, None, None,
                     np.r_[np.log(ones / (n - ones)), 0, 0])
        _refit_floor(x1t, xx, mu0, t, y, None, rng.standard_normal((r, n)), b0)  # random cause
        subset = np.zeros((r, n))
        for row in subset:
            row[rng.choice(n, n - int(0.8 * n), replace=False, shuffle=False)] = 1.0
        _refit_floor(x1t, xx, mu0, t, y, 1.0 - subset, None, b0)  # subsets of 80%
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(r)])
        _refit_floor(x1t, xx, mu0, t, y, counts.astype(float), None, b0)  # bootstrap
        dummy = rng.standard_normal((r, n))  # dummy outcome: the same scores, new outcomes
        _ = dummy @ wt / wt.sum() - dummy @ wc / wc.sum()
        u = rng.standard_normal((r, n))  # unobserved common cause: new t and y
        t_u = (rng.random((r, n)) < 1 / (1 + np.exp(-(x1 @ b0 + 0.1 * u)))).astype(float)
        _refit_floor(x1t, xx, mu0, t_u, y + 0.5 * u, None, None, b0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--simulations", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="n = 20,000, 50 simulations")
    args = parser.parse_args()
    if args.quick:
        args.n, args.simulations = 20_000, 50
    warnings.simplefilter("ignore")
    import causal.refute as cr
    from causal.estimate import IPW
    from causal.refute.dowhy_adapter import dowhy_refute

    frame = simulate(args.n)
    small = simulate(2_000, seed=1)
    s = args.simulations
    _fair.start("refuters on IPW, ours vs DoWhy (SIMULATED data)", n=args.n, simulations=s,
                pairs=args.pairs)
    estimate = IPW().estimate(frame, treatment="t", outcome="y", covariates=["a", "b"])
    small_estimate = IPW().estimate(small, treatment="t", outcome="y", covariates=["a", "b"])

    def ours_six(data=frame, est=estimate, sims=s) -> None:
        cr.refute(est, data, n_simulations=sims, random_state=1,
                  unobserved_strengths=(0.1, 0.5))

    def ours_four(data=frame, est=estimate, sims=s) -> None:
        for name in FOUR:
            cr.refute(est, data, refuter=name, n_simulations=sims, random_state=1)

    def dowhy_four(data=frame, sims=s) -> None:
        for refuter in DOWHY_FOUR:
            dowhy_refute(data, treatment="t", outcome="y", covariates=["a", "b"],
                         refuter=refuter, n_simulations=sims, random_state=1,
                         method_name="backdoor.propensity_score_weighting")

    # warm-up outside the clock: imports and a first call of each side, on small data
    ours_six(small, small_estimate, 2)
    ours_four(small, small_estimate, 2)
    dowhy_four(small, 2)
    floor_six(small, 2)
    _fair.compare(f"six refuters x {s} (ours) vs DoWhy's four x {s}, IPW", ours_six, dowhy_four,
                  peer_name="DoWhy", floor=lambda: floor_six(frame, s), pairs=args.pairs,
                  warm=False, n=args.n, target=">= 20x DoWhy, <= 2x floor")
    _fair.compare(f"the same four refuters x {s} on both sides, IPW", ours_four, dowhy_four,
                  peer_name="DoWhy", pairs=args.pairs, warm=False, n=args.n,
                  target=">= 30x DoWhy")
    _fair.finish()


if __name__ == "__main__":
    main()
