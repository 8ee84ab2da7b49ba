"""Benchmark: ``causal batch`` on 10^5 SIMULATED findings.

Writes a CSV of ``--findings`` SIMULATED findings (default 10^5: a random measure among OR,
RR, HR and MD, a log-normal estimate printed to 2 decimals with its 95% CI, a printed p-value,
a declared or undeclared rarity), then times, in a fresh process each:

* ``causal batch FILE --out DIR`` end to end (interpreter start, CSV reading, E-values,
  flags, summary, figure, the five files written);
* the library alone: ``evalue_rows`` on the frame already read;

and, for scale, a Python loop over ``causal.sensitivity.e_value`` (one call per finding, as
EValue's ``evalues.OR`` would be called in R) on the first 10^4 findings, extrapolated.

Target (issue 27): the batch command on 10^5 findings in at most 5 s on 2 cores.

Usage::

    uv run python benchmarks/bench_batch.py [--findings 100000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """SIMULATED findings (no real study): see the module docstring."""
    rng = np.random.default_rng(seed)
    measure = rng.choice(["OR", "RR", "HR", "MD"], n)
    log_est = rng.normal(0.3, 0.5, n)
    se = rng.uniform(0.05, 0.5, n)
    est, lo, hi = np.exp(log_est), np.exp(log_est - 1.96 * se), np.exp(log_est + 1.96 * se)
    md = measure == "MD"
    est, lo, hi = (np.where(md, 5 * np.log(v), v) for v in (est, lo, hi))
    text = [np.char.mod("%.2f", v) for v in (est, lo, hi)]
    keep = (text[1].astype(float) <= text[0].astype(float)) & (
        text[0].astype(float) <= text[2].astype(float)) & (md | (text[1].astype(float) > 0))
    from scipy.special import ndtr

    p = 2 * ndtr(-np.abs(log_est) / se)
    frame = pd.DataFrame({
        "label": [f"SIMULATED finding {i}" for i in range(n)], "measure": measure,
        "estimate": text[0], "ci_lower": text[1], "ci_upper": text[2],
        "rare_outcome": rng.choice(["true", "false", ""], n),
        "p_value": np.where(p < 0.001, "<.001", np.char.mod("%.3f", p)),
        "outcome_sd": np.where(md, "10", ""), "source": "SIMULATED"})
    return frame[keep].reset_index(drop=True)


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "findings.csv"
        frame = simulate(args.findings)
        frame.to_csv(csv, index=False)
        n = len(frame)
        command = timed([sys.executable, "-m", "causal", "batch", str(csv), "--out",
                         str(Path(folder) / "out")])
        library = timed([sys.executable, "-c", (
            "import time, pandas as pd\n"
            f"frame = pd.read_csv({str(csv)!r}, dtype=str, keep_default_na=False)\n"
            "from causal.literature import evalue_rows\n"
            "start = time.perf_counter(); evalue_rows(frame)\n"
            "print(time.perf_counter() - start)")])
        out = subprocess.run([sys.executable, "-c", (
            "import time, pandas as pd\n"
            f"frame = pd.read_csv({str(csv)!r}, dtype=str, keep_default_na=False)\n"
            "from causal.literature import evalue_rows\n"
            "start = time.perf_counter(); evalue_rows(frame)\n"
            "print(time.perf_counter() - start)")], check=True, capture_output=True, text=True)
        compute = float(out.stdout.strip())
        from causal.measures import HazardRatio, MeanDifference, OddsRatio, RiskRatio
        from causal.sensitivity import e_value

        loop_n = min(10_000, n)
        start = time.perf_counter()
        for row in frame.head(loop_n).itertuples():
            ci = (float(row.ci_lower), float(row.ci_upper))
            rare = {"true": True, "false": False}.get(row.rare_outcome, False)
            if row.measure == "RR":
                e_value(RiskRatio(float(row.estimate), ci=ci))
            elif row.measure == "OR":
                e_value(OddsRatio(float(row.estimate), ci=ci, rare_outcome=rare))
            elif row.measure == "HR":
                e_value(HazardRatio(float(row.estimate), ci=ci, rare_outcome=rare))
            else:
                e_value(MeanDifference(float(row.estimate), ci=ci, outcome_sd=10.0))
        loop = (time.perf_counter() - start) * n / loop_n
    print(f"SIMULATED findings: {n:,}")
    print(f"causal batch (command, end to end):  {command:6.2f} s   target <= 5 s")
    print(f"evalue_rows (library, E-values + flags): {compute:6.2f} s "
          f"(process with imports {library:.2f} s)")
    print(f"loop of e_value() calls (extrapolated from {loop_n:,}): {loop:6.2f} s "
          f"-> batch is {loop / compute:.0f}x faster")


if __name__ == "__main__":
    main()
