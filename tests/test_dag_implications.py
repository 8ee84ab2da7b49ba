"""Implied conditional independences and their Fisher-z tests.

Expected implications are read off by d-separation by hand: in a chain a -> b -> c the only
non-adjacent pair is (a, c), separated by {b}; in a collider a -> c <- b, a and b are
marginally independent; with an unmeasured common cause nothing observed separates its
children.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causal.errors import DataError, ParameterError
from causal.graph.dag import CausalGraph
from causal.graph.implications import check_implications, implied_independences, partial_correlation

CHAIN = CausalGraph.from_edges([("a", "b"), ("b", "c")], exposure="a", outcome="c")


def imps(graph):
    return [(i.first, i.second, i.given) for i in implied_independences(graph)]


def test_chain_fork_collider_and_latent():
    assert imps(CHAIN) == [("a", "c", ("b",))]
    assert imps(CausalGraph.from_edges([("a", "c"), ("b", "c")])) == [("a", "b", ())]
    fork = CausalGraph.from_edges([("b", "a"), ("b", "c")])
    assert imps(fork) == [("a", "c", ("b",))]
    hidden = CausalGraph.from_edges([("u", "a"), ("u", "b")], latent=["u"])
    assert imps(hidden) == []
    assert str(implied_independences(CHAIN)[0]) == "a ⊥ c | b"


def _simulate_chain(n, rng, direct=0.0):
    a = rng.normal(size=n)
    b = 0.8 * a + rng.normal(size=n)
    c = 0.5 * b + direct * a + rng.normal(size=n)
    return pd.DataFrame({"a": a, "b": b, "c": c, "simulated": True})


def test_partial_correlation_equals_residual_correlation():
    # naive reference: correlate the residuals of a and c after OLS on (1, b)
    rng = np.random.default_rng(1)
    frame = _simulate_chain(500, rng, direct=0.2)
    design = np.column_stack([np.ones(500), frame["b"]])
    resid = {k: frame[k] - design @ np.linalg.lstsq(design, frame[k], rcond=None)[0]
             for k in ("a", "c")}
    expected = float(np.corrcoef(resid["a"], resid["c"])[0, 1])
    assert partial_correlation(frame, "a", "c", ("b",)) == pytest.approx(expected, abs=1e-12)


def test_fisher_z_statistic_and_p_value():
    rng = np.random.default_rng(2)
    frame = _simulate_chain(400, rng, direct=0.0)
    result = check_implications(CHAIN, frame).tests[0]
    r = partial_correlation(frame, "a", "c", ("b",))
    # Fisher (1924): z = atanh(r) sqrt(n - |Z| - 3), two-sided normal p-value
    z = math.atanh(r) * math.sqrt(400 - 1 - 3)
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    assert result.n == 400


def test_violated_implication_is_flagged():
    # data with a direct a -> c arrow of 0.3: the partial correlation given b is about
    # 0.3 / sqrt(1 + 0.3^2 ... ) ~ 0.2, so z ~ atanh(0.2) sqrt(1997) ~ 9: p far below 1e-6
    frame = _simulate_chain(2000, np.random.default_rng(3), direct=0.3)
    tests = check_implications(CHAIN, frame)
    assert tests.rejected and tests.tests[0].p_value < 1e-6
    summary = tests.summary()
    assert summary.loc[0, "method"] == "partial correlation, Fisher z"
    assert summary.loc[0, "note"].startswith("contradicted at alpha=0.05")


def test_size_under_the_null():
    # 300 simulated data sets from the chain itself: the rejection rate at alpha = 0.05 must
    # be within 3 Monte Carlo standard errors, 3 * sqrt(0.05 * 0.95 / 300) = 0.038
    rng = np.random.default_rng(4)
    rejected = [check_implications(CHAIN, _simulate_chain(200, rng)).tests[0].rejected
                for _ in range(300)]
    assert abs(np.mean(rejected) - 0.05) < 0.038


def test_input_not_modified_and_missing_rows_dropped():
    frame = _simulate_chain(100, np.random.default_rng(5))
    frame.loc[3, "b"] = np.nan
    before = frame.copy()
    result = check_implications(CHAIN, frame)
    pd.testing.assert_frame_equal(frame, before)
    assert result.tests[0].n == 99


def test_bad_data():
    frame = _simulate_chain(50, np.random.default_rng(6))
    with pytest.raises(DataError, match="`data` lacks column\\(s\\) 'b'"):
        check_implications(CHAIN, frame.drop(columns="b"))
    with pytest.raises(DataError, match="'b' must be numeric"):
        check_implications(CHAIN, frame.assign(b="x"))
    with pytest.raises(DataError, match="needs more than 4 complete rows"):
        check_implications(CHAIN, frame.head(4))
    with pytest.raises(DataError, match="'b' are constant"):
        check_implications(CHAIN, frame.assign(b=1.0))
    with pytest.raises(DataError, match="must be a pandas DataFrame"):
        check_implications(CHAIN, frame.to_numpy())
    with pytest.raises(ParameterError, match="`method` must be one of 'fisher-z'"):
        check_implications(CHAIN, frame, method="chi2")
    with pytest.raises(ParameterError, match="`alpha` must be in \\(0, 1\\)"):
        check_implications(CHAIN, frame, alpha=2)


def test_nhefs_graph_against_the_real_data():
    # The NHEFS graph's implications tested against causaldata's nhefs_complete (ordered
    # categoricals by rank). Reference for the marginal ones: scipy's Pearson correlation on
    # the same codes; its exact t-test p-value must agree with ours on which side of 0.05
    # each falls whenever it is not within a factor 2 of the threshold.
    from pathlib import Path

    import causaldata

    from causal.graph.dag import read_graph

    graph = read_graph(Path(__file__).resolve().parents[1] / "dags" / "nhefs.dot")
    data = causaldata.nhefs_complete.load_pandas().data
    tests = check_implications(graph, data)
    assert len(tests.tests) == len(implied_independences(graph)) == 30
    assert {t.n for t in tests.tests} == {1566}
    codes = {c: (data[c].cat.codes if isinstance(data[c].dtype, pd.CategoricalDtype)
                 else data[c]).astype(float) for c in data.columns if c in graph.nodes}
    checked = 0
    for t in tests.tests:
        if t.implication.given:
            continue
        ref = stats.pearsonr(codes[t.implication.first], codes[t.implication.second])
        assert t.partial_correlation == pytest.approx(ref.statistic, abs=1e-12)
        if not 0.025 < ref.pvalue < 0.1:
            assert t.rejected == (ref.pvalue < 0.05)
        checked += 1
    assert checked == 26
    # the graph says exercise and everyday activity are unrelated; the data say otherwise
    assert {str(t.implication) for t in tests.rejected} >= {"exercise ⊥ active"}
