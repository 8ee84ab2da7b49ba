"""Small, fast generalised linear models: unpenalised logistic (Newton-Raphson) and least squares.

They serve as the default nuisance models (same ``fit`` / ``predict_proba`` / ``predict`` API as
scikit-learn, so any scikit-learn model can replace them) and as the fits behind the outcome
regression, g-computation and IPW estimators, which need the coefficients and the "bread"
``(Z'VZ / n)^{-1}`` for influence functions. Each fit adds an intercept column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: above this many rows, Newton starts from a fit on about _WARM_START_SUB rows
_WARM_START_N = 200_000
_WARM_START_SUB = 50_000
#: fitted probabilities this close to 0 or 1 indicate (quasi-)separation
SEPARATION_EPS = 1e-8


def add_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(x.shape[0]), x])


def expit(eta: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * eta))  # overflow-free logistic


@dataclass(frozen=True)
class GLMFit:
    """A fitted GLM on design ``z`` (intercept included)."""

    coef: np.ndarray
    fitted: np.ndarray  # mean of the outcome
    bread: np.ndarray  # (Z'VZ/n)^{-1}, V the GLM variance (1 for least squares)
    converged: bool
    separated: bool
    family: str  # "binomial" or "gaussian"

    def scores(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-unit influence values of the coefficients, ``bread @ z_i (y_i - mu_i)``."""
        return ((y - self.fitted)[:, None] * z) @ self.bread


def _column_scales(z: np.ndarray) -> np.ndarray:
    """Largest absolute value of each column (1 for all-zero columns).

    Fits run on ``z / scales`` and are mapped back (``beta = beta_s / d``, ``bread =
    bread_s / (d d')``): equilibrating the columns keeps designs with e.g. squared earnings
    (condition number ~1e10 unscaled) well conditioned, which the normal equations and Newton's
    Hessian need (their condition number is the square of the design's).
    """
    scales = np.max(np.abs(z), axis=0)
    return np.where(scales > 0, scales, 1.0)


def _unscale(fit: GLMFit, scales: np.ndarray) -> GLMFit:
    return GLMFit(fit.coef / scales, fit.fitted, fit.bread / np.outer(scales, scales),
                  fit.converged, fit.separated, fit.family)


def fit_logistic(z: np.ndarray, y: np.ndarray, *, max_iter: int = 100,
                 tol: float = 1e-8) -> GLMFit:
    """Logistic regression by :func:`_fit_logistic_scaled` on equilibrated columns."""
    scales = _column_scales(z)
    return _unscale(_fit_logistic_scaled(z / scales, y, max_iter=max_iter, tol=tol), scales)


def _fit_logistic_scaled(z: np.ndarray, y: np.ndarray, *, max_iter: int = 100,
                         tol: float = 1e-8) -> GLMFit:
    """Maximum likelihood logistic regression by Newton-Raphson (= IRLS, canonical link).

    Stops when the largest Newton step is below ``tol * (1 + max|beta|)``; Newton converges
    quadratically, so the remaining error is then of order ``tol^2``. Above
    ``_WARM_START_N`` rows it first fits every k-th row (about ``_WARM_START_SUB`` rows) and
    iterates on the full data from there with that fit's Hessian (each step then costs one
    pass for the gradient, and contracts the error by a factor of order 1/sqrt(subsample));
    the final Hessian (for the standard errors) is always the full-data one.

    ``separated`` is True when the iterations fail to converge or some fitted probability is
    within 1e-8 of 0 or 1 (the MLE is then infinite or nearly so; Albert & Anderson 1984).
    """
    n, p = z.shape
    beta = np.zeros(p)
    fixed_hess = None
    if n > _WARM_START_N:
        rows = slice(None, None, n // _WARM_START_SUB)
        warm = _fit_logistic_scaled(z[rows], y[rows], max_iter=max_iter, tol=tol)
        if warm.converged and not warm.separated:
            beta, fixed_hess = warm.coef.copy(), np.linalg.pinv(warm.bread)
    converged = False
    for iteration in range(max_iter):
        mu = expit(z @ beta)
        if fixed_hess is None or iteration >= 20:  # fall back to full Newton if slow
            hess = (z * (mu * (1 - mu))[:, None]).T @ z / n
        else:
            hess = fixed_hess
        grad = z.T @ (y - mu) / n
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
        if np.max(np.abs(beta)) > 50:  # diverging: (quasi-)complete separation
            break
    mu = expit(z @ beta)
    hess = (z * (mu * (1 - mu))[:, None]).T @ z / n
    bread = np.linalg.pinv(hess)
    separated = (not converged) or bool(np.any((mu < SEPARATION_EPS) | (mu > 1 - SEPARATION_EPS)))
    return GLMFit(beta, mu, bread, converged, separated, "binomial")


def fit_linear(z: np.ndarray, y: np.ndarray) -> GLMFit:
    """Ordinary least squares on equilibrated columns, solved by SVD on the design itself
    (not the normal equations, whose condition number is the square of the design's)."""
    n = z.shape[0]
    scales = _column_scales(z)
    zs = z / scales
    beta = np.linalg.lstsq(zs, y, rcond=None)[0]
    fit = GLMFit(beta, zs @ beta, np.linalg.pinv(zs.T @ zs / n), True, False, "gaussian")
    return _unscale(fit, scales)


class LogisticModel:
    """Unpenalised logistic regression with the scikit-learn classifier API (the default
    propensity model, and outcome model for a binary outcome)."""

    def __init__(self, *, max_iter: int = 100) -> None:
        self.max_iter = max_iter

    def get_params(self, deep: bool = True) -> dict:
        return {"max_iter": self.max_iter}

    def set_params(self, **params: object) -> LogisticModel:
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, x: np.ndarray, y: np.ndarray) -> LogisticModel:
        x = np.asarray(x, dtype=float)
        self.fit_ = fit_logistic(add_intercept(x), np.asarray(y, dtype=float),
                                 max_iter=self.max_iter)
        self.coef_ = self.fit_.coef[1:][None, :]
        self.intercept_ = self.fit_.coef[:1]
        self.classes_ = np.array([0.0, 1.0])
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = expit(add_intercept(np.asarray(x, dtype=float)) @ self.fit_.coef)
        return np.column_stack([1 - p, p])

    def __repr__(self) -> str:
        return "LogisticModel()"


class LinearModel:
    """Ordinary least squares with the scikit-learn regressor API (default outcome model for a
    continuous outcome)."""

    def get_params(self, deep: bool = True) -> dict:
        return {}

    def set_params(self, **params: object) -> LinearModel:
        return self

    def fit(self, x: np.ndarray, y: np.ndarray) -> LinearModel:
        self.fit_ = fit_linear(add_intercept(np.asarray(x, dtype=float)),
                               np.asarray(y, dtype=float))
        self.coef_ = self.fit_.coef[1:]
        self.intercept_ = float(self.fit_.coef[0])
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return add_intercept(np.asarray(x, dtype=float)) @ self.fit_.coef

    def __repr__(self) -> str:
        return "LinearModel()"


def clone_model(model: object) -> object:
    """A fresh unfitted copy (scikit-learn's ``clone`` for its estimators)."""
    if isinstance(model, LogisticModel | LinearModel):
        return type(model)(**model.get_params())
    from sklearn.base import clone

    return clone(model)
