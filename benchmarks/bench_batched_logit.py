"""Batched logistic regression vs a Python loop of statsmodels Logit fits.

Design of the size of Thew et al. (2024): n = 302, an intercept, a binary treatment and nine
covariates (11 coefficients), simulated (not real data). R = 10,000 replicates are fitted by
``causal._glm.fit_logit_batch`` in chunks; a few hundred statsmodels fits are timed and
extrapolated. The explain-away target is 20 x 20 grid points x 500 replicates = 200,000 fits
within 60 s; the projected time for that is printed too.

Run: ``uv run python benchmarks/bench_batched_logit.py [--replicates 10000] [--peer 300]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from causal._glm import fit_logit_batch

N_OBS = 302
TARGET_FITS = 20 * 20 * 500


def simulated_chunk(rng: np.random.Generator, n_rep: int) -> tuple[np.ndarray, np.ndarray]:
    """Simulated cohorts: 4 binary and 5 normal covariates, uptake ~22%, recovery ~31%."""
    binary = (rng.uniform(size=(n_rep, N_OBS, 4)) < 0.4).astype(float)
    normal = rng.standard_normal((n_rep, N_OBS, 5))
    covariates = np.concatenate([binary, normal], axis=2)
    uptake = 1 / (1 + np.exp(1.3 - 0.4 * normal[:, :, 0]))
    treated = (rng.uniform(size=(n_rep, N_OBS)) < uptake).astype(float)
    X = np.concatenate([np.ones((n_rep, N_OBS, 1)), treated[:, :, None], covariates], axis=2)
    coef = np.array([-1.0, 0.9, 0.2, -0.2, 0.1, 0.0, -0.5, 0.3, 0.0, 0.1, -0.1])
    y = (rng.uniform(size=(n_rep, N_OBS)) < 1 / (1 + np.exp(-(X @ coef)))).astype(float)
    return X, y


def run_batched(args: argparse.Namespace, n_threads: int) -> dict:
    """Simulate and fit R replicates chunk by chunk; time fitting (wall and CPU) separately."""
    rng = np.random.default_rng(20240602)
    out = {"gen": 0.0, "wall": 0.0, "cpu": 0.0, "fits": 0, "bad": 0, "first": None}
    for start in range(0, args.replicates, args.chunk):
        size = min(args.chunk, args.replicates - start)
        t0 = time.perf_counter()
        X, y = simulated_chunk(rng, size)
        t1, c1 = time.perf_counter(), time.process_time()
        result = fit_logit_batch(X, y, n_threads=n_threads)
        out["wall"] += time.perf_counter() - t1
        out["cpu"] += time.process_time() - c1
        out["gen"] += t1 - t0
        out["fits"] += size
        out["bad"] += int((~result.converged).sum())
        if out["first"] is None:
            out["first"] = (X[: args.peer], y[: args.peer], result)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=10_000)
    parser.add_argument("--peer", type=int, default=300, help="statsmodels fits to time")
    parser.add_argument("--chunk", type=int, default=2000, help="replicates simulated at once")
    args = parser.parse_args()

    runs = {threads: run_batched(args, threads) for threads in (1, 2)}
    import statsmodels.api as sm

    X, y, batched = runs[1]["first"]
    peer_n = min(args.peer, X.shape[0])
    t0, c0 = time.perf_counter(), time.process_time()
    peer_coef = np.array([sm.Logit(y[r], X[r]).fit(disp=0).params for r in range(peer_n)])
    peer_wall = (time.perf_counter() - t0) / peer_n
    peer_cpu = (time.process_time() - c0) / peer_n
    max_diff = float(np.max(np.abs(peer_coef - batched.coef[:peer_n])))

    fits = runs[1]["fits"]
    print(f"simulated design: n = {N_OBS}, {X.shape[2]} coefficients, R = {fits:,} replicates; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          f"(wall times inflate when the load exceeds the cores; CPU times less so)")
    print(f"statsmodels Logit loop ({peer_n} fits): {peer_wall * 1e3:.3f} ms wall, "
          f"{peer_cpu * 1e3:.3f} ms CPU per fit")
    for threads, run in runs.items():
        wall, cpu = run["wall"] / fits, run["cpu"] / fits
        print(f"batched Newton, {threads} thread(s): {run['wall']:.2f} s wall = {wall * 1e3:.4f} "
              f"ms per fit ({cpu * 1e3:.4f} ms CPU); speed-up vs statsmodels {peer_wall / wall:.1f}x "
              f"wall, {peer_cpu / cpu:.1f}x CPU; {run['bad']} not converged/separated; projected "
              f"{TARGET_FITS:,} fits (20 x 20 x 500): {wall * TARGET_FITS:.1f} s wall, "
              f"{cpu * TARGET_FITS:.1f} s CPU (target 60 s wall)")
    print(f"data simulation: {runs[1]['gen'] / fits * 1e3:.4f} ms per replicate (not included; "
          f"{runs[1]['gen'] / fits * TARGET_FITS:.1f} s for {TARGET_FITS:,})")
    print(f"statsmodels loop projected for {TARGET_FITS:,} fits: {peer_wall * TARGET_FITS:.0f} s")
    print(f"max |coef difference| vs statsmodels on {peer_n} fits: {max_diff:.2e}")


if __name__ == "__main__":
    main()
