"""The pipeline's layers at package level, imports inside functions included.

``causal/`` reads top to bottom as the pipeline: the base modules (errors, validation, measures,
result helpers), then what a study declares (claims, graph, data, the GLM core), the study
itself, the estimators, the attacks on an estimate (refutation, sensitivity), the run layer
(:mod:`causal.analysis`), what renders an analysis (plots, report) and the command line. An
import may point only at its own layer or a lower one. Every import counts, also one written
inside a function (it runs the first time the function does, and ties the packages together as
surely as one at the top of the file); imports under ``if TYPE_CHECKING:`` never run and are
left out. A package's lazy ``_EXPORTS`` table (name -> module, imported on first use) counts as
well. The package's front door (``causal/__init__.py``, ``causal/__main__.py``) exports the
whole pipeline and is not a layer.

An arrow against the order is allowed only when ``ALLOWED`` lists it with the reason it stays;
an allowed arrow that has gone leaves the list, so the list says what is left.
"""

from __future__ import annotations

import ast

import networkx as nx

from tests.conftest import ROOT
from tests.test_import_graph import MODULES, import_graphs

#: each package's layer (lower numbers lower); ``_base`` is every module directly in causal/
LAYERS: dict[str, int] = {
    "_base": 0,
    "claims": 1, "graph": 1, "data": 1, "_glm": 1, "literature": 1,
    # worlds (the SIMULATED world models, plugins) sits beside data: it imports only data's
    # types, the GLM core and the base modules, never study/, and the study parser (layer 2)
    # builds the model a study's [data.world] names; data/ draws through the WorldModel
    # interface and never imports worlds/
    "worlds": 1,
    "study": 2,
    "estimate": 3,
    "refute": 4, "sensitivity": 4,
    "analysis": 5,
    "plots": 6, "report": 6,
    "cli": 7,
}

#: arrows against the layer order that stay, (from, to): why
ALLOWED: dict[tuple[str, str], str] = {}

#: the front door, not a layer
FACADE = {"causal", "causal.__main__"}


def package_of(module: str) -> str:
    """``causal.X.y`` -> ``X`` for a subpackage X; a module directly in causal/ -> ``_base``."""
    parts = module.split(".")
    if len(parts) >= 2 and (ROOT / "causal" / parts[1]).is_dir():
        return parts[1]
    return "_base"


def package_arrows() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Package-level arrows with the module imports behind each, every import counted."""
    _, full = import_graphs()
    arrows: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for source, target in full.edges:
        if source in FACADE:
            continue
        a, b = package_of(source), package_of(target)
        if a != b:
            arrows.setdefault((a, b), []).append((source, target))
    return arrows


def lazy_export_arrows() -> dict[tuple[str, str], list[str]]:
    """Arrows of the packages' lazy ``_EXPORTS`` tables (name -> module path, imported on
    first use): an import as real as a written one, but a string the import graph misses."""
    arrows: dict[tuple[str, str], list[str]] = {}
    for module, path in MODULES.items():
        if module in FACADE or path.name != "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = (node.targets[0] if isinstance(node, ast.Assign)
                      else getattr(node, "target", None))
            if getattr(target, "id", None) != "_EXPORTS" or not isinstance(node.value, ast.Dict):
                continue
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                a, b = package_of(module), package_of(value.value)
                if a != b:
                    arrows.setdefault((a, b), []).append(f"{module}.{key.value}")
    return arrows


def test_every_package_has_a_layer():
    packages = {package_of(m) for m in MODULES}
    assert packages - set(LAYERS) == set()


def test_the_arrows_see_a_function_level_import():
    # causal.study.model imports causal.study.load inside Study.from_frame: the same package,
    # so no arrow; the report's builder reaches the run layer (analysis) by a top-level import
    arrows = package_arrows()
    assert ("report", "analysis") in arrows
    assert ("estimate", "_glm") in arrows


def test_no_arrow_points_up_the_layers():
    against = {
        f"{a} -> {b}": sorted(f"{s} -> {t}" for s, t in imports)[:3]
        for (a, b), imports in sorted(package_arrows().items())
        if LAYERS[b] > LAYERS[a] and (a, b) not in ALLOWED
    }
    assert against == {}


def test_no_lazy_export_points_up_the_layers():
    assert ("sensitivity", "study") in lazy_export_arrows()  # Prior, from study/values
    against = {f"{a} -> {b}": names for (a, b), names in sorted(lazy_export_arrows().items())
               if LAYERS[b] > LAYERS[a]}
    assert against == {}


def test_every_allowed_arrow_is_still_there():
    arrows = package_arrows()
    assert [pair for pair in ALLOWED if pair not in arrows] == []


def test_no_two_packages_import_each_other():
    graph = nx.DiGraph(list(package_arrows()))
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    assert cycles == []
