"""A headless matplotlib figure and its deterministic bytes, for the plots, the report and the
command line (never touches pyplot state)."""

from __future__ import annotations

import io
import math
import weakref
from typing import Any

#: the padded tight box (inches) of each figure's last single-pass PNG drawing, so that its
#: SVG, rendered next, skips savefig's own layout pass; used only while the figure is not
#: stale (no artist changed since that drawing)
_TIGHT_BOXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def new_figure(width: float = 6.4, height: float = 4.4) -> tuple[Any, Any]:
    """A (Figure, Axes) pair on the non-interactive Agg canvas; never touches pyplot state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=200)  # print quality (issue 21)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


#: the text every figure drawn from SIMULATED data carries on the image
SIMULATED_STAMP = "SIMULATED"


def stamp_simulated(figure: Any) -> Any:
    """Write SIMULATED on ``figure`` itself (a diagonal watermark over the plot and a label in
    its top-left corner), so a figure copied out of a report still says its data are
    simulated. Stamping twice adds nothing. Returns the figure."""
    if any(t.get_text() == SIMULATED_STAMP for t in figure.texts):
        return figure
    figure.text(0.5, 0.5, SIMULATED_STAMP, ha="center", va="center", rotation=28,
                fontsize=44, color="#8e24aa", alpha=0.13, weight="bold", zorder=0)
    figure.text(0.005, 0.995, SIMULATED_STAMP, ha="left", va="top", fontsize=9,
                color="white", weight="bold",
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "#8e24aa",
                      "edgecolor": "none"})
    return figure


def is_stamped(figure: Any) -> bool:
    """Whether ``figure`` carries the SIMULATED stamp."""
    return any(t.get_text() == SIMULATED_STAMP for t in figure.texts)


def figure_bytes(figure: Any, fmt: str = "png") -> bytes:
    """Render ``figure`` as PNG or SVG bytes without timestamps (so reruns are identical),
    cropped to the drawn artists (matplotlib's ``bbox_inches="tight"``).

    A PNG is drawn once: ``savefig(bbox_inches="tight")`` draws the whole figure twice (once
    without rendering, to find the artists' extent, then again to render), and the first
    pass costs about as much as the second (text layout and ticks, not rasterising). Here the
    canvas is rendered once, the extent read from that drawing and the pixels cropped to it.
    Where the artists reach beyond the canvas (which ``tight`` would enlarge) or a layout
    engine is set, the figure goes through ``savefig`` as before. An SVG rendered after its
    PNG, with nothing changed in between, is cropped to the box that drawing measured (the
    Agg renderer's text extents), which spares ``savefig`` its layout pass.
    """
    buffer = io.BytesIO()
    if fmt == "png" and _png_rendered_once(figure, buffer):
        return buffer.getvalue()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    from matplotlib import rc_context

    box = _TIGHT_BOXES.get(figure) if fmt == "svg" and not figure.stale else None
    # a fixed salt: an SVG's element ids are otherwise random, so reruns would differ
    with rc_context({"svg.hashsalt": "causal-report"}):
        figure.savefig(buffer, format=fmt, bbox_inches="tight" if box is None else box,
                       metadata=metadata)
    return buffer.getvalue()


def _png_rendered_once(figure: Any, buffer: io.BytesIO) -> bool:
    import numpy as np
    from matplotlib import image, rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = figure.canvas
    if (type(canvas) is not FigureCanvasAgg or figure.get_layout_engine() is not None
            or rcParams["savefig.dpi"] not in ("figure", figure.dpi)
            or rcParams["savefig.facecolor"] != "auto" or rcParams["savefig.transparent"]):
        return False
    canvas.draw()
    tight = figure.get_tightbbox(canvas.get_renderer())  # inches
    width, height = figure.get_size_inches()
    if tight.x0 < 0 or tight.y0 < 0 or tight.x1 > width or tight.y1 > height:
        return False
    box = tight.padded(rcParams["savefig.pad_inches"])
    # measuring the box flags some artists stale though the drawing above is current; any
    # later change to an artist flags the figure stale again (matplotlib calls the stale
    # callback on every change), and then the SVG measures its own box
    figure.stale = False
    _TIGHT_BOXES[figure] = box
    pixels = np.asarray(canvas.buffer_rgba())
    dpi, (rows, cols) = figure.dpi, pixels.shape[:2]
    top, bottom = math.floor(rows - box.y1 * dpi), math.ceil(rows - box.y0 * dpi)
    left, right = math.floor(box.x0 * dpi), math.ceil(box.x1 * dpi)
    crop = pixels[max(top, 0):min(bottom, rows), max(left, 0):min(right, cols)]
    # the padding beyond the canvas is the figure's background, as savefig draws it
    margins = ((max(-top, 0), max(bottom - rows, 0)), (max(-left, 0), max(right - cols, 0)))
    if any(any(m) for m in margins):
        from matplotlib.colors import to_rgba_array

        background = (to_rgba_array(figure.get_facecolor())[0] * 255).round().astype(np.uint8)
        padded = np.empty((crop.shape[0] + sum(margins[0]), crop.shape[1] + sum(margins[1]), 4),
                          dtype=np.uint8)
        padded[:] = background
        padded[margins[0][0]:margins[0][0] + crop.shape[0],
               margins[1][0]:margins[1][0] + crop.shape[1]] = crop
        crop = padded
    image.imsave(buffer, crop, format="png", origin="upper", dpi=dpi,
                 metadata={"Software": None})
    return True
