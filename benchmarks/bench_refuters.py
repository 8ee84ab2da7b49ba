"""Time every refuter of causal.refute (100 simulations) against DoWhy's bootstrap and placebo
refuters, on simulated data at n = 302, 10^4 and 10^5.

Usage:  uv run python benchmarks/bench_refuters.py [--skip-dowhy-large] [--simulations 100]

The data are simulated (two confounders, binary treatment, continuous outcome). DoWhy runs
``backdoor.linear_regression`` on a fresh copy for every call, with a bool treatment and a
numpy RandomState (see causal/refute/dowhy_adapter.py); its import and a warm-up call are not
timed. Times are wall-clock seconds, best of one run (the machine may be shared).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import causal.refute as cr
from causal.estimate import IPW, OutcomeRegression
from causal.refute.dowhy_adapter import dowhy_refute

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


def dowhy_time(frame: pd.DataFrame, refuter: str, sims: int) -> float:
    start = time.perf_counter()
    dowhy_refute(frame, treatment="t", outcome="y", covariates=["a", "b"], refuter=refuter,
                 n_simulations=sims, random_state=1)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-dowhy-large", action="store_true",
                        help="do not run DoWhy at n = 10^5 (about 20-40 s per refuter)")
    parser.add_argument("--simulations", type=int, default=100)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sims = args.simulations
    dowhy_refute(simulate(302), treatment="t", outcome="y", covariates=["a", "b"],
                 refuter="bootstrap_refuter", n_simulations=2, random_state=0)  # warm-up
    print(f"causal.refute vs DoWhy 0.14, {sims} simulations each, simulated data")
    for n in SIZES:
        frame = simulate(n)
        print(f"\nn = {n:,}")
        totals = {}
        for estimator in ("linear_regression", "ipw"):
            times = ours(frame, estimator, sims)
            totals[estimator] = times
            row = "  ".join(f"{k} {v:.3f}" for k, v in times.items())
            print(f"  ours [{estimator}]: all six {sum(times.values()):.2f} s  ({row})")
        if n == SIZES[-1] and args.skip_dowhy_large:
            print("  DoWhy: skipped (--skip-dowhy-large)")
            continue
        for ours_name, theirs in (("bootstrap", "bootstrap_refuter"),
                                  ("placebo", "placebo_treatment_refuter")):
            theirs_time = dowhy_time(frame, theirs, sims)
            mine = totals["linear_regression"][ours_name]
            print(f"  DoWhy {theirs} (linear regression): {theirs_time:.2f} s; ours "
                  f"{mine:.3f} s -> {theirs_time / mine:.0f}x faster; all six of ours "
                  f"(linear) {sum(totals['linear_regression'].values()):.2f} s = "
                  f"{theirs_time / sum(totals['linear_regression'].values()):.1f}x faster than "
                  "this one DoWhy refuter")


if __name__ == "__main__":
    main()
