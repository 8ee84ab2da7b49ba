"""Minimal vertex separators, the engine behind minimal adjustment sets.

See :mod:`causal.graph.identification` (Notes) for why minimal adjustment sets are the minimal
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


class MinimalDSeparators:
    """One minimal d-separator per pair of nodes of a DAG, in time linear in the ancestral graph.

    The algorithm of van der Zander & Liśkiewicz (2020, "Finding minimal d-separators in linear
    time and applications", UAI), the one ``networkx.find_minimal_d_separator`` implements,
    written over plain adjacency dicts: networkx re-checks acyclicity on every call and keeps
    its Bayes-ball frontier in a list, which made listing a 100-node graph's implied
    independences take seconds. The DAG is checked once, by the caller. With ``A`` the
    ancestral set of ``{a, b}`` and ``R`` the allowed nodes: ``Z0 = R ∩ A − {a, b}``; the
    nodes of ``A`` reachable from ``a`` given ``Z0`` (``X*``) must not contain ``b``;
    ``Z1 = Z0 ∩ X*``; the result is ``Z1 ∩ Y*`` with ``Y*`` those reachable from ``b`` given
    ``Z1``.
    """

    def __init__(self, graph: nx.DiGraph) -> None:
        self._pred = {n: tuple(graph.pred[n]) for n in graph}
        self._succ = {n: tuple(graph.succ[n]) for n in graph}
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, node: str) -> frozenset[str]:
        """Ancestors of ``node`` (cached for the last few hundred nodes asked)."""
        found = self._ancestors.get(node)
        if found is None:
            seen: set[str] = set()
            stack = list(self._pred[node])
            while stack:
                v = stack.pop()
                if v not in seen:
                    seen.add(v)
                    stack.extend(self._pred[v])
            found = frozenset(seen)
            if len(self._ancestors) >= 256:
                self._ancestors.pop(next(iter(self._ancestors)))
            self._ancestors[node] = found
        return found

    def _reachable(self, start: str, within: set[str], given: set[str]) -> set[str]:
        """Nodes of ``within`` d-connected to ``start`` given ``given`` (Bayes ball restricted
        to an ancestral set: a ball passes a node unless the node is conditioned on, and then
        only from a parent to a parent, i.e. through a conditioned collider)."""
        queue = []
        if self._pred[start]:
            queue.append((True, start))
        if self._succ[start]:
            queue.append((False, start))
        processed = set(queue)
        while queue:
            into, v = queue.pop()
            conditioned = v in given
            for n in self._pred[v]:
                # leaving towards a parent: the edge is not into n
                if n in within and (not conditioned or into) and (False, n) not in processed:
                    processed.add((False, n))
                    queue.append((False, n))
            if conditioned:
                continue
            for n in self._succ[v]:
                if n in within and (True, n) not in processed:
                    processed.add((True, n))
                    queue.append((True, n))
        return {w for _, w in processed}

    def find(self, a: str, b: str, allowed: set[str] | frozenset[str]) -> frozenset[str] | None:
        """A minimal subset of ``allowed`` d-separating ``a`` and ``b``, or None if none does."""
        within = set(self.ancestors(a)) | self.ancestors(b) | {a, b}
        z0 = (within & allowed) - {a, b}
        x_closure = self._reachable(a, within, z0)
        if b in x_closure:
            return None
        z1 = z0 & x_closure
        y_closure = self._reachable(b, within, z1)
        return frozenset(z1 & y_closure)
