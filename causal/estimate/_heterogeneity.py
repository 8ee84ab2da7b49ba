"""Support for :mod:`causal.estimate.heterogeneity`: data checks, the per-arm outcome model, the
result type and the (pure) curve of the effect against one modifier.

Kept apart from the estimator so that each file stays small; nothing here imports EconML, and
scikit-learn is imported only when an outcome model is built.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal.errors import DataError, ParameterError
from causal.measures import z_critical

#: Fewest rows per treatment arm (more when there are many features: see ``_check_arms``).
MIN_ROWS_PER_ARM = 10
METHOD = "LinearDRLearner (EconML), cross-fitted, HC1"


# ------------------------------------------------------------------------------ data --
@dataclass(frozen=True)
class Prepared:
    y: np.ndarray
    t: np.ndarray
    x: np.ndarray
    w: np.ndarray | None
    strata: np.ndarray
    modifiers: tuple[str, ...]
    covariates: tuple[str, ...]
    reference_values: tuple[float, ...]
    modifier_ranges: tuple[tuple[float, float], ...]
    binary_modifiers: tuple[bool, ...]
    notes: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.y)


def _names(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"`{name}` must be a list of column names; got {value!r}.")
    return tuple(dict.fromkeys(value))


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)


def _values(series: pd.Series, limit: int = 5) -> str:
    values = sorted(pd.unique(series.dropna()).tolist(), key=str)
    return ", ".join(map(str, values[:limit])) + (", ..." if len(values) > limit else "")


def _binary(series: pd.Series, name: str, column: str) -> np.ndarray:
    if not _is_numeric(series) or not set(pd.unique(series).tolist()) <= {0, 1}:
        raise DataError(f"`{name}` column {column!r} must be coded 0/1; got values "
                        f"{_values(series)}.")
    return series.to_numpy(dtype=float)


def prepare_heterogeneity_data(data: Any, *, treatment: str, outcome: str, covariates: Any,
                               modifiers: Any, binary_outcome: bool) -> Prepared:
    """Check the data for a heterogeneity analysis and return arrays (``data`` is not touched)."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    for name, value in (("treatment", treatment), ("outcome", outcome)):
        if not isinstance(value, str):
            raise ParameterError(f"`{name}` must be a column name; got {value!r}.")
    covariates, modifiers = _names(covariates, "covariates"), _names(modifiers, "modifiers")
    if not modifiers:
        raise ParameterError("`modifiers` must name at least one column.")
    if treatment == outcome:
        raise ParameterError(f"`treatment` and `outcome` must differ; both are {treatment!r}.")
    for role, names in (("covariates", covariates), ("modifiers", modifiers)):
        clash = [c for c in names if c in (treatment, outcome)]
        if clash:
            raise ParameterError(f"`{role}` must not include the treatment or outcome; got "
                                 f"{', '.join(map(repr, clash))}.")
    for role, names in (("treatment", (treatment,)), ("outcome", (outcome,)),
                        ("modifiers", modifiers), ("covariates", covariates)):
        absent = [c for c in names if c not in data.columns]
        if absent:
            raise DataError(f"`{role}` names column(s) not in `data`: "
                            f"{', '.join(map(repr, absent))}.")
    used = list(dict.fromkeys((treatment, outcome, *modifiers, *covariates)))
    missing = data[used].isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        counts = ", ".join(f"{c} ({int(k)})" for c, k in missing.items())
        raise DataError(f"`data` has missing values in {counts}; drop or impute them first.")
    numeric = [c for c in used if _is_numeric(data[c]) and not pd.api.types.is_bool_dtype(data[c])]
    infinite = {c: int(np.isinf(data[c].to_numpy(dtype=float)).sum()) for c in numeric}
    infinite = {c: k for c, k in infinite.items() if k}
    if infinite:
        counts = ", ".join(f"{c} ({k})" for c, k in infinite.items())
        raise DataError(f"`data` has infinite values in {counts}; only finite numbers can be used.")
    t = _binary(data[treatment], "treatment", treatment)
    if binary_outcome:
        y = _binary(data[outcome], "outcome", outcome)
    elif not _is_numeric(data[outcome]) or pd.api.types.is_bool_dtype(data[outcome]):
        raise DataError(f"`outcome` column {outcome!r} must be numeric for "
                        f"outcome_type='continuous'; got dtype {data[outcome].dtype} (for a 0/1 "
                        "outcome use outcome_type='binary').")
    else:
        y = data[outcome].to_numpy(dtype=float)
    x, references, ranges, binaries = _modifier_matrix(data, modifiers)
    others = [c for c in covariates if c not in modifiers]
    w = None
    for name in others:
        series = data[name]
        if not (_is_numeric(series) or isinstance(series.dtype, pd.CategoricalDtype)
                or pd.api.types.is_string_dtype(series) or series.dtype == object):
            raise DataError(f"`covariates` must be numeric, boolean, text or categorical "
                            f"columns; {name!r} has dtype {series.dtype}.")
    if others:  # the project's one design builder: text and categorical columns as indicators
        from causal._glm.design import design_columns

        coded = [c for c in others if not _is_numeric(data[c])]
        w, _ = design_columns(data, others, categorical=coded)
    _check_arms(t, y, binary_outcome, treatment, outcome, x.shape[1] + (0 if w is None
                                                                         else w.shape[1]))
    strata = (2 * t + y if binary_outcome else t).astype(int)
    added = [m for m in modifiers if m not in covariates]
    notes = (f"modifier(s) {', '.join(added)} not listed in `covariates` are adjusted for too "
             "(EconML's nuisance models use the modifiers as features)",) if added else ()
    return Prepared(y=y, t=t, x=x, w=w, strata=strata, modifiers=modifiers,
                    covariates=covariates, reference_values=references,
                    modifier_ranges=ranges, binary_modifiers=binaries, notes=notes)


def _modifier_matrix(data: pd.DataFrame, modifiers: tuple[str, ...]) -> tuple[Any, ...]:
    columns, references, ranges, binaries = [], [], [], []
    for name in modifiers:
        series = data[name]
        if not _is_numeric(series):
            raise DataError(f"`modifiers` must be numeric columns; {name!r} has dtype "
                            f"{series.dtype} (code it as numbers or 0/1 indicators).")
        values = series.to_numpy(dtype=float)
        distinct = np.unique(values)
        if len(distinct) < 2:
            raise DataError(f"modifier {name!r} takes the single value {distinct[0]:g}; the "
                            "effect's slope along it cannot be estimated.")
        binary = bool(set(distinct.tolist()) == {0.0, 1.0})
        # others are held at their mean, or at their mode when 0/1 (ties: the smaller value)
        reference = float(np.bincount(values.astype(int)).argmax()) if binary else values.mean()
        columns.append(values)
        references.append(float(reference))
        # the curve's default grid: the central 95% of the data, not the sparse extremes where
        # the linear CATE is an extrapolation (for a binary outcome it can leave [-1, 1])
        ranges.append((0.0, 1.0) if binary else
                      tuple(float(q) for q in np.quantile(values, [0.025, 0.975])))
        binaries.append(binary)
    return np.column_stack(columns), tuple(references), tuple(ranges), tuple(binaries)


def _check_arms(t: np.ndarray, y: np.ndarray, binary_outcome: bool, treatment: str,
                outcome: str, n_features: int) -> None:
    needed = max(MIN_ROWS_PER_ARM, n_features + 2)
    for arm in (1, 0):
        rows = int((t == arm).sum())
        if rows < needed:
            raise DataError(
                f"`treatment` arm {treatment} = {arm} has {rows} rows; at least {needed} are "
                f"needed to fit the outcome model on {n_features} feature(s) within each arm.")
        if binary_outcome:
            events = int(y[t == arm].sum())
            if events in (0, rows):
                raise DataError(
                    f"`outcome` {outcome!r} is always {int(y[t == arm][0])} when {treatment} "
                    f"= {arm}; the outcome model cannot be fitted in that arm.")


# ---------------------------------------------------------------------- outcome model --
def per_arm_model(estimator: Any, binary: bool) -> Any:
    """Wrap ``estimator`` so that EconML's outcome model ``E[Y | X, W, T]`` is fitted separately
    in each arm (``T`` is the last feature column EconML passes)."""
    regressor, classifier = _per_arm_classes()
    return (classifier if binary else regressor)(estimator)


@functools.cache
def _per_arm_classes() -> tuple[type, type]:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone

    class PerArm(BaseEstimator):
        """One clone of ``estimator`` per treatment arm; the last column is the arm (0/1)."""

        def __init__(self, estimator: Any) -> None:
            self.estimator = estimator

        def fit(self, features: Any, y: Any) -> Any:
            features, y = np.asarray(features, dtype=float), np.asarray(y).reshape(-1)
            arm = features[:, -1]
            if isinstance(self, ClassifierMixin):
                for a in (0, 1):
                    if len(np.unique(y[arm == a])) < 2:
                        raise DataError(
                            f"a cross-fitting training fold has a single outcome value in "
                            f"treatment arm {a}; use fewer folds or folds stratified by outcome.")
            self.models_ = tuple(clone(self.estimator).fit(features[arm == a, :-1], y[arm == a])
                                 for a in (0, 1))
            return self

        def _apply(self, features: Any, method: str) -> np.ndarray:
            features = np.asarray(features, dtype=float)
            arm = features[:, -1]
            out = np.empty(len(arm))
            for a, model in enumerate(self.models_):
                rows = arm == a
                if rows.any():
                    values = getattr(model, method)(features[rows, :-1])
                    if method == "predict_proba":
                        values = values[:, list(model.classes_).index(1)]
                    out[rows] = values
            return out

    class PerArmRegressor(RegressorMixin, PerArm):
        def predict(self, features: Any) -> np.ndarray:
            return self._apply(features, "predict")

    class PerArmClassifier(ClassifierMixin, PerArm):
        """``predict_proba`` gives (P(Y = 0), P(Y = 1)) from the arm's own model."""

        classes_ = np.array([0.0, 1.0])

        def predict_proba(self, features: Any) -> np.ndarray:
            p = self._apply(features, "predict_proba")
            return np.column_stack([1 - p, p])

        def predict(self, features: Any) -> np.ndarray:
            return (self.predict_proba(features)[:, 1] > 0.5).astype(float)

    return PerArmRegressor, PerArmClassifier


# ---------------------------------------------------------------------------- result --
@dataclass(frozen=True)
class HeterogeneityResult(SummaryMixin):
    """A linear model of the conditional average treatment effect (CATE) in chosen modifiers.

    ``CATE(x) = intercept + sum_j slopes[j] x_j`` on the risk-difference scale for a binary
    outcome (``outcome_type="binary"``; no odds or risk ratio) or in outcome units otherwise.

    Attributes
    ----------
    ate, ate_std_error, ate_ci, ate_p_value
        The CATE averaged over this sample's modifiers (= the cross-fitted AIPW estimate), with
        EconML's analytic standard error of the fitted line at the modifiers' means.
    slopes, slope_std_errors, slope_cis, slope_p_values
        Change in the effect per unit of each modifier, the others held fixed (HC1 errors).
    covariance
        HC1 covariance of (intercept, slopes...), from which :meth:`curve` is computed.
    reference_values
        Where the other modifiers are held in :meth:`curve`: the mean, or the mode for 0/1.
    modifier_ranges
        2.5th and 97.5th percentiles of each modifier ((0, 1) for a 0/1 one): the default
        grid of :meth:`curve`.
    propensity_range
        Smallest and largest out-of-fold propensity score.
    simulated
        True when ``data.attrs["simulated"]`` was set: the numbers describe simulated data.
    """

    treatment: str
    outcome: str
    outcome_type: Literal["binary", "continuous"]
    modifiers: tuple[str, ...]
    covariates: tuple[str, ...]
    alpha: float
    ate: float
    ate_std_error: float
    ate_ci: tuple[float, float]
    ate_p_value: float
    intercept: float
    slopes: tuple[float, ...]
    slope_std_errors: tuple[float, ...]
    slope_cis: tuple[tuple[float, float], ...]
    slope_p_values: tuple[float, ...]
    covariance: tuple[tuple[float, ...], ...]
    modifier_means: tuple[float, ...]
    reference_values: tuple[float, ...]
    modifier_ranges: tuple[tuple[float, float], ...]
    binary_modifiers: tuple[bool, ...]
    n: int
    n_treated: int
    n_control: int
    n_folds: int
    random_state: int | None
    propensity_range: tuple[float, float]
    nuisance_models: tuple[str, str]
    simulated: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def scale(self) -> str:
        return "risk difference" if self.outcome_type == "binary" else "mean difference"

    def _index(self, modifier: str | None) -> int:
        if modifier is None:
            return 0
        if modifier not in self.modifiers:
            raise ParameterError(f"`modifier` must be one of {', '.join(map(repr, self.modifiers))}"
                                 f"; got {modifier!r}.")
        return self.modifiers.index(modifier)

    def summary(self) -> pd.DataFrame:
        level = f"{100 * (1 - self.alpha):g}% CI"
        label = " (simulated data)" if self.simulated else ""
        rows = [{"quantity": f"ATE ({self.scale}){label}", "estimate": self.ate,
                 "std_error": self.ate_std_error, "ci_lower": self.ate_ci[0],
                 "ci_upper": self.ate_ci[1], "p_value": self.ate_p_value, "method": METHOD,
                 "note": f"linear CATE averaged over the sample's modifiers; {level}"}]
        for j, name in enumerate(self.modifiers):
            note = (f"effect when {name} = 1 minus effect when {name} = 0"
                    if self.binary_modifiers[j] else f"per unit of {name}")
            if len(self.modifiers) > 1:
                note += ", other modifiers held fixed"
            rows.append({"quantity": f"change in effect with {name}{label}",
                         "estimate": self.slopes[j], "std_error": self.slope_std_errors[j],
                         "ci_lower": self.slope_cis[j][0], "ci_upper": self.slope_cis[j][1],
                         "p_value": self.slope_p_values[j], "method": METHOD, "note": note})
        return summary_frame(rows)

    def curve(self, modifier: str | None = None, values: Any = None, *,
              num: int = 50) -> pd.DataFrame:
        """The effect and its pointwise CI along ``modifier``: see :func:`effect_curve`."""
        return effect_curve(self, modifier, values, num=num)

    def sentence(self, modifier: str | None = None) -> str:
        """Plain-language reading: the average effect, then whether it varies with each modifier
        (or only with ``modifier``)."""
        level = f"{100 * (1 - self.alpha):g}% CI"
        unit, factor = ((" percentage points", 100.0) if self.outcome_type == "binary"
                        else ("", 1.0))
        where = "In this simulated data, averaged" if self.simulated else "Averaged"
        text = [f"{where} over the sample, the estimated effect of {self.treatment} on "
                f"{self.outcome} is {_num(factor * self.ate)}{unit} ({level} "
                f"{_num(factor * self.ate_ci[0], sign=False)} to "
                f"{_num(factor * self.ate_ci[1], sign=False)})."]
        chosen = range(len(self.modifiers)) if modifier is None else [self._index(modifier)]
        for j in chosen:
            name, (low, high) = self.modifiers[j], self.slope_cis[j]
            varies = "does" if low > 0 or high < 0 else "does not detectably"
            bigger = "larger" if self.slopes[j] >= 0 else "smaller"
            how = (f"the effect is {_num(factor * abs(self.slopes[j]), sign=False)}{unit} "
                   f"{bigger} when {name} = 1 than when {name} = 0" if self.binary_modifiers[j]
                   else f"{_num(factor * self.slopes[j])}{unit} per unit of {name}")
            held = ", other modifiers held fixed" if len(self.modifiers) > 1 else ""
            text.append(f"The estimated effect {varies} vary with {name}: {how} ({level} "
                        f"{_num(factor * low, sign=False)} to {_num(factor * high, sign=False)}; "
                        f"{_p(self.slope_p_values[j])}{held}).")
        return " ".join(text)


def _num(value: float, *, sign: bool = True) -> str:
    """Three significant digits, without scientific notation for ordinary sizes."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = min(6, max(0, 2 - math.floor(math.log10(abs(value)))))
    return f"{value:{'+' if sign else ''}.{decimals}f}"


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.2g}"


def effect_curve(result: HeterogeneityResult, modifier: str | None = None, values: Any = None,
                 *, num: int = 50) -> pd.DataFrame:
    """The estimated effect along one modifier, others at their means (modes for 0/1 ones).

    Parameters
    ----------
    result : HeterogeneityResult
    modifier : str, optional
        Defaults to the first modifier.
    values : array-like, optional
        Grid of the modifier. Default: 0 and 1 for a 0/1 modifier, else ``num`` evenly spaced
        points from its 2.5th to its 97.5th percentile (beyond them the line is extrapolated
        from few people).

    Returns
    -------
    pandas.DataFrame
        Columns ``modifier``, ``value``, ``effect``, ``std_error``, ``ci_lower``, ``ci_upper``.
        ``attrs`` record where the other modifiers are held, the scale and ``simulated``.

    Notes
    -----
    With ``g = (1, x_1, ..., x_k)`` at a grid point and ``V`` the HC1 covariance of
    ``(intercept, slopes)``, the effect is ``g' b`` with standard error ``sqrt(g' V g)``; the
    interval is pointwise (Wald, level ``1 - alpha``), not a simultaneous band.
    """
    j = result._index(modifier)
    if values is None:
        low, high = result.modifier_ranges[j]
        values = ([0.0, 1.0] if result.binary_modifiers[j]
                  else np.linspace(low, high, int(num)))
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise ParameterError("`values` must be a one-dimensional array of finite numbers.")
    grid = np.tile(np.array((1.0, *result.reference_values)), (len(values), 1))
    grid[:, j + 1] = values
    beta = np.array((result.intercept, *result.slopes))
    covariance = np.array(result.covariance)
    effect = grid @ beta
    std_error = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", grid, covariance, grid), 0, None))
    z = z_critical(result.alpha)
    frame = pd.DataFrame({"modifier": result.modifiers[j], "value": values, "effect": effect,
                          "std_error": std_error, "ci_lower": effect - z * std_error,
                          "ci_upper": effect + z * std_error})
    frame.attrs.update({
        "held_at": {m: v for i, (m, v) in enumerate(zip(result.modifiers,
                                                        result.reference_values, strict=True))
                    if i != j},
        "scale": result.scale, "alpha": result.alpha, "simulated": result.simulated})
    return frame
