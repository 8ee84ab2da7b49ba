"""Observed-covariate benchmarking on the E-value scale (McGowan & Greevy 2020).

Drop each measured covariate (or group of covariates) in turn, refit the outcome model, and
express how far the estimate moves on the E-value scale: the *Observed Covariate E-value* of a
group is the E-value of the ratio between the full model's and the reduced model's estimates (on
the risk-ratio scale). Set next to the E-value of the estimate itself, it says whether an
unmeasured confounder would need to be stronger or weaker than, say, baseline severity, whose
omission is observed to shift the estimate by that much.

Conventions (stated on the result)
----------------------------------
* Logistic outcome model: the treatment coefficient is a *conditional* odds ratio. With
  ``rare_outcome=False`` (common outcome) every OR and CI limit is put on the risk-ratio scale
  as ``sqrt(OR)`` (VanderWeele 2017), with ``rare_outcome=True`` used as is.
* Linear model: the coefficient ``b`` (a mean difference) is standardised by the outcome's
  sample SD ``s_y`` and put on the risk-ratio scale as ``exp(0.91 b / s_y)`` (VanderWeele 2017);
  the same ``s_y`` is used for the full and reduced models, so a ratio of two such values is
  ``exp(0.91 (b_full - b_reduced) / s_y)``.
* Point version: the E-value of ``RR_full / RR_reduced`` (inverted if below 1). CI version (as
  in the R package tipr's ``observed_covariate_e_value``): the full model's CI limit nearest the
  null, against the same limit of the reduced model, both after inverting a protective estimate.
* Wald intervals at ``1 - alpha`` with classical (model-based) standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_literal
from causal.errors import DataError, ParameterError
from causal.measures import RARE_OUTCOME_THRESHOLD, MeanDifference, OddsRatio, z_critical
from causal.sensitivity.evalues.evalue import SMD_TO_LOG_RR, EValueResult, e_value, e_value_of_rr

Model = Literal["auto", "linear", "logistic"]


def observed_covariate_e_value(rr_full: float, rr_reduced: float) -> float:
    """E-value of the ratio between two risk ratios: ``E(max(q, 1/q))`` with ``q = full /
    reduced`` (McGowan & Greevy 2020). Equal estimates give 1."""
    if not (rr_full > 0 and rr_reduced > 0):
        raise ParameterError(f"risk ratios must be > 0; got {rr_full!r} and {rr_reduced!r}.")
    return float(e_value_of_rr(rr_full / rr_reduced))


def observed_covariate_e_value_ci(ci_full: tuple[float, float],
                                  ci_reduced: tuple[float, float]) -> float:
    """CI version: the full model's limit nearest 1 against the reduced model's same limit.

    Both CIs are on the risk-ratio scale. For a full CI above 1 the lower limits are compared,
    below 1 the upper limits (inverted), so the result is the E-value of ``max(q, 1/q)``.
    """
    lower, upper = ci_full
    if lower <= 1 <= upper:
        bound, bound_reduced = (lower, ci_reduced[0]) if abs(math.log(lower)) < abs(
            math.log(upper)) else (upper, ci_reduced[1])
    elif lower > 1:
        bound, bound_reduced = lower, ci_reduced[0]
    else:
        bound, bound_reduced = upper, ci_reduced[1]
    return observed_covariate_e_value(bound, bound_reduced)


@dataclass(frozen=True)
class CovariateBenchmark:
    """One dropped group: the reduced model's estimate and its Observed Covariate E-values."""

    group: str
    dropped: tuple[str, ...]
    estimate: float
    ci: tuple[float, float]
    e_value: float
    e_value_ci: float


@dataclass(frozen=True)
class CovariateBenchmarkResult(SummaryMixin):
    """The full model's estimate and E-value, and the benchmark of each dropped group."""

    measure: str  # "conditional OR" or "MD"
    estimate: float
    ci: tuple[float, float]
    evalue: EValueResult = field(repr=False)
    benchmarks: tuple[CovariateBenchmark, ...]
    conversion: str
    alpha: float
    n: int

    def table(self) -> pd.DataFrame:
        """One row per dropped group, sorted by Observed Covariate E-value (largest first)."""
        rows = [{"group": b.group, "dropped": ", ".join(b.dropped), "estimate_without": b.estimate,
                 "ci_lower_without": b.ci[0], "ci_upper_without": b.ci[1],
                 "observed_covariate_e_value": b.e_value,
                 "observed_covariate_e_value_ci": b.e_value_ci} for b in self.benchmarks]
        return pd.DataFrame(rows).sort_values("observed_covariate_e_value", ascending=False,
                                              ignore_index=True)

    def summary(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = [
            {"quantity": f"{self.measure} (all covariates)", "estimate": self.estimate,
             "ci_lower": self.ci[0], "ci_upper": self.ci[1], "method": "full model",
             "note": f"n = {self.n}"},
            {"quantity": "E-value (point estimate)", "estimate": self.evalue.point,
             "method": "VanderWeele & Ding 2017", "note": self.conversion},
            {"quantity": "E-value (CI limit)", "estimate": self.evalue.ci,
             "method": "VanderWeele & Ding 2017", "note": self.evalue.ci_limit_used},
        ]
        for b in self.benchmarks:
            rows.append({"quantity": f"{self.measure} without {b.group}", "estimate": b.estimate,
                         "ci_lower": b.ci[0], "ci_upper": b.ci[1], "method": "reduced model",
                         "note": f"dropped: {', '.join(b.dropped)}"})
            rows.append({"quantity": f"Observed covariate E-value: {b.group}",
                         "estimate": b.e_value, "method": "McGowan & Greevy 2020",
                         "note": f"CI-limit version {b.e_value_ci:.3g}"})
        return summary_frame(rows)

    def sentence(self) -> str:
        if not self.benchmarks:
            return "No covariate groups were benchmarked."
        top = max(self.benchmarks, key=lambda b: b.e_value)
        stronger = sum(b.e_value >= self.evalue.point for b in self.benchmarks)
        return (f"Omitting {top.group} moves the estimate from {self.estimate:.3g} to "
                f"{top.estimate:.3g}, an Observed Covariate E-value of {top.e_value:.2f}, against "
                f"an E-value of {self.evalue.point:.2f} for the estimate; {stronger} of "
                f"{len(self.benchmarks)} measured groups moved it at least as much as an "
                "unmeasured confounder would need to.")


def _fit(y: np.ndarray, x: np.ndarray, logistic: bool, z: float) -> tuple[float, tuple]:
    import statsmodels.api as sm

    if logistic:
        fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    else:
        fit = sm.OLS(y, x).fit()
    coef, se = float(fit.params[1]), float(fit.bse[1])
    return coef, (coef - z * se, coef + z * se)


def _check_events_in_each_arm(y: np.ndarray, t: np.ndarray, outcome: str) -> None:
    """A logistic treatment coefficient is infinite when an arm has no events (or only
    events); say so instead of failing on exp() of it."""
    for arm, label in ((1, "treated"), (0, "control")):
        in_arm = y[t == arm]
        events = int(in_arm.sum())
        if events == 0 or events == in_arm.size:
            which = "no" if events == 0 else "only"
            raise DataError(f"the outcome {outcome!r} has {which} events in the {label} arm "
                            f"({events} of {in_arm.size}), so the logistic model's treatment "
                            f"odds ratio is {'zero' if (events == 0) == (arm == 1) else 'infinite'}"
                            f" (separation); covariate E-values need events and non-events in "
                            f"both arms (use model='linear' for a risk difference).")


def benchmark_covariates(data: pd.DataFrame, *, treatment: str, outcome: str,
                         covariates: Sequence[str],
                         groups: Mapping[str, Sequence[str]] | None = None,
                         model: Model = "auto", rare_outcome: bool | None = None,
                         alpha: float = 0.05) -> CovariateBenchmarkResult:
    """Observed Covariate E-values for every covariate (or group) of an outcome model.

    Parameters
    ----------
    data : pandas.DataFrame
        Not modified. Numeric columns without missing values.
    treatment, outcome : str
    covariates : sequence of str
        The full model's covariates.
    groups : mapping of name -> covariates, optional
        Groups dropped together (e.g. ``{"baseline severity": ["phq9", "gad7"]}``); by default
        each covariate is its own group.
    model : {"auto", "linear", "logistic"}
        ``"auto"``: logistic for a 0/1 outcome, else linear.
    rare_outcome : bool, optional
        Required for a logistic model (how an OR becomes a risk ratio; see the module docstring).
    alpha : float
        For the Wald intervals.

    Returns
    -------
    CovariateBenchmarkResult

    References
    ----------
    McGowan, L. D. & Greevy, R. A. (2020). Contextualizing E-values for interpretable
    sensitivity to unmeasured confounding analyses. arXiv:2011.07030.
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine 167(4), 268-274.
    """
    from causal.estimate._design import prepare

    check_literal(model, "model", ("auto", "linear", "logistic"))
    alpha = check_alpha(alpha)
    covariates = (covariates,) if isinstance(covariates, str) else tuple(covariates)
    prep = prepare(data, treatment=treatment, outcome=outcome, covariates=covariates)
    logistic = prep.binary if model == "auto" else model == "logistic"
    if logistic and not prep.binary:
        raise ParameterError(f"`model`='logistic' needs a binary outcome; column {outcome!r} has "
                             "other values.")
    if logistic and rare_outcome is None:
        raise ParameterError(
            "`rare_outcome` must be stated for a logistic model: True if the outcome is rare "
            f"(< {RARE_OUTCOME_THRESHOLD:.0%}), False if common (here {prep.y.mean():.0%} have "
            "it); got None.")
    if groups is None:
        groups = {c: (c,) for c in covariates}
    groups = {str(k): ((v,) if isinstance(v, str) else tuple(v)) for k, v in groups.items()}
    for name, members in groups.items():
        unknown = [m for m in members if m not in covariates]
        if unknown or not members:
            raise DataError(f"`groups[{name!r}]` must list covariates of the model; got "
                            f"{list(members)} ({unknown or 'empty'} not among {list(covariates)}).")
    if logistic:
        _check_events_in_each_arm(prep.y, prep.a, outcome)
    z = z_critical(alpha)
    design = np.column_stack([np.ones(prep.n), prep.a, prep.x])
    coef, ci = _fit(prep.y, design, logistic, z)
    if logistic:
        def to_rr(b: float) -> float:
            return math.exp(b / 2) if not rare_outcome else math.exp(b)
        conversion = ("conditional OR; common outcome: RR ~ sqrt(OR)" if not rare_outcome
                      else "conditional OR; rare outcome: RR ~ OR")
        measure, natural = "conditional OR", math.exp
        evalue = e_value(OddsRatio(math.exp(coef), ci=(math.exp(ci[0]), math.exp(ci[1])),
                                   alpha=alpha, rare_outcome=rare_outcome, kind="conditional"))
    else:
        sd_y = float(np.std(prep.y, ddof=1))

        def to_rr(b: float) -> float:
            return math.exp(SMD_TO_LOG_RR * b / sd_y)
        conversion = f"MD / SD(outcome) = d, RR ~ exp(0.91 d); SD = {sd_y:.4g}"
        measure, natural = "MD", float
        evalue = e_value(MeanDifference(coef, ci=ci, alpha=alpha, outcome_sd=sd_y))
    benchmarks = []
    for name, members in groups.items():
        keep = [j for j, c in enumerate(covariates) if c not in members]
        reduced = design[:, [0, 1] + [2 + j for j in keep]]
        b, b_ci = _fit(prep.y, reduced, logistic, z)
        benchmarks.append(CovariateBenchmark(
            group=name, dropped=members, estimate=natural(b),
            ci=(natural(b_ci[0]), natural(b_ci[1])),
            e_value=observed_covariate_e_value(to_rr(coef), to_rr(b)),
            e_value_ci=observed_covariate_e_value_ci((to_rr(ci[0]), to_rr(ci[1])),
                                                     (to_rr(b_ci[0]), to_rr(b_ci[1])))))
    return CovariateBenchmarkResult(measure=measure, estimate=natural(coef),
                                    ci=(natural(ci[0]), natural(ci[1])), evalue=evalue,
                                    benchmarks=tuple(benchmarks), conversion=conversion,
                                    alpha=alpha, n=prep.n)
