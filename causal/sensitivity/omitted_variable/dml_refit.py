"""Long-Story-Short sensitivity of the project's cross-fitted AIPW: adapter, refits, result.

:func:`aipw_bounds` reads an AIPW :class:`~causal.estimate.EffectEstimate` (its cross-fitted
nuisance predictions in ``diagnostics["nuisance"]``) and returns the bounds, their one-sided
confidence limits and the robustness values. :func:`dml_sensitivity` fits the AIPW on a
DataFrame and adds benchmarks: for each observed covariate or GROUP of covariates, the AIPW is
refitted without it, on the same folds and with the same nuisance models (as DoubleML's
``sensitivity_benchmark`` refits its short model), and :func:`~causal.sensitivity.omitted_variable.dml_bounds.
gain_statistics` turns the long and short fits into benchmark ``cf_y``, ``cf_d`` and ``rho``.
The math is in :mod:`causal.sensitivity.aipw_bounds`; the result is
:class:`~causal.sensitivity.omitted_variable.dml_result.DMLSensitivity`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from causal.errors import ParameterError
from causal.estimate._design import prepare
from causal.sensitivity.omitted_variable.dml_bounds import (
    RieszElements,
    bias_bounds,
    confounding_strength,
    gain_statistics,
    riesz_elements,
    robustness_values,
)
from causal.sensitivity.omitted_variable.dml_result import DMLBenchmark, DMLSensitivity


def elements_from_estimate(estimate: Any) -> RieszElements:
    """The sensitivity elements of an AIPW estimate of a risk or mean difference."""
    nuisance = getattr(estimate, "diagnostics", {}).get("nuisance") if hasattr(
        estimate, "diagnostics") else None
    if getattr(estimate, "method", None) != "AIPW" or nuisance is None or "y" not in nuisance:
        raise ParameterError("`estimate` must be an AIPW EffectEstimate from "
                             "causal.estimate.AIPW; got "
                             f"{getattr(estimate, 'method', type(estimate).__name__)!r}.")
    if estimate.measure not in ("rd", "md"):
        raise ParameterError("`estimate` must measure a difference (measure 'rd' or 'md'): the "
                             "bounds are additive; got measure "
                             f"{estimate.measure!r}. Refit the AIPW with measure='rd'.")
    return riesz_elements(nuisance["y"], nuisance["a"], nuisance["e"], nuisance["m1"],
                          nuisance["m0"], estimand=estimate.estimand,
                          cluster=nuisance.get("cluster"))


def _result(elements: RieszElements, *, cf_y: float, cf_d: float, rho: float, null: float,
            alpha: float, benchmarks: tuple[DMLBenchmark, ...], outcome: str, treatment: str,
            notes: tuple[str, ...]) -> DMLSensitivity:
    b = bias_bounds(elements, cf_y, cf_d, rho, alpha=alpha)
    rv, rva = robustness_values(elements, null=null, rho=rho, alpha=alpha)
    return DMLSensitivity(
        estimand=elements.estimand, treatment=treatment, outcome=outcome, n=elements.n,
        estimate=elements.theta, std_error=elements.std_error, sigma2=elements.sigma2,
        nu2=elements.nu2, cf_y=float(cf_y), cf_d=float(cf_d), rho=float(rho), null=null,
        alpha=alpha, bounds=(float(b["lower"]), float(b["upper"])),
        bounds_se=(float(b["se_lower"]), float(b["se_upper"])),
        ci=(float(b["ci_lower"]), float(b["ci_upper"])), rv=rv, rva=rva,
        benchmarks=benchmarks, notes=notes, elements=elements)


def aipw_bounds(estimate: Any, *, cf_y: float = 0.03, cf_d: float = 0.03, rho: float = 1.0,
               null: float = 0.0, alpha: float = 0.05) -> DMLSensitivity:
    """Bounds, one-sided confidence limits, RV and RVa of an AIPW estimate.

    Parameters
    ----------
    estimate : EffectEstimate
        From :class:`causal.estimate.AIPW` with ``measure`` ``"rd"`` or ``"md"`` (any
        cross-fitting, ATE or ATT).
    cf_y, cf_d : float in [0, 1)
        Share of the outcome's residual variation explained by the latent confounder; share of
        the Riesz representer's variation it adds (see :mod:`causal.sensitivity.aipw_bounds`).
        Defaults 0.03, as DoubleML's.
    rho : float in [-1, 1]
        Adversity; only ``|rho|`` matters for the bounds. 1 (default) is the worst case.
    null : float
        The effect the robustness values refer to.
    alpha : float
        Each confidence limit is one-sided at level ``1 - alpha`` (z = 1.645 at 0.05).

    Returns
    -------
    DMLSensitivity

    Notes
    -----
    ``theta -/+ |rho| sqrt(cf_y cf_d/(1 - cf_d)) sqrt(sigma^2 nu^2)``; see
    :func:`causal.sensitivity.omitted_variable.dml_bounds.bias_bounds` for the limits (ours use each bound's own
    standard error; DoubleML 0.11.4 pairs each bound with the other's) and
    :func:`~causal.sensitivity.omitted_variable.dml_bounds.robustness_values` for RV and RVa (closed form).

    References
    ----------
    Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis (2024), Long Story Short: Omitted
    Variable Bias in Causal Machine Learning. Review of Economics and Statistics.
    """
    elements = elements_from_estimate(estimate)
    return _result(elements, cf_y=cf_y, cf_d=cf_d, rho=rho, null=float(null), alpha=alpha,
                   benchmarks=(), outcome=estimate.outcome, treatment=estimate.treatment,
                   notes=tuple(estimate.notes))


def _groups(benchmarks: Any, covariates: Sequence[str]) -> list[tuple[str, ...]]:
    if benchmarks is None:
        return []
    if isinstance(benchmarks, str):
        benchmarks = [benchmarks]
    groups = []
    for item in benchmarks:
        group = (item,) if isinstance(item, str) else tuple(item)
        if not group or not all(isinstance(g, str) for g in group):
            raise ParameterError("`benchmarks` must be covariate names or lists of them (a "
                                 f"group); got {item!r}.")
        missing = [g for g in group if g not in covariates]
        if missing:
            raise ParameterError(f"`benchmarks` must name covariates of the model "
                                 f"({', '.join(covariates)}); got {missing[0]!r}.")
        groups.append(group)
    return groups


def _without(prep: Any, group: Sequence[str], categorical: Sequence[str],
             squared: Sequence[str]) -> Any:
    """The long fit's analysis arrays without the plain numeric covariates of ``group`` (the
    arrays ``prepare`` would build from the remaining covariates: the same rows, since no
    row was dropped, and the same columns less these); None where the group holds a
    categorical or squared covariate, whose columns are derived (build them anew)."""
    if prep is None or prep.n_dropped or any(c in categorical or c in squared for c in group):
        return None
    names = list(prep.x_names)
    if not all(names.count(c) == 1 for c in group):
        return None
    drop = [names.index(c) for c in group]
    keep = [j for j in range(len(names)) if j not in drop]
    return dataclasses.replace(
        prep, x=np.ascontiguousarray(prep.x[:, keep]), x_names=tuple(names[j] for j in keep),
        covariates=tuple(c for c in prep.covariates if c not in group), cluster=None,
        cluster_name=None)


def _short_estimator(estimator: Any, fold: np.ndarray) -> Any:
    """The same AIPW configuration on the long fit's folds (DoubleML reuses its samples too)."""
    k = int(fold.max()) + 1
    cv: Any = 1 if k == 1 else [(np.flatnonzero(fold != j), np.flatnonzero(fold == j))
                                for j in range(k)]
    return type(estimator)(**{**estimator.get_params(), "cv": cv})


def dml_sensitivity(data: pd.DataFrame, *, treatment: str, outcome: str,
                    covariates: Sequence[str], categorical: Sequence[str] = (),
                    squared: Sequence[str] = (), estimator: Any = None,
                    benchmarks: Any = None, cf_y: float = 0.03, cf_d: float = 0.03,
                    rho: float = 1.0, null: float = 0.0, alpha: float = 0.05,
                    random_state: Any = None, estimate: Any = None,
                    cluster: str | None = None) -> DMLSensitivity:
    """Fit the cross-fitted AIPW, bound its omitted-variable bias, benchmark covariate groups.

    Parameters
    ----------
    data : DataFrame
        Not modified.
    treatment, outcome, covariates, categorical, squared
        As in :meth:`causal.estimate.AIPW.estimate`. A 0/1 outcome gives a risk difference.
    estimator : AIPW, optional
        Default ``AIPW(random_state=random_state)`` (5 folds, logistic/linear nuisances).
        ``measure`` must be ``"auto"``, ``"rd"`` or ``"md"``.
    benchmarks : list of (str or list of str), optional
        Observed covariates, or groups of them given as a list (``[["female", "pastvoted"]]``
        benchmarks both together, as sensemakr's grouped ``benchmark_covariates``). Each is
        dropped (with its indicator and squared terms) and the AIPW refitted on the same folds.
    cf_y, cf_d, rho, null, alpha
        As in :func:`aipw_bounds`.
    random_state : int or numpy.random.Generator, optional
        Seeds the folds when ``estimator`` is not given.
    estimate : EffectEstimate, optional
        ``estimator``'s fit on ``data`` when the caller already has it (the analysis layer
        passes the AIPW estimate the report shows, so it is bounded rather than refitted);
        only the benchmarks are fitted here.
    cluster : str, optional
        A column grouping the rows: folds of whole clusters and cluster-robust (CR1)
        confidence limits and RVa (an ``estimate`` fitted with ``cluster=`` carries its own).

    Returns
    -------
    DMLSensitivity
        With ``benchmarks`` rows: ``cf_y``, ``cf_d``, ``rho``, ``delta_theta`` and the bounds at
        the benchmark's own ``(cf_y, cf_d, rho)``.

    Notes
    -----
    Benchmarks follow DoubleML's ``sensitivity_benchmark`` / ``gain_statistics`` (0.11.4): a
    latent confounder "as strong as" the omitted group relative to the remaining covariates.
    They are yardsticks, not estimates of the latent confounder. Each benchmark's bounds use
    its own ``rho`` (DoubleML's contour plot evaluates benchmarks at the scenario's ``rho``
    instead; we report the benchmark's, because its sign and size are part of what it
    measures; the contour plot here, like DoubleML's, is drawn at the scenario's ``|rho|``).

    Where we differ from DoubleML: propensity scores are never clipped (DoubleML clips to
    [0.01, 0.99] by default), the confidence limits pair each bound with its own SE (see
    :func:`~causal.sensitivity.omitted_variable.dml_bounds.bias_bounds`), and RV/RVa are closed-form roots.
    """
    from causal.estimate import AIPW

    model = AIPW(random_state=random_state) if estimator is None else estimator
    if not isinstance(model, AIPW):
        raise ParameterError(f"`estimator` must be a causal.estimate.AIPW; got "
                             f"{type(model).__name__}.")
    groups = _groups(benchmarks, list(covariates))
    spec = dict(treatment=treatment, outcome=outcome)
    prep = None
    if estimate is None:
        model._check_all()
        prep = prepare(data, **spec, covariates=list(covariates),
                       categorical=list(categorical), squared=list(squared), cluster=cluster)
        long = model._estimate_prepared(prep, categorical=list(categorical),
                                        squared=list(squared))
    else:
        long = estimate
    elements = elements_from_estimate(long)
    short_model = _short_estimator(model, long.diagnostics["nuisance"]["fold"])
    rows = []
    for group in groups:
        keep = [c for c in covariates if c not in group]
        short_spec = dict(categorical=[c for c in categorical if c in keep],
                          squared=[c for c in squared if c in keep])
        short_prep = _without(prep, group, categorical, squared)
        short = (short_model.estimate(data, **spec, covariates=keep, **short_spec)
                 if short_prep is None else
                 short_model._estimate_prepared(short_prep, **short_spec))
        gains = gain_statistics(elements, elements_from_estimate(short))
        if gains["cf_d"] < 1:
            b = bias_bounds(elements, gains["cf_y"], gains["cf_d"], gains["rho"], alpha=alpha)
            at = {key: float(b[key]) for key in ("lower", "upper", "ci_lower", "ci_upper")}
            strength = float(confounding_strength(gains["cf_y"], gains["cf_d"], gains["rho"]))
        else:  # a benchmark explaining all of the Riesz representer: unbounded
            at = {"lower": -np.inf, "upper": np.inf, "ci_lower": -np.inf, "ci_upper": np.inf}
            strength = np.inf
        rows.append(DMLBenchmark(" + ".join(group), group, gains["cf_y"], gains["cf_d"],
                                 gains["rho"], gains["delta_theta"], strength, **at))
    return _result(elements, cf_y=cf_y, cf_d=cf_d, rho=rho, null=float(null), alpha=alpha,
                   benchmarks=tuple(rows), outcome=outcome, treatment=treatment,
                   notes=tuple(long.notes))
