"""The one way the benchmarks compare us with a peer: same work, warmed up, interleaved, CPU.

Every comparison script in ``benchmarks/`` calls :func:`compare` with zero-argument callables
that each do the *same* work (same data, same refuters, same number of simulations, same
estimator) and :func:`finish` at the end. The rules, for every script:

* **warm-up outside the clock:** each side runs once first (imports, caches, first-call costs),
  untimed;
* **interleaved pairs:** ours and the peer's runs alternate (ours first in even pairs, the
  peer first in odd ones), so a change in the machine's load hits both sides alike;
* **median of at least 3 pairs**, in CPU seconds of this process *and its children*
  (``resource.getrusage``: user + system, all threads; a child process, such as a
  ``causal`` command, is counted when it has been waited for; live joblib/loky workers are
  counted through psutil when installed), with wall seconds printed beside them;
* **settled clocks:** before each timed run the process waits until its threads are idle
  (less than 2 ms of CPU in 50 ms of sleep, at most 1 s): BLAS and OpenMP worker threads
  spin for a while after a parallel call (OpenBLAS, libgomp), and without the pause one side
  is billed for the other's spinning threads (measured: our DML sensitivity at n = 10^4 took
  0.100 s CPU in 0.050 s wall right after a DoubleML run, 0.038 s in 0.037 s after 0.3 s);
* **the floor:** where a script can state the bare arithmetic of the work (the Gram matrices,
  matrix-vector products, ``exp`` and random draws that any implementation must do), it times
  that too, interleaved in the same pairs, and prints ours / floor;
* the **load average** at start and end, since the machine is shared.

Each comparison prints a human line and a ``RESULT {json}`` line that ``run_all.py`` collects.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

_START_LOAD: tuple[float, float, float] | None = None


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its children (waited-for children via
    getrusage; live worker processes via psutil when it is installed)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return total
    for proc in psutil.Process().children(recursive=True):
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def start(title: str, **sizes: Any) -> None:
    """Print the benchmark's title, its sizes and the load average at start."""
    global _START_LOAD
    _START_LOAD = os.getloadavg()
    print(f"== {title}")
    if sizes:
        print("sizes: " + ", ".join(f"{k} = {v}" for k, v in sizes.items()))
    print(f"load average at start: {_fmt_load(_START_LOAD)} on {os.cpu_count()} cores")


def finish() -> None:
    """Print the load average at the end."""
    end = os.getloadavg()
    print(f"load average at end: {_fmt_load(end)}")
    print("RESULT " + json.dumps({"kind": "load", "start": _START_LOAD, "end": end}))


def _fmt_load(load: tuple[float, float, float] | None) -> str:
    return "?" if load is None else " / ".join(f"{v:.2f}" for v in load) + " (1/5/15 min)"


def settle(quiet: float = 0.002, step: float = 0.05, limit: float = 1.0) -> None:
    """Sleep until this process's threads are idle (module docstring, "settled clocks")."""
    waited = 0.0
    while waited < limit:
        before = cpu_seconds()
        time.sleep(step)
        waited += step
        if cpu_seconds() - before < quiet:
            return


def _timed(call: Callable[[], Any], repeat: int = 1) -> tuple[float, float]:
    """Mean wall and CPU seconds of ``repeat`` calls, each on settled clocks."""
    wall = cpu = 0.0
    for _ in range(repeat):
        settle()
        w, c = time.perf_counter(), cpu_seconds()
        call()
        wall += time.perf_counter() - w
        cpu += cpu_seconds() - c
    return wall / repeat, cpu / repeat


def compare(name: str, ours: Callable[[], Any], peer: Callable[[], Any] | None = None, *,
            peer_name: str = "peer", floor: Callable[[], Any] | None = None, pairs: int = 3,
            target: str = "", warm: bool = True, n: Any = None,
            peer_scale: float = 1.0, repeat: int = 1) -> dict:
    """Time ``ours`` against ``peer`` (and the ``floor``) in interleaved pairs; print and
    return the medians (CPU seconds, wall seconds) and the ratios.

    ``peer_scale`` multiplies the peer's times when it runs a stated fraction of the work
    (a loop of fits timed on a sample and extrapolated); the line says so. ``repeat``: each
    timed run calls its side that many times (each on settled clocks) and counts the mean, for work of a
    few hundredths of a second, whose single runs are mostly clock and scheduling noise;
    the line says so."""
    pairs = max(3, int(pairs))
    sides = {"ours": ours}
    if peer is not None:
        sides[peer_name] = peer
    if floor is not None:
        sides["floor"] = floor
    if warm:
        for call in sides.values():
            call()
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    wall: dict[str, list[float]] = {k: [] for k in sides}
    names = list(sides)
    for i in range(pairs):
        order = names if i % 2 == 0 else names[::-1]
        for key in order:
            w, c = _timed(sides[key], max(1, int(repeat)))
            cpu[key].append(c)
            wall[key].append(w)
    med = {k: statistics.median(v) for k, v in cpu.items()}
    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    if peer is not None and peer_scale != 1.0:
        med[peer_name] *= peer_scale
        med_wall[peer_name] *= peer_scale
    out: dict[str, Any] = {"kind": "compare", "name": name, "n": n, "pairs": pairs,
                           "repeat": max(1, int(repeat)),
                           "ours_cpu": med["ours"], "ours_wall": med_wall["ours"],
                           "peer": peer_name if peer is not None else None, "target": target}
    line = f"{name}: ours {med['ours']:.3f} s CPU ({med_wall['ours']:.3f} s wall)"
    if peer is not None:
        ratio = med[peer_name] / med["ours"] if med["ours"] > 0 else float("nan")
        out |= {"peer_cpu": med[peer_name], "peer_wall": med_wall[peer_name], "ratio": ratio}
        line += (f"; {peer_name} {med[peer_name]:.3f} s CPU ({med_wall[peer_name]:.3f} s "
                 f"wall{'' if peer_scale == 1.0 else f', extrapolated x{peer_scale:g}'}); "
                 f"{peer_name} / ours = {ratio:.1f}x")
    if floor is not None:
        over = med["ours"] / med["floor"] if med["floor"] > 0 else float("nan")
        out |= {"floor_cpu": med["floor"], "over_floor": over}
        line += f"; floor {med['floor']:.3f} s CPU; ours / floor = {over:.2f}"
    line += f" (median of {pairs} interleaved pairs"
    if repeat > 1:
        line += f", each run the mean of {int(repeat)} calls"
    line += "; CPU of every run: " + ", ".join(
        f"{k} " + "/".join(f"{v:.2f}" for v in cpu[k]) for k in names) + ")"
    if target:
        line += f"  [target: {target}]"
    print(line, flush=True)
    print("RESULT " + json.dumps(out), flush=True)
    return out
