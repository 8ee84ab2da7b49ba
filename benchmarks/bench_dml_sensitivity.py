"""Benchmark: Long-Story-Short sensitivity of a doubly robust ATE, ours vs DoubleML vs DoWhy.

One run, on SIMULATED data (8 standard-normal covariates, logistic treatment, linear outcome,
true ATE 1.0), times the whole analysis each package offers for it:

* ours: ``causal.sensitivity.omitted_variable.dml_refit`` = the cross-fitted AIPW (5 folds, logistic
  propensity, linear outcome models per arm) + bounds at (cf_y, cf_d, rho) = (0.03, 0.03, 1)
  + RV and RVa + one benchmark (``x0``, refitted on the same folds);
* DoubleML 0.11.4: ``DoubleMLIRM`` (5 folds, scikit-learn ``LogisticRegression(penalty=None)``
  and ``LinearRegression``) ``fit`` + ``sensitivity_analysis`` + ``sensitivity_benchmark(["x0"])``;
* DoWhy 0.14: ``backdoor.linear_regression`` estimate, then ``add_unobserved_common_cause``
  with ``simulation_method="non-parametric-partial-R2"`` and ``benchmark_common_causes=["x0"]``
  (its own cross-validated nuisance search). DoWhy is run only up to n = 10^4 (it took 319 s
  there on this kind of machine), so its ratio is reported at n <= 10^4 only.

Ours and DoubleML run in interleaved pairs after a warm-up of both (benchmarks/_fair.py),
median CPU seconds of at least 3 pairs (this process and its children), with the floor: the
bare NumPy arithmetic of the two cross-fitted AIPW fits ours makes (all covariates, and
without the benchmark ``x0``), from ``bench_aipw.floor``. DoWhy (``--dowhy``, n <= 10^4 only;
it took 319 s at n = 10^4) runs once per size, after the same warm-up. Targets (issue 22):
>= 10x DoubleML at n = 10^4 and 10^5.

Usage::

    uv run --group test python benchmarks/bench_dml_sensitivity.py [--sizes 10000 100000]
    uv run --group test python benchmarks/bench_dml_sensitivity.py --quick   # n = 10^4
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

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
    from causal.sensitivity.omitted_variable.dml_refit import dml_sensitivity

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


def floor(frame: pd.DataFrame) -> None:
    from bench_aipw import floor as aipw_floor

    aipw_floor(frame, covariates=COVARIATES, replicates=0)
    aipw_floor(frame, covariates=COVARIATES[1:], replicates=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--dowhy", action="store_true", help="also DoWhy, at n <= 10^4")
    parser.add_argument("--quick", action="store_true", help="n = 10^4 only")
    args = parser.parse_args()
    if args.quick:
        args.sizes = [10_000]
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    _fair.start("DML (Long Story Short) sensitivity, ours vs DoubleML (SIMULATED data)",
                sizes=args.sizes, covariates=N_COVARIATES, pairs=args.pairs)
    warm = simulate(500, seed=99)
    print("warm-up, ours:     " + ours(warm))
    print("warm-up, DoubleML: " + doubleml(warm))
    floor(warm)
    for n in args.sizes:
        frame = simulate(n)
        print(f"n = {n}: ours {ours(frame)}; DoubleML {doubleml(frame)}")
        _fair.compare(f"DML sensitivity + benchmark x0 (ours) vs DoubleML, n = {n}",
                      lambda f=frame: ours(f), lambda f=frame: doubleml(f),
                      peer_name="DoubleML", floor=lambda f=frame: floor(f), pairs=args.pairs,
                      warm=False, n=n, target=">= 10x DoubleML",
                      repeat=5 if n <= 10_000 else 1)  # ours takes ~0.03 s at 10^4
        if args.dowhy and n <= 10_000:
            dowhy(simulate(300, seed=98))
            _fair.compare(f"DML sensitivity (ours) vs DoWhy, n = {n}", lambda f=frame: ours(f),
                          lambda f=frame: dowhy(f), peer_name="DoWhy", pairs=3, warm=False,
                          n=n)
    _fair.finish()


if __name__ == "__main__":
    main()
