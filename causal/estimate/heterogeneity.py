"""Effect heterogeneity: does the effect vary with baseline severity, age or a condition?

A doubly robust learner (the linear DR-learner of EconML's ``LinearDRLearner``, written here
from its formulas so that a report need not import EconML and DoWhy, about 3 s) with explicit
nuisance models and analytic (heteroskedasticity-robust) inference; the tests compare it with
EconML.
The data checks, the per-arm outcome model, the result type and the curve of the effect against a
modifier live in :mod:`causal.estimate._heterogeneity`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._validation import check_alpha, check_literal, check_random_state
from causal.errors import OverlapWarning, ParameterError
from causal.estimate._heterogeneity import (
    HeterogeneityResult,
    effect_curve,
    per_arm_model,
    prepare_heterogeneity_data,
)
from causal.measures import z_critical

__all__ = ["effect_heterogeneity", "HeterogeneityResult", "effect_curve"]

OutcomeType = Literal["binary", "continuous"]

#: Out-of-fold propensities outside [OVERLAP_LIMIT, 1 - OVERLAP_LIMIT] trigger an OverlapWarning.
OVERLAP_LIMIT = 0.01
#: lower bound of both arms' propensities in the pseudo-outcome (EconML's ``min_propensity``)
MIN_PROPENSITY = 1e-6


def effect_heterogeneity(
    data: pd.DataFrame,
    *,
    treatment: str,
    outcome: str,
    covariates: Sequence[str],
    modifiers: Sequence[str],
    outcome_type: OutcomeType,
    alpha: float = 0.05,
    cv: int | Sequence[tuple[Any, Any]] = 5,
    propensity_model: Any = None,
    outcome_model: Any = None,
    random_state: int | np.random.Generator | None = None,
) -> HeterogeneityResult:
    """Estimate how the effect of a binary treatment varies with chosen effect modifiers.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person; never modified.
    treatment : str
        Binary 0/1 (or boolean) treatment column.
    outcome : str
        Outcome column: 0/1 for ``outcome_type="binary"``, numeric for ``"continuous"``.
    covariates : sequence of str
        Confounders adjusted for in the nuisance models. Text or categorical columns are one-hot
        encoded (first level dropped).
    modifiers : sequence of str
        Numeric columns along which the effect may vary (e.g. ``phq9_baseline``, ``age``, a 0/1
        long-term condition). They are also adjusted for, whether or not listed in ``covariates``.
    outcome_type : {"binary", "continuous"}
        Must be stated. For a binary outcome the effect is a risk difference (EconML, like DoWhy,
        reports no odds ratio or risk ratio).
    alpha : float, default 0.05
        Confidence intervals have level ``1 - alpha``.
    cv : int or sequence of (train, test) index arrays, default 5
        Folds for cross-fitting. An int draws stratified folds (by treatment, and by outcome when
        it is binary) from ``random_state``; explicit folds must put each row in exactly one test
        fold.
    propensity_model : sklearn classifier, optional
        Model of P(T = 1 | modifiers, covariates). Default: standardised features and
        ``LogisticRegression`` (L2 penalty, C = 1: mild shrinkage that keeps the fit finite under
        separation).
    outcome_model : sklearn estimator, optional
        Model of E[Y | modifiers, covariates], fitted separately in each arm (a clone per arm).
        A classifier with ``predict_proba`` for a binary outcome, a regressor otherwise. Default:
        the same logistic pipeline (binary) or ``LinearRegression`` (continuous).
    random_state : int, numpy.random.Generator or None
        Seeds the folds. The same int gives identical numbers.

    Returns
    -------
    HeterogeneityResult
        ATE and one slope per modifier, each with SE, CI and p-value; ``summary()``,
        ``sentence()`` and ``curve()``.

    Notes
    -----
    With ``X`` the modifiers and ``W`` the other covariates, cross-fitted nuisances
    ``e(x, w) = P(T = 1 | x, w)`` and ``mu_t(x, w) = E[Y | T = t, x, w]`` give the doubly robust
    pseudo-outcome (Robins, Rotnitzky & Zhao 1994)::

        psi = mu_1 - mu_0 + T (Y - mu_1) / e - (1 - T) (Y - mu_0) / (1 - e)

    and the CATE model is the OLS fit ``psi ~ b0 + b' X`` (the DR-learner of Kennedy 2023).
    ``b`` is the slope of the effect per unit of each modifier, the others held fixed; if the
    true CATE is not linear in ``X`` it is the best linear predictor of the CATE given ``X``
    (Semenova & Chernozhukov 2021). Standard errors are EconML's HC1 sandwich for that OLS fit,
    treating the nuisances as known (valid to first order because the pseudo-outcome is
    Neyman-orthogonal). The ATE is ``b0 + b' x_bar``, which equals ``mean(psi)`` (the
    cross-fitted AIPW estimate); its EconML standard error is that of the fitted line at
    ``x_bar``, ``sqrt(sum(resid^2) / (n (n - p)))``: the error of the CATE averaged over this
    sample's modifiers (conditional on X), slightly below the AIPW standard error
    ``sd(psi) / sqrt(n)`` of the population ATE when the effect varies. Propensities are
    clipped at 1e-6 (EconML's ``min_propensity``); nothing is trimmed.

    References
    ----------
    Kennedy, E. H. (2023). Towards optimal doubly robust estimation of heterogeneous causal
    effects. Electronic Journal of Statistics 17(2), 3008-3049.
    Semenova, V. & Chernozhukov, V. (2021). Debiased machine learning of conditional average
    treatment effects and other causal functions. The Econometrics Journal 24(2), 264-289.
    Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression coefficients
    when some regressors are not always observed. JASA 89(427), 846-866.
    Battocchi, K. et al. (2019). EconML: A Python package for ML-based heterogeneous treatment
    effects estimation. https://github.com/py-why/EconML
    """
    outcome_type = check_literal(outcome_type, "outcome_type", ("binary", "continuous"))
    alpha = check_alpha(alpha)
    rng = check_random_state(random_state)
    binary = outcome_type == "binary"
    prepared = prepare_heterogeneity_data(
        data, treatment=treatment, outcome=outcome, covariates=covariates,
        modifiers=modifiers, binary_outcome=binary)
    folds = _folds(cv, prepared.strata, rng)
    propensity, regression = _nuisance_models(propensity_model, outcome_model, binary)

    fit = _dr_learner(prepared, folds, propensity, regression, binary)
    covariance, intercept = fit["covariance"], float(fit["beta"][0])
    slope_est = fit["beta"][1:]
    slope_se = np.sqrt(np.diagonal(covariance)[1:])
    # the ATE is the fitted line at the modifiers' mean, with that point's standard error
    at_mean = np.concatenate([[1.0], prepared.x.mean(axis=0)])
    ate = float(at_mean @ fit["beta"])
    ate_se = float(np.sqrt(at_mean @ covariance @ at_mean))
    z = z_critical(alpha)
    ate_ci = (ate - z * ate_se, ate + z * ate_se)
    propensities = fit["propensity"]
    notes = list(prepared.notes)
    low_e, high_e = float(propensities.min()), float(propensities.max())
    if low_e < OVERLAP_LIMIT or high_e > 1 - OVERLAP_LIMIT:
        message = (f"out-of-fold propensity scores range from {low_e:.4f} to {high_e:.4f}, "
                   f"beyond [{OVERLAP_LIMIT}, {1 - OVERLAP_LIMIT}]: weak overlap makes the "
                   "doubly robust pseudo-outcomes, and the slopes, unstable")
        warnings.warn(message, OverlapWarning, stacklevel=2)
        notes.append(message)

    return HeterogeneityResult(
        treatment=treatment, outcome=outcome, outcome_type=outcome_type,
        modifiers=prepared.modifiers, covariates=prepared.covariates, alpha=alpha,
        ate=ate, ate_std_error=ate_se, ate_ci=ate_ci,
        ate_p_value=_two_sided_p(ate / ate_se),
        intercept=intercept, slopes=tuple(slope_est.tolist()),
        slope_std_errors=tuple(slope_se.tolist()),
        slope_cis=tuple((float(b - z * s), float(b + z * s)) for b, s in zip(slope_est, slope_se,
                                                                                strict=True)),
        slope_p_values=tuple(_two_sided_p(b / s) for b, s in zip(slope_est, slope_se, strict=True)),
        covariance=tuple(tuple(row) for row in covariance.tolist()),
        modifier_means=tuple(prepared.x.mean(axis=0).tolist()),
        reference_values=prepared.reference_values, modifier_ranges=prepared.modifier_ranges,
        binary_modifiers=prepared.binary_modifiers,
        n=prepared.n, n_treated=int(prepared.t.sum()), n_control=int(prepared.n - prepared.t.sum()),
        n_folds=len(folds), random_state=random_state if not isinstance(
            random_state, np.random.Generator) else None,
        propensity_range=(low_e, high_e),
        nuisance_models=(repr(propensity), repr(regression)),
        simulated=bool(data.attrs.get("simulated", False)), notes=tuple(notes),
    )


def _two_sided_p(z: float) -> float:
    """Normal two-sided p-value, accurate far in the tail (unlike ``2 (1 - Phi(|z|))``)."""
    from scipy.stats import norm

    return float(2 * norm.sf(abs(z)))


def _folds(cv: Any, strata: np.ndarray, rng: np.random.Generator) -> list[tuple[np.ndarray,
                                                                                np.ndarray]]:
    """Cross-fitting folds: stratified by ``strata`` for an int, else checked as given."""
    n = len(strata)
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        smallest = int(np.bincount(strata).min(initial=n)) if n else 0
        if cv < 2:
            raise ParameterError(f"`cv` must be at least 2 folds; got {cv}.")
        if smallest < cv:
            raise ParameterError(
                f"`cv` = {cv} folds need at least {cv} rows in every treatment (x outcome) "
                f"group; the smallest has {smallest}: use fewer folds.")
        from sklearn.model_selection import StratifiedKFold

        seed = int(rng.integers(2**31 - 1))
        splitter = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=seed)
        return [(train, test) for train, test in splitter.split(np.zeros(n), strata)]
    if isinstance(cv, (str, bytes)) or not isinstance(cv, Sequence) or len(cv) < 2:
        raise ParameterError(
            f"`cv` must be a number of folds (>= 2) or a list of at least two (train, test) "
            f"index pairs; got {type(cv).__name__}.")
    folds = []
    for pair in cv:
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ParameterError("`cv` must hold (train, test) index pairs.")
        folds.append((np.asarray(pair[0], dtype=int), np.asarray(pair[1], dtype=int)))
    tested = np.concatenate([test for _, test in folds])
    if len(tested) != n or not np.array_equal(np.sort(tested), np.arange(n)):
        raise ParameterError(
            f"`cv` test folds must contain each of the {n} rows exactly once; they contain "
            f"{len(tested)} indices, {len(np.unique(tested))} distinct.")
    return folds


def _nuisance_models(propensity_model: Any, outcome_model: Any, binary: bool) -> tuple[Any, Any]:
    from sklearn.base import is_classifier
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def logistic() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    propensity = logistic() if propensity_model is None else propensity_model
    if not hasattr(propensity, "predict_proba"):
        raise ParameterError(
            "`propensity_model` must be a classifier with predict_proba; got "
            f"{type(propensity).__name__}.")
    if outcome_model is None:
        outcome_model = logistic() if binary else LinearRegression()
    if binary and not hasattr(outcome_model, "predict_proba"):
        raise ParameterError(
            "`outcome_model` must be a classifier with predict_proba for a binary outcome; got "
            f"{type(outcome_model).__name__}.")
    if not binary and is_classifier(outcome_model):
        raise ParameterError(
            "`outcome_model` must be a regressor for a continuous outcome; got the classifier "
            f"{type(outcome_model).__name__}.")
    return propensity, per_arm_model(outcome_model, binary)


def _dr_learner(prepared: Any, folds: list, propensity: Any, regression: Any,
                binary: bool) -> dict:
    """The DR-learner of the Notes on the given folds: cross-fitted nuisance models (a clone
    per fold, features ``[X, W]``; the outcome model gets the arm as its last column, as
    EconML's ``DRLearner`` passes it), pseudo-outcomes with propensities bounded below by
    :data:`MIN_PROPENSITY` (EconML's ``min_propensity``), and OLS of the pseudo-outcome on
    ``(1, X)`` with the HC1 sandwich ``n / (n - p) (Z'Z)^{-1} Z' diag(e^2) Z (Z'Z)^{-1}``.
    Written from those formulas; ``tests/test_heterogeneity.py`` checks it against a
    hand-written version and against EconML's ``LinearDRLearner``."""
    from sklearn.base import clone

    features = prepared.x if prepared.w is None else np.hstack([prepared.x, prepared.w])
    t, y, n = prepared.t.astype(float), prepared.y.astype(float), prepared.n
    e, control, mu0, mu1 = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for train, test in folds:
        ps = clone(propensity).fit(features[train], t[train])
        proba = ps.predict_proba(features[test])
        classes = list(ps.classes_)
        e[test], control[test] = proba[:, classes.index(1)], proba[:, classes.index(0)]
        model = clone(regression).fit(np.column_stack([features[train], t[train]]), y[train])
        for arm, target in ((0.0, mu0), (1.0, mu1)):
            arms = np.column_stack([features[test], np.full(len(test), arm)])
            target[test] = (model.predict_proba(arms)[:, 1] if binary
                            else np.asarray(model.predict(arms), dtype=float).reshape(-1))
    e1, e0 = np.maximum(e, MIN_PROPENSITY), np.maximum(control, MIN_PROPENSITY)
    psi = (mu1 + (y - mu1) * t / e1) - (mu0 + (y - mu0) * (1.0 - t) / e0)
    z = np.column_stack([np.ones(n), prepared.x])
    bread = np.linalg.inv(z.T @ z)
    beta = bread @ (z.T @ psi)
    resid = psi - z @ beta
    p = z.shape[1]
    covariance = n / (n - p) * bread @ ((z.T * resid**2) @ z) @ bread
    return {"beta": beta, "covariance": covariance, "propensity": e}
