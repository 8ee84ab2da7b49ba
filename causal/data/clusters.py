"""The cluster column of a data set, checked: integer codes 0..G-1, or one sentence saying why
the column cannot group the rows (one cluster; clusters of one row; clusters that split the
treatment perfectly). Read by the file readers (:mod:`causal.data.files`) before any fit and by
the estimators' design (:mod:`causal.estimate._design`); the inference from the codes is in
:mod:`causal.estimate._clusters`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from causal.errors import DataError


def cluster_codes(values: pd.Series, a: np.ndarray, name: str) -> np.ndarray:
    """Integer codes ``0..G-1`` of the cluster column, checked.

    Raises
    ------
    DataError
        One cluster; every cluster of one row; or clusters that split the treatment perfectly
        (each cluster all treated or all untreated).
    """
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():  # pragma: no cover - missing values are refused or dropped before
        raise DataError(f"the cluster column {name!r} has missing values.")
    g = len(uniques)
    n = len(codes)
    if g < 2:
        raise DataError(f"the cluster column {name!r} holds a single cluster ({uniques[0]!r}) "
                        f"in the {n} analysed rows; cluster-robust intervals need at least 2 "
                        "clusters (in practice 30 or more): name the column that groups the "
                        "rows, or remove `cluster`.")
    sizes = np.bincount(codes, minlength=g)
    if sizes.max() == 1:
        raise DataError(f"the cluster column {name!r} gives every one of the {n} analysed rows "
                        "its own cluster (all clusters have size 1), so it groups nothing: "
                        "name the column that groups the rows (e.g. a therapist id), or "
                        "remove `cluster`.")
    treated = np.bincount(codes, weights=a, minlength=g)
    if np.all((treated == 0) | (treated == sizes)):
        raise DataError(f"the cluster column {name!r} splits the treatment perfectly: each "
                        f"of its {g} clusters is entirely treated or entirely untreated, so "
                        "no cluster compares treated with untreated rows and a cluster's own "
                        "effect (a therapist's, a village's) cannot be told apart from the "
                        "treatment's; analyse the clusters as the units, or remove `cluster`.")
    return codes.astype(np.int64)
