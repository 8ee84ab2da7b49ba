"""Which integer 2x2 tables with the reported group sizes reproduce a reported estimate and its
CI (the ``tables`` check)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from causal.claims.findings import Finding
from causal.claims.model import MAX_TABLE_CELLS, ReportedEstimate, Severity
from causal.claims.printed import rounding_box, rounds_to
from causal.errors import ParameterError
from causal.measures import (
    TwoByTwo,
    z_critical,
)


def reproducing_tables(estimate: ReportedEstimate, treated_total: int, control_total: int
                       ) -> pd.DataFrame:
    """All 2x2 tables with the given group sizes whose OR and Woolf CI print as reported.

    Enumerates every ``(treated_events, control_events)`` pair at once (vectorised) and keeps
    those whose sample OR and both Woolf limits fall in the rounding boxes of the printed
    numbers. Returns columns ``treated_events``, ``control_events``, ``odds_ratio``,
    ``ci_lower``, ``ci_upper``.
    """
    if estimate.measure != "OR":
        raise ParameterError(f"`estimate` must be an OR to search 2x2 tables; got "
                             f"{estimate.measure}.")
    z = z_critical(estimate.alpha)
    a, c = _tables_near_point(estimate, treated_total, control_total)
    parts = []
    for start in range(0, a.size, _TABLE_CHUNK):
        ca, cc = a[start:start + _TABLE_CHUNK], c[start:start + _TABLE_CHUNK]
        b, d = treated_total - ca, control_total - cc
        log_or = np.log(ca * d / (b * cc))
        se = np.sqrt(1 / ca + 1 / b + 1 / cc + 1 / d)
        odds = np.exp(log_or)
        lower, upper = np.exp(log_or - z * se), np.exp(log_or + z * se)
        keep = (rounds_to(odds, estimate.estimate) & rounds_to(lower, estimate.ci[0])
                & rounds_to(upper, estimate.ci[1]))
        parts.append(pd.DataFrame({"treated_events": ca[keep].astype(int),
                                   "control_events": cc[keep].astype(int),
                                   "odds_ratio": odds[keep], "ci_lower": lower[keep],
                                   "ci_upper": upper[keep]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["treated_events", "control_events", "odds_ratio", "ci_lower", "ci_upper"])


_TABLE_CHUNK = 1_000_000


def _tables_near_point(estimate: ReportedEstimate, n1: int, n0: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Every table ``(a, c)``, ``0 < a < n1``, ``0 < c < n0``, whose sample OR can print as the
    reported estimate, in the order of a full (a, c) grid.

    The sample OR ``a (n0 - c) / ((n1 - a) c)`` falls as ``c`` grows, so for each ``a`` the
    tables inside the estimate's rounding box ``[L, H]`` have ``c`` between
    ``a n0 / (a + (n1 - a) H)`` and ``a n0 / (a + (n1 - a) L)``; one more ``c`` is kept at
    each end against floating-point error, and the caller applies the exact test. The search
    therefore stays exhaustive while examining only this band, which is checked against
    :data:`causal._budgets.MAX_AUDIT_TABLES` before anything is allocated.
    """
    from causal._budgets import check_size

    low, high = rounding_box(estimate.estimate)
    low, high = max(low, 0.0) - 1e-12, high + 1e-12
    a = np.arange(1, n1, dtype=float)
    b = n1 - a
    first = np.floor(a * n0 / (a + b * high)) - 1 if high > 0 else np.full_like(a, n0)
    last = (np.ceil(a * n0 / (a + b * low)) + 1) if low > 0 else np.full_like(a, n0)
    first = np.clip(first, 1, n0 - 1).astype(np.int64)
    last = np.clip(last, 1, n0 - 1).astype(np.int64)
    width = np.maximum(last - first + 1, 0)
    check_size(int(width.sum()), "MAX_AUDIT_TABLES",
               "the number of candidate 2x2 tables for the reported OR",
               f"the group sizes {n1:,} and {n0:,} are too large for an exhaustive search")
    rows = np.repeat(np.arange(a.size), width)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(width) - width, width)
    return a[rows], (first[rows] + offsets).astype(float)


def tables_matching_point(estimate: ReportedEstimate, table: TwoByTwo) -> dict[str, int]:
    """The single-group change to the counts that brings the sample OR closest to the printed
    one: the treated event count (control count kept) and the control count (treated kept)."""
    a0, n1, c0, n0 = (table.treated_events, table.treated_total, table.control_events,
                      table.control_total)
    if c0 in (0, n0) or a0 in (0, n1) or n1 < 2 or n0 < 2:
        return {}
    odds = estimate.value
    target = math.log(odds)
    # The log OR is monotone in each count, so the nearest integer lies next to the exact
    # solution of OR(a) = target (or OR(c) = target); ties go to the smaller count.
    a_star = odds * c0 * n1 / ((n0 - c0) + odds * c0)
    c_star = a0 * n0 / (a0 + odds * (n1 - a0))

    def nearest(star: float, n: int, gap: Any) -> int:
        options = sorted({min(max(k, 1), n - 1) for k in (math.floor(star), math.ceil(star))})
        return min(options, key=lambda k: (gap(k), k))

    best_a = nearest(a_star, n1, lambda k: abs(math.log(k * (n0 - c0) / ((n1 - k) * c0))
                                               - target))
    best_c = nearest(c_star, n0, lambda k: abs(math.log(a0 * (n0 - k) / ((n1 - a0) * k))
                                               - target))
    return {"treated_events": best_a, "control_events": best_c}


def check_tables(estimate: ReportedEstimate, table: TwoByTwo) -> Finding | None:
    """Which integer tables with the reported group sizes reproduce a reported OR and CI?"""
    if estimate.measure != "OR" or estimate.ci is None:
        return None
    cells = (table.treated_total - 1) * (table.control_total - 1)
    if cells > MAX_TABLE_CELLS:
        return Finding("tables", estimate.label, "info",
                       f"The 2x2 tables that reproduce {estimate.describe()} were not searched: "
                       f"{table.treated_total:,} x {table.control_total:,} group sizes give "
                       f"{cells:,} tables, above the budget of {MAX_TABLE_CELLS:,}.",
                       {"cells": cells, "budget": MAX_TABLE_CELLS})
    found = reproducing_tables(estimate, table.treated_total, table.control_total)
    nearest = tables_matching_point(estimate, table)
    sizes = f"{table.treated_total} treated and {table.control_total} control"
    details = {"reproducing_tables": found.to_dict("records"), "nearest_point_matches": nearest}
    if not found.empty:
        listed = ", ".join(f"{r.treated_events}/{table.treated_total} vs "
                           f"{r.control_events}/{table.control_total}"
                           for r in found.head(5).itertuples())
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        severity: Severity = "ok"
        observed = ((found.treated_events == table.treated_events)
                    & (found.control_events == table.control_events)).any()
        if not observed:
            severity = "info"
        return Finding("tables", estimate.label, severity,
                       f"{len(found)} table(s) with {sizes} reproduce {estimate.describe()} as "
                       f"printed: {listed}{more}.", details)
    hints = []
    if nearest and nearest["treated_events"] != table.treated_events:
        hints.append(f"{nearest['treated_events']}/{table.treated_total} treated events "
                     f"(reported {table.treated_events})")
    if nearest and nearest["control_events"] != table.control_events:
        hints.append(f"{nearest['control_events']}/{table.control_total} control events "
                     f"(reported {table.control_events})")
    hint = (" Reaching the point estimate alone would need about " + " or ".join(hints) + "."
            if hints else "")
    severity = "info" if estimate.adjustment == "adjusted" else "warning"
    return Finding("tables", estimate.label, severity,
                   f"No 2x2 table with {sizes} reproduces {estimate.describe()} (Woolf interval) "
                   f"after rounding.{hint}", details)
