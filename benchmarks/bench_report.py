"""The Thew report end to end: ``causal report studies/thew2024.toml`` in a child process.

Usage:  uv run python benchmarks/bench_report.py [--pairs 3]

CPU seconds of the child (getrusage of waited-for children: every thread and any worker
process it waited for), median of at least 3 runs after a warm-up run, and wall seconds. There
is no peer for the whole report; each run writes into a fresh temporary folder. Target: <= 5 s
CPU.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="(the same sizes: the study's)")
    args = parser.parse_args()
    study = ROOT / "studies" / "thew2024.toml"
    _fair.start("causal report studies/thew2024.toml (n = 302, two SIMULATED worlds)",
                runs=max(3, args.pairs))

    def report() -> None:
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, "-m", "causal", "report", str(study), "--out", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)

    _fair.compare("Thew report", report, pairs=args.pairs, n=302, target="<= 5 s CPU")
    _fair.finish()


if __name__ == "__main__":
    main()
