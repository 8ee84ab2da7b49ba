"""The default nuisance models: the GLM core behind scikit-learn's ``fit`` / ``predict_proba``
/ ``predict`` API, so any scikit-learn model can replace them. Each fit adds an intercept."""

from __future__ import annotations

import numpy as np

from causal._glm.designs import expit
from causal._glm.logistic import fit_logistic_one
from causal._glm.ols import fit_linear


def add_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(x.shape[0]), x])


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
        self.fit_ = fit_logistic_one(add_intercept(x), np.asarray(y, dtype=float),
                                     max_iter=self.max_iter)
        coef = self.fit_.coef[0]
        self.coef_ = coef[1:][None, :]
        self.intercept_ = coef[:1]
        self.classes_ = np.array([0.0, 1.0])
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = expit(add_intercept(np.asarray(x, dtype=float)) @ self.fit_.coef[0])
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
        coef = self.fit_.coef[0]
        self.coef_ = coef[1:]
        self.intercept_ = float(coef[0])
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return add_intercept(np.asarray(x, dtype=float)) @ self.fit_.coef[0]

    def __repr__(self) -> str:
        return "LinearModel()"


def clone_model(model: object) -> object:
    """A fresh unfitted copy (scikit-learn's ``clone`` for its estimators)."""
    if isinstance(model, LogisticModel | LinearModel):
        return type(model)(**model.get_params())
    from sklearn.base import clone

    return clone(model)
