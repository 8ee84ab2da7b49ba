"""Benchmark: Long-Story-Short sensitivity of a doubly robust ATE, ours vs DoubleML vs DoWhy.

One run, on SIMULATED data (8 standard-normal covariates, logistic treatment, linear outcome,
true ATE 1.0), times the whole analysis each package offers for it:

* ours: ``causal.sensitivity.dml_refit`` = the cross-fitted AIPW (5 folds, logistic
  propensity, linear outcome models per arm) + bounds at (cf_y, cf_d, rho) = (0.03, 0.03, 1)
  + RV and RVa + one benchmark (``x0``, refitted on the same folds);
* DoubleML 0.11.4: ``DoubleMLIRM`` (5 folds, scikit-learn ``LogisticRegression(penalty=None)``
  and ``LinearRegression``) ``fit`` + ``sensitivity_analysis`` + ``sensitivity_benchmark(["x0"])``;
* DoWhy 0.14: ``backdoor.linear_regression`` estimate, then ``add_unobserved_common_cause``
  with ``simulation_method="non-parametric-partial-R2"`` and ``benchmark_common_causes=["x0"]``
  (its own cross-validated nuisance search). DoWhy is run only up to n = 10^4 (it took 319 s
  there on this kind of machine), so its ratio is reported at n <= 10^4 only.

Prints wall and CPU time (this process and its live worker processes, via psutil) per package
and size (median of 3 runs up to n = 10^5 for ours and DoubleML, one run otherwise), and the
ratios peer / ours. Targets for ours (issue 14): <= 1 s at n = 10^4 and <= 10 s
at n = 10^6 (wall). Report the machine's load (``uptime``) next to the numbers.

Usage::

    uv run python benchmarks/bench_dml_sensitivity.py
    uv run python benchmarks/bench_dml_sensitivity.py --sizes 302 10000 --dowhy-max 302
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import warnings

import numpy as np
import pandas as pd

N_COVARIATES = 8
COVARIATES = [f"x{j}" for j in range(N_COVARIATES)]


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """SIMULATED cohort: logistic treatment on the covariates, linear outcome, true ATE 1.0."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, N_COVARIATES))
    a = (rng.random(n) < 1 / (1 + np.exp(-(x @ np.linspace(-0.4, 0.4, N_COVARIATES))))
         ).astype(float)
    y = 1.0 * a + x @ np.linspace(0.5, -0.5, N_COVARIATES) + rng.standard_normal(n)
    frame = pd.DataFrame(x, columns=COVARIATES)
    frame["a"], frame["y"] = a, y
    frame.attrs["simulated"] = True
    return frame


def ours(frame: pd.DataFrame) -> str:
    from causal.sensitivity.dml_refit import dml_sensitivity

    r = dml_sensitivity(frame, treatment="a", outcome="y", covariates=COVARIATES,
                        benchmarks=["x0"], random_state=1)
    b = r.benchmarks[0]
    return (f"theta {r.estimate:.4f}, bounds {r.bounds[0]:.4f}..{r.bounds[1]:.4f}, RV "
            f"{r.rv:.4f}, RVa {r.rva:.4f}, x0: cf_y {b.cf_y:.3f} cf_d {b.cf_d:.3f}")


def doubleml(frame: pd.DataFrame) -> str:
    import doubleml as dml
    from sklearn.linear_model import LinearRegression, LogisticRegression

    data = dml.DoubleMLData(frame, y_col="y", d_cols="a", x_cols=COVARIATES)
    model = dml.DoubleMLIRM(data, ml_g=LinearRegression(),
                            ml_m=LogisticRegression(penalty=None, max_iter=1000), n_folds=5)
    model.fit()
    model.sensitivity_analysis(cf_y=0.03, cf_d=0.03, rho=1.0)
    bench = model.sensitivity_benchmark(benchmarking_set=["x0"])
    p = model.sensitivity_params
    return (f"theta {model.coef[0]:.4f}, bounds {p['theta']['lower'][0]:.4f}.."
            f"{p['theta']['upper'][0]:.4f}, RV {p['rv'][0]:.4f}, RVa {p['rva'][0]:.4f}, x0: "
            f"cf_y {bench['cf_y'].iloc[0]:.3f} cf_d {bench['cf_d'].iloc[0]:.3f}")


def dowhy(frame: pd.DataFrame) -> str:
    from dowhy import CausalModel

    data = frame[["a", "y", *COVARIATES]].copy()
    data["a"] = data["a"].astype(bool)
    model = CausalModel(data=data, treatment="a", outcome="y", common_causes=COVARIATES)
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    estimate = model.estimate_effect(estimand, method_name="backdoor.linear_regression")
    refutation = model.refute_estimate(
        estimand, estimate, method_name="add_unobserved_common_cause",
        simulation_method="non-parametric-partial-R2", benchmark_common_causes=["x0"],
        effect_fraction_on_treatment=1.0, effect_fraction_on_outcome=1.0, plotmethod=None)
    return f"theta {estimate.value:.4f}, RV {getattr(refutation, 'RV', float('nan')):.4f}"


def cpu_seconds() -> float:
    """CPU time of this process and its live child processes (DoWhy's cross-validated searches
    run in joblib worker processes, which ``time.process_time`` would miss); psutil is a
    transitive dependency, used here only."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - then only this process is counted
        return time.process_time()
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def timed(fn, frame: pd.DataFrame, repeats: int = 1) -> tuple[float, float, str]:
    """Median wall and CPU seconds over ``repeats`` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        text = fn(frame)
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return float(np.median(walls)), float(np.median(cpus)), text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[302, 10_000, 100_000, 1_000_000])
    parser.add_argument("--dowhy-max", type=int, default=10_000,
                        help="largest n at which DoWhy runs (default 10^4)")
    parser.add_argument("--doubleml-max", type=int, default=1_000_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    print(f"load average at start: {os.getloadavg()}; SIMULATED data, {N_COVARIATES} covariates")
    ours(simulate(500, seed=99))  # warm-up: imports
    doubleml(simulate(500, seed=99))
    rows = []
    for n in args.sizes:
        frame = simulate(n)
        repeats = 3 if n <= 100_000 else 1
        w, c, text = timed(ours, frame, repeats)
        print(f"n={n:>8}  ours     wall {w:8.3f} s  cpu {c:8.3f} s  {text}", flush=True)
        row = {"n": n, "ours_wall": w, "ours_cpu": c}
        if n <= args.doubleml_max:
            wd, cd, text = timed(doubleml, frame, repeats)
            print(f"n={n:>8}  DoubleML wall {wd:8.3f} s  cpu {cd:8.3f} s  {text}", flush=True)
            row |= {"doubleml_wall": wd, "doubleml_cpu": cd}
        if n <= args.dowhy_max:
            wy, cy, text = timed(dowhy, frame)
            print(f"n={n:>8}  DoWhy    wall {wy:8.3f} s  cpu {cy:8.3f} s  {text}", flush=True)
            row |= {"dowhy_wall": wy, "dowhy_cpu": cy}
        rows.append(row)
    table = pd.DataFrame(rows).set_index("n")
    for peer in ("doubleml", "dowhy"):
        for kind in ("wall", "cpu"):
            if f"{peer}_{kind}" in table:
                table[f"{peer}/ours {kind}"] = table[f"{peer}_{kind}"] / table[f"ours_{kind}"]
    print()
    print(table.to_string(float_format=lambda v: f"{v:.3g}"))
    target = {10_000: 1.0, 1_000_000: 10.0}
    for n, limit in target.items():
        if n in table.index:
            got = table.loc[n, "ours_wall"]
            print(f"target n={n}: <= {limit:g} s wall; measured {got:.3f} s "
                  f"({'met' if got <= limit else 'NOT met'})")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
