"""Boundary checks shared by the whole package.

Each check raises a :class:`~causal.errors.ParameterError` whose message names the parameter,
the constraint, the value received and, where useful, the fix, e.g.
"`alpha` must be in (0, 1); got 1.5."
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from causal.errors import ParameterError


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if not isinstance(value, (int, np.integer)) else str(value)


def check_finite(value: Any, name: str) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"`{name}` must be a finite number; got {_fmt(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise ParameterError(f"`{name}` must be a finite number; got {_fmt(value)}.")
    return value


def check_positive(value: Any, name: str, *, what: str = "a ratio") -> float:
    """A strictly positive finite number (ratios, standard errors)."""
    value = check_finite(value, name)
    if value <= 0:
        raise ParameterError(f"`{name}` must be > 0 ({what}); got {_fmt(value)}.")
    return value


def check_nonnegative(value: Any, name: str) -> float:
    value = check_finite(value, name)
    if value < 0:
        raise ParameterError(f"`{name}` must be >= 0; got {_fmt(value)}.")
    return value


def check_alpha(alpha: Any, name: str = "alpha") -> float:
    value = check_finite(alpha, name)
    if not 0 < value < 1:
        raise ParameterError(f"`{name}` must be in (0, 1); got {_fmt(value)}.")
    if value < 1e-15:
        # 1 - alpha/2 rounds to 1 in double precision: no finite critical value exists
        raise ParameterError(f"`{name}` must be at least 1e-15 (a smaller level has no "
                             f"finite normal critical value in double precision); got "
                             f"{_fmt(value)}.")
    return value


def check_probability(value: Any, name: str, *, open_interval: bool = False) -> float:
    value = check_finite(value, name)
    if open_interval and not 0 < value < 1:
        raise ParameterError(f"`{name}` must be a proportion in (0, 1); got {_fmt(value)}.")
    if not 0 <= value <= 1:
        raise ParameterError(f"`{name}` must be a proportion in [0, 1]; got {_fmt(value)}.")
    return value


def check_count(value: Any, name: str) -> int:
    """A non-negative integer (floats equal to an integer are accepted)."""
    if isinstance(value, bool):
        raise ParameterError(f"`{name}` must be a non-negative integer count; got {value!r}.")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if not isinstance(value, (int, np.integer)):
        raise ParameterError(f"`{name}` must be a non-negative integer count; got {_fmt(value)}.")
    if value < 0:
        raise ParameterError(f"`{name}` must be a non-negative integer count; got {value}.")
    return int(value)


def check_events(events: Any, total: Any, events_name: str, total_name: str) -> tuple[int, int]:
    events = check_count(events, events_name)
    total = check_count(total, total_name)
    if total == 0:
        raise ParameterError(f"`{total_name}` must be a positive count; got 0.")
    if events > total:
        raise ParameterError(
            f"`{events_name}` must not exceed `{total_name}`; got {events} events out of {total}."
        )
    return events, total


def check_interval(ci: Any, name: str = "ci") -> tuple[float, float]:
    """A pair (lower, upper) of finite numbers with lower <= upper."""
    if isinstance(ci, (str, bytes)) or not isinstance(ci, Sequence | np.ndarray) or len(ci) != 2:
        raise ParameterError(f"`{name}` must be a pair (lower, upper); got {_fmt(ci)}.")
    lower = check_finite(ci[0], f"{name}[0] (lower limit)")
    upper = check_finite(ci[1], f"{name}[1] (upper limit)")
    if lower > upper:
        raise ParameterError(
            f"`{name}` lower limit must not exceed the upper limit; got ({lower:g}, {upper:g})."
        )
    return lower, upper


def check_ci_contains(estimate: float, ci: tuple[float, float], name: str = "ci") -> None:
    lower, upper = ci
    # A printed CI and estimate are rounded; allow a relative slack of 1e-9 only.
    if not (lower - 1e-9 * abs(lower) <= estimate <= upper + 1e-9 * abs(upper)):
        raise ParameterError(
            f"`{name}` ({lower:g}, {upper:g}) must contain the estimate {estimate:g}."
        )


def check_literal(value: Any, name: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ParameterError(f"`{name}` must be one of {options}; got {_fmt(value)}.")
    return value


def check_unique_index(data: Any, name: str = "data") -> None:
    """Refuse a DataFrame whose row labels repeat (rows are matched by label)."""
    from causal.errors import DataError

    index = data.index
    if not index.is_unique:
        repeated = index[index.duplicated()][0]
        count = int((index == repeated).sum())
        repeated = repeated.item() if isinstance(repeated, np.generic) else repeated
        raise DataError(f"`{name}` must have unique row labels (matched pairs refer to rows by "
                        f"label); label {repeated!r} appears {count} times; use "
                        f"{name}.reset_index(drop=True).")


def check_random_state(random_state: Any) -> np.random.Generator:
    """A fresh Generator from ``None``, an int seed or a Generator (never the global state)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ParameterError(f"`random_state` must be a non-negative integer seed; got "
                                 f"{random_state}.")
        return np.random.default_rng(random_state)
    if random_state is None:
        return np.random.default_rng()
    raise ParameterError(
        "`random_state` must be None, an int seed or a numpy.random.Generator; "
        f"got {type(random_state).__name__}."
    )
