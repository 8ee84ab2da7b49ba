"""Scale: `causal dag` on generated sparse DAGs of 100 to 2,000 nodes.

Run by hand: ``uv run python benchmarks/bench_dag_scale.py [--sizes 100 200 400 1000 2000]``.

Each graph is generated with a fixed seed: nodes ``v0 .. v{n-1}`` in topological order, each
node gets 0-2 parents drawn uniformly among the 30 nodes before it (a sparse, local DAG like a
long chain of measured variables), 5% of the nodes are latent, the exposure is the node at 40%
of the order and the outcome the last node, with two parents for the exposure, each also a parent of the outcome (confounders), and
an edge exposure -> outcome. The DOT
file is written to a temporary folder and `causal dag FILE` runs in a fresh process; the table
gives its wall time and its CPU time (user + system of the child, from ``resource``), the
number of implied independences listed and whether the list was capped. Report the machine's
load (``uptime``) next to the numbers.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def sparse_dag_dot(n: int, seed: int = 2024, window: int = 30) -> str:
    """DOT text of the generated graph (see the module docstring)."""
    rng = np.random.default_rng(seed)
    exposure, outcome = int(0.4 * n), n - 1
    lines = [f"digraph sparse{n} {{"]
    for v in range(n):
        attrs = []
        if v == exposure:
            attrs.append('role="exposure"')
        elif v == outcome:
            attrs.append('role="outcome"')
        elif rng.random() < 0.05:
            attrs.append('latent="true"')
        lines.append(f"  v{v}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    confounders: list[int] = []
    for v in range(1, n):
        k = 2 if v == exposure else int(rng.integers(0, 3))
        low = max(0, v - window)
        for p in sorted(set(rng.integers(low, v, size=k).tolist())):
            lines.append(f"  v{p} -> v{v};")
            if v == exposure:
                confounders.append(p)
    lines += [f"  v{p} -> v{outcome};" for p in confounders]
    lines.append(f"  v{exposure} -> v{outcome};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def time_cli(path: Path, timeout: float) -> tuple[float, float, str, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "causal.cli", "dag", str(path)],
                              capture_output=True, text=True, timeout=timeout)
        status = done.returncode
        out = done.stdout
    except subprocess.TimeoutExpired:
        status, out = -1, ""
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 1000, 2000])
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    print(f"{'nodes':>6} {'edges':>6} {'wall (s)':>9} {'CPU (s)':>8} {'implied':>8} "
          f"{'capped':>7} {'exit':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            text = sparse_dag_dot(n)
            path = Path(tmp) / f"sparse{n}.dot"
            path.write_text(text, encoding="utf-8")
            wall, cpu, out, status = time_cli(path, args.timeout)
            edges = text.count("->")
            found = re.search(r"implied independences \((\d+)(.*?)\)", out)
            implied = found.group(1) if found else "?"
            capped = "yes" if found and "cap" in found.group(2) else "no"
            print(f"{n:>6} {edges:>6} {wall:>9.2f} {cpu:>8.2f} {implied:>8} {capped:>7} "
                  f"{'timeout' if status == -1 else status:>5}")


if __name__ == "__main__":
    main()
