"""`data_hash` of text columns: the fast path (text built once per distinct value) gives the
same digest as the row-by-row canonical form its docstring defines, written out here."""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pandas as pd
import pytest

from causal.data.load import data_hash


def reference(frame: pd.DataFrame) -> str:
    """The canonical form of causal.data.load.data_hash, value by value."""
    digest = hashlib.sha256(b"causal-data-hash/2")
    digest.update(struct.pack("<q", len(frame)))
    for name, column in frame.items():
        numeric = pd.api.types.is_bool_dtype(column.dtype) or (
            pd.api.types.is_numeric_dtype(column.dtype)
            and not isinstance(column.dtype, pd.CategoricalDtype))
        if numeric:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0
            values[np.isnan(values)] = np.nan
            body = np.ascontiguousarray(values, dtype="<f8").tobytes()
        else:
            body = "".join("\x00\x1f" if pd.isna(v) else f"{v}\x1f"
                           for v in column.astype(object)).encode("utf-8")
        for part in (str(name).encode("utf-8"), b"n" if numeric else b"t", body):
            digest.update(struct.pack("<q", len(part)))
            digest.update(part)
    return digest.hexdigest()


@pytest.mark.parametrize("column", [
    ["x", None, "é", np.nan, "x", "1.0"],
    pd.Categorical(["u", "v", None, "u", "v", "u"]),
    [1, "1", 1.0, True, None, pd.NA],  # mixed: 1, 1.0 and True differ as text
    pd.array(["a", None, "b", "a", "c", "a"], dtype="string"),
])
def test_text_columns_hash_as_defined(column):
    frame = pd.DataFrame({"c": column, "n": np.arange(6.0)})
    assert data_hash(frame) == reference(frame)
