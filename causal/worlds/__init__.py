"""SIMULATED worlds: where the truth is known, to show what adjustment can and cannot do.

A world draws cohorts whose true effect is set by its parameters. :mod:`.calibrate` finds the
strength of latent self-selection that reproduces a paper's adjusted odds ratio in the world of
:mod:`causal.data.simulate` (Thew et al. 2024's cohort, in studies/thew2024.toml). Every frame
and number drawn here is labelled SIMULATED.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "calibrate_motivation": "causal.worlds.calibrate",
    "Calibration": "causal.worlds.calibrate",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports('causal.worlds', _EXPORTS, globals())
