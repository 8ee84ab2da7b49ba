"""Start-up: ``causal --help`` and an argument error, against a bare ``python -c pass``.

Usage:  uv run python benchmarks/bench_startup.py [--pairs 5]

Each side is a child process of the same interpreter (``python -m causal ...`` and
``python -c pass``), run in interleaved pairs after a warm-up (benchmarks/_fair.py); CPU seconds
are the children's (getrusage), and wall seconds are what a user waits for. It also checks
that neither command imports pandas, scipy, numpy or matplotlib. Target: ``causal --help``
<= 0.15 s wall on a quiet machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fair  # noqa: E402

HEAVY = ("pandas", "scipy", "numpy", "matplotlib", "sklearn", "statsmodels")


def run(*args: str) -> None:
    subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def heavy_imports(*args: str) -> list[str]:
    """Heavy top-level packages the command imports (from ``-X importtime``)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "causal", *args],
                         capture_output=True, text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()
             if line.startswith("import time:")}
    return [m for m in HEAVY if m in names]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="(the same: it is quick)")
    args = parser.parse_args()
    _fair.start("causal start-up vs a bare interpreter", pairs=args.pairs)
    for argv in (["--help"], ["report"], ["estimate", "--no-such-option"]):
        print(f"causal {' '.join(argv)}: heavy modules imported: "
              f"{', '.join(heavy_imports(*argv)) or 'none'}")
    _fair.compare("causal --help (wall is the target)", lambda: run("-m", "causal", "--help"),
                  lambda: run("-c", "pass"), peer_name="python -c pass", pairs=args.pairs,
                  target="<= 0.15 s wall, quiet machine")
    _fair.compare("causal report (missing argument: exit 2)", lambda: run("-m", "causal", "report"),
                  lambda: run("-c", "pass"), peer_name="python -c pass", pairs=args.pairs)
    _fair.finish()


if __name__ == "__main__":
    main()
