"""Every estimator on ``m`` imputed data sets, pooled by Rubin's rules.

:func:`estimate_imputed` imputes the incomplete table ``m`` times
(:func:`causal.data.impute.impute_chained`), runs each estimator of the study on every
imputed data set and pools each estimate on its linear scale (log for an odds ratio) with
:func:`causal.estimate.rubin.pool_scalar`: the pooled estimate, its total variance, the
Barnard-Rubin degrees of freedom, a t interval and the fraction of missing information. Each
imputation and its estimates are one replicate block (:mod:`causal._parallel`), seeded by the
study seed and the imputation's index.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.estimate.result import EffectEstimate
from causal.estimate.rubin import PooledScalar, pool_scalar

__all__ = ["PooledEstimate", "ImputedEstimates", "estimate_imputed"]


@dataclass(frozen=True)
class PooledEstimate(EffectEstimate):
    """An :class:`EffectEstimate` pooled over imputations (``pool`` holds Rubin's numbers).

    ``estimate`` and ``ci`` are on the natural scale; ``std_error`` is sqrt(T) on the linear
    scale; the interval and the p-value use the t distribution with Barnard-Rubin df.
    """

    pool: PooledScalar | None = field(default=None, compare=False)

    @property
    def p_value(self) -> float:
        return self.pool.p_value() if self.pool is not None else math.nan


@dataclass(frozen=True)
class ImputedEstimates(SummaryMixin):
    """The multiple-imputation analysis of a study, beside its complete-case analysis.

    Attributes
    ----------
    estimates : tuple
        One per estimator, in the order of the complete-case estimates: a
        :class:`PooledEstimate`, or a ``NotEstimable`` with its reason (when an estimator
        could not be estimated on some imputed data set, the first reason is kept).
    m, seed : int
        Imputations and their seed (imputation ``i``: ``SeedSequence(seed).spawn(m)[i]``).
    method : str
        The imputation method in words.
    flow : MissingFlow
        Rows read, missing per column and arm, complete cases.
    n : int
        Rows analysed in every imputed data set.
    """

    estimates: tuple[Any, ...]
    m: int
    seed: int | None
    method: str
    flow: Any
    n: int
    #: the delta-adjusted MNAR tipping point of a missing outcome
    #: (:class:`causal.sensitivity.tipping_points.missing_outcome.DeltaTipping`), set by the analysis that
    #: runs it, or the sentence saying why there is none
    tipping: Any = None
    #: the imputations themselves (for the tipping analysis, which reuses them)
    imputations: Any = field(default=None, repr=False, compare=False)

    def summary(self) -> pd.DataFrame:
        """The shared schema, one row per estimator (the note names df and FMI)."""
        return summary_frame([r.summary().iloc[0].to_dict() for r in self.estimates])

    def pooling(self) -> pd.DataFrame:
        """Rubin's numbers per estimator: within, between and total variance (linear scale),
        Barnard-Rubin df, relative increase in variance, lambda and the fraction of missing
        information (NaN for an estimator that was not estimable)."""
        rows = []
        for result in self.estimates:
            pool = getattr(result, "pool", None)
            rows.append({"quantity": f"{result.method} {result.measure.upper()}",
                         **{k: (getattr(pool, k) if pool is not None else math.nan)
                            for k in ("within", "between", "total", "df", "riv", "lambda_",
                                      "fmi")}})
        return pd.DataFrame(rows)


def _linear(result: EffectEstimate) -> float:
    return math.log(result.estimate) if result.is_ratio else result.estimate


def _stripped(result: EffectEstimate) -> EffectEstimate:
    """The result without its arrays (propensity scores, pairs): a light template."""
    return dataclasses.replace(result, diagnostics={}, matched_pairs=None, two_by_two=None,
                               refit=None, bootstrap=None)


def _block(shared: tuple[Any, list[Any], dict[str, Any], Any], index: int) -> list[Any]:
    """Imputation ``index``: complete it, run every estimator, keep what pooling needs."""
    from causal.estimate._design import prepare
    from causal.estimate._shared import shared_fits
    from causal.estimate.not_estimable import NotEstimable, fit_one

    imputations, estimators, kwargs, cluster = shared
    frame = imputations.completed(index)
    if cluster is not None:
        name, codes = cluster
        if name not in frame:
            frame = frame.assign(**{name: codes})
    with shared_fits():
        prep = prepare(frame, **kwargs, cluster=None if cluster is None else cluster[0])
        results = [fit_one(estimator, prep, frame, kwargs) for estimator in estimators]
    out: list[Any] = []
    for result in results:
        if isinstance(result, NotEstimable):
            out.append(result)
            continue
        linear = _linear(result) if result.estimate > 0 or not result.is_ratio else math.nan
        po = result.potential_outcomes
        out.append((linear, result.std_error**2, po, tuple(result.warnings),
                    _stripped(result) if index == 0 else None))
    return out


def _pooled(per: Sequence[Any], m: int, n: int, alpha_note: str) -> Any:
    from causal.estimate.not_estimable import NotEstimable

    failed = [p for p in per if isinstance(p, NotEstimable)]
    if failed:
        first = failed[0]
        return dataclasses.replace(
            first, reason=f"not estimable on {len(failed)} of {m} imputed data sets: "
                          f"{first.reason}")
    q = np.array([p[0] for p in per])
    u = np.array([p[1] for p in per])
    template = per[0][4]
    if not (np.isfinite(q).all() and np.isfinite(u).all()):
        return NotEstimable(method=template.method, measure=template.measure,
                            estimand=template.estimand, odds_ratio_kind=template.odds_ratio_kind,
                            reason="the estimate or its standard error is not finite on some "
                                   "imputed data set.")
    pool = pool_scalar(q, u)
    lo, hi = pool.ci(template.alpha)
    back = math.exp if template.is_ratio else float
    pos = [p[2] for p in per]
    po = (None if any(p is None for p in pos)
          else (float(np.mean([p[0] for p in pos])), float(np.mean([p[1] for p in pos]))))
    warned = sorted({w for p in per for w in p[3]})
    note = (f"pooled over {m} imputations by Rubin's rules: t interval with Barnard-Rubin df "
            f"{pool.df:.1f}, fraction of missing information {pool.fmi:.2f}{alpha_note}")
    return PooledEstimate(**{**{f.name: getattr(template, f.name)
                                for f in dataclasses.fields(EffectEstimate)},
                             "estimate": back(pool.estimate), "std_error": pool.std_error,
                             "ci": (back(lo), back(hi)), "n": n, "n_dropped": 0,
                             "potential_outcomes": po, "warnings": tuple(warned),
                             "notes": (*template.notes, note)}, pool=pool)


def estimate_imputed(incomplete: pd.DataFrame, estimators: Sequence[Any], kwargs: dict[str, Any],
                     *, m: int, seed: int, n_read: int, runner: Any = None,
                     cluster: str | None = None) -> ImputedEstimates:
    """Impute ``incomplete`` ``m`` times and pool every estimator by Rubin's rules.

    Parameters
    ----------
    incomplete : pandas.DataFrame
        :attr:`causal.data.files.TableData.incomplete` (treatment known, NaN where missing).
    estimators : sequence
        The study's estimators (configuration objects; each is fitted once per imputation).
    kwargs : dict
        treatment, outcome, covariates, categorical, squared, terms.
    m, seed : int
        Number of imputations and their seed.
    n_read : int
        Rows read (for the flow line).
    runner : optional
        Where the blocks run (:func:`causal._parallel.current_runner`).
    cluster : str, optional
        The column grouping the rows (``[data] cluster``): every imputed data set's estimates
        are then cluster-robust, as the complete-case ones are, and Rubin's rules pool those
        variances. The cluster column is carried along, not imputed, and is not a predictor
        of the imputation model (single-level imputation): with an outcome ICC well above 0
        this can understate the between-cluster variation of the imputed values (Andridge
        2011, Biometrical Journal 53:57-74), which the note says.

    Notes
    -----
    The per-imputation intervals of these estimators are large-sample (normal) Wald intervals,
    so the complete-data degrees of freedom are taken as infinite (mice's ``dfcom = Inf``); the
    pooled interval is ``Qbar ± t_{nu, 1 - alpha/2} sqrt(T)`` on the linear scale, with
    ``nu`` the Barnard-Rubin df, transformed back for ratios. Potential-outcome means are
    averaged over imputations (their SEs are not pooled here).

    References
    ----------
    Rubin (1987); Barnard & Rubin (1999); White, Royston & Wood (2011), Multiple imputation
    using chained equations: issues and guidance for practice, Stat Med 30:377-399.
    """
    from causal._parallel import current_runner
    from causal.data.impute import impute_chained, missing_flow

    runner = current_runner(runner)
    carried = None
    to_impute = incomplete
    if cluster is not None:
        carried = (cluster, incomplete[cluster].to_numpy())
        if cluster not in kwargs.get("covariates", ()):
            to_impute = incomplete.drop(columns=[cluster])
    imputations = impute_chained(to_impute, m=m, random_state=seed,
                                 categorical=kwargs.get("categorical", ()), runner=runner)
    blocks = runner.map(_block, list(range(imputations.m)),
                        runner.share((imputations, list(estimators), dict(kwargs), carried)),
                        label="imputed-estimates")
    n = len(incomplete)
    note = ("" if cluster is None else
            f"; per-imputation variances cluster-robust by {cluster!r} (the imputation model "
            "itself is single-level)")
    pooled = tuple(_pooled([b[j] for b in blocks], imputations.m, n, note)
                   for j in range(len(estimators)))
    return ImputedEstimates(estimates=pooled, m=imputations.m, seed=seed,
                            method=imputations.method,
                            flow=missing_flow(incomplete, kwargs["treatment"], n_read), n=n,
                            imputations=imputations)
