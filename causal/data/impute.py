"""Multiple imputation by chained equations (MICE) of a study's declared columns.

:func:`impute_chained` fills the missing values of a checked table ``m`` times with
statsmodels' :class:`~statsmodels.imputation.mice.MICEData`, one independent chain per
imputation. The treatment and the outcome are in the imputation model of every covariate (and
the outcome, when it is missing, is imputed from the treatment and covariates), as the
imputation model must contain the analysis model's variables (van Buuren 2018, section 6.2).

Why statsmodels' MICEData rather than scikit-learn's ``IterativeImputer(sample_posterior=True)``:
MICEData imputes by predictive mean matching after drawing the imputation model's coefficients
from their approximate posterior (``perturbation_method="gaussian"``), which is R mice's default
for numeric data: every imputed value is a value observed in another row, so a 0/1 outcome or a
0/1 covariate stays 0/1 and a count stays a count. IterativeImputer's posterior draws are
normal, so a binary outcome would be imputed as 0.37 or -0.2 and would need an ad hoc rounding
that biases the imputed risks. Both are maintained; statsmodels is already a dependency.

Each imputation is one replicate block (:mod:`causal._parallel`): its random numbers come from
the seed and its index only (``SeedSequence(seed).spawn(m)[i]``), so the imputations are the
same whether they run here or on a Dask cluster, and whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from causal.errors import DataError

__all__ = ["Imputations", "MissingFlow", "impute_chained", "missing_flow", "ITERATIONS", "K_PMM"]

#: chained-equation cycles per imputation before its values are kept (mice's default maxit is
#: 5; 10 is the usual advice when the fraction missing is large, van Buuren 2018, 6.5.2)
ITERATIONS = 10
#: donors per missing value in predictive mean matching (statsmodels' default is 20; mice's
#: default is 5, which we follow)
K_PMM = 5


@dataclass(frozen=True, eq=False)
class Imputations:
    """``m`` completed versions of one incomplete table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The incomplete table (declared columns; missing values as NaN). Not modified.
    filled : tuple of dict
        Per imputation, ``{column: values}`` for each column with missing values, the imputed
        values in the order of the column's missing rows.
    seed : int or None
        The seed of the imputations' streams (block ``i`` uses spawn key ``(i,)``).
    iterations, k_pmm : int
        Chained-equation cycles per imputation and donors per value.
    """

    frame: pd.DataFrame
    filled: tuple[dict[str, np.ndarray], ...]
    seed: int | None
    iterations: int = ITERATIONS
    k_pmm: int = K_PMM

    @property
    def m(self) -> int:
        return len(self.filled)

    @property
    def method(self) -> str:
        return (f"multiple imputation by chained equations (statsmodels MICEData: predictive "
                f"mean matching, {self.k_pmm} donors, Gaussian-perturbed coefficients; "
                f"{self.iterations} cycles per imputation), m = {self.m}, seed {self.seed}")

    def completed(self, i: int) -> pd.DataFrame:
        """Imputation ``i`` as a new frame (the incomplete frame is not modified)."""
        out = self.frame.copy()
        for column, values in self.filled[i].items():
            rows = out[column].isna().to_numpy()
            filled = out[column].to_numpy(dtype=float, copy=True)
            filled[rows] = values
            out[column] = filled
        return out


def _block(shared: tuple[pd.DataFrame, dict[str, str], int, int], item: Any
           ) -> dict[str, np.ndarray]:
    """One imputation: an independent MICEData chain seeded by ``item`` (a SeedSequence)."""
    import warnings

    from statsmodels.imputation.mice import MICEData

    numeric, names, iterations, k_pmm = shared
    rng = np.random.default_rng(item)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' perfect-fit and convergence chatter
        chain = MICEData(numeric, perturbation_method="gaussian", k_pmm=k_pmm, rng=rng)
        chain.update_all(iterations)
    out = {}
    for column, safe in names.items():
        rows = numeric[safe].isna().to_numpy()
        if rows.any():
            out[column] = chain.data[safe].to_numpy(dtype=float)[rows]
    return out


def _numeric_design(frame: pd.DataFrame, categorical: Sequence[str]
                    ) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame with safe column names (MICEData writes formulas from them), a fully observed
    categorical column as indicator columns (predictors only)."""
    parts, names = {}, {}
    for j, column in enumerate(frame.columns):
        if column in categorical:
            dummies = pd.get_dummies(frame[column], drop_first=True, dtype=float)
            for k, level in enumerate(dummies.columns):
                parts[f"c{j}_{k}"] = dummies[level].to_numpy()
            continue
        safe = f"v{j}"
        names[column] = safe
        parts[safe] = frame[column].to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(parts), names


def impute_chained(frame: pd.DataFrame, *, m: int, random_state: int | None,
                   categorical: Sequence[str] = (), iterations: int = ITERATIONS,
                   k_pmm: int = K_PMM, runner: Any = None) -> Imputations:
    """Impute the missing values of ``frame`` ``m`` times by chained equations.

    Parameters
    ----------
    frame : pandas.DataFrame
        Checked columns (treatment 0/1 without missing values, outcome, covariates); NaN
        marks a missing value. Not modified.
    m : int
        Number of imputations (at least 2).
    random_state : int or None
        Seed of the imputations; imputation ``i`` uses ``SeedSequence(random_state).spawn(m)[i]``.
    categorical : sequence of str
        Text covariates, used as indicator predictors; they must be fully observed.
    iterations, k_pmm : int
        Chained-equation cycles and predictive-mean-matching donors.
    runner : InProcess or DaskRunner, optional
        Where the blocks run (default: :func:`causal._parallel.current_runner`).

    Returns
    -------
    Imputations
    """
    from causal._budgets import check_size
    from causal._parallel import block_streams, current_runner

    m = check_size(m, "MAX_IMPUTATIONS", "`imputations`", minimum=2)
    for column in categorical:
        if frame[column].isna().any():
            raise DataError(f"categorical covariate {column!r} has {int(frame[column].isna().sum()):,} "
                            "missing value(s), which multiple imputation here cannot fill "
                            "(it imputes numeric columns); code it as 0/1 indicator columns "
                            "or use missing = \"complete_case\".")
    for column in frame.columns:
        if frame[column].isna().all():
            raise DataError(f"column {column!r} is missing in every row, so there is nothing "
                            "to impute it from; leave it out of the study.")
    numeric, names = _numeric_design(frame, categorical)
    if not numeric.isna().any().any():
        filled: tuple[dict[str, np.ndarray], ...] = tuple({} for _ in range(m))
    else:
        streams = block_streams(random_state, m)
        shared = (numeric, names, int(iterations), int(k_pmm))
        runner = current_runner(runner)
        filled = tuple(runner.map(_block, streams, runner.share(shared), label="imputations"))
    seed = None if random_state is None else int(random_state)
    return Imputations(frame=frame, filled=filled, seed=seed, iterations=int(iterations),
                       k_pmm=int(k_pmm))


@dataclass(frozen=True)
class MissingFlow:
    """Who was analysed: rows read, rows with each declared column missing, per arm (STROBE).

    Attributes
    ----------
    n_read : int
        Rows read.
    treatment_missing : int
        Rows whose treatment is missing (analysed by neither complete case nor imputation).
    rows : dict
        Rows with a known treatment per arm, ``{"treated": n1, "control": n0}``.
    missing : dict
        ``{column: {"treated": k1, "control": k0}}`` for each declared column with missing
        values (the treatment excluded), in the declared order.
    complete : dict
        Complete cases per arm (the complete-case analysis's rows).
    """

    n_read: int
    treatment_missing: int
    rows: dict[str, int]
    missing: dict[str, dict[str, int]]
    complete: dict[str, int]

    @property
    def n_imputed_rows(self) -> int:
        """Rows analysed by multiple imputation (every row with a known treatment)."""
        return sum(self.rows.values())

    def line(self) -> str:
        """One sentence: rows read, missing per column and arm, complete cases."""
        parts = [f"{self.n_read:,} rows read"]
        if self.treatment_missing:
            parts.append(f"{self.treatment_missing:,} with the treatment missing (not analysed)")
        parts.append(f"{self.rows['treated']:,} treated and {self.rows['control']:,} control")
        for column, arms in self.missing.items():
            total = arms["treated"] + arms["control"]
            parts.append(f"{column!r} missing in {total:,} ({arms['treated']:,} treated, "
                         f"{arms['control']:,} control)")
        if not self.missing:
            parts.append("no other value missing")
        parts.append(f"complete cases {self.complete['treated'] + self.complete['control']:,} "
                     f"({self.complete['treated']:,} treated, {self.complete['control']:,} "
                     "control)")
        return "; ".join(parts)

    def summary(self) -> pd.DataFrame:
        """One row per arm: rows, complete cases and each column's missing count."""
        rows = []
        for arm in ("treated", "control"):
            row: dict[str, Any] = {"arm": arm, "rows": self.rows[arm],
                                   "complete_cases": self.complete[arm]}
            for column, arms in self.missing.items():
                row[f"missing {column}"] = arms[arm]
            rows.append(row)
        return pd.DataFrame(rows)


def missing_flow(incomplete: pd.DataFrame, treatment: str, n_read: int) -> MissingFlow:
    """The :class:`MissingFlow` of an incomplete table (every row with a known treatment)."""
    arm = incomplete[treatment].to_numpy() == 1
    gaps = incomplete.isna().to_numpy()
    rows = {"treated": int(arm.sum()), "control": int((~arm).sum())}
    missing = {}
    for j, column in enumerate(incomplete.columns):
        if gaps[:, j].any():
            missing[str(column)] = {"treated": int(gaps[arm, j].sum()),
                                    "control": int(gaps[~arm, j].sum())}
    whole = ~gaps.any(axis=1)
    complete = {"treated": int(whole[arm].sum()), "control": int(whole[~arm].sum())}
    return MissingFlow(n_read=int(n_read), treatment_missing=int(n_read) - len(incomplete),
                       rows=rows, missing=missing, complete=complete)
