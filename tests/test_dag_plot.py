"""The graph figure: the layout is checked as a pure function, the drawing by its artists."""

from __future__ import annotations

from pathlib import Path

import pytest

from causal.graph.dag import CausalGraph, read_graph
from causal.plots.dag import dag_figure, dag_layout, plot_dag

ROOT = Path(__file__).resolve().parents[1]
GRAPHS = {p.stem: read_graph(p) for p in sorted((ROOT / "dags").glob("*.dot"))}
GRAPHS["long_labels"] = CausalGraph.from_edges(
    [("a", "b"), ("b", "c"), ("a", "c"), ("u", "b"), ("u", "c"), ("d", "c")],
    exposure="b", outcome="c", latent=["u"],
    labels={"a": "A very long label that has to wrap over several lines",
            "d": "Another long label, also wrapping", "u": "Unmeasured common cause"})
GRAPHS["isolated"] = CausalGraph.from_edges([("x", "y")], nodes=["lonely", "x", "y"],
                                            exposure="x", outcome="y")


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_layout_edges_go_left_to_right_and_boxes_do_not_overlap(name):
    graph = GRAPHS[name]
    layout = dag_layout(graph)
    assert set(layout.boxes) == set(graph.nodes)
    for cause, effect in graph.edges:
        assert layout.boxes[cause].right < layout.boxes[effect].left, (cause, effect)
    assert layout.overlapping_pairs() == []
    for box in layout.boxes.values():
        assert -1e-9 <= box.left and box.right <= layout.width + 1e-9
        assert -1e-9 <= box.bottom and box.top <= layout.height + 1e-9


def test_layout_is_deterministic_and_latent_nodes_sit_below_in_their_column():
    graph = GRAPHS["thew2024"]
    first, second = dag_layout(graph), dag_layout(graph)
    assert first == second
    for latent in graph.latent:
        box = first.boxes[latent]
        same_column = [b for b in first.boxes.values()
                       if b.column == box.column and b.node not in graph.latent]
        assert all(b.y > box.y for b in same_column)


def test_wrapped_labels_fit_their_boxes():
    layout = dag_layout(GRAPHS["long_labels"])
    box = layout.boxes["a"]
    assert len(box.lines) >= 3 and max(map(len, box.lines)) <= 16


def test_plot_marks_roles_latent_and_adjustment():
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    graph = GRAPHS["thew2024"]
    figure = dag_figure(graph, adjustment=["age", "sessions"],
                        highlight_edges=[("motivation", "recovery")])
    ax = figure.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    # one box per node plus the inner border of each adjusted node
    assert len(boxes) == len(graph.nodes) + 2
    assert len(arrows) == len(graph.edges)
    dashed = [b for b in boxes if b.get_linestyle() not in ("-", "solid")]
    assert len(dashed) == len(graph.latent)
    texts = {t.get_text().replace("\n", " ") for t in ax.texts}
    assert "Motivation to work" in texts and "Accepted employment support" in texts
    red = [a for a in arrows if a.get_edgecolor()[:3] != arrows[-1].get_edgecolor()[:3]]
    assert len(red) == 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["exposure", "outcome", "latent (unmeasured)", "adjusted for",
                      "on an open path"]


def test_plot_without_ax_returns_axes_and_renders(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_dag(GRAPHS["nhefs"])
    try:
        assert ax.figure is not None and not ax.axison
        ax.figure.savefig(tmp_path / "g.png")
        assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        plt.close(ax.figure)


def test_unknown_adjustment_node_in_plot():
    from causal.errors import GraphError

    with pytest.raises(GraphError, match="`adjustment` names node"):
        dag_figure(GRAPHS["nhefs"], adjustment=["nope"])
