"""The result of :func:`causal.sensitivity.simulate_time_ordering` (SIMULATED cohorts)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.errors import ParameterError

Analysis = Literal["crude", "adjusted_log", "adjusted_linear"]
_LABELS = {"crude": "crude OR",
           "adjusted_log": "OR adjusted for log(sessions) (the true form)",
           "adjusted_linear": "OR adjusted for sessions (linear)"}


@dataclass(frozen=True, eq=False)
class TimeOrderingResult(SummaryMixin):
    """SIMULATED odds ratios under a null effect of support, with uptake tied to time.

    Attributes
    ----------
    assumptions : tuple of (name, value, why)
        Every assumed parameter with its value and the reason for it.
    margins : dict
        The reported margins the world is calibrated to.
    calibration : dict
        ``q`` (per-session uptake probability), ``alpha`` (recovery intercept), ``rho``
        (adviser sessions per remaining therapy session), ``expected_crude_or`` (the crude OR
        of the whole simulated population, computed exactly, not simulated),
        ``expected_takers`` and ``expected_recovered`` (proportions; equal the margins).
    crude_log_or, adjusted_log_or, adjusted_linear_log_or : numpy.ndarray
        One log OR per replicate (NaN where a cell is empty or a fit fails).
    simulated_margins : dict of numpy.ndarray
        Per replicate: takers, recovered, mean adviser sessions among takers.
    """

    assumptions: tuple[tuple[str, float, str], ...]
    margins: dict[str, float]
    calibration: dict[str, float]
    crude_log_or: np.ndarray
    adjusted_log_or: np.ndarray
    adjusted_linear_log_or: np.ndarray
    simulated_margins: dict[str, np.ndarray]
    n_replicates: int
    reference_or: float | None
    alpha: float
    adviser_sessions_total: float
    takers_total: float

    label = "SIMULATED"

    def log_or(self, analysis: Analysis = "crude") -> np.ndarray:
        """The replicates' log ORs for one analysis."""
        options = {"crude": self.crude_log_or, "adjusted_log": self.adjusted_log_or,
                   "adjusted_linear": self.adjusted_linear_log_or}
        if analysis not in options:
            raise ParameterError("`analysis` must be one of 'crude', 'adjusted_log', "
                                 f"'adjusted_linear'; got {analysis!r}.")
        return options[analysis]

    def mean_log_or(self, analysis: Analysis = "crude") -> tuple[float, float]:
        """Mean log OR over the replicates and its Monte Carlo standard error."""
        values = self.log_or(analysis)
        values = values[np.isfinite(values)]
        return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))

    def share_at_least(self, odds_ratio: float, analysis: Analysis = "crude") -> float:
        """Share of replicates (with a finite OR) whose OR is at least ``odds_ratio``."""
        values = self.log_or(analysis)
        values = values[np.isfinite(values)]
        return float(np.mean(values >= math.log(odds_ratio)))

    def quantiles(self, analysis: Analysis = "crude") -> tuple[float, float, float]:
        """Median and central ``1 - alpha`` interval of the simulated ORs."""
        values = self.log_or(analysis)
        values = values[np.isfinite(values)]
        low, mid, high = np.quantile(values, [self.alpha / 2, 0.5, 1 - self.alpha / 2])
        return float(np.exp(mid)), float(np.exp(low)), float(np.exp(high))

    @property
    def mean_adviser_sessions(self) -> float:
        """Adviser sessions per taker, pooled over all replicates."""
        return self.adviser_sessions_total / self.takers_total

    def to_dict(self) -> dict[str, Any]:
        """The summary, marked ``simulated``."""
        return {"simulated": True, **super().to_dict()}

    def render_text(self) -> str:
        """A line saying the cohorts are simulated and the effect null, then the summary."""
        return ("SIMULATED cohorts (not data); the true effect of support is null.\n"
                + super().render_text())

    def summary(self) -> pd.DataFrame:
        level = round(100 * (1 - self.alpha), 1)
        rows: list[dict[str, Any]] = []
        for analysis in ("crude", "adjusted_log", "adjusted_linear"):
            median, low, high = self.quantiles(analysis)  # type: ignore[arg-type]
            mean, se = self.mean_log_or(analysis)  # type: ignore[arg-type]
            finite = int(np.isfinite(self.log_or(analysis)).sum())  # type: ignore[arg-type]
            note = (f"SIMULATED, true effect null; median and central {level:g}% of "
                    f"{finite} of {self.n_replicates} replicates; mean log OR {mean:.3f} "
                    f"(Monte Carlo SE {se:.3f})")
            if self.reference_or is not None:
                share = self.share_at_least(self.reference_or, analysis)  # type: ignore[arg-type]
                note += f"; share with OR >= {self.reference_or:g}: {share:.3f}"
            rows.append({"quantity": f"SIMULATED {_LABELS[analysis]}", "estimate": median,
                         "ci_lower": low, "ci_upper": high,
                         "method": "time-ordering simulation", "note": note})
        rows.append({"quantity": "crude OR of the simulated population (exact)",
                     "estimate": self.calibration["expected_crude_or"],
                     "method": "time-ordering simulation",
                     "note": "SIMULATED world, computed exactly (no sampling); true effect null"})
        targets = (("n_takers", self.margins["n_takers"]),
                   ("n_recovered", self.margins["n_recovered"]))
        for name, target in targets:
            values = self.simulated_margins[name]
            rows.append({"quantity": f"SIMULATED {name} (mean per cohort)",
                         "estimate": float(values.mean()),
                         "std_error": float(values.std(ddof=1) / math.sqrt(values.size)),
                         "method": "calibration check", "note": f"reported: {target:g}"})
        rows.append({"quantity": "SIMULATED adviser sessions per taker",
                     "estimate": self.mean_adviser_sessions, "method": "calibration check",
                     "note": f"reported: {self.margins['mean_adviser_sessions']:g}"})
        for name, key, why in (("per-session uptake probability", "q", "calibrated to takers"),
                               ("recovery intercept (logit)", "alpha",
                                "calibrated to recovered"),
                               ("adviser sessions per remaining therapy session", "rho",
                                "calibrated to mean adviser sessions")):
            rows.append({"quantity": name, "estimate": self.calibration[key],
                         "method": "calibration", "note": why})
        rows += [{"quantity": f"assumption: {name}", "estimate": value,
                  "method": "assumed", "note": why} for name, value, why in self.assumptions]
        return summary_frame(rows)
