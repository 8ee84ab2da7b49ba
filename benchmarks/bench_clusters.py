"""Benchmark: cluster-robust AIPW against the iid one at n = 10^6 (issue 23).

SIMULATED data: 10^6 rows in 10^4 clusters of 100 (a shared cluster effect in uptake and
outcome), 8 standard-normal covariates, logistic treatment, linear outcome. The same
``causal.estimate.AIPW`` (5-fold cross-fitting, 1,000 multiplier-bootstrap replicates) runs
with ``cluster="cluster"`` (folds of whole clusters, CR1 SE from influence values summed
within clusters, one bootstrap sign per cluster) and without. CPU seconds (process time) are
compared, best of ``--repeat`` runs each, alternating, after one warm-up; the machine's load
average is printed before and after, since the machine is shared.

Target (issue 23): cluster-robust <= 1.2 x iid.

Usage::

    uv run python benchmarks/bench_clusters.py
    uv run python benchmarks/bench_clusters.py --n 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

N_COVARIATES = 8
COVS = [f"x{j}" for j in range(N_COVARIATES)]


def simulate(n: int, cluster_size: int = 100, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = n // cluster_size
    codes = np.repeat(np.arange(g), cluster_size)[:n]
    u = rng.standard_normal(g)[codes]
    x = rng.standard_normal((n, N_COVARIATES))
    a = (rng.random(n) < 1 / (1 + np.exp(-(x @ np.linspace(-0.4, 0.4, N_COVARIATES)
                                             + 0.5 * u)))).astype(float)
    y = a + x @ np.linspace(0.5, -0.5, N_COVARIATES) + u + rng.standard_normal(n)
    frame = pd.DataFrame(x, columns=COVS)
    frame["a"], frame["y"], frame["cluster"] = a, y, codes
    frame.attrs["simulated"] = True
    return frame


def once(data: pd.DataFrame, clustered: bool, n_bootstrap: int = 1000
         ) -> tuple[float, float, object]:
    from causal.estimate import AIPW

    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = AIPW(cv=5, n_bootstrap=n_bootstrap, random_state=1).estimate(
            data, treatment="a", outcome="y", covariates=COVS,
            cluster="cluster" if clustered else None)
    return time.process_time() - cpu, time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bootstrap", type=int, default=1000,
                        help="multiplier-bootstrap replicates (0: the Wald SE only)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    data = simulate(args.n)
    once(data.iloc[:20000], True)  # warm-up (imports, caches)
    best = {False: (np.inf, np.inf), True: (np.inf, np.inf)}
    results = {}
    for _ in range(args.repeat):
        for clustered in (False, True):
            cpu, wall, result = once(data, clustered, args.bootstrap)
            results[clustered] = result
            best[clustered] = (min(best[clustered][0], cpu), min(best[clustered][1], wall))
    iid, cl = results[False], results[True]
    print(f"n = {args.n:,}, {int(data['cluster'].max()) + 1:,} clusters (SIMULATED); "
          f"{args.bootstrap} bootstrap replicates (with clusters, one sign per cluster, so "
          "the bootstrap costs less)")
    print(f"iid AIPW:      CPU {best[False][0]:.2f} s, wall {best[False][1]:.2f} s; "
          f"estimate {iid.estimate:.4f}, SE {iid.std_error:.5f}")
    print(f"cluster AIPW:  CPU {best[True][0]:.2f} s, wall {best[True][1]:.2f} s; "
          f"estimate {cl.estimate:.4f}, SE {cl.std_error:.5f} "
          f"(design effect {cl.clustering.design_effect:.3g})")
    ratio = best[True][0] / best[False][0]
    print(f"CPU ratio cluster / iid: {ratio:.3f} (target <= 1.2: "
          f"{'met' if ratio <= 1.2 else 'NOT met'})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
