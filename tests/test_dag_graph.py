"""The causal graph type: building, reading and writing DOT, dagitty and GML, and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from causal.errors import CausalError, GraphError
from causal.graph.dag import CausalGraph, from_dagitty, from_dot, from_gml, read_graph

ROOT = Path(__file__).resolve().parents[1]
DAGS = sorted((ROOT / "dags").glob("*.dot"))


def _graph() -> CausalGraph:
    return CausalGraph.from_edges(
        [("z", "x"), ("z", "y"), ("x", "y"), ("u", "z"), ("u", "y")],
        exposure="x", outcome="y", latent=["u"],
        labels={"x": 'Treated "yes"', "z": "Age, years"}, name="triangle")


def test_build_in_python():
    g = _graph()
    assert g.nodes == ("z", "x", "y", "u")
    assert g.observed == ("z", "x", "y")
    assert g.parents("y") == {"z", "x", "u"}
    assert g.descendants("z") == {"x", "y"}
    assert g.label("z") == "Age, years" and g.label("y") == "y"
    nxg = g.to_networkx()
    assert nxg.nodes["u"]["latent"] is True and nxg.nodes["x"]["role"] == "exposure"
    nxg.remove_node("z")  # a fresh copy: the graph itself is untouched
    assert "z" in g.nodes and g.to_networkx().has_node("z")


@pytest.mark.parametrize("writer,reader", [("to_dot", from_dot), ("to_gml", from_gml)])
def test_round_trip_keeps_everything(writer, reader):
    g = _graph()
    again = reader(getattr(g, writer)())
    assert again == g
    assert again.labels == g.labels


def test_round_trip_dagitty_keeps_structure_and_roles():
    g = _graph()
    text = g.to_dagitty()
    assert "x [exposure]" in text and "u [latent]" in text
    again = from_dagitty(text)
    # dagitty's syntax has no variable labels and no graph name
    assert again.nodes == g.nodes and set(again.edges) == set(g.edges)
    assert (again.exposure, again.outcome, again.latent) == ("x", "y", frozenset({"u"}))


@pytest.mark.parametrize("path", DAGS, ids=lambda p: p.name)
def test_project_graphs_round_trip_through_every_format(path, tmp_path):
    g = read_graph(path)
    for suffix in (".dot", ".gml", ".dagitty"):
        again = read_graph(g.write(tmp_path / f"copy{suffix}"))
        assert set(again.edges) == set(g.edges) and set(again.nodes) == set(g.nodes)
        assert (again.exposure, again.outcome, again.latent) == (g.exposure, g.outcome,
                                                                 g.latent)
        if suffix != ".dagitty":
            assert again.labels == g.labels


def test_reads_dagitty_as_pasted_from_dagitty_net():
    text = """dag {
bb="0,0,1,1"
A [pos="0.1,0.2"]
E [exposure,pos="0.2,0.5"]
O [outcome,pos="0.8,0.5"]
U [latent,pos="0.5,0.1"]
A -> E
A -> O
E -> O
U -> A
O <- U
M <-> E
}
"""
    g = from_dagitty(text)
    assert (g.exposure, g.outcome) == ("E", "O")
    assert g.latent == {"U", "U_M_E"}  # M <-> E: an unmeasured common cause
    assert ("U", "O") in g.edges and ("U_M_E", "M") in g.edges and ("U_M_E", "E") in g.edges


def test_dot_with_comments_defaults_quotes_and_chains():
    text = """/* a comment */
strict digraph "my graph" {
  graph [rankdir=LR]; node [shape=box];
  "x var" [role=exposure];  // trailing comment
  y [role="outcome", label="The \\"outcome\\""];
  # shell-style comment
  a -> "x var" -> y [color=red];
}"""
    g = from_dot(text)
    assert g.name == "my graph"
    assert g.edges == (("a", "x var"), ("x var", "y"))
    assert g.label("y") == 'The "outcome"'


def test_keywords_as_quoted_node_names_round_trip():
    graph = CausalGraph.from_edges([("node", "graph"), ("edge", "graph")], exposure="node",
                                   outcome="graph", latent=["edge"])
    assert from_dot(graph.to_dot()) == graph
    assert from_dagitty(graph.to_dagitty()).latent == {"edge"}


def test_dot_file_exposure_and_outcome_from_role_or_flag():
    g = from_dot('digraph { x [exposure="true"]; y [outcome]; x -> y }')
    assert (g.exposure, g.outcome) == ("x", "y")


def test_with_roles_overrides_the_file():
    g = _graph().with_roles(exposure="z")
    assert (g.exposure, g.outcome) == ("z", "y")


# ---------------------------------------------------------------------------- bad input --
def test_cycle_is_refused_and_listed():
    with pytest.raises(GraphError, match=r"cycle (a -> b -> c -> a|b -> c -> a -> b|"
                                         r"c -> a -> b -> c)"):
        CausalGraph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")])


def test_cycle_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "cyc.dot"
    path.write_text("digraph { a -> b; b -> a; }")
    with pytest.raises(GraphError, match=r"cyc.dot.*cycle"):
        read_graph(path)


def test_exposure_equal_to_outcome():
    with pytest.raises(GraphError, match="`exposure` and `outcome` must differ; both are 'x'"):
        CausalGraph.from_edges([("x", "y")], exposure="x", outcome="x")


def test_latent_exposure_is_refused():
    with pytest.raises(GraphError, match="`exposure` 'x' is marked latent"):
        CausalGraph.from_edges([("x", "y")], exposure="x", outcome="y", latent=["x"])


def test_unknown_role_node():
    with pytest.raises(GraphError, match="`outcome` must be a node of graph; got 'w'"):
        CausalGraph.from_edges([("x", "y")], exposure="x", outcome="w")


@pytest.mark.parametrize("text,line,message", [
    ("digraph {\n  a -> b;\n  b -> ;\n}", 3, "expected a node name; got ';'"),
    ("digraph {\n  a -> b\n", 2, r"expected '\}' to close the graph; got the end"),
    ("digraph {\n a -> b\n c -- d\n}", 3, "undirected edge c -- d"),
    ("graph {\n a -- b\n}", 1, "only directed acyclic graphs"),
    ("digraph {\n a [latent=\"maybe\"]\n}", None, "latent='maybe'; expected true or false"),
    ("digraph {\n\n a @ b\n}", 3, "unexpected character '@'"),
    ("", 1, "the file is empty"),
    ("digraph {\n a [role=exposure]; b [role=exposure]\n}", None, "two nodes are marked "
                                                                  "exposure"),
    ("digraph { subgraph s { a } }", 1, "subgraphs"),
    ("digraph { a -> b } extra", 1, "after the closing"),
])
def test_malformed_dot_gives_line(text, line, message):
    with pytest.raises(GraphError, match=(rf"line {line}: .*" if line else "") + message):
        from_dot(text, source="bad.dot")


def test_malformed_dagitty_gives_line():
    with pytest.raises(GraphError, match=r"line 4: expected a node name; got '\]'"):
        from_dagitty("dag {\nx [exposure]\ny [outcome]\nx -> ]\n}")


def test_malformed_gml():
    with pytest.raises(GraphError, match="not valid GML"):
        from_gml("graph [ node [ id 0 label ")


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(GraphError, match="graph file not found"):
        read_graph(tmp_path / "none.dot")
    with pytest.raises(GraphError, match="cannot tell the graph format from the suffix '.txt'"):
        _graph().write(tmp_path / "g.txt")
    (tmp_path / "g.txt").write_text("x -> y")
    with pytest.raises(GraphError, match="cannot tell the graph format from the suffix '.txt'"):
        read_graph(tmp_path / "g.txt")
    # dagitty text saved as .txt is recognised by its first word
    (tmp_path / "d.txt").write_text(_graph().to_dagitty())
    assert read_graph(tmp_path / "d.txt").exposure == "x"


def test_graph_error_is_a_value_error():
    assert issubclass(GraphError, CausalError) and issubclass(GraphError, ValueError)


def test_import_causal_loads_no_networkx():
    code = ("import sys, causal; causal.OddsRatio; "
            "print(sorted(m for m in ('networkx', 'matplotlib', 'dowhy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_networkx_graph_is_a_dag():
    for path in DAGS:
        assert nx.is_directed_acyclic_graph(read_graph(path).to_networkx())
