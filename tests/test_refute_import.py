"""`import causal.refute` stays cheap: DoWhy and statsmodels load only when used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("dowhy", "econml", "matplotlib", "sklearn", "statsmodels", "scipy")


def test_import_refute_loads_no_heavy_dependency():
    code = (f"import sys, causal.refute; heavy = {HEAVY!r}; "
            "print(','.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_placebo_loads_neither_dowhy_nor_statsmodels():
    code = ("import sys, numpy as np, pandas as pd, causal.refute as cr; "
            "d = pd.DataFrame({'t': [0, 1] * 20, 'y': np.arange(40.0)}); "
            "from causal.estimate import OutcomeRegression; "
            "e = OutcomeRegression(measure='md').estimate(d, treatment='t', outcome='y'); "
            "cr.placebo_treatment(e, d, n_simulations=5, random_state=0); "
            "print(','.join(m for m in ('dowhy', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
