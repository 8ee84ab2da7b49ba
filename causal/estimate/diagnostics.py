"""Diagnostics for propensity-score methods: overlap, effective sample size, balance.

Thresholds (module constants, stated so a reader can disagree with them):

* overlap: the share of propensity scores below 0.05 or above 0.95 (Crump et al. 2009 trim at
  0.1/0.9; 0.05/0.95 is the looser convention); an :class:`~causal.errors.OverlapWarning` is
  raised when that share exceeds :data:`OVERLAP_WARN_SHARE`;
* weights: an :class:`~causal.errors.ExtremeWeightsWarning` when the largest stabilised weight
  exceeds :data:`EXTREME_WEIGHT` or an arm's Kish effective sample size falls below
  :data:`ESS_WARN_FRACTION` of its size;
* balance: standardised mean differences (Austin 2009), the difference in (weighted) means over
  the *unweighted* pooled SD ``sqrt((s1^2 + s0^2) / 2)``, so that before and after are on the same
  scale (Austin & Stuart 2015); ``|SMD| > 0.1`` is the usual flag.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OVERLAP_LIMITS = (0.05, 0.95)
OVERLAP_WARN_SHARE = 0.05
EXTREME_WEIGHT = 20.0
ESS_WARN_FRACTION = 0.25
SMD_FLAG = 0.1


def extreme_share(propensity: np.ndarray, limits: tuple[float, float] = OVERLAP_LIMITS) -> float:
    """Share of propensity scores below ``limits[0]`` or above ``limits[1]``."""
    p = np.asarray(propensity, dtype=float)
    return float(np.mean((p < limits[0]) | (p > limits[1])))


def kish_ess(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (Kish 1965)."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2))


def _arm_means(x: np.ndarray, w1: np.ndarray, w0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted column means of ``x`` with weights ``w1`` (treated) and ``w0`` (controls), as
    matrix-vector products (no copy of ``x``)."""
    return w1 @ x / w1.sum(), w0 @ x / w0.sum()


def _pooled_sd(x: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unweighted arm means and ``sqrt((s_1^2 + s_0^2) / 2)`` (ddof=1), one column at a time
    (two passes: the means, then the squared deviations from the unit's own arm mean)."""
    from causal.estimate._shared import _memo

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        treated = (np.asarray(a) == 1).astype(float)
        n1 = treated.sum()
        n0 = len(treated) - n1
        m1, m0 = _arm_means(x, treated, 1.0 - treated)
        var1, var0 = np.empty(x.shape[1]), np.empty(x.shape[1])
        for j in range(x.shape[1]):
            dev = x[:, j] - m0[j]
            dev -= treated * (m1[j] - m0[j])
            dev *= dev
            ss1 = treated @ dev
            var1[j], var0[j] = ss1 / (n1 - 1), (dev.sum() - ss1) / (n0 - 1)
        return m1, m0, np.sqrt((var1 + var0) / 2)

    return _memo(("pooled_sd", id(x), id(a)), (x, a), compute)


def standardized_differences(x: np.ndarray, a: np.ndarray, weights: np.ndarray | None = None
                             ) -> np.ndarray:
    """SMD of each column of ``x`` between ``a == 1`` and ``a == 0``.

    Notes
    -----
    ``SMD_j = (mean_w(x_j | a=1) - mean_w(x_j | a=0)) / sqrt((s_1j^2 + s_0j^2) / 2)`` with the
    denominator from unweighted within-arm variances (ddof=1).
    """
    x = np.asarray(x, dtype=float)
    m1, m0, sd = _pooled_sd(x, a)
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        w1 = np.where(np.asarray(a) == 1, w, 0.0)
        m1, m0 = _arm_means(x, w1, w - w1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, (m1 - m0) / sd, 0.0)


def balance_table(x: np.ndarray, names: tuple[str, ...], a: np.ndarray,
                  weights: np.ndarray | None) -> pd.DataFrame:
    """Columns ``covariate``, ``smd_before``, ``smd_after`` (after = weighted or matched)."""
    before = standardized_differences(x, a)
    after = standardized_differences(x, a, weights) if weights is not None else before
    return pd.DataFrame({"covariate": list(names), "smd_before": before, "smd_after": after})


#: a fitted propensity score this close to 0 or 1 is reported as (quasi-)separation
NEAR_BOUNDARY = 1e-8


def propensity_diagnostics(propensity: np.ndarray, a: np.ndarray, rec, *,
                           separated: bool = False, who: str = "") -> dict:
    """Overlap numbers, and the overlap/separation warnings recorded on ``rec``.

    The separation warning is given when the propensity model is separated by the GLM core's
    rule (``separated``: no finite maximum-likelihood estimate, :mod:`causal._glm.newton`) and
    also when a fitted score is within :data:`NEAR_BOUNDARY` of 0 or 1: the estimate then
    exists, but such scores are the mark of quasi-separation in the data (a covariate region
    with almost only one arm), and weights built on them are huge or nearly zero.
    """
    from causal.errors import OverlapWarning, SeparationWarning

    lead = f"{who}: " if who else ""
    share = extreme_share(propensity)
    e = np.asarray(propensity, dtype=float)
    separated = separated or bool(np.any((e < NEAR_BOUNDARY) | (e > 1 - NEAR_BOUNDARY)))
    out = {"propensity": np.asarray(propensity, dtype=float), "treated": np.asarray(a),
           "extreme_share": share, "overlap_limits": OVERLAP_LIMITS,
           "propensity_min": float(np.min(propensity)),
           "propensity_max": float(np.max(propensity))}
    if separated:
        finite = e[np.isfinite(e)]
        missing = e.size - finite.size
        span = ("no score could be computed" if not finite.size else
                f"min {finite.min():.2g}, max {finite.max():.2g}" + (
                    f"; {missing} score(s) could not be computed" if missing else ""))
        rec.warn(SeparationWarning,
                 f"{lead}the propensity model (quasi-)separates the treatment groups: {share:.1%} of "
                 f"scores lie outside [0.05, 0.95] ({span}); scores were not "
                 "clipped, so weights may be huge.")
    elif share > OVERLAP_WARN_SHARE:
        rec.warn(OverlapWarning,
                 f"{lead}{share:.1%} of propensity scores lie outside [0.05, 0.95] (poor "
                 "overlap); "
                 "consider restricting the population (trimming) and say so.")
    return out


def weight_diagnostics(weights: np.ndarray, a: np.ndarray, rec, *, who: str = "") -> dict:
    """ESS per arm and the largest weight; warns on extreme weights."""
    from causal.errors import ExtremeWeightsWarning

    a = np.asarray(a) == 1
    out = {"ess_treated": kish_ess(weights[a]), "ess_control": kish_ess(weights[~a]),
           "max_weight": float(np.max(weights))}
    small = [arm for arm, mask in (("treated", a), ("control", ~a))
             if out[f"ess_{arm}"] < ESS_WARN_FRACTION * mask.sum()]
    if out["max_weight"] > EXTREME_WEIGHT or small:
        rec.warn(ExtremeWeightsWarning,
                 (f"{who}: " if who else "") + f"extreme weights: largest stabilised weight {out['max_weight']:.3g}; Kish "
                 f"effective sample size {out['ess_treated']:.0f} of {int(a.sum())} treated and "
                 f"{out['ess_control']:.0f} of {int((~a).sum())} controls.")
    return out


def require_finite_weights(propensity: np.ndarray, used: np.ndarray | None = None, *,
                           who: str = "IPW", x: np.ndarray | None = None,
                           names: tuple[str, ...] = ()) -> None:
    """Raise :class:`~causal.errors.NotEstimableError` when some score is exactly 0 or 1: IP
    weights are then infinite and the estimate does not exist (complete separation, no
    overlap). The sentence starts with ``who`` and, given the design ``x``, names the cells.
    Called after the warning has been recorded."""
    from causal.estimate._reasons import BOUNDARY, describe_cells, not_estimable

    p = np.asarray(propensity, dtype=float)
    if used is not None:
        p = p[used]
    # 1e-14 rather than exactly 0: a separated fit stops at |eta| about 37, where one side
    # rounds to 1 and the other is 1e-16, a weight of 1e16 that is no estimate either
    bad = (p < BOUNDARY) | (p > 1 - BOUNDARY) | ~np.isfinite(p)
    if bad.any():
        cells = ""
        if x is not None:
            rows = bad if used is None else np.zeros(len(propensity), dtype=bool)
            if used is not None:
                rows[np.flatnonzero(used)[bad]] = True
            cells = f" (in {describe_cells(x, names, rows)})"
        raise not_estimable(who, (
            f"the propensity score is 0 or 1 (to 1e-14) for {int(bad.sum())} of {len(p)} units "
            f"({bad.mean():.1%}){cells}: the covariates separate the treatment groups "
            "completely (no overlap), so inverse-probability weights are infinite; remove the "
            "separating covariate or restrict the population explicitly (for example "
            "IPW(trim=0.01))"))
