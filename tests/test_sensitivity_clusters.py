"""Sensitivity analyses on the cluster-robust interval: E-value, OVB (sensemakr-style) and the
DML bounds, on the SIMULATED clustered data of tests/data/clusters/."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.estimate import AIPW, OutcomeRegression
from causal.sensitivity.individual import individual_sensitivity
from causal.sensitivity.omitted_variable.data import ovb_sensitivity
from causal.sensitivity.omitted_variable.dml_refit import dml_sensitivity, elements_from_estimate

DATA = pd.read_csv(Path(__file__).resolve().parent / "data" / "clusters" / "clustered.csv")
MODEL = dict(treatment="a", covariates=["x"])


def test_ovb_uses_the_cluster_robust_se():
    """statsmodels OLS cov_type="cluster" (CR1, G/(G-1) (n-1)/(n-p)) gives the SE; the point
    bounds and RV_q (R² identities) do not change; the adjusted intervals widen by the SE
    ratio and RV_q,alpha falls."""
    import statsmodels.api as sm

    naive = ovb_sensitivity(DATA, outcome="yc", **MODEL, benchmarks=["x"], kd=[1])
    clustered = ovb_sensitivity(DATA, outcome="yc", **MODEL, benchmarks=["x"], kd=[1],
                                cluster="therapist")
    fit = sm.OLS(DATA["yc"], sm.add_constant(DATA[["a", "x"]])).fit(
        cov_type="cluster", cov_kwds={"groups": DATA["therapist"]})
    assert clustered.std_error == pytest.approx(float(fit.bse["a"]), rel=1e-8)
    assert clustered.rv_q == pytest.approx(naive.rv_q, rel=1e-12)
    assert clustered.rv_qa < naive.rv_qa
    ratio = clustered.std_error / naive.std_error
    b0, b1 = naive.bounds[0], clustered.bounds[0]
    assert b1.estimate == pytest.approx(b0.estimate, rel=1e-12)
    assert b1.std_error == pytest.approx(b0.std_error * ratio, rel=1e-12)
    assert any("cluster-robust (CR1)" in note for note in clustered.notes)


def test_dml_bounds_use_the_cluster_robust_se():
    """For the ATE risk difference the bounds' theta influence values are AIPW's, so with
    clusters the elements' SE is the AIPW estimate's CR1 SE, and the confidence limits of the
    bounds widen while the point bounds stay."""
    aipw = AIPW(measure="rd", random_state=1).estimate(DATA, outcome="y", **MODEL,
                                                       cluster="therapist")
    elements = elements_from_estimate(aipw)
    assert elements.std_error == pytest.approx(aipw.std_error, rel=1e-10)
    clustered = dml_sensitivity(DATA, outcome="y", **MODEL, estimate=aipw, benchmarks=[])
    same_fit = AIPW(measure="rd", cv=[(tr, te) for tr, te in _splits(aipw)]).estimate(
        DATA, outcome="y", **MODEL)
    naive = dml_sensitivity(DATA, outcome="y", **MODEL, estimate=same_fit, benchmarks=[])
    assert clustered.bounds == pytest.approx(naive.bounds, rel=1e-10)
    assert clustered.ci[0] < naive.ci[0]
    assert clustered.ci[1] > naive.ci[1]
    assert clustered.std_error == pytest.approx(aipw.std_error, rel=1e-10)
    assert clustered.rva <= naive.rva


def _splits(estimate):
    fold = estimate.diagnostics["nuisance"]["fold"]
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k))
            for k in range(int(fold.max()) + 1)]


def test_individual_evalue_uses_the_cluster_robust_interval():
    result = individual_sensitivity(DATA, outcome="y", **MODEL, benchmarks=["x"],
                                    rare_outcome=False, cluster="therapist")
    logistic = OutcomeRegression().estimate(DATA, outcome="y", **MODEL, cluster="therapist")
    assert result.measure.ci == pytest.approx(logistic.ci, rel=1e-12)
    naive = individual_sensitivity(DATA, outcome="y", **MODEL, benchmarks=["x"],
                                   rare_outcome=False)
    assert result.evalue.ci < naive.evalue.ci  # a wider interval, a smaller CI E-value
    assert result.evalue.point == pytest.approx(naive.evalue.point, rel=1e-12)
