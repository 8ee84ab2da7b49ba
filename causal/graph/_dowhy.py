"""The one adapter between our causal graphs and DoWhy (imported lazily, inside functions).

DoWhy treats a graph node as unobserved when it is not a column of the data it is given, so
the model is built on a two-row placeholder frame whose columns are the graph's observed nodes;
identification never reads the values.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from causal.graph.dag import CausalGraph

DoWhyBackdoorMethod = Literal["exhaustive-search", "minimal-adjustment", "default"]


def to_dowhy_model(graph: CausalGraph, data: Any = None) -> Any:
    """A ``dowhy.CausalModel`` for ``graph`` (latent nodes are left out of the data).

    Parameters
    ----------
    graph : CausalGraph
        Must declare its exposure and outcome.
    data : pandas.DataFrame, optional
        Real data with the observed nodes as columns; a placeholder frame if omitted. It is
        copied, so DoWhy cannot write into the caller's frame.
    """
    import pandas as pd
    from dowhy import CausalModel

    exposure, outcome = graph.roles()
    observed = list(graph.observed)
    frame = (pd.DataFrame({n: [0.0, 1.0] for n in observed}) if data is None
             else data[observed].copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CausalModel(frame, exposure, outcome, graph=graph.to_networkx())


def dowhy_backdoor_sets(graph: CausalGraph, method: DoWhyBackdoorMethod = "exhaustive-search"
                        ) -> list[frozenset[str]] | None:
    """DoWhy's back-door adjustment sets for the graph, or None if it finds the effect
    unidentifiable by back-door adjustment (DoWhy returns no sets then)."""
    model = to_dowhy_model(graph)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimand = model.identify_effect(method_name=method, proceed_when_unidentifiable=True)
    sets = {key: frozenset(value) for key, value in (estimand.backdoor_variables or {}).items()
            if key != "backdoor"}  # "backdoor" repeats the default choice
    if not sets:
        # DoWhy stores no set both when the effect is unidentifiable and when the empty set
        # suffices; its check of the empty set tells the two apart.
        exposure, outcome = graph.roles()
        return [frozenset()] if dowhy_is_backdoor_set(graph, ()) else None
    return sorted(set(sets.values()), key=lambda s: (len(s), sorted(s)))


def dowhy_is_backdoor_set(graph: CausalGraph, adjustment: Any) -> bool:
    """DoWhy's d-separation check of ``adjustment`` in the graph without the exposure's
    outgoing edges (``dowhy.graph.check_valid_backdoor_set``)."""
    from dowhy.graph import check_valid_backdoor_set

    exposure, outcome = graph.roles()
    result = check_valid_backdoor_set(graph.to_networkx(), [exposure], [outcome],
                                      list(adjustment))
    return bool(result["is_dseparated"])
