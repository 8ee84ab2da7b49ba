"""Speed of the probabilistic bias analysis (issue 5 target: 10^6 draws well under a second).

Run: uv run python benchmarks/sensitivity_pba.py

Prints the time for 10^6 draws of causal's vectorised implementation, and the ratio against a
per-draw Python loop of the same computation (the way a naive port of a simulation loop would
run; timed on 10^4 draws and scaled). No R is available here, so episensr's own speed is not
measured.
"""

from __future__ import annotations

import math
import time

import numpy as np

from causal.measures import OddsRatio
from causal.sensitivity import probabilistic_bias_analysis
from causal.study.values import priors as P

THEW = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
PRIORS = dict(prevalence_treated=P.uniform(0.4, 0.6),
              prevalence_control=P.trapezoidal(0.1, 0.15, 0.25, 0.3),
              outcome_rr=P.lognormal(math.log(2), 0.2))


def vectorised(n: int) -> float:
    start = time.perf_counter()
    result = probabilistic_bias_analysis(THEW, n_draws=n, random_state=1, **PRIORS)
    result.summary()
    return time.perf_counter() - start


def loop(n: int) -> float:
    rng = np.random.default_rng(1)
    rr, se = math.sqrt(2.54), (math.log(4.89) - math.log(1.32)) / 2 / (2 * 1.959964)
    start = time.perf_counter()
    out = []
    for _ in range(n):
        p1 = rng.uniform(0.4, 0.6)
        p0 = float(PRIORS["prevalence_control"].sample(rng, 1)[0])
        g = rng.lognormal(math.log(2), 0.2)
        bias = (g * p1 + 1 - p1) / (g * p0 + 1 - p0)
        out.append(rr / bias * math.exp(-se * rng.standard_normal()))
    np.quantile(out, [0.025, 0.5, 0.975])
    return time.perf_counter() - start


if __name__ == "__main__":
    vectorised(1000)  # warm-up (imports)
    times = sorted(vectorised(1_000_000) for _ in range(5))
    print(f"causal probabilistic_bias_analysis, 10^6 draws: median {times[2]:.3f} s "
          f"(min {times[0]:.3f} s)")
    per_draw_loop = loop(10_000) / 10_000
    print(f"per-draw Python loop, scaled to 10^6 draws: {per_draw_loop * 1e6:.1f} s")
    print(f"ratio loop / vectorised: {per_draw_loop * 1e6 / times[2]:.0f}x")
