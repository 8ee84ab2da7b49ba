"""The explain-away grid (20 x 20 cells x 500 replicates at n = 302) against a loop of
statsmodels Logit fits, interleaved.

Usage:  uv run --group test python benchmarks/bench_explain_away.py [--grid 20]
        [--replicates 500] [--statsmodels-fits 300] [--pairs 3] [--quick]

Ours: :func:`causal.sensitivity.simulations.explain_away` on the Thew study (simulation, fits and the grid
solver included). The peer: ``statsmodels.Logit(...).fit(method="newton")`` in a plain Python
loop over SIMULATED cohorts of the same kind, timed on ``--statsmodels-fits`` fits and
extrapolated to the grid's number of fits (fits only, no simulation: the peer's side is
favoured). Interleaved pairs after a warm-up of both (benchmarks/_fair.py). No floor is
measured for this one. Target: >= 20x.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, default=20)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--statsmodels-fits", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10 x 10 x 100, 200 Logit fits")
    args = parser.parse_args()
    if args.quick:
        args.grid, args.replicates, args.statsmodels_fits = 10, 100, 200
    import statsmodels.api as sm

    from causal.data.cohort import simulate_cohorts
    from causal.sensitivity.simulations.explain_away import explain_away
    from causal.study import load_study
    from causal.worlds.calibrate import adjusted_design

    fits = args.grid**2 * args.replicates
    _fair.start("explain-away grid vs a statsmodels Logit loop (SIMULATED cohorts)",
                grid=f"{args.grid} x {args.grid}", replicates=args.replicates, fits=fits,
                statsmodels_fits=args.statsmodels_fits, threads=args.threads)
    study = load_study(ROOT / "studies" / "thew2024.toml")
    grid = np.geomspace(1, 20, args.grid)
    cohorts = simulate_cohorts(study, "self-selection only", replicates=args.statsmodels_fits,
                               random_state=1)
    X = adjusted_design(dict(cohorts), study.data)
    y = cohorts["recovery"].astype(float)

    def ours() -> None:
        explain_away(study, uptake_ors=grid, recovery_ors=grid, replicates=args.replicates,
                     n_threads=args.threads, random_state=2024)

    def statsmodels_loop() -> None:
        for r in range(args.statsmodels_fits):
            sm.Logit(y[r], X[r]).fit(disp=0, method="newton")

    explain_away(study, uptake_ors=[1.0], recovery_ors=[1.0], replicates=10, random_state=0)
    sm.Logit(y[0], X[0]).fit(disp=0, method="newton")
    _fair.compare(f"explain-away {args.grid}x{args.grid}x{args.replicates} (ours) vs "
                  "statsmodels Logit loop", ours, statsmodels_loop, peer_name="statsmodels",
                  pairs=args.pairs, warm=False, n=302,
                  peer_scale=fits / args.statsmodels_fits, target=">= 20x statsmodels")
    _fair.finish()


if __name__ == "__main__":
    main()
