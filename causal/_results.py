"""The tabular schema shared by every result, and rendering helpers built on it.

Every result object in :mod:`causal` has ``summary() -> pandas.DataFrame`` with the columns
:data:`SUMMARY_COLUMNS` (missing quantities are NaN), so that results from different methods
concatenate into one report table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

SUMMARY_COLUMNS: tuple[str, ...] = (
    "quantity",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "p_value",
    "method",
    "note",
)


def summary_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a summary DataFrame with exactly :data:`SUMMARY_COLUMNS`, in order."""
    unknown = {key for row in rows for key in row} - set(SUMMARY_COLUMNS)
    if unknown:
        raise KeyError(f"summary rows have unknown columns {sorted(unknown)}")
    frame = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    for column in ("estimate", "std_error", "ci_lower", "ci_upper", "p_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("quantity", "method", "note"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def format_number(value: Any, digits: int = 4) -> str:
    """Format a number for a table: NaN as an empty cell, otherwise ``digits`` significant;
    numbers too large for that print whole with thousands separators (``12,345``), never in
    scientific notation."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        if np.isfinite(value) and abs(value) >= 10 ** digits:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return str(value)


def frame_to_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """Render a DataFrame as a GitHub-flavoured Markdown table (no optional dependency)."""
    columns = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in frame.itertuples(index=False):
        cells = [format_number(v, digits).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


class SummaryMixin:
    """Rendering of a result from its ``summary()`` table."""

    def summary(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_markdown(self) -> str:
        return frame_to_markdown(self.summary())

    def __str__(self) -> str:
        frame = self.summary().replace({np.nan: None})
        return f"{type(self).__name__}\n" + frame.to_string(index=False, na_rep="")

    def _repr_html_(self) -> str:
        return self.summary().to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}")
