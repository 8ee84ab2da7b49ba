"""Sensitivity analyses of one data set at once: E-value, omitted-variable bias, Rosenbaum Γ*.

:func:`individual_sensitivity` runs, on one DataFrame, the three data-level diagnostics the
report shows side by side:

* the E-value of the adjusted outcome-regression estimate (a conditional odds ratio from
  logistic regression for a 0/1 outcome, read with ``rare_outcome`` as given; otherwise the
  least-squares mean difference of the OVB model below, with the pooled within-arm SD of the
  outcome for the SMD conversion);
* omitted-variable bias of the same adjustment as a linear (probability) model, with
  robustness values and bounds from benchmark covariates (:func:`ovb_sensitivity`);
* Rosenbaum bounds on propensity-score matched pairs (:func:`rosenbaum_matched`).

For SIMULATED data with a latent confounder column (``latent``), the confounder's actual
partial R²s with treatment and outcome are computed too, by refitting with it: the strength
that no real analysis can know, shown only to judge the diagnostics.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from causal.errors import ParameterError
from causal.sensitivity.omitted_variable.data import OVBDataResult, ovb_sensitivity
from causal.sensitivity.rosenbaum_bounds.matched import MatchedRosenbaum, rosenbaum_matched


@dataclass(frozen=True, eq=False)
class IndividualSensitivity:
    """Result of :func:`individual_sensitivity`."""

    measure: Any  # conditional OddsRatio (logistic) or MeanDifference (least squares)
    evalue: Any  # EValueResult, or None when the E-value is not defined
    ovb: OVBDataResult
    matching: Any  # EffectEstimate of PSMatching
    rosenbaum: MatchedRosenbaum
    latent: tuple[str, float, float] | None = None  # (name, r2dz_x, r2yz_dx), simulated only

    @property
    def benchmark_choice(self) -> str:
        return ", ".join(b.name for b in self.ovb.benchmarks)


def strongest_benchmark(data: pd.DataFrame, *, treatment: str, outcome: str,
                        covariates: Sequence[str], categorical: Sequence[str] = (),
                        squared: Sequence[str] = ()) -> str:
    """The covariate (with its indicators or square) with the largest partial R² with the
    treatment given the others: the strongest measured predictor of who was treated."""
    result = ovb_sensitivity(data, treatment=treatment, outcome=outcome, covariates=covariates,
                             categorical=categorical, squared=squared, benchmarks=covariates,
                             kd=[1], infeasible="skip")
    return max(result.benchmarks, key=lambda b: b.r2dxj_x).name


def individual_sensitivity(data: pd.DataFrame, *, treatment: str, outcome: str,
                           covariates: Sequence[str], categorical: Sequence[str] = (),
                           squared: Sequence[str] = (), benchmarks: Sequence[str] = (),
                           kd: Sequence[float] = (1, 2, 3), rare_outcome: bool | None = None,
                           latent: str | None = None, alpha: float = 0.05,
                           random_state: Any = 0,
                           cluster: str | None = None) -> IndividualSensitivity:
    """E-value, OVB with benchmarks, and Rosenbaum Γ* for one data set.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified.
    treatment, outcome, covariates, categorical, squared
        The adjustment model, as for the estimators.
    benchmarks : sequence of str
        Benchmark covariates for the OVB bounds; empty: :func:`strongest_benchmark`.
    kd : sequence of float
        Multiples of each benchmark's strength.
    rare_outcome : bool or None
        For a 0/1 outcome: whether it is rare, which the E-value of the conditional OR needs
        (``False`` for a common outcome: RR ~ sqrt(OR)). Required for a 0/1 outcome.
    latent : str, optional
        A latent confounder column present only in SIMULATED data; its true partial R²s are
        computed (and it is otherwise never used).
    alpha : float
    random_state : int or numpy.random.Generator
        Seeds the propensity-score matching behind the Rosenbaum bounds (it breaks ties
        between equally close controls at random); the same seed gives the same pairs and
        the same Gamma*.
    cluster : str, optional
        A column grouping the rows: the E-value's interval and the OVB intervals and RVa are
        cluster-robust (CR1); Rosenbaum's matched-pair test is left as it is (its pairs are
        treated as independent).

    Returns
    -------
    IndividualSensitivity
    """
    from causal._validation import check_unique_index
    from causal.estimate import OutcomeRegression, PSMatching
    from causal.measures import MeanDifference
    from causal.sensitivity.evalues.evalue import e_value

    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    check_unique_index(data)
    covs, cats, sqs = list(covariates), list(categorical), list(squared)
    model = dict(treatment=treatment, outcome=outcome, covariates=covs, categorical=cats,
                 squared=sqs)
    if latent is not None and not data.attrs.get("simulated", False):
        raise ParameterError(f"`latent` ({latent!r}) is for simulated data only; these data "
                             "are not marked simulated (attrs['simulated']).")
    chosen = list(benchmarks) or [strongest_benchmark(data, **model)]
    ovb = ovb_sensitivity(data, **model, benchmarks=chosen, kd=kd, alpha=alpha,
                          infeasible="skip", cluster=cluster)
    if ovb.model == "linear probability":
        if rare_outcome is None:
            raise ParameterError("`rare_outcome` must be True or False for a 0/1 outcome (the "
                                 "E-value of an odds ratio depends on it); got None.")
        logistic = OutcomeRegression(alpha=alpha).estimate(data, **model, cluster=cluster)
        measure = dataclasses.replace(logistic.to_measure(), rare_outcome=rare_outcome,
                                      label="logistic regression: conditional OR")
    else:
        y = data[outcome].to_numpy(dtype=float)
        a = data[treatment].to_numpy(dtype=float)
        n1, n0 = a.sum(), (1 - a).sum()
        sd = math.sqrt((y[a == 1].var(ddof=1) * (n1 - 1) + y[a == 0].var(ddof=1) * (n0 - 1))
                       / (len(y) - 2))
        measure = MeanDifference(ovb.estimate, std_error=ovb.std_error, outcome_sd=sd,
                                 alpha=alpha, label="least squares: mean difference")
    evalue = e_value(measure)
    matching = PSMatching(alpha=alpha, random_state=random_state).estimate(data, **model)
    rosenbaum = rosenbaum_matched(matching, data, alpha=alpha)
    truth = None
    if latent is not None:
        with_latent = ovb_sensitivity(data, treatment=treatment, outcome=outcome,
                                      covariates=[*covs, latent], categorical=cats,
                                      squared=sqs, benchmarks=[latent], kd=[1],
                                      infeasible="skip")
        b = with_latent.benchmarks[0]
        truth = (latent, b.r2dxj_x, b.r2yxj_dx)
    return IndividualSensitivity(measure, evalue, ovb, matching, rosenbaum, truth)
