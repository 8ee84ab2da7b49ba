"""A headless matplotlib figure and its deterministic bytes, for the plots, the report and the
command line (never touches pyplot state)."""

from __future__ import annotations

import io
from typing import Any


def new_figure(width: float = 6.4, height: float = 4.4) -> tuple[Any, Any]:
    """A (Figure, Axes) pair on the non-interactive Agg canvas; never touches pyplot state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def figure_bytes(figure: Any, fmt: str = "png") -> bytes:
    """Render ``figure`` as PNG or SVG bytes without timestamps (so reruns are identical)."""
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    figure.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()
