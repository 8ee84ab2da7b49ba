"""The result of :func:`causal.sensitivity.simulations.explain_away.explain_away` (SIMULATED cohorts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame


@dataclass(frozen=True, eq=False)
class ExplainAwayResult(SummaryMixin):
    """Explain-away grid (all from SIMULATED cohorts). Arrays have shape
    (len(uptake_ors), len(recovery_ors)); ``[i, j]`` is uptake OR i with recovery OR j.

    Attributes
    ----------
    mean_log_or, mean_log_or_se : mean adjusted log-OR over converged fits, and its MC SE
        (``sd / sqrt(converged)``); ``exp(mean_log_or)`` is the geometric-mean adjusted OR.
    p_at_least, p_at_least_se : P(adjusted OR >= reported) and its binomial MC SE.
    p_ci_excludes, p_ci_excludes_se : P(the Wald 1 - alpha CI excludes 1, either side).
    p_ci_above, p_ci_above_se : P(the CI lies above 1), as the paper's 1.32-4.89 does.
    converged : fits that converged (non-separated); the others are left out of every average.
    matched : False where the margins cannot be matched (no solution): NaN there.
    rr_eu, rr_ud : the confounder's risk ratios with treatment and outcome implied by each cell.
    evalue_rr : the reported OR on the risk-ratio scale (``sqrt(OR)`` for a common outcome).
    benchmarks : measured covariate -> (uptake OR, recovery OR, per-SD uptake OR, per-SD
        recovery OR) on the grid's scale (see :func:`covariate_benchmarks`).
    """

    uptake_ors: np.ndarray
    recovery_ors: np.ndarray
    prevalence: float
    n: int
    replicates: int
    reported_or: float
    alpha: float
    margins: str
    mean_log_or: np.ndarray
    mean_log_or_se: np.ndarray
    p_at_least: np.ndarray
    p_at_least_se: np.ndarray
    p_ci_excludes: np.ndarray
    p_ci_excludes_se: np.ndarray
    p_ci_above: np.ndarray
    p_ci_above_se: np.ndarray
    converged: np.ndarray
    matched: np.ndarray
    prognostic_scale: np.ndarray
    rr_eu: np.ndarray
    rr_ud: np.ndarray
    evalue_rr: float
    benchmarks: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    wall_seconds: float = float("nan")
    cpu_seconds: float = float("nan")
    simulated: bool = True

    @property
    def mean_or(self) -> np.ndarray:
        """Geometric-mean adjusted OR per cell."""
        return np.exp(self.mean_log_or)

    def to_frame(self) -> pd.DataFrame:
        """One row per cell (tidy); ``simulated`` column is True."""
        i, j = np.meshgrid(np.arange(self.uptake_ors.size), np.arange(self.recovery_ors.size),
                           indexing="ij")
        frame = pd.DataFrame({
            "uptake_or": self.uptake_ors[i.ravel()], "recovery_or": self.recovery_ors[j.ravel()],
            "prevalence": self.prevalence, "matched": self.matched.ravel(),
            "mean_adjusted_or": self.mean_or.ravel(), "mean_log_or": self.mean_log_or.ravel(),
            "mean_log_or_se": self.mean_log_or_se.ravel(),
            "p_or_at_least_reported": self.p_at_least.ravel(),
            "p_or_at_least_reported_se": self.p_at_least_se.ravel(),
            "p_ci_excludes_1": self.p_ci_excludes.ravel(),
            "p_ci_excludes_1_se": self.p_ci_excludes_se.ravel(),
            "p_ci_above_1": self.p_ci_above.ravel(), "p_ci_above_1_se": self.p_ci_above_se.ravel(),
            "converged": self.converged.ravel(), "replicates": self.replicates,
            "rr_eu": self.rr_eu.ravel(), "rr_ud": self.rr_ud.ravel(),
            "prognostic_scale": self.prognostic_scale.ravel(), "simulated": True})
        frame.attrs["simulated"] = True
        return frame

    def diagonal_crossing(self, quantity: Literal["mean", "probability"] = "mean") -> float:
        """The equal strength ``OR_TU = OR_UY`` at which the mean adjusted OR reaches the
        reported OR (``"mean"``) or P(OR >= reported) reaches 0.5 (``"probability"``), by
        linear interpolation in log OR along the grid's diagonal. NaN if the two axes differ
        or the diagonal never crosses."""
        if self.uptake_ors.shape != self.recovery_ors.shape or not np.allclose(
                self.uptake_ors, self.recovery_ors):
            return float("nan")
        if quantity == "mean":
            values, level = np.diagonal(self.mean_log_or), np.log(self.reported_or)
        else:
            values, level = np.diagonal(self.p_at_least), 0.5
        x = np.log(self.uptake_ors)
        for a in range(x.size - 1):
            lo, hi = values[a], values[a + 1]
            if np.isfinite(lo) and np.isfinite(hi) and lo < level <= hi:
                return float(np.exp(x[a] + (level - lo) / (hi - lo) * (x[a + 1] - x[a])))
        return float("nan")

    def summary(self) -> pd.DataFrame:
        method = (f"explain-away simulation (SIMULATED cohorts of {self.n}, true OR 1, binary "
                  f"confounder prevalence {self.prevalence:g}, {self.replicates} replicates/cell)")
        rows: list[dict[str, Any]] = []
        z = 1.959963984540054
        for label, (i, j) in (("weakest cell", (0, 0)), ("strongest cell", (-1, -1))):
            m, se = self.mean_log_or[i, j], self.mean_log_or_se[i, j]
            rows.append({"quantity": f"mean adjusted OR, {label} (OR_TU "
                                     f"{self.uptake_ors[i]:.3g}, OR_UY {self.recovery_ors[j]:.3g})",
                         "estimate": np.exp(m), "std_error": se,
                         "ci_lower": np.exp(m - z * se), "ci_upper": np.exp(m + z * se),
                         "method": method, "note": "std_error on the log-OR scale (MC)"})
        for quantity, label in (("mean", "mean adjusted OR reaches"),
                                ("probability", "P(OR >= reported) reaches 0.5 at")):
            rows.append({"quantity": f"equal confounder ORs at which the {label} "
                                     f"{self.reported_or:g}" if quantity == "mean" else
                                     f"equal confounder ORs at which {label}",
                         "estimate": self.diagonal_crossing(quantity), "method": method,
                         "note": "interpolated along the grid diagonal"})
        rows.append({"quantity": "cells whose mean adjusted OR >= reported",
                     "estimate": float(np.sum(self.mean_or >= self.reported_or)),
                     "method": method, "note": f"of {self.matched.size} cells, "
                                               f"{int(self.matched.sum())} matched"})
        return summary_frame(rows)
