"""Data files for end-to-end tests of a user's own study: written into a test's tmp_path.

(a) A SIMULATED cohort with a known true effect (``simulated_cohort.csv`` / ``.parquet``; the
    file name says simulated, and a Parquet file also carries ``attrs["simulated"] = True``).
(b) Real data the bundled studies do not use: Thornton (2008), the Malawi HIV-results
    incentive experiment, from the installed ``causaldata`` package (nothing is downloaded).

The simulated world
-------------------
Per person, independently: ``severity ~ N(0, 1)``; ``female ~ Bernoulli(0.5)``; ``region``
one of "north", "south", "east" with probability 1/3 each (text: a categorical covariate).

* treatment ``treated``: ``logit P(T = 1 | x) = -0.4 + 0.8 severity + 0.3 female + r_T``
  with ``r_T`` = 0 (north), 0.3 (south), -0.3 (east). Severity raises uptake and lowers
  recovery, so the crude comparison is confounded downwards.
* binary outcome ``recovered``:
  ``logit P(Y = 1 | T, x) = -0.5 + log(2) T - 0.6 severity + 0.4 female + r_Y``,
  ``r_Y`` = 0 (north), -0.2 (south), 0.2 (east).
* continuous outcome ``score``:
  ``10 + 1.5 T - 2 severity + 0.5 female + r_S + N(0, 2^2)``, ``r_S`` = 0, 0.5, -0.5.

True effects, derived from the model:

* conditional odds ratio of ``recovered``: exactly 2 (the coefficient of T is log 2, the same
  in every covariate stratum), :data:`TRUE_CONDITIONAL_OR`;
* mean difference of ``score``: exactly 1.5 for the ATE and the ATT (the effect is additive
  and the same for everyone), :data:`TRUE_MEAN_DIFFERENCE`;
* marginal risk difference of ``recovered``:
  ``ATE = E_x[expit(eta(x) + log 2) - expit(eta(x))]`` and
  ``ATT = E_x[e(x) (expit(eta(x) + log 2) - expit(eta(x)))] / E_x[e(x)]``, with ``eta`` the
  outcome's linear predictor without T and ``e`` the propensity; the expectation over
  severity is a Gauss-Hermite quadrature (exact to about 1e-15 for these smooth
  integrands), over female and region an exact sum: :func:`true_effects`.

Thornton (2008)
---------------
Rebecca L. Thornton (2008), "The Demand for, and Impact of, Learning HIV Status", American
Economic Review 98(5): 1829-63; data as shipped by ``causaldata`` 0.1.5 (``thornton_hiv``,
4,820 rows; Cunningham, Causal Inference: The Mixtape). Randomised: ``any`` (received any
cash incentive to learn one's HIV result), outcome ``got`` (learned the result); covariates
``age``, ``distvct`` (km to the results centre, also randomised), ``hiv2004`` (HIV positive),
``villnum`` (village, categorical); ``tinc`` is the incentive amount (a dose of the treatment,
never a covariate). Missing values are real (about 40% of rows lack the treatment or the
outcome), so a study reads it with ``missing = "complete_case"``.

Published answer (the paper's abstract): "Without any incentive, 34 percent of the
participants learned their HIV results. However, even the smallest incentive doubled that
share." Measured on these data (complete cases on ``got`` and ``any``): 211/623 = 33.9% of
controls and 1,745/2,211 = 78.9% of those offered any incentive learned their result, a risk
difference of 0.451 (:data:`THORNTON_COUNTS`); tests/test_own_data.py recounts them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

TRUE_CONDITIONAL_OR = 2.0
TRUE_MEAN_DIFFERENCE = 1.5

_REGIONS = ("north", "south", "east")
_R_T = {"north": 0.0, "south": 0.3, "east": -0.3}
_R_Y = {"north": 0.0, "south": -0.2, "east": 0.2}
_R_S = {"north": 0.0, "south": 0.5, "east": -0.5}

SIMULATED_COLUMNS = ("treated", "recovered", "score", "severity", "female", "region")
SIMULATED_COVARIATES = ("severity", "female", "region")

THORNTON_COVARIATES = ("age", "distvct", "hiv2004", "villnum")
#: (events, total) of ``got`` by arm, complete cases on ``got`` and ``any``
THORNTON_COUNTS = {"treated": (1745, 2211), "control": (211, 623)}


def _expit(x):
    from scipy.special import expit

    return expit(x)


def _propensity_logit(severity, female, region_effect):
    return -0.4 + 0.8 * severity + 0.3 * female + region_effect


def _outcome_logit(severity, female, region_effect):
    return -0.5 - 0.6 * severity + 0.4 * female + region_effect


def simulate_cohort(n: int = 2000, random_state: int = 2026) -> pd.DataFrame:
    """A SIMULATED cohort of ``n`` people from the model in the module docstring."""
    rng = np.random.default_rng(random_state)
    severity = rng.standard_normal(n)
    female = (rng.random(n) < 0.5).astype("int64")
    region = np.asarray(_REGIONS, dtype=object)[rng.integers(0, 3, n)]
    r_t = np.array([_R_T[r] for r in region])
    r_y = np.array([_R_Y[r] for r in region])
    r_s = np.array([_R_S[r] for r in region])
    treated = (rng.random(n) < _expit(_propensity_logit(severity, female, r_t))).astype("int64")
    eta = _outcome_logit(severity, female, r_y) + np.log(TRUE_CONDITIONAL_OR) * treated
    recovered = (rng.random(n) < _expit(eta)).astype("int64")
    score = (10 + TRUE_MEAN_DIFFERENCE * treated - 2 * severity + 0.5 * female + r_s
             + 2 * rng.standard_normal(n))
    frame = pd.DataFrame({"treated": treated, "recovered": recovered, "score": score,
                          "severity": severity, "female": female, "region": region})
    frame["region"] = frame["region"].astype(str)
    frame.attrs.update({"simulated": True, "description": "SIMULATED cohort (tests/_own_data.py)"
                        f", n = {n}, random_state = {random_state}"})
    return frame


def true_effects(nodes: int = 80) -> dict[str, float]:
    """The true effects of the simulated world (see the module docstring)."""
    # probabilists' Gauss-Hermite: E[f(Z)], Z ~ N(0, 1) = sum(w f(x)) / sqrt(2 pi)
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / np.sqrt(2 * np.pi)
    ate = att_num = att_den = 0.0
    for female in (0, 1):
        for region in _REGIONS:
            weight = 0.5 * (1 / 3) * w
            eta = _outcome_logit(x, female, _R_Y[region])
            gain = _expit(eta + np.log(TRUE_CONDITIONAL_OR)) - _expit(eta)
            e = _expit(_propensity_logit(x, female, _R_T[region]))
            ate += float(np.sum(weight * gain))
            att_num += float(np.sum(weight * e * gain))
            att_den += float(np.sum(weight * e))
    return {"conditional_or": TRUE_CONDITIONAL_OR, "mean_difference": TRUE_MEAN_DIFFERENCE,
            "risk_difference_ate": ate, "risk_difference_att": att_num / att_den,
            "share_treated": att_den}


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix == ".feather":
        frame.to_feather(path)
    else:
        raise ValueError(f"unknown format {path.suffix!r}")
    return path


def write_simulated(folder: Path, fmt: str = "csv", n: int = 2000,
                    random_state: int = 2026) -> Path:
    """Write :func:`simulate_cohort` to ``folder/simulated_cohort.<fmt>``; return the path."""
    return _write(simulate_cohort(n, random_state), Path(folder) / f"simulated_cohort.{fmt}")


def thornton() -> pd.DataFrame:
    """Thornton (2008) as shipped by causaldata: 4,820 rows, real data, missing values kept."""
    import causaldata

    frame = causaldata.thornton_hiv.load_pandas().data.copy()
    # Stata float32 columns widened so that CSV and Parquet hold the same numbers
    return frame.astype({c: "float64" for c in frame.columns})


def write_thornton(folder: Path, fmt: str = "csv") -> Path:
    """Write :func:`thornton` to ``folder/thornton_hiv.<fmt>``; return the path."""
    return _write(thornton(), Path(folder) / f"thornton_hiv.{fmt}")
