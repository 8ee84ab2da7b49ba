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
3. the floor of (1): the bare NumPy arithmetic of the same refits, timed in the same pairs:
   the same kinds of random draws, then per replicate batch Newton steps from the original
   propensity fit until the step is below 1e-8 (linear predictor, ``exp``, the Gram matrix as
   one product with the column products, the score, a q x q solve), and the Hájek means.
   No checks, no bookkeeping: what any implementation must compute.
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


def _newton_hajek(x1: np.ndarray, t: np.ndarray, y: np.ndarray, w: np.ndarray | None,
                  start: np.ndarray) -> np.ndarray:
    """Bare batched IPW refits: (R, n) t/y/w (or shared), x1 (R or 1, n, q) -> R effects."""
    r = max(np.shape(t)[0] if np.ndim(t) == 2 else 1, np.shape(y)[0] if np.ndim(y) == 2 else 1,
            1 if w is None else w.shape[0], x1.shape[0])
    q = x1.shape[-1]
    iu = np.triu_indices(q)
    b = np.tile(start, (r, 1))
    shared = x1.shape[0] == 1
    xx = x1[0][:, iu[0]] * x1[0][:, iu[1]] if shared else None
    for _ in range(10):
        eta = b @ x1[0].T if shared else np.einsum("rnq,rq->rn", x1, b)
        mu = 1.0 / (1.0 + np.exp(-eta))
        v = mu * (1.0 - mu)
        res = t - mu
        if w is not None:
            v *= w
            res *= w
        g = np.empty((r, q, q))
        if shared:
            upper = v @ xx
            g[:, iu[0], iu[1]] = upper
            g[:, iu[1], iu[0]] = upper
            score = res @ x1[0]
        else:
            g = np.einsum("rn,rnj,rnk->rjk", v, x1, x1)
            score = np.einsum("rn,rnq->rq", res, x1)
        step = np.linalg.solve(g, score[..., None])[..., 0]
        b += step
        if np.abs(step).max() < 1e-8:
            break
    eta = b @ x1[0].T if shared else np.einsum("rnq,rq->rn", x1, b)
    odds = np.exp(eta)
    treated = t * (1.0 + 1.0 / odds)
    control = (1.0 - t) * (1.0 + odds)
    if w is not None:
        treated *= w
        control *= w
    return (np.sum(treated * y, 1) / treated.sum(1)) - (np.sum(control * y, 1) / control.sum(1))


def floor_six(frame: pd.DataFrame, s: int, seed: int = 0) -> None:
    """The arithmetic of six refuters x ``s`` on IPW (see the module docstring)."""
    rng = np.random.default_rng(seed)
    x = frame[["a", "b"]].to_numpy()
    t = frame["t"].to_numpy(float)
    y = frame["y"].to_numpy(float)
    n = len(t)
    x1 = np.column_stack([np.ones(n), x])[None]
    b0 = np.zeros(3)  # the original propensity fit, where the refits start
    for _ in range(10):
        mu = 1 / (1 + np.exp(-(x1[0] @ b0)))
        b0 += np.linalg.solve((x1[0] * (mu * (1 - mu))[:, None]).T @ x1[0], x1[0].T @ (t - mu))
    block = max(1, 262_144 // n)
    for lo in range(0, s, block):
        r = min(block, s - lo)
        _newton_hajek(x1, rng.permuted(np.tile(t, (r, 1)), axis=1), y, None,
                      np.r_[np.log(t.mean() / (1 - t.mean())), 0, 0])  # placebo
        extra = rng.standard_normal((r, n))  # random common cause: one more column
        _newton_hajek(np.concatenate([np.broadcast_to(x1, (r, n, 3)), extra[..., None]], 2),
                      t, y, None, np.r_[b0, 0])
        _newton_hajek(x1, t, y, (rng.random((r, n)) < 0.8).astype(float), b0)  # subsets
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(r)])
        _newton_hajek(x1, t, y, counts.astype(float), b0)  # bootstrap
        dummy = rng.permuted(np.tile(y, (r, 1)), axis=1)  # dummy outcome: the same scores
        odds = np.exp(x1[0] @ b0)
        wt, wc = t * (1 + 1 / odds), (1 - t) * (1 + odds)
        _ = dummy @ wt / wt.sum() - dummy @ wc / wc.sum()
        u = rng.standard_normal((r, n))  # unobserved common cause: new t and y
        t_u = (rng.random((r, n)) < 1 / (1 + np.exp(-(x1[0] @ b0 + 0.1 * u)))).astype(float)
        _newton_hajek(x1, t_u, y + 0.5 * u, None, b0)


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
