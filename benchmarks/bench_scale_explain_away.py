"""Benchmark: an explain-away grid at n = 10^4, in process and on local Dask clusters.

Run: uv run python benchmarks/bench_scale_explain_away.py [--grid 6] [--replicates 500]
     [--n 10000] [--workers 2] [--repeat 1]

The grid (``--grid`` x ``--grid`` cells of the hidden confounder's ORs, from 1 to 20) of
:func:`causal.sensitivity.simulations.explain_away` on SIMULATED cohorts of ``--n`` (the Thew study's
world), first in this process, then on a local cluster of each ``--workers`` count
(``LocalCluster(n_workers=w, threads_per_worker=1, processes=True, host="127.0.0.1")``, started
before the clock starts, and each worker warmed up like this process: one small explain-away
run, so module imports are not timed). Reported: wall time, CPU time (this process, plus the workers' user +
system time on a cluster), the speed-up in wall time, each worker's peak resident memory, and
whether the results are identical to the in-process run (they must be). Print the machine's
load (``uptime``) with the results: other work on the machine slows both runs.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from causal._parallel import cluster
from causal.sensitivity.simulations.explain_away import explain_away
from causal.study import load_study


def _worker_usage() -> dict:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def _warm_up() -> None:
    explain_away(load_study("studies/thew2024.toml"), uptake_ors=[1.0], recovery_ors=[1.0],
                 replicates=10, random_state=0)


def timed(study, grid, args) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = explain_away(study, uptake_ors=grid, recovery_ors=grid, replicates=args.replicates,
                          n=args.n, random_state=2024, max_memory_mb=8192)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, default=6)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    study = load_study("studies/thew2024.toml")
    grid = np.geomspace(1, 20, args.grid)
    explain_away(study, uptake_ors=[1.0], recovery_ors=[1.0], replicates=10, random_state=0)
    fits = grid.size**2 * args.replicates
    print(f"explain_away: {args.grid} x {args.grid} grid x {args.replicates} replicates = "
          f"{fits:,} logistic fits at n = {args.n} (SIMULATED); cores {os.cpu_count()}")
    rows = []
    for _ in range(args.repeat):
        load = os.getloadavg()
        reference, wall, cpu = timed(study, grid, args)
        rows.append({"where": "in process", "wall": wall, "cpu": cpu, "load": load})
        print(json.dumps(rows[-1]), flush=True)
        for w in args.workers:
            with cluster(workers=w) as runner:
                # warm-up, as in process: every worker imports the modules a block needs and
                # runs a small block before the clock starts (worker start-up is not timed)
                runner.client.run(_warm_up)
                before = runner.client.run(_worker_usage)
                load = os.getloadavg()
                from distributed import get_task_stream

                with get_task_stream(runner.client) as stream:
                    result, wall_c, cpu_c = timed(study, grid, args)
                after = runner.client.run(_worker_usage)
                starts = [t["startstops"][-1] for t in stream.data if t["startstops"]]
                origin = min(s["start"] for s in starts)
                tasks = sorted((round(s["start"] - origin, 1), round(s["stop"] - origin, 1),
                                s.get("action", "")) for s in starts)
            worker_cpu = sum(after[k]["cpu"] - before[k]["cpu"] for k in after)
            same = all(np.array_equal(getattr(result, f), getattr(reference, f), equal_nan=True)
                       for f in ("mean_log_or", "mean_log_or_se", "p_at_least", "converged"))
            rows.append({"where": f"{w} workers", "wall": wall_c, "cpu": cpu_c + worker_cpu,
                         "client_cpu": cpu_c, "speedup": wall / wall_c,
                         "worker_cpu": [round(after[k]["cpu"] - before[k]["cpu"], 1)
                                        for k in after],
                         "worker_peak_mb": [round(v["peak_mb"]) for v in after.values()],
                         "identical": same, "load": load, "task_spans": tasks})
            print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
