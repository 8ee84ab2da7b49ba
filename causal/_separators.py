"""Minimal vertex separators, the engine behind minimal adjustment sets.

See :mod:`causal.identification` (Notes) for why minimal adjustment sets are the minimal
X,Y-separators of the moral graph built here.

References
----------
Kloks, T., & Kratsch, D. (1998). Listing all minimal separators of a graph. SIAM Journal on
Computing, 27(3), 605–613.
Lauritzen, S. L., Dawid, A. P., Larsen, B. N., & Leimer, H.-G. (1990). Independence properties
of directed Markov fields. Networks, 20(5), 491–505.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx


def eliminated_moral_graph(pbd: nx.DiGraph, x: str, y: str, allowed: set[str]) -> nx.Graph:
    """The moral graph of the ancestral graph of {x, y}, with every node that may not be
    adjusted for (latent or forbidden) eliminated: removed after joining its neighbours, which
    keeps x and y connected through it whatever else is removed."""
    ancestral = pbd.subgraph(nx.ancestors(pbd, x) | nx.ancestors(pbd, y) | {x, y})
    moral = nx.moral_graph(ancestral)
    for node in [n for n in moral if n not in allowed and n not in (x, y)]:
        moral.add_edges_from(combinations(list(moral.neighbors(node)), 2))
        moral.remove_node(node)
    return moral


def list_minimal_vertex_separators(graph: nx.Graph, a: str, b: str) -> list[frozenset[str]]:
    """All minimal a,b-separators of an undirected graph (Kloks & Kratsch 1998).

    A minimal a,b-separator is ``N(C)`` for the component ``C`` of b left when a set ``A``
    containing a, and its neighbours, are removed. Start from ``A = {a}``; from each
    separator ``S``, with ``C_a`` the component of a in ``G − S``, move past each ``v ∈ S``
    by taking ``A = C_a ∪ {v}``. Every minimal a,b-separator is reached this way.
    """
    if graph.has_edge(a, b):
        return []
    if b not in nx.node_connected_component(graph, a):
        return [frozenset()]

    def close(side: set[str]) -> frozenset[str] | None:
        closed = set(side)
        for node in side:
            closed.update(graph.neighbors(node))
        if b in closed:
            return None
        rest = graph.subgraph(set(graph) - closed)
        component = nx.node_connected_component(rest, b)
        return frozenset({m for n in component for m in graph.neighbors(n)} - component)

    first = close({a})
    assert first is not None
    seen = {first}
    queue = [first]
    while queue:
        separator = queue.pop()
        rest = graph.subgraph(set(graph) - separator)
        side_a = nx.node_connected_component(rest, a)
        for node in separator:
            nxt = close(side_a | {node})
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return list(seen)
