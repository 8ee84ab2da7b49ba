"""Effect heterogeneity (causal.estimate.heterogeneity): speed and interval coverage.

Run: uv run python benchmarks/heterogeneity.py [--coverage REPLICATES] [--cv FOLDS]

Measured on a 2-core machine (2026-11-23): n = 10^3 / 10^4 / 10^5 took 1.0 / 1.4 / 5.9 s
(defaults of LinearDRLearner(): 9.7 s and 28 s at 10^3 and 10^4). Coverage, cv = 2, 200
cohorts: slope 0.970, ATE 0.955, binary ATE 0.925 (mean error +0.0026, MC SE 0.0017); with
cv = 5 and 300 binary cohorts: 0.937 (mean error -0.0008, MC SE 0.0013).

1. Time of ``effect_heterogeneity`` (explicit logistic/linear nuisance models, cv=5) at
   n = 10^3, 10^4, 10^5, against EconML's default ``LinearDRLearner()`` (model search over
   linear and forest models) at n = 10^3 and 10^4 (FACTS.md: 137 s at n = 10^5).
2. Coverage: on simulated data with a known linear CATE, tau(x) = 1 + 0.5 x, the share of
   nominal 95% intervals for the slope that contain 0.5 and the mean slope estimate. With R
   replicates the Monte Carlo SE of a coverage near 0.95 is sqrt(0.95 * 0.05 / R)
   (0.015 for R = 200).
3. The same for a binary outcome (logistic potential-outcome risks p0, p1): coverage of the
   ATE interval for the sample-average risk difference mean(p1 - p0).
All data here are SIMULATED.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def simulate(n: int, seed: int, slope: float = 0.5) -> pd.DataFrame:
    """Simulated cohort: confounders x (also the modifier) and w; CATE 1 + slope * x."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=n)
    t = rng.binomial(1, 1 / (1 + np.exp(-(0.5 * x - 0.5 * w))))
    y = x + w + t * (1 + slope * x) + rng.normal(size=n)
    frame = pd.DataFrame({"t": t, "y": y, "x": x, "w": w})
    frame.attrs["simulated"] = True
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coverage", type=int, default=200)
    parser.add_argument("--skip-default", action="store_true")
    parser.add_argument("--cv", type=int, default=2, help="folds in the coverage runs")
    args = parser.parse_args()
    # EconML's default model search triggers scikit-learn deprecation notices; not ours
    warnings.filterwarnings("ignore", category=FutureWarning)

    start = time.perf_counter()
    from econml.dr import LinearDRLearner

    from causal.estimate.heterogeneity import effect_heterogeneity
    print(f"import econml.dr: {time.perf_counter() - start:.1f} s")

    kwargs = dict(treatment="t", outcome="y", covariates=["x", "w"], modifiers=["x"],
                  outcome_type="continuous")
    for n in (1_000, 10_000, 100_000):
        data = simulate(n, 1)
        start = time.perf_counter()
        ours = effect_heterogeneity(data, cv=5, random_state=1, **kwargs)
        ours_s = time.perf_counter() - start
        line = f"n = {n:>7}: causal {ours_s:6.2f} s (slope {ours.slopes[0]:.3f})"
        if not args.skip_default and n <= 10_000:
            start = time.perf_counter()
            default = LinearDRLearner(random_state=1)
            default.fit(data.y.to_numpy(), data.t.to_numpy(), X=data[["x"]].to_numpy(),
                        W=data[["w"]].to_numpy())
            default_s = time.perf_counter() - start
            line += (f"; LinearDRLearner() defaults {default_s:6.2f} s "
                     f"(slope {float(default.coef_(T=1)[0]):.3f}); ratio {default_s / ours_s:.1f}x")
        print(line)

    replicates, n = args.coverage, 2_000
    start = time.perf_counter()
    slopes, covered, ate_covered = [], 0, 0
    for seed in range(replicates):
        data = simulate(n, 1000 + seed)
        result = effect_heterogeneity(data, cv=args.cv, random_state=seed, **kwargs)
        low, high = result.slope_cis[0]
        covered += low <= 0.5 <= high
        true_ate = 1 + 0.5 * data.x.mean()  # sample-average CATE (the estimand of ate_ci)
        ate_covered += result.ate_ci[0] <= true_ate <= result.ate_ci[1]
        slopes.append(result.slopes[0])
    mc = np.sqrt(0.95 * 0.05 / replicates)
    print(f"coverage over {replicates} simulated cohorts of n = {n} (cv = {args.cv}): slope CI "
          f"{covered / replicates:.3f}, ATE CI {ate_covered / replicates:.3f} "
          f"(nominal 0.95, Monte Carlo SE {mc:.3f}); mean slope {np.mean(slopes):.4f} "
          f"(true 0.5, MC SE {np.std(slopes) / np.sqrt(replicates):.4f}); "
          f"{time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    ate_covered, errors = 0, []
    for seed in range(replicates):
        rng = np.random.default_rng(5000 + seed)
        x, w = rng.normal(size=n), rng.normal(size=n)
        t = rng.binomial(1, 1 / (1 + np.exp(-(-0.3 + 0.5 * x - 0.5 * w))))
        p0 = 1 / (1 + np.exp(-(-0.8 + 0.6 * x + 0.5 * w)))
        p1 = 1 / (1 + np.exp(-(0.1 + 0.1 * x + 0.5 * w)))
        y = rng.binomial(1, np.where(t == 1, p1, p0))
        data = pd.DataFrame({"t": t, "y": y, "x": x, "w": w})
        result = effect_heterogeneity(data, cv=args.cv, random_state=seed,
                                      **dict(kwargs, outcome_type="binary"))
        true_rd = float(np.mean(p1 - p0))
        ate_covered += result.ate_ci[0] <= true_rd <= result.ate_ci[1]
        errors.append(result.ate - true_rd)
    print(f"binary outcome, {replicates} simulated cohorts of n = {n} (cv = {args.cv}): ATE (risk difference) CI "
          f"coverage {ate_covered / replicates:.3f} (nominal 0.95, MC SE {mc:.3f}); mean error "
          f"{np.mean(errors):+.4f} (MC SE {np.std(errors) / np.sqrt(replicates):.4f}); "
          f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
