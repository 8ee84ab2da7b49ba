"""Lazy package exports: names resolve to their module on first use.

Keeps ``import causal`` (and its subpackages) cheap: a package declares ``{name: module}``
and gets ``__getattr__`` and ``__dir__`` from :func:`lazy_exports`.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str], namespace: dict[str, Any]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` exporting ``exports`` lazily; a loaded
    name is cached in the package's ``namespace`` (its ``globals()``)."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    module = sys.modules.get(package)
    if module is not None and type(module) is types.ModuleType:
        module.__class__ = _keeping(exports)
    return __getattr__, __dir__


def _keeping(exports: dict[str, str]) -> type[types.ModuleType]:
    """A module class that keeps an exported function when its submodule of the same name
    is imported: importing ``causal.sensitivity.rosenbaum_bounds.mcnemar`` directly would otherwise
    set the package attribute ``rosenbaum_mcnemar`` to the module, and ``from
    causal.sensitivity import rosenbaum_mcnemar`` would then return the module."""

    class Package(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if (name in exports and isinstance(value, types.ModuleType)
                    and value.__name__ == exports[name] and hasattr(value, name)):
                value = getattr(value, name)
            super().__setattr__(name, value)

    return Package
