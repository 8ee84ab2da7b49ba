"""The GLM core (causal._glm): one Newton loop, one rule set, whatever the design's shape.

Reference values come from statsmodels 0.15.0 (``sm.Logit(y, X).fit(method="newton",
tol=1e-12)`` and ``sm.GLM(..., family=Binomial(), freq_weights=w)``), which maximise the same
likelihood; the tolerances (1e-8 relative) are far above both fits' convergence error (about
1e-12) and far below any difference a wrong likelihood, weight or warm start would make.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from causal._glm import (
    add_intercept,
    fit_linear,
    fit_logistic,
    fit_logistic_one,
    fit_logit_batch,
    fit_ols,
)
from causal._glm.design import design_columns
from causal._glm.logistic import _WARM_START_N, fit_logistic_near
from causal._glm.ols import REFINE_CONDITION, fit_linear_folds
from causal.estimate._design import prepare


def simulated(n: int, seed: int = 3, p: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """SIMULATED: standard normal covariates, logistic outcome, coefficients -0.4, 0.8, ..."""
    rng = np.random.default_rng(seed)
    z = add_intercept(rng.normal(size=(n, p)))
    beta = np.linspace(-0.4, 0.8, p + 1)
    y = (rng.random(n) < 1 / (1 + np.exp(-z @ beta))).astype(float)
    return z, y


def test_single_fit_above_the_warm_start_size_matches_statsmodels():
    """Above 200,000 rows the single fit starts from a subsample fit and takes chord steps on
    its information: it must still reach the full-data MLE and full-data standard errors."""
    n = _WARM_START_N + 50_000
    z, y = simulated(n)
    fit = fit_logistic_one(z, y)
    peer = sm.Logit(y, z).fit(disp=0, method="newton", tol=1e-12)
    assert fit.converged[0] and not fit.separated[0]
    np.testing.assert_allclose(fit.coef[0], peer.params, rtol=1e-8)
    np.testing.assert_allclose(fit.std_error[0], peer.bse, rtol=1e-8)


def test_a_single_fit_is_a_batch_of_one():
    z, y = simulated(500)
    one = fit_logistic_one(z, y)
    batch = fit_logistic(z, [], y, None, 1, tol=1e-12, cov=True)
    np.testing.assert_allclose(one.coef, batch.coef, rtol=1e-12)
    np.testing.assert_allclose(one.cov, batch.cov, rtol=1e-10)


def test_shared_design_with_replicate_columns_matches_designs_per_replicate():
    """Replicate columns and weights on a shared design (refits, explain-away cells) against
    full designs per replicate (simulations): the same fits."""
    z, y = simulated(400)
    rng = np.random.default_rng(4)
    extra = rng.normal(size=(5, 400))
    weights = rng.poisson(1.0, size=(5, 400)).astype(float)
    shared = fit_logistic(z, [extra], y, weights, 5, cov=True)
    stacked = fit_logit_batch(np.stack([np.column_stack([z, e]) for e in extra]), y,
                              weights=weights)
    np.testing.assert_allclose(shared.coef, stacked.coef, rtol=1e-8)
    np.testing.assert_allclose(shared.std_error, stacked.std_error, rtol=1e-8)
    for r in range(5):
        peer = sm.GLM(y, np.column_stack([z, extra[r]]), family=sm.families.Binomial(),
                      freq_weights=weights[r]).fit(tol=1e-12)
        np.testing.assert_allclose(shared.coef[r], peer.params, rtol=1e-8)


def test_one_separation_rule_on_every_path():
    """Complete separation on a covariate: separated and not converged whether fitted alone,
    as a refit on a shared design or in a batch of designs (the issue: the same data must
    not be "separated" in an estimate and "converged" in its refutation)."""
    z, y = simulated(300)
    y = (z[:, 1] > 0).astype(float)
    one = fit_logistic_one(z, y)
    shared = fit_logistic(z, [], np.stack([y, y]), None, 2)
    stacked = fit_logit_batch(np.stack([z, z]), y)
    for fit in (one, shared, stacked):
        assert fit.separated.all() and not fit.converged.any()


def test_collinear_columns_are_not_identified_on_every_path():
    z, y = simulated(300)
    z = np.column_stack([z, 2 * z[:, 1]])
    for fit in (fit_logistic_one(z, y), fit_logistic(z, [], y, None, 1),
                fit_logit_batch(z[None], y), fit_ols(z, [], y, None, 1)):
        assert np.isnan(fit.coef).all() and not fit.converged.any()


def test_linear_fit_matches_statsmodels_ols():
    z, _ = simulated(300)
    y = z @ np.array([1.0, 2.0, -1.0, 0.5]) + np.random.default_rng(1).normal(size=300)
    fit = fit_linear(z, y)
    peer = sm.OLS(y, z).fit()
    np.testing.assert_allclose(fit.coef[0], peer.params, rtol=1e-10)
    np.testing.assert_allclose(fit.std_error[0], peer.bse, rtol=1e-10)


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("design", ["plain", "cubic"])
def test_leave_one_fold_out_least_squares_match_the_single_fit_on_each_training_set(
        design, transposed):
    """SIMULATED. Each fit's fitted values equal the single fit's (``fit_linear``: SVD on the
    equilibrated design, itself checked against statsmodels above) on its training rows to
    1e-12 of their spread. The cubic in u ~ U(1, 2) has a unit-diagonal condition number of
    about 3e6, above REFINE_CONDITION, so it takes the refinement step; without that step
    the error here is 2e-12 to 1.4e-11 (measured), which this tolerance rejects. With
    ``zt`` the folds are gathered from the transposed design: the same test."""
    rng = np.random.default_rng(7)
    n = 4000
    x = rng.normal(size=(n, 3))
    if design == "cubic":
        u = rng.uniform(1, 2, n)
        x = np.column_stack([u, u ** 2, u ** 3, x])
    z = add_intercept(x)
    y = (x / np.abs(x).max(axis=0)) @ rng.normal(size=x.shape[1]) + rng.normal(size=n)
    fold = rng.integers(0, 5, n)
    fold[rng.random(n) < 0.3] = -1  # rows of no fit (the other arm)
    # the transposed design (as AIPW builds it for tall data): the same fits
    coef = fit_linear_folds(z, y, fold, 5, zt=np.ascontiguousarray(z.T) if transposed else None)
    for j in range(5):
        rows = (fold >= 0) & (fold != j)
        single = fit_linear(z[rows], y[rows]).fitted[0]
        assert np.max(np.abs(z[rows] @ coef[j] - single)) < 1e-12 * np.std(single)
    d = np.sqrt(np.diag(z.T @ z))
    assert (np.linalg.cond(z.T @ z / np.outer(d, d)) > REFINE_CONDITION) == (design == "cubic")


def test_leave_one_fold_out_least_squares_name_a_singular_training_set():
    z, _ = simulated(200)
    y = z[:, 1] + 1.0
    fold = np.repeat([0, 1, 2], [2, 99, 99])
    fold[:2] = 0
    z = np.column_stack([z, np.where(fold == 0, 1.0, 0.0)])  # constant 0 without fold 0
    coef = fit_linear_folds(z, y, fold, 3)
    assert np.isnan(coef[0]).all() and np.isfinite(coef[1:]).all()


def test_a_fit_started_near_another_folds_equals_the_fit_from_zero():
    """SIMULATED. Fold 2's training rows fitted from fold 1's estimate (chord steps on its
    information) give fit_logistic_one's coefficients to 1e-10 (both converge to about
    1e-12); a separated training set is redone from zero and so keeps its verdict."""
    z, y = simulated(3000, p=5)
    fold = np.arange(3000) % 5
    one, two = fold != 0, fold != 1
    near = fit_logistic_one(z[one], y[one])
    started = fit_logistic_near(z[two], y[two], near, int(one.sum()))
    alone = fit_logistic_one(z[two], y[two])
    assert started.converged[0] and started.cov is None
    np.testing.assert_allclose(started.coef, alone.coef, rtol=1e-10)
    np.testing.assert_allclose(started.fitted, alone.fitted, rtol=1e-10)
    split = (z[:, 1] > 0).astype(float)  # z[:, 1] separates this outcome completely
    redone = fit_logistic_near(z[two], split[two], near, int(one.sum()))
    assert redone.separated[0] and not redone.converged[0]
    np.testing.assert_array_equal(redone.coef, fit_logistic_one(z[two], split[two]).coef)


def test_design_builder_names_terms_once():
    frame = pd.DataFrame({"age": [30.0, 40, 50, 60, 35, 45, 55, 65],
                          "education": [3, 1, 2, 1, 2, 3, 3, 1],
                          "region": pd.Categorical(["s", "n", "n", "s", "s", "n", "s", "n"],
                                                   categories=["s", "n", "w"])})
    x, names = design_columns(frame, ["age", "education", "region"],
                              categorical=["education", "region"], squared=["age"])
    # sorted levels for plain columns (1 is the reference); a categorical's declared order,
    # levels present only ("w" is absent), for a categorical dtype ("s" is the reference)
    assert names == ("age", "age^2", "education[2]", "education[3]", "region[n]")
    np.testing.assert_array_equal(x[:4, 1], [900, 1600, 2500, 3600])
    np.testing.assert_array_equal(x[:4, 2:], [[0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 0, 0]])
    prep = prepare(frame.assign(t=[0, 1, 0, 1, 1, 0, 1, 0], y=[1.0, 2, 3, 5, 4, 2, 7, 1]),
                   treatment="t", outcome="y",
                   covariates=["age", "education"], categorical=["education"],
                   squared=["age"])
    assert prep.x_names == names[:4]


@pytest.mark.parametrize("n", [300, 3000])
def test_fitted_values_and_scores_of_a_single_fit(n):
    """The M-estimation scores: n (Z'VZ)^-1 z_i (y_i - mu_i) sum to zero at the MLE."""
    z, y = simulated(n)
    fit = fit_logistic_one(z, y)
    np.testing.assert_allclose(fit.fitted[0], 1 / (1 + np.exp(-z @ fit.coef[0])), rtol=1e-12)
    assert np.abs(fit.scores(z, y).sum(axis=0)).max() < 1e-6


# ---- Newton passes in row blocks (causal._glm.newton.row_blocks) ----

def _blocked_and_whole(monkeypatch, fit):
    """``fit()`` with the rows in blocks of 1,000 and in one pass (blocks off)."""
    import causal._glm.newton as newton_module

    monkeypatch.setattr(newton_module, "ROW_BLOCK", 1_000)
    blocked = fit()
    monkeypatch.setattr(newton_module, "ROW_BLOCK", 10**9)
    return blocked, fit()


def test_row_blocks_cover_tall_shared_designs_only(monkeypatch):
    import causal._glm.newton as newton_module
    from causal._glm.designs import SharedDesign, StackedDesign

    monkeypatch.setattr(newton_module, "ROW_BLOCK", 1_000)
    x = np.ones((2_500, 2))
    blocks = newton_module.row_blocks(SharedDesign(x))
    assert [(b.start, b.stop) for b in blocks] == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert newton_module.row_blocks(SharedDesign(x[:2_000])) is None  # at most two blocks
    assert newton_module.row_blocks(StackedDesign(np.ones((2, 2_500, 2)))) is None


@pytest.mark.parametrize("transposed_copy", [True, False])
def test_blocked_pass_matches_one_pass(monkeypatch, transposed_copy):
    """The blocks only reorder the sums over rows: every output agrees to rounding (1e-12
    relative), with weights, a per-replicate column, a per-replicate outcome, held
    information, the information and the fitted means; also for a design too large for its
    transposed copy (the blocks then read row slices)."""
    if not transposed_copy:
        import causal._glm.designs as designs_module

        monkeypatch.setattr(designs_module, "TRANSPOSED_BYTES", 1)
    rng = np.random.default_rng(11)
    n, r = 5_321, 3
    x1, _ = simulated(n, seed=12)  # intercept included
    t = (rng.random(n) < 1 / (1 + np.exp(-x1[:, 1]))).astype(float)
    y = (rng.random((r, n)) < 0.4).astype(float)
    z = rng.normal(size=(r, n))
    w = rng.poisson(1.0, size=(r, n)).astype(float)
    start = fit_logistic_one(x1, t).coef[0]
    fits = {
        "z, weights, cov": lambda: fit_logistic(x1, [z], t, w, r, start=np.zeros(x1.shape[1] + 1),
                                                cov=True),
        "outcomes": lambda: fit_logistic(x1, [t], y, None, r, cov=True),
        "held": lambda: fit_logistic(x1, [], t, w, r, start=start, held=True, cache={}),
        "one": lambda: fit_logistic_one(x1, t),
    }
    for name, fit in fits.items():
        blocked, whole = _blocked_and_whole(monkeypatch, fit)
        assert np.array_equal(blocked.converged, whole.converged), name
        assert blocked.converged.all(), name
        np.testing.assert_allclose(blocked.coef, whole.coef, rtol=1e-12, atol=1e-13,
                                   err_msg=name)
        for field in ("cov", "fitted"):
            a, b = getattr(blocked, field), getattr(whole, field)
            assert (a is None) == (b is None), (name, field)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-15, err_msg=name)


def test_blocked_pass_keeps_the_separation_and_identification_rules(monkeypatch):
    """A replicate separated in one block only, and one whose weights drop every treated
    row, get the same verdicts as in one pass."""
    rng = np.random.default_rng(5)
    n = 4_000
    x1 = add_intercept(rng.normal(size=(n, 2)))
    t = (rng.random(n) < 0.5).astype(float)
    y = (rng.random(n) < 0.3).astype(float)
    separable = (x1[:, 1] > 0).astype(float)  # separated by the first covariate
    w = np.ones((3, n))
    w[2, t == 1] = 0.0  # no treated row left: the t column is constant in the weighted data
    fit = lambda: fit_logistic(x1, [t], np.stack([y, separable, y]), w, 3, cov=True)  # noqa: E731
    blocked, whole = _blocked_and_whole(monkeypatch, fit)
    for a, b in ((blocked, whole),):
        assert np.array_equal(a.separated, b.separated)
        assert np.array_equal(a.converged, b.converged)
    assert blocked.converged[0] and blocked.separated[1] and not blocked.converged[2]
    np.testing.assert_allclose(blocked.coef[0], whole.coef[0], rtol=1e-12)


def test_separation_bound_skips_only_where_no_eta_can_reach_it():
    """``sum_j |b_j| max_i |x_ij|`` bounds every |eta|: below 36 the maxima are skipped; a
    larger bound, a NaN coefficient or scales that are not the design's own are checked."""
    from causal._glm.designs import SharedDesign
    from causal._glm.newton import SEPARATION_ETA, _bounded

    x = add_intercept(np.array([[-2.0], [0.5], [3.0]]))  # column maxima 1 and 3
    design = SharedDesign(x)
    assert _bounded(design, np.array([[5.0, 10.0]]))  # bound 35 <= 36
    assert not _bounded(design, np.array([[6.5, 10.0]]))  # bound 36.5
    assert not _bounded(design, np.array([[0.0, np.nan]]))
    assert not _bounded(SharedDesign(x, scales=np.ones(2)), np.array([[0.0, 1.0]]))
    eta = x @ np.array([5.0, 10.0])
    assert np.abs(eta).max() <= SEPARATION_ETA - 1  # what the bound promises
