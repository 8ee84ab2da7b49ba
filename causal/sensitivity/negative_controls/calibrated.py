"""A main estimate calibrated with controls: :func:`calibrate` and its
:class:`CalibrationResult` (the empirical null, the systematic-error model, the calibrated p
and CI), built from :mod:`causal.sensitivity.negative_controls.empirical_calibration`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, jsonable, summary_frame
from causal._validation import check_alpha
from causal.errors import ParameterError
from causal.measures import z_critical
from causal.sensitivity.negative_controls.empirical_calibration import (
    CalibratedInterval,
    EmpiricalNull,
    SystematicErrorModel,
    _as_vectors,
    calibrate_ci,
    calibrate_p,
    error_model_from_null,
    fit_null,
    fit_systematic_error_model,
)

__all__ = ["CalibrationResult", "calibrate"]


@dataclass(frozen=True)
class CalibrationResult(SummaryMixin):
    """A main estimate before and after empirical calibration (log ratio scale inside, ratios
    in ``summary()``)."""

    null: EmpiricalNull
    model: SystematicErrorModel
    log_estimate: float
    std_error: float
    p_value: float
    calibrated_p: float
    calibrated: CalibratedInterval
    alpha: float
    label: str = "main estimate"
    notes: tuple[str, ...] = field(default=())
    #: True: ``log_estimate`` and the calibrated interval are logs of ratios (shown
    #: exponentiated); False: differences on their own scale
    ratio: bool = True

    def summary(self) -> pd.DataFrame:
        z = z_critical(self.alpha)
        c = self.calibrated
        shown = math.exp if self.ratio else float
        kind = "ratio" if self.ratio else "difference"
        y, se = self.log_estimate, self.std_error
        scale = "SE on the log scale" if self.ratio else "SE on the estimate's scale"
        rows = [
            {"quantity": f"{self.label} (uncalibrated {kind})", "estimate": shown(y),
             "std_error": se, "ci_lower": shown(y - z * se), "ci_upper": shown(y + z * se),
             "p_value": self.p_value, "method": "normal" + (" on log scale" if self.ratio
                                                          else ""),
             "note": "estimate as given; CI estimate -/+ z SE" + (" on the log scale"
                                                                 if self.ratio else "")},
            {"quantity": f"{self.label} (calibrated {kind})", "estimate": shown(c.log_estimate),
             "std_error": c.std_error, "ci_lower": shown(c.ci_lower),
             "ci_upper": shown(c.ci_upper), "p_value": self.calibrated_p,
             "method": "empirical calibration",
             "note": "p from the empirical null; CI from the systematic-error model ("
                     f"{self.model.source}); {scale}"},
        ]
        return pd.concat([summary_frame(rows), self.null.summary()], ignore_index=True)

    def render_text(self) -> str:
        from causal._results import frame_to_markdown

        columns = ["quantity", "estimate", "ci_lower", "ci_upper", "p_value", "note"]
        return frame_to_markdown(self.summary()[columns])

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"null": {"mean": self.null.mean, "sd": self.null.sd,
                                  "n_controls": self.null.n_controls},
                         "model": {"mean_intercept": self.model.mean_intercept,
                                   "mean_slope": self.model.mean_slope,
                                   "sd_intercept": self.model.sd_intercept,
                                   "sd_slope": self.model.sd_slope, "source": self.model.source},
                         "summary": self.summary(), "notes": list(self.notes)})


def calibrate(control_log_estimates: Any, control_std_errors: Any, log_estimate: float,
              std_error: float, *, true_log_effects: Any = None, alpha: float = 0.05,
              label: str = "main estimate", ratio: bool = True) -> CalibrationResult:
    """Calibrate one main estimate with controls: the empirical null from the negative controls
    (true log effect 0; all controls when ``true_log_effects`` is None), the calibrated p from
    it, and the calibrated CI from the systematic-error model (fitted with positive controls
    when ``true_log_effects`` has them, else the null's)."""
    from scipy.stats import norm

    alpha = check_alpha(alpha)
    y, se = _as_vectors(control_log_estimates, control_std_errors, "negative controls")
    main_y, main_se = _as_vectors([log_estimate], [std_error], "main estimates", minimum=1)
    if true_log_effects is None:
        null = fit_null(y, se)
        model = error_model_from_null(null)
    else:
        t = np.array(true_log_effects, dtype=float).ravel()
        if t.shape != y.shape:
            raise ParameterError(f"`true_log_effects` must have one value per control ({y.size}); "
                                 f"got {t.size}.")
        null = fit_null(y[t == 0], se[t == 0])
        model = (fit_systematic_error_model(y, se, t) if np.any(t != 0)
                 else error_model_from_null(null))
    main_y, main_se = float(main_y[0]), float(main_se[0])
    p = float(2 * norm.sf(abs(main_y) / main_se))
    notes = []
    interval = calibrate_ci(model, main_y, main_se, alpha)
    if not np.isfinite([interval.ci_lower, interval.ci_upper]).all():
        notes.append("a calibrated CI limit has no solution in [exp(-100), exp(100)]")
    return CalibrationResult(null, model, main_y, main_se, p, calibrate_p(null, main_y, main_se),
                             interval, alpha, label, tuple(notes), bool(ratio))
