"""Probabilistic bias analysis for an unmeasured binary confounder (Lash, Fox & MacLehose 2021,
ch. 8; Greenland 2005), vectorised over draws.

For each draw ``i`` of the bias parameters from their priors (prevalence of the confounder among
the treated ``p1`` and controls ``p0``, and its risk ratio with the outcome ``g``):

* bias factor ``B_i = (g_i p1_i + 1 - p1_i) / (g_i p0_i + 1 - p0_i)``;
* systematic-error-only estimate ``RR_i = RR_obs / B_i``;
* total-error estimate ``exp(log RR_i - z_i SE)`` with ``z_i ~ N(0, 1)`` and ``SE`` the standard
  error of the observed log RR (conventional random error added on the log scale).

The interval is the ``alpha/2`` and ``1 - alpha/2`` quantiles of the draws, with the median as
the point estimate. Everything is on the risk-ratio scale; an OR or HR is converted as in
:mod:`causal.sensitivity._scale`, and because the conversions are monotone the quantiles are
mapped back to the input's scale exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_alpha, check_count
from causal.errors import ParameterError
from causal.measures import TwoByTwo, z_critical
from causal.sensitivity._scale import RRScale, to_rr_scale
from causal.study.values.priors import Prior, as_prior, check_support

#: draws per block: each block's draws come from its own seed sequence (the seed's spawn
#: ``b``), so the draws do not depend on where or how many blocks run at once
DRAW_BLOCK = 1_000_000


def _draw_block(shared: tuple[dict[str, Prior], float, float], block: tuple[int, Any]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bias factors, systematic and total draws of one block of ``size`` draws."""
    (priors, log_rr, se), (size, stream) = shared, block
    rng = np.random.default_rng(stream)
    p1 = priors["prevalence_treated"].sample(rng, size)
    p0 = priors["prevalence_control"].sample(rng, size)
    g = priors["outcome_rr"].sample(rng, size)
    z = rng.standard_normal(size)
    bias = (g * p1 + 1 - p1) / (g * p0 + 1 - p0)
    systematic = math.exp(log_rr) / bias
    return bias, systematic, systematic * np.exp(-se * z)


@dataclass(frozen=True, eq=False)
class BiasAnalysisResult(SummaryMixin):
    """Result of :func:`probabilistic_bias_analysis`.

    Attributes
    ----------
    systematic, total : numpy.ndarray
        Draws of the bias-adjusted risk ratio, systematic error only and total error.
    bias_factors : numpy.ndarray
        The bias factor of each draw.
    observed_rr, std_error : float
        The observed RR and the SE of its logarithm.
    priors : dict of str to Prior
    alpha : float
    seed : int or None
        The seed given (None when a Generator was passed).
    """

    systematic: np.ndarray = field(repr=False)
    total: np.ndarray = field(repr=False)
    bias_factors: np.ndarray = field(repr=False)
    observed_rr: float
    std_error: float
    priors: dict[str, Prior]
    alpha: float
    scale: RRScale = field(repr=False)
    seed: int | None = None

    def interval(self, which: str = "systematic") -> tuple[float, float, float]:
        """(median, lower, upper) of the draws on the risk-ratio scale."""
        draws = self.systematic if which == "systematic" else self.total
        q = np.quantile(draws, [0.5, self.alpha / 2, 1 - self.alpha / 2])
        return float(q[0]), float(q[1]), float(q[2])

    @property
    def share_tipped(self) -> float:
        """Share of systematic-error draws at or beyond the null (adjusted RR on the other side
        of 1 from the observed RR, or equal to 1)."""
        if self.observed_rr >= 1:
            return float(np.mean(self.systematic <= 1))
        return float(np.mean(self.systematic >= 1))

    @property
    def share_tipped_total(self) -> float:
        """Share of total-error draws (systematic and random error) at or beyond the null, on
        the same side convention as :attr:`share_tipped`. This is the share to quote beside the
        total-error interval (Lash, Fox & MacLehose 2021, ch. 8)."""
        if self.observed_rr >= 1:
            return float(np.mean(self.total <= 1))
        return float(np.mean(self.total >= 1))

    def to_dict(self) -> dict[str, Any]:
        """The summary with the systematic and total intervals (median, lower, upper) and the
        share of draws that tip the estimate."""
        return jsonable({**super().to_dict(), "systematic": list(self.interval("systematic")),
                         "total": list(self.interval("total")),
                         "share_tipped": self.share_tipped,
                         "share_tipped_total": self.share_tipped_total})

    def summary(self) -> pd.DataFrame:
        level = f"{100 * (1 - self.alpha):g}%"
        priors = "; ".join(f"{k} ~ {p.describe()}" for k, p in self.priors.items())
        rows = [{"quantity": "observed RR", "estimate": self.observed_rr,
                 "std_error": self.std_error,
                 "ci_lower": math.exp(math.log(self.observed_rr) - z_critical(self.alpha)
                                      * self.std_error),
                 "ci_upper": math.exp(math.log(self.observed_rr) + z_critical(self.alpha)
                                      * self.std_error),
                 "method": "conventional", "note": self.scale.conversion}]
        for which in ("systematic", "total"):
            median, lower, upper = self.interval(which)
            label = "systematic error only" if which == "systematic" else "total error"
            rows.append({"quantity": f"bias-adjusted RR ({label})", "estimate": median,
                         "ci_lower": lower, "ci_upper": upper,
                         "method": "probabilistic bias analysis",
                         "note": f"median and {level} simulation interval of "
                                 f"{self.systematic.size} draws; {priors}"})
            if self.scale.input_name != "RR":
                back = [self.scale.from_rr(v) for v in (median, lower, upper)]
                rows.append({"quantity": f"bias-adjusted {self.scale.input_name} ({label})",
                             "estimate": back[0], "ci_lower": back[1], "ci_upper": back[2],
                             "method": "probabilistic bias analysis",
                             "note": f"mapped back: {self.scale.conversion}"})
        rows.append({"quantity": "share of draws at or beyond the null",
                     "estimate": self.share_tipped, "method": "probabilistic bias analysis",
                     "note": "systematic error only"})
        rows.append({"quantity": "share of draws at or beyond the null",
                     "estimate": self.share_tipped_total,
                     "method": "probabilistic bias analysis", "note": "total error"})
        return summary_frame(rows)


def probabilistic_bias_analysis(data: Any, *, prevalence_treated: Prior | float,
                                prevalence_control: Prior | float, outcome_rr: Prior | float,
                                n_draws: int = 100_000, alpha: float = 0.05,
                                random_state: Any = None, runner: Any = None
                                ) -> BiasAnalysisResult:
    """Probabilistic bias analysis for an unmeasured binary confounder.

    Parameters
    ----------
    data : TwoByTwo, RiskRatio, OddsRatio or HazardRatio
        A 2x2 table (crude RR with the Katz SE) or a published ratio with a CI or SE.
    prevalence_treated, prevalence_control : Prior or float
        Priors for the confounder's prevalence among the treated and controls (support within
        [0, 1]); a number is a constant prior.
    outcome_rr : Prior or float
        Prior for the confounder-outcome risk ratio (support within (0, inf)).
    n_draws : int
    alpha : float
        The simulation interval is the ``alpha/2`` to ``1 - alpha/2`` quantiles.
    random_state : int, numpy.random.Generator or None
        Draws ``10^6 b`` to ``10^6 (b + 1) - 1`` come from block ``b``'s stream,
        ``SeedSequence(random_state).spawn(...)[b]``.
    runner : optional
        Where the blocks run (:mod:`causal._parallel`); results do not depend on it.

    Returns
    -------
    BiasAnalysisResult

    Notes
    -----
    See the module docstring. The draws are independent across parameters (no correlation
    between ``p1`` and ``p0``). With constant priors the systematic draws all equal the
    deterministic adjustment of :func:`causal.sensitivity.adjust_for_confounder`.

    References
    ----------
    Lash, T. L., Fox, M. P., MacLehose, R. F. (2021). Applying Quantitative Bias Analysis to
    Epidemiologic Data, 2nd ed., ch. 8. Springer.
    Greenland, S. (2005). Multiple-bias modelling for analysis of observational data. JRSS-A
    168(2), 267-306.
    """
    alpha = check_alpha(alpha)
    from causal._budgets import check_size

    n_draws = check_size(check_count(n_draws, "n_draws"), "MAX_DRAWS", "n_draws")
    if n_draws < 1:
        raise ParameterError(f"`n_draws` must be >= 1; got {n_draws}.")
    priors = {
        "prevalence_treated": check_support(as_prior(prevalence_treated, "prevalence_treated"),
                                            "prevalence_treated", 0.0, 1.0),
        "prevalence_control": check_support(as_prior(prevalence_control, "prevalence_control"),
                                            "prevalence_control", 0.0, 1.0),
        "outcome_rr": check_support(as_prior(outcome_rr, "outcome_rr"), "outcome_rr", 0.0,
                                    math.inf, open_low=True),
    }
    if isinstance(data, TwoByTwo):
        rr = data.risk_ratio()
        scale = to_rr_scale(rr)
        log_rr, se = math.log(rr.estimate), float(rr.std_error)
    else:
        scale = to_rr_scale(data)
        if scale.rr_ci is None or scale.ci is None:
            raise ParameterError("`data` needs a confidence interval or standard error for the "
                                 "total-error interval; got a bare estimate.")
        log_rr = math.log(scale.rr_point)
        measure_alpha = getattr(data, "alpha", 0.05)
        se = (math.log(scale.rr_ci[1]) - math.log(scale.rr_ci[0])) / (2 * z_critical(measure_alpha))
    seed = random_state if isinstance(random_state, int) else None
    from causal._parallel import block_streams, current_runner

    sizes = [min(DRAW_BLOCK, n_draws - lo) for lo in range(0, n_draws, DRAW_BLOCK)]
    blocks = list(zip(sizes, block_streams(random_state, len(sizes)), strict=True))
    parts = current_runner(runner).map(_draw_block, blocks, (priors, log_rr, se),
                                       label="bias-analysis")
    bias, systematic, total = (np.concatenate([part[j] for part in parts]) for j in range(3))
    return BiasAnalysisResult(systematic, total, bias, math.exp(log_rr), se, priors, alpha,
                              scale, seed)
