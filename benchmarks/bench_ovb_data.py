"""Benchmark: omitted-variable-bias sensitivity from a DataFrame, ours against DoWhy.

Fits ``peacefactor ~ directlyharmed + age + farmer_dar + herder_dar + pastvoted +
hhsize_darfur + female + village`` (486 village indicators; Cinelli & Hazlett 2020, section 5)
and computes the robustness values and the 1x/2x/3x ``female`` benchmark bounds with
``causal.sensitivity.ovb_sensitivity`` and with DoWhy 0.14 (``backdoor.linear_regression`` then
``add_unobserved_common_cause`` with ``simulation_method="linear-partial-R2"``). Prints times,
their ratio, and the largest absolute difference between the two sets of numbers. Then times
the report section ``individual_sensitivity`` on each bundled study (target: under about 10 s
each).

Usage::

    uv run python benchmarks/bench_ovb_data.py [--skip-dowhy]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DARFUR = ROOT.parent / "shared" / "data" / "darfur.csv"
COVARIATES = ["age", "farmer_dar", "herder_dar", "pastvoted", "hhsize_darfur", "female",
              "village"]


def ours(frame: pd.DataFrame):
    from causal.sensitivity import ovb_sensitivity

    return ovb_sensitivity(frame, treatment="directlyharmed", outcome="peacefactor",
                           covariates=COVARIATES, categorical=["village"],
                           benchmarks=["female"], kd=[1, 2, 3], ci_dof="dof")


def dowhy(frame: pd.DataFrame):
    from dowhy import CausalModel

    data = frame[["directlyharmed", "peacefactor", *COVARIATES]].copy()
    model = CausalModel(data=data, treatment="directlyharmed", outcome="peacefactor",
                        common_causes=COVARIATES)
    estimand = model.identify_effect(proceed_when_unidentifiable=True)
    estimate = model.estimate_effect(estimand, method_name="backdoor.linear_regression")
    return model.refute_estimate(estimand, estimate, method_name="add_unobserved_common_cause",
                                 simulation_method="linear-partial-R2",
                                 benchmark_common_causes=["female"],
                                 effect_fraction_on_treatment=[1, 2, 3], plotmethod=None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-dowhy", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    frame = pd.read_csv(DARFUR)
    ours(frame)  # warm-up: imports
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = ours(frame)
        times.append(time.perf_counter() - start)
    t_ours = float(np.median(times))
    print(f"ours  (Darfur, 493 coefficients, 3 benchmarks): {t_ours:.3f} s (median of 3)")
    if not args.skip_dowhy:
        start = time.perf_counter()
        peer = dowhy(frame)
        t_peer = time.perf_counter() - start
        print(f"DoWhy (estimate + linear-partial-R2 refuter):   {t_peer:.3f} s; ratio "
              f"{t_peer / t_ours:.1f}x")
        stats, bench = peer.stats, peer.benchmarking_results
        diffs = [abs(result.estimate - stats["estimate"]),
                 abs(result.std_error - stats["standard_error"]),
                 abs(result.rv_q - stats["robustness_value"]),
                 abs(result.rv_qa - stats["robustness_value_alpha"])]
        for i, bound in enumerate(result.bounds):
            diffs += [abs(bound.r2dz_x - bench["r2tu_w"][i]),
                      abs(bound.r2yz_dx - bench["r2yu_tw"][i]),
                      abs(bound.ci[0] - bench["bias_adjusted_lower_CI"][i]),
                      abs(bound.ci[1] - bench["bias_adjusted_upper_CI"][i])]
        print(f"largest absolute difference ours vs DoWhy: {max(diffs):.2e}")
    from causal.report.model import ReportContext
    from causal.report.sections import individual_sensitivity
    from causal.study import load_study

    for name in ("thew2024", "nhefs", "lalonde"):
        study = load_study(ROOT / "studies" / f"{name}.toml")
        start = time.perf_counter()
        individual_sensitivity.build(ReportContext(study=study))
        print(f"report section individual_sensitivity, {name}: "
              f"{time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
