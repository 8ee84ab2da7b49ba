"""Benchmark: Rosenbaum bounds for matched sets (m-statistic, separable approximation).

``causal.sensitivity.rosenbaum_bounds.matched_sets`` on SIMULATED matched sets (one treated and 1 to 3
controls, a normal response with an additive effect of 0.5) at 10^3 ... 10^6 sets and a grid
of 9 Γ values, next to R ``sensitivitymult::senm`` (sourced from a local clone of
github cran/sensitivitymult, path given by ``--senm-dir``; one call per Γ, as senm takes one Γ)
on the same data written to a temporary CSV. Prints CPU and wall time per size and the
machine's load; the R time excludes R's start-up and the CSV read.

Usage::

    uv run python benchmarks/bench_rosenbaum_sets.py --senm-dir /path/to/sensitivitymult
    uv run python benchmarks/bench_rosenbaum_sets.py --sizes 1000 10000 --no-peer
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

from causal.sensitivity.rosenbaum_bounds.matched_sets import rosenbaum_sets

GAMMAS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]

R_SCRIPT = r"""
args <- commandArgs(TRUE)
for (f in list.files(file.path(args[1], "R"), full.names = TRUE)) source(f)
m <- as.matrix(read.csv(args[2]))
y <- c(); z <- c(); ms <- c()
ok <- !is.na(m); n <- rowSums(ok)
y <- as.vector(t(m))[as.vector(t(ok))]
z <- unlist(lapply(n, function(k) c(1, rep(0, k - 1))))
ms <- rep(seq_len(nrow(m)), n)
gam <- as.numeric(strsplit(args[3], ",")[[1]])
t0 <- proc.time()
p <- sapply(gam, function(g) senm(y, z, ms, gamma = g)$pval)
t1 <- proc.time() - t0
cat(sprintf("%.4f %.4f %s\n", t1[["user.self"]] + t1[["sys.self"]], t1[["elapsed"]],
            paste(sprintf("%.12g", p), collapse = ",")))
"""


def simulate(n_sets: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    set_effect = rng.normal(size=n_sets)
    treated = set_effect + 0.5 + rng.normal(size=n_sets)
    controls = set_effect[:, None] + rng.normal(size=(n_sets, 3))
    n_controls = rng.integers(1, 4, size=n_sets)
    controls[np.arange(3)[None, :] >= n_controls[:, None]] = np.nan
    return treated, controls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    parser.add_argument("--senm-dir", default=None)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-max", type=int, default=10000)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()}")
    rosenbaum_sets(*simulate(50), GAMMAS)  # warm-up: scipy imports
    for n in args.sizes:
        treated, controls = simulate(n)
        c0, w0 = time.process_time(), time.perf_counter()
        ours = rosenbaum_sets(treated, controls, GAMMAS)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        line = f"n_sets={n:>8}: causal cpu {cpu:.3f} s wall {wall:.3f} s"
        if args.senm_dir and not args.no_peer and n <= args.peer_max:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "sets.csv")
                np.savetxt(path, np.column_stack([treated, controls]), delimiter=",",
                           header="t,c1,c2,c3", comments="", fmt="%.17g")
                script = os.path.join(tmp, "bench.R")
                with open(script, "w") as handle:
                    handle.write(R_SCRIPT)
                out = subprocess.run(["Rscript", script, args.senm_dir, path,
                                      ",".join(map(str, GAMMAS))], capture_output=True,
                                     text=True, check=True).stdout.split()
            r_cpu, r_wall = float(out[0]), float(out[1])
            r_p = np.array([float(v) for v in out[2].split(",")])
            agree = np.max(np.abs(r_p - ours.p_upper))
            line += (f" | senm cpu {r_cpu:.3f} s wall {r_wall:.3f} s | ratio (wall) "
                     f"{r_wall / wall:.1f}x | max |p diff| {agree:.2e}")
        print(line, flush=True)
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
