"""`import causal` stays cheap: no DoWhy, EconML, matplotlib (or other heavy modules)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("dowhy", "econml", "matplotlib", "sklearn", "statsmodels", "networkx", "scipy")


def test_import_causal_loads_no_heavy_dependency():
    code = (f"import sys, causal, causal.sensitivity; heavy = {HEAVY!r}; "
            "print(','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
