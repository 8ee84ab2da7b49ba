"""Benchmark: the explain-away grid (20 x 20 cells x 500 replicates at n = 302) against a loop
of statsmodels Logit fits.

Run: uv run python benchmarks/bench_explain_away.py [--grid 20] [--replicates 500] [--threads 1]

Prints wall and CPU time of :func:`causal.sensitivity.explain_away` (including the grid solver
and the simulation), the time per fit, the ratio against statsmodels.Logit fitted in a plain
Python loop on the same kind of SIMULATED cohorts (a few hundred fits timed, extrapolated to the
grid's number of fits), and the machine's load before and after.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from causal.worlds.calibrate import adjusted_design
from causal.data.cohort import simulate_cohorts
from causal.sensitivity.explain_away import explain_away
from causal.study import load_study


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, default=20)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--statsmodels-fits", type=int, default=300)
    args = parser.parse_args()
    import os

    load_before = os.getloadavg()[0]
    study = load_study("studies/thew2024.toml")
    grid = np.geomspace(1, 20, args.grid)
    explain_away(study, uptake_ors=[1.0], recovery_ors=[1.0], replicates=10, random_state=0)
    wall, cpu = time.perf_counter(), time.process_time()
    result = explain_away(study, uptake_ors=grid, recovery_ors=grid, replicates=args.replicates,
                          n_threads=args.threads, random_state=2024)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    fits = grid.size**2 * args.replicates

    import statsmodels.api as sm

    data = study.data
    cohorts = simulate_cohorts(study, "self-selection only", replicates=args.statsmodels_fits,
                               random_state=1)
    X = adjusted_design(dict(cohorts), data)
    y = cohorts["recovery"].astype(float)
    sm_wall, sm_cpu = time.perf_counter(), time.process_time()
    for r in range(args.statsmodels_fits):
        sm.Logit(y[r], X[r]).fit(disp=0, method="newton")
    sm_wall = (time.perf_counter() - sm_wall) / args.statsmodels_fits
    sm_cpu = (time.process_time() - sm_cpu) / args.statsmodels_fits

    print(f"explain_away: {args.grid} x {args.grid} grid x {args.replicates} replicates "
          f"= {fits:,} logistic fits at n = {result.n} (SIMULATED), threads {args.threads}")
    print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s  ({1e3 * wall / fits:.3f} ms wall, "
          f"{1e3 * cpu / fits:.3f} ms CPU per fit, simulation and solver included)")
    print(f"statsmodels.Logit loop: {1e3 * sm_wall:.2f} ms wall, {1e3 * sm_cpu:.2f} ms CPU per "
          f"fit ({args.statsmodels_fits} fits timed); extrapolated to {fits:,} fits: "
          f"{sm_wall * fits:.0f} s wall, {sm_cpu * fits:.0f} s CPU (fits only, no simulation)")
    print(f"ratio statsmodels / explain_away: {sm_wall * fits / wall:.1f}x wall, "
          f"{sm_cpu * fits / cpu:.1f}x CPU")
    print(f"load (1-minute average, {os.cpu_count()} cores): {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    print(f"diagonal crossing of mean adjusted OR {result.reported_or:g}: "
          f"{result.diagonal_crossing('mean'):.2f}; P(OR >= {result.reported_or:g}) = 0.5 at "
          f"{result.diagonal_crossing('probability'):.2f}; non-converged fits: "
          f"{int(fits - result.converged.sum())}")


if __name__ == "__main__":
    main()
