"""What an estimator's ``_fit`` hook returns, and the warning recorder it is given.

Kept apart from :mod:`causal.estimate._base` so that the refit loop
(:mod:`causal.estimate._refit`), which the base class calls, can use them without importing
the base class back.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class PotentialOutcomeFit:
    """``mu = (mu1, mu0)`` and influence values ``phi`` (n x 2) with ``mu_hat - mu ~ mean(phi)``."""

    mu: np.ndarray
    phi: np.ndarray
    diagnostics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    odds_ratio_kind: str = "marginal"
    n: int | None = None  # units the estimate describes, if not all analysed rows


@dataclass
class CoefficientFit:
    """A single coefficient on the linear scale (log OR or MD), its SE and influence values."""

    value: float
    std_error: float
    phi: np.ndarray
    diagnostics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the model's parameters (for the CR1 factor (n-1)/(n-p), :mod:`causal.estimate._clusters`)
    n_params: int = 0


class Recorder:
    """Collects warnings so they are both issued and stored on the result."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.issued: list[tuple[type[Warning], str]] = []

    def warn(self, category: type[Warning], message: str) -> None:
        self.messages.append(f"{category.__name__}: {message}")
        self.issued.append((category, message))
        warnings.warn(message, category, stacklevel=4)


def _linear(measure: str, mu: np.ndarray) -> np.ndarray:
    """Measure on its linear scale, vectorised over rows of ``mu`` (..., 2)."""
    mu1, mu0 = mu[..., 0], mu[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure in ("rd", "md"):
            return mu1 - mu0
        if measure == "rr":
            return np.log(mu1 / mu0)
        return np.log(mu1 / (1 - mu1)) - np.log(mu0 / (1 - mu0))


def _gradient(measure: str, mu: np.ndarray) -> np.ndarray:
    mu1, mu0 = mu
    if measure in ("rd", "md"):
        return np.array([1.0, -1.0])
    if measure == "rr":
        return np.array([1 / mu1, -1 / mu0])
    return np.array([1 / (mu1 * (1 - mu1)), -1 / (mu0 * (1 - mu0))])
