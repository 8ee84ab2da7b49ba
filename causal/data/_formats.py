"""File formats of a user's data: the suffix chooses the reader, the first bytes must agree.

Used by :mod:`causal.data.files`; every failure is one sentence (:class:`DataError`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from causal.errors import DataError, ParameterError

#: a UTF-8 byte-order mark (Excel's "CSV UTF-8") is dropped, not read into the first name
CSV_ENCODING = "utf-8-sig"
#: suffix -> format, matched case-insensitively (the suffixes a study file's [data] source
#: may name)
FORMATS: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".feather": "feather"}
_MAGIC = {b"PAR1": "a Parquet file", b"ARROW1": "a Feather (Arrow) file",
          b"FEA1": "a Feather version 1 file", b"PK\x03\x04": "a zip archive (an Excel "
          "workbook?)", b"\x1f\x8b": "a gzip archive"}


def _format(path: Path, source: str) -> str:
    if path.suffix.lower() in FORMATS:
        return FORMATS[path.suffix.lower()]
    shown = path.suffix or "(none)"
    raise DataError(f"data file {source!r} has an unsupported suffix {shown}; expected .csv, "
                    ".parquet or .feather (save a spreadsheet as CSV first).")


def _sniff(path: Path, fmt: str, source: str) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    found = next((what for magic, what in _MAGIC.items() if head.startswith(magic)), None)
    if fmt == "csv":
        ok = found is None
    else:
        ok = head.startswith({"parquet": b"PAR1", "feather": (b"ARROW1", b"FEA1")}[fmt])
    if not ok:
        kind = {"csv": "CSV", "parquet": "Parquet", "feather": "Feather"}[fmt]
        what = found or ("an empty file" if not head else "text or another format")
        raise DataError(f"data file {source!r} is not a {kind} file (it looks like {what}); "
                        "give it the suffix of its real format.")


def columns_and_rows(path: Path, fmt: str, source: str) -> tuple[list[str], int | None]:
    try:
        if fmt == "csv":
            names = [str(c) for c in pd.read_csv(path, nrows=0, encoding=CSV_ENCODING).columns]
            _check_separator(names, source)
            return names, None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            handle = pq.ParquetFile(path)
            return list(handle.schema_arrow.names), handle.metadata.num_rows
        import pyarrow as pa

        try:
            reader = pa.ipc.open_file(pa.memory_map(str(path)))
            return list(reader.schema.names), reader.count_rows()
        except pa.ArrowInvalid:
            import pyarrow.feather as feather

            table = feather.read_table(path, memory_map=True)
            return list(table.column_names), table.num_rows
    except pd.errors.EmptyDataError:
        raise DataError(f"data file {source!r} is empty.") from None
    except UnicodeDecodeError as error:
        raise _not_utf8(error, source) from None
    except (pd.errors.ParserError, OSError, ValueError) as error:
        raise _unreadable(error, fmt, source) from None


def read_frame(path: Path, fmt: str, columns: list[str], source: str) -> pd.DataFrame:
    try:
        if fmt == "csv":
            return pd.read_csv(path, usecols=columns, encoding=CSV_ENCODING)
        if fmt == "parquet":
            return pd.read_parquet(path, columns=columns)
        return pd.read_feather(path, columns=columns)
    except UnicodeDecodeError as error:
        raise _not_utf8(error, source) from None
    except (pd.errors.ParserError, OSError, ValueError) as error:
        raise _unreadable(error, fmt, source) from None


def _not_utf8(error: UnicodeDecodeError, source: str) -> DataError:
    return DataError(f"data file {source!r} is not UTF-8 text (byte {error.start} cannot be "
                     "decoded); save it as \"CSV UTF-8\" and read it again.")


def _unreadable(error: Exception, fmt: str, source: str) -> DataError:
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return DataError(f"data file {source!r} could not be read as {fmt} ({first}).")


def _check_separator(names: list[str], source: str) -> None:
    """A CSV saved with ';' or tabs reads as one column named 'a;b;c'."""
    if len(names) == 1:
        for separator, word in ((";", "semicolons"), ("\t", "tabs")):
            if separator in names[0]:
                raise DataError(f"data file {source!r} has a single column {names[0]!r}: its "
                                f"values are separated by {word}, not commas; save it as a "
                                "comma-separated CSV.")


def open_file(path: str | Path) -> tuple[Path, str, str]:
    """The path, its format and its name for messages, after the file-level checks."""
    if not isinstance(path, (str, Path)):
        raise ParameterError(f"`path` must be a file path; got {type(path).__name__}.")
    source = str(path)
    path = Path(path)
    if not path.exists():
        raise DataError(f"data file {source!r} not found (no such file: {path.resolve()}).")
    if not path.is_file():
        raise DataError(f"data file {source!r} is a directory, not a file.")
    fmt = _format(path, source)
    _sniff(path, fmt, source)
    return path, fmt, source
