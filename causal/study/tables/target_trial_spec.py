"""The ``[target_trial]`` table: the trial the study emulates, and where it departs from it.

One sub-table per protocol component of :data:`causal.study.target_trial.COMPONENTS`
(``[target_trial.eligibility]``, ``[target_trial.time_zero]``, ...), each with ``target``,
``emulation`` and optionally ``departure`` and ``consequence``; ``title`` is optional.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from causal.errors import CausalError, StudySpecError
from causal.study._reader import spec_error

if TYPE_CHECKING:
    from causal.study.model import Study


def parse_target_trial(table: dict[str, Any], path: Path | str) -> Any:
    """The ``[target_trial]`` table as a :class:`causal.study.target_trial.TargetTrial`."""
    from causal.study.target_trial import COMPONENTS, TargetTrial

    if not isinstance(table, dict):
        raise spec_error(path, "target_trial", "a table", table)
    title = table.get("title", "")
    if not isinstance(title, str):
        raise spec_error(path, "target_trial.title", "a string", title)
    protocol = {k: v for k, v in table.items() if k != "title"}
    for name, component in protocol.items():
        if not isinstance(component, dict):
            raise spec_error(path, f"target_trial.{name}", "a table with target and emulation",
                             component)
        for key in ("target", "emulation", "departure", "consequence"):
            value = component.get(key, "")
            if not isinstance(value, str) or (key in ("target", "emulation")
                                              and not value.strip()):
                raise spec_error(path, f"target_trial.{name}.{key}", "a non-empty string"
                                 if key in ("target", "emulation") else "a string",
                                 value if value != "" else None)
    missing = [name for name in COMPONENTS if name not in protocol]
    if missing:
        raise spec_error(path, f"target_trial.{missing[0]}", "a table with target and "
                         "emulation", None)
    try:
        return TargetTrial.from_mapping(protocol, title=title)
    except CausalError as error:
        raise StudySpecError(f"{path}: field `target_trial`: {error}") from None


def target_trial(study: Study) -> Any:
    return study.target_trial
