"""Results of the Long-Story-Short sensitivity analysis (:mod:`causal.sensitivity.omitted_variable.dml_bounds`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_literal
from causal.sensitivity.omitted_variable.dml_bounds import RieszElements, bias_bounds

METHOD = "Riesz-representer OVB bounds (Chernozhukov et al., Long Story Short)"


@dataclass(frozen=True)
class DMLBenchmark:
    """A covariate group refitted out: benchmark parameters and the bounds they imply."""

    label: str
    covariates: tuple[str, ...]
    cf_y: float
    cf_d: float
    rho: float
    delta_theta: float  # theta without the group minus theta with it
    strength: float  # |rho| sqrt(cf_y cf_d / (1 - cf_d))
    lower: float
    upper: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class DMLContour:
    """A bound (or its confidence limit) over a grid: ``values[i, j]`` at ``cf_y[i]``,
    ``cf_d[j]``; drawn by :func:`causal.plots.dml_bounds.plot_dml_contour`."""

    cf_d: np.ndarray
    cf_y: np.ndarray
    values: np.ndarray
    value: str
    side: str
    rho: float
    null: float
    estimate: float


def dml_contour_grid(elements: RieszElements, cf_y: Any, cf_d: Any, *, rho: float = 1.0,
                     alpha: float = 0.05, null: float = 0.0,
                     value: Literal["bound", "ci"] = "bound",
                     side: Literal["lower", "upper"] = "lower") -> DMLContour:
    """The lower (or upper) bound, or its confidence limit, on a ``cf_y x cf_d`` grid."""
    check_literal(value, "value", ("bound", "ci"))
    check_literal(side, "side", ("lower", "upper"))
    cf_y, cf_d = np.asarray(cf_y, dtype=float), np.asarray(cf_d, dtype=float)
    out = bias_bounds(elements, cf_y[:, None], cf_d[None, :], rho, alpha=alpha)
    key = side if value == "bound" else f"ci_{side}"
    return DMLContour(cf_d, cf_y, out[key], value, side, float(rho), float(null),
                      elements.theta)


@dataclass(frozen=True, eq=False)
class DMLSensitivity(SummaryMixin):
    """Bounds on a doubly robust effect under a latent confounder of given strength.

    Attributes
    ----------
    estimate, std_error : float
        The AIPW effect (risk or mean difference) and its influence-function SE.
    sigma2, nu2 : float
        ``E[(Y - g)^2]`` and ``E[alpha^2]``, the scale ``S = sqrt(sigma2 nu2)``.
    cf_y, cf_d, rho : float
        The scenario bounded (assumed by the caller, not estimated).
    bounds, bounds_se : (float, float)
        ``(lower, upper)`` and each bound's own delta-method SE.
    ci : (float, float)
        ``(lower bound - z se_lower, upper bound + z se_upper)``, each ONE-SIDED at level
        ``1 - alpha``.
    rv, rva : float
        Robustness values for ``null`` at ``rho`` (``cf_y = cf_d``).
    benchmarks : tuple of DMLBenchmark
    """

    estimand: str
    treatment: str
    outcome: str
    n: int
    estimate: float
    std_error: float
    sigma2: float
    nu2: float
    cf_y: float
    cf_d: float
    rho: float
    null: float
    alpha: float
    bounds: tuple[float, float]
    bounds_se: tuple[float, float]
    ci: tuple[float, float]
    rv: float
    rva: float
    benchmarks: tuple[DMLBenchmark, ...] = ()
    notes: tuple[str, ...] = ()
    elements: RieszElements | None = field(default=None, repr=False)

    @property
    def scale(self) -> float:
        return math.sqrt(self.sigma2 * self.nu2)

    def summary(self) -> pd.DataFrame:
        est = self.estimand.upper()
        scenario = f"cf_y = {self.cf_y:g}, cf_d = {self.cf_d:g}, rho = {self.rho:g}"
        one_sided = f"one-sided {1 - self.alpha:g} limits"
        rows = [
            {"quantity": f"{est} (AIPW, no latent confounder)", "estimate": self.estimate,
             "std_error": self.std_error, "method": "AIPW",
             "note": "; ".join(self.notes) + f"; n = {self.n}"},
            {"quantity": f"lower bound ({scenario})", "estimate": self.bounds[0],
             "std_error": self.bounds_se[0], "ci_lower": self.ci[0], "method": METHOD,
             "note": one_sided},
            {"quantity": f"upper bound ({scenario})", "estimate": self.bounds[1],
             "std_error": self.bounds_se[1], "ci_upper": self.ci[1], "method": METHOD,
             "note": one_sided},
            {"quantity": f"RV (bound reaches {self.null:g})", "estimate": self.rv,
             "method": METHOD, "note": f"cf_y = cf_d, rho = {self.rho:g}"},
            {"quantity": f"RVa (one-sided {1 - self.alpha:g} limit reaches {self.null:g})",
             "estimate": self.rva, "method": METHOD, "note": f"cf_y = cf_d, rho = {self.rho:g}"},
        ]
        for b in self.benchmarks:
            rows.append({"quantity": f"bounds as strong as {b.label}", "estimate": b.lower,
                         "ci_lower": b.ci_lower, "ci_upper": b.ci_upper, "method": METHOD,
                         "note": f"upper bound {b.upper:.4g}; benchmark cf_y = {b.cf_y:.4g}, "
                                 f"cf_d = {b.cf_d:.4g}, rho = {b.rho:.3g}, change in the "
                                 f"estimate without it {b.delta_theta:.4g}"})
        return summary_frame(rows)

    def benchmark_table(self) -> pd.DataFrame:
        """One row per benchmark group: parameters and the bounds they imply."""
        columns = ["benchmark", "cf_y", "cf_d", "rho", "delta_theta", "lower", "upper",
                   "ci_lower", "ci_upper"]
        return pd.DataFrame([{"benchmark": b.label, "cf_y": b.cf_y, "cf_d": b.cf_d,
                              "rho": b.rho, "delta_theta": b.delta_theta, "lower": b.lower,
                              "upper": b.upper, "ci_lower": b.ci_lower,
                              "ci_upper": b.ci_upper} for b in self.benchmarks],
                            columns=columns)

    def contour(self, *, points: int = 61, value: Literal["bound", "ci"] = "bound",
                limit: float | None = None) -> DMLContour:
        """The bound nearest ``null`` over ``[0, limit]^2`` (``limit`` defaults to
        ``max(0.15, 1.1 x the largest finite benchmark cf, 1.1 x RV)``, capped at 0.99;
        DoubleML's plot uses 0.15), so every benchmark and the null's contour are inside."""
        if self.elements is None:  # pragma: no cover - always set by the constructors
            raise ValueError("this result holds no elements to draw a contour from")
        if limit is None:
            values = [v for b in self.benchmarks for v in (b.cf_y, b.cf_d) if v < 1]
            values += [self.rv] if math.isfinite(self.rv) else []
            limit = min(max([0.15, *(1.1 * v for v in values)]), 0.99)
        grid = np.linspace(0, limit, points)
        side: Literal["lower", "upper"] = "lower" if self.estimate >= self.null else "upper"
        return dml_contour_grid(self.elements, grid, grid, rho=self.rho, alpha=self.alpha,
                                null=self.null, value=value, side=side)
