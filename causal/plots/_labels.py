"""Point labels that do not overlap each other, the marked points or the axes' edges.

Greedy placement (deterministic, so figures stay byte-identical): each label tries offsets in
order, nearest first, and keeps the first whose box, measured by the figure's renderer, clears
every label already placed and every marked point; labels pushed far from their point get a
thin leader line.
"""

from __future__ import annotations

from typing import Any

#: (dx, dy, ha, va) in points, nearest first; farther ones get a leader line
_NEAR = [(6, 4, "left", "bottom"), (6, -4, "left", "top"), (-6, 4, "right", "bottom"),
         (-6, -4, "right", "top"), (0, 8, "center", "bottom"), (0, -8, "center", "top")]
_FAR = [(dx, dy, "left", "center") for dy in (14, 28, 42, 56, 70, 84, -14, -28)
        for dx in (24, 48)]


def place_labels(ax: Any, items: list[tuple[str, float, float]], *, fontsize: float = 8,
                 avoid: list[tuple[float, float]] | None = None) -> list[Any]:
    """Annotate ``(text, x, y)`` items on ``ax`` without overlaps; returns the annotations.

    ``avoid`` lists further data points (e.g. other markers) that labels must not cover.
    """
    from matplotlib.text import Text

    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    to_display = ax.transData.transform
    axes_box = ax.get_window_extent(renderer)
    marks = [to_display((x, y)) for _, x, y in items] + [to_display(p) for p in avoid or []]
    placed: list[Any] = []
    annotations = []
    for text, x, y in items:
        chosen = None
        for dx, dy, ha, va in _NEAR + _FAR:
            far = (dx, dy, ha, va) in _FAR
            annotation = ax.annotate(
                text, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, va=va,
                fontsize=fontsize,
                arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#555555"} if far else None)
            # the text's own box (an annotation's extent also covers its leader line), once
            # its offset position is resolved
            annotation.update_positions(renderer)
            box = Text.get_window_extent(annotation, renderer).expanded(1.04, 1.15)
            clear = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1
                     and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1
                     and not any(box.overlaps(other) for other in placed)
                     and not any(box.x0 - 4 <= mx <= box.x1 + 4 and box.y0 - 4 <= my <= box.y1 + 4
                                 for mx, my in marks))
            if clear:
                chosen = annotation
                placed.append(box)
                break
            annotation.remove()
        if chosen is None:  # nowhere clear: the nearest position, on top
            dx, dy, ha, va = _NEAR[0]
            chosen = ax.annotate(text, (x, y), textcoords="offset points", xytext=(dx, dy),
                                 ha=ha, va=va, fontsize=fontsize)
            placed.append(chosen.get_window_extent(renderer))
        annotations.append(chosen)
    return annotations
