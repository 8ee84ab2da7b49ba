"""Influence-function standard errors against a naive reference: the M-estimation sandwich
``A^{-1} B A^{-T} / n`` of the stacked estimating equations, with ``A`` from a central
finite-difference Jacobian (Stefanski & Boos 2002). Finite differences with step 1e-6 are
accurate to about 1e-8 relative here, so the SEs must agree to 1e-6 relative."""

from __future__ import annotations

import numpy as np
import pytest

from causal.estimate import IPW, GComputation
from tests._estimate_sim import simulate

COVS = ["x1", "x2", "x3"]


def _expit(v):
    return 1 / (1 + np.exp(-v))


def _sandwich_se(psi, theta_hat, contrast):
    """SE of ``contrast @ theta`` for estimating functions ``psi(theta) -> (n, k)``."""
    n = psi(theta_hat).shape[0]
    k = len(theta_hat)
    jac = np.empty((k, k))
    for j in range(k):
        h = 1e-6 * max(1.0, abs(theta_hat[j]))
        up, down = theta_hat.copy(), theta_hat.copy()
        up[j] += h
        down[j] -= h
        jac[:, j] = (psi(up).mean(0) - psi(down).mean(0)) / (2 * h)
    values = psi(theta_hat)
    meat = values.T @ values / n
    a_inv = np.linalg.inv(jac)
    cov = a_inv @ meat @ a_inv.T / n
    return float(np.sqrt(contrast @ cov @ contrast))


def _solve(psi, start):
    """Newton on the stacked equations from a start (finite-difference Jacobian)."""
    theta = start.copy()
    for _ in range(50):
        value = psi(theta).mean(0)
        jac = np.empty((len(theta), len(theta)))
        for j in range(len(theta)):
            step = np.zeros(len(theta))
            step[j] = 1e-7
            jac[:, j] = (psi(theta + step).mean(0) - value) / 1e-7
        delta = np.linalg.solve(jac, -value)
        theta = theta + delta
        if np.max(np.abs(delta)) < 1e-12:
            break
    return theta


@pytest.mark.parametrize("estimand", ["ate", "att"])
@pytest.mark.parametrize("outcome", ["continuous", "binary"])
def test_ipw_sandwich(estimand, outcome):
    df = simulate(1500, seed=51, outcome=outcome)
    x = np.column_stack([np.ones(len(df)), df[COVS].to_numpy()])
    a, y = df["a"].to_numpy(float), df["y"].to_numpy(float)
    p = x.shape[1]

    def psi(theta):
        beta, mu1, mu0 = theta[:p], theta[p], theta[p + 1]
        e = _expit(x @ beta)
        w1 = a / e if estimand == "ate" else a
        w0 = (1 - a) / (1 - e) if estimand == "ate" else (1 - a) * e / (1 - e)
        return np.column_stack([x * (a - e)[:, None], w1 * (y - mu1), w0 * (y - mu0)])

    theta = _solve(psi, np.r_[np.zeros(p), y.mean(), y.mean()])
    contrast = np.r_[np.zeros(p), 1.0, -1.0]
    result = IPW(estimand=estimand, measure="rd" if outcome == "binary" else "md").estimate(
        df, treatment="a", outcome="y", covariates=COVS)
    assert result.estimate == pytest.approx(theta[p] - theta[p + 1], rel=1e-8)
    assert result.std_error == pytest.approx(_sandwich_se(psi, theta, contrast), rel=1e-6)


@pytest.mark.parametrize("estimand", ["ate", "att"])
@pytest.mark.parametrize("outcome", ["continuous", "binary"])
def test_gcomputation_sandwich(estimand, outcome):
    df = simulate(1500, seed=52, outcome=outcome)
    n = len(df)
    a, y = df["a"].to_numpy(float), df["y"].to_numpy(float)
    cov = df[COVS].to_numpy()
    # interaction of the treatment with x1, to exercise the interaction terms
    z = lambda t: np.column_stack([np.ones(n), t, cov, t * cov[:, 0]])  # noqa: E731
    link = _expit if outcome == "binary" else (lambda v: v)
    p = z(a).shape[1]
    w = np.ones(n) if estimand == "ate" else a

    def psi(theta):
        beta, mu1, mu0 = theta[:p], theta[p], theta[p + 1]
        m = link(z(a) @ beta)
        m1, m0 = link(z(np.ones(n)) @ beta), link(z(np.zeros(n)) @ beta)
        return np.column_stack([z(a) * (y - m)[:, None], w * (m1 - mu1), w * (m0 - mu0)])

    theta = _solve(psi, np.r_[np.zeros(p), y.mean(), y.mean()])
    contrast = np.r_[np.zeros(p), 1.0, -1.0]
    result = GComputation(estimand=estimand, interactions=["x1"],
                          measure="rd" if outcome == "binary" else "md").estimate(
        df, treatment="a", outcome="y", covariates=COVS)
    assert result.estimate == pytest.approx(theta[p] - theta[p + 1], rel=1e-8)
    assert result.std_error == pytest.approx(_sandwich_se(psi, theta, contrast), rel=1e-6)
    # the marginal log OR by the delta method from the same sandwich
    if outcome == "binary":
        m1, m0 = theta[p], theta[p + 1]
        grad = np.r_[np.zeros(p), 1 / (m1 * (1 - m1)), -1 / (m0 * (1 - m0))]
        odds = GComputation(estimand=estimand, interactions=["x1"], measure="or").estimate(
            df, treatment="a", outcome="y", covariates=COVS)
        assert odds.std_error == pytest.approx(_sandwich_se(psi, theta, grad), rel=1e-6)
        assert odds.odds_ratio_kind == "marginal"
