"""Printed numbers: the rounding box a number printed with k decimals stands for, and printed
p-values such as "<.001"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from causal.errors import ParameterError


def decimals_of(value: float | str) -> int:
    """Number of decimals a value was printed with (``2.54`` -> 2, ``"5.10"`` -> 2)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return 0
    text = value if isinstance(value, str) else repr(float(value))
    exponent = Decimal(text.strip()).as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def rounding_box(value: float | str) -> tuple[float, float]:
    """The interval of true values that print as ``value``."""
    half = 0.5 * 10 ** (-decimals_of(value))
    number = float(value)
    return number - half, number + half


def rounds_to(true_value: np.ndarray | float, printed: float | str) -> np.ndarray | bool:
    """Whether ``true_value`` prints as ``printed`` (inside its rounding box, edges included)."""
    low, high = rounding_box(printed)
    eps = 1e-12
    return (np.asarray(true_value) >= low - eps) & (np.asarray(true_value) <= high + eps)


_P_PATTERN = re.compile(r"^\s*(p\s*)?(?P<op><=|>=|<|>|=|≤|≥)?\s*(?P<num>0?\.\d+|\d+(\.\d+)?(e-?\d+)?)\s*$",
                        re.IGNORECASE)


@dataclass(frozen=True)
class PrintedP:
    """A p-value as printed, e.g. ``"<.001"`` or ``".005"``, read as an interval."""

    text: str
    lower: float
    upper: float

    @classmethod
    def parse(cls, text: str | float) -> PrintedP:
        """Read ``"<.001"``, ``"p = .005"``, ``"0.05"`` or a number."""
        raw = str(text)
        match = _P_PATTERN.match(raw)
        if match is None:
            raise ParameterError(
                f"`p_value` must look like '<.001', '.005' or 'p = 0.03'; got {raw!r}."
            )
        op = {"≤": "<=", "≥": ">="}.get(match["op"] or "=", match["op"] or "=")
        number = float(match["num"])
        if not 0 <= number <= 1:
            raise ParameterError(f"`p_value` must be between 0 and 1; got {raw!r}.")
        if op in ("<", "<="):
            return cls(raw, 0.0, number)
        if op in (">", ">="):
            return cls(raw, number, 1.0)
        low, high = rounding_box(match["num"])
        return cls(raw, max(low, 0.0), min(high, 1.0))

    def agrees_with(self, low: float, high: float) -> bool:
        """Whether some p in ``[low, high]`` prints as this p-value."""
        return high >= self.lower - 1e-15 and low <= self.upper + 1e-15


def _as_float(value: Any, name: str) -> float:
    """A printed number (float, int or string) as a finite float, or a one-sentence error."""
    return _printed_number(value, name)


def _shown(value: float | str) -> str:
    """A number as printed; one computed here (a long float) to 4 significant digits."""
    text = str(value)
    return text if isinstance(value, str) or len(text) <= 8 else f"{float(value):.4g}"


def _check_log_scale(value: float, name: str, measure: str, label: str = "") -> None:
    """A ratio inside :data:`causal.measures.RATIO_RANGE`: its logarithm and reciprocal are
    representable (5e-324 has an infinite reciprocal; 1e308 overflows when squared), and a
    ratio outside the range is almost surely a typo or a log-scale value."""
    from causal.measures import RATIO_RANGE

    if not RATIO_RANGE[0] <= value <= RATIO_RANGE[1]:
        raise ParameterError(
            f"`{name}` of {label or measure!r} must be a ratio between {RATIO_RANGE[0]:g} and "
            f"{RATIO_RANGE[1]:g}; got {value:g} (a ratio outside this range is almost surely a "
            f"typo or a log-scale value).")


def _printed_number(value: Any, name: str) -> float:
    """A number as printed in a paper: a finite int, float, or numeric string like "2.54"."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, np.integer,
                                                         np.floating)):
        raise ParameterError(f"`{name}` must be a number (or a numeric string like '2.54'); "
                             f"got {value!r}.")
    try:
        number = float(value)
    except ValueError:
        raise ParameterError(f"`{name}` must be a number (or a numeric string like '2.54'); "
                             f"got {value!r}.") from None
    if not math.isfinite(number):
        raise ParameterError(f"`{name}` must be a finite number; got {value!r}.")
    return number
