"""`causal refute` (or `causal estimate`) on SIMULATED Thew-shaped cohorts of 10^5-10^6 rows.

Usage:  uv run python benchmarks/bench_refute_cli.py [--sizes 100000 300000 1000000]
        [--estimator auto] [--simulations 100] [--command refute|estimate] [--workers N]
        [--dowhy]

Each size runs ``causal refute STUDY --json`` in a child process on a copy of
studies/thew2024.toml with ``n`` replaced (written beside the original so its relative graph
path resolves, and removed afterwards). Printed per size: wall seconds, CPU seconds (user +
system of the child; with ``--workers`` the Dask workers are grandchildren and their CPU is
included once they exit) and its peak resident memory (the largest single process), with the
1-minute load average, since the machine is shared. Linear in n means the seconds per 10^5 rows
stay flat.

``--dowhy``: at the smallest size, DoWhy 0.14's bootstrap refuter (``backdoor.
propensity_score_weighting``: DoWhy has no logistic outcome model in our adapter, so this is its
IPW, on the same SIMULATED cohort and covariates, the same number of simulations) is timed in
this process, and the ratio to our whole `causal refute` run (five refuters, cohort simulation
and imports included) is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def study_text(n: int) -> str:
    text = (ROOT / "studies" / "thew2024.toml").read_text()
    head, data = text.split("\n[data]\n", 1)  # the [data] table's n, not the claim's
    return head + "\n[data]\n" + re.sub(r"(?m)^n = 302\b", f"n = {n}", data, count=1)


def dowhy_seconds(n: int, simulations: int) -> tuple[float, float]:
    """Wall and CPU seconds of DoWhy's bootstrap refuter on the SIMULATED cohort of size n."""
    import warnings

    from causal.data import load_study_data
    from causal.refute.dowhy_adapter import dowhy_refute
    from causal.refute.study import design_frame
    from causal.study.api import as_study

    study = ROOT / "studies" / f"_bench_dowhy_{n}.toml"
    study.write_text(study_text(n))
    try:
        loaded = as_study(study)
        frame = load_study_data(loaded, None, random_state=1)
    finally:
        study.unlink()
    spec = loaded.data
    data, covariates, _ = design_frame(
        frame, treatment=loaded.treatment, outcome=loaded.outcome,
        covariates=tuple(spec.covariates), categorical=tuple(spec.categorical),
        squared=tuple(spec.squared))
    warnings.simplefilter("ignore")
    wall, cpu = time.perf_counter(), time.process_time()
    dowhy_refute(data, treatment=loaded.treatment, outcome=loaded.outcome,
                 covariates=list(covariates), refuter="bootstrap_refuter",
                 n_simulations=simulations, random_state=1,
                 method_name="backdoor.propensity_score_weighting")
    return time.perf_counter() - wall, time.process_time() - cpu


def run(n: int, estimator: str, simulations: int, command: str = "refute",
        workers: int | None = None) -> tuple[float, float, float]:
    study = ROOT / "studies" / f"_bench_{command}_{n}.toml"
    study.write_text(study_text(n))
    try:
        start = time.perf_counter()
        options = (["--estimator", estimator, "--simulations", str(simulations)]
                   if command == "refute" else [])
        if workers is not None:
            options += ["--workers", str(workers)]
        child = subprocess.Popen([sys.executable, "-m", "causal.cli", command, str(study),
                                  "--json", *options], stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak memory
        wall = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"causal refute failed at n = {n} (status {status})")
    finally:
        study.unlink()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--estimator", default="auto")
    parser.add_argument("--simulations", type=int, default=100)
    parser.add_argument("--command", default="refute", choices=("refute", "estimate"))
    parser.add_argument("--workers", type=int, default=None,
                        help="pass --workers N (a local Dask cluster) to the command")
    parser.add_argument("--dowhy", action="store_true",
                        help="time DoWhy's bootstrap refuter at the smallest size")
    args = parser.parse_args()
    print(f"causal {args.command}" + (f" --estimator {args.estimator}, {args.simulations} "
                                      "simulations" if args.command == "refute" else "")
          + ", SIMULATED cohorts")
    if args.workers:
        print(f"on a local Dask cluster of {args.workers} workers (--workers)")
    first = None
    for n in args.sizes:
        load = os.getloadavg()[0]
        wall, cpu, peak = run(n, args.estimator, args.simulations, args.command, args.workers)
        first = first or (n, wall, cpu)
        print(f"n = {n:>9,}: {wall:6.1f} s wall, {cpu:6.1f} s CPU "
              f"({cpu / n * 1e5:.2f} s CPU per 10^5 rows), peak RSS {peak:.2f} GB "
              f"; load {load:.1f}", flush=True)
    if args.dowhy and args.command == "refute":
        n, wall, cpu = first
        load = os.getloadavg()[0]
        theirs_wall, theirs_cpu = dowhy_seconds(n, args.simulations)
        print(f"DoWhy 0.14 bootstrap refuter alone (IPW), n = {n:,}, {args.simulations} "
              f"simulations: {theirs_wall:.1f} s wall, {theirs_cpu:.1f} s CPU; load {load:.1f}. "
              f"Our whole `causal refute` run is {theirs_wall / wall:.1f}x faster in wall time, "
              f"{theirs_cpu / cpu:.1f}x in CPU")


if __name__ == "__main__":
    main()
