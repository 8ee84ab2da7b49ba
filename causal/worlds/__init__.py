"""SIMULATED worlds: where the truth is known, to show what adjustment can and cannot do.

A world model is a plugin: a module registered in :data:`MODELS` under the name a study file
gives in ``[data.world] model = "..."``. The module provides

* ``KEYS`` and ``SUBTABLES``: the keys of ``[data.world]`` (besides ``model``) and of its
  sub-tables; ``WORLD_KEYS``: its own keys of a ``[[worlds]]`` table;
* ``parse(reader)``: the configured model (a :class:`causal.data.spec.WorldModel`: its
  parameters checked, ``draw`` and ``solve``, which columns are latent, ``describe`` and
  ``assumes``: what it assumes);
* ``parse_world(reader, **common)``: one ``[[worlds]]`` table (a
  :class:`causal.data.spec.World` with the model's parameters).

The data layer draws cohorts through :class:`~causal.data.spec.WorldModel` only, so it names
no model. Registered: ``"self_selection"`` (:mod:`causal.worlds.self_selection`, Thew et al.'s
2024 cohort, with :mod:`.calibrate` finding the strength of latent self-selection that
reproduces the paper's adjusted odds ratio). Every frame and number drawn here is labelled
SIMULATED.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from causal._lazy import lazy_exports

#: ``[data.world] model`` -> the module implementing it
MODELS: dict[str, str] = {
    "self_selection": "causal.worlds.self_selection",
}

_EXPORTS: dict[str, str] = {
    "calibrate_motivation": "causal.worlds.calibrate",
    "Calibration": "causal.worlds.calibrate",
    "SelfSelection": "causal.worlds.self_selection",
    "SelfSelectionWorld": "causal.worlds.self_selection",
}

__all__ = sorted([*_EXPORTS, "MODELS", "world_model"])


def world_model(name: str) -> ModuleType:
    """The plugin module of the registered world model ``name`` (a key of :data:`MODELS`)."""
    return import_module(MODELS[name])


__getattr__, __dir__ = lazy_exports('causal.worlds', _EXPORTS, globals())
