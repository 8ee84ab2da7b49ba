"""No public name is shadowed by a submodule of the same name.

Importing ``package.name`` as a submodule binds the module to the package's attribute
``name``; when the package also exports a function ``name`` (lazily, or before the submodule
was first imported), ``package.name`` then depends on import order. A fresh interpreter
imports every submodule of ``causal`` first, then checks every name in every package's
``__all__`` (in a subprocess, so the other tests keep their own import order).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = """
import importlib, json, pkgutil, types
import causal
packages = ["causal"]
for info in pkgutil.walk_packages(causal.__path__, "causal."):
    importlib.import_module(info.name)
    if info.ispkg:
        packages.append(info.name)
checked, modules, moved = 0, [], []
for package in packages:
    module = importlib.import_module(package)
    exports = getattr(module, "_EXPORTS", {})
    for name in getattr(module, "__all__", ()):
        checked += 1
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            modules.append(f"{package}.{name}")
        elif name in exports and value is not getattr(importlib.import_module(exports[name]),
                                                      name):
            moved.append(f"{package}.{name}")
print(json.dumps({"packages": packages, "checked": checked, "modules": modules,
                  "moved": moved}))
"""


@pytest.fixture(scope="module")
def scan() -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_package_is_checked(scan):
    assert {"causal.refute", "causal.refute.refuters", "causal.estimate", "causal.graph",
            "causal.cli"} <= set(scan["packages"])
    assert scan["checked"] > 50


def test_no_public_name_is_a_module(scan):
    assert scan["modules"] == []


def test_every_lazy_name_is_the_object_its_module_defines(scan):
    """A package's lazy table entry ``name: module`` gives ``module.name`` itself."""
    assert scan["moved"] == []
