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


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_no_edge_is_drawn_through_a_box_it_does_not_join(name):
    """Each edge is drawn straight or bent (matplotlib's arc3, sampled as the quadratic Bezier
    curve it draws) so that it passes no other node's box (issue 21, item 13: DWP's edges ran
    through nodes)."""
    layout = dag_layout(GRAPHS[name])
    assert layout.edges_through_boxes() == []


def test_a_long_edge_past_a_middle_node_goes_round_it():
    """a -> m -> b and a -> b, m in the middle column: the straight a -> b line would cross
    m's box (the premise); the route crosses the middle column level, in a gap above or below
    m, and every sloped part lies between columns."""
    from causal.plots.dag import _crossed

    graph = CausalGraph.from_edges([("a", "m"), ("m", "b"), ("a", "b")], exposure="a",
                                   outcome="b")
    layout = dag_layout(graph)
    a, m, b = (layout.boxes[n] for n in "amb")
    assert _crossed(layout.boxes, "a", "b", ((a.x, a.y), (b.x, b.y))) == ["m"]
    route = layout.routes[("a", "b")]
    assert route[0] == (a.right, a.y) and route[-1] == (b.left, b.y)
    level = [y for x, y in route if m.left - 1e-9 <= x <= m.right + 1e-9]
    assert level and all(y > m.top or y < m.bottom for y in level)
    assert layout.edges_through_boxes() == []
    assert layout.curve_extent() != (0.0, layout.height)  # it leaves the boxes' band


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
