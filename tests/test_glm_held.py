"""Replicate refits with held information (causal._glm.held) equal full Newton refits.

Reference: the same core with chord steps disabled (``newton(..., hold=False)``: a fresh
information matrix at every iterate, plain Newton-Raphson), and for one bootstrap replicate
statsmodels 0.15.0 ``sm.GLM(y, D, family=Binomial(), freq_weights=f).fit(tol=1e-12)``. Both
fits stop when their estimated remaining error is below ``tol * max(1, max_j |c_j|)`` in
equilibrated coefficients ``c_j = b_j max_i |x_ij|`` (tol = 1e-10 here), so two fits of one
replicate differ by at most about 2e-10 in those units; the assertions allow 1e-8, 50 times
that (error estimates are estimates), and far below the differences of any wrong information,
weight or column (order 1e-3 and up at n = 10^5). Data are SIMULATED.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from causal._glm import add_intercept, fit_logistic
from causal._glm.designs import SharedDesign, column_scales
from causal._glm.held import CHECK_ROWS
from causal._glm.newton import newton

TOL = 1e-10
AGREE = 1e-8  # equilibrated units, see the module docstring


def cohort(n: int = 100_000, p: int = 6, seed: int = 5):
    """SIMULATED: normal covariates, a binary treatment depending on them, logistic outcome."""
    rng = np.random.default_rng(seed)
    x = add_intercept(rng.normal(size=(n, p)))
    t = (rng.random(n) < 1 / (1 + np.exp(-0.5 * x[:, 1]))).astype(float)
    eta = x @ np.linspace(-0.5, 0.5, p + 1) + 0.7 * t
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return x, t, y, rng


def full_newton(x, z, y, weights, n_rep, start):
    return newton(SharedDesign(x, z), np.asarray(y, float), weights, n_rep, start=start,
                  tol=TOL, hold=False)


def assert_same(held, full, x, z):
    assert held.converged.all() and full.converged.all()
    scales = column_scales(np.column_stack([x, *[np.asarray(c).T[..., None].max(axis=1)
                                                 if np.ndim(c) == 2 else c for c in z]]))
    gap = np.abs(held.coef - full.coef) * scales
    assert gap.max() <= AGREE * max(1.0, float(np.abs(full.coef * scales).max()))


def original_start(x, t, y):
    fit = full_newton(x, [t], y, None, 1, None)
    return fit.coef[0]


class CountingDesign(SharedDesign):
    calls = 0

    def gram(self, w, n_rep):
        CountingDesign.calls += 1
        return super().gram(w, n_rep)


@pytest.fixture
def count_grams(monkeypatch):
    import causal._glm.logistic as logistic

    CountingDesign.calls = 0
    monkeypatch.setattr(logistic, "SharedDesign", CountingDesign)
    return CountingDesign


@pytest.mark.parametrize("kind", ["bootstrap", "subset", "permuted_outcome",
                                  "random_common_cause", "placebo"])
def test_held_refits_equal_full_newton_refits(kind, count_grams):
    x, t, y, rng = cohort()
    n, r = len(y), 6
    start = original_start(x, t, y)
    z, weights, yr = [t], None, y
    if kind == "bootstrap":
        weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(r)])
        weights = weights.astype(float)
    elif kind == "subset":
        weights = (rng.random((r, n)) < 0.8).astype(float)
    elif kind == "permuted_outcome":
        yr = np.stack([rng.permutation(y) for _ in range(r)])
        start = np.zeros_like(start)
        start[0] = np.log(y.mean() / (1 - y.mean()))
    elif kind == "random_common_cause":
        z = [t, rng.normal(size=(r, n))]
        start = np.append(start, 0.0)
    else:  # placebo: a permuted treatment, from the fit without treatment
        z = [np.stack([rng.permutation(t) for _ in range(r)])]
        start = np.append(full_newton(x, [], y, None, 1, None).coef[0], 0.0)
    held = fit_logistic(x, z, yr, weights, r, start=start, tol=TOL, held=True)
    assert count_grams.calls == 0  # every step was held: no information matrix was formed
    assert_same(held, full_newton(x, z, yr, weights, r, start), x, z)


def test_a_bootstrap_replicate_matches_statsmodels_freq_weights():
    x, t, y, rng = cohort()
    f = np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y)).astype(float)
    held = fit_logistic(x, [t], y, f[None], 1, start=original_start(x, t, y), tol=TOL,
                        held=True)
    design = np.column_stack([x, t])
    ref = sm.GLM(y, design, family=sm.families.Binomial(), freq_weights=f).fit(tol=1e-12)
    np.testing.assert_allclose(held.coef[0], ref.params, rtol=1e-8, atol=1e-10)


def test_poorly_contracting_held_information_falls_back_and_converges(count_grams):
    """Starting every replicate at zero with strong true effects: the held information (all
    fitted probabilities 1/2) is far from each replicate's own, the held steps do not shrink by
    half, the core forms the replicates' own information and reaches the full Newton fit."""
    rng = np.random.default_rng(11)
    n, r = 3000, 4
    x = add_intercept(rng.normal(size=(n, 6)))
    t = (rng.random(n) < 0.5).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ np.full(7, 1.2) + 2.0 * t)))).astype(float)
    weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(r)])
    weights = weights.astype(float)
    start = np.zeros(8)
    held = fit_logistic(x, [t], y, weights, r, start=start, tol=TOL, held=True)
    assert count_grams.calls > 0
    assert_same(held, full_newton(x, [t], y, weights, r, start), x, [t])


@pytest.mark.parametrize("n", [40, CHECK_ROWS + 904])
def test_a_weighted_replicate_without_treated_rows_stays_unidentified(n):
    """Weights that drop every treated row leave the treatment column zero: the information is
    singular, the core's rule gives NaN and not converged, held or not (below and above the
    number of rows the certificate checks)."""
    rng = np.random.default_rng(2)
    x = add_intercept(rng.normal(size=(n, 2)))
    t = np.zeros(n)
    t[:3] = 1.0
    y = (rng.random(n) < 0.4).astype(float)
    y[:3] = [1.0, 0.0, 1.0]  # no separation among the treated
    weights = np.ones((2, n))
    weights[1, :3] = 0.0
    start = np.zeros(4)
    start[0] = np.log(y.mean() / (1 - y.mean()))
    for held in (True, False):
        fit = fit_logistic(x, [t], y, weights, 2, start=start, tol=TOL, held=held)
        assert fit.converged[0] and not fit.converged[1]
        assert np.isnan(fit.coef[1]).all()
