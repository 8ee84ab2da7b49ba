"""The study package: the only code that knows the study file.

:func:`load_study` parses a TOML study file once into a frozen, typed :class:`Study`;
:meth:`Study.from_frame` builds the same object from a DataFrame. Everything below takes the
typed pieces (``study.claim``, ``study.data``, ``study.graph``, ``study.evalue``...). The
study-file reference is ``docs/study-file.md``.
"""

from __future__ import annotations

from causal._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Study": "causal.study.model",
    "load_study": "causal.study.load",
    "parse_study": "causal.study.load",
    "as_study": "causal.study.api",
    "accepted_keys": "causal.study.tables",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports("causal.study", _EXPORTS, globals())
