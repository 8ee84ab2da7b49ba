"""Cross-checks against peer packages on the same simulated data (labelled simulated).

* AIPW vs EconML ``LinearDRLearner`` with explicit unpenalised logistic/linear nuisance models,
  the same cross-fitting splits and analytic intervals (FACTS.md: EconML's defaults run a
  model search, and its BootstrapInference is too narrow with ``discrete_outcome=True``).
* IPW vs DoWhy ``backdoor.propensity_score_weighting`` on a fresh copy of the data for every
  call (DoWhy writes columns into the DataFrame it is given).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from causal.estimate import AIPW, IPW
from tests._estimate_sim import simulate

COVS = ["x1", "x2", "x3"]


def _splits(n: int, k: int, seed: int):
    folds = np.array_split(np.random.default_rng(seed).permutation(n), k)
    return [(np.setdiff1d(np.arange(n), f), np.sort(f)) for f in folds]


@pytest.mark.parametrize("outcome", ["continuous", "binary"])
def test_aipw_matches_econml_linear_drlearner(outcome):
    """Same nuisance models (scikit-learn, C=inf, tight tol), same splits, EconML's pooled
    outcome model (covariates + treatment) = our ``outcome_fit="pooled"``. The ATE is the mean
    of the same doubly robust pseudo-outcomes: equal to 1e-9. EconML's interval comes from an
    OLS of the pseudo-outcome on a constant with HC1 SEs, i.e. our influence-function SE times
    sqrt(n/(n-1)): checked to 1e-8 relative after that factor."""
    from econml.dr import LinearDRLearner
    from sklearn.linear_model import LinearRegression, LogisticRegression

    n = 3000
    df = simulate(n, seed=21, outcome=outcome)
    x, a, y = df[COVS].to_numpy(float), df["a"].to_numpy(), df["y"].to_numpy(float)
    splits = _splits(n, 3, seed=0)
    ps = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-12)
    om = (LinearRegression() if outcome == "continuous"
          else LogisticRegression(C=np.inf, max_iter=5000, tol=1e-12))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = LinearDRLearner(model_propensity=ps, model_regression=om,
                               discrete_outcome=outcome == "binary", cv=splits, random_state=0)
        peer.fit(y, a, X=None, W=x)
        peer_ate = float(np.ravel(peer.ate())[0])
        lo, hi = (float(np.ravel(v)[0]) for v in peer.ate_interval(alpha=0.05))
    ours = AIPW(propensity_model=ps, outcome_model=om, outcome_fit="pooled", cv=splits,
                measure="rd" if outcome == "binary" else "md").estimate(
        df, treatment="a", outcome="y", covariates=COVS)
    assert ours.estimate == pytest.approx(peer_ate, abs=1e-9)
    factor = math.sqrt(n / (n - 1))
    half_width = (hi - lo) / 2
    assert ours.std_error * factor * 1.959963984540054 == pytest.approx(half_width, rel=1e-8)


@pytest.mark.parametrize("outcome", ["continuous", "binary"])
@pytest.mark.parametrize("estimand", ["ate", "att"])
def test_ipw_matches_dowhy(outcome, estimand):
    """DoWhy's estimate is the Hajek difference for every weighting scheme. Its propensity
    clipping (default [0.05, 0.95]) is switched off to compare like with like (our scores are
    never clipped; 1 of 3,000 scores here lies outside). The remaining difference is sklearn's
    lbfgs (tol 1e-12) vs our Newton-Raphson MLE: 1e-6 absolute on effects of about 2 (MD) and
    0.15 (RD) is far above that and far below any substantive difference."""
    from dowhy import CausalModel
    from sklearn.linear_model import LogisticRegression

    df = simulate(3000, seed=22, outcome=outcome)
    fresh = df[["a", "y", *COVS]].copy()  # DoWhy writes ~12 columns into this frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = CausalModel(data=fresh, treatment="a", outcome="y", common_causes=COVS)
        estimand_ = model.identify_effect(proceed_when_unidentifiable=True)
        peer = model.estimate_effect(
            estimand_, method_name="backdoor.propensity_score_weighting", target_units=estimand,
            method_params={"weighting_scheme": "ips_weight", "min_ps_score": 0.0,
                           "max_ps_score": 1.0,
                           "propensity_score_model": LogisticRegression(C=np.inf, max_iter=5000,
                                                                        tol=1e-12)})
    assert "propensity_score" in fresh.columns  # the defect we protect against
    before = df.copy()
    ours = IPW(estimand=estimand, measure="rd" if outcome == "binary" else "md").estimate(
        df, treatment="a", outcome="y", covariates=COVS)
    assert list(df.columns) == list(before.columns)  # ours writes nothing
    assert ours.estimate == pytest.approx(peer.value, abs=1e-6)
