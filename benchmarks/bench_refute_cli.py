"""`causal refute` (or `causal estimate`) on SIMULATED Thew-shaped cohorts of 10^5-10^6 rows.

Usage:  uv run python benchmarks/bench_refute_cli.py [--sizes 100000 300000 1000000]
        [--estimator auto] [--simulations 100] [--command refute|estimate] [--workers N]

Each size runs ``causal refute STUDY --json`` in a child process on a copy of
studies/thew2024.toml with ``n`` replaced (written beside the original so its relative graph
path resolves, and removed afterwards). Printed per size: wall seconds, CPU seconds (user +
system of the child; with ``--workers`` the Dask workers are grandchildren and their CPU is
included once they exit) and its peak resident memory (the largest single process), with the
1-minute load average, since the machine is shared. Linear in n means the seconds per 10^5 rows
stay flat.

A scale benchmark, without a peer: the command has no one-refuter form, so a comparison with
one DoWhy refuter would not be the same work. The same refuters against DoWhy's, interleaved,
are in benchmarks/bench_refute_estimate.py and benchmarks/bench_refuters.py.
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
    args = parser.parse_args()
    print(f"causal {args.command}" + (f" --estimator {args.estimator}, {args.simulations} "
                                      "simulations" if args.command == "refute" else "")
          + ", SIMULATED cohorts")
    if args.workers:
        print(f"on a local Dask cluster of {args.workers} workers (--workers)")
    for n in args.sizes:
        load = os.getloadavg()[0]
        wall, cpu, peak = run(n, args.estimator, args.simulations, args.command, args.workers)
        print(f"n = {n:>9,}: {wall:6.1f} s wall, {cpu:6.1f} s CPU "
              f"({cpu / n * 1e5:.2f} s CPU per 10^5 rows), peak RSS {peak:.2f} GB "
              f"; load {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
