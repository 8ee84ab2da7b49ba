"""Numbers the literature reports for a study's real data (the ``[[published]]`` tables).

Each has ``label``, ``method`` (e.g. ``"ipw"``, ``"crude"``), ``measure`` (OR, RR, HR, RD or
MD), ``estimate``, and optionally ``ci``, ``std_error``, ``source`` and ``note``; they are
parsed by :mod:`causal.study.tables.published`. Tests and reports compare estimates on the
data with them. An IPW answer may say which standard error its interval used: ``se =
"sandwich"`` or ``"fixed_weights"`` (applied in :mod:`causal.estimate.study`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedAnswer:
    """A ``[[published]]`` table: a number the literature reports for these data."""

    label: str
    method: str
    measure: str
    estimate: float
    ci: tuple[float, float] | None = None
    std_error: float | None = None
    source: str = ""
    note: str = ""
    se: str | None = None  # the SE convention of ``ci`` (IPW only), see causal.estimate.study
