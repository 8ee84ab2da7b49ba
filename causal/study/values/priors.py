"""Prior distributions for bias parameters in probabilistic bias analysis.

Each :class:`Prior` is a frozen value with a vectorised ``sample(rng, size)`` and its
``support``; :func:`check_support` rejects a prior whose support leaves a parameter's range
(e.g. a log-normal prior on a prevalence).

Parametrisations (as in Lash, Fox & MacLehose 2021 and episensr):

* ``constant(value)``
* ``uniform(low, high)``
* ``triangular(low, mode, high)``
* ``trapezoidal(low, mode_low, mode_high, high)``
* ``beta(a, b)``
* ``lognormal(meanlog, sdlog)``: ``exp(Normal(meanlog, sdlog))``
* ``logitnormal(mean, sd)``: ``expit(Normal(mean, sd))`` (mean and sd on the logit scale)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from causal._validation import check_finite
from causal.errors import ParameterError

PriorKind = Literal["constant", "uniform", "triangular", "trapezoidal", "beta", "lognormal",
                    "logitnormal"]
_N_PARAMS = {"constant": 1, "uniform": 2, "triangular": 3, "trapezoidal": 4, "beta": 2,
             "lognormal": 2, "logitnormal": 2}


@dataclass(frozen=True)
class Prior:
    """A prior distribution for one bias parameter (see the module docstring)."""

    kind: PriorKind
    params: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.kind not in _N_PARAMS:
            options = ", ".join(repr(k) for k in _N_PARAMS)
            raise ParameterError(f"`kind` must be one of {options}; got {self.kind!r}.")
        params = tuple(check_finite(p, f"{self.kind} prior parameter") for p in self.params)
        if len(params) != _N_PARAMS[self.kind]:
            raise ParameterError(f"a {self.kind} prior takes {_N_PARAMS[self.kind]} "
                                 f"parameter(s); got {len(params)}.")
        object.__setattr__(self, "params", params)
        if self.kind in ("uniform", "triangular", "trapezoidal"):
            if list(params) != sorted(params) or params[0] == params[-1]:
                raise ParameterError(f"a {self.kind} prior needs increasing parameters "
                                     f"(low < ... < high); got {params}.")
        if self.kind == "beta" and min(params) <= 0:
            raise ParameterError(f"a beta prior needs a > 0 and b > 0; got {params}.")
        if self.kind in ("lognormal", "logitnormal") and params[1] < 0:
            raise ParameterError(f"a {self.kind} prior needs sd >= 0; got {params[1]:g}.")

    @property
    def support(self) -> tuple[float, float]:
        """Closed hull of the values the prior can produce."""
        p = self.params
        if self.kind == "constant":
            return p[0], p[0]
        if self.kind in ("uniform", "triangular", "trapezoidal"):
            return p[0], p[-1]
        if self.kind in ("beta", "logitnormal"):
            return 0.0, 1.0
        return 0.0, math.inf  # lognormal

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws (vectorised)."""
        p = self.params
        if self.kind == "constant":
            return np.full(size, p[0])
        if self.kind == "uniform":
            return rng.uniform(p[0], p[1], size)
        if self.kind == "triangular":
            return rng.triangular(p[0], p[1], p[2], size)
        if self.kind == "trapezoidal":
            return _trapezoidal_ppf(rng.uniform(size=size), *p)
        if self.kind == "beta":
            return rng.beta(p[0], p[1], size)
        if self.kind == "lognormal":
            return rng.lognormal(p[0], p[1], size)
        return 1 / (1 + np.exp(-rng.normal(p[0], p[1], size)))

    def describe(self) -> str:
        return f"{self.kind}({', '.join(f'{v:g}' for v in self.params)})"


def _trapezoidal_ppf(u: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    """Inverse CDF of the trapezoidal distribution on [a, d] with flat top [b, c].

    Density height ``h = 2 / (d + c - b - a)``; CDF ``h (x-a)^2 / (2 (b-a))`` on [a, b],
    ``h ((b-a)/2 + x - b)`` on [b, c], ``1 - h (d-x)^2 / (2 (d-c))`` on [c, d].
    """
    h = 2 / (d + c - b - a)
    u_b = h * (b - a) / 2
    u_c = u_b + h * (c - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        left = a + np.sqrt(2 * (b - a) * u / h)
        middle = b + (u - u_b) / h
        right = d - np.sqrt(2 * (d - c) * (1 - u) / h)
    return np.where(u < u_b, left, np.where(u <= u_c, middle, right))


def constant(value: float) -> Prior:
    return Prior("constant", (value,))


def uniform(low: float, high: float) -> Prior:
    return Prior("uniform", (low, high))


def triangular(low: float, mode: float, high: float) -> Prior:
    return Prior("triangular", (low, mode, high))


def trapezoidal(low: float, mode_low: float, mode_high: float, high: float) -> Prior:
    return Prior("trapezoidal", (low, mode_low, mode_high, high))


def beta(a: float, b: float) -> Prior:
    return Prior("beta", (a, b))


def lognormal(meanlog: float, sdlog: float) -> Prior:
    return Prior("lognormal", (meanlog, sdlog))


def logitnormal(mean: float, sd: float) -> Prior:
    return Prior("logitnormal", (mean, sd))


def as_prior(value: Prior | float, name: str) -> Prior:
    """A Prior as given, or a number as a constant prior."""
    if isinstance(value, Prior):
        return value
    return constant(check_finite(value, name))


def check_support(prior: Prior, name: str, low: float, high: float, *, open_low: bool = False
                  ) -> Prior:
    """Raise if the prior can produce values outside ``[low, high]`` (``(low, high]``)."""
    s_low, s_high = prior.support
    bad_low = s_low < low or (open_low and s_low <= low and prior.kind in
                               ("constant", "uniform", "triangular", "trapezoidal"))
    if bad_low or s_high > high:
        bracket = "(" if open_low else "["
        raise ParameterError(
            f"the prior for `{name}` must stay within {bracket}{low:g}, {high:g}]; got "
            f"{prior.describe()} with support [{s_low:g}, {s_high:g}].")
    return prior
