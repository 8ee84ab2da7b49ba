"""The import graph of ``causal``: no cycles, and the pipeline's layers point one way.

Every module under ``causal/`` is parsed (``ast``, nothing is imported); relative imports are
resolved; ``from package import name`` points at ``package.name`` when that is a module, else
at ``package``. Imports under ``if TYPE_CHECKING:`` never run and are left out.

- Module-level imports (the ones that run at import time) form no cycle.
- Function-level (lazy) imports of our own modules form no cycle either, except the few listed
  in ``KNOWN_LAZY_CYCLES`` with the reason each is still there; a new cycle fails the test.
- Plots never import the report; the estimators, refuters, sensitivity analyses, the graph
  package and the data package import neither the report nor the command line.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import networkx as nx

from tests.conftest import ROOT

PACKAGE = ROOT / "causal"

#: cycles closed only by a function-level import, each a set of modules, with why it stays
KNOWN_LAZY_CYCLES: dict[frozenset[str], str] = {
    frozenset({"causal.study.model", "causal.study.load"}):
        "Study.from_frame (model) runs the study parser (load), which builds a Study",
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", getattr(test, "attr", None)) == "TYPE_CHECKING"


def _runtime_top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Import statements that run when the module is imported (also inside if/try)."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif isinstance(node, ast.If) and not _type_checking(node):
            out += _runtime_top_level(node.body) + _runtime_top_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse,
                          node.finalbody):
                out += _runtime_top_level(block)
    return out


def _targets(module: str, path: Path, node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[:len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


@functools.cache
def import_graphs() -> tuple[nx.DiGraph, nx.DiGraph]:
    """(module-level graph, graph with function-level imports too) over our own modules."""
    top, full = nx.DiGraph(), nx.DiGraph()
    top.add_nodes_from(MODULES)
    full.add_nodes_from(MODULES)
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        at_import = {id(node) for node in _runtime_top_level(tree.body)}
        skipped = {id(node) for block in ast.walk(tree)
                   if isinstance(block, ast.If) and _type_checking(block)
                   for node in ast.walk(block)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in skipped:
                continue
            for target in _targets(module, path, node):
                if target in MODULES and target != module:
                    full.add_edge(module, target)
                    if id(node) in at_import:
                        top.add_edge(module, target)
    return top, full


def _cycles(graph: nx.DiGraph) -> list[frozenset[str]]:
    return [frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]


def test_the_graph_sees_known_edges():
    top, full = import_graphs()
    assert top.has_edge("causal.sensitivity.rosenbaum_bounds.wilcoxon", "causal.sensitivity.rosenbaum_bounds.mcnemar")
    assert top.has_edge("causal.plots.dag", "causal.graph.dag")
    assert full.has_edge("causal.study.model", "causal.study.load")  # a function-level one
    assert not top.has_edge("causal.study.model", "causal.study.load")


def test_no_cycle_among_module_level_imports():
    top, _ = import_graphs()
    assert _cycles(top) == []


def test_function_level_imports_close_no_new_cycle():
    _, full = import_graphs()
    unexplained = [sorted(c) for c in _cycles(full) if c not in KNOWN_LAZY_CYCLES]
    assert unexplained == []


def test_every_known_lazy_cycle_is_still_there():
    """A cycle that has been broken leaves the list, so the list says what is left."""
    _, full = import_graphs()
    assert set(KNOWN_LAZY_CYCLES) <= set(_cycles(full))


def _imports_of(folder: str) -> dict[str, set[str]]:
    _, full = import_graphs()
    prefix = f"causal.{folder}"
    return {m: set(full.successors(m)) for m in full
            if m == prefix or m.startswith(prefix + ".")}


def _under(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


def test_plots_never_import_the_report():
    bad = {m: sorted(t for t in targets if _under(t, "causal.report"))
           for m, targets in _imports_of("plots").items()}
    assert {m: t for m, t in bad.items() if t} == {}


def test_library_stages_import_neither_report_nor_cli():
    bad = {}
    for folder in ("estimate", "refute", "sensitivity", "graph", "data"):
        for module, targets in _imports_of(folder).items():
            hits = sorted(t for t in targets
                          if _under(t, "causal.report") or _under(t, "causal.cli"))
            if hits:
                bad[module] = hits
    assert bad == {}
