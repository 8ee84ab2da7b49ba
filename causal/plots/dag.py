"""A picture of a causal graph, drawn with matplotlib alone (no Graphviz binary).

Causes sit left of their effects: each node's column is its topological generation (the length
of the longest directed path reaching it), so every edge points left to right. Within a column,
nodes are ordered by the barycentre heuristic (Sugiyama, Tagawa & Toda 1981) to reduce edge
crossings, and stacked with a fixed gap. Boxes are sized from their (wrapped) labels in inches,
and columns are spaced by their widest box, so no two boxes overlap. :func:`dag_layout` is the
pure function that computes all this; :func:`plot_dag` only draws it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from causal.graph.dag import CausalGraph
from causal.plots._figure import new_figure

#: the layout's units are inches at this font size; the plot rescales fonts to fit its Axes
FONT_SIZE = 9.0
_CHAR_WIDTH = 0.085  # inches per character at FONT_SIZE, generous for proportional fonts
_LINE_HEIGHT = 0.19
_PAD_X, _PAD_Y = 0.22, 0.16
_COLUMN_GAP, _ROW_GAP = 0.6, 0.42
_WRAP = 16

COLOURS = {"exposure": "#fdae6b", "outcome": "#9ecae1", "adjusted": "#c7e9c0",
           "observed": "#f0f0f0", "latent": "#ffffff", "edge": "#404040",
           "open": "#cb181d"}


@dataclass(frozen=True)
class NodeBox:
    """A node's box: centre (x, y), size, column and label lines, in inches."""

    node: str
    x: float
    y: float
    width: float
    height: float
    column: int
    lines: tuple[str, ...]

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: NodeBox) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.bottom < other.top and other.bottom < self.top)


@dataclass(frozen=True)
class DagLayout:
    boxes: dict[str, NodeBox]
    edges: tuple[tuple[str, str], ...]
    width: float
    height: float
    #: each edge's route: the points of the polyline it is drawn along (cause to effect)
    routes: dict[tuple[str, str], tuple[tuple[float, float], ...]] = field(default_factory=dict)

    def overlapping_pairs(self) -> list[tuple[str, str]]:
        boxes = list(self.boxes.values())
        return [(a.node, b.node) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a.overlaps(b)]

    def curve_extent(self) -> tuple[float, float]:
        """Lowest and highest y reached by the routes (at least 0 and the height)."""
        ys = [y for route in self.routes.values() for _, y in route]
        return min([0.0, *ys]), max([self.height, *ys])

    def edges_through_boxes(self) -> list[tuple[tuple[str, str], str]]:
        """(edge, node) for every drawn edge that passes through a box it does not join."""
        return [((a, b), node) for (a, b), route in self.routes.items()
                for node in _crossed(self.boxes, a, b, route)]


#: an edge keeps this far (inches) from the boxes it passes
_CLEARANCE = 0.04


def _crossed(boxes: dict[str, NodeBox], a: str, b: str,
             route: tuple[tuple[float, float], ...]) -> list[str]:
    """The boxes other than a's and b's that the polyline ``route`` enters (with the
    clearance), found by sampling each segment finely."""
    import numpy as np

    pts = np.asarray(route, dtype=float)
    t = np.linspace(0.0, 1.0, 48)[:, None]
    path = np.concatenate([(1 - t) * p + t * q for p, q in zip(pts[:-1], pts[1:], strict=True)])
    out = []
    for node, box in boxes.items():
        if node in (a, b):
            continue
        inside = ((path[:, 0] > box.left - _CLEARANCE) & (path[:, 0] < box.right + _CLEARANCE)
                  & (path[:, 1] > box.bottom - _CLEARANCE)
                  & (path[:, 1] < box.top + _CLEARANCE))
        if inside.any():
            out.append(node)
    return out


def _routes(boxes: dict[str, NodeBox], edges: Iterable[tuple[str, str]],
            columns: list[tuple[float, float]]) -> dict[tuple[str, str],
                                                         tuple[tuple[float, float], ...]]:
    """Each edge's polyline, which enters no box but its own two (as the dummy nodes of a
    layered drawing do, Sugiyama, Tagawa & Toda 1981): it leaves the cause's box to the right
    and runs level to the edge of the cause's column; it crosses each column in between
    level, through the gap between two boxes (or above or below them) nearest the straight
    line from cause to effect; it reaches the effect's column at the effect's height and
    runs level into its box. Its sloped parts lie in the empty bands between columns.
    ``columns`` holds each column's (left, right) x."""
    by_column: dict[int, list[NodeBox]] = {}
    for box in boxes.values():
        by_column.setdefault(box.column, []).append(box)
    gaps: dict[int, list[float]] = {}
    for k, col in by_column.items():
        col = sorted(col, key=lambda box: box.y)
        ys = [col[0].bottom - _ROW_GAP / 2]
        ys += [(lower.top + upper.bottom) / 2 for lower, upper in zip(col[:-1], col[1:],
                                                                      strict=True)]
        ys.append(col[-1].top + _ROW_GAP / 2)
        gaps[k] = ys
    routes = {}
    for a, b in edges:
        start, end = boxes[a], boxes[b]
        points = [(start.right, start.y), (columns[start.column][1], start.y)]
        x0, x1 = columns[start.column][1], columns[end.column][0]
        for k in range(start.column + 1, end.column):
            left, right = columns[k]
            centre = (left + right) / 2
            aim = start.y + (end.y - start.y) * (centre - x0) / (x1 - x0)
            y = min(gaps[k], key=lambda g: (abs(g - aim), g))
            points += [(left, y), (right, y)]
        points += [(columns[end.column][0], end.y), (end.left, end.y)]
        # drop repeated points (a box as wide as its column)
        kept = [points[0]] + [p for q, p in zip(points[:-1], points[1:], strict=True) if p != q]
        routes[(a, b)] = tuple(kept)
    return routes


def _wrap(label: str) -> tuple[str, ...]:
    return tuple(textwrap.wrap(label, _WRAP, break_long_words=False)) or (label,)


def dag_layout(graph: CausalGraph) -> DagLayout:
    """Layered left-to-right layout of ``graph`` (see the module docstring)."""
    import networkx as nx

    g = graph.to_networkx()
    column_of = {n: i for i, gen in enumerate(nx.topological_generations(g)) for n in gen}
    # a cause with no causes of its own sits just left of its earliest effect, which keeps
    # its edges short (e.g. an unmeasured cause of the outcome alone sits beside the outcome)
    for node in graph.nodes:
        if g.in_degree(node) == 0 and g.out_degree(node) > 0:
            column_of[node] = min(column_of[c] for c in g.successors(node)) - 1
    columns: list[list[str]] = [[] for _ in range(max(column_of.values(), default=0) + 1)]
    for node in graph.nodes:
        columns[column_of[node]].append(node)

    def rank() -> dict[str, float]:
        return {n: (k + 0.5) / len(col) for col in columns for k, n in enumerate(col)}

    # barycentre sweeps: order each column by the mean relative height of the node's causes
    # (forward sweep) or effects (backward sweep); ties keep declaration order. Latent nodes
    # go below the measured ones of their column, so the unmeasured world reads as one band
    for sweep in range(6):
        forward = sweep % 2 == 0
        for i in (range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)):
            where = rank()

            def key(node: str, where: dict[str, float] = where,
                    forward: bool = forward) -> tuple[bool, float, int]:
                near = [where[m] for m in (g.predecessors(node) if forward
                                           else g.successors(node))]
                return (node in graph.latent, sum(near) / len(near) if near else where[node],
                        graph.nodes.index(node))
            columns[i] = sorted(columns[i], key=key)
    sizes = {}
    for node in graph.nodes:
        lines = _wrap(graph.label(node))
        sizes[node] = (lines, _CHAR_WIDTH * max(map(len, lines)) + _PAD_X,
                       _LINE_HEIGHT * len(lines) + _PAD_Y)
    boxes: dict[str, NodeBox] = {}
    x = 0.0
    columns = [col for col in columns if col]
    spans: list[tuple[float, float]] = []
    heights = [sum(sizes[n][2] for n in col) + _ROW_GAP * (len(col) - 1) for col in columns]
    total_height = max(heights)
    for i, col in enumerate(columns):
        col_width = max(sizes[n][1] for n in col)
        centre = x + col_width / 2
        y = (total_height + heights[i]) / 2  # columns are centred vertically
        for node in col:
            lines, w, h = sizes[node]
            boxes[node] = NodeBox(node, centre, y - h / 2, w, h, i, lines)
            y -= h + _ROW_GAP
        spans.append((x, x + col_width))
        x += col_width + _COLUMN_GAP
    return DagLayout(boxes, graph.edges, x - _COLUMN_GAP, total_height,
                     _routes(boxes, graph.edges, spans))


def plot_dag(graph: CausalGraph, *, adjustment: Iterable[str] = (), ax: Any = None,
             highlight_edges: Iterable[tuple[str, str]] = (), title: str | None = None) -> Any:
    """Draw ``graph``: latent nodes dashed, exposure and outcome coloured, ``adjustment`` marked.

    Parameters
    ----------
    graph : CausalGraph
    adjustment : iterable of str
        Nodes adjusted for (drawn with a green fill and a double border).
    ax : matplotlib Axes, optional
        Drawn on a new figure sized to the layout if not given.
    highlight_edges : iterable of (cause, effect)
        Edges to draw in red (e.g. those on open back-door paths).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
    from matplotlib.path import Path

    layout = dag_layout(graph)
    adjusted = set(graph.check_nodes(adjustment, "adjustment"))
    red = {tuple(e) for e in highlight_edges}
    margin = 0.15
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(layout.width + 2 * margin, layout.height + 0.9))
    low, high = layout.curve_extent()  # a bent edge may bulge beyond the boxes
    ax.set_xlim(-margin, layout.width + margin)
    ax.set_ylim(min(-margin, low - margin), max(layout.height + margin, high + margin))
    ax.set_aspect("equal")
    ax.set_axis_off()
    bbox = ax.get_window_extent()
    dpi = ax.figure.dpi
    scale = min(bbox.width / dpi / (layout.width + 2 * margin),
                bbox.height / dpi / (layout.height + 2 * margin))
    font = FONT_SIZE * scale
    for node, box in layout.boxes.items():
        latent = node in graph.latent
        fill = (COLOURS["exposure"] if node == graph.exposure else
                COLOURS["outcome"] if node == graph.outcome else
                COLOURS["adjusted"] if node in adjusted else
                COLOURS["latent"] if latent else COLOURS["observed"])
        ax.add_patch(FancyBboxPatch((box.left, box.bottom), box.width, box.height,
                                    boxstyle="round,pad=0,rounding_size=0.06", fc=fill,
                                    ec="#252525", lw=(2.2 if node in adjusted else 1.0) * scale,
                                    ls="--" if latent else "-", zorder=2))
        if node in adjusted:
            inset = 0.04
            ax.add_patch(FancyBboxPatch((box.left + inset, box.bottom + inset),
                                        box.width - 2 * inset, box.height - 2 * inset,
                                        boxstyle="round,pad=0,rounding_size=0.04", fc="none",
                                        ec="#252525", lw=0.7 * scale, zorder=3))
        ax.text(box.x, box.y, "\n".join(box.lines), ha="center", va="center", fontsize=font,
                style="italic" if latent else "normal", zorder=4,
                fontweight="bold" if node in (graph.exposure, graph.outcome) else "normal")
    for cause, effect in layout.edges:
        colour = COLOURS["open"] if (cause, effect) in red else COLOURS["edge"]
        ax.add_patch(FancyArrowPatch(
            path=Path(layout.routes[(cause, effect)]), arrowstyle="-|>",
            mutation_scale=9 * scale, color=colour,
            lw=(1.4 if colour == COLOURS["open"] else 0.8) * scale,
            ls="--" if cause in graph.latent else "-", shrinkA=0, shrinkB=1,
            zorder=2 if colour == COLOURS["open"] else 1))
    handles = [Patch(fc=COLOURS["exposure"], ec="#252525", label="exposure"),
               Patch(fc=COLOURS["outcome"], ec="#252525", label="outcome")]
    if graph.latent:
        handles.append(Patch(fc=COLOURS["latent"], ec="#252525", ls="--",
                             label="latent (unmeasured)"))
    if adjusted:
        handles.append(Patch(fc=COLOURS["adjusted"], ec="#252525", lw=2, label="adjusted for"))
    if red:
        handles.append(Line2D([], [], color=COLOURS["open"], lw=1.6, label="on an open path"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncol=len(handles), frameon=False, fontsize=font * 0.9)
    if title:
        ax.set_title(title, fontsize=font * 1.1)
    return ax


def dag_figure(graph: CausalGraph, *, adjustment: Iterable[str] = (),
               highlight_edges: Iterable[tuple[str, str]] = (), title: str | None = None) -> Any:
    """A matplotlib Figure (Agg canvas, no pyplot state) sized to the graph's layout."""
    layout = dag_layout(graph)
    figure, ax = new_figure(layout.width + 0.4, layout.height + (1.0 if title else 0.7))
    plot_dag(graph, adjustment=adjustment, ax=ax, highlight_edges=highlight_edges, title=title)
    return figure
