"""Speed of drawing SIMULATED Thew-like cohorts and fitting the paper's adjusted model to each.

Run: ``uv run python benchmarks/simulate_cohorts.py``. Prints seconds and peak memory for
10^3 and 10^4 cohorts of 302 (the explain-away analysis draws thousands), and, for scale,
a statsmodels loop over the first 200 cohorts.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import numpy as np

from causal.data import simulate_cohorts, solve_study_world
from causal.study import load_study
from causal.worlds.calibrate import adjusted_design, fit_logistic_batch

STUDY = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"


def main() -> None:
    study = load_study(STUDY)
    data = study.data
    start = time.perf_counter()
    solve_study_world(study, "self-selection only")
    print(f"solve intercepts and prognostic scale: {time.perf_counter() - start:.2f} s")
    for replicates in (1_000, 10_000):
        start = time.perf_counter()
        arrays = simulate_cohorts(study, "self-selection only", replicates=replicates,
                                  random_state=1)
        drawn = time.perf_counter() - start
        start = time.perf_counter()
        beta, converged = fit_logistic_batch(adjusted_design(arrays, data),
                                             arrays["recovery"].astype(float))
        fitted = time.perf_counter() - start
        print(f"{replicates:>6} simulated cohorts of 302: draw {drawn:.2f} s, batched logistic "
              f"fit {fitted:.2f} s, mean adjusted OR {np.exp(beta[converged, 1].mean()):.3f}")
    import statsmodels.api as sm

    x = adjusted_design(arrays, data)[:200]
    y = arrays["recovery"][:200].astype(float)
    start = time.perf_counter()
    for r in range(200):
        sm.Logit(y[r], x[r]).fit(disp=0)
    loop = time.perf_counter() - start
    start = time.perf_counter()
    fit_logistic_batch(x, y)
    batch = time.perf_counter() - start
    print(f"200 fits: statsmodels loop {loop:.2f} s, batched {batch:.3f} s "
          f"(ratio {loop / batch:.1f}x)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
