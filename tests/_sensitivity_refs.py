"""The project's reference vectors and test data, kept in ``tests/data/`` (sources and licences
in ``tests/data/README.md``): the suite needs nothing outside the repository."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_FILE = DATA / "reference_values.json"
DARFUR_FILE = DATA / "darfur.csv"


@cache
def reference(case_id: str) -> dict:
    """One case of ``tests/data/reference_values.json`` by its id."""
    cases = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    for case in cases:
        if case["id"] == case_id:
            return case
    raise KeyError(case_id)


#: carloscinelli/sensemakr tests/testthat/test-02-darfur.R ('testing darfur sensemakr'): bounds
#: for confounders 1x, 2x and 3x as strong as `female` (R's expect_equal, relative tolerance
#: 1.5e-8; the CI limits are printed there to 8-9 digits).
DARFUR_FEMALE_BOUNDS = {
    "r2dz_x": [0.00916428667504862, 0.0183285733500972, 0.0274928600251459],
    "r2yz_dx": [0.12464092303637, 0.249324064199975, 0.374050471038094],
    "estimate": [0.0752202712144491, 0.0529151723844518, 0.0303960234641548],
    "std_error": [0.0218733277437572, 0.0203500620779637, 0.0186700648170924],
    "t": [3.43890386024675, 2.60024623913809, 1.62806202131271],
    "lower": [0.032282966, 0.012968035, -0.006253282],
    "upper": [0.11815758, 0.09286231, 0.06704533],
}


def assert_darfur_female_bounds(bounds) -> None:
    """Compare OVB bounds (1x, 2x, 3x female) with :data:`DARFUR_FEMALE_BOUNDS`: 1e-7 relative
    for the closed forms, 1e-8 absolute for the CI limits (their printed precision)."""
    assert [b.label for b in bounds] == ["1x female", "2x female", "3x female"]
    got = {"r2dz_x": [b.r2dz_x for b in bounds], "r2yz_dx": [b.r2yz_dx for b in bounds],
           "estimate": [b.estimate for b in bounds], "std_error": [b.std_error for b in bounds],
           "t": [b.t_statistic for b in bounds], "lower": [b.ci[0] for b in bounds],
           "upper": [b.ci[1] for b in bounds]}
    for key, values in DARFUR_FEMALE_BOUNDS.items():
        tol = dict(rel=1e-7) if key not in ("lower", "upper") else dict(abs=1e-8)
        assert got[key] == pytest.approx(values, **tol), key
