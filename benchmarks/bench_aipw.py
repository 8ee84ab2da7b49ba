"""Benchmark: doubly robust (AIPW) estimate with a 1,000-replicate bootstrap CI.

Runs ``causal.estimate.AIPW`` (5-fold cross-fitting, logistic propensity and linear outcome
models, 1,000 multiplier-bootstrap replicates) at n = 10^4, 10^5, 10^6 with 8 covariates on
simulated data, next to EconML's ``LinearDRLearner`` (explicit unpenalised logistic/linear
nuisance models, 5 folds, ``fit`` + analytic ``ate_interval``) and DoWhy's
``backdoor.propensity_score_weighting`` (point estimate only, on a fresh copy of the data),
and prints times and ratios. Our estimator runs in a child process so that its peak resident
memory (ru_maxrss) is its own.

Target (issue 4): n = 10^6 with 1,000 replicates in at most 15 s on a 2-core machine, peak
memory under 2 GB.

Usage::

    uv run python benchmarks/bench_aipw.py                 # all sizes, peers everywhere
    uv run python benchmarks/bench_aipw.py --skip-peers-at 1000000
    uv run python benchmarks/bench_aipw.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

N_COVARIATES = 8
N_REPLICATES = 1000


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """Simulated cohort: 8 standard-normal covariates, logistic treatment, linear outcome with a
    true effect of 1.0 (ATE)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, N_COVARIATES))
    beta_a = np.linspace(-0.4, 0.4, N_COVARIATES)
    a = (rng.random(n) < 1 / (1 + np.exp(-(x @ beta_a)))).astype(float)
    y = 1.0 * a + x @ np.linspace(0.5, -0.5, N_COVARIATES) + rng.standard_normal(n)
    frame = pd.DataFrame(x, columns=[f"x{j}" for j in range(N_COVARIATES)])
    frame["a"], frame["y"] = a, y
    frame.attrs["simulated"] = True
    return frame


COVS = [f"x{j}" for j in range(N_COVARIATES)]


def run_ours(n: int) -> dict:
    from causal.estimate import AIPW

    data = simulate(n)
    start, cpu = time.perf_counter(), time.process_time()
    result = AIPW(cv=5, n_bootstrap=N_REPLICATES, random_state=1).estimate(
        data, treatment="a", outcome="y", covariates=COVS)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "estimate": result.estimate,
            "ci": result.ci, "boot_ci": result.bootstrap.ci}


def run_econml(data: pd.DataFrame) -> dict:
    from econml.dr import LinearDRLearner
    from sklearn.linear_model import LinearRegression, LogisticRegression

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = LinearDRLearner(model_propensity=LogisticRegression(C=np.inf, max_iter=1000),
                              model_regression=LinearRegression(), cv=5, random_state=1)
        est.fit(data["y"].to_numpy(), data["a"].to_numpy(), X=None, W=data[COVS].to_numpy())
        ate = float(np.ravel(est.ate())[0])
        lo, hi = (float(np.ravel(v)[0]) for v in est.ate_interval(alpha=0.05))
    return {"seconds": time.perf_counter() - start, "estimate": ate, "ci": (lo, hi)}


def run_dowhy(data: pd.DataFrame) -> dict:
    from dowhy import CausalModel
    from sklearn.linear_model import LogisticRegression

    fresh = data.copy()  # DoWhy writes columns into the frame it is given
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = CausalModel(data=fresh, treatment="a", outcome="y", common_causes=COVS)
        estimand = model.identify_effect(proceed_when_unidentifiable=True)
        value = model.estimate_effect(
            estimand, method_name="backdoor.propensity_score_weighting",
            method_params={"weighting_scheme": "ips_normalized_weight",
                           "propensity_score_model": LogisticRegression(C=np.inf,
                                                                        max_iter=1000)}).value
    return {"seconds": time.perf_counter() - start, "estimate": float(value)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--skip-peers-at", type=int, nargs="*", default=[],
                        help="sizes at which EconML and DoWhy are not run")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_ours(args.worker)))
        return

    print(f"AIPW benchmark: {N_COVARIATES} covariates, 5-fold cross-fitting, "
          f"{N_REPLICATES} bootstrap replicates (simulated data, true ATE 1.0)")
    import os

    print(f"load average before start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other processes slow every column alike)")
    header = (f"{'n':>9} | {'causal s':>8} {'CPU s':>6} {'peak MB':>8} | {'EconML s':>8} {'ratio':>6} | "
              f"{'DoWhy s':>8} {'ratio':>6} | estimates (causal / EconML / DoWhy)")
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--worker", str(n)], check=True,
                             capture_output=True, text=True)
        ours = json.loads(out.stdout.strip().splitlines()[-1])
        line = (f"{n:>9} | {ours['seconds']:8.2f} {ours['cpu']:6.2f} {ours['peak_mb']:8.0f} | ")
        if n in args.skip_peers_at:
            line += f"{'skipped':>8} {'':>6} | {'skipped':>8} {'':>6} | {ours['estimate']:.4f}"
        else:
            data = simulate(n)
            econ, dowhy = run_econml(data), run_dowhy(data)
            line += (f"{econ['seconds']:8.2f} {econ['seconds'] / ours['seconds']:6.2f} | "
                     f"{dowhy['seconds']:8.2f} {dowhy['seconds'] / ours['seconds']:6.2f} | "
                     f"{ours['estimate']:.4f} / {econ['estimate']:.4f} / "
                     f"{dowhy['estimate']:.4f}")
        print(line)
        print(f"{'':>9}   causal Wald CI ({ours['ci'][0]:.4f}, {ours['ci'][1]:.4f}), bootstrap "
              f"CI ({ours['boot_ci'][0]:.4f}, {ours['boot_ci'][1]:.4f})"
              + ("" if n in args.skip_peers_at else
                 f"; EconML CI ({econ['ci'][0]:.4f}, {econ['ci'][1]:.4f})"))
    print("ratio = peer seconds / causal seconds (wall clock; EconML: fit + ate_interval, "
          "analytic; DoWhy: point estimate only, no CI). CPU s: causal's process CPU time "
          "over all threads. Peak MB: causal's process (ru_maxrss), including the Python "
          "interpreter and the data.")


if __name__ == "__main__":
    main()
