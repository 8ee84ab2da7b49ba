"""Batched logistic and least-squares fits against statsmodels, one replicate at a time.

Tolerance 1e-6 for logistic fits: both sides maximise the same likelihood with Newton's method
from the same start; statsmodels stops when a step is below its default 1e-8 and Newton's
quadratic convergence leaves an error far below that, so 1e-6 only absorbs statsmodels'
stopping rule (observed differences are about 1e-12). Least squares is a closed form: 1e-8.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from causal._glm import fit_logit_batch, fit_ols_batch
from causal.errors import ParameterError


def simulated_designs(n_rep: int = 6, n: int = 302, seed: int = 11) -> tuple[np.ndarray, ...]:
    """Simulated Thew-sized cohorts: intercept, binary treatment, binary and normal covariates."""
    rng = np.random.default_rng(seed)
    severity = rng.normal(size=(n_rep, n))
    age = rng.normal(size=(n_rep, n))
    long_term = (rng.uniform(size=(n_rep, n)) < 0.4).astype(float)
    treated = (rng.uniform(size=(n_rep, n)) < 1 / (1 + np.exp(1.3 - 0.5 * severity))).astype(float)
    X = np.stack([np.ones((n_rep, n)), treated, severity, age, long_term], axis=2)
    eta = X @ np.array([-1.0, 0.9, -0.6, 0.1, -0.3])
    y = (rng.uniform(size=(n_rep, n)) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


def test_logit_matches_statsmodels_per_replicate():
    X, y = simulated_designs()
    fit = fit_logit_batch(X, y)
    assert fit.converged.all() and not fit.separated.any()
    for r in range(X.shape[0]):
        peer = sm.Logit(y[r], X[r]).fit(disp=0)
        np.testing.assert_allclose(fit.coef[r], peer.params, rtol=0, atol=1e-6)
        np.testing.assert_allclose(fit.std_error[r], peer.bse, rtol=0, atol=1e-6)
        assert fit.loglik[r] == pytest.approx(peer.llf, abs=1e-6)
        lower, upper = fit.wald_ci(0.05)
        np.testing.assert_allclose(np.column_stack([lower[r], upper[r]]), peer.conf_int(0.05),
                                   rtol=0, atol=1e-6)
        np.testing.assert_allclose(fit.wald_p_value()[r], peer.pvalues, rtol=1e-5, atol=1e-12)
    assert np.all((fit.n_iter >= 3) & (fit.n_iter <= 10))


def test_shared_design_and_shared_outcome():
    X, y = simulated_designs(n_rep=4)
    shared_x = fit_logit_batch(X[0], y)
    shared_y = fit_logit_batch(X, y[0])
    for r in range(4):
        np.testing.assert_allclose(shared_x.coef[r], sm.Logit(y[r], X[0]).fit(disp=0).params,
                                   atol=1e-6, rtol=0)
        np.testing.assert_allclose(shared_y.coef[r], sm.Logit(y[0], X[r]).fit(disp=0).params,
                                   atol=1e-6, rtol=0)
    single = fit_logit_batch(X[0], y[1])
    assert single.coef.shape == (1, 5)
    np.testing.assert_allclose(single.coef[0], shared_x.coef[1], rtol=0, atol=1e-12)


def test_chunking_does_not_change_results():
    X, y = simulated_designs(n_rep=7)
    whole = fit_logit_batch(X, y)
    chunked = fit_logit_batch(X, y, chunk_size=3)
    np.testing.assert_allclose(chunked.coef, whole.coef, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(chunked.n_iter, whole.n_iter)


def test_separation_is_flagged_not_raised():
    X, y = simulated_designs(n_rep=4)
    y = y.copy()
    y[1] = (X[1, :, 2] > 0).astype(float)  # complete separation on severity
    y[2] = np.where(X[2, :, 1] == 1, 1.0, y[2])  # quasi-complete: every treated recovers
    fit = fit_logit_batch(X, y)
    np.testing.assert_array_equal(fit.separated, [False, True, True, False])
    np.testing.assert_array_equal(fit.converged, [True, False, False, True])
    # The other replicates are fitted exactly as on their own.
    alone = fit_logit_batch(X[[0, 3]], y[[0, 3]])
    np.testing.assert_allclose(fit.coef[[0, 3]], alone.coef, rtol=0, atol=1e-12)


def test_too_few_iterations_is_not_converged():
    X, y = simulated_designs(n_rep=2)
    fit = fit_logit_batch(X, y, max_iter=1)
    assert not fit.converged.any() and not fit.separated.any()
    np.testing.assert_array_equal(fit.n_iter, [1, 1])


def test_collinear_design_gives_nan_standard_errors():
    X, y = simulated_designs(n_rep=2)
    X = np.concatenate([X, X[:, :, 2:3] * 2], axis=2)
    fit = fit_logit_batch(X, y)
    assert np.isnan(fit.std_error).all() and not fit.converged.any()


def test_inputs_are_not_modified():
    X, y = simulated_designs(n_rep=2)
    X0, y0 = X.copy(), y.copy()
    fit_logit_batch(X, y)
    fit_ols_batch(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_ols_matches_statsmodels():
    X, _ = simulated_designs(n_rep=3)
    rng = np.random.default_rng(5)
    y = X @ np.array([1.0, 2.0, -0.5, 0.3, 0.0]) + rng.normal(size=X.shape[:2])
    fit = fit_ols_batch(X, y)
    for r in range(3):
        peer = sm.OLS(y[r], X[r]).fit()
        np.testing.assert_allclose(fit.coef[r], peer.params, rtol=0, atol=1e-8)
        np.testing.assert_allclose(fit.std_error[r], peer.bse, rtol=0, atol=1e-8)
        assert fit.loglik[r] == pytest.approx(peer.llf, abs=1e-8)


@pytest.mark.parametrize(("X", "y", "message"), [
    (np.ones(5), np.ones(5), r"`X` must have shape \(n, p\) or \(R, n, p\)"),
    (np.ones((3, 5, 2)), np.ones((3, 4)), "one outcome per row of `X` \\(5 rows\\)"),
    (np.ones((3, 5, 2)), np.ones((2, 5)), "same number of replicates R"),
    (np.ones((2, 2)), np.ones(2), "more rows than columns"),
    (np.ones((5, 2)), np.array([0, 1, 2, 0, 1]), "only 0 and 1.*2"),
    (np.ones((5, 2)), np.array([0, 1, np.nan, 0, 1]), "must be finite"),
    (np.ones((5, 2)), np.ones((2, 2, 5)), r"`y` must have shape \(n,\) or \(R, n\)"),
])
def test_bad_shapes_and_values(X, y, message):
    with pytest.raises(ParameterError, match=message):
        fit_logit_batch(X, y)


def test_bad_options():
    X, y = simulated_designs(n_rep=1)
    with pytest.raises(ParameterError, match="`chunk_size` must be a positive integer"):
        fit_logit_batch(X, y, chunk_size=0)
    with pytest.raises(ParameterError, match="`max_iter` must be a positive integer"):
        fit_logit_batch(X, y, max_iter=0)
    with pytest.raises(ParameterError, match="`tol` must be a number in"):
        fit_logit_batch(X, y, tol=2.0)


def test_frequency_weights_match_statsmodels_glm_and_expanded_rows():
    """Bootstrap-style counts on a shared design: statsmodels GLM(freq_weights) and Logit on
    the rows repeated by their counts maximise the same likelihood (tolerance as above)."""
    X, y = simulated_designs(n_rep=1)
    rng = np.random.default_rng(8)
    counts = rng.multinomial(X.shape[1], np.full(X.shape[1], 1 / X.shape[1]), size=3)
    fit = fit_logit_batch(X[0], y[0], weights=counts)
    assert fit.coef.shape == (3, 5) and fit.converged.all()
    for r in range(3):
        glm = sm.GLM(y[0], X[0], family=sm.families.Binomial(), freq_weights=counts[r]).fit()
        np.testing.assert_allclose(fit.coef[r], glm.params, rtol=0, atol=1e-6)
        np.testing.assert_allclose(fit.std_error[r], glm.bse, rtol=0, atol=1e-6)
        rows = np.repeat(np.arange(X.shape[1]), counts[r])
        expanded = sm.Logit(y[0][rows], X[0][rows]).fit(disp=0)
        np.testing.assert_allclose(fit.coef[r], expanded.params, rtol=0, atol=1e-6)
        assert fit.loglik[r] == pytest.approx(expanded.llf, abs=1e-6)


def test_zero_weights_drop_observations():
    X, y = simulated_designs(n_rep=2)
    weights = np.ones(X.shape[1])
    weights[:40] = 0
    y = y.copy()
    y[:, :40] = 1 - y[:, :40]  # would change the fit if the zero-weight rows counted
    fit = fit_logit_batch(X, y, weights=weights)
    dropped = fit_logit_batch(X[:, 40:], y[:, 40:])
    np.testing.assert_allclose(fit.coef, dropped.coef, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.std_error, dropped.std_error, rtol=0, atol=1e-10)


def test_bad_weights():
    X, y = simulated_designs(n_rep=2)
    with pytest.raises(ParameterError, match="`weights` must have shape"):
        fit_logit_batch(X, y, weights=np.ones(5))
    with pytest.raises(ParameterError, match="`weights` must have shape"):
        fit_logit_batch(X, y, weights=np.ones((3, X.shape[1])))
    with pytest.raises(ParameterError, match="`weights` must be finite and >= 0"):
        fit_logit_batch(X, y, weights=-np.ones(X.shape[1]))


def test_batch_of_one_is_shared():
    X, y = simulated_designs(n_rep=3)
    reference = fit_logit_batch(X[0], y)
    np.testing.assert_array_equal(fit_logit_batch(X[:1], y).coef, reference.coef)
    counts = np.random.default_rng(2).poisson(1.0, size=(3, X.shape[1]))
    weighted = fit_logit_batch(X[:1], y[0], weights=counts)
    assert weighted.coef.shape == (3, 5)
    np.testing.assert_allclose(weighted.coef[1],
                               fit_logit_batch(X[0], y[0], weights=counts[1]).coef[0],
                               rtol=0, atol=1e-12)
