"""The target trial an observational study emulates, and where it departs from it.

Hernan & Robins (2016) ask of every observational comparison: which randomised trial would
answer the question, and how closely does the study emulate each component of its protocol?
A :class:`TargetTrial` holds the seven protocol components of their Table 1 (eligibility,
treatment strategies, assignment, time zero, outcome, follow-up, causal contrast) plus the
analysis plan; each :class:`ProtocolComponent` states the target trial's specification, what
the study did, and how (if at all) it departs. The report fills these from the study; nothing
here reads a study file.

A departure is a statement, not a number: the result's :meth:`TargetTrial.summary` is the
protocol table (component, target trial, emulation, departs, departure, consequence), not the
numeric schema of estimates.

References
----------
Hernan, M. A. & Robins, J. M. (2016). Using big data to emulate a target trial when a
randomized trial is not available. American Journal of Epidemiology 183(8), 758-764.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from causal._results import SummaryMixin
from causal.errors import ParameterError

#: the components, in the order of Hernan & Robins (2016, Table 1), then the analysis plan
COMPONENTS: tuple[str, ...] = ("eligibility", "treatment_strategies", "assignment",
                               "time_zero", "outcome", "follow_up", "causal_contrast",
                               "analysis_plan")
_TITLES = {"eligibility": "Eligibility criteria", "treatment_strategies": "Treatment strategies",
           "assignment": "Assignment procedures", "time_zero": "Time zero",
           "outcome": "Outcome", "follow_up": "Follow-up period",
           "causal_contrast": "Causal contrast of interest", "analysis_plan": "Analysis plan"}


def _text(value: Any, name: str, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        what = "a non-empty string" if required else "a string"
        raise ParameterError(f"`{name}` must be {what}; got {value!r}.")
    return value.strip()


@dataclass(frozen=True)
class ProtocolComponent:
    """One component of the protocol.

    Parameters
    ----------
    target : str
        What the target trial specifies.
    emulation : str
        What the observational study did.
    departure : str
        How the emulation departs from the target ("" when it does not).
    consequence : str
        The bias the departure may introduce (e.g. "immortal time"); "" if none is stated.
    """

    target: str
    emulation: str
    departure: str = ""
    consequence: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", _text(self.target, "target", required=True))
        object.__setattr__(self, "emulation", _text(self.emulation, "emulation", required=True))
        object.__setattr__(self, "departure", _text(self.departure, "departure", required=False))
        object.__setattr__(self, "consequence",
                           _text(self.consequence, "consequence", required=False))
        if self.consequence and not self.departure:
            raise ParameterError("`consequence` needs a `departure` to be the consequence of; "
                                 f"got consequence {self.consequence!r} with no departure.")

    @property
    def departs(self) -> bool:
        """Whether the emulation departs from the target trial here."""
        return bool(self.departure)


@dataclass(frozen=True)
class TargetTrial(SummaryMixin):
    """The protocol of the target trial and the study's emulation of each component."""

    eligibility: ProtocolComponent
    treatment_strategies: ProtocolComponent
    assignment: ProtocolComponent
    time_zero: ProtocolComponent
    outcome: ProtocolComponent
    follow_up: ProtocolComponent
    causal_contrast: ProtocolComponent
    analysis_plan: ProtocolComponent
    title: str = ""

    def __post_init__(self) -> None:
        for item in fields(self):
            if item.name in COMPONENTS and not isinstance(getattr(self, item.name),
                                                          ProtocolComponent):
                raise ParameterError(f"`{item.name}` must be a ProtocolComponent; got "
                                     f"{type(getattr(self, item.name)).__name__}.")

    @classmethod
    def from_mapping(cls, protocol: Mapping[str, Any], title: str = "") -> TargetTrial:
        """Build from ``{component: {"target": ..., "emulation": ..., "departure": ...,
        "consequence": ...}}`` with every component of :data:`COMPONENTS`."""
        if not isinstance(protocol, Mapping):
            raise ParameterError(f"`protocol` must be a mapping of components; got "
                                 f"{type(protocol).__name__}.")
        unknown = sorted(set(protocol) - set(COMPONENTS))
        missing = [name for name in COMPONENTS if name not in protocol]
        if unknown or missing:
            raise ParameterError(
                f"`protocol` must have exactly the components {', '.join(COMPONENTS)}; got "
                f"missing {missing or 'none'} and unknown {unknown or 'none'}.")
        parts = {}
        for name in COMPONENTS:
            entry = protocol[name]
            if isinstance(entry, ProtocolComponent):
                parts[name] = entry
            elif isinstance(entry, Mapping):
                extra = sorted(set(entry) - {"target", "emulation", "departure", "consequence"})
                if extra:
                    raise ParameterError(f"`protocol[{name!r}]` has unknown keys {extra}; "
                                         "expected target, emulation, departure, consequence.")
                parts[name] = ProtocolComponent(**entry)
            else:
                raise ParameterError(f"`protocol[{name!r}]` must be a mapping or a "
                                     f"ProtocolComponent; got {type(entry).__name__}.")
        return cls(**parts, title=title)

    def components(self) -> tuple[tuple[str, ProtocolComponent], ...]:
        """``(name, component)`` in protocol order."""
        return tuple((name, getattr(self, name)) for name in COMPONENTS)

    def departures(self) -> tuple[tuple[str, ProtocolComponent], ...]:
        """The components where the emulation departs from the target trial."""
        return tuple((name, part) for name, part in self.components() if part.departs)

    def summary(self) -> pd.DataFrame:
        """The protocol table: one row per component."""
        return pd.DataFrame(
            [{"component": _TITLES[name], "target_trial": part.target,
              "emulation": part.emulation, "departs": "yes" if part.departs else "no",
              "departure": part.departure, "consequence": part.consequence}
             for name, part in self.components()],
            columns=["component", "target_trial", "emulation", "departs", "departure",
                     "consequence"])


def target_trial_departures(trial: TargetTrial) -> tuple[tuple[str, ProtocolComponent], ...]:
    """The components of ``trial`` where the study departs from its target trial."""
    if not isinstance(trial, TargetTrial):
        raise ParameterError(f"`trial` must be a TargetTrial; got {type(trial).__name__}.")
    return trial.departures()
