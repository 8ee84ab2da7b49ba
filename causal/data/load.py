"""Load a study's individual-level data, and hash it for the report's reproducibility section."""

from __future__ import annotations

import hashlib
import operator
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from causal.data.real import load_source
from causal.data.spec import _INDICATOR, DataSpec, find_world, loaded_study
from causal.errors import DataError, ParameterError

_OPS = {"==": operator.eq, "<": operator.lt, ">": operator.gt}


def _spec(study: Any) -> DataSpec:
    if study.data is None:
        raise ParameterError(f"`study` must have a [data] table to load data; {study.where} "
                             "has none.")
    return study.data


def _prepare(frame: pd.DataFrame, data: DataSpec, study: Any) -> pd.DataFrame:
    for name, rule in data.indicators.items():
        match = _INDICATOR.match(rule)
        assert match is not None  # checked when the study was loaded
        column = match["column"]
        if column not in frame.columns:
            raise DataError(f"{study.where}: indicator {name!r} refers to column {column!r}, "
                            "which the data lack.")
        frame[name] = _OPS[match["op"]](frame[column], float(match["number"])).astype("int64")
    needed = [study.treatment, study.outcome, *data.covariates] + (
        [data.cluster] if data.cluster else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"{study.where}: the data from {data.source!r} lack the column(s) "
                        f"{', '.join(map(repr, missing))} named in the study.")
    if data.cluster and data.kind == "bundled":  # a user's file was checked when read
        from causal.data.files import _check_clusters

        _check_clusters(frame[data.cluster], frame[study.treatment], data.cluster,
                        data.source)
    frame.attrs.update({"study": study.name, "treatment": study.treatment,
                        "outcome": study.outcome, "covariates": list(data.covariates)})
    return frame


def _user_table(data: DataSpec, study: Any) -> pd.DataFrame:
    """A user's file or DataFrame, read through :mod:`causal.data.files` (declared columns
    only; missing values refused or dropped as ``[data] missing`` says)."""
    from causal.data.files import read_table

    if data.checked is not None:
        table = data.checked
    else:
        table = read_table(data.file, treatment=study.treatment, outcome=study.outcome,
                           covariates=data.covariates, categorical=data.categorical,
                           outcome_kind=data.outcome_kind, missing=data.missing,
                           cluster=data.cluster)
    frame = table.frame.copy()
    frame.attrs.update({"source": data.source, "simulated": False, "n_read": table.n_read,
                        "dropped": dict(table.dropped), "missing": table.missing,
                        "description": data.description or f"data from {data.source}"})
    if table.incomplete is not None:  # taken off again by causal.data.study_data
        frame.attrs["incomplete"] = table.incomplete
    return frame


def load_study_data(study: Any, world: str | None = None, random_state=None) -> pd.DataFrame:
    """The individual-level data a study declares in ``[data]``.

    Parameters
    ----------
    study : Study (loaded: causal.load_study or Study.from_frame)
    world : str, optional
        For ``source = "simulated"``: the ``[[worlds]]`` name (default: the first declared).
        Must be None for real data.
    random_state : None, int or numpy.random.Generator
        Seeds a simulated cohort. Must be None for real data, which are fixed.

    Returns
    -------
    pandas.DataFrame
        A fresh frame. ``attrs["simulated"]`` says whether it is simulated (and a simulated
        frame says so in ``attrs["description"]``); ``attrs["source"]`` names real data; a
        user's file or DataFrame also has ``attrs["dropped"]`` (rows dropped per arm).
    """
    study = loaded_study(study)
    data = _spec(study)
    if data.simulated:
        from causal.data.cohort import simulate_cohort

        frame = simulate_cohort(study, find_world(study.worlds, world, where=study.where),
                                random_state=random_state)
        frame.attrs["source"] = "simulated"
        return _prepare(frame, data, study)
    if world is not None:
        raise ParameterError(f"`world` applies only to simulated data; {study.where} reads "
                             f"{data.source!r}, got world {world!r}.")
    if random_state is not None:
        raise ParameterError(f"`random_state` applies only to simulated data; {study.where} "
                             f"reads {data.source!r}, got {random_state!r}.")
    if data.kind in ("file", "frame"):
        return _prepare(_user_table(data, study), data, study)
    return _prepare(load_source(data.source), data, study)


def load_benchmark_data(study: Any) -> pd.DataFrame:
    """The data of ``[data.benchmark]``: e.g. the NSW experiment, whose randomised contrast is
    the truth an observational estimate from NSW-treated + CPS-controls is judged against."""
    study = loaded_study(study)
    data = _spec(study)
    if not data.benchmark:
        raise ParameterError(f"`study` must have a [data.benchmark] table; {study.where} has "
                             "none.")
    frame = load_source(data.benchmark["source"])
    return _prepare(frame, data, study)


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of a canonical binary form of ``frame``, for a report's reproducibility
    section.

    Notes
    -----
    Canonical form, column by column in the frame's order: the column name (UTF-8) and a kind
    byte, then its values. Numeric and boolean columns are hashed as little-endian float64
    (so 1 and 1.0 are the same data; every NaN is one bit pattern; -0.0 is 0.0; integers beyond
    2**53 would lose their last digits), other columns as the UTF-8 text of each value followed
    by a unit separator (missing values as a lone ``\x00``). Each part is prefixed with its
    length. Equal data in the same column order give the same hash whatever the index or the
    dtype width; ``attrs`` are not part of the hash. No text serialisation of numbers: a
    million rows hash in a fraction of a second.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"`frame` must be a pandas DataFrame; got {type(frame).__name__}.")
    digest = hashlib.sha256(b"causal-data-hash/2")
    digest.update(struct.pack("<q", len(frame)))
    for name, column in frame.items():
        numeric = is_bool_dtype(column.dtype) or (
            is_numeric_dtype(column.dtype) and not isinstance(column.dtype, pd.CategoricalDtype))
        if numeric:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # -0.0 -> 0.0
            values[np.isnan(values)] = np.nan
            body = np.ascontiguousarray(values, dtype="<f8").tobytes()
        elif isinstance(column.dtype, pd.StringDtype):  # text only: no per-row objects
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            body = _joined_texts(codes, [f"{v}\x1f".encode() for v in uniques] + [b"\x00\x1f"])
        else:
            values = column.astype(object)
            if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
                # strings only: the same bytes as joining f"{v}\x1f" row by row, with the
                # text built once per distinct value (mixed types keep the row-by-row form,
                # since 1, 1.0 and True are one value to factorize but not as text)
                codes, uniques = pd.factorize(values, use_na_sentinel=True)
                texts = [f"{v}\x1f".encode() for v in uniques] + [b"\x00\x1f"]
                body = b"".join(np.asarray(texts, dtype=object)[codes].tolist())
            else:
                body = "".join("\x00\x1f" if pd.isna(v) else f"{v}\x1f"
                               for v in values).encode("utf-8")
        label = str(name).encode("utf-8")
        for part in (label, b"n" if numeric else b"t", body):
            digest.update(struct.pack("<q", len(part)))
            digest.update(part)
    return digest.hexdigest()


def _joined_texts(codes: np.ndarray, texts: list[bytes], chunk: int = 1 << 20) -> bytes:
    """``b"".join(texts[c] for c in codes)`` (code -1: the last text), built with array
    operations a chunk of rows at a time: each row's text padded to the longest in a
    fixed-width array, then the padding dropped by a mask (every text ends in the unit
    separator, so NumPy's bytes type drops no trailing NUL of ours)."""
    lengths = np.array([len(t) for t in texts])
    table = np.array(texts, dtype=f"S{max(lengths.max(), 1)}")
    width = table.itemsize
    out = []
    for lo in range(0, len(codes), chunk):
        part = codes[lo:lo + chunk]
        u8 = table[part].view(np.uint8).reshape(len(part), width)
        out.append(u8[np.arange(width) < lengths[part][:, None]].tobytes())
    return b"".join(out)


__all__ = ["Path", "data_hash", "load_benchmark_data", "load_study_data"]
