"""The causal graph: a DAG with an exposure, an outcome, latent (unmeasured) nodes and labels.

A :class:`CausalGraph` is an immutable value. Build one in Python
(``CausalGraph.from_edges([...], exposure="x", outcome="y", latent=["u"])``) or read one from
a file: Graphviz DOT (``.dot``/``.gv``), dagitty text (``.dagitty``, or any file starting with
``dag {``) or GML (``.gml``). Node attributes carry the roles: in DOT
``x [role="exposure"]; u [latent="true"]; a [label="Age (years)"]``; in dagitty
``x [exposure]; y [outcome]; u [latent]``. The identification and testing functions live in
:mod:`causal.graph.identification` and :mod:`causal.graph.implications`.

networkx is imported by this module but not by ``import causal``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from causal.errors import GraphError, NoCausalPathWarning
from causal.graph._graphtext import ParsedGraph, parse_graph_text, quote

GraphFormat = Literal["dot", "dagitty", "gml"]
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n", ""}


@dataclass(frozen=True)
class CausalGraph:
    """A directed acyclic graph with roles.

    Parameters
    ----------
    nodes : tuple of str
        Every node, in declaration order.
    edges : tuple of (cause, effect)
    exposure, outcome : str or None
        The treatment and the outcome (both observed, distinct).
    latent : frozenset of str
        Unmeasured nodes: never usable for adjustment or testing.
    labels : mapping of node to display label
    name : str
        A name for messages and figures.
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    exposure: str | None = None
    outcome: str | None = None
    latent: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=dict)
    name: str = "graph"
    _nx: Any = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        from causal._budgets import check_size

        check_size(len(self.nodes), "MAX_GRAPH_NODES", f"the number of nodes of {self.name}")
        check_size(len(self.edges), "MAX_GRAPH_EDGES", f"the number of edges of {self.name}")
        known = set(self.nodes)
        if len(known) != len(self.nodes):
            seen: set[str] = set()
            repeated = [n for n in self.nodes if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
            raise GraphError(f"`nodes` must be distinct; {self.name} repeats "
                             f"{', '.join(map(repr, dict.fromkeys(repeated)))}.")
        for cause, effect in self.edges:
            for node in (cause, effect):
                if node not in known:
                    raise GraphError(f"edge {cause} -> {effect} names the unknown node "
                                     f"{node!r}; add it to `nodes`.")
            if cause == effect:
                raise GraphError(f"the graph has a self-loop {cause} -> {cause}; a causal "
                                 f"graph must be acyclic.")
        for role in ("exposure", "outcome"):
            value = getattr(self, role)
            if value is not None and value not in known:
                raise GraphError(f"`{role}` must be a node of {self.name}; got {value!r} "
                                 f"(nodes: {', '.join(sorted(known))}).")
            if value is not None and value in self.latent:
                raise GraphError(f"`{role}` {value!r} is marked latent; the {role} must be "
                                 f"measured.")
        if self.exposure is not None and self.exposure == self.outcome:
            raise GraphError(f"`exposure` and `outcome` must differ; both are "
                             f"{self.exposure!r}.")
        unknown_latent = sorted(set(self.latent) - known)
        if unknown_latent:
            raise GraphError(f"`latent` names unknown node(s) {', '.join(unknown_latent)}.")
        graph = nx.DiGraph()
        for node in self.nodes:
            graph.add_node(node, latent=node in self.latent, label=self.labels.get(node, node))
        graph.add_edges_from(self.edges)
        if not nx.is_directed_acyclic_graph(graph):
            cycle = [u for u, _ in nx.find_cycle(graph)]
            raise GraphError(f"the graph has a cycle {' -> '.join(cycle + cycle[:1])}; a "
                             f"causal graph must be acyclic.")
        object.__setattr__(self, "latent", frozenset(self.latent))
        object.__setattr__(self, "labels", dict(self.labels))
        object.__setattr__(self, "_nx", graph)

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str]], *, exposure: str | None = None,
                   outcome: str | None = None, latent: Iterable[str] = (),
                   labels: Mapping[str, str] | None = None, nodes: Iterable[str] = (),
                   name: str = "graph") -> CausalGraph:
        """Build a graph from ``(cause, effect)`` pairs (isolated nodes via ``nodes``)."""
        edges = tuple((str(a), str(b)) for a, b in edges)
        order: dict[str, None] = dict.fromkeys(str(n) for n in nodes)
        for a, b in edges:
            order.setdefault(a)
            order.setdefault(b)
        for node in latent:
            order.setdefault(node)
        return cls(tuple(order), tuple(dict.fromkeys(edges)), exposure, outcome,
                   frozenset(latent), dict(labels or {}), name)

    def with_roles(self, *, exposure: str | None = None, outcome: str | None = None) -> CausalGraph:
        """A copy with the exposure and/or outcome replaced (None keeps the current one)."""
        return CausalGraph(self.nodes, self.edges, exposure or self.exposure,
                           outcome or self.outcome, self.latent, self.labels, self.name)

    # -- queries ----------------------------------------------------------------------
    def to_networkx(self) -> nx.DiGraph:
        """A fresh ``networkx.DiGraph`` (node attributes ``latent``, ``label``, ``role``)."""
        graph = self._nx.copy()
        for role in ("exposure", "outcome"):
            if getattr(self, role) is not None:
                graph.nodes[getattr(self, role)]["role"] = role
        return graph

    @property
    def observed(self) -> tuple[str, ...]:
        return tuple(n for n in self.nodes if n not in self.latent)

    @property
    def latent_in_order(self) -> tuple[str, ...]:
        return tuple(n for n in self.nodes if n in self.latent)

    def label(self, node: str) -> str:
        return self.labels.get(node, node)

    def parents(self, node: str) -> set[str]:
        return set(self._nx.predecessors(self._check_node(node, "node")))

    def children(self, node: str) -> set[str]:
        return set(self._nx.successors(self._check_node(node, "node")))

    def ancestors(self, node: str) -> set[str]:
        return nx.ancestors(self._nx, self._check_node(node, "node"))

    def descendants(self, node: str) -> set[str]:
        return nx.descendants(self._nx, self._check_node(node, "node"))

    def has_causal_path(self) -> bool:
        exposure, outcome = self.roles()
        return nx.has_path(self._nx, exposure, outcome)

    def roles(self) -> tuple[str, str]:
        """``(exposure, outcome)``, or GraphError if either is not declared."""
        missing = [r for r in ("exposure", "outcome") if getattr(self, r) is None]
        if missing:
            raise GraphError(f"{self.name} declares no {' and no '.join(missing)}; mark it in "
                             f"the file (DOT: role=\"exposure\"; dagitty: [exposure]) or pass "
                             f"`{missing[0]}=`.")
        return self.exposure, self.outcome  # type: ignore[return-value]

    def warn_if_no_causal_path(self) -> bool:
        """Warn (:class:`NoCausalPathWarning`) if no directed path leads exposure -> outcome."""
        if self.has_causal_path():
            return True
        warnings.warn(f"{self.name} has no directed path from {self.exposure} to "
                      f"{self.outcome}: the graph asserts the causal effect is null.",
                      NoCausalPathWarning, stacklevel=3)
        return False

    def _check_node(self, node: Any, name: str) -> str:
        if node not in self._nx:
            raise GraphError(f"`{name}` must be a node of {self.name}; got {node!r}.")
        return node

    def check_nodes(self, nodes: Iterable[str], name: str) -> tuple[str, ...]:
        """Nodes named by a user, checked (unknown -> GraphError naming them)."""
        if isinstance(nodes, str):
            nodes = [nodes]
        nodes = tuple(dict.fromkeys(nodes))
        unknown = [n for n in nodes if n not in self._nx]
        if unknown:
            raise GraphError(f"`{name}` names node(s) not in {self.name}: "
                             f"{', '.join(map(repr, unknown))} (nodes: "
                             f"{', '.join(self.nodes)}).")
        return nodes

    # -- writing ----------------------------------------------------------------------
    def _node_flags(self, node: str) -> list[str]:
        flags = []
        if node == self.exposure:
            flags.append("exposure")
        if node == self.outcome:
            flags.append("outcome")
        if node in self.latent:
            flags.append("latent")
        return flags

    def to_dot(self) -> str:
        """Graphviz DOT text; roles as ``role=...``, latent as ``latent="true"``."""
        lines = [f"digraph {quote(self.name)} {{", "  rankdir=LR;"]
        for node in self.nodes:
            attrs = []
            if node in (self.exposure, self.outcome):
                attrs.append(f'role="{"exposure" if node == self.exposure else "outcome"}"')
            if node in self.latent:
                attrs += ['latent="true"', 'style="dashed"']
            if node in self.labels:
                attrs.append(f"label={quote_value(self.labels[node])}")
            lines.append(f"  {quote(node)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
        lines += [f"  {quote(a)} -> {quote(b)};" for a, b in self.edges]
        return "\n".join(lines + ["}"]) + "\n"

    def to_dagitty(self) -> str:
        """dagitty text, to paste into dagitty.net (labels are not part of dagitty's syntax)."""
        lines = ["dag {"]
        for node in self.nodes:
            flags = self._node_flags(node)
            lines.append(f"{quote(node)}" + (f" [{','.join(flags)}]" if flags else ""))
        lines += [f"{quote(a)} -> {quote(b)}" for a, b in self.edges]
        return "\n".join(lines + ["}"]) + "\n"

    def to_gml(self) -> str:
        """GML text via networkx (node ``label`` is the node name; ``varlabel`` the label)."""
        graph = nx.DiGraph(name=self.name)
        for node in self.nodes:
            attrs: dict[str, Any] = {"latent": int(node in self.latent)}
            if node in (self.exposure, self.outcome):
                attrs["role"] = "exposure" if node == self.exposure else "outcome"
            if node in self.labels:
                attrs["varlabel"] = self.labels[node]
            graph.add_node(node, **attrs)
        graph.add_edges_from(self.edges)
        return "\n".join(nx.generate_gml(graph)) + "\n"

    def write(self, path: str | Path, fmt: GraphFormat | None = None) -> Path:
        """Write the graph; the format follows the suffix unless ``fmt`` is given."""
        path = Path(path)
        fmt = fmt or _format_from_suffix(path)
        text = {"dot": self.to_dot, "dagitty": self.to_dagitty, "gml": self.to_gml}[fmt]()
        path.write_text(text, encoding="utf-8")
        return path


def quote_value(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flag(value: str, node: str, key: str, source: str) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise GraphError(f"{source}: node {node!r} has {key}={value!r}; expected true or false.")


def _from_parsed(parsed: ParsedGraph, source: str, name: str) -> CausalGraph:
    roles: dict[str, str] = {}
    latent: set[str] = set()
    labels: dict[str, str] = {}
    edges = list(parsed.edges)
    for node, attrs in parsed.nodes.items():
        for role in ("exposure", "outcome"):
            if attrs.get("role", "").lower() == role or _flag(attrs.get(role, "false"), node,
                                                               role, source):
                if role in roles and roles[role] != node:
                    raise GraphError(f"{source}: two nodes are marked {role} ({roles[role]!r} "
                                     f"and {node!r}); mark exactly one.")
                roles[role] = node
        role = attrs.get("role", "").lower()
        if role and role not in ("exposure", "outcome", "covariate", "observed", "latent"):
            raise GraphError(f"{source}: node {node!r} has role={attrs['role']!r}; expected "
                             f"exposure, outcome, covariate or latent.")
        if role == "latent" or _flag(attrs.get("latent", "false"), node, "latent", source):
            latent.add(node)
        if "label" in attrs and attrs["label"] not in ("", "\\N", node):
            labels[node] = attrs["label"]
    nodes = list(parsed.nodes)
    for left, right in dict.fromkeys(parsed.bidirected):
        # a <-> b in dagitty: an unmeasured common cause of a and b
        hidden = f"U_{left}_{right}"
        if hidden in parsed.nodes or hidden in nodes:
            raise GraphError(f"{source}: {left} <-> {right} stands for an unmeasured common "
                             f"cause named {hidden!r}, but the graph already has a node "
                             f"{hidden!r}; rename that node, or write the common cause "
                             f"as a latent node with two edges.")
        nodes.append(hidden)
        latent.add(hidden)
        edges += [(hidden, left), (hidden, right)]
    try:
        return CausalGraph(tuple(nodes), tuple(dict.fromkeys(edges)), roles.get("exposure"),
                           roles.get("outcome"), frozenset(latent), labels,
                           parsed.name or name)
    except GraphError as error:
        raise GraphError(f"{source}: {error}") from None


def from_dot(text: str, *, source: str = "<dot>", name: str = "graph") -> CausalGraph:
    """A graph from Graphviz DOT text (a ``digraph``)."""
    return _from_parsed(parse_graph_text(text, "dot", source), source, name)


def from_dagitty(text: str, *, source: str = "<dagitty>", name: str = "graph") -> CausalGraph:
    """A graph from dagitty text (``dag { x [exposure]; y [outcome]; x -> y }``)."""
    return _from_parsed(parse_graph_text(text, "dagitty", source), source, name)


def from_gml(text: str, *, source: str = "<gml>", name: str = "graph") -> CausalGraph:
    """A graph from GML text (as written by :meth:`CausalGraph.to_gml` or networkx)."""
    depth = _max_bracket_depth(text)
    if depth > _MAX_GML_DEPTH:
        raise GraphError(f"{source}: not valid GML for a causal graph (lists nested {depth} "
                         f"deep; a graph needs {_MAX_GML_DEPTH} at most).")
    try:
        graph = nx.parse_gml(text, label="label")
    except (nx.NetworkXError, ValueError) as error:
        raise GraphError(f"{source}: not valid GML ({error}).") from None
    except (AttributeError, TypeError, KeyError, IndexError, RecursionError) as error:
        # networkx's parser assumes a well-formed document (e.g. `graph 1` fails inside it)
        raise GraphError(f"{source}: not valid GML (the top level must be `graph [ ... ]`; "
                         f"{type(error).__name__} while reading it).") from None
    if not isinstance(graph, nx.Graph):
        raise GraphError(f"{source}: not valid GML (no `graph [ ... ]` list).")
    if not graph.is_directed():
        raise GraphError(f"{source}: the GML graph is undirected; add `directed 1`.")
    parsed = ParsedGraph(kind="gml", name=graph.graph.get("name"))
    for node, attrs in graph.nodes(data=True):
        entry = {k: str(v) for k, v in attrs.items() if k in ("role", "latent")}
        if "varlabel" in attrs:
            entry["label"] = str(attrs["varlabel"])
        parsed.nodes[str(node)] = entry
    parsed.edges = [(str(a), str(b)) for a, b in graph.edges()]
    return _from_parsed(parsed, source, name)


_MAX_GML_DEPTH = 20


def _max_bracket_depth(text: str) -> int:
    """Deepest nesting of ``[ ]`` lists outside strings (networkx's GML parser recurses)."""
    depth = deepest = 0
    for token in re.finditer(r'"[^"]*"|\[|\]', text):
        if token.group() == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif token.group() == "]":
            depth -= 1
    return deepest


def _format_from_suffix(path: Path, default: GraphFormat | None = None) -> GraphFormat:
    suffix = path.suffix.lower()
    if suffix in (".dot", ".gv"):
        return "dot"
    if suffix in (".dagitty", ".dag"):
        return "dagitty"
    if suffix == ".gml":
        return "gml"
    if default is not None:
        return default
    raise GraphError(f"{path}: cannot tell the graph format from the suffix {suffix!r}; use "
                     f".dot, .gv, .dagitty or .gml.")


def _sniff(text: str) -> GraphFormat | None:
    """The format from the first word (dagitty files are often saved as .txt)."""
    import re

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("//", "#", "/*")):
            continue
        word = re.match(r"[A-Za-z]*", line).group().lower()  # type: ignore[union-attr]
        return {"dag": "dagitty", "digraph": "dot", "strict": "dot", "graph": None,
                "creator": "gml"}.get(word)
    return None


def read_graph(path: str | Path, fmt: GraphFormat | None = None) -> CausalGraph:
    """Read a causal graph file (DOT, dagitty or GML; by suffix unless ``fmt`` is given)."""
    path = Path(path)
    try:
        found = path.is_file()
    except (OSError, ValueError) as error:
        shown = str(path) if len(str(path)) <= 80 else f"{str(path)[:60]}..."
        raise GraphError(f"{shown!r}: cannot be opened as a graph file "
                         f"({getattr(error, 'strerror', None) or error}).") from None
    if not found:
        raise GraphError(f"{path}: graph file not found.")
    from causal._budgets import check_size

    check_size(path.stat().st_size, "MAX_GRAPH_FILE_BYTES", f"the size in bytes of {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GraphError(f"{path}: not a text file (not UTF-8).") from None
    except OSError as error:
        raise GraphError(f"{path}: cannot be read ({error.strerror or error}).") from None
    if fmt is None:
        fmt = _sniff(text) or _format_from_suffix(path)
    reader = {"dot": from_dot, "dagitty": from_dagitty, "gml": from_gml}[fmt]
    return reader(text, source=str(path), name=path.stem)
