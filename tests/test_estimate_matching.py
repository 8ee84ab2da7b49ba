"""Propensity-score matching with ties, exact matching, calipers and reuse counts.

Known answers:

* with only categorical covariates, matching with all tied controls (``ties="all"``) is
  exact stratification: ATT = sum_s n1_s (ybar1_s - ybar0_s) / n1, ATC (ATU) the same with
  n0_s, ATE with n_s, computed here by hand from the stratum means (closed form, 1e-10);
* MatchIt 4.5.1 on the committed SIMULATED data (``tests/data/matchit/``, see its README):
  nearest neighbour with replacement on the logit of the propensity score, with and without a
  caliper in logit units, and exact matching, where the methods coincide (1e-8).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.errors import FewControlsWarning, NotEstimableError, ParameterError
from causal.estimate import PSMatching
from causal.estimate.matching import nearest_controls

HERE = Path(__file__).resolve().parent / "data" / "matchit"
VECTORS = json.loads((HERE / "matchit_vectors.json").read_text(encoding="utf-8"))
STRATA = pd.read_csv(HERE / "strata.csv")
CONTINUOUS = pd.read_csv(HERE / "continuous.csv")
S_SPEC = dict(treatment="a", outcome="y", covariates=["g", "h"])


def stratified(frame: pd.DataFrame, keys: list[str]) -> dict[str, float]:
    """ATE, ATT and ATU by hand: within-stratum differences weighted by n, n1 and n0."""
    rows = []
    for _, part in frame.groupby(keys):
        t, c = part[part.a == 1], part[part.a == 0]
        rows.append((len(part), len(t), len(c), t.y.mean() - c.y.mean()))
    n, n1, n0, d = map(np.array, zip(*rows, strict=True))
    return {"ate": float(d @ n / n.sum()), "att": float(d @ n1 / n1.sum()),
            "atc": float(d @ n0 / n0.sum())}


@pytest.mark.parametrize("estimand", ["att", "atc", "ate"])
@pytest.mark.parametrize("exact", [(), ("g", "h")])
def test_matching_with_all_ties_is_stratification(estimand, exact):
    truth = stratified(STRATA, ["g", "h"])[estimand]
    fit = PSMatching(estimand=estimand, exact=list(exact), caliper=None).estimate(
        STRATA, **S_SPEC)
    assert fit.estimate == pytest.approx(truth, abs=1e-10)
    assert fit.estimand == estimand


def test_exact_matching_reproduces_matchit_exact():
    ref = VECTORS["exact_strata"]
    fit = PSMatching(exact=["g", "h"], caliper=None).estimate(STRATA, **S_SPEC)
    assert fit.estimate == pytest.approx(ref["att"], abs=1e-8)
    assert fit.diagnostics["n_matched_treated"] == ref["n_matched_treated"]
    assert fit.diagnostics["n_distinct_controls"] == ref["n_distinct_controls"]
    # MatchIt's control weights are proportional to ours (n1_s / n0_s per stratum)
    ours = fit.diagnostics["weights"][STRATA.a == 0]
    theirs = np.array(ref["weights"])[STRATA.a == 0]
    np.testing.assert_allclose(ours / ours.sum(), theirs / theirs.sum(), atol=1e-12)


def test_first_in_file_order_gave_the_wrong_sign_and_ties_fix_it():
    """The old rule (first tied control in file order) is what MatchIt's general path does on
    these data: both give ATT -0.431 where the stratified ATT is +0.149."""
    truth = stratified(STRATA, ["g", "h"])["att"]
    assert truth > 0.1
    frame = STRATA
    fit = PSMatching(caliper=None, ties="random", random_state=0).estimate(frame, **S_SPEC)
    e = fit.diagnostics["propensity"]
    logit = np.log(e / (1 - e))
    t, c = np.flatnonzero(frame.a == 1), np.flatnonzero(frame.a == 0)
    pos, _ = nearest_controls(logit[t], logit[c])
    old = frame.y.to_numpy()[t].mean() - frame.y.to_numpy()[c[pos]].mean()
    assert old < 0  # the wrong sign
    assert old == pytest.approx(VECTORS["nearest_ties"]["att"], abs=1e-8)
    assert VECTORS["nearest_ties_fast"]["att"] > 0.5  # MatchIt's fast path: wrong the other way


def test_random_ties_give_the_stratified_att_within_monte_carlo_error():
    """One random tie-break draws, for each treated unit of stratum s, a control uniformly from
    the stratum's n0_s controls, so given the data the matched control mean has expectation
    the stratum mean and variance sum_s n1_s p0_s (1 - p0_s) / n1^2 (binary outcome, controls
    drawn with replacement). Averaged over R = 40 seeds the MC SE is that / sqrt(R); the test
    allows 4 MC SEs."""
    truth = stratified(STRATA, ["g", "h"])["att"]
    var = 0.0
    n1 = int(STRATA.a.sum())
    for _, part in STRATA.groupby(["g", "h"]):
        p0 = part.y[part.a == 0].mean()
        var += part.a.sum() * p0 * (1 - p0) / n1**2
    draws = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewControlsWarning)
        for seed in range(40):
            draws.append(PSMatching(caliper=None, ties="random", random_state=seed)
                         .estimate(STRATA, **S_SPEC).estimate)
    draws = np.array(draws)
    assert abs(draws.mean() - truth) < 4 * np.sqrt(var / len(draws))
    assert np.all(draws > 0)  # every single draw has the right sign here
    assert draws.std(ddof=1) == pytest.approx(np.sqrt(var), rel=0.35)


def test_nearest_neighbour_equals_matchit():
    ref = VECTORS["nearest_logit"]
    assert ref["not_nearest"] == 0
    fit = PSMatching(caliper=None).estimate(CONTINUOUS, treatment="a", outcome="y",
                                            covariates=["x", "z"])
    assert fit.estimate == pytest.approx(ref["att"], abs=1e-8)
    assert fit.diagnostics["mean_tied"] == 1.0  # continuous scores: no ties
    pairs = fit.matched_pairs
    assert np.array_equal(pairs["control"].to_numpy() + 1, np.array(ref["match_matrix"]))
    assert fit.diagnostics["n_distinct_controls"] == ref["n_distinct_controls"]
    ours = fit.diagnostics["weights"][CONTINUOUS.a == 0]
    theirs = np.array(ref["weights"])[CONTINUOUS.a == 0]
    np.testing.assert_allclose(ours / ours.sum(), theirs / theirs.sum(), atol=1e-12)
    assert fit.diagnostics["max_control_reuse"] == ours.max()


def test_caliper_equals_matchit_with_the_same_width():
    """MatchIt standardises a caliper by the SD of the distance over all units; causal by the
    pooled within-arm SD. The R script passes 0.05 pooled SDs in logit units, so they agree."""
    ref = VECTORS["nearest_caliper"]
    fit = PSMatching(caliper=ref["caliper_sd"]).estimate(
        CONTINUOUS, treatment="a", outcome="y", covariates=["x", "z"])
    assert f"({ref['width']:.3g})" in " ".join(fit.notes)
    assert fit.diagnostics["n_matched_treated"] == ref["n_matched_treated"] < 172
    assert fit.estimate == pytest.approx(ref["att"], abs=1e-8)


def test_few_controls_warning_names_the_estimator():
    """One stratum holds 1 control for 30 treated: it carries the weight of its stratum."""
    rows = [(0, 1, 1)] * 30 + [(0, 0, 0)] + [(1, 1, 1)] * 5 + [(1, 0, 0)] * 40
    frame = pd.DataFrame(rows, columns=["g", "a", "y"])
    with pytest.warns(FewControlsWarning, match=r"^PS matching \(ATT\): few controls carry "
                                                r"most of the weight: 41 distinct controls"):
        fit = PSMatching(caliper=None).estimate(frame, treatment="a", outcome="y",
                                                covariates=["g"])
    assert fit.diagnostics["max_control_reuse"] == 30
    assert fit.diagnostics["effective_controls"] < 0.1 * 35
    assert any("PS matching (ATT)" in w for w in fit.warnings)


def test_exact_matching_on_a_stratum_without_controls_drops_it_and_says_so():
    rows = [(0, 1, 1)] * 3 + [(0, 0, 0)] * 5 + [(1, 1, 1)] * 4
    frame = pd.DataFrame(rows, columns=["g", "a", "y"]).assign(x=np.arange(12) / 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = PSMatching(exact=["g"], caliper=None).estimate(
            frame, treatment="a", outcome="y", covariates=["g", "x"])
    assert "4 of 7 treated units unmatched and dropped (ATT among the matched)" in fit.notes
    only = frame[frame.g == 1].assign(a=1)
    only.loc[only.index[0], "a"] = 0
    bad = pd.concat([frame[frame.g == 0].assign(a=1), frame[frame.g == 1].assign(a=0)])
    with pytest.raises(NotEstimableError, match=r"^PS matching \(ATT\): no treated unit can "
                                                r"be matched: no exact-matching stratum holds "
                                                r"both arms\.$"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        PSMatching(exact=["g"], caliper=None).estimate(bad, treatment="a", outcome="y",
                                                       covariates=["g", "x"])


def test_bad_matching_options_are_one_sentence():
    with pytest.raises(ParameterError, match="`ties` must be one of"):
        PSMatching(ties="first").estimate(STRATA, **S_SPEC)
    with pytest.raises(ParameterError, match=r"`exact` must name adjustment covariates; got "
                                             r"\['k'\]"):
        PSMatching(exact=["k"]).estimate(STRATA, **S_SPEC)
    with pytest.raises(ParameterError, match="`estimand` must be one of"):
        PSMatching(estimand="ato").estimate(STRATA, **S_SPEC)
