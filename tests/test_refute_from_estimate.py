"""Refuting EffectEstimates: every estimator of causal.estimate is refitted as it was estimated.

Three checks, each against the estimator's own ``_fit`` as the reference implementation:

* the unperturbed refit reproduces the estimate exactly (same code, same data, the recorded
  random state, hence the same cross-fitting folds for AIPW);
* perturbed replicates whose values equal the data's (R copies of the treatment, unit
  weights) reproduce it through the estimator's batched hook: exactly for the looped
  estimators, to 1e-8 relative for the batched ones (Newton stops at steps below 1e-5, leaving
  errors of order 1e-10);
* the batched hooks of IPW and outcome regression agree with one ``_fit`` per replicate on
  the same perturbations (placebo treatments, bootstrap counts, subsets, an extra column) to
  1e-7 relative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal.errors import ParameterError
from causal.estimate import (
    AIPW,
    IPW,
    Crude,
    GComputation,
    LinearModel,
    OutcomeRegression,
    PSMatching,
)
from causal.estimate._refit import Replicates, refit_loop
from causal.refute._draws import bootstrap_counts, permute_rows, subset_mask
from causal.refute._estimate_problem import problem_for


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """SIMULATED: two confounders, a binary treatment, a continuous and a binary outcome."""
    rng = np.random.default_rng(41)
    n = 400
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-0.5 * x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.7 * t + x[:, 0] - 0.5)))).astype(int)
    group = rng.choice(["u", "v", "w"], size=n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "g": group, "t": t, "y": y, "yb": yb})
    frame.attrs["simulated"] = True
    return frame


ANALYSIS = {"covariates": ["a", "b", "g"], "categorical": ["g"], "squared": ["a"]}
ESTIMATORS = {
    "regression": lambda: OutcomeRegression(),
    "g-computation": lambda: GComputation(),
    "g-computation ATT": lambda: GComputation(estimand="att"),
    "IPW": lambda: IPW(),
    "IPW ATT unstabilised": lambda: IPW(estimand="att", weights="unstabilised"),
    "IPW trimmed": lambda: IPW(trim=0.05),
    "IPW risk ratio": lambda: IPW(measure="rr"),
    "AIPW": lambda: AIPW(cv=3, random_state=5),
    "AIPW ATT": lambda: AIPW(estimand="att", cv=3, random_state=5),
    "AIPW unseeded": lambda: AIPW(cv=2),
    "AIPW ATC pooled": lambda: AIPW(estimand="atc", outcome_fit="pooled", cv=4,
                                    random_state=2),
    "AIPW no cross-fitting": lambda: AIPW(cv=1, measure="auto"),
    "AIPW linear outcome model": lambda: AIPW(outcome_model=LinearModel(), cv=3,
                                              random_state=1),
    "matching": lambda: PSMatching(),
    "crude": lambda: Crude(),
}
BATCHED = {"regression", "IPW", "IPW ATT unstabilised", "IPW risk ratio", "AIPW", "AIPW ATT",
           "AIPW unseeded", "AIPW ATC pooled", "AIPW no cross-fitting",
           "AIPW linear outcome model"}
#: a risk ratio needs a binary outcome: that estimator runs on ``yb`` only
BINARY_ONLY = {"IPW risk ratio"}


def _cases(names) -> list[tuple[str, str]]:
    """(estimator, outcome) pairs, continuous ``y`` and binary ``yb``, where both apply."""
    return [(n, o) for n in names for o in ("y", "yb") if not (n in BINARY_ONLY and o == "y")]


def _estimate(name: str, outcome: str, data: pd.DataFrame):
    est = ESTIMATORS[name]()
    return est.estimate(data, treatment="t", outcome=outcome, **ANALYSIS)


@pytest.mark.parametrize(("name", "outcome"), _cases(ESTIMATORS))
def test_unperturbed_refit_reproduces_the_estimate(data, name, outcome):
    est = _estimate(name, outcome, data)
    problem = problem_for(est, data)
    assert problem.original == est.estimate  # exactly: the estimator's own _fit
    same = Replicates(3, t=np.tile(problem.t, (3, 1)), weights=np.ones((3, problem.n)))
    refit = problem.refit_block(same)
    linear = np.log(est.estimate) if est.is_ratio else est.estimate
    if name in BATCHED:
        np.testing.assert_allclose(refit, linear, rtol=1e-8)
    else:
        assert np.all(refit == linear)


@pytest.mark.parametrize(("name", "outcome"), _cases(ESTIMATORS))
def test_every_estimator_is_refuted(data, name, outcome):
    est = _estimate(name, outcome, data)
    suite = cr.refute(est, data, n_simulations=8, random_state=3,
                      unobserved_strengths=(0.1, 0.1))
    assert [r.refuter for r in suite.results] == [
        "placebo treatment", "random common cause", "data subsets", "bootstrap",
        "dummy outcome", "unobserved common cause"]
    for result in suite.results:
        assert result.original_estimate == est.estimate
        assert result.method == f"{est.method}: {est.label}"
        assert result.n_failed < 8
    placebo = suite.results[0]
    assert placebo.null_value == (1.0 if est.is_ratio else 0.0)


@pytest.mark.parametrize(("name", "outcome"), _cases(sorted(BATCHED)))
def test_batched_hook_matches_one_fit_per_replicate(data, name, outcome):
    est = _estimate(name, outcome, data)
    problem = problem_for(est, data)
    rng = np.random.default_rng(8)
    n, r = problem.n, 6
    perturbations = [
        Replicates(r, t=permute_rows(problem.t, r, rng)),
        Replicates(r, weights=bootstrap_counts(n, r, rng)),
        Replicates(r, weights=subset_mask(n, r, int(0.8 * n), rng)),
        Replicates(r, extra=rng.standard_normal((r, n))),
        Replicates(r, y=permute_rows(problem.y, r, rng)),
    ]
    for reps in perturbations:
        batched = problem.refit_block(reps)
        looped = refit_loop(problem.estimator, problem.prep, problem.measure, reps,
                            problem.rng_state)
        np.testing.assert_allclose(batched, looped, rtol=1e-7, atol=1e-10)


def test_one_refuter_by_name(data):
    est = IPW(estimand="att").estimate(data, treatment="t", outcome="yb", **ANALYSIS)
    result = cr.refute(est, data, refuter="placebo_treatment", n_simulations=30,
                       random_state=1)
    assert result.refuter == "placebo treatment"
    assert result.original_estimate == est.estimate


def test_other_data_are_caught(data):
    est = IPW().estimate(data, treatment="t", outcome="y", **ANALYSIS)
    other = data.assign(y=data["y"] + 1.0 * data["t"])
    with pytest.raises(ParameterError, match="`data` must be the data the estimate came from"):
        cr.refute(est, other)


def test_not_an_estimate(data):
    with pytest.raises(ParameterError, match="`estimate` must be an EffectEstimate"):
        cr.refute(2.54, data)


def test_unknown_refuter(data):
    est = IPW().estimate(data, treatment="t", outcome="y", **ANALYSIS)
    with pytest.raises(ParameterError, match="`refuter`"):
        cr.refute(est, data, refuter="placebo")


def _cells() -> pd.DataFrame:
    """SIMULATED: two categorical covariates (6 cells), every cell with both arms."""
    rng = np.random.default_rng(8)
    n = 1200
    g = rng.choice(["a", "b", "c"], size=n)
    h = rng.choice(["no", "yes"], size=n)
    t = rng.binomial(1, 0.3 + 0.2 * (g == "b") + 0.2 * (h == "yes"))
    y = rng.binomial(1, 0.2 + 0.2 * t + 0.2 * (g == "c"))
    return pd.DataFrame({"g": g, "h": h, "t": t, "y": y})


def test_a_saturated_estimate_takes_the_random_common_cause_as_a_category():
    """A saturated model holds categories only: the random common cause enters as the
    indicator U > 0 (independent of everything, as U is), so the test is computed and,
    U being unrelated to treatment and outcome, passes."""
    frame = _cells()
    spec = dict(treatment="t", outcome="y", covariates=["g", "h"], categorical=["g", "h"])
    fit = IPW(saturated=True, measure="rd").estimate(frame, **spec)
    result = cr.refute(fit, frame, refuter="random_common_cause", n_simulations=30,
                       random_state=4)
    assert result.n_failed == 0 and result.computed and result.verdict == "passed"


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_test_whose_every_refit_fails_is_not_computed_rather_than_passed():
    """Saturated ATC IPW needs a treated unit in every cell; with one treated unit in a cell,
    every split of that cell by a random category leaves a half without treated units, so
    no refit has an estimate. The row says so and counts neither as passed nor failed (it
    used to pass with p = 1 and a mean of refits of nan)."""
    frame = _cells()
    lone = frame.index[(frame.g == "a") & (frame.h == "no") & (frame.t == 1)]
    frame = frame.drop(lone[1:])  # one treated unit left in that cell
    spec = dict(treatment="t", outcome="y", covariates=["g", "h"], categorical=["g", "h"])
    fit = IPW(saturated=True, measure="rd", estimand="atc").estimate(frame, **spec)
    result = cr.refute(fit, frame, refuter="random_common_cause", n_simulations=20,
                       random_state=4)
    assert result.n_failed == 20 and not result.computed
    assert result.verdict == "not computed" and not result.passed and result.p_value is None
    assert "could not be computed: all 20 refits" in result.sentence
    assert np.isnan(result.refuted_mean) and np.isnan(result.shift)
    assert all(np.isnan(v) for v in result.interval())


@pytest.mark.filterwarnings("ignore::causal.errors.SeparationWarning")
def test_batched_aipw_matches_the_loop_where_nuisance_fits_separate():
    """SIMULATED, n = 60 with a strong binary covariate: some bootstrap resamples separate an
    arm's outcome model (kept at its last iterate, as ``_fit`` does) or leave a fold without
    an answer; the batched hook redoes those fits on the loop's path, so the two agree,
    NaN pattern included."""
    rng = np.random.default_rng(12)
    n = 60
    s = rng.integers(0, 2, n).astype(float)
    z = rng.normal(size=n)
    t = (rng.random(n) < 0.3 + 0.4 * s).astype(float)
    y = (rng.random(n) < 0.05 + 0.85 * s * t + 0.1 * z ** 2 / 3).astype(float)
    frame = pd.DataFrame({"s": s, "z": z, "t": t, "y": y})
    est = AIPW(cv=3, random_state=4).estimate(frame, treatment="t", outcome="y",
                                              covariates=["s", "z"])
    problem = problem_for(est, frame)
    reps = Replicates(40, weights=bootstrap_counts(n, 40, np.random.default_rng(2)))
    batched = problem.refit_block(reps)
    looped = refit_loop(problem.estimator, problem.prep, problem.measure, reps,
                        problem.rng_state)
    np.testing.assert_allclose(batched, looped, rtol=1e-7, atol=1e-10)
    assert np.isfinite(looped).sum() >= 20
