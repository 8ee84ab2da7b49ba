"""A hash of what a study declares, independent of where it was written.

The report records it instead of the study file's bytes, so that the same study read from a
file and built with :meth:`Study.from_frame` give the same ``report.json``. It covers every
parsed value (claims, options, the graph's nodes, edges and roles, the data declaration)
except the study file's location, the data file's path and the data source label; the data
themselves are hashed from their values (:func:`causal.data.data_hash`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from causal.graph.dag import CausalGraph

#: fields left out of the fingerprint: where things were written, not what they say
_LOCATIONS = {"path", "file", "checked", "source"}


def _canonical(value: Any, top: bool = False) -> Any:
    if isinstance(value, CausalGraph):
        return {"nodes": sorted(value.nodes), "edges": sorted(map(list, value.edges)),
                "latent": sorted(value.latent), "exposure": value.exposure,
                "outcome": value.outcome}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        skip = _LOCATIONS if type(value).__name__ in ("Study", "DataSpec", "StudyGraph",
                                                      "NegativeControls") else set()
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in skip and not f.name.startswith("_")}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(
            kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (frozenset, set)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, Path):
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def study_fingerprint(study: Any) -> str:
    """SHA-256 (hex) of the study's parsed declaration (see the module docstring)."""
    text = json.dumps(_canonical(study), sort_keys=True, ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
