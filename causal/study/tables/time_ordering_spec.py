"""The ``[time_ordering]`` table: options of the time-ordering (immortal-time) simulation.

Keys: ``recovery_or_per_doubling`` (a list of ASSUMED odds ratios of recovery per doubling of
therapy sessions, one simulation each), ``mean_therapy_sessions``, ``session_dispersion``,
``min_sessions``, ``n_replicates`` and ``justification`` (required: the session distribution
and dose-response are assumptions). The margins come from the claim's groups (treated total,
overall events); the seed is the report's ``random_state``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.study._reader import spec_error

if TYPE_CHECKING:
    from causal.study.model import Study

_KEYS = {"recovery_or_per_doubling", "mean_therapy_sessions", "session_dispersion",
         "min_sessions", "first_uptake_session", "mean_adviser_sessions", "n_replicates",
         "justification"}


@dataclass(frozen=True)
class TimeOrderingSpec:
    recovery_or_per_doubling: tuple[float, ...]
    justification: str
    mean_therapy_sessions: float = 8.0
    session_dispersion: float = 2.0
    min_sessions: int = 2
    mean_adviser_sessions: float | None = None
    n_replicates: int = 2000
    first_uptake_session: int = 1


def _positive(value: Any, name: str, path: Path | str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise spec_error(path, name, "a positive number", value)
    return float(value)


def parse_time_ordering(table: dict[str, Any], path: Path | str) -> TimeOrderingSpec:
    """The ``[time_ordering]`` table as a :class:`TimeOrderingSpec`."""
    where = "time_ordering"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise spec_error(path, f"{where}.{unknown[0]}",
                         f"one of the known keys ({', '.join(sorted(_KEYS))})", unknown[0])
    ors = table.get("recovery_or_per_doubling", [2.0])
    if not isinstance(ors, list) or not ors:
        raise spec_error(path, f"{where}.recovery_or_per_doubling", "a list of odds ratios", ors)
    justification = table.get("justification")
    if not isinstance(justification, str) or not justification.strip():
        raise spec_error(path, f"{where}.justification", "a sentence justifying the assumed "
                         "session distribution and dose-response", justification)
    reps = table.get("n_replicates", 2000)
    if isinstance(reps, bool) or not isinstance(reps, int) or not 100 <= reps <= 100_000:
        raise spec_error(path, f"{where}.n_replicates", "an integer from 100 to 100,000", reps)
    minimum = table.get("min_sessions", 2)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise spec_error(path, f"{where}.min_sessions", "a positive integer", minimum)
    first = table.get("first_uptake_session", 1)
    if isinstance(first, bool) or not isinstance(first, int) or first < 1:
        raise spec_error(path, f"{where}.first_uptake_session", "a positive integer", first)
    adviser = table.get("mean_adviser_sessions")
    return TimeOrderingSpec(
        tuple(_positive(v, f"{where}.recovery_or_per_doubling", path) for v in ors),
        justification,
        _positive(table.get("mean_therapy_sessions", 8.0), f"{where}.mean_therapy_sessions",
                  path),
        _positive(table.get("session_dispersion", 2.0), f"{where}.session_dispersion", path),
        minimum,
        None if adviser is None else _positive(adviser, f"{where}.mean_adviser_sessions", path),
        reps, first)


def time_ordering_spec(study: Study) -> TimeOrderingSpec | None:
    return study.time_ordering
