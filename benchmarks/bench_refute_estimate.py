"""Six refuters x 100 simulations on an IPW estimate, against DoWhy's four, in the same run.

Usage:  uv run python benchmarks/bench_refute_estimate.py [--n 100000] [--simulations 100]
        [--estimator ipw|ipw_att|aipw|regression] [--skip-dowhy]

SIMULATED data (two confounders, binary treatment, continuous outcome). Ours:
``causal.refute.refute(estimate, data, unobserved_strengths=(0.1, 0.5))``, which refits the
estimator behind the estimate (IPW's batched hook) in placebo, random common cause, subset,
bootstrap, dummy outcome and unobserved common cause refuters. DoWhy 0.14:
``backdoor.propensity_score_weighting`` with its placebo, random common cause, data subset and
bootstrap refuters (its dummy outcome refuter crashes under pandas 3; FACTS.md), each on a fresh
copy of the data (causal/refute/dowhy_adapter.py). Printed: wall and CPU seconds (CPU of this
process, all threads) and the 1-minute load average before and after, since the machine is
shared.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y})
    frame.attrs["simulated"] = True
    return frame


def timed(call):  # noqa: ANN001, ANN201
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--simulations", type=int, default=100)
    parser.add_argument("--estimator", default="ipw",
                        choices=("ipw", "ipw_att", "aipw", "regression"))
    parser.add_argument("--skip-dowhy", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import causal.refute as cr
    from causal.estimate import AIPW, IPW, OutcomeRegression

    make = {"ipw": lambda: IPW(), "ipw_att": lambda: IPW(estimand="att"),
            "aipw": lambda: AIPW(random_state=1), "regression": lambda: OutcomeRegression()}
    frame = simulate(args.n)
    covariates = ["a", "b"]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    estimate, wall, cpu = timed(lambda: make[args.estimator]().estimate(
        frame, treatment="t", outcome="y", covariates=covariates))
    print(f"estimate ({estimate.method}, {estimate.label}) = {estimate.estimate:.4f}: "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU")
    cr.refute(estimate, frame, refuter="placebo_treatment",
              n_simulations=2, random_state=0)  # warm-up (imports)
    walls, cpus = [], []
    for repeat in range(3):
        suite, wall, cpu = timed(lambda seed=repeat: cr.refute(
            estimate, frame, n_simulations=args.simulations, random_state=seed,
            unobserved_strengths=(0.1, 0.5)))
        walls.append(wall)
        cpus.append(cpu)
    print(f"ours, six refuters x {args.simulations}, n = {args.n:,}: median {np.median(walls):.2f} "
          f"s wall, {np.median(cpus):.2f} s CPU (runs: "
          + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in zip(walls, cpus, strict=True)) + ")")
    print(suite.verdicts()[["refuter", "verdict", "refuted_mean"]].to_string(index=False))
    if not args.skip_dowhy and args.estimator.startswith("ipw"):
        from causal.refute.dowhy_adapter import dowhy_refute

        total_wall = total_cpu = 0.0
        for refuter in ("placebo_treatment_refuter", "random_common_cause",
                        "data_subset_refuter", "bootstrap_refuter"):
            _, wall, cpu = timed(lambda: dowhy_refute(  # noqa: B023
                frame, treatment="t", outcome="y", covariates=covariates, refuter=refuter,  # noqa: B023
                n_simulations=args.simulations, random_state=1,
                method_name="backdoor.propensity_score_weighting"))
            total_wall += wall
            total_cpu += cpu
            print(f"  DoWhy {refuter}: {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"DoWhy's four: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU; ours (six) is "
              f"{total_wall / np.median(walls):.1f}x faster in wall time, "
              f"{total_cpu / np.median(cpus):.1f}x in CPU")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
