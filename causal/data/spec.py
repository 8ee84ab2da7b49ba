"""What a study's ``[data]`` and ``[[worlds]]`` tables declare, as typed values.

The tables are parsed by :mod:`causal.study.tables.data` and :mod:`causal.study.tables.worlds`;
this module holds the types, so that :mod:`causal.data` never needs the study package.

``[data]`` names where the individual-level data come from and how covariates enter a model:

* ``source``: a file of the user's (``.csv``, ``.parquet`` or ``.feather``, relative to the
  study file), ``"simulated"`` (a cohort drawn from the registered world model named in
  ``[data.world] model``, in one of the ``[[worlds]]``: :mod:`causal.worlds`) or one of the real
  data sets in :data:`causal.data.real.SOURCES` (e.g. ``"causaldata:nhefs_complete"``);
* ``covariates``: the measured covariates an analysis adjusts for;
* ``categorical``: covariates entered as indicator columns (first category is the reference);
* ``squared``: covariates that also enter as a squared term;
* ``treatment_interactions``: covariates that interact with the treatment in an outcome model;
* ``terms``: products and splines, ``["age*sex", "bs(age, 4)"]`` (:mod:`causal._glm.terms`);
* ``indicators``: derived 0/1 columns, ``{name = "column == number"}`` (``==``, ``<``, ``>``);
* ``latent``: columns of a simulated cohort that analyses must not use;
* ``cluster``: a column grouping rows that are not independent (a therapist id): every
  interval is then cluster-robust (:mod:`causal.estimate._clusters`).

Each ``[[worlds]]`` table states one simulated truth: ``name``, ``description``,
``true_odds_ratio`` (the conditional OR of treatment on the outcome given the covariates and
the model's latent columns), ``calibration`` and the keys of the study's world model (checked by
the model: :class:`WorldModel`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

SIMULATED = "simulated"
#: suffixes of the user's data files a study may name in ``[data] source``
FILE_SUFFIXES = (".csv", ".parquet", ".feather")

_INDICATOR = re.compile(r"^\s*(?P<column>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>==|<|>)\s*"
                        r"(?P<number>-?\d+(\.\d+)?)\s*$")


@dataclass(frozen=True)
class World:
    """One simulated truth (a ``[[worlds]]`` table). All its data are simulated."""

    name: str
    description: str
    true_odds_ratio: float
    calibration: str = ""

    @property
    def latent_odds_ratio(self) -> float | None:
        """The odds ratio of the world's latent confounder with the treatment (per SD for a
        continuous one), when its model has one; None here."""
        return None


class WorldModel(Protocol):
    """A registered SIMULATED world model (:mod:`causal.worlds`), as configured by a study's
    ``[data.world]`` table.

    The data layer draws cohorts through this interface only; the models live in
    :mod:`causal.worlds` (a plugin each) and the study parser builds the configured one, so
    that :mod:`causal.data` names no model.
    """

    #: the registered name (``[data.world] model``)
    model: str
    #: columns that the model draws: the treatment, the outcome, the measured covariates
    treatment: str
    outcome: str
    covariates: tuple[str, ...]
    #: columns drawn but never measured: no analysis may use them
    latent: tuple[str, ...]

    def categories(self, column: str) -> list[str] | None:
        """The levels of a categorical column (drawn as integer codes), or None."""

    def draw(self, world: World, targets: tuple[float, float, float], n: int,
             replicates: int, random_state: Any) -> dict[str, Any]:
        """``replicates`` cohorts of ``n``: column -> array of shape (replicates, n)."""

    def solve(self, world: World, targets: tuple[float, float, float]) -> Any:
        """The world's solved constants (matching ``targets``: uptake, treated and control
        outcome rates)."""

    def describe(self, world: World) -> str:
        """One sentence saying the cohort is SIMULATED, from which world and model."""

    def column_notes(self) -> dict[str, str]:
        """What each drawn column means (for ``DataFrame.attrs["columns"]``)."""


@dataclass(frozen=True)
class DataSpec:
    """The ``[data]`` table, checked."""

    source: str
    covariates: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    squared: tuple[str, ...] = ()
    treatment_interactions: tuple[str, ...] = ()
    #: products and splines of the covariates (:mod:`causal._glm.terms`)
    terms: tuple[str, ...] = ()
    indicators: dict[str, str] = field(default_factory=dict)
    latent: tuple[str, ...] = ()
    description: str = ""
    n: int = 0
    #: ``source = "simulated"``: the configured world model of ``[data.world]``
    model: WorldModel | None = None
    benchmark: dict[str, Any] = field(default_factory=dict)
    #: rows with a missing value: refused, or dropped (complete cases, reported per arm)
    missing: Literal["refuse", "complete_case", "multiple_imputation"] = "refuse"
    #: ``missing = "multiple_imputation"``: how many imputed data sets (2 to the budget
    #: :data:`causal._budgets.MAX_IMPUTATIONS`)
    imputations: int = 20
    #: a column grouping the rows (clients within therapists): cluster-robust intervals
    cluster: str | None = None
    #: what the outcome must be: 0/1 ("binary"), a number ("continuous") or either ("any")
    outcome_kind: Literal["binary", "continuous", "any"] = "any"
    #: a user's file: the path resolved against the study file's folder
    file: Path | None = None
    #: data given in Python (``Study.from_frame``): the checked table
    #: (:class:`causal.data.files.TableData`: the declared columns, rows dropped per arm)
    checked: Any = field(default=None, repr=False, compare=False)

    @property
    def simulated(self) -> bool:
        return self.source == SIMULATED

    @property
    def kind(self) -> Literal["simulated", "file", "frame", "bundled"]:
        """Where the rows come from: a simulation, a user's file, a DataFrame or a bundled
        real data set (``causaldata:...``)."""
        if self.simulated:
            return "simulated"
        if self.checked is not None:
            return "frame"
        return "file" if self.file is not None else "bundled"


def find_world(worlds: tuple[World, ...], name: str | None, *, where: str = "the study"
               ) -> World:
    """The world called ``name`` (the first declared one when ``name`` is None)."""
    from causal.errors import ParameterError

    if not worlds:
        raise ParameterError(f"`world` needs a study with [[worlds]] tables; {where} declares "
                             "none.")
    if name is None:
        return worlds[0]
    for world in worlds:
        if world.name == name:
            return world
    options = ", ".join(repr(w.name) for w in worlds)
    raise ParameterError(f"`world` must be one of {options}; got {name!r}.")


def loaded_study(study: Any) -> Any:
    """``study`` when it is a loaded study (it has a ``data`` table and a ``where``).

    The data layer sits below the study file's parser: it reads what a loaded
    :class:`causal.Study` declares and never parses a study file itself, so a path is refused
    with the call that loads it.
    """
    from causal.errors import ParameterError

    if isinstance(study, (str, Path)):
        raise ParameterError(f"`study` must be a loaded Study (causal.load_study({str(study)!r}) "
                             f"reads the file); got the path {str(study)!r}.")
    if not (hasattr(study, "data") and hasattr(study, "where")):
        raise ParameterError(f"`study` must be a Study (causal.load_study or "
                             f"causal.Study.from_frame); got {type(study).__name__}.")
    return study
