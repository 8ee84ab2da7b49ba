"""One refuter against the same DoWhy refuter (bootstrap, placebo), linear regression, 100
simulations each, on simulated data at n = 302, 10^4 and 10^5; and all six of ours, alone.

Usage:  uv run --group test python benchmarks/bench_refuters.py [--sizes 302 10000]
        [--simulations 100] [--pairs 3] [--quick]

The data are simulated (two confounders, binary treatment, continuous outcome). DoWhy runs
``backdoor.linear_regression`` on a fresh copy for every call, with a bool treatment and a
numpy RandomState (see causal/refute/dowhy_adapter.py). Each comparison is one refuter on both
sides, in interleaved pairs after a warm-up of both at that size (imports and lazy imports of
both sides happen outside the clock), median CPU seconds (benchmarks/_fair.py).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import causal.refute as cr
from causal.estimate import IPW, OutcomeRegression
from causal.refute.dowhy_adapter import dowhy_refute

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

SIZES = (302, 10_000, 100_000)


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y})
    frame.attrs["simulated"] = True
    return frame


#: the estimates refuted: the outcome regression's coefficient (DoWhy's
#: backdoor.linear_regression) and Hajek IPW, each refitted in every simulation
MODELS = {"linear_regression": lambda: OutcomeRegression(measure="md"),
          "ipw": lambda: IPW(measure="md")}


def ours(frame: pd.DataFrame, estimator: str, sims: int) -> dict[str, float]:
    estimate = MODELS[estimator]().estimate(frame, treatment="t", outcome="y",
                                            covariates=["a", "b"])
    kw = dict(n_simulations=sims, random_state=1)
    calls = {
        "placebo": lambda: cr.placebo_treatment(estimate, frame, **kw),
        "random_common_cause": lambda: cr.random_common_cause(estimate, frame, **kw),
        "data_subset": lambda: cr.data_subset(estimate, frame, **kw),
        "bootstrap": lambda: cr.bootstrap(estimate, frame, **kw),
        "dummy_outcome": lambda: cr.dummy_outcome(estimate, frame, **kw),
        "unobserved_common_cause": lambda: cr.unobserved_common_cause(
            estimate, frame, effect_strength_on_treatment=0.1, effect_strength_on_outcome=0.5,
            **kw),
    }
    times = {}
    for name, call in calls.items():
        start = time.perf_counter()
        call()
        times[name] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES[:2]))
    parser.add_argument("--simulations", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="n = 302 and 3,000")
    args = parser.parse_args()
    if args.quick:
        args.sizes = [302, 3_000]
    warnings.simplefilter("ignore")
    sims = args.simulations
    _fair.start("one refuter vs the same DoWhy refuter, linear regression (SIMULATED data)",
                sizes=args.sizes, simulations=sims, pairs=args.pairs)
    kw = dict(treatment="t", outcome="y", covariates=["a", "b"],
              estimator="linear_regression", n_simulations=sims, random_state=1)
    for n in args.sizes:
        frame = simulate(n)
        times = ours(frame, "linear_regression", 2)  # warm-up of our six (lazy imports)
        times = ours(frame, "linear_regression", sims)
        print(f"n = {n:,}: all six of ours (linear regression) {sum(times.values()):.3f} s "
              "wall (" + "  ".join(f"{k} {v:.3f}" for k, v in times.items()) + ")")
        for mine, theirs in ((cr.bootstrap, "bootstrap_refuter"),
                             (cr.placebo_treatment, "placebo_treatment_refuter")):
            _fair.compare(f"{theirs} x {sims}, n = {n}", lambda f=frame, m=mine: m(f, **kw),
                          lambda f=frame, r=theirs: dowhy_refute(
                              f, treatment="t", outcome="y", covariates=["a", "b"],
                              refuter=r, n_simulations=sims, random_state=1),
                          peer_name="DoWhy", pairs=args.pairs, n=n)
    _fair.finish()


if __name__ == "__main__":
    main()
