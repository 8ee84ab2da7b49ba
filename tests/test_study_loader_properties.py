"""Property test of the study loader: the bundled Thew study with random types and values in
its fields (what structurally valid TOML can hold: integers of any size, floats including inf
and nan, strings with NUL and control characters, booleans, dates, arrays, tables), keys
deleted or added. Only the project's own errors may escape. About 300 examples, a few
seconds."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal.errors import CausalError
from causal.study.load import parse_study

STUDY = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"
BASE = tomllib.loads(STUDY.read_text(encoding="utf-8"))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


PATHS = _paths(BASE)

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 1e308, 1e-12, 0.5, 1.0, 2.54, 100.0]),
    st.text(max_size=30),
    st.sampled_from(["", "\x00", "a\x00b", "x" * 5000, "OR", "simulated", "../dags/x.dot"]),
    st.booleans(),
    st.dates(), st.datetimes(), st.times(),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def _set(root: dict, path: tuple, value: Any, delete: bool) -> None:
    node = root
    for key in path[:-1]:
        node = node[key]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(PATHS), values, st.booleans()), min_size=1,
                      max_size=4),
       extra=st.one_of(st.none(), st.tuples(st.sampled_from(PATHS), st.text(max_size=8),
                                            values)))
def test_only_project_errors_escape(edits, extra):
    raw = copy.deepcopy(BASE)
    for path, value, delete in edits:
        try:
            _set(raw, path, value, delete and len(path) > 1)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced a parent of this path
    if extra is not None:
        path, key, value = extra
        try:
            node = raw
            for part in path:
                node = node[part]
            if isinstance(node, dict):
                node[key] = value
        except (KeyError, IndexError, TypeError):
            pass
    try:
        parse_study(raw, STUDY)
    except CausalError:
        pass


def test_the_base_study_parses():
    assert parse_study(copy.deepcopy(BASE), STUDY).name == "thew2024"
    assert len(PATHS) > 100
    assert dt.date(2024, 1, 1)  # dates are among the generated values
