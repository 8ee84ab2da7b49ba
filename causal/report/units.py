"""The outcome's unit (``[study] outcome_unit``), and numbers formatted with it.

``outcome_unit = "USD"`` (or "GBP", "EUR") prints differences as money with thousands
separators (``$1,201``); any other string is appended (``3.4 kg``). Without a unit, numbers are
printed with 3 significant digits, and never in scientific notation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from causal.study.model import Study

_CURRENCY = {"USD": "$", "GBP": "£", "EUR": "€"}


def outcome_unit(study: Study) -> str | None:
    return study.info.outcome_unit or None


def amount(value: float, unit: str | None = None) -> str:
    """One number in the outcome's unit: ``$1,201``, ``-$8,498``, ``3.44 kg``, ``0.236``."""
    if abs(value) >= 1000 or (unit in _CURRENCY and abs(value) >= 100):
        text = f"{abs(value):,.0f}"
    elif abs(value) >= 100:
        text = f"{abs(value):.0f}"
    else:
        text = f"{abs(value):.3g}"
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    if unit in _CURRENCY:
        return f"{sign}{_CURRENCY[unit]}{text}"
    return f"{sign}{text}" + (f" {unit}" if unit else "")


def amount_ci(low: float, high: float, unit: str | None = None) -> str:
    """An interval in the outcome's unit: ``$112 to $2,290``."""
    return f"{amount(low, unit)} to {amount(high, unit)}"
