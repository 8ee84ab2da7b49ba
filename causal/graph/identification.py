"""Identification by covariate adjustment: which sets are valid, and why a set fails.

Notes
-----
We use the adjustment criterion (Shpitser, VanderWeele & Robins 2010; van der Zander,
Liśkiewicz & Textor 2014, 2019), which is sound and complete for covariate adjustment in a
DAG with one exposure X and one outcome Y. Write ``Cn`` for the nodes other than X on a
directed path X -> ... -> Y (the mediators and Y itself), and

    Forb = {X} ∪ De(Cn)        (descendants include the node itself)

A set Z of *observed* nodes is a valid adjustment set, so that
``P(y | do(x)) = Σ_z P(y | x, z) P(z)``, iff

1. Z ∩ Forb = ∅, and
2. Z d-separates X and Y in the proper back-door graph: G with the first edge X -> c of every
   directed path from X to Y removed (c ∈ Cn).

A valid set exists iff ``Z* = An(X ∪ Y) ∩ (observed minus Forb)`` is valid (van der Zander et
al. 2019, Theorem 4, restricted to observed nodes as their ``R``). Every minimal d-separator
lies inside ``An(X ∪ Y)`` (Tian, Paz & Pearl 1998), and for such sets d-separation in
G_pbd equals vertex separation in the moral graph of the ancestral graph of {X, Y}
(Lauritzen et al. 1990). Nodes that may not be adjusted for (latent or in Forb) are eliminated
from that moral graph (their neighbours joined, the node removed), and the minimal sets are
then the minimal X,Y-vertex separators of what is left, listed with the algorithm of Kloks &
Kratsch (1998). The tests check this against brute-force search on random graphs. Validity is decided by
d-separation (networkx); the paths listed to explain a failure come from enumerating simple
paths, and are capped (the verdict itself never depends on that cap).

References
----------
Shpitser, I., VanderWeele, T., & Robins, J. M. (2010). On the validity of covariate adjustment
for estimating causal effects. UAI 2010.
van der Zander, B., Liśkiewicz, M., & Textor, J. (2019). Separators and adjustment sets in
causal graphs: complete criteria and an algorithmic framework. Artificial Intelligence, 270,
1–40.
Perković, E., Textor, J., Kalisch, M., & Maathuis, M. H. (2018). Complete graphical
characterization and construction of adjustment sets in Markov equivalence classes of
ancestral graphs. JMLR, 18(220), 1–62.
Kloks, T., & Kratsch, D. (1998). Listing all minimal separators of a graph. SIAM Journal on
Computing, 27(3), 605–613.
Lauritzen, S. L., Dawid, A. P., Larsen, B. N., & Leimer, H.-G. (1990). Independence properties
of directed Markov fields. Networks, 20(5), 491–505.
Tian, J., Paz, A., & Pearl, J. (1998). Finding minimal d-separators. Technical report R-254,
UCLA.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.errors import GraphError
from causal.graph._separators import eliminated_moral_graph, list_minimal_vertex_separators
from causal.graph.dag import CausalGraph

#: simple paths examined when listing open paths (the listing, not the verdict, is capped)
_MAX_EXAMINED = 200_000


@dataclass(frozen=True)
class Path_:
    """A path between exposure and outcome, as nodes and the arrows between them."""

    nodes: tuple[str, ...]
    arrows: tuple[Literal["->", "<-"], ...]
    latent: tuple[str, ...]
    #: colliders on the path that are adjusted for or have an adjusted descendant
    opened_colliders: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "back-door" if self.arrows and self.arrows[0] == "<-" else "collider"

    def __str__(self) -> str:
        parts = [self.nodes[0]]
        for arrow, node in zip(self.arrows, self.nodes[1:], strict=True):
            parts += [arrow, node]
        return " ".join(parts)


@dataclass(frozen=True)
class AdjustedDescendant:
    """An adjusted variable that is a descendant of the exposure."""

    node: str
    #: 'mediator' (on a directed path exposure -> outcome), 'descendant of a mediator', or
    #: 'descendant of the exposure' (off every causal path)
    kind: Literal["mediator", "descendant of a mediator", "descendant of the exposure"]
    #: in Forb of the adjustment criterion: adjusting for it is never allowed
    forbidden: bool
    #: a collider (or a collider's descendant) on a path it opens between exposure and outcome
    collider: bool

    def describe(self) -> str:
        what = {"mediator": "a mediator (on a causal path from the exposure to the outcome)",
                "descendant of a mediator": "a descendant of the exposure, downstream of a "
                                            "mediator",
                "descendant of the exposure": "a descendant of the exposure"}[self.kind]
        tail = ("; it is also a collider, so adjusting for it opens a non-causal path"
                if self.collider else "")
        return f"{self.node} is {what}{tail}"


@dataclass(frozen=True)
class AdjustmentCheck(SummaryMixin):
    """Whether one set is a valid adjustment set, and if not, why."""

    exposure: str
    outcome: str
    adjustment: tuple[str, ...]
    valid: bool
    descendants: tuple[AdjustedDescendant, ...]
    open_paths: tuple[Path_, ...]
    paths_truncated: bool = False

    @property
    def harmful_descendants(self) -> tuple[AdjustedDescendant, ...]:
        return tuple(d for d in self.descendants if d.forbidden or d.collider)

    def path_edges(self) -> set[tuple[str, str]]:
        """The directed edges ``(cause, effect)`` on the open paths."""
        return {(a, b) if arrow == "->" else (b, a) for p in self.open_paths
                for a, b, arrow in zip(p.nodes, p.nodes[1:], p.arrows, strict=False)}

    @property
    def open_latent(self) -> tuple[str, ...]:
        """Latent nodes on at least one open path, in order of first appearance."""
        return tuple(dict.fromkeys(n for p in self.open_paths for n in p.latent))

    def reasons(self) -> list[str]:
        """One sentence per reason the set fails (empty when it is valid)."""
        out = [d.describe() for d in self.harmful_descendants]
        for path in self.open_paths:
            via = (f" through latent {', '.join(path.latent)}" if path.latent else "")
            opened = (f", opened by adjusting for collider {', '.join(path.opened_colliders)}"
                      if path.opened_colliders else "")
            out.append(f"open {path.kind} path {path}{via}{opened}")
        return out

    def summary(self) -> pd.DataFrame:
        rows = [{"quantity": "valid adjustment set", "estimate": float(self.valid),
                 "method": "adjustment criterion (Shpitser et al. 2010)",
                 "note": "{" + ", ".join(self.adjustment) + "}"}]
        rows += [{"quantity": "adjusted descendant of the exposure",
                  "method": d.kind + (", collider" if d.collider else ""), "note": d.node}
                 for d in self.descendants]
        rows += [{"quantity": f"open {p.kind} path", "method": "d-connection",
                  "note": str(p)} for p in self.open_paths]
        return summary_frame(rows)


@dataclass(frozen=True)
class Identification(SummaryMixin):
    """Identifiability of the effect of ``exposure`` on ``outcome`` by covariate adjustment."""

    exposure: str
    outcome: str
    identifiable: bool
    minimal_sets: tuple[tuple[str, ...], ...]
    forbidden: tuple[str, ...]
    latent: tuple[str, ...]
    causal_path: bool
    #: An(X ∪ Y) ∩ (observed minus Forb): valid iff any valid set exists (module Notes)
    candidate: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        rows = [{"quantity": "identifiable by adjustment", "estimate": float(self.identifiable),
                 "method": "adjustment criterion (Shpitser et al. 2010)",
                 "note": "" if self.causal_path else "no directed path: the graph asserts "
                                                     "a null effect"}]
        rows += [{"quantity": "minimal adjustment set", "method": "adjustment criterion",
                  "note": "{" + ", ".join(s) + "}"} for s in self.minimal_sets]
        return summary_frame(rows)


def proper_backdoor_graph(graph: CausalGraph, exposure: str, outcome: str) -> tuple[
        nx.DiGraph, set[str], set[str]]:
    """``(G_pbd, Cn, Forb)`` of the adjustment criterion (see the module Notes)."""
    g = graph.to_networkx()
    on_causal = (nx.descendants(g, exposure) | {exposure}) & (nx.ancestors(g, outcome) |
                                                              {outcome})
    cn = on_causal - {exposure}
    forb = {exposure}
    for node in cn:
        forb |= nx.descendants(g, node) | {node}
    pbd = g.copy()
    pbd.remove_edges_from([(exposure, c) for c in cn if pbd.has_edge(exposure, c)])
    return pbd, cn, forb


def _roles(graph: CausalGraph, exposure: str | None, outcome: str | None) -> tuple[str, str]:
    if exposure is not None or outcome is not None:
        graph = graph.with_roles(exposure=exposure, outcome=outcome)
    return graph.roles()


def is_valid_adjustment(graph: CausalGraph, adjustment: Iterable[str], *,
                        exposure: str | None = None, outcome: str | None = None) -> bool:
    """True iff ``adjustment`` satisfies the adjustment criterion (module Notes)."""
    x, y = _roles(graph, exposure, outcome)
    z = set(_check_adjustment_nodes(graph, adjustment, x, y))
    pbd, _, forb = proper_backdoor_graph(graph, x, y)
    return not (z & forb) and nx.is_d_separator(pbd, {x}, {y}, z)


def _check_adjustment_nodes(graph: CausalGraph, adjustment: Iterable[str], x: str,
                            y: str) -> tuple[str, ...]:
    z = graph.check_nodes(adjustment, "adjustment")
    latent = [n for n in z if n in graph.latent]
    if latent:
        raise GraphError(f"`adjustment` names latent (unmeasured) node(s) "
                         f"{', '.join(map(repr, latent))}; one cannot adjust for what was not "
                         f"measured.")
    if y in z or x in z:
        raise GraphError(f"`adjustment` must not contain the exposure or the outcome; got "
                         f"{', '.join(repr(n) for n in z if n in (x, y))}.")
    return z


def identify(graph: CausalGraph, *, exposure: str | None = None,
             outcome: str | None = None) -> Identification:
    """Is the effect identifiable by adjustment, and what are the minimal adjustment sets?

    Warns :class:`~causal.errors.NoCausalPathWarning` if the graph has no directed path from
    the exposure to the outcome (the empty set is then valid whenever Y is d-separated from X).
    """
    x, y = _roles(graph, exposure, outcome)
    roled = graph.with_roles(exposure=x, outcome=y)
    causal_path = roled.warn_if_no_causal_path()
    pbd, _, forb = proper_backdoor_graph(graph, x, y)
    allowed = set(graph.observed) - forb - {x, y}
    ancestral = (nx.ancestors(pbd, x) | nx.ancestors(pbd, y)) & allowed
    identifiable = nx.is_d_separator(pbd, {x}, {y}, ancestral)
    minimal: list[tuple[str, ...]] = []
    if identifiable:
        minimal = _minimal_separators(pbd, x, y, sorted(ancestral, key=graph.nodes.index))
    return Identification(x, y, identifiable, tuple(minimal),
                          tuple(n for n in graph.nodes if n in forb and n != x),
                          tuple(n for n in graph.nodes if n in graph.latent), causal_path,
                          tuple(n for n in graph.nodes if n in ancestral))


def _minimal_separators(pbd: nx.DiGraph, x: str, y: str,
                        candidates: list[str]) -> list[tuple[str, ...]]:
    """Every minimal set ``Z ⊆ candidates`` d-separating x and y in ``pbd`` (module Notes)."""
    order = {n: i for i, n in enumerate(candidates)}
    moral = eliminated_moral_graph(pbd, x, y, set(candidates))
    found = sorted(list_minimal_vertex_separators(moral, x, y),
                   key=lambda s: (len(s), sorted(order[n] for n in s)))
    return [tuple(sorted(s, key=order.__getitem__)) for s in found]


def check_adjustment(graph: CausalGraph, adjustment: Iterable[str], *,
                     exposure: str | None = None, outcome: str | None = None,
                     max_paths: int = 50) -> AdjustmentCheck:
    """Judge one adjustment set: valid or not, naming each reason it fails.

    The reasons are (a) every adjusted variable in ``Forb`` (a mediator, or a descendant of
    the exposure through a mediator; flagged as a collider when adjusting for it opens a
    path), and (b) every non-causal path from the exposure to the outcome left open given the
    set, with the latent nodes it runs through (at most ``max_paths`` are listed).
    """
    x, y = _roles(graph, exposure, outcome)
    z = _check_adjustment_nodes(graph, adjustment, x, y)
    pbd, cn, forb = proper_backdoor_graph(graph, x, y)
    g = graph.to_networkx()
    opened, truncated = _open_noncausal_paths(g, x, y, set(z), graph.latent, max_paths)
    colliders = {c for p in opened for c in p.opened_colliders}
    conditioned_colliders = {n for n in z if any(
        n == c or n in nx.descendants(g, c) for c in colliders)}
    downstream = nx.descendants(g, x)
    descendants = tuple(
        AdjustedDescendant(n, "mediator" if n in cn else "descendant of a mediator"
                           if n in forb else "descendant of the exposure", n in forb,
                           n in conditioned_colliders)
        for n in z if n in downstream)
    valid = not (set(z) & forb) and nx.is_d_separator(pbd, {x}, {y}, set(z))
    return AdjustmentCheck(x, y, z, valid, descendants, tuple(opened), truncated)


def _open_noncausal_paths(g: nx.DiGraph, x: str, y: str, z: set[str], latent: frozenset[str],
                          max_paths: int) -> tuple[list[Path_], bool]:
    """Non-causal simple paths x ... y that are d-connected given z (Pearl's path rule)."""
    skeleton = g.to_undirected(as_view=True)
    z_and_ancestors = set(z)
    for node in z:
        z_and_ancestors |= nx.ancestors(g, node)
    found: list[Path_] = []
    examined = 0
    for examined, nodes in enumerate(nx.all_simple_paths(skeleton, x, y)):
        if examined == _MAX_EXAMINED:
            break
        arrows = tuple("->" if g.has_edge(a, b) else "<-"
                       for a, b in zip(nodes, nodes[1:], strict=False))
        if all(a == "->" for a in arrows):
            continue  # a causal path: never to be blocked
        open_, opened = True, []
        for i in range(1, len(nodes) - 1):
            collider = arrows[i - 1] == "->" and arrows[i] == "<-"
            if collider:
                if nodes[i] not in z_and_ancestors:  # no adjusted descendant
                    open_ = False
                    break
                opened.append(nodes[i])
            elif nodes[i] in z:
                open_ = False
                break
        if open_:
            found.append(Path_(tuple(nodes), arrows,  # type: ignore[arg-type]
                               tuple(n for n in nodes if n in latent), tuple(opened)))
    found.sort(key=lambda p: (len(p.nodes), str(p)))
    return found[:max_paths], len(found) > max_paths or examined >= _MAX_EXAMINED
