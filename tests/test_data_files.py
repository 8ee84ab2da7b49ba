"""The user's own data files: causal.data.files.read_table and check_frame.

Every file is written by the test into tmp_path; every expected number is counted by hand from
the small frames written here (e.g. "3 distinct values" for a column holding 0, 1, 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal.data.files import BYTES_PER_CELL, TableData, check_frame, memory_needed, read_table
from causal.errors import CausalError, DataError, ParameterError


def _frame() -> pd.DataFrame:
    """Eight rows, four treated; 'region' is text, 'extra' is never declared."""
    return pd.DataFrame({
        "treated": [1, 1, 1, 1, 0, 0, 0, 0],
        "recovered": [1, 0, 1, 1, 0, 0, 1, 0],
        "weight": [70.5, 80.0, 65.2, 90.1, 75.0, 68.3, 82.4, 77.7],
        "age": [30, 41, 52, 63, 34, 45, 56, 67],
        "region": ["north", "south", "north", "east", "south", "east", "north", "south"],
        "extra": list("abcdefgh"),
    })


ARGS = dict(treatment="treated", outcome="recovered", covariates=["age", "region"],
            categorical=["region"])


def _write(frame: pd.DataFrame, path):
    suffix = path.name.lower().split(".", 1)[1]
    if suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_feather(path)
    return path


# ---------------------------------------------------------------------- reading formats --
@pytest.mark.parametrize("name", ["cohort.csv", "cohort.parquet",
                                  "cohort.feather", "COHORT.CSV"])
def test_each_format_reads_only_the_declared_columns(tmp_path, name):
    path = _write(_frame(), tmp_path / name)
    table = read_table(path, outcome_kind="binary", **ARGS)
    assert isinstance(table, TableData)
    assert list(table.frame.columns) == ["treated", "recovered", "age", "region"]
    assert table.frame["treated"].dtype == np.int64
    assert table.frame["recovered"].dtype == np.int64
    assert table.frame["age"].dtype == np.int64
    assert table.frame["region"].tolist() == _frame()["region"].tolist()
    assert (table.source, table.n_read, table.dropped, table.missing) == \
        (str(path), 8, {}, "refuse")
    assert table.n_used == 8


def test_csv_reads_only_declared_columns(tmp_path, monkeypatch):
    """The reader passes usecols: an undeclared column that would fail to parse is never read."""
    path = _write(_frame(), tmp_path / "c.csv")
    seen = {}
    original = pd.read_csv

    def spy(*args, **kwargs):
        seen.setdefault("calls", []).append(kwargs.get("usecols"))
        return original(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy)
    read_table(path, **ARGS)
    assert seen["calls"][-1] == ["treated", "recovered", "age", "region"]


def test_parquet_reads_only_declared_columns(tmp_path, monkeypatch):
    path = _write(_frame(), tmp_path / "c.parquet")
    seen = {}
    original = pd.read_parquet

    def spy(*args, **kwargs):
        seen["columns"] = kwargs.get("columns")
        return original(*args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", spy)
    read_table(path, **ARGS)
    assert seen["columns"] == ["treated", "recovered", "age", "region"]


def test_continuous_outcome_and_float_treatment(tmp_path):
    frame = _frame().assign(treated=lambda f: f["treated"].astype(float))
    table = read_table(_write(frame, tmp_path / "c.parquet"), treatment="treated",
                       outcome="weight", covariates=["age"], outcome_kind="continuous")
    assert table.frame["treated"].dtype == np.int64
    assert table.frame["weight"].dtype == np.float64
    np.testing.assert_array_equal(table.frame["weight"], frame["weight"])


def test_summary_counts_arms(tmp_path):
    table = check_frame(_frame(), **ARGS)
    summary = table.summary()
    assert summary.to_dict("records") == [
        {"arm": "treated", "rows_used": 4, "rows_dropped": 0},
        {"arm": "control", "rows_used": 4, "rows_dropped": 0}]


# ------------------------------------------------------------------- never mutate input --
def test_check_frame_returns_a_new_frame_and_leaves_the_callers_alone():
    frame = _frame().assign(treated=lambda f: f["treated"].astype(bool))
    frame.attrs["note"] = ["kept"]
    frame.loc[2, "age"] = np.nan
    before = frame.copy(deep=True)
    table = check_frame(frame, missing="complete_case", **ARGS)
    table.frame.loc[0, "age"] = -1.0
    table.frame.attrs["added"] = True
    pd.testing.assert_frame_equal(frame, before)
    assert frame.attrs == {"note": ["kept"]}
    assert table.frame.index.equals(pd.RangeIndex(7))


def test_check_frame_shares_no_memory_with_the_callers_frame():
    frame = _frame().astype({"age": "float64"})
    table = check_frame(frame, treatment="treated", outcome="weight", covariates=["age"])
    for column in ("treated", "weight", "age"):
        assert not np.shares_memory(table.frame[column].to_numpy(), frame[column].to_numpy())


# -------------------------------------------------------------------- file-level errors --
def test_missing_file(tmp_path):
    with pytest.raises(DataError, match=r"data file '.*nope\.csv' not found \(no such file"):
        read_table(tmp_path / "nope.csv", **ARGS)


def test_directory(tmp_path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(DataError, match=r"is a directory, not a file"):
        read_table(tmp_path / "d.csv", **ARGS)


@pytest.mark.parametrize("name, shown", [("c.xlsx", r"\.xlsx"), ("c.txt", r"\.txt"),
                                         ("c.csv.gz", r"\.gz"),
                                         ("cohort", r"\(none\)")])
def test_unsupported_suffix(tmp_path, name, shown):
    (tmp_path / name).write_text("treated,recovered\n1,0\n")
    with pytest.raises(DataError, match=rf"has an unsupported suffix {shown}; expected \.csv, "
                                        r"\.parquet or \.feather"):
        read_table(tmp_path / name, **ARGS)


def test_parquet_named_csv(tmp_path):
    _frame().to_parquet(tmp_path / "c.csv")
    with pytest.raises(DataError, match=r"is not a CSV file \(it looks like a Parquet file\); "
                                        "give it the suffix of its real format"):
        read_table(tmp_path / "c.csv", **ARGS)


def test_csv_named_parquet(tmp_path):
    _frame().to_csv(tmp_path / "c.parquet", index=False)
    with pytest.raises(DataError, match=r"is not a Parquet file \(it looks like text or another "
                                        r"format\)"):
        read_table(tmp_path / "c.parquet", **ARGS)


def test_parquet_named_feather(tmp_path):
    _frame().to_parquet(tmp_path / "c.feather")
    with pytest.raises(DataError, match=r"is not a Feather file \(it looks like a Parquet"):
        read_table(tmp_path / "c.feather", **ARGS)


def test_zip_named_csv(tmp_path):
    (tmp_path / "c.csv").write_bytes(b"PK\x03\x04rest of an xlsx")
    with pytest.raises(DataError, match=r"not a CSV file \(it looks like a zip archive \(an "
                                        r"Excel workbook\?\)\)"):
        read_table(tmp_path / "c.csv", **ARGS)


def test_empty_csv(tmp_path):
    (tmp_path / "c.csv").write_text("")
    with pytest.raises(DataError, match=r"data file '.*c\.csv' is empty\."):
        read_table(tmp_path / "c.csv", **ARGS)


def test_truncated_parquet(tmp_path):
    _frame().to_parquet(tmp_path / "c.parquet")
    data = (tmp_path / "c.parquet").read_bytes()
    (tmp_path / "c.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"could not be read as parquet \("):
        read_table(tmp_path / "c.parquet", **ARGS)


def test_header_only(tmp_path):
    (tmp_path / "c.csv").write_text("treated,recovered,age,region\n")
    with pytest.raises(DataError, match=r"c\.csv has no rows\."):
        read_table(tmp_path / "c.csv", **ARGS)


# ----------------------------------------------------------------------- missing columns --
def test_missing_column_with_suggestion(tmp_path):
    path = _write(_frame(), tmp_path / "c.csv")
    with pytest.raises(DataError, match=r"c\.csv has no column 'treatment' \(the treatment, did "
                                        r"you mean 'treated'\); its columns are 'treated', "):
        read_table(path, treatment="treatment", outcome="recovered", covariates=[])


def test_missing_column_case_and_no_suggestion(tmp_path):
    path = _write(_frame(), tmp_path / "c.parquet")
    with pytest.raises(DataError, match=r"has no column 'AGE' \(a covariate, did you mean "
                                        r"'age'\); no column 'zzz' \(a covariate\); its columns"):
        read_table(path, treatment="treated", outcome="recovered", covariates=["AGE", "zzz"])


def test_missing_column_in_frame():
    with pytest.raises(DataError, match=r"^DataFrame has no column 'recovery' \(the outcome, did "
                                        r"you mean 'recovered'\)"):
        check_frame(_frame(), treatment="treated", outcome="recovery", covariates=[])


def test_duplicate_column_in_frame():
    frame = pd.concat([_frame(), _frame()[["age"]]], axis=1)
    with pytest.raises(DataError, match=r"has more than one column named 'age'; rename them"):
        check_frame(frame, **ARGS)


# ---------------------------------------------------------------------------- treatment --
def test_treatment_three_values():
    frame = _frame().assign(treated=[0, 1, 2, 1, 0, 1, 0, 0])
    with pytest.raises(DataError, match=r"the treatment 'treated' in DataFrame must be binary 0/1 "
                                        r"\(1 = treated\); found 3 distinct values: 0, 1, 2\."):
        check_frame(frame, **ARGS)


def test_treatment_many_values_are_elided():
    frame = _frame().assign(treated=[0.5, 1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(DataError, match=r"found 8 distinct values: 0\.5, 1, 2, 3, 4, \.\.\.\."):
        check_frame(frame, **ARGS)


def test_treatment_stored_as_text(tmp_path):
    frame = _frame().assign(treated=lambda f: f["treated"].astype(str))
    path = tmp_path / "c.parquet"
    frame.to_parquet(path)
    with pytest.raises(DataError, match=r"the treatment 'treated' in .*c\.parquet is stored as "
                                        r"text \(found 2 distinct values: '0', '1'\); convert it "
                                        r"to numbers 0/1 \(1 = treated\)\."):
        read_table(path, **ARGS)


def test_treatment_words():
    frame = _frame().assign(treated=["yes", "no"] * 4)
    with pytest.raises(DataError, match=r"must be numeric 0/1 \(1 = treated\); found 2 distinct "
                                        r"values: 'no', 'yes'\."):
        check_frame(frame, **ARGS)


def test_treatment_single_arm():
    frame = _frame().assign(treated=1)
    with pytest.raises(DataError, match=r"must have both arms, 0 and 1; every one of its 8 rows "
                                        r"is treated \(1\)\."):
        check_frame(frame, **ARGS)


def test_booleans_are_0_1():
    frame = _frame().assign(treated=lambda f: f["treated"] == 1,
                            recovered=lambda f: f["recovered"] == 1)
    table = check_frame(frame, outcome_kind="binary", **ARGS)
    assert table.frame["treated"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert table.frame["recovered"].tolist() == [1, 0, 1, 1, 0, 0, 1, 0]


# ------------------------------------------------------------------------------ outcome --
def test_binary_outcome_not_binary():
    with pytest.raises(DataError, match=r"the outcome 'weight' in DataFrame must be binary 0/1 "
                                        r"\(for an odds ratio, risk ratio or risk difference\); "
                                        r"found 8 distinct values: 65\.2, 68\.3, 70\.5, 75, 77\.7, "
                                        r"\.\.\.; declare a mean difference \(MD\)"):
        check_frame(_frame(), treatment="treated", outcome="weight", covariates=[],
                    outcome_kind="binary")


def test_outcome_text_for_continuous():
    with pytest.raises(DataError, match=r"the outcome 'region' in DataFrame must be numeric \(for "
                                        r"a mean difference\); found 3 distinct values: 'east', "
                                        r"'north', 'south'\."):
        check_frame(_frame(), treatment="treated", outcome="region", covariates=[],
                    outcome_kind="continuous")


def test_outcome_numbers_as_text():
    frame = _frame().assign(recovered=lambda f: f["recovered"].astype(str))
    with pytest.raises(DataError, match=r"the outcome 'recovered' in DataFrame is stored as text "
                                        r"\(found 2 distinct values: '0', '1'\); convert it to "
                                        r"numbers 0/1\."):
        check_frame(frame, outcome_kind="binary", **ARGS)


def test_outcome_infinite():
    frame = _frame().assign(weight=[np.inf, 1, 2, 3, 4, 5, 6, -np.inf])
    with pytest.raises(DataError, match=r"the outcome 'weight' in DataFrame has 2 infinite "
                                        r"value\(s\); replace them"):
        check_frame(frame, treatment="treated", outcome="weight", covariates=[])


def test_binary_outcome_accepted_as_continuous():
    """A 0/1 outcome is a number: a mean difference of it is a risk difference."""
    table = check_frame(_frame(), treatment="treated", outcome="recovered", covariates=[],
                        outcome_kind="continuous")
    assert table.frame["recovered"].sum() == 4


# --------------------------------------------------------------------------- covariates --
def test_text_covariate_not_categorical():
    with pytest.raises(DataError, match=r"covariate 'region' in DataFrame is not numeric \(found 3 "
                                        r"distinct values: 'east', 'north', 'south'\); declare it "
                                        r"in `categorical` or convert it to numbers\."):
        check_frame(_frame(), treatment="treated", outcome="recovered",
                    covariates=["age", "region"])


def test_date_covariate_not_categorical():
    frame = _frame().assign(when=pd.date_range("2020-01-01", periods=8))
    with pytest.raises(DataError, match=r"covariate 'when' in DataFrame is not numeric \(dtype "
                                        r"datetime64"):
        check_frame(frame, treatment="treated", outcome="recovered", covariates=["when"])


def test_numeric_categorical_and_pandas_category_kept():
    frame = _frame().assign(region=lambda f: f["region"].astype("category"))
    table = check_frame(frame, treatment="treated", outcome="recovered",
                        covariates=["age", "region"], categorical=["age", "region"])
    assert isinstance(table.frame["region"].dtype, pd.CategoricalDtype)
    assert table.frame["age"].dtype == np.int64


def test_covariate_infinite():
    frame = _frame().assign(weight=[np.inf, 1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(DataError, match=r"covariate 'weight' in DataFrame has 1 infinite"):
        check_frame(frame, treatment="treated", outcome="recovered", covariates=["weight"])


# ------------------------------------------------------------------------ missing values --
def _with_gaps() -> pd.DataFrame:
    frame = _frame().astype({"age": float, "recovered": float})
    frame.loc[[0, 5], "age"] = np.nan          # one treated row, one control row
    frame.loc[[5, 6], "recovered"] = np.nan    # row 5 again, one more control row
    return frame


def test_missing_values_refused_by_default(tmp_path):
    path = _write(_with_gaps(), tmp_path / "gaps.csv")
    with pytest.raises(DataError, match=r"gaps\.csv has missing values in 'recovered' \(2\), 'age' "
                                        r"\(2\), 3 row\(s\) in all; fill them in, or set missing = "
                                        r"\"complete_case\" to drop those rows"):
        read_table(path, **ARGS)


def test_complete_case_drops_rows_per_arm(tmp_path):
    """Rows 0 (treated), 5 and 6 (control) have a gap: 1 treated and 2 control dropped."""
    path = _write(_with_gaps(), tmp_path / "gaps.parquet")
    table = read_table(path, missing="complete_case", outcome_kind="binary", **ARGS)
    assert table.n_read == 8
    assert table.n_used == 5
    assert table.dropped == {"treated": 1, "control": 2}
    assert table.missing == "complete_case"
    assert table.frame["recovered"].dtype == np.int64
    assert table.frame["age"].tolist() == [41, 52, 63, 34, 67]
    assert table.summary()["rows_dropped"].tolist() == [1, 2]


def test_missing_treatment_is_its_own_group():
    frame = _frame().astype({"treated": float})
    frame.loc[3, "treated"] = np.nan
    table = check_frame(frame, missing="complete_case", **ARGS)
    assert table.dropped == {"treated": 0, "control": 0, "treatment missing": 1}
    assert table.summary()["arm"].tolist() == ["treated", "control", "treatment missing"]


def test_text_missing_values_count():
    frame = _frame()
    frame.loc[1, "region"] = None
    with pytest.raises(DataError, match=r"missing values in 'region' \(1\), 1 row\(s\) in all"):
        check_frame(frame, **ARGS)


def test_complete_case_with_nothing_left():
    frame = _frame().astype({"age": float}).assign(age=np.nan)
    with pytest.raises(DataError, match=r"has no row without missing values in the declared "
                                        r"columns"):
        check_frame(frame, missing="complete_case", **ARGS)


def test_complete_case_that_empties_an_arm():
    frame = _frame().astype({"age": float})
    frame.loc[0:3, "age"] = np.nan
    with pytest.raises(DataError, match=r"must have both arms, 0 and 1; every one of its 4 rows is "
                                        r"control \(0\)\."):
        check_frame(frame, missing="complete_case", **ARGS)


# --------------------------------------------------------------------- argument errors --
@pytest.mark.parametrize("kwargs, message", [
    (dict(outcome_kind="ratio"), r"`outcome_kind` must be one of 'binary', 'continuous', 'any'; "
                                 r"got 'ratio'\."),
    (dict(missing="drop"), r"`missing` must be one of 'refuse', 'complete_case', 'multiple_imputation'; got 'drop'\."),
    (dict(covariates="age"), r"`covariates` must be a list of column names; got 'age'\."),
    (dict(treatment=""), r"`treatment` must be a column name \(a non-empty string\); got ''\."),
    (dict(covariates=["age", "treated"]), r"each column may be declared once among treatment, "
                                          r"outcome and covariates; 'treated' appears twice\."),
    (dict(categorical=["weight"]), r"`categorical` must name covariates; got 'weight', which is "
                                   r"not in `covariates`\."),
])
def test_argument_errors(tmp_path, kwargs, message):
    path = _write(_frame(), tmp_path / "c.csv")
    args = {**ARGS, **kwargs}
    with pytest.raises(ParameterError, match=message):
        read_table(path, **args)
    with pytest.raises(ParameterError, match=message):
        check_frame(_frame(), **args)


def test_frame_must_be_a_dataframe():
    with pytest.raises(ParameterError, match=r"`frame` must be a pandas DataFrame; got dict\."):
        check_frame({"a": [1]}, **ARGS)


def test_errors_are_value_errors():
    assert issubclass(DataError, CausalError) and issubclass(DataError, ValueError)


# ------------------------------------------------------------------------------- memory --
def test_memory_needed_is_24_bytes_per_cell():
    """10^7 rows x 10 columns x 24 bytes = 2.4e9 bytes (the figure in the docstring)."""
    assert BYTES_PER_CELL == 24
    assert memory_needed(10**7, 10) == 2_400_000_000


def test_file_too_large_for_memory_is_refused(tmp_path, monkeypatch):
    from causal.data import files

    path = _write(_frame(), tmp_path / "c.parquet")
    monkeypatch.setattr(files, "_available_memory", lambda: 100)
    # 8 rows x 4 columns x 24 bytes = 768 bytes > 100
    with pytest.raises(DataError, match=r"needs about 0\.0 GB to read its 4 declared columns "
                                        r"\(8 rows x 24 bytes per cell\) but only 0\.0 GB"):
        read_table(path, **ARGS)
    monkeypatch.setattr(files, "_available_memory", lambda: 768)
    assert read_table(path, **ARGS).n_used == 8


@pytest.mark.parametrize("name", ["c.csv", "c.parquet", "c.feather"])
def test_read_columns(tmp_path, name):
    from causal.data.files import read_columns

    path = _write(_frame(), tmp_path / name)
    assert read_columns(path) == list(_frame().columns)
    with pytest.raises(DataError, match=r"not found"):
        read_columns(tmp_path / "missing.csv")


# ------------------------------------------------------------------- spreadsheets' CSVs --
def test_excel_utf8_bom_is_not_part_of_the_first_name(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _frame().to_csv(index=False).encode("utf-8"))
    assert read_table(path, **ARGS).frame.columns[0] == "treated"


def test_not_utf8(tmp_path):
    path = tmp_path / "c.csv"
    text = _frame().assign(region=["Málaga"] * 8).to_csv(index=False)
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(DataError, match=r"is not UTF-8 text \(byte \d+ cannot be decoded\); "
                                        r"save it as \"CSV UTF-8\""):
        read_table(path, **ARGS)


@pytest.mark.parametrize("sep, word", [(";", "semicolons"), ("\t", "tabs")])
def test_other_separators(tmp_path, sep, word):
    path = tmp_path / "c.csv"
    _frame().to_csv(path, index=False, sep=sep)
    with pytest.raises(DataError, match=rf"has a single column '.*': its values are separated "
                                        rf"by {word}, not commas; save it as a comma-separated"):
        read_table(path, **ARGS)


# ------------------------------------------------------------------------ other dtypes --
def test_constant_covariate():
    frame = _frame().assign(age=50)
    with pytest.raises(DataError, match=r"covariate 'age' in DataFrame has the same value \(50\) "
                                        r"in every row, so it cannot adjust for anything"):
        check_frame(frame, **ARGS)
    with pytest.raises(DataError, match=r"covariate 'region' in DataFrame has the same value "
                                        r"\('north'\) in every row"):
        check_frame(_frame().assign(region="north"), **ARGS)
    # constant once the incomplete rows are dropped
    frame = _frame().assign(age=[30.0, np.nan, 30.0, np.nan, 30.0, 30.0, np.nan, 30.0])
    with pytest.raises(DataError, match=r"covariate 'age' .* same value \(30\)"):
        check_frame(frame, missing="complete_case", **ARGS)


def test_nullable_and_arrow_dtypes():
    """pandas' nullable Int64/boolean and pyarrow-backed columns behave as numpy ones."""
    frame = _frame().astype({"treated": "Int64", "recovered": "boolean",
                             "age": "int64[pyarrow]", "weight": "Float64"})
    frame.loc[1, "treated"] = pd.NA
    frame.loc[6, "weight"] = pd.NA
    table = check_frame(frame, treatment="treated", outcome="recovered",
                        covariates=["age", "weight"], outcome_kind="binary",
                        missing="complete_case")
    assert table.dropped == {"treated": 0, "control": 1, "treatment missing": 1}
    assert [str(t) for t in table.frame.dtypes] == ["int64", "int64", "int64", "float64"]
    assert table.frame["age"].tolist() == [30, 52, 63, 34, 45, 67]


def test_empty_parquet(tmp_path):
    (tmp_path / "c.parquet").write_bytes(b"")
    with pytest.raises(DataError, match=r"is not a Parquet file \(it looks like an empty file\)"):
        read_table(tmp_path / "c.parquet", **ARGS)


def test_path_must_be_a_path():
    with pytest.raises(ParameterError, match=r"`path` must be a file path; got int\."):
        read_table(3, **ARGS)
