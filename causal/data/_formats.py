"""File formats of a user's data: the suffix chooses the reader, the first bytes must agree.

Used by :mod:`causal.data.files`; every failure is one sentence (:class:`DataError`).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import stat
from dataclasses import dataclass
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


#: Columns a data file's header may have. The header is split by the standard library's C
#: tokenizer; pandas' ``read_csv(nrows=0)`` took minutes on 10^5-10^6 names (3*10^5 columns
#: 35 s, 10^6 > 180 s). Reading only the declared columns of a 5*10^4-column file takes
#: 0.15 s, of a 10^6-column file 11.6 s (6 rows; 2 cores at load 5), so wider files are
#: refused, with this number in the sentence.
MAX_DATA_COLUMNS = 50_000
#: Characters of a value or a row quoted in a message; longer ones are cut in the middle.
MAX_QUOTED = 60


def shorten(text: object, limit: int = MAX_QUOTED) -> str:
    """``text`` as a string of at most ``limit`` characters (cut in the middle, with the
    length said), so that a message never echoes a huge value from the user's data."""
    text = str(text)
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]}...{text[-(limit - head - 3):]} ({len(text):,} characters)"


@dataclass(frozen=True)
class FileBytes:
    """A data file read in one pass: its bytes, their SHA-256 and the ``stat`` identity
    (device, inode, size, modification time) that was the same before and after reading."""

    data: bytes
    sha256: str
    identity: tuple[int, int, int, int]


def _identity(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def available_memory() -> int | None:
    """``MemAvailable`` of ``/proc/meminfo`` in bytes (Linux); None where it is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def read_bytes(path: Path, source: str) -> FileBytes:
    """Read a regular file once, refusing one that changes while it is read.

    The file is opened without following a FIFO's writer (``O_NONBLOCK``), checked to be a
    regular file by ``fstat`` of the open descriptor and to be no larger than the memory
    available (:func:`available_memory`; a sparse 100 GB file was read until memory ran
    out), read to the end, and ``fstat``-ed
    again; the path is ``stat``-ed again too, so that a file replaced by a rename in the
    meantime is caught. Any difference in device, inode, size or modification time (or a
    byte count that is not the size) is a :class:`DataError`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _os_error(error, source) from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise DataError(f"data file {source!r} is {_kind(before.st_mode)}, not a regular "
                            "file.")
        available = available_memory()
        if available is not None and before.st_size > available:
            # read whole (one read, one hash), so it must fit in memory with room to spare
            raise DataError(f"data file {source!r} is {before.st_size / 1e9:,.1f} GB, more "
                            f"than the {available / 1e9:,.1f} GB of memory available to read "
                            "it; keep the rows and columns the study uses and save it again.")
        chunks = []
        with os.fdopen(fd, "rb", closefd=False) as handle:
            while chunk := handle.read(1 << 24):
                chunks.append(chunk)
        data = b"".join(chunks)
        after = os.fstat(fd)
    except OSError as error:
        raise _os_error(error, source) from None
    finally:
        os.close(fd)
    try:
        now = os.stat(path)
    except OSError:
        now = None
    if (now is None or len(data) != before.st_size or
            not _identity(before) == _identity(after) == _identity(now)):
        raise DataError(f"data file {source!r} changed while it was being read; run again "
                        "once whatever is writing it has finished.")
    return FileBytes(data, hashlib.sha256(data).hexdigest(), _identity(before))


def unchanged(path: Path, read: FileBytes, source: str) -> None:
    """Refuse if the file at ``path`` is no longer the one that was read."""
    try:
        same = _identity(os.stat(path)) == read.identity
    except OSError:
        same = False
    if not same:
        raise DataError(f"data file {source!r} changed while it was being read; run again "
                        "once whatever is writing it has finished.")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _os_error(error: OSError, source: str) -> DataError:
    reasons = {errno.ENOENT: "not found", errno.ELOOP: "a symbolic link that loops (or "
               "too many levels of links)", errno.ENAMETOOLONG: "a name too long for the "
               "file system", errno.EACCES: "not readable (permission denied)",
               errno.EPERM: "not readable (operation not permitted)",
               errno.ENOTDIR: "under something that is not a folder",
               errno.EISDIR: "a directory, not a file"}
    reason = reasons.get(error.errno, f"not readable ({error.strerror or error})")
    return DataError(f"data file {shorten(source, 120)!r} cannot be read: it is {reason}.")


def _sniff_bytes(head: bytes, fmt: str, source: str) -> None:
    head = head[:8]
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


def _csv_text(raw: bytes, source: str) -> str:
    try:
        return raw.decode(CSV_ENCODING)
    except UnicodeDecodeError as error:
        raise _not_utf8(error, source) from None


def csv_header(raw: FileBytes, source: str) -> list[str]:
    """The names in a CSV file's header, as pandas names them (an empty name is
    ``Unnamed: i``), refusing duplicates and more than :data:`MAX_DATA_COLUMNS` names."""
    text = raw.data[3:] if raw.data.startswith(b"\xef\xbb\xbf") else raw.data
    # the first logical record (a quoted name may hold a newline), after blank lines
    stream = io.StringIO(_csv_text(text[:1 << 26], source), newline="")
    try:
        rows = csv.reader(stream, strict=False)
        names = next((row for row in rows if row), None)
    except csv.Error as error:
        raise DataError(f"data file {source!r} has a header that cannot be read as CSV "
                        f"({error}).") from None
    if names is None:
        raise DataError(f"data file {source!r} is empty.")
    if len(names) > MAX_DATA_COLUMNS:
        raise DataError(f"data file {source!r} has {len(names):,} columns, more than the "
                        f"{MAX_DATA_COLUMNS:,} a data file may have (the budget "
                        "causal.data._formats.MAX_DATA_COLUMNS); keep the columns the study "
                        "uses and save it again.")
    names = [name if name != "" else f"Unnamed: {i}" for i, name in enumerate(names)]
    _refuse_repeated(names, source)
    _check_separator(names, source)
    return names


def _refuse_repeated(names: list[str], source: str) -> None:
    """Two columns of one name (which of them a study means is anyone's guess)."""
    seen: set[str] = set()
    repeated = []
    for name in names:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    if repeated:
        listed = ", ".join(repr(shorten(n)) for n in repeated[:3])
        raise DataError(f"data file {source!r} has more than one column named {listed} in "
                        "its header; rename them so that each name is unique.")


def _check_field_counts(raw: FileBytes, n_names: int, source: str) -> None:
    """Every CSV row has as many fields as the header (pandas, reading only the declared
    columns, silently drops extra fields and fills missing ones)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = raw.data[3:] if raw.data.startswith(b"\xef\xbb\xbf") else raw.data
    first = "c0"
    try:
        reader = pacsv.open_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(n_names)],
                                           skip_rows=0, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(include_columns=[first],
                                                 column_types={first: pa.string()}))
        for _ in reader:
            pass
    except pa.ArrowInvalid as error:
        text = str(error)
        marker = "Expected "
        if marker in text and "columns, got" in text:
            counts, _, row = text.partition(marker)[2].partition(": ")
            got = counts.split("got ")[-1]
            raise DataError(f"data file {source!r} has a row with {got} fields where the "
                            f"header has {n_names} ({shorten(row)!r}); a decimal comma, or a "
                            "comma inside a value that is not quoted? Fix the row (or quote "
                            "the value) and read it again.") from None
        raise DataError(f"data file {source!r} could not be read as CSV "
                        f"({shorten(text.splitlines()[0] if text else text, 120)}).") from None


def columns_and_rows(raw: FileBytes, fmt: str, source: str) -> tuple[list[str], int | None]:
    try:
        if fmt == "csv":
            names = csv_header(raw, source)
            return names, None
        import pyarrow as pa

        if fmt == "parquet":
            import pyarrow.parquet as pq

            handle = pq.ParquetFile(pa.BufferReader(raw.data))
            names = list(handle.schema_arrow.names)
            rows: int | None = handle.metadata.num_rows
        else:
            try:
                reader = pa.ipc.open_file(pa.BufferReader(raw.data))
                names, rows = list(reader.schema.names), reader.count_rows()
            except pa.ArrowInvalid:
                import pyarrow.feather as feather

                table = feather.read_table(pa.BufferReader(raw.data))
                names, rows = list(table.column_names), table.num_rows
        if len(names) > MAX_DATA_COLUMNS:
            raise DataError(f"data file {source!r} has {len(names):,} columns, more than the "
                            f"{MAX_DATA_COLUMNS:,} a data file may have (the budget "
                            "causal.data._formats.MAX_DATA_COLUMNS).")
        _refuse_repeated(names, source)
        return names, rows
    except (OSError, ValueError) as error:
        if isinstance(error, DataError):
            raise
        raise _unreadable(error, fmt, source) from None


def _schema(raw: FileBytes, fmt: str):
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_schema(pa.BufferReader(raw.data))
    try:
        return pa.ipc.open_file(pa.BufferReader(raw.data)).schema
    except pa.ArrowInvalid:
        import pyarrow.feather as feather

        return feather.read_table(pa.BufferReader(raw.data)).schema


def _refuse_nested(schema, columns: list[str], source: str) -> None:
    import pyarrow.types as pat

    for column in columns:
        kind = schema.field(column).type
        if (pat.is_list(kind) or pat.is_large_list(kind) or pat.is_fixed_size_list(kind) or
                pat.is_struct(kind) or pat.is_map(kind) or pat.is_union(kind) or
                pat.is_dictionary(kind) and not pat.is_string(kind.value_type) and
                not pat.is_large_string(kind.value_type)):
            what = ("a map" if pat.is_map(kind) else "a struct" if pat.is_struct(kind) else
                    "a list" if "list" in str(kind) else f"a {kind}")
            raise DataError(f"column {shorten(column)!r} in data file {source!r} holds {what} "
                            f"in each row ({shorten(kind)}), not one number or category; "
                            "flatten it into ordinary columns first.")


def read_frame(raw: FileBytes, fmt: str, columns: list[str], source: str,
               n_names: int | None = None) -> pd.DataFrame:
    """The declared ``columns`` of a file already read (``n_names``: the CSV header's
    length, for the field-count check of every row)."""
    try:
        if fmt == "csv":
            _check_field_counts(raw, n_names or len(columns), source)
            return pd.read_csv(io.BytesIO(raw.data), usecols=columns, encoding=CSV_ENCODING)
        _refuse_nested(_schema(raw, fmt), columns, source)
        if fmt == "parquet":
            return pd.read_parquet(io.BytesIO(raw.data), columns=columns)
        return pd.read_feather(io.BytesIO(raw.data), columns=columns)
    except UnicodeDecodeError as error:
        raise _not_utf8(error, source) from None
    except (pd.errors.ParserError, OSError, ValueError) as error:
        if isinstance(error, DataError):
            raise
        raise _unreadable(error, fmt, source) from None


def _not_utf8(error: UnicodeDecodeError, source: str) -> DataError:
    return DataError(f"data file {source!r} is not UTF-8 text (byte {error.start} cannot be "
                     "decoded); save it as \"CSV UTF-8\" and read it again.")


def _unreadable(error: Exception, fmt: str, source: str) -> DataError:
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return DataError(f"data file {source!r} could not be read as {fmt} "
                     f"({shorten(first, 160)}).")


def _check_separator(names: list[str], source: str) -> None:
    """A CSV saved with ';' or tabs reads as one column named 'a;b;c'."""
    if len(names) == 1:
        for separator, word in ((";", "semicolons"), ("\t", "tabs")):
            if separator in names[0]:
                raise DataError(f"data file {source!r} has a single column "
                                f"{shorten(names[0])!r}: its "
                                f"values are separated by {word}, not commas; save it as a "
                                "comma-separated CSV.")


def open_file(path: str | Path) -> tuple[Path, str, str]:
    """The path, its format and its name for messages, after the checks that need no
    reading (the file's kind, by ``stat``)."""
    if not isinstance(path, (str, Path)):
        raise ParameterError(f"`path` must be a file path; got {type(path).__name__}.")
    source = str(path)
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ENOENT:
            where = os.path.abspath(path)
            raise DataError(f"data file {shorten(source, 120)!r} not found (no such file: "
                            f"{shorten(where, 160)}).") from None
        raise _os_error(error, source) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"data file {shorten(source, 120)!r} is a directory, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"data file {shorten(source, 120)!r} is {_kind(info.st_mode)}, not a "
                        "regular file.")
    fmt = _format(path, source)
    return path, fmt, source


def read_file(path: Path, fmt: str, source: str) -> FileBytes:
    """The file's bytes (read once, see :func:`read_bytes`), checked against its suffix."""
    raw = read_bytes(path, source)
    _sniff_bytes(raw.data, fmt, source)
    return raw
