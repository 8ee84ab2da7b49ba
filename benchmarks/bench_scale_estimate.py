"""Benchmark: estimating on a national-cohort-sized Parquet file (10^6, 3*10^6, 10^7 rows).

Run: uv run python benchmarks/bench_scale_estimate.py [--rows 1e6 3e6 1e7] [--dir /tmp/scale]
     [--timeout 900]

For each size a SIMULATED Parquet file is written once (row groups of 10^6; the model of
tests/_own_data.py: severity, female, a text region, a binary outcome with true conditional
OR 2, plus four columns no study declares, so that reading only the declared columns matters).
Then a fresh process runs ``causal estimate STUDY.toml`` on a study file written next to it
(``[data] source`` = that file, covariates severity, female and region): it reads the declared
columns only and runs every estimator :func:`causal.estimate.study.estimate_study` runs
(crude, outcome regression, g-computation, IPW and AIPW for OR and RD, matching) on one
prepared design with shared fits. Reported per size: wall time, CPU time (user + system of the
child), peak resident memory (``ru_maxrss`` of the child). A child that exceeds ``--timeout`` is killed and
reported as such. Print the machine's load (``uptime``) with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

COLUMNS = ("treated", "recovered", "severity", "female", "region")
UNUSED = ("person_id", "score", "noise_a", "noise_b")
CHUNK = 1_000_000


def write_cohort(path: Path, n: int, seed: int = 2026) -> None:
    """A SIMULATED cohort of ``n`` rows in row groups of 10^6 (bounded memory while writing)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from scipy.special import expit

    regions = np.array(["north", "south", "east"])
    r_t, r_y = np.array([0.0, 0.3, -0.3]), np.array([0.0, -0.2, 0.2])
    writer = None
    rng = np.random.default_rng(seed)
    for lo in range(0, n, CHUNK):
        m = min(CHUNK, n - lo)
        severity = rng.standard_normal(m)
        female = (rng.random(m) < 0.5).astype(np.int64)
        code = rng.integers(0, 3, m)
        treated = (rng.random(m) < expit(-0.4 + 0.8 * severity + 0.3 * female + r_t[code])
                   ).astype(np.int64)
        eta = -0.5 - 0.6 * severity + 0.4 * female + r_y[code] + np.log(2.0) * treated
        recovered = (rng.random(m) < expit(eta)).astype(np.int64)
        table = pa.table({
            "person_id": np.arange(lo, lo + m, dtype=np.int64), "treated": treated,
            "recovered": recovered, "score": 10 + 1.5 * treated - 2 * severity,
            "severity": severity, "female": female, "region": regions[code],
            "noise_a": rng.standard_normal(m), "noise_b": rng.standard_normal(m)})
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


STUDY = """[study]
name = "simulated_cohort_{n}"
title = "recovered by treated in a SIMULATED cohort of {n} rows"
treatment = "treated"
outcome = "recovered"

[data]
source = "{file}"
covariates = ["severity", "female", "region"]
categorical = ["region"]
"""

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from causal.data.files import read_table
from causal.estimate.study import _estimators
table = read_table(sys.argv[1], treatment="treated", outcome="recovered",
                   covariates=["severity", "female", "region"], categorical=["region"],
                   outcome_kind="binary")
frame = table.frame
times = {"read": time.perf_counter() - t0}
kwargs = dict(treatment="treated", outcome="recovered",
              covariates=["severity", "female", "region"], categorical=["region"], squared=[])
estimates = {}
for estimator in _estimators("binary", (), 20240101, "ate"):
    t = time.perf_counter()
    result = estimator.estimate(frame, **kwargs)
    name = f"{type(estimator).__name__}({estimator.measure})"
    times[name] = time.perf_counter() - t
    estimates[name] = result.estimate
print(json.dumps({"times": times, "estimates": estimates, "n": len(frame)}))
"""


def run_child(path: Path, timeout: float, library: bool = False) -> dict:
    start = time.perf_counter()
    if library:
        command = [sys.executable, "-c", CHILD, str(path)]
    else:
        study = path.with_suffix(".toml")
        study.write_text(STUDY.format(n=path.stem.rsplit("_", 1)[-1], file=path.name))
        command = [sys.executable, "-m", "causal.cli", "estimate", str(study), "--json"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"timeout": timeout, "cpu": usage.ru_utime + usage.ru_stime,
                    "peak_gb": usage.ru_maxrss / 2**20}
        time.sleep(0.2)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"status {status}"}
    data = json.loads(out.strip().splitlines()[-1]) if library else {
        "estimates": len(json.loads(out)["estimates"])}
    data.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                peak_gb=usage.ru_maxrss / 2**20)  # ru_maxrss is in KiB on Linux
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", nargs="+", type=float, default=[1e6, 3e6, 1e7])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/causal-scale"))
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--library", action="store_true",
                        help="each estimator's own estimate() call, as before the study path")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"load before: {os.getloadavg()}, cores: {os.cpu_count()}")
    for rows in args.rows:
        n = int(rows)
        path = args.dir / f"simulated_cohort_{n}.parquet"
        if not path.exists():
            t = time.perf_counter()
            write_cohort(path, n)
            print(f"wrote {path} ({path.stat().st_size / 2**20:.0f} MB, SIMULATED) in "
                  f"{time.perf_counter() - t:.1f} s")
        load = os.getloadavg()
        result = run_child(path, args.timeout, args.library)
        result["load_before"] = load
        result["load"] = os.getloadavg()
        print(json.dumps({"rows": n, **result}), flush=True)


if __name__ == "__main__":
    main()
