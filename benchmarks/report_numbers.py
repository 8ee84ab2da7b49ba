"""Compare the numbers of two ``report.json`` files (e.g. main's report and a branch's).

    python benchmarks/report_numbers.py OLD/report.json NEW/report.json [--tol 1e-12]

Every number in both JSON trees is matched by its path (keys and list positions); a path
present in one tree only, a number that differs by more than ``tol`` (relative to the larger
magnitude, absolute near 0) or a changed string is printed, one line each, and the exit status
is 1 if anything differs. The reproducibility record (versions, command) is skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

SKIP = ("reproducibility",)


def leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if path == () and key in SKIP:
                continue
            yield from leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, str(i)))
    else:
        yield "/".join(path), node


def differs(a, b, tol: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or not (
            isinstance(a, int | float) and isinstance(b, int | float)):
        return a != b
    if math.isnan(a) and math.isnan(b):
        return False
    scale = max(abs(a), abs(b), 1.0)
    return abs(a - b) > tol * scale


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--tol", type=float, default=1e-12)
    parser.add_argument("--strings", action="store_true", help="also compare strings")
    args = parser.parse_args()
    with open(args.old) as f:
        old = dict(leaves(json.load(f)))
    with open(args.new) as f:
        new = dict(leaves(json.load(f)))
    bad = 0
    numbers = 0
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path, "<absent>"), new.get(path, "<absent>")
        if isinstance(a, str) and isinstance(b, str) and not args.strings:
            continue
        numbers += isinstance(a, int | float)
        if differs(a, b, args.tol):
            bad += 1
            print(f"{path}: {a!r} -> {b!r}")
    print(f"{numbers} numbers compared, {bad} differ (tol {args.tol:g})", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
