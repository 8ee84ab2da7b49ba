"""The ``[probabilistic_bias]`` table: priors for a probabilistic bias analysis of the headline.

Keys: ``prevalence_treated``, ``prevalence_control`` and ``outcome_rr``, each a prior written
as a table ``{kind = "uniform", params = [0.3, 0.7]}`` (kinds of
:class:`causal.study.values.priors.Prior`) or a number (a constant); ``justification`` (required:
the priors are ASSUMPTIONS of the study file and reports say so); ``n_draws`` (default
100,000). The seed is the report's ``random_state``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.errors import CausalError, StudySpecError
from causal.study._reader import spec_error
from causal.study.values.priors import Prior

if TYPE_CHECKING:
    from causal.study.model import Study

_PRIORS = ("prevalence_treated", "prevalence_control", "outcome_rr")
_KEYS = {*_PRIORS, "justification", "n_draws"}


@dataclass(frozen=True)
class ProbabilisticBiasSpec:
    priors: dict[str, Prior | float]
    justification: str
    n_draws: int = 100_000


def _prior(value: Any, name: str, path: Path | str) -> Prior | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, dict) or set(value) != {"kind", "params"}:
        raise spec_error(path, name, "a number or a table {kind = ..., params = [...]}", value)
    try:
        return Prior(value["kind"], tuple(value["params"]))
    except (CausalError, TypeError) as error:
        raise StudySpecError(f"{path}: field `{name}`: {error}") from None


def parse_probabilistic_bias(table: dict[str, Any], path: Path | str) -> ProbabilisticBiasSpec:
    """The ``[probabilistic_bias]`` table as a :class:`ProbabilisticBiasSpec`."""
    where = "probabilistic_bias"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise spec_error(path, f"{where}.{unknown[0]}",
                         f"one of the known keys ({', '.join(sorted(_KEYS))})", unknown[0])
    missing = [k for k in (*_PRIORS, "justification") if k not in table]
    if missing:
        raise spec_error(path, f"{where}.{missing[0]}", "present", None)
    justification = table["justification"]
    if not isinstance(justification, str) or not justification.strip():
        raise spec_error(path, f"{where}.justification", "a sentence justifying the priors",
                         justification)
    n_draws = table.get("n_draws", 100_000)
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or not 1_000 <= n_draws <= 10**7:
        raise spec_error(path, f"{where}.n_draws", "an integer from 1,000 to 10,000,000",
                         n_draws)
    priors = {k: _prior(table[k], f"{where}.{k}", path) for k in _PRIORS}
    return ProbabilisticBiasSpec(priors, justification, n_draws)


def probabilistic_bias_spec(study: Study) -> ProbabilisticBiasSpec | None:
    return study.probabilistic_bias
