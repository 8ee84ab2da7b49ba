"""Run the comparison benchmarks one after another and write one table.

Usage::

    uv run --group test python benchmarks/run_all.py [--quick] [--out benchmarks/results.md]
        [--only report startup ...]

Each script runs in its own process (``--quick`` passed on: smaller sizes, printed by each
script), and prints ``RESULT {json}`` lines (benchmarks/_fair.py) that are collected into a
Markdown table: the work, n, ours (median CPU seconds), the peer's, the ratio, ours / floor,
the target, and the load average at the start and end of each script. The full output of
every script is printed as it runs. Nothing here is a test: speed is measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (key, script, extra arguments)
SCRIPTS = [
    ("startup", "bench_startup.py", []),
    ("report", "bench_report.py", []),
    ("refuters", "bench_refute_estimate.py", []),
    ("aipw", "bench_aipw.py", []),
    ("dml", "bench_dml_sensitivity.py", []),
    ("explain_away", "bench_explain_away.py", []),
]


def _fmt(value: object, digits: str = ".2f") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return format(value, digits)
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=None,
                        help="also write the table to this Markdown file")
    parser.add_argument("--only", nargs="*", default=None,
                        help=f"keys among {[k for k, _, _ in SCRIPTS]}")
    args = parser.parse_args()
    rows, loads = [], []
    started = time.perf_counter()
    print(f"run_all: load average at start {os.getloadavg()}, {os.cpu_count()} cores, "
          f"{'quick' if args.quick else 'full'} sizes", flush=True)
    # the machine's own rates (benchmarks/machine.py), to read the ratios against
    machine = subprocess.run([sys.executable, str(HERE / "machine.py")], capture_output=True,
                             text=True, cwd=HERE.parent).stdout.strip()
    print(machine, flush=True)
    for key, script, extra in SCRIPTS:
        if args.only is not None and key not in args.only:
            continue
        command = [sys.executable, str(HERE / script), *extra,
                   *(["--quick"] if args.quick else [])]
        print(f"\n$ {' '.join(command[1:])}", flush=True)
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("RESULT "):
                record = json.loads(line[len("RESULT "):])
                record["script"] = script
                (loads if record["kind"] == "load" else rows).append(record)
            else:
                print(line, end="", flush=True)
        if proc.wait() != 0:
            rows.append({"script": script, "name": f"{script} FAILED (exit {proc.returncode})"})
    lines = ["| work | n | ours CPU s | ours wall s | peer | peer CPU s | peer / ours | "
             "ours / floor | target | load start → end |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        load = next((r for r in loads if r["script"] == row["script"]), None)
        where = "—" if load is None else f"{load['start'][0]:.2f} → {load['end'][0]:.2f}"
        lines.append(
            f"| {row['name']} | {_fmt(row.get('n'))} | {_fmt(row.get('ours_cpu'), '.3f')} | "
            f"{_fmt(row.get('ours_wall'), '.3f')} | "
            f"{_fmt(row.get('peer'))} | {_fmt(row.get('peer_cpu'), '.3f')} | "
            f"{_fmt(row.get('ratio'), '.1f')} | {_fmt(row.get('over_floor'))} | "
            f"{row.get('target') or '—'} | {where} |")
    table = "\n".join(lines)
    total = time.perf_counter() - started
    footer = (f"\n{'quick' if args.quick else 'full'} sizes; CPU seconds are medians of "
              f"interleaved pairs (user + system, children included); load = 1-minute "
              f"average; run_all took {total:.0f} s wall; {os.cpu_count()} cores.\n"
              f"{machine}")
    print("\n" + table + footer)
    if args.out is not None:
        args.out.write_text(table + "\n" + footer + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
