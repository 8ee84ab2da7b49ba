"""The user's own data: a CSV, Parquet or Feather file, or a pandas DataFrame, checked once.

:func:`read_table` reads only the declared columns of a file (the format is chosen by the
suffix); :func:`check_frame` applies the same checks to a DataFrame. Both return a
:class:`TableData` holding a NEW frame with only the declared columns, in the order
treatment, outcome, covariates; the caller's file or frame is never modified. Every problem
is one sentence (:class:`causal.errors.DataError`).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._validation import check_literal
from causal.data import _columns
from causal.data._formats import (
    available_memory,
    columns_and_rows,
    open_file,
    read_file,
    read_frame,
    shorten,
)
from causal.errors import DataError, ParameterError

OutcomeKind = Literal["binary", "continuous", "any"]
Missing = Literal["refuse", "complete_case", "multiple_imputation"]
MISSING_RULES = ("refuse", "complete_case", "multiple_imputation")

#: bytes of memory per declared numeric cell at the peak of reading a file and checking it:
#: the Parquet and Feather readers hold the decoded columns and the pandas frame at once.
#: Measured (benchmarks/bench_read_table.py): 10^7 rows x 8 declared columns of a Parquet file
#: peaked at 1.75 GB resident (Feather 1.66 GB, CSV 1.40 GB), about 0.2 GB of it the imported
#: libraries, i.e. about 20 bytes per cell; 24 leaves a margin. Text cells cost more.
BYTES_PER_CELL = 24


@dataclass(frozen=True, eq=False)
class TableData:
    """A user's table after the checks.

    Attributes
    ----------
    frame : pandas.DataFrame
        A new frame with only the declared columns (treatment, outcome, covariates in that
        order) and a fresh RangeIndex: the treatment as int64 0/1, a binary outcome as int64,
        numeric columns as int64 or float64, categorical text columns as given.
    source : str
        Where the data came from, as given (a path or "DataFrame").
    n_read : int
        Rows read, before any were dropped.
    dropped : dict
        Rows dropped for missing values per arm, ``{"treated": k1, "control": k0}`` (and
        ``"treatment missing"`` for rows whose treatment itself is missing); empty if none.
    missing : {"refuse", "complete_case", "multiple_imputation"}
        The rule applied to missing values.
    incomplete : pandas.DataFrame or None
        ``missing = "multiple_imputation"`` only: every row whose treatment is known, the
        declared columns checked as in ``frame`` but as float64 with NaN where a value is
        missing (categorical columns as given), for :func:`causal.data.impute.impute_chained`;
        ``frame`` then holds the complete cases, for the complete-case analysis beside it.
    empty : tuple of str
        ``read_table(..., leave_out_empty=True)`` only: covariates missing in every row,
        left out of ``frame`` (``causal init`` drafts without them and says so).
    file_sha256 : str or None
        SHA-256 of the file's bytes as read (one read, checked not to change while it was
        read); None for a DataFrame.
    """

    frame: pd.DataFrame
    source: str
    n_read: int
    dropped: dict[str, int]
    missing: Missing
    file_sha256: str | None = None
    incomplete: pd.DataFrame | None = None
    empty: tuple[str, ...] = ()

    @property
    def n_used(self) -> int:
        """Rows kept for the analysis."""
        return len(self.frame)

    def summary(self) -> pd.DataFrame:
        """Rows used and dropped per arm (the treatment is the frame's first column)."""
        treatment = self.frame.iloc[:, 0]
        arms = {"treated": int((treatment == 1).sum()), "control": int((treatment == 0).sum())}
        rows = [{"arm": arm, "rows_used": used, "rows_dropped": self.dropped.get(arm, 0)}
                for arm, used in arms.items()]
        if self.dropped.get("treatment missing"):
            rows.append({"arm": "treatment missing", "rows_used": 0,
                         "rows_dropped": self.dropped["treatment missing"]})
        return pd.DataFrame(rows)


def memory_needed(n_rows: int, n_columns: int) -> int:
    """Bytes needed to read and check ``n_rows`` x ``n_columns`` numeric cells (see
    :data:`BYTES_PER_CELL`); e.g. 10^7 rows x 10 columns need about 2.4 GB."""
    return int(n_rows) * int(n_columns) * BYTES_PER_CELL


def _available_memory() -> int | None:
    return available_memory()


def _declared(treatment: str, outcome: str, covariates: Sequence[str],
              categorical: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    for name, value in (("treatment", treatment), ("outcome", outcome)):
        if not isinstance(value, str) or not value:
            raise ParameterError(f"`{name}` must be a column name (a non-empty string); got "
                                 f"{value!r}.")
    for name, value in (("covariates", covariates), ("categorical", categorical)):
        if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
            raise ParameterError(f"`{name}` must be a list of column names; got {value!r}.")
    columns = [treatment, outcome, *covariates]
    repeated = sorted(c for c, k in Counter(columns).items() if k > 1)
    if repeated:
        raise ParameterError(f"each column may be declared once among treatment, outcome and "
                             f"covariates; {', '.join(map(repr, repeated))} appears twice.")
    known = set(covariates)
    stray = [c for c in categorical if c not in known]
    if stray:
        raise ParameterError(f"`categorical` must name covariates; got {', '.join(map(repr, stray))}"
                             f", which is not in `covariates`.")
    return columns, tuple(categorical)


def _check_clusters(values: pd.Series, treatment: Any, cluster: str, source: str) -> None:
    """One cluster, clusters of one row, or clusters that split the treatment perfectly:
    a :class:`DataError` naming the column (:func:`causal.data.clusters.cluster_codes`)."""
    from causal.data.clusters import cluster_codes

    try:
        cluster_codes(values, np.asarray(treatment, dtype=float), cluster)
    except DataError as error:
        raise DataError(f"{source}: {error}") from None


def _with_cluster(columns: list[str], cluster: str | None) -> list[str]:
    """The declared columns and the cluster column (once, after them)."""
    if cluster is None or cluster in columns:
        if cluster is not None and cluster in columns[:2]:
            raise ParameterError("`cluster` must name a column other than the treatment and "
                                 f"the outcome; got {cluster!r}.")
        return columns
    return [*columns, cluster]


def _roles(treatment: str, outcome: str) -> dict[str, str]:
    return {treatment: "the treatment", outcome: "the outcome"}


def _check_present(available: Sequence[str], columns: list[str], roles: dict[str, str],
                   source: str) -> None:
    names = [str(c) for c in available]
    present = set(names)
    absent = [c for c in columns if c not in present]
    if not absent:
        return
    parts = []
    for column in absent:
        close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
        if not close:
            folded = {n.lower(): n for n in names}
            close = [folded[column.lower()]] if column.lower() in folded else []
        hint = f", did you mean {shorten(close[0])!r}" if close else ""
        parts.append(f"{shorten(column)!r} ({roles.get(column, 'a covariate')}{hint})")
    listing = ", ".join(repr(shorten(n)) for n in names[:12]) + (", ..." if len(names) > 12
                                                                 else "")
    raise DataError(f"{source} has no column {'; no column '.join(parts)}; its columns are "
                    f"{listing}.")


def check_frame(frame: pd.DataFrame, *, treatment: str, outcome: str,
                covariates: Sequence[str], categorical: Sequence[str] = (),
                outcome_kind: OutcomeKind = "any", missing: Missing = "refuse",
                source: str = "DataFrame", cluster: str | None = None) -> TableData:
    """Check a DataFrame's declared columns and return them as a new, checked table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Not modified (nor its ``attrs``).
    treatment, outcome : str
        Column names. The treatment must be 0/1 (1 = treated) with both arms present.
    covariates : sequence of str
        Measured covariates; numeric unless listed in ``categorical``.
    categorical : sequence of str
        Covariates entered as categories (text allowed).
    outcome_kind : {"binary", "continuous", "any"}
        "binary": 0/1, for an odds ratio, risk ratio or risk difference; "continuous": any
        number, for a mean difference; "any": any number.
    missing : {"refuse", "complete_case", "multiple_imputation"}
        Refuse missing values in the declared columns (the default), or drop the rows that
        have any and record how many per arm in :attr:`TableData.dropped`; or, for multiple
        imputation, also keep every row whose treatment is known in
        :attr:`TableData.incomplete` (a column missing in every row is refused).
    source : str
        How messages name the data.
    cluster : str, optional
        A column grouping the rows (``[data] cluster``), kept as it is (any values); a row
        missing it is treated as any other missing value.

    Returns
    -------
    TableData
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"`frame` must be a pandas DataFrame; got {type(frame).__name__}.")
    check_literal(outcome_kind, "outcome_kind", ("binary", "continuous", "any"))
    check_literal(missing, "missing", MISSING_RULES)
    return _checked(frame, treatment, outcome, covariates, categorical, outcome_kind, missing,
                    source, copy=True, cluster=cluster)


def _checked(frame: pd.DataFrame, treatment: str, outcome: str, covariates: Sequence[str],
             categorical: Sequence[str], outcome_kind: OutcomeKind, missing: Missing,
             source: str, *, copy: bool, cluster: str | None = None) -> TableData:
    """The checks of :func:`check_frame`; ``copy=False`` only for a frame nobody else holds
    (one just read from a file), whose numeric columns are then not copied again."""
    columns, categorical = _declared(treatment, outcome, covariates, categorical)
    columns = _with_cluster(columns, cluster)
    _check_present(list(frame.columns), columns, _roles(treatment, outcome), source)
    doubled = [c for c in columns if isinstance(frame[c], pd.DataFrame)]
    if doubled:
        raise DataError(f"{source} has more than one column named {doubled[0]!r}; rename "
                        "them so that each name is unique.")
    n_read = len(frame)
    if n_read == 0:
        raise DataError(f"{source} has no rows.")
    counts = _columns.missing_counts(frame, columns)
    dropped: dict[str, int] = {}
    if counts:
        incomplete = frame[columns].isna().any(axis=1)
        if missing == "refuse":
            raise _columns.refuse_missing(counts, int(incomplete.sum()), source)
        if missing == "multiple_imputation":
            _check_imputable(counts, n_read, source)
        arms = _columns.arm_labels(frame[treatment])[incomplete].value_counts()
        dropped = {"treated": int(arms.get("treated", 0)),
                   "control": int(arms.get("control", 0))}
        if arms.get("treatment missing", 0):
            dropped["treatment missing"] = int(arms["treatment missing"])
        kept = frame.loc[~incomplete.to_numpy(), columns]
        if kept.empty:
            raise DataError(f"{source} has no row without missing values in the declared "
                            "columns, so a complete-case analysis has nothing to analyse.")
    else:
        kept = frame
    incomplete = None
    if missing == "multiple_imputation":
        incomplete = _incomplete(frame, treatment, outcome, covariates, categorical,
                                 outcome_kind, source, counts, cluster)
    data = {treatment: _columns.treatment_values(kept[treatment], treatment, source),
            outcome: _columns.outcome_values(kept[outcome], outcome, outcome_kind, source)}
    for column in covariates:
        data[column] = _columns.covariate_values(kept[column], column, column in categorical,
                                                 source)
    if cluster is not None and cluster not in data:
        data[cluster] = kept[cluster].to_numpy(copy=True)
    if cluster is not None:  # refused here, before any analysis or report starts
        _check_clusters(pd.Series(data[cluster]), data[treatment], cluster, source)
    # arrays and RangeIndex'd series; with copy=True the new frame shares no memory with the
    # caller's
    checked = pd.DataFrame({c: data[c] for c in columns}, copy=copy)
    return TableData(frame=checked, source=source, n_read=n_read, dropped=dropped,
                     missing=missing, incomplete=incomplete)


def _check_imputable(counts: dict[str, int], n: int, source: str) -> None:
    for column, count in counts.items():
        if count == n:
            raise DataError(f"column {column!r} in {source} is missing in every row, so "
                            "multiple imputation has nothing to impute it from; leave it out "
                            "of the study or fill it in.")


def _incomplete(frame: pd.DataFrame, treatment: str, outcome: str, covariates: Sequence[str],
                categorical: Sequence[str], outcome_kind: OutcomeKind, source: str,
                counts: dict[str, int], cluster: str | None = None) -> pd.DataFrame:
    """The rows with a known treatment, each declared column checked on its observed values
    and returned as float64 with NaN where missing (multiple imputation's input); the cluster
    column, when declared and not a covariate, last and as read (it is not imputed)."""
    import numpy as np

    known = frame[treatment].notna().to_numpy()
    rows = frame.loc[known]
    if cluster is not None and cluster not in covariates and rows[cluster].isna().any():
        raise DataError(f"the cluster column {cluster!r} in {source} has "
                        f"{int(rows[cluster].isna().sum()):,} missing value(s), which multiple "
                        "imputation cannot fill (a row must belong to a known cluster); fill "
                        "them in, or set missing = \"complete_case\".")
    data: dict[str, object] = {
        treatment: _columns.treatment_values(rows[treatment], treatment, source)}
    for column in (outcome, *covariates):
        values = rows[column]
        present = values.notna().to_numpy()
        if column in categorical:
            if not present.all():
                raise DataError(f"categorical covariate {column!r} in {source} has "
                                f"{int((~present).sum()):,} missing value(s), which multiple "
                                "imputation cannot fill here (it imputes numeric columns); "
                                "code it as 0/1 indicator columns, or set missing = "
                                "\"complete_case\".")
            data[column] = values.reset_index(drop=True).copy(deep=True)
            continue
        observed = values[present]
        if column == outcome:
            checked = _columns.outcome_values(observed, column, outcome_kind, source)
        else:
            checked = _columns.covariate_values(observed, column, False, source)
        full = np.full(len(values), np.nan)
        full[present] = checked
        data[column] = full
    if cluster is not None and cluster not in data:
        data[cluster] = rows[cluster].to_numpy(copy=True)
    return pd.DataFrame(data)


def read_columns(path: str | Path) -> list[str]:
    """The column names of a CSV, Parquet or Feather file, without reading its rows."""
    path, fmt, source = open_file(path)
    return columns_and_rows(read_file(path, fmt, source), fmt, source)[0]


def read_table(path: str | Path, *, treatment: str, outcome: str, covariates: Sequence[str],
               categorical: Sequence[str] = (), outcome_kind: OutcomeKind = "any",
               missing: Missing = "refuse", cluster: str | None = None,
               leave_out_empty: bool = False) -> TableData:
    """Read the declared columns of a CSV, Parquet or Feather file and check them.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.parquet`` or ``.feather`` (any case); the suffix chooses
        the reader and the file's first bytes must agree with it.
    treatment, outcome, covariates, categorical, outcome_kind, missing
        As in :func:`check_frame`.
    leave_out_empty : bool
        Leave out the covariates that are missing in every row (listed in
        :attr:`TableData.empty`) instead of refusing them; for drafting a study.

    Returns
    -------
    TableData
        ``source`` is ``str(path)`` as given.

    Notes
    -----
    Only the declared columns are read (``usecols`` for CSV, ``columns=`` for Parquet and
    Feather), so a wide file costs only what its declared columns need: about
    :data:`BYTES_PER_CELL` (24) bytes per numeric cell at the peak, e.g. 10^7 rows x 10
    declared columns about 2.4 GB (measured: 1.75 GB resident for 10^7 x 8 from Parquet, read
    and checked in about 2 s of CPU). The frame read is private, so its columns are not
    copied again. For Parquet and Feather the row count is known before reading, and a file
    whose declared columns would need more than the memory available (``MemAvailable`` on
    Linux) is refused with the amount it needs; a CSV's row count is not known in advance,
    so it is read without that check. :func:`check_frame` copies the declared columns of the
    caller's frame once (8 bytes per numeric cell). CSV missing values are what
    :func:`pandas.read_csv` treats as missing (empty, ``NA``, ``NaN``, ``null``...).
    """
    check_literal(outcome_kind, "outcome_kind", ("binary", "continuous", "any"))
    check_literal(missing, "missing", MISSING_RULES)
    columns, _ = _declared(treatment, outcome, covariates, categorical)
    columns = _with_cluster(columns, cluster)
    path, fmt, source = open_file(path)
    raw = read_file(path, fmt, source)
    names, rows = columns_and_rows(raw, fmt, source)
    _check_present(names, columns, _roles(treatment, outcome), source)
    available = _available_memory()
    if rows is not None and available is not None:
        needed = memory_needed(rows, len(columns))
        if needed > available:
            raise DataError(f"data file {source!r} needs about {needed / 1e9:.1f} GB to read "
                            f"its {len(columns)} declared columns ({rows:,} rows x "
                            f"{BYTES_PER_CELL} bytes per cell) but only "
                            f"{available / 1e9:.1f} GB of memory is available.")
    frame = read_frame(raw, fmt, columns, source, len(names))
    empty: tuple[str, ...] = ()
    if leave_out_empty and len(frame):
        empty = tuple(c for c in covariates if frame[c].isna().all())
        gone = set(empty)
        covariates = [c for c in covariates if c not in gone]
        categorical = [c for c in categorical if c not in gone]
    table = _checked(frame, treatment, outcome, covariates, categorical, outcome_kind,
                     missing, source, copy=False, cluster=cluster)
    return dataclasses.replace(table, file_sha256=raw.sha256, empty=empty)
