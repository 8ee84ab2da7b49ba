"""Omitted-variable bias for a linear (or linear-probability) model fitted on a DataFrame.

:func:`ovb_sensitivity` fits ``outcome ~ treatment + covariates`` by least squares (classical
standard errors, as the partial-R² results need), then applies the pure functions of
:mod:`causal.sensitivity.omitted_variable.ovb` (Cinelli & Hazlett 2020): the treatment's partial R² with the
outcome, the robustness values ``RV_q`` and ``RV_{q,alpha}``, and bounds for hypothetical
confounders ``k`` times as strong as named benchmark covariates. Each benchmark's partial R²s
are computed from the data, as R sensemakr's ``ovb_bounds`` does:

* with the treatment: from the treatment model ``treatment ~ covariates``;
* with the outcome: from the outcome model ``outcome ~ treatment + covariates``.

A benchmark that enters the design as several columns (a categorical covariate's indicators,
or a covariate and its square) is treated as a group: its partial R² is
``W / (W + dof)`` with ``W`` the Wald statistic of the group (classical covariance), which
equals ``(RSS_without - RSS_with) / RSS_without`` (sensemakr's ``group_partial_r2``).
Several covariates can be benchmarked together the same way (sensemakr's
``benchmark_covariates = list(F_and_P = c("female", "pastvoted"))``): the group's design
columns are dropped together, and a confounder ``k`` times as strong as the whole group is
bounded by Cinelli & Hazlett (2020), eqs. 51-52, with the group's partial R²s in place of a
single covariate's.

A 0/1 outcome gives a linear probability model: the estimate is a risk difference. Its
classical SE ignores the heteroskedasticity of a binary outcome; the partial-R² algebra is
exact for the least-squares fit all the same (it is a property of the regression, not of a
model for the data).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_alpha, check_literal, check_positive
from causal.errors import DataError, ParameterError
from causal.sensitivity.omitted_variable.groups import benchmark_groups
from causal.sensitivity.omitted_variable.ovb import (
    AdjustedEstimate,
    adjusted_estimate,
    benchmark_r2,
    partial_r2,
    robustness_value,
)

METHOD = "omitted-variable bias (Cinelli & Hazlett 2020)"


@dataclass(frozen=True)
class BenchmarkStrength:
    """A measured covariate used as a yardstick: its partial R² with treatment and outcome."""

    name: str
    columns: tuple[str, ...]
    r2dxj_x: float  # with the treatment, given the other covariates
    r2yxj_dx: float  # with the outcome, given the treatment and the other covariates


@dataclass(frozen=True, eq=False)
class OVBDataResult(SummaryMixin):
    """Result of :func:`ovb_sensitivity` (see its docstring for the definitions)."""

    treatment: str
    outcome: str
    model: str  # "linear" or "linear probability"
    n: int
    n_parameters: int
    estimate: float
    std_error: float
    dof: float
    t_statistic: float
    partial_r2: float
    rv_q: float
    rv_qa: float
    q: float
    alpha: float
    reduce: bool
    benchmarks: tuple[BenchmarkStrength, ...]
    bounds: tuple[AdjustedEstimate, ...]
    notes: tuple[str, ...] = ()
    coefficients: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The summary with the robustness values, partial R², residual degrees of freedom and
        each benchmark's partial R²s."""
        return jsonable({**super().to_dict(), "rv_q": self.rv_q, "rv_qa": self.rv_qa,
                         "partial_r2": self.partial_r2, "dof": self.dof,
                         "benchmarks": [{"name": b.name, "columns": b.columns,
                                         "r2dxj_x": b.r2dxj_x, "r2yxj_dx": b.r2yxj_dx}
                                        for b in self.benchmarks]})

    def summary(self) -> pd.DataFrame:
        what = "risk difference" if self.model == "linear probability" else "coefficient"
        rows: list[dict[str, Any]] = [
            {"quantity": f"{self.treatment} ({what}, {self.model} model)",
             "estimate": self.estimate, "std_error": self.std_error,
             "method": "least squares, classical SE",
             "note": f"t = {self.t_statistic:.4g}, dof = {self.dof:g}, n = {self.n}"},
            {"quantity": "partial R² of treatment with outcome", "estimate": self.partial_r2,
             "method": METHOD},
            {"quantity": f"RV_q (q = {self.q:g})", "estimate": self.rv_q, "method": METHOD,
             "note": "equal partial R² with treatment and outcome that removes "
                     f"{100 * self.q:g}% of the estimate"},
            {"quantity": f"RV_q,alpha (alpha = {self.alpha:g})", "estimate": self.rv_qa,
             "method": METHOD, "note": "equal partial R² that makes the estimate lose "
                                       "significance"},
        ]
        for b in self.benchmarks:
            rows.append({"quantity": f"benchmark {b.name}: partial R² with treatment",
                         "estimate": b.r2dxj_x, "method": METHOD,
                         "note": f"columns {', '.join(b.columns)}"})
            rows.append({"quantity": f"benchmark {b.name}: partial R² with outcome",
                         "estimate": b.r2yxj_dx, "method": METHOD})
        for bound in self.bounds:
            rows.extend(bound.summary().to_dict("records"))
        notes = "; ".join(self.notes)
        frame = summary_frame(rows)
        if notes:
            frame.loc[0, "note"] = f"{frame.loc[0, 'note']}; {notes}"
        return frame

    def benchmark_points(self) -> list[tuple[str, float, float]]:
        """``(label, r2dz_x, r2yz_dx)`` of each bound, for :func:`causal.plots.ovb.plot_ovb_contour`."""
        return [(b.label, b.r2dz_x, b.r2yz_dx) for b in self.bounds]

    def contour(self, *, points: int = 101) -> Any:
        """The contour grid (:func:`causal.sensitivity.surfaces.ovb_contour_grid`) over
        ``[0, lim]`` with ``lim = max(0.4, 1.1 x the largest bound)`` on each axis (capped
        below 1), so every benchmark point is inside, as sensemakr's contour plot does."""
        from causal.sensitivity.surfaces import ovb_contour_grid

        r2d = [b.r2dz_x for b in self.bounds]
        r2y = [b.r2yz_dx for b in self.bounds]
        lim_d = min(max([0.4, *(1.1 * v for v in r2d)]), 0.99)
        lim_y = min(max([0.4, *(1.1 * v for v in r2y)]), 1.0)
        return ovb_contour_grid(self.estimate, self.std_error, self.dof, reduce=self.reduce,
                                alpha=self.alpha, r2dz_x=np.linspace(0, lim_d, points),
                                r2yz_dx=np.linspace(0, lim_y, points))

    def extreme(self, *, r2yz_dx: Sequence[float] = (1.0, 0.75, 0.5), points: int = 201) -> Any:
        """Extreme-scenario curves (:func:`causal.sensitivity.omitted_variable.extreme.ovb_extreme_grid`)
        over ``r2dz_x`` in ``[0, max(0.1, 1.1 x the largest bound)]``."""
        from causal.sensitivity.omitted_variable.extreme import ovb_extreme_grid

        lim = min(max([0.1, *(1.1 * b.r2dz_x for b in self.bounds)]), 0.99)
        return ovb_extreme_grid(self.estimate, self.std_error, self.dof, r2yz_dx=r2yz_dx,
                                r2dz_x=np.linspace(0, lim, points), reduce=self.reduce)


def _ols(z: np.ndarray, y: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray,
                                                                        int]:
    """Least squares: coefficients, classical covariance, residual dof.

    Normal equations on unit-norm columns, solved by Cholesky with one step of iterative
    refinement (the Gram matrix is p x p, so this is fast at any n; with hundreds of indicator
    columns it is several times faster than a QR of the n x p design).
    """
    from scipy.linalg import cho_factor, cho_solve

    n, p = z.shape
    if n <= p + 1:
        raise DataError(f"the regression has {p} coefficients but only {n} rows; it needs at "
                        "least p + 2 (one residual degree of freedom for the confounder).")
    scale = np.sqrt(np.einsum("ij,ij->j", z, z))
    zs = z / scale
    gram = zs.T @ zs
    try:
        factor = cho_factor(gram)
    except np.linalg.LinAlgError:
        factor = None
    if factor is None or np.min(np.abs(np.diag(factor[0]))) < 1e-7:
        raise DataError("the design is collinear: a column of "
                        f"{', '.join(names[:6])}{'...' if len(names) > 6 else ''} is a linear "
                        "combination of the others (and the intercept); drop it.")
    beta = cho_solve(factor, zs.T @ y)
    beta += cho_solve(factor, zs.T @ (y - zs @ beta))  # refinement
    resid = y - zs @ beta
    dof = n - p
    sigma2 = resid @ resid / dof
    cov = sigma2 * cho_solve(factor, np.eye(p)) / np.outer(scale, scale)
    return beta / scale, cov, dof


def _group_r2(beta: np.ndarray, cov: np.ndarray, idx: list[int], dof: int) -> float:
    b = beta[idx]
    wald = float(b @ np.linalg.solve(cov[np.ix_(idx, idx)], b))
    return wald / (wald + dof)


def _columns_of(name: str, x_names: Sequence[str]) -> list[int]:
    return [i for i, col in enumerate(x_names)
            if col == name or col == f"{name}^2" or col.startswith(f"{name}[")]


def _cluster_se(z: np.ndarray, y: np.ndarray, beta: np.ndarray, codes: np.ndarray) -> float:
    """CR1 SE of the treatment coefficient (column 1) of least squares."""
    from causal.estimate._clusters import cluster_covariance

    n, p = z.shape
    phi = n * np.linalg.solve(z.T @ z, (z * (y - z @ beta)[:, None]).T).T[:, 1]
    return float(math.sqrt(cluster_covariance(phi, codes, n_params=p)[0, 0]))


def ovb_sensitivity(data: pd.DataFrame, *, treatment: str, outcome: str,
                    covariates: Sequence[str] = (), categorical: Sequence[str] = (),
                    squared: Sequence[str] = (),
                    benchmarks: Sequence[str | Sequence[str]] | Mapping[str, Sequence[str]] = (),
                    kd: Any = (1, 2, 3), ky: Any = None, q: float = 1.0, alpha: float = 0.05,
                    reduce: bool = True, dropna: bool = False,
                    infeasible: Literal["raise", "skip"] = "raise",
                    ci_dof: Literal["dof - 1", "dof"] = "dof - 1",
                    cluster: str | None = None) -> OVBDataResult:
    """Omitted-variable-bias sensitivity of a least-squares treatment coefficient.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    treatment, outcome : str
        Column names; the treatment coded 0/1. A 0/1 outcome gives a linear probability model.
    covariates, categorical, squared : sequence of str
        The adjustment set, as for the estimators (:mod:`causal.estimate._design`):
        ``categorical`` columns become indicators (first level the reference), ``squared``
        columns enter also as squares.
    benchmarks : sequence of (str or sequence of str), or mapping of str to sequence of str
        Covariates (among ``covariates``) to use as yardsticks; each with all its design
        columns (indicators, square) as one group. An item that is itself a sequence of names
        is one benchmark for those covariates together (labelled ``"female+pastvoted"``); a
        mapping names its groups (``{"F_and_P": ["female", "pastvoted"]}``, as R sensemakr's
        named list).
    kd, ky : float or sequence of float
        Multiples of each benchmark's strength with the treatment and the outcome (``ky``
        defaults to ``kd``): sensemakr's ``kd``/``ky``.
    q, alpha, reduce
        As in :func:`causal.sensitivity.omitted_variable.ovb.robustness_value` and
        :func:`~causal.sensitivity.omitted_variable.ovb.adjusted_estimate`.
    dropna : bool
        Analyse complete cases (the count is noted) instead of refusing missing values.
    infeasible : {"raise", "skip"}
        A multiple ``k`` for which a confounder ``k`` times as strong as a benchmark is
        impossible (it would explain all of the treatment) raises, or is skipped with a note.
    ci_dof : {"dof - 1", "dof"}
        Degrees of freedom of the adjusted CIs' t quantile: the paper's ``dof - 1`` (default)
        or R sensemakr's ``dof``.
    cluster : str, optional
        A column grouping the rows. The treatment coefficient's SE is then cluster-robust
        (CR1, Stata's ``G/(G-1) (n-1)/(n-p)``); the partial R²s and ``RV_q`` are R² identities
        of the classical t and do not change, while the adjusted intervals and ``RV_{q,alpha}``
        use the cluster-robust SE (its ratio to the classical one taken as unchanged by the
        confounder).

    Returns
    -------
    OVBDataResult
        Bounds are labelled ``"<k>x <benchmark>"``.

    Notes
    -----
    With ``t`` the treatment's t statistic and ``dof = n - p`` (p coefficients including the
    intercept): partial R² ``t² / (t² + dof)``; benchmark partial R²s
    ``W_j / (W_j + dof_j)`` from the outcome model (``dof_j = dof``) and from the treatment
    model (``dof_j = n - p + 1``); confounder strengths from Cinelli & Hazlett (2020),
    eqs. 51-52; bias and adjusted SE from eqs. 12-13.

    References
    ----------
    Cinelli, C. & Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS-B 82(1), 39-67.
    """
    from causal.estimate._design import prepare

    check_literal(infeasible, "infeasible", ("raise", "skip"))
    alpha = check_alpha(alpha)
    q = check_positive(q, "q", what="a share of the estimate")
    groups = benchmark_groups(benchmarks, covariates)
    kds = np.atleast_1d(np.asarray(kd, dtype=float))
    kys = kds if ky is None else np.atleast_1d(np.asarray(ky, dtype=float))
    if kys.shape != kds.shape:
        raise ParameterError(f"`ky` must have as many values as `kd`; got {kys.size} and "
                             f"{kds.size}.")
    prep = prepare(data, treatment=treatment, outcome=outcome, covariates=covariates,
                   categorical=categorical, squared=squared, dropna=dropna, cluster=cluster)
    n = prep.n
    ones = np.ones((n, 1))
    z = np.column_stack([ones, prep.a, prep.x])
    z_names = ("(intercept)", treatment, *prep.x_names)
    beta, cov, dof = _ols(z, prep.y, z_names)
    est, se = float(beta[1]), float(math.sqrt(cov[1, 1]))
    t = est / se
    notes: list[str] = []
    inflation = 1.0
    if prep.cluster is not None:
        classical = se
        se = _cluster_se(z, prep.y, beta, prep.cluster)
        inflation = se / classical
        notes.append(f"cluster-robust (CR1) SE over {int(prep.cluster.max()) + 1} clusters "
                     f"of {cluster!r}: {inflation:.3g}x the classical SE; partial R² and RV_q "
                     "from the classical t, adjusted CIs and RV_q,alpha from the "
                     "cluster-robust SE")
    if prep.binary:
        notes.append("0/1 outcome: linear probability model (estimate is a risk difference; "
                     "classical SE)")
    if prep.n_dropped:
        notes.append(f"{prep.n_dropped} rows with missing values dropped")
    strengths: list[BenchmarkStrength] = []
    bounds: list[AdjustedEstimate] = []
    if groups:
        d_beta, d_cov, d_dof = _ols(np.column_stack([ones, prep.x]), prep.a,
                                    ("(intercept)", *prep.x_names))
    for name, members in groups.items():
        idx = sorted({i for member in members for i in _columns_of(member, prep.x_names)})
        r2y = _group_r2(beta, cov, [i + 2 for i in idx], dof)
        r2d = _group_r2(d_beta, d_cov, [i + 1 for i in idx], d_dof)
        strengths.append(BenchmarkStrength(name, tuple(prep.x_names[i] for i in idx), r2d, r2y))
        for k_d, k_y in zip(kds, kys, strict=True):
            label = f"{k_d:g}x {name}" if k_d == k_y else f"{k_d:g}x/{k_y:g}x {name}"
            try:
                r2dz, r2yz = benchmark_r2(r2d, r2y, kd=float(k_d), ky=float(k_y))
            except ParameterError as error:
                if infeasible == "raise":
                    raise ParameterError(f"benchmark {name!r}: {error}") from None
                notes.append(f"{label} skipped: no such confounder is possible")
                continue
            bounds.append(adjusted_estimate(est, se / inflation, dof, r2dz_x=r2dz,
                                            r2yz_dx=r2yz, se_inflation=inflation,
                                            reduce=reduce, alpha=alpha, label=label,
                                            ci_dof=ci_dof))
    return OVBDataResult(
        treatment=treatment, outcome=outcome,
        model="linear probability" if prep.binary else "linear", n=n, n_parameters=z.shape[1],
        estimate=est, std_error=se, dof=float(dof), t_statistic=t,
        partial_r2=partial_r2(t, dof), rv_q=robustness_value(t, dof, q=q),
        rv_qa=robustness_value(t, dof, q=q, alpha=alpha, se_inflation=inflation), q=q,
        alpha=alpha, reduce=reduce,
        benchmarks=tuple(strengths), bounds=tuple(bounds), notes=tuple(notes),
        coefficients=dict(zip(z_names, beta.tolist(), strict=True)))
