"""Declare the causal graph: read it, identify adjustment sets, list its testable implications.

The first stage of the pipeline (declare: study, graph, data) for the graph. ``dag`` holds
:class:`CausalGraph` and the readers (DOT, dagitty, GML); ``identification`` the back-door
criterion; ``implications`` the implied conditional independences and their tests;
``_graphtext`` and ``_separators`` the parser and the minimal-separator search; ``_dowhy`` the
one adapter to DoWhy (imported lazily). Names are loaded on first use.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "CausalGraph": "causal.graph.dag",
    "read_graph": "causal.graph.dag",
    "from_dot": "causal.graph.dag",
    "from_dagitty": "causal.graph.dag",
    "from_gml": "causal.graph.dag",
    "identify": "causal.graph.identification",
    "check_adjustment": "causal.graph.identification",
    "is_valid_adjustment": "causal.graph.identification",
    "Identification": "causal.graph.identification",
    "AdjustmentCheck": "causal.graph.identification",
    "implied_independences": "causal.graph.implications",
    "check_implications": "causal.graph.implications",
    "ImpliedIndependence": "causal.graph.implications",
    "ImplicationTests": "causal.graph.implications",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.graph', _EXPORTS, globals())
