"""A study's data as one typed value: the rows, where they came from, and their hash.

:func:`read_study_data` reads (or draws) the data a study declares once and returns a
:class:`StudyData`: the frame, its provenance as fields (source, simulated or not, the world
and seed of a simulated cohort, rows read and dropped) and the SHA-256 of its canonical form
(:func:`causal.data.data_hash`). Analyses take a ``StudyData`` instead of reading
``DataFrame.attrs`` or reading the file again; the report's reproducibility record lists
every ``StudyData`` an analysis used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from causal.data.load import data_hash, load_benchmark_data, load_study_data

__all__ = ["StudyData", "read_study_data", "read_benchmark_data"]


@dataclass(frozen=True, eq=False)
class StudyData:
    """One data set of a study.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows (declared columns, indicators added). Not to be modified: every analysis
        that needs other rows (complete cases, a subsample) makes a new frame.
    source : str
        ``"simulated"``, a bundled data set's name, a file path or ``"DataFrame"``.
    kind : {"simulated", "file", "frame", "bundled"}
    simulated : bool
    description : str
        One sentence for the report (marked SIMULATED for a simulated cohort).
    sha256 : str
        :func:`causal.data.data_hash` of ``frame``.
    world, seed, true_odds_ratio
        A simulated cohort's world, the seed it was drawn with and the world's true
        conditional OR; None for real data.
    n_read : int
        Rows read before any were dropped.
    dropped : dict
        Rows dropped for a missing value, per arm (``[data] missing = "complete_case"``).
    role : str
        What the data are for: ``"study"``, or ``"benchmark"`` (``[data.benchmark]``).
    subsample : dict, optional
        ``{"rows", "of", "seed", "reason"}`` when the rows are a random subsample.
    incomplete : pandas.DataFrame, optional
        ``[data] missing = "multiple_imputation"``: every row with a known treatment, missing
        values as NaN (``frame`` holds the complete cases); see
        :attr:`causal.data.files.TableData.incomplete`.
    """

    frame: pd.DataFrame = field(repr=False)
    source: str
    kind: str
    simulated: bool
    description: str
    sha256: str
    world: str | None = None
    seed: int | None = None
    true_odds_ratio: float | None = None
    n_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    role: str = "study"
    subsample: dict[str, Any] | None = None
    incomplete: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def origin(self) -> str:
        """``"real data"`` (bundled), ``"data from <source>"`` or ``"SIMULATED data"``."""
        if self.simulated:
            return "SIMULATED data"
        return "real data" if self.kind == "bundled" else f"data from {self.source}"

    def key(self) -> str:
        """The name of this data set's hash in the report's reproducibility record."""
        if self.role == "benchmark":
            return "benchmark_data_sha256"
        if self.simulated:
            return f"data_sha256 ({self.world}, seed {self.seed})"
        if self.subsample is not None:
            return f"data_sha256 (subsample of {self.subsample['rows']} rows)"
        return "data_sha256"

    def rows(self, index: Any, *, subsample: dict[str, Any] | None = None) -> StudyData:
        """The same provenance for the rows at positions ``index`` (a new frame)."""

        frame = self.frame.iloc[index].reset_index(drop=True)
        return StudyData(frame=frame, source=self.source, kind=self.kind,
                         simulated=self.simulated, description=self.description,
                         sha256=data_hash(frame), world=self.world, seed=self.seed,
                         true_odds_ratio=self.true_odds_ratio, n_read=self.n_read,
                         dropped=dict(self.dropped), role=self.role, subsample=subsample)


def _from_frame(frame: pd.DataFrame, spec: Any, *, seed: int | None, role: str) -> StudyData:

    incomplete = frame.attrs.pop("incomplete", None)
    attrs = frame.attrs
    simulated = bool(attrs.get("simulated", False))
    true_or = attrs.get("true_odds_ratio")
    return StudyData(
        frame=frame, source=str(attrs.get("source", spec.source)),
        kind="bundled" if role == "benchmark" else spec.kind, simulated=simulated,
        description=str(attrs.get("description", spec.description)), sha256=data_hash(frame),
        world=attrs.get("world") if simulated else None, seed=seed if simulated else None,
        true_odds_ratio=None if true_or is None else float(true_or),
        n_read=int(attrs.get("n_read", len(frame))), dropped=dict(attrs.get("dropped", {})),
        role=role, incomplete=incomplete)


def read_study_data(study: Any, world: str | None = None,
                    seed: int | None = None) -> StudyData:
    """The data ``study`` declares in ``[data]``, read (or, simulated, drawn) once.

    Parameters
    ----------
    study : Study
    world : str, optional
        For ``source = "simulated"``: the ``[[worlds]]`` name (default: the first declared).
    seed : int, optional
        Seeds a simulated cohort; must be None for real data.
    """

    frame = load_study_data(study, world, random_state=seed)
    return _from_frame(frame, study.data, seed=seed, role="study")


def read_benchmark_data(study: Any) -> StudyData:
    """The data of ``[data.benchmark]`` (e.g. the NSW experiment)."""

    frame = load_benchmark_data(study)
    return _from_frame(frame, study.data, seed=None, role="benchmark")
