"""The result of a Rosenbaum sensitivity analysis for matched pairs, and what the Wilcoxon
(:mod:`causal.sensitivity.rosenbaum_bounds.wilcoxon`) and McNemar (:mod:`causal.sensitivity.rosenbaum_bounds.mcnemar`)
bounds share: the alternative, read-only arrays and the two-sided combination.

References
----------
Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., Springer. Chapter 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame

Alternative = Literal["greater", "less", "two-sided"]
ZeroMethod = Literal["pratt", "drop"]
Method = Literal["normal", "exact"]


def _readonly(values: Any) -> np.ndarray:
    out = np.array(values, dtype=float)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class RosenbaumBounds(SummaryMixin):
    """Bounds on a matched-pair test's p-value under hidden bias of at most each Γ.

    Attributes
    ----------
    gamma, p_upper, p_lower : numpy.ndarray
        The Γ grid and the largest and smallest p-value possible at each Γ (read-only arrays).
    statistic : float
        The observed statistic (sum of positive signed-rank scores, or the count B of pairs in
        which only the treated unit had the event).
    n_pairs : int
        Pairs that enter the test (all pairs for Pratt; non-zero differences for "drop";
        discordant pairs for McNemar).
    test, method, alternative : str
        Which test, how its null distribution was computed, and the alternative hypothesis.
    """

    gamma: np.ndarray
    p_upper: np.ndarray
    p_lower: np.ndarray
    statistic: float
    n_pairs: int
    test: str
    method: str
    alternative: str

    def summary(self) -> pd.DataFrame:
        rows: list[dict[str, Any]] = [{
            "quantity": "test statistic", "estimate": self.statistic, "method": self.test,
            "note": f"{self.n_pairs} pairs; alternative {self.alternative}; {self.method}",
        }]
        for g, upper, lower in zip(self.gamma, self.p_upper, self.p_lower, strict=True):
            for bound, value in (("upper", upper), ("lower", lower)):
                rows.append({"quantity": f"p-value {bound} bound, Gamma = {g:g}",
                             "p_value": value, "method": f"Rosenbaum bounds ({self.test})",
                             "note": "Gamma = 1 is the test without hidden bias"})
        return summary_frame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per Γ with columns ``gamma``, ``p_lower``, ``p_upper``."""
        return pd.DataFrame({"gamma": self.gamma, "p_lower": self.p_lower,
                             "p_upper": self.p_upper})


def _combine(p_greater_upper: np.ndarray, p_greater_lower: np.ndarray,
             p_less_upper: np.ndarray, p_less_lower: np.ndarray, alternative: str
             ) -> tuple[np.ndarray, np.ndarray]:
    if alternative == "greater":
        return p_greater_upper, p_greater_lower
    if alternative == "less":
        return p_less_upper, p_less_lower
    # Two-sided: twice the smaller one-sided bound, capped at 1 (Rosenbaum 2002, §4.3.3 uses
    # the doubled one-sided test; DOS2::senWilcox does the same).
    upper = np.minimum(1.0, 2 * np.minimum(p_greater_upper, p_less_upper))
    lower = np.minimum(1.0, 2 * np.minimum(p_greater_lower, p_less_lower))
    return upper, lower
