"""The ``[selection_bias]`` and ``[multi_bias]`` tables of a study file.

``[selection_bias]`` says who was analysed and why selection may bias the estimate, the
assumptions for the selection-bias E-values (``target``: "general" or "selected"; reports show
every assumption set anyway), and optionally ASSUMED values of the sensitivity parameters
(``rr_uy_a1``, ``rr_su_a1``, ``rr_uy_a0``, ``rr_su_a0``) with a ``justification``: a
hypothesis of the study file, labelled so in reports.

``[multi_bias]`` lists the biases considered together (``"confounding"``, ``"selection"``,
``"outcome_misclassification"``) and optionally ASSUMED values: ``confounding = [RR_AU,
RR_UY]``, ``misclassification = RR_AY*|y`` (selection values come from ``[selection_bias]``),
with a ``justification``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.errors import CausalError, StudySpecError
from causal.study._reader import spec_error
from causal.study.values.biases import Confounding, Misclassification, Selection

if TYPE_CHECKING:
    from causal.study.model import Study

_SELECTION_KEYS = {"analysed", "why", "target", "rr_uy_a1", "rr_su_a1", "rr_uy_a0", "rr_su_a0",
                   "justification"}
_MULTI_KEYS = {"biases", "confounding", "misclassification", "justification"}
MULTI_BIASES = ("confounding", "selection", "outcome_misclassification")


@dataclass(frozen=True)
class SelectionSpec:
    """Who was analysed, why selection matters, and the assumed parameters (if any)."""

    analysed: str
    why: str
    target: str = "general"
    assumed: Selection | None = None
    justification: str = ""


@dataclass(frozen=True)
class MultiBiasSpec:
    """The biases considered together, and their assumed parameters (if any)."""

    biases: tuple[str, ...]
    assumed: tuple[Any, ...] = field(default=())
    justification: str = ""


def _string(table: dict[str, Any], key: str, where: str, path: Path | str,
            required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise spec_error(path, f"{where}.{key}", "a non-empty string" if required else
                         "a string", value or None)
    return value


def _number(value: Any, name: str, path: Path | str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        raise spec_error(path, name, "a risk ratio >= 1", value)
    return float(value)


def parse_selection_bias(table: dict[str, Any], path: Path | str) -> SelectionSpec:
    """The ``[selection_bias]`` table as a :class:`SelectionSpec`."""
    where = "selection_bias"
    unknown = sorted(set(table) - _SELECTION_KEYS)
    if unknown:
        raise spec_error(path, f"{where}.{unknown[0]}",
                         f"one of the known keys ({', '.join(sorted(_SELECTION_KEYS))})",
                         unknown[0])
    target = table.get("target", "general")
    if target not in ("general", "selected"):
        raise spec_error(path, f"{where}.target", "'general' or 'selected'", target)
    names = ("rr_uy_a1", "rr_su_a1", "rr_uy_a0", "rr_su_a0")
    given = {k: _number(table[k], f"{where}.{k}", path) for k in names if k in table}
    if given and len(given) != len(names):
        missing = [k for k in names if k not in given]
        raise spec_error(path, f"{where}.{missing[0]}", "given with the other three assumed "
                         "selection parameters", None)
    justification = _string(table, "justification", where, path)
    if given and not justification:
        raise spec_error(path, f"{where}.justification", "a sentence justifying the assumed "
                         "parameters", None)
    try:
        assumed = Selection(**given) if given else None
    except CausalError as error:
        raise StudySpecError(f"{path}: field `{where}`: {error}") from None
    return SelectionSpec(_string(table, "analysed", where, path, True),
                         _string(table, "why", where, path, True), target, assumed,
                         justification)


def parse_multi_bias(table: dict[str, Any], path: Path | str,
                     selection: SelectionSpec | None = None) -> MultiBiasSpec:
    """The ``[multi_bias]`` table as a :class:`MultiBiasSpec` (selection values from
    ``selection``)."""
    where = "multi_bias"
    unknown = sorted(set(table) - _MULTI_KEYS)
    if unknown:
        raise spec_error(path, f"{where}.{unknown[0]}",
                         f"one of the known keys ({', '.join(sorted(_MULTI_KEYS))})", unknown[0])
    biases = table.get("biases", list(MULTI_BIASES))
    if (not isinstance(biases, list) or not biases
            or not all(isinstance(b, str) for b in biases) or len(set(biases)) != len(biases)
            or any(b not in MULTI_BIASES for b in biases)):
        raise spec_error(path, f"{where}.biases", "a list of distinct names among "
                         + ", ".join(MULTI_BIASES), biases)
    justification = _string(table, "justification", where, path)
    assumed: list[Any] = []
    if "confounding" in table or "misclassification" in table:
        if not justification:
            raise spec_error(path, f"{where}.justification", "a sentence justifying the "
                             "assumed parameters", None)
        values = table.get("confounding")
        if "confounding" in biases:
            if not isinstance(values, list) or len(values) != 2:
                raise spec_error(path, f"{where}.confounding", "a list [RR_AU, RR_UY]", values)
            assumed.append(Confounding(*(_number(v, f"{where}.confounding", path)
                                         for v in values)))
        if "selection" in biases:
            if selection is None or selection.assumed is None:
                raise spec_error(path, f"{where}.biases", "to take its selection parameters "
                                 "from [selection_bias] (give them there)", biases)
            assumed.append(selection.assumed)
        if "outcome_misclassification" in biases:
            assumed.append(Misclassification(
                "outcome", value=_number(table.get("misclassification"),
                                         f"{where}.misclassification", path)))
    return MultiBiasSpec(tuple(biases), tuple(assumed), justification)


def selection_spec(study: Study) -> SelectionSpec | None:
    return study.selection_bias


def multi_bias_spec(study: Study) -> MultiBiasSpec | None:
    return study.multi_bias
