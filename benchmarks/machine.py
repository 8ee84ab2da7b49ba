"""What the machine does per element, printed beside the benchmark table.

Usage:  uv run --group test python benchmarks/machine.py

The comparisons in ``benchmarks/`` divide our CPU seconds into a peer's. Our side is bound by
memory traffic and NumPy's vectorised arithmetic; the peers' (DoWhy, DoubleML, EconML,
statsmodels loops) largely by Python interpreter overhead. Machines differ in these by
different factors, so a ratio measured on one machine is not the ratio on another (the
refuters' ratio was 13.9x in benchmarks/results.md's first table and 10.2x on the next
session's machine, whose code was no slower). This
script times, on one thread, the four rates that decide it and prints them with the CPU
model, so each table can be read against the machine it was made on:

* ``exp`` over 10^7 float64 values (ns per element), NumPy's SIMD loop;
* a sum over 400 MB of float64 (GB/s read from memory);
* ``standard_normal`` (ns per draw), the refuters' and simulations' draws;
* a Python loop of 10^6 empty iterations calling a trivial function (ns per call), the
  peers' main cost.

Each rate is the best of 5 runs (the machine's own speed, not its noise). Nothing here is a test.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np


def _best(call, runs: int = 5) -> float:
    call()
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        call()
        best = min(best, time.process_time() - start)
    return best


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def rates() -> dict[str, float]:
    from causal._blas import single_threaded_blas

    rng = np.random.default_rng(0)
    values = rng.normal(size=10**7)
    out = np.empty_like(values)
    big = np.ones(50_000_000)

    def noop() -> None:
        pass

    def loop() -> None:
        for _ in range(10**6):
            noop()

    with single_threaded_blas():
        return {
            "exp_ns": _best(lambda: np.exp(values, out=out)) / values.size * 1e9,
            "read_gb_s": big.nbytes / _best(big.sum) / 1e9,
            "normal_ns": _best(lambda: rng.standard_normal(out=out)) / out.size * 1e9,
            "python_call_ns": _best(loop) / 10**6 * 1e9,
        }


def main() -> None:
    facts = rates()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, NumPy {np.__version__}; "
          f"exp {facts['exp_ns']:.2f} ns/element, memory read {facts['read_gb_s']:.1f} GB/s, "
          f"standard_normal {facts['normal_ns']:.1f} ns/draw, Python call "
          f"{facts['python_call_ns']:.0f} ns (one thread, best of 5)")


if __name__ == "__main__":
    main()
