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
from dataclasses import dataclass
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

    def overlapping_pairs(self) -> list[tuple[str, str]]:
        boxes = list(self.boxes.values())
        return [(a.node, b.node) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a.overlaps(b)]


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
        x += col_width + _COLUMN_GAP
    return DagLayout(boxes, graph.edges, x - _COLUMN_GAP, total_height)


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

    layout = dag_layout(graph)
    adjusted = set(graph.check_nodes(adjustment, "adjustment"))
    red = {tuple(e) for e in highlight_edges}
    margin = 0.15
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(layout.width + 2 * margin, layout.height + 0.9))
    ax.set_xlim(-margin, layout.width + margin)
    ax.set_ylim(-margin, layout.height + margin)
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
        a, b = layout.boxes[cause], layout.boxes[effect]
        span = b.column - a.column
        colour = COLOURS["open"] if (cause, effect) in red else COLOURS["edge"]
        ax.add_patch(FancyArrowPatch(
            _exit_point(a, b.x, b.y), _exit_point(b, a.x, a.y), arrowstyle="-|>", mutation_scale=9 * scale,
            color=colour, lw=(1.4 if colour == COLOURS["open"] else 0.8) * scale,
            ls="--" if cause in graph.latent else "-", shrinkA=0, shrinkB=1,
            connectionstyle=f"arc3,rad={0.1 if span > 1 else 0.0}", zorder=1))
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


def _exit_point(box: NodeBox, towards_x: float, towards_y: float) -> tuple[float, float]:
    """Where the segment from the box centre towards a point leaves the box."""
    dx, dy = towards_x - box.x, towards_y - box.y
    if dx == 0 and dy == 0:
        return box.x, box.y
    t = min(box.width / 2 / abs(dx) if dx else float("inf"),
            box.height / 2 / abs(dy) if dy else float("inf"))
    return box.x + t * dx, box.y + t * dy


def dag_figure(graph: CausalGraph, *, adjustment: Iterable[str] = (),
               highlight_edges: Iterable[tuple[str, str]] = (), title: str | None = None) -> Any:
    """A matplotlib Figure (Agg canvas, no pyplot state) sized to the graph's layout."""
    layout = dag_layout(graph)
    figure, ax = new_figure(layout.width + 0.4, layout.height + (1.0 if title else 0.7))
    plot_dag(graph, adjustment=adjustment, ax=ax, highlight_edges=highlight_edges, title=title)
    return figure
