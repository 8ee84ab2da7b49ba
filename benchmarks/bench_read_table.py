"""Benchmark: reading a user's large file with ``causal.data.read_table``.

Writes a SIMULATED cohort of ``--rows`` rows (default 10^7) with 12 columns (treatment,
binary outcome, 8 numeric covariates, 2 undeclared text-free columns) to Parquet, Feather and
CSV in a temporary folder, then reads the treatment, the outcome and 6 covariates (8 declared
columns) with ``read_table`` in a fresh process per format, and prints wall time, CPU time and
the peak resident memory (``ru_maxrss``) of that process next to :func:`memory_needed`'s
estimate for the declared columns.

Usage::

    uv run python benchmarks/bench_read_table.py [--rows 10000000] [--formats parquet,feather,csv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

COVARIATES = [f"x{i}" for i in range(6)]

CHILD = """
import json, resource, sys, time
from causal.data.files import read_table
path = sys.argv[1]
wall, cpu = time.perf_counter(), time.process_time()
table = read_table(path, treatment="treated", outcome="outcome",
                   covariates=[f"x{i}" for i in range(6)], outcome_kind="binary")
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rows": table.n_used, "columns": table.frame.shape[1],
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def simulated(rows: int, seed: int = 0) -> pd.DataFrame:
    """A SIMULATED cohort (no real people): covariates N(0, 1), treatment and outcome Bernoulli."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.standard_normal(rows) for i in range(8)})
    frame["treated"] = (rng.random(rows) < 0.3).astype("int64")
    frame["outcome"] = (rng.random(rows) < 0.4).astype("int64")
    frame["simulated"] = 1
    frame["row_id"] = np.arange(rows)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10**7)
    parser.add_argument("--formats", default="parquet,feather,csv")
    args = parser.parse_args()
    from causal.data.files import memory_needed

    with tempfile.TemporaryDirectory() as folder:
        frame = simulated(args.rows)
        paths = {}
        for fmt in args.formats.split(","):
            path = Path(folder) / f"simulated_cohort.{fmt}"
            start = time.perf_counter()
            if fmt == "csv":
                frame.to_csv(path, index=False)
            else:
                getattr(frame, f"to_{fmt}")(path)
            paths[fmt] = path
            print(f"wrote {fmt}: {path.stat().st_size / 1e6:.0f} MB in "
                  f"{time.perf_counter() - start:.1f} s")
        del frame
        estimate = memory_needed(args.rows, 8)
        for fmt, path in paths.items():
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                                 capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"{fmt:8s} rows {result['rows']:,}  wall {result['wall']:.2f} s  cpu "
                  f"{result['cpu']:.2f} s  peak RSS {result['peak_rss'] / 1e9:.2f} GB  "
                  f"(memory_needed for 8 columns: {estimate / 1e9:.2f} GB)")


if __name__ == "__main__":
    main()
