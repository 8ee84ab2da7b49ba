"""The result every refuter returns, and the p-value rules they share.

Two kinds of rule (``alpha`` = 0.05 by default), each stated on the result:

* **"null"** refuters (placebo treatment, dummy outcome) replace the treatment or the outcome by
  something the treatment cannot affect, so the refuted estimates should centre on the null
  (0 for a difference, 1 for an odds ratio).
* **"stable"** refuters (random common cause, data subsets, bootstrap) perturb the analysis in a
  way that should leave the estimate where it was, so the refuted estimates should centre on the
  original estimate.

p-values are Monte Carlo p-values with the ``(1 + count) / (R + 1)`` correction (Davison &
Hinkley 1997, eq. 4.11), on the linear scale (log for odds ratios):

* permutation: ``P(|refuted - null| >= |original - null|)``;
* location: twice the smaller tail share of the refuted estimates at the target value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame


def permutation_p(refuted: np.ndarray, original: float, null: float) -> float:
    """``(1 + #{|r - null| >= |original - null|}) / (R + 1)`` on the linear scale."""
    refuted = refuted[np.isfinite(refuted)]
    count = int(np.sum(np.abs(refuted - null) >= abs(original - null) * (1 - 1e-12)))
    return (1 + count) / (refuted.size + 1)


def location_p(refuted: np.ndarray, target: float) -> float:
    """Two-sided Monte Carlo p-value of ``target`` within the distribution ``refuted``."""
    refuted = refuted[np.isfinite(refuted)]
    below = 1 + int(np.sum(refuted <= target))
    above = 1 + int(np.sum(refuted >= target))
    return min(1.0, 2 * min(below, above) / (refuted.size + 1))


def random_state_label(random_state: Any) -> int | str | None:
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return None if random_state is None else int(random_state)
    return "numpy Generator (state not recorded)"


@dataclass(frozen=True)
class RefutationResult(SummaryMixin):
    """The outcome of one refutation test.

    Attributes
    ----------
    refuter : str
        Which test ("placebo treatment", "random common cause", ...).
    method : str
        The estimator and its measure, e.g. "linear regression: coefficient (MD)".
    original_estimate : float
        The estimate on the data as given (natural scale: an odds ratio for a logistic model).
    refuted_estimates : numpy.ndarray
        One estimate per simulation (natural scale).
    expected : {"null", "original"}
        Where the refuted estimates should centre if the estimate survives.
    null_value : float
        0 for differences, 1 for odds ratios.
    p_value : float or None
        See the module docstring; None where the test is descriptive (added unobserved common
        cause).
    passed : bool
        The pass/fail rule in ``rule`` applied at ``alpha``.
    rule : str
        The pass/fail rule in words.
    sentence : str
        A plain-language reading of the result.
    n : int
        Rows analysed. n_failed : simulations whose fit has no unique solution or did not
        converge (NaN in ``refuted_estimates``, excluded from every statistic).
    random_state : int, str or None
        The seed used (a Generator's state is not recorded).
    parameters : mapping
        Refuter settings (subset fraction, confounder strengths, ...).
    """

    refuter: str
    method: str
    original_estimate: float
    refuted_estimates: np.ndarray = field(compare=False, repr=False)
    expected: str
    null_value: float
    p_value: float | None
    passed: bool
    rule: str
    sentence: str
    n: int
    alpha: float = 0.05
    is_ratio: bool = False
    n_failed: int = 0
    random_state: int | str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def n_simulations(self) -> int:
        return int(self.refuted_estimates.size)

    @property
    def computed(self) -> bool:
        """Whether at least one refit gave an estimate (a test whose every refit failed
        says nothing about the estimate: it is "not computed", neither passed nor failed)."""
        return self.n_failed < self.n_simulations

    @property
    def verdict(self) -> str:
        if not self.computed:
            return "not computed"
        return "passed" if self.passed else "failed"

    def _linear(self) -> np.ndarray:
        values = self.refuted_estimates[np.isfinite(self.refuted_estimates)]
        return np.log(values) if self.is_ratio else values

    @property
    def refuted_mean(self) -> float:
        """Mean of the refuted estimates (a geometric mean for odds ratios); NaN when no refit
        gave an estimate (:attr:`computed` is False, and the sentence says why)."""
        values = self._linear()
        if values.size == 0:
            return math.nan
        mean = float(np.mean(values))
        return math.exp(mean) if self.is_ratio else mean

    @property
    def refuted_sd(self) -> float:
        """SD of the refuted estimates on the linear scale (log for odds ratios)."""
        values = self._linear()
        return float(np.std(values, ddof=1)) if values.size > 1 else math.nan

    @property
    def monte_carlo_se(self) -> float:
        """Monte Carlo standard error of the mean of the refuted estimates (linear scale)."""
        return self.refuted_sd / math.sqrt(max(self._linear().size, 1))

    @property
    def shift(self) -> float:
        """Mean refuted estimate minus the original, on the linear scale."""
        original = math.log(self.original_estimate) if self.is_ratio else self.original_estimate
        values = self._linear()
        return float(np.mean(values)) - original if values.size else math.nan

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central percentile interval of the refuted estimates (natural scale)."""
        values = self.refuted_estimates[np.isfinite(self.refuted_estimates)]
        if values.size == 0:
            return math.nan, math.nan
        tail = (1 - level) / 2
        low, high = np.quantile(values, [tail, 1 - tail])
        return float(low), float(high)

    def summary(self) -> pd.DataFrame:
        scale = " (geometric mean; SD on the log scale)" if self.is_ratio else ""
        low, high = self.interval(1 - self.alpha)
        seed = f"random_state = {self.random_state}" if self.random_state is not None else \
            "random_state = None (unseeded)"
        rows = [
            {"quantity": f"{self.refuter}: original estimate", "estimate": self.original_estimate,
             "method": self.method, "note": f"n = {self.n}"},
            {"quantity": f"{self.refuter}: refuted estimates{scale}",
             "estimate": self.refuted_mean, "std_error": self.refuted_sd, "ci_lower": low,
             "ci_upper": high, "p_value": self.p_value, "method": self.method,
             "note": (f"{self.verdict}: {self.rule}; {self.n_simulations} simulations, "
                      f"{int((1 - self.alpha) * 100)}% percentile interval; {seed}"
                      + (f"; {self.n_failed} fits failed (no unique solution or no "
                         "convergence) and are excluded" if self.n_failed else ""))},
        ]
        return summary_frame(rows)


def finish(*, refuter: str, problem: Any, original: float, refuted: np.ndarray,
           converged: np.ndarray, expected: str, alpha: float, random_state: Any,
           parameters: Mapping[str, Any], p_value: float | None, passed: bool, rule: str,
           sentence: str) -> RefutationResult:
    refuted = np.where(converged, refuted, np.nan)
    refuted.setflags(write=False)
    if refuted.size and not np.isfinite(refuted).any():
        # no refit gave an estimate: the test cannot speak to the estimate either way
        p_value, passed = None, False
        sentence = (f"The {refuter} test could not be computed: all {refuted.size} refits of "
                    f"{problem.label} failed (no unique solution, no convergence, or an arm "
                    "or a cell left empty), so it says nothing about the estimate.")
    return RefutationResult(
        refuter=refuter, method=problem.label, original_estimate=float(original),
        refuted_estimates=refuted, expected=expected, null_value=problem.null_value,
        p_value=None if p_value is None else float(p_value), passed=bool(passed), rule=rule, sentence=sentence, n=problem.n,
        alpha=alpha, is_ratio=problem.is_ratio, n_failed=int(np.sum(~converged)),
        random_state=random_state_label(random_state), parameters=dict(parameters))


def linear(value: Any, is_ratio: bool) -> Any:
    return np.log(value) if is_ratio else value


def fmt(value: float) -> str:
    return f"{value:.4g}"


def location_check(refuted: np.ndarray, converged: np.ndarray, target: float, is_ratio: bool,
                   alpha: float) -> tuple[float, bool, float]:
    """Is ``target`` inside the converged refuted estimates? Returns the two-sided Monte Carlo
    p-value (on the linear scale), whether it passes (``p >= alpha``) and the distribution's
    centre on the estimate's scale."""
    good = refuted[converged]
    p_value = location_p(linear(good, is_ratio), float(linear(target, is_ratio)))
    return p_value, p_value >= alpha, centre_of(good, is_ratio)


def centre_of(values: np.ndarray, is_ratio: bool) -> float:
    """Mean of finite values (geometric mean for ratios); NaN when there are none (the
    refuter's result then says it was not computed)."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan
    return float(np.exp(np.mean(np.log(values)))) if is_ratio else float(np.mean(values))
