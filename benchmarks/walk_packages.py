"""Calls between causal packages on the walk DataFrame -> from_frame -> AIPW -> refute -> report.

Every call whose callee is a function of a causal sub-package (causal/<pkg>/...) is recorded
with its caller's package (the frame that called it); calls within one package and calls from
or into base modules (causal/*.py) are not counted. An up-call is a call from a package into
one above it in the layer order (base < claims, graph, data, _glm < study < estimate < refute,
sensitivity < analysis < plots, report < cli): a return to a package the value already left.
"""
import sys
import warnings
from collections import Counter

import numpy as np
import pandas as pd

import causal
from causal.estimate import AIPW
from causal.refute import refute
from causal.report import build_report

warnings.simplefilter("ignore")


def pkg_of(code):
    f = code.co_filename
    i = f.rfind("/causal/")
    if i < 0:
        return None
    rest = f[i + 8:].split("/")
    return rest[0] if len(rest) >= 2 else None

edges = Counter()
def prof(frame, event, arg):
    if event != "call":
        return
    callee = pkg_of(frame.f_code)
    if callee is None or frame.f_back is None:
        return
    caller = pkg_of(frame.f_back.f_code)
    if caller is not None and caller != callee:
        edges[(caller, callee)] += 1

rng = np.random.default_rng(0)
n = 300
x1, x2 = rng.normal(size=n), rng.normal(size=n)
t = (rng.random(n) < 1 / (1 + np.exp(-0.4 * x1))).astype(int)
y = 1.5 * t + x1 + 0.5 * x2 + rng.normal(size=n)
df = pd.DataFrame({"t": t, "y": y, "x1": x1, "x2": x2})

sys.setprofile(prof)
study = causal.Study.from_frame(df, treatment="t", outcome="y", covariates=["x1", "x2"])
est = AIPW(random_state=1).estimate(df, treatment="t", outcome="y", covariates=["x1", "x2"])
suite = refute(est, df, n_simulations=20, random_state=2)
if hasattr(causal, "Analysis"):
    report = build_report(causal.Analysis.from_results(study, data=df, estimates=[est],
                                                       refutations=[suite]))
    mode = "build_report(Analysis.from_results(study, estimates=[est], refutations=[suite]))"
else:
    report = build_report(study, sections=["estimates", "refutations"])
    mode = "build_report(study, sections=['estimates', 'refutations']) (cannot take est/suite)"
sys.setprofile(None)
RANK = {"claims": 1, "graph": 1, "data": 1, "_glm": 1, "study": 2, "estimate": 3,
        "refute": 4, "sensitivity": 4, "analysis": 5, "plots": 6, "report": 6, "cli": 7}
up = {e: k for e, k in edges.items() if RANK.get(e[1], 0) > RANK.get(e[0], 0)}
print(mode)
print("cross-package calls:", sum(edges.values()), "distinct edges:", len(edges))
print("up-calls:", sum(up.values()), "distinct:", len(up), sorted(up.items()))
