"""Rubin's rules (causal.estimate.rubin) against R's mice::pool on fixed imputations.

The vectors in tests/data/mice_pool/pool_vectors.csv were written once by
tests/data/mice_pool/pool_vectors.R (R 4.2.2, mice 3.15.0; versions.txt): for each case the
per-imputation estimates and variances mice pooled, and mice's pooled numbers. CI never runs R.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.errors import ParameterError
from causal.estimate.rubin import barnard_rubin_df, pool_scalar

VECTORS = pd.read_csv(Path(__file__).parent / "data" / "mice_pool" / "pool_vectors.csv",
                      dtype=str)


@pytest.mark.parametrize("row", VECTORS.to_dict("records"), ids=list(VECTORS["case"]))
def test_pool_matches_mice(row):
    q = [float(v) for v in row["estimates"].split(";")]
    u = [float(v) for v in row["variances"].split(";")]
    pooled = pool_scalar(q, u, df_complete=float(row["dfcom"]))
    for ours, theirs in [(pooled.estimate, "estimate"), (pooled.within, "ubar"),
                         (pooled.between, "b"), (pooled.total, "t"), (pooled.df, "df"),
                         (pooled.riv, "riv"), (pooled.lambda_, "lambda"),
                         (pooled.fmi, "fmi")]:
        assert ours == pytest.approx(float(row[theirs]), rel=1e-8, abs=1e-12), theirs
    assert pooled.m == int(row["m"])


def test_no_between_variance_gives_complete_data_df():
    # B = 0: lambda floored at 1e-4 (as mice), so df is just below the observed-data df
    df = barnard_rubin_df(5, 0.0, 1.0, df_complete=100)
    lam = 1e-4
    old, obs = 4 / lam**2, 101 / 103 * 100 * (1 - lam)
    assert df == pytest.approx(old * obs / (old + obs), rel=1e-12)


def test_interval_uses_t_with_pooled_df():
    pooled = pool_scalar([0.1, 0.3, 0.2], [0.01, 0.01, 0.01], df_complete=math.inf)
    from scipy import stats

    q = stats.t.ppf(0.975, pooled.df)
    lo, hi = pooled.ci()
    assert (lo, hi) == pytest.approx((0.2 - q * pooled.std_error, 0.2 + q * pooled.std_error))
    assert pooled.total == pytest.approx(0.01 + (4 / 3) * 0.01)


@pytest.mark.parametrize("q, u, match", [([0.1], [0.01], "length m >= 2"),
                                         ([0.1, 0.2], [0.01], "same length"),
                                         ([0.1, np.nan], [0.01, 0.01], "finite"),
                                         ([0.1, 0.2], [0.01, -1], "variances >= 0")])
def test_bad_input(q, u, match):
    with pytest.raises(ParameterError, match=match):
        pool_scalar(q, u)
