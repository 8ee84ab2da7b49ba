"""Fits shared between a study's estimators (causal.estimate._shared) change no number.

Inside ``shared_fits()`` one fit serves both measures of an estimator, IPW and matching share the
propensity model and the outcome regression and g-computation share the outcome model. Every
result must equal the one computed alone (the reference is the same call outside the block, so
the expected values are this package's own unshared computation, not hard-coded numbers)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from causal._glm import LinearModel, LogisticModel
from causal.errors import ExtremeWeightsWarning
from causal.estimate import AIPW, IPW, Crude, GComputation, OutcomeRegression, PSMatching
from causal.estimate._design import prepare
from causal.estimate._shared import shared_fits
from causal.estimate.matching import nearest_controls
from tests._estimate_sim import simulate

SPEC = dict(treatment="a", outcome="y", covariates=["x1", "x2", "x3"])


def _estimators() -> list:
    out = [OutcomeRegression(measure="or")]
    for measure in ("or", "rd"):
        out += [Crude(measure=measure), GComputation(measure=measure),
                IPW(measure=measure), IPW(measure=measure, se="fixed_weights"),
                AIPW(measure=measure, random_state=11, n_bootstrap=50)]
    return out + [PSMatching(measure="rd", n_bootstrap=50, random_state=3)]


def _run(prep, estimators):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [e._estimate_prepared(prep) for e in estimators]
    return results, sorted(str(w.message) for w in caught)


def _same(alone, shared) -> None:
    assert alone.estimate == shared.estimate
    assert alone.std_error == shared.std_error
    assert alone.ci == shared.ci
    assert alone.notes == shared.notes
    assert alone.warnings == shared.warnings
    assert alone.bootstrap == shared.bootstrap  # the generator continues where the fit left it
    # each estimate still records how to refit itself (the generator's state differs only
    # for an estimator without a seed, which draws a fresh one)
    assert (alone.refit.estimator_class, dict(alone.refit.params), alone.refit.measure) == (
        shared.refit.estimator_class, dict(shared.refit.params), shared.refit.measure)
    if alone.refit.params["random_state"] is not None:
        assert alone.refit == shared.refit
    pd.testing.assert_frame_equal(alone.summary(), shared.summary())
    if "balance" in alone.diagnostics:
        pd.testing.assert_frame_equal(alone.diagnostics["balance"],
                                      shared.diagnostics["balance"], rtol=1e-9, atol=1e-12)


def test_shared_fits_reproduce_each_estimate_alone():
    prep = prepare(simulate(800, seed=5, outcome="binary"), **SPEC)
    alone, warned_alone = _run(prep, _estimators())
    with shared_fits() as cache:
        shared, warned_shared = _run(prep, _estimators())
        fits = [k for k in cache if k[0] == "fit"]
        # one fit per estimator configuration: crude, g-computation, two IPW, AIPW, matching
        assert len(fits) == 6
        assert sum(k[0] == "propensity" for k in cache) == 1
        assert sum(k[0] == "outcome" for k in cache) == 1
    assert not cache  # the block leaves nothing behind
    for one, two in zip(alone, shared, strict=True):
        _same(one, two)
    assert warned_alone == warned_shared


def test_shared_fit_replays_warnings():
    """A fit that warned warns again, and records the warning, when it is reused."""
    df = simulate(600, seed=2, outcome="binary")
    df.loc[df["a"] == 1, "x1"] += 3.0  # strong confounding: extreme weights
    prep = prepare(df, **SPEC)
    with shared_fits(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = IPW(measure="or")._estimate_prepared(prep)
        second = IPW(measure="rd")._estimate_prepared(prep)
    assert first.warnings and first.warnings == second.warnings
    assert sum(issubclass(w.category, ExtremeWeightsWarning) for w in caught) == 2


def test_different_seeds_are_not_shared():
    """AIPW's folds come from its generator: another seed is another fit."""
    prep = prepare(simulate(500, seed=4, outcome="binary"), **SPEC)
    with shared_fits() as cache:
        one = AIPW(measure="rd", random_state=1)._estimate_prepared(prep)
        two = AIPW(measure="rd", random_state=2)._estimate_prepared(prep)
        assert sum(k[0] == "fit" for k in cache) == 2
    assert one.estimate == AIPW(measure="rd", random_state=1)._estimate_prepared(prep).estimate
    assert two.estimate == AIPW(measure="rd", random_state=2)._estimate_prepared(prep).estimate


def test_nearest_controls_against_brute_force():
    """The sorted search equals an exhaustive search (ties: the smaller control score)."""
    rng = np.random.default_rng(9)
    control = np.round(rng.standard_normal(300), 2)  # rounded: many exact ties
    treated = np.round(rng.standard_normal(200), 2)
    pos, dist = nearest_controls(treated, control)
    gap = np.abs(treated[:, None] - control[None, :])
    assert np.array_equal(dist, gap.min(1))
    best = gap == gap.min(1, keepdims=True)
    smallest = np.where(best, control[None, :], np.inf).min(1)
    assert np.array_equal(control[pos], smallest)


@pytest.mark.parametrize("outcome", ["continuous", "binary"])
def test_gcomputation_with_interactions_unchanged_by_sharing(outcome):
    prep = prepare(simulate(400, seed=8, outcome=outcome), **SPEC)
    est = GComputation(interactions=["x1"])
    alone = est._estimate_prepared(prep)
    with shared_fits():
        OutcomeRegression()._estimate_prepared(prep)  # a different outcome design
        shared = est._estimate_prepared(prep)
    _same(alone, shared)


class _LoopLogistic(LogisticModel):
    """The default propensity model by another type: AIPW then clones and fits it fold by fold,
    the path every other scikit-learn model takes."""


class _LoopLinear(LinearModel):
    """The default outcome model by another type (fold-by-fold fits, as above)."""


@pytest.mark.parametrize(("outcome", "estimand", "cv"), [
    ("continuous", "ate", 5), ("continuous", "att", 3), ("continuous", "atc", 1),
    ("binary", "ate", 5)])
@pytest.mark.parametrize("tall", ["no", "blocks", "blocks and chain"])
def test_aipw_default_models_on_one_design_equal_the_fold_by_fold_fits(outcome, estimand, cv,
                                                                       tall, monkeypatch):
    """AIPW fits its default models on one intercept design, the least-squares outcome
    models of every fold from per-fold Gram matrices; the reference is the fold-by-fold fits
    of the same models (subclasses, so the lean path does not apply). The logistic fits are
    the same arithmetic; least squares by normal equations against SVD agree to about 1e-14
    here, so 1e-10 on the estimate and SE is a wide margin that a wrong fold would break.
    ``tall``: the paths of tall designs (above 32,768 rows the design built transposed and
    the Newton passes in blocks of rows; above 200,000 later folds' propensity fits started
    from the first's), taken here at 600 rows."""
    if tall != "no":
        import causal._glm.newton as newton_module
        import causal.estimate.aipw as aipw_module

        monkeypatch.setattr(newton_module, "ROW_BLOCK", 128)
        if tall == "blocks and chain":
            monkeypatch.setattr(aipw_module, "_WARM_START_N", 100)
    data = simulate(600, seed=4, outcome=outcome)
    loop_out = _LoopLogistic() if outcome == "binary" else _LoopLinear()
    for measure in ("md",) if outcome == "continuous" else ("rd", "or"):
        lean = AIPW(estimand=estimand, cv=cv, measure=measure, random_state=5).estimate(
            data, **SPEC)
        loop = AIPW(estimand=estimand, cv=cv, measure=measure, random_state=5,
                    propensity_model=_LoopLogistic(), outcome_model=loop_out).estimate(
            data, **SPEC)
        assert lean.estimate == pytest.approx(loop.estimate, rel=1e-10)
        assert lean.std_error == pytest.approx(loop.std_error, rel=1e-10)
        nuisance = lean.diagnostics["nuisance"]
        np.testing.assert_allclose(nuisance["m1"], loop.diagnostics["nuisance"]["m1"],
                                   rtol=1e-10, atol=1e-12)


def test_separation_warning_names_the_range_of_the_scores_it_has():
    """A score that could not be computed (NaN) is counted, not printed as 'min nan'."""
    from causal.errors import SeparationWarning
    from causal.estimate._fits import Recorder
    from causal.estimate.diagnostics import propensity_diagnostics

    rec = Recorder()
    with pytest.warns(SeparationWarning) as caught:
        propensity_diagnostics(np.array([1e-12, 0.3, np.nan, 0.9]), np.array([0, 1, 1, 0]), rec)
    message = str(caught[0].message)
    assert "min 1e-12, max 0.9; 1 score(s) could not be computed" in message
    assert "nan" not in message
