"""The tabular schema shared by every result, and rendering helpers built on it.

Every result object in :mod:`causal` has ``summary() -> pandas.DataFrame`` with the columns
:data:`SUMMARY_COLUMNS` (missing quantities are NaN), so that results from different methods
concatenate into one report table.
"""

from __future__ import annotations

import math
from pathlib import Path
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

#: the columns a result's text shows by default (:meth:`SummaryMixin.render_text`)
TEXT_COLUMNS: tuple[str, ...] = ("quantity", "estimate", "ci_lower", "ci_upper", "note")


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
    from causal._text import one_line

    columns = [one_line(str(c)).replace("|", "\\|") for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in frame.itertuples(index=False):
        cells = [one_line(format_number(v, digits)).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: frames as lists of records, NumPy scalars and arrays as
    Python numbers and lists, NaN and infinities as None, paths as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return jsonable(value.to_dict("records"))
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Path):
        return str(value)
    return value


class SummaryMixin:
    """Rendering of a result from its ``summary()`` table."""

    def summary(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON types: ``{"summary": [one dict per row]}`` (missing numbers
        are None); results with headline fields add them next to ``summary``."""
        return {"summary": jsonable(self.summary())}

    def render_text(self) -> str:
        """The result as text: a Markdown table of :data:`TEXT_COLUMNS` of ``summary()``."""
        return frame_to_markdown(self.summary()[list(TEXT_COLUMNS)])

    def to_markdown(self) -> str:
        return frame_to_markdown(self.summary())

    def __str__(self) -> str:
        frame = self.summary().replace({np.nan: None})
        return f"{type(self).__name__}\n" + frame.to_string(index=False, na_rep="")

    def _repr_html_(self) -> str:
        return self.summary().to_html(index=False, na_rep="", float_format=lambda v: f"{v:.4g}")
