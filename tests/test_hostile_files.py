"""Hostile data files through the reader (causal.data.files.read_table / read_columns).

Every file is written here into tmp_path; each test checks the one sentence and that the
folder holding the data is exactly as it was (tests/_untouched.py). The cases are those of
issue 26: a row with an extra field (a decimal comma), a short row, duplicate header names, a
file changed while it is read, Parquet list/struct/map columns in each role, a symbolic-link
loop, a 300-character name, an unreadable file, a FIFO, a 10^6-column header.
"""

from __future__ import annotations

import errno
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal.data import _formats
from causal.data.files import read_columns, read_table
from causal.errors import CausalError, DataError
from tests._untouched import snapshot

ARGS = dict(treatment="t", outcome="y", covariates=["x1", "x2"])
ROWS = "t,y,x1,x2\n1,0,0.5,3\n0,1,0.25,4\n1,1,0.75,5\n0,0,0.1,6\n"


def _refused(path, match, **kwargs):
    before = snapshot(path.parent)
    with pytest.raises(DataError, match=match) as raised:
        read_table(path, **{**ARGS, **kwargs})
    assert snapshot(path.parent) == before
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 600
    return str(raised.value)


def test_a_clean_file_reads_and_records_its_hash(tmp_path):
    import hashlib

    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    table = read_table(path, **ARGS)
    assert table.frame["x1"].tolist() == [0.5, 0.25, 0.75, 0.1]
    assert table.file_sha256 == hashlib.sha256(ROWS.encode()).hexdigest()


def test_case5_extra_field_from_a_decimal_comma_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(ROWS + "1,0,0,25,0.92\n")
    message = _refused(path, r"has a row with 5 fields where the header has 4 "
                             r"\('1,0,0,25,0.92'\); a decimal comma")
    assert "data file" in message


def test_a_short_row_is_refused_even_when_the_missing_field_is_not_declared(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,y,x1,x2,extra\n1,0,0.5,3,a\n0,1,0.25,4\n1,1,0.75,5,c\n0,0,1,6,d\n")
    _refused(path, r"has a row with 4 fields where the header has 5")


def test_quoted_commas_and_newlines_are_fields_not_errors(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('t,y,x1,x2,note\n1,0,0.5,3,"a, b"\n0,1,0.25,4,"two\nlines"\n'
                    '1,1,0.75,5,c\n0,0,0.1,6,d\n')
    assert read_table(path, **ARGS).n_read == 4


def test_case6_duplicate_header_names_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,y,x1,x2,t\n1,0,0.5,3,0\n0,1,0.25,4,1\n1,1,0.75,5,1\n0,0,0.1,6,0\n")
    _refused(path, r"more than one column named 't' in its header; rename them")
    with pytest.raises(DataError, match="more than one column named 't'"):
        read_columns(path)


@pytest.mark.parametrize("suffix", ["parquet", "feather"])
def test_case6_duplicate_names_in_parquet_and_feather_are_the_files_fault(tmp_path, suffix):
    """A Parquet file with two columns named 'x1': `causal init` said "each column may be
    declared once among treatment, outcome and covariates" (the user declared nothing)."""
    import pyarrow.feather as feather

    table = pa.Table.from_arrays([pa.array([1, 0, 1, 0]), pa.array([0, 1, 1, 0]),
                                  pa.array([0.5, 0.25, 0.75, 0.1]), pa.array([3, 4, 5, 6])],
                                 names=["t", "y", "x1", "x1"])
    path = tmp_path / f"d.{suffix}"
    (pq.write_table if suffix == "parquet" else feather.write_feather)(table, path)
    _refused(path, r"has more than one column named 'x1' in its header", covariates=["x1"])
    with pytest.raises(DataError, match="more than one column named 'x1'"):
        read_columns(path)


def test_case4_a_file_changed_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    real = os.fstat
    calls = []

    def fstat_after_a_writer(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second fstat, after reading: a writer appended meanwhile
            with open(path, "a") as handle:
                handle.write("1,1,0.3,7\n")
        return real(fd)

    monkeypatch.setattr(_formats.os, "fstat", fstat_after_a_writer)
    with pytest.raises(DataError, match=r"changed while it was being read; run again"):
        read_table(path, **ARGS)


def test_a_file_replaced_by_rename_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    real = os.stat
    calls = []

    def stat_after_a_rename(target, *args, **kwargs):
        calls.append(target)
        if len(calls) == 2:  # after reading: the file at the path is another one now
            (tmp_path / "new.csv").write_text(ROWS)
            os.replace(tmp_path / "new.csv", path)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(_formats.os, "stat", stat_after_a_rename)
    with pytest.raises(DataError, match=r"changed while it was being read"):
        read_table(path, **ARGS)


NESTED = {"list": pa.array([[1, 2], [3], [4], [5]]),
          "struct": pa.array([{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}]),
          "map": pa.array([[("k", 1)], [("k", 2)], [("k", 3)], [("k", 4)]],
                          type=pa.map_(pa.string(), pa.int64()))}


@pytest.mark.parametrize("kind", sorted(NESTED))
@pytest.mark.parametrize("role", ["treatment", "covariate", "categorical"])
def test_parquet_nested_columns_are_refused_in_every_role(tmp_path, kind, role):
    columns = {"t": pa.array([1, 0, 1, 0]), "y": pa.array([0, 1, 1, 0]),
               "x1": pa.array([0.5, 0.25, 0.75, 0.1]), "x2": pa.array([3, 4, 5, 6]),
               "n": NESTED[kind]}
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table(columns), path)
    if role == "treatment":
        args = dict(treatment="n", outcome="y", covariates=["x1"])
    else:
        args = dict(treatment="t", outcome="y", covariates=["x1", "n"],
                    categorical=["n"] if role == "categorical" else [])
    _refused(path, rf"column 'n' in data file .* holds a {kind} in each row .*flatten it",
             **args)


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    _refused(tmp_path / "a.csv", r"cannot be read: it is a symbolic link that loops")


def test_a_300_character_name_is_refused(tmp_path):
    _refused(tmp_path / ("x" * 300 + ".csv"), r"cannot be read: it is a name too long")


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(_formats.os, "open", denied)  # chmod is no barrier when run as root
    _refused(path, r"cannot be read: it is not readable \(permission denied\)")


def test_a_fifo_is_named_as_such_and_never_opened(tmp_path):
    os.mkfifo(tmp_path / "d.csv")  # opening it for reading would block without a writer
    _refused(tmp_path / "d.csv", r"is a named pipe \(FIFO\), not a regular file")


def test_a_million_column_header_is_refused_by_the_budget(tmp_path):
    path = tmp_path / "wide.csv"
    names = ["t", "y", "x1", "x2", *(f"c{i}" for i in range(10**6 - 4))]
    path.write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n")
    _refused(path, r"has 1,000,000 columns, more than the 50,000 a data file may have "
                   r"\(the budget causal.data._formats.MAX_DATA_COLUMNS\)")


def test_a_file_larger_than_the_memory_is_refused_before_reading(tmp_path, monkeypatch):
    """A sparse 100 GB file named .csv was read until memory ran out (no answer within 60 s);
    the size is compared with the memory available before any byte is read."""
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.write(ROWS.encode())
        handle.truncate(3 * 10**9)  # sparse: no disk used
    monkeypatch.setattr(_formats, "available_memory", lambda: 2 * 10**9)
    reads = []
    real = _formats.os.fdopen
    monkeypatch.setattr(_formats.os, "fdopen", lambda *a, **k: reads.append(a) or real(*a, **k))
    with pytest.raises(DataError, match=r"data file '.*big.csv' is 3.0 GB, more than the "
                                        r"2.0 GB of memory available to read it"):
        read_table(path, **ARGS)
    assert reads == []
    # (no snapshot: hashing 3 GB of zeros twice would cost most of a minute)
    assert [(p.name, p.stat().st_size) for p in tmp_path.iterdir()] == [("big.csv", 3 * 10**9)]


def test_a_huge_value_is_not_echoed_in_full(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,y,x1,x2\n" + "z" * 5_000_000 + ",0,1,2\n0,1,2,3\n")
    message = _refused(path, r"treatment 't'|'t'")
    assert len(message) < 600


# --------------------------------------------------------------------- property tests --
CELL = st.one_of(st.integers(-5, 5).map(str), st.floats(allow_nan=False, width=32).map(str),
                 st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
                 st.sampled_from(["", "NA", "?", "1,5", '"', "\n", "0,0"]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["t", "y", "x1", "x2", "", "t ", "x1"]), min_size=1,
                       max_size=6),
       rows=st.lists(st.lists(CELL, max_size=7), max_size=6),
       tail=st.sampled_from(["", "\n", "\r\n"]))
def test_the_reader_raises_only_its_own_errors(tmp_path_factory, header, rows, tail):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "d.csv"
    text = "\n".join([",".join(header), *(",".join(r) for r in rows)]) + tail
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    before = snapshot(folder)
    try:
        table = read_table(path, **ARGS)
    except CausalError as error:
        assert "\n" not in str(error).strip() or "changed" not in str(error)
    else:
        assert list(table.frame.columns) == ["t", "y", "x1", "x2"]
        assert set(table.frame["t"]) == {0, 1}
    assert snapshot(folder) == before


# ------------------------------------------- the same files through the command line --
def _extra_field(path):
    path.write_text(ROWS + "1,0,0,25,0.92\n")


def _duplicate(path):
    path.write_text("t,y,x1,x2,t\n1,0,0.5,3,0\n0,1,0.25,4,1\n1,1,0.75,5,1\n0,0,0.1,6,0\n")


def _loop(path):
    path.unlink()
    path.symlink_to(path.with_name("loop.csv"))
    path.with_name("loop.csv").symlink_to(path)


def _fifo(path):
    path.unlink()
    os.mkfifo(path)


def _wide(path):
    names = ["t", "y", "x1", "x2", *(f"c{i}" for i in range(60_000))]
    path.write_text(",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n")


def _huge_value(path):
    path.write_text("t,y,x1,x2\n" + "z" * 1_000_000 + ",0,1,2\n0,1,2,3\n")


HOSTILE = {"extra field": (_extra_field, "has a row with 5 fields where the header has 4"),
           "duplicate header": (_duplicate, "more than one column named 't'"),
           "symlink loop": (_loop, "a symbolic link that loops"),
           "fifo": (_fifo, "is a named pipe (FIFO), not a regular file"),
           "wide": (_wide, "more than the 50,000 a data file may have"),
           "huge value": (_huge_value, "characters)")}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_through_init_and_a_study_source(capsys, tmp_path, monkeypatch, case):
    from causal.cli import main

    monkeypatch.chdir(tmp_path)
    make, sentence = HOSTILE[case]
    data = tmp_path / "d.csv"
    data.write_text(ROWS + ROWS.split("\n", 1)[1] * 2)
    assert main(["init", "d.csv", "--treatment", "t", "--outcome", "y"]) == 0
    capsys.readouterr()
    make(data)  # the study's [data] source is now hostile
    (tmp_path / "d.toml").rename(tmp_path / "study.toml")
    (tmp_path / "d.dot").rename(tmp_path / "study.dot")
    (tmp_path / "study.toml").write_text((tmp_path / "study.toml").read_text().replace(
        '"d.dot"', '"study.dot"'))
    before = snapshot(tmp_path)
    for argv in (["init", "d.csv", "--treatment", "t", "--outcome", "y"],
                 ["estimate", "study.toml"]):
        status = main(argv)
        err = capsys.readouterr().err
        assert status == 2, (argv, err)
        assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 800, err
        assert sentence in err, err
        assert snapshot(tmp_path) == before
