"""Benchmark: the GLM core's single logistic fit at n = 10^6 and 10^7 (p = 10), and a batched
refit at n = 10^5 x 100 replicates, against statsmodels in the same run.

Run: uv run python benchmarks/bench_glm_core.py [--sizes 1e6 1e7] [--replicates 100]
     [--skip-statsmodels]

SIMULATED data: nine standard normal covariates and an intercept, a 0/1 outcome from a logistic
model with coefficients -0.5, linspace(-0.5, 0.5, 9). Timed: ``causal._glm.fit_logistic_one``
(what every estimator's logistic fit calls, with its information matrix and fitted values),
best of two runs, inside the project's BLAS guard as the estimators run it; statsmodels
``Logit(...).fit(method="newton")`` once at each size. The batched refit is
``causal._glm.fit_logistic`` on a shared design with bootstrap (Poisson(1)) weights, what a
bootstrap refuter of an IPW propensity model does. Printed: wall and CPU seconds, the largest
coefficient difference against statsmodels, and the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from causal._glm import add_intercept, fit_logistic, fit_logistic_one, single_threaded_blas


def clock(f):
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def simulate(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=(n, 9))
    eta = -0.5 + x @ np.linspace(-0.5, 0.5, 9)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return add_intercept(x), y


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 1e7])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--skip-statsmodels", action="store_true")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average), {os.cpu_count()} cores")
    rng = np.random.default_rng(0)
    for size in args.sizes:
        n = int(size)
        z, y = simulate(n, rng)
        with single_threaded_blas():
            runs = [clock(lambda z=z, y=y: fit_logistic_one(z, y)) for _ in range(2)]
        wall, cpu, fit = min(runs, key=lambda run: run[0])
        line = (f"single logistic fit, n = {n:.0e}, p = 10 (SIMULATED): wall {wall:.2f} s, "
                f"CPU {cpu:.2f} s, {int(fit.n_iter[0])} iterations")
        if not args.skip_statsmodels:
            import statsmodels.api as sm

            sw, sc, peer = clock(lambda z=z, y=y: sm.Logit(y, z).fit(disp=0, method="newton"))
            diff = np.max(np.abs(fit.coef[0] - peer.params))
            line += (f"; statsmodels {sw:.2f} s wall, {sc:.2f} s CPU (ratio {sw / wall:.1f}x "
                     f"wall); max |coef difference| {diff:.1e}")
        print(line, flush=True)
        del z, y
    n, reps = 100_000, args.replicates
    z, t = simulate(n, rng)
    weights = rng.poisson(1.0, size=(reps, n)).astype(float)
    with single_threaded_blas():
        runs = [clock(lambda: fit_logistic(z, [], t, weights, reps, tol=1e-10))
                for _ in range(2)]
    wall, cpu, fit = min(runs, key=lambda run: run[0])
    print(f"batched logistic refit, n = 1e5 x {reps} bootstrap replicates (SIMULATED): wall "
          f"{wall:.2f} s, CPU {cpu:.2f} s, all converged: {bool(fit.converged.all())}")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
