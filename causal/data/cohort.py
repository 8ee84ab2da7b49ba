"""Public entry points for SIMULATED cohorts declared in a study file.

The cohorts are drawn by the study's world model (``[data.world]``, :mod:`causal.worlds`);
this module names no model.

>>> from causal import load_study
>>> from causal.data import simulate_cohort
>>> study = load_study("studies/thew2024.toml")
>>> frame = simulate_cohort(study, "self-selection only", random_state=1)
>>> frame.attrs["simulated"]
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from causal._validation import check_count
from causal.data.spec import DataSpec, World, find_world, loaded_study
from causal.errors import ParameterError

if TYPE_CHECKING:  # for the annotations only: data/ sits below the study file's parser
    from causal.study.model import Study


@dataclass(frozen=True)
class SimulatedCohorts(Mapping[str, np.ndarray]):
    """Many SIMULATED cohorts: a read-only mapping column -> array of shape (replicates, n).

    Categorical columns hold integer codes into the model's levels (:meth:`levels`).
    ``simulated`` is always True and :attr:`description` says so; the model's latent columns
    are listed in :attr:`latent`.
    """

    arrays: dict[str, np.ndarray] = field(repr=False)
    data: DataSpec = field(repr=False)
    world: World
    simulated: bool = True

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrays)

    def __len__(self) -> int:
        return len(self.arrays)

    @property
    def shape(self) -> tuple[int, int]:
        """(replicates, n)."""
        return next(iter(self.arrays.values())).shape

    @property
    def latent(self) -> tuple[str, ...]:
        return self.data.latent

    def levels(self, column: str) -> list[str] | None:
        """The levels of a categorical column (its arrays hold codes), or None."""
        return self._model.categories(column)

    @property
    def _model(self) -> Any:
        return self.data.model

    @property
    def description(self) -> str:
        return self._model.describe(self.world)

    def to_frame(self) -> pd.DataFrame:
        """One long DataFrame with a ``replicate`` column, labelled as simulated in ``attrs``."""
        replicates, n = self.shape
        columns: dict[str, object] = {"replicate": np.repeat(np.arange(replicates), n)}
        model = self._model
        order = [model.treatment, model.outcome, *self.data.covariates, *model.latent]
        for name in dict.fromkeys(order):
            values = self.arrays[name].reshape(-1)
            levels = model.categories(name)
            columns[name] = (values if levels is None
                             else pd.Categorical.from_codes(values, categories=levels))
        frame = pd.DataFrame(columns)
        frame.attrs.update({
            "simulated": True,
            "latent": list(self.latent),
            "world": self.world.name,
            "true_odds_ratio": self.world.true_odds_ratio,
            "description": self.description,
            "columns": model.column_notes(),
        })
        return frame



def _simulated_spec(study: Study) -> DataSpec:
    data = study.data
    if data is None or not data.simulated:
        raise ParameterError(f"`study` must declare [data] source = 'simulated' to simulate "
                             f"cohorts; {study.where} does not.")
    return data


def targets_of(study: Study) -> tuple[float, float, float]:
    """(expected uptake, treated recovery, control recovery) from the study's ``[claim]``."""
    treated, control = study.claim.treated, study.claim.control
    if treated is None or control is None or study.claim.table is None:
        raise ParameterError(f"`study` must report [claim.treated] and [claim.control] counts "
                             f"to calibrate a simulated cohort; {study.where} does not.")
    return (treated.total / (treated.total + control.total), treated.events / treated.total,
            control.events / control.total)


def solve_study_world(study: Study, world: str | World | None = None) -> Any:
    """The solved constants of a study's world (the world model's ``solve``: for the
    self-selection model, its intercepts and prognostic scale)."""
    study = loaded_study(study)
    data = _simulated_spec(study)
    world = world if isinstance(world, World) else find_world(study.worlds, world,
                                                                   where=study.where)
    return data.model.solve(world, targets_of(study))


def _size(value: int | None, default: int, name: str) -> int:
    from causal._budgets import check_size

    size = default if value is None else check_count(value, name)
    if size < 1:
        raise ParameterError(f"`{name}` must be a positive integer; got {size}.")
    check_size(size, "MAX_COHORT_N" if name == "n" else "MAX_REPLICATES", name)
    return size


def simulate_cohort(study: Study, world: str | World | None = None, *,
                    n: int | None = None, random_state=None) -> pd.DataFrame:
    """Draw one SIMULATED cohort of a study's world.

    Parameters
    ----------
    study : Study (loaded: causal.load_study or Study.from_frame)
        A study whose ``[data]`` is ``source = "simulated"`` (e.g. studies/thew2024.toml).
    world : str or World, optional
        Name of a ``[[worlds]]`` table; the first declared world by default.
    n : int, optional
        Cohort size (default ``[data] n``).
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        Columns: the world model's treatment and outcome, the covariates and the model's
        latent columns; ``attrs`` has ``simulated=True``, ``latent``, ``world``,
        ``true_odds_ratio`` and a description.
    """
    return simulate_cohorts(study, world, replicates=1, n=n, random_state=random_state,
                            output="frame").drop(columns="replicate")


@overload
def simulate_cohorts(study: Study, world: str | World | None = ..., *,
                     replicates: int, n: int | None = ..., random_state=...,
                     output: Literal["arrays"] = ...) -> SimulatedCohorts: ...
@overload
def simulate_cohorts(study: Study, world: str | World | None = ..., *,
                     replicates: int, n: int | None = ..., random_state=...,
                     output: Literal["frame"]) -> pd.DataFrame: ...
def simulate_cohorts(study, world=None, *, replicates, n=None, random_state=None,
                     output="arrays"):
    """Draw many SIMULATED cohorts at once (vectorised; no loop over replicates).

    Parameters
    ----------
    replicates : int
        Number of independent cohorts.
    output : {"arrays", "frame"}
        ``"arrays"``: a :class:`SimulatedCohorts` mapping column -> array of shape
        (replicates, n), labelled ``simulated``; ``"frame"``: one long DataFrame with a
        ``replicate`` column, labelled as simulated in ``attrs``.
    """
    from causal._validation import check_literal

    check_literal(output, "output", ("arrays", "frame"))
    study = loaded_study(study)
    data = _simulated_spec(study)
    world = world if isinstance(world, World) else find_world(study.worlds, world,
                                                                   where=study.where)
    replicates = _size(replicates, 1, "replicates")
    n = _size(n, data.n, "n")
    from causal._budgets import check_product

    check_product({"replicates": replicates, "n": n}, "MAX_BATCH_ELEMENTS",
                  "draw fewer or smaller cohorts")
    arrays = data.model.draw(world, targets_of(study), n, replicates, random_state)
    cohorts = SimulatedCohorts(arrays, data, world)
    return cohorts if output == "arrays" else cohorts.to_frame()
