"""Augmented inverse probability weighting (doubly robust), with cross-fitting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from causal._glm import (
    LinearModel,
    LogisticModel,
    add_intercept,
    clone_model,
    expit,
    fit_logistic_one,
)
from causal._glm.designs import column_scales
from causal._glm.logistic import (
    _WARM_START_N,
    SINGLE_TOL,
    fit_logistic,
    fit_logistic_near,
)
from causal._glm.newton import row_slices
from causal._glm.ols import fit_linear_folds
from causal._validation import check_literal
from causal.errors import ParameterError, SeparationWarning
from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._design import Prepared
from causal.estimate._reasons import (
    boundary_rows,
    describe_cells,
    label,
    not_estimable,
    separation_sentence,
)
from causal.estimate._refit import Replicates
from causal.estimate.diagnostics import (
    balance_table,
    propensity_diagnostics,
    require_finite_weights,
    weight_diagnostics,
)

#: from this many rows, the batch of fold propensity models starts from a fit on every k-th
#: row (about _BATCH_START_SUB rows): about 3 Newton steps on the full batch instead of 6
_BATCH_START_N = 50_000
_BATCH_START_SUB = 10_000


class AIPW(BaseEstimator):
    """Doubly robust AIPW estimator with K-fold cross-fitting.

    Parameters
    ----------
    estimand : {"ate", "att", "atc"}
        ATC (the ATU) mirrors the ATT with the arms' roles swapped.
    propensity_model : scikit-learn classifier, optional
        Any object with ``fit`` and ``predict_proba``; cloned for every fold. Default: an
        unpenalised logistic regression (:class:`~causal.estimate.LogisticModel`).
    outcome_model : scikit-learn regressor or classifier, optional
        ``predict_proba`` is used when the outcome is 0/1 and the model has it, ``predict``
        otherwise. Default: unpenalised logistic (0/1 outcome) or least squares.
    outcome_fit : {"separate", "pooled"}
        ``"separate"``: one outcome model per arm; ``"pooled"``: one model on the covariates
        plus the treatment as the last column, predicted with it set to 1 and 0 (as EconML's
        DRLearner does).
    cv : int or iterable of (train, test) index arrays
        Number of folds (``1`` fits the nuisance models on all the data, no cross-fitting), or
        explicit splits whose test sets partition the rows. Folds are drawn from
        ``random_state``; with ``cluster=`` they are folds of whole clusters.
    measure, alpha, n_bootstrap, random_state
        As in :class:`~causal.estimate.GComputation`; a binary outcome's OR is **marginal**,
        from the two AIPW risks, with a delta-method SE of its log.

    Refitting (refutation) with the default nuisance models and an integer ``cv`` is batched:
    every (replicate, fold) pair is one row of a weighted Newton fit on the shared design
    (:mod:`causal.estimate._aipw_refit`), on the folds the estimator's own fit would draw
    from the recorded random state. Other scikit-learn models or explicit splits run one fit
    per replicate.

    Notes
    -----
    With cross-fitted ``e = P(A=1|X)``, ``m_a = E[Y|A=a,X]`` (Robins, Rotnitzky & Zhao 1994;
    Chernozhukov et al. 2018):

    * ATE: ``psi_1 = m_1 + a (y - m_1)/e``, ``psi_0 = m_0 + (1-a)(y - m_0)/(1-e)``,
      ``mu_a = mean(psi_a)``, influence values ``psi_a - mu_a``.
    * ATT (Moodie et al. 2018): ``mu_1 = mean(y | a=1)``,
      ``mu_0 = sum[a m_0 + (1-a) e (y - m_0)/(1-e)] / sum a``, influence values
      ``[a m_0 + (1-a) e (y-m_0)/(1-e) - a mu_0] / P(A=1)`` and ``a (y - mu_1) / P(A=1)``.

    Standard errors ``sqrt(sum phi^2) / n``. Propensity scores are never clipped; scores near
    0 or 1 raise a warning and are reported. The cross-fitted predictions, the analysed
    treatment and outcome and each row's fold are in ``diagnostics["nuisance"]`` (keys ``e``,
    ``m1``, ``m0``, ``a``, ``y``, ``fold``), for :func:`causal.sensitivity.aipw_bounds`.

    References
    ----------
    Robins, Rotnitzky & Zhao (1994). JASA 89, 846-866. Chernozhukov et al. (2018). Econometrics
    Journal 21, C1-C68. Kennedy, E. H. (2016). Semiparametric theory and empirical processes in
    causal inference.
    """

    _params = ("estimand", "propensity_model", "outcome_model", "outcome_fit", "cv", "measure",
               "alpha", "n_bootstrap", "random_state")
    _method = "AIPW"
    _measure_free_fit = True

    def __init__(self, *, estimand: str = "ate", propensity_model: Any = None,
                 outcome_model: Any = None, outcome_fit: str = "separate",
                 cv: int | Iterable = 5, measure: str = "auto", alpha: float = 0.05,
                 n_bootstrap: int = 0, random_state: Any = None) -> None:
        self.estimand = estimand
        self.propensity_model = propensity_model
        self.outcome_model = outcome_model
        self.outcome_fit = outcome_fit
        self.cv = cv
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _check_params(self) -> None:
        check_literal(self.estimand, "estimand", ("ate", "att", "atc"))
        check_literal(self.outcome_fit, "outcome_fit", ("separate", "pooled"))
        if self.propensity_model is not None and not (
                hasattr(self.propensity_model, "fit")
                and hasattr(self.propensity_model, "predict_proba")):
            raise ParameterError("`propensity_model` must be a classifier with fit and "
                                 f"predict_proba; got {type(self.propensity_model).__name__}.")
        if self.outcome_model is not None and not hasattr(self.outcome_model, "fit"):
            raise ParameterError("`outcome_model` must be a scikit-learn model with fit; got "
                                 f"{type(self.outcome_model).__name__}.")

    def _refit_batch(self, prep: Prepared, measure: str, reps: Replicates,
                     rng_state: Any, cache: dict) -> np.ndarray:
        """Batched refits (:func:`causal.estimate._aipw_refit.aipw_refit`) where the nuisance
        models are the GLM core's; otherwise (and for weights that are not counts, or a
        binary outcome replaced by non-0/1 values, which the loop names, or clustered rows,
        whose folds are whole clusters) one fit each."""
        from causal.estimate._aipw_refit import aipw_refit, outcome_kind

        counts_ok = reps.weights is None or (
            np.all(reps.weights >= 0) and np.array_equal(reps.weights,
                                                         np.round(reps.weights)))
        y_ok = reps.y is None or not prep.binary or np.all((reps.y == 0) | (reps.y == 1))
        if (outcome_kind(self, prep.binary) is None or not counts_ok or not y_ok
                or prep.cluster is not None):
            return super()._refit_batch(prep, measure, reps, rng_state, cache)
        return aipw_refit(self, prep, measure, reps, rng_state, cache)

    def _splits(self, n: int, rng: np.random.Generator, clusters: np.ndarray | None = None
                ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Folds of rows; with clusters, folds of whole clusters (so no cluster is in both a
        training and a test set, as cross-fitting's independence argument needs)."""
        cv = self.cv
        if clusters is not None and isinstance(cv, int | np.integer) and cv > 1 \
                and not isinstance(cv, bool):
            g = int(clusters.max()) + 1
            if cv > g:
                raise ParameterError(f"`cv` must be at most the number of clusters ({g}) when "
                                     f"folds are split by cluster; got {cv}.")
            group = np.empty(g, dtype=np.int64)
            for k, ids in enumerate(np.array_split(rng.permutation(g), int(cv))):
                group[ids] = k
            fold_of = group[clusters]
            return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k))
                    for k in range(int(cv))]
        if isinstance(cv, int | np.integer) and not isinstance(cv, bool):
            if cv < 1 or cv > n:
                raise ParameterError(f"`cv` must be a number of folds in [1, n]; got {cv}.")
            if cv == 1:
                everything = np.arange(n)
                return [(everything, everything)]
            fold_of = np.empty(n, dtype=np.int64)
            for k, rows in enumerate(np.array_split(rng.permutation(n), int(cv))):
                fold_of[rows] = k
            return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k))
                    for k in range(int(cv))]
        try:
            splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv]
        except (TypeError, ValueError):
            raise ParameterError("`cv` must be an int or an iterable of (train, test) index "
                                 f"arrays; got {type(cv).__name__}.") from None
        tests = np.sort(np.concatenate([te for _, te in splits]))
        if not np.array_equal(tests, np.arange(n)):
            raise ParameterError("`cv` test sets must partition the rows 0..n-1 exactly once.")
        return splits

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        a, y, x, n = prep.a, prep.y, prep.x, prep.n
        ps_model = self.propensity_model or LogisticModel()
        out_model = self.outcome_model or (LogisticModel() if prep.binary else LinearModel())
        e, m1, m0 = np.empty(n), np.empty(n), np.empty(n)
        separated = False
        splits = self._splits(n, rng, prep.cluster)
        who = label("AIPW", self.estimand)
        k_folds = len(splits)
        limit_notes: list[str] = []
        # the default models' fits on the intercept design built once (the same numbers as
        # their fit/predict on each fold's rows); with folds that partition the rows, the
        # least-squares outcome models of every fold come from per-fold Gram matrices
        lean_ps = type(ps_model) is LogisticModel
        # each row's fold; with integer folds (or explicit ones alike) every training set is
        # the complement of its test set
        fold_of = np.empty(n, dtype=np.int64)
        for k, (_, test) in enumerate(splits):
            fold_of[test] = k
        complement = k_folds > 1 and (isinstance(self.cv, int | np.integer) or all(
            len(train) + len(test) == n
            and np.array_equal(np.bincount(train, minlength=n), fold_of != k)
            for k, (train, test) in enumerate(splits)))
        lean_out = (type(out_model) is LinearModel and self.outcome_fit == "separate"
                    and complement)
        first_ps, first_rows, z_scales, zt = None, 0, None, None
        z = None
        if (lean_ps or lean_out) and row_slices(n) is not None:
            # a tall design built transposed, (q, n) C-ordered, z its column-major view: the
            # folds' designs are gathered along its rows (fit_linear_folds, _rows), and the
            # Newton core's passes in row blocks read its slices without a copy
            zt = np.empty((x.shape[1] + 1, n))
            zt[0] = 1.0
            zt[1:] = x.T
            z = zt.T
        elif lean_ps or lean_out:
            z = add_intercept(x)
        arm_coef: dict[float, np.ndarray] = {}
        # up to the size where a single fit starts from a subsample, the folds' propensity
        # models are one batch of weighted fits on the whole design (weight 1 on the fold's
        # training rows, 0 elsewhere: the same likelihood); a fold the batch leaves
        # unconverged is fitted on its own below, which names what went wrong
        batch = None
        if lean_ps and complement and n <= _WARM_START_N:
            weights = (fold_of[None, :] != np.arange(k_folds)[:, None]).astype(float)
            start = None
            if n >= _BATCH_START_N:  # every fold starts near its estimate
                step = n // _BATCH_START_SUB
                sub = fit_logistic_one(z[::step], a[::step], max_iter=ps_model.max_iter)
                start = sub.coef[0] if sub.converged[0] else None
            batch = fit_logistic(z, [], a, weights, k_folds, tol=SINGLE_TOL,
                                 max_iter=ps_model.max_iter, start=start)
        elif lean_ps:
            z_scales = column_scales(z)
        if lean_out:
            for level in (1.0, 0.0):
                arm_coef[level] = fit_linear_folds(z, y, np.where(a == level, fold_of, -1),
                                                   k_folds, zt=zt)
        for k, (train, test) in enumerate(splits):
            where = "" if k_folds == 1 else f" in cross-fitting fold {k + 1} of {k_folds}"
            if np.ptp(a[train]) == 0:
                raise not_estimable(who, f"the training data{where} hold only "
                                         f"{'treated' if a[train][0] == 1 else 'control'} "
                                         "units, so no propensity model can be fitted; use "
                                         "fewer folds (`cv`)")
            z_test = None if z is None else z[test]
            if batch is not None and batch.converged[k]:
                fit = None
                e[test] = expit(z_test @ batch.coef[k])
            elif lean_ps and first_ps is None:
                fit = first_ps = fit_logistic_one(_rows(z, zt, train), a[train],
                                                  max_iter=ps_model.max_iter)
                first_rows = len(train)
                if not fit.converged[0]:
                    first_ps = None
                e[test] = expit(z_test @ fit.coef[0])
            elif lean_ps:  # the first fold's fit is a close start for the others
                fit = fit_logistic_near(_rows(z, zt, train), a[train], first_ps, first_rows,
                                        scales=z_scales, max_iter=ps_model.max_iter)
                e[test] = expit(z_test @ fit.coef[0])
            else:
                ps = clone_model(ps_model).fit(x[train], a[train])
                fit = getattr(ps, "fit_", None)
                e[test] = ps.predict_proba(x[test])[:, 1]
            if fit is not None and bool(fit.separated[0]):
                # the held-out units of a separated cell get a score of 0 or 1: their weight
                # is infinite, and no finite AIPW estimate exists with these folds
                raise not_estimable(who, separation_sentence(
                    "propensity model", x[train], prep.x_names, fit.fitted[0], where)
                    + "; its held-out scores there are 0 or 1, so the weights are infinite: "
                      "use fewer folds (`cv`, 1 for none), merge sparse strata, or restrict the "
                      "population")
            separated |= fit is not None and not bool(fit.converged[0])
            bad = boundary_rows(e[test])
            if bad.any():
                raise not_estimable(who, f"the propensity scores{where} are 0 or 1 (to 1e-14) "
                                         f"for held-out units in {describe_cells(x[test], prep.x_names, bad)}"
                                         ", so the weights are infinite: use fewer folds "
                                         "(`cv`), merge sparse strata, or restrict the "
                                         "population")
            if self.outcome_fit == "separate":
                for level, target in ((1.0, m1), (0.0, m0)):
                    # (the training data hold both arms, checked above)
                    if lean_out and np.isfinite(arm_coef[level][k]).all():
                        target[test] = z_test @ arm_coef[level][k]
                        continue
                    rows = train[a[train] == level]
                    arm = "treated" if level == 1 else "control"
                    if len(rows) == 0:
                        raise not_estimable(who, f"the training data{where} hold no {arm} "
                                                 "units, so the outcome model of that arm "
                                                 "cannot be fitted; use fewer folds (`cv`)")
                    model = clone_model(out_model).fit(x[rows], y[rows])
                    out = getattr(model, "fit_", None)
                    if out is not None and bool(out.separated[0]):
                        limit_notes.append(
                            f"{arm} arm" + (f", fold {k + 1} of {k_folds}" if k_folds > 1
                                            else "") + ": "
                            + describe_cells(x[rows], prep.x_names,
                                             boundary_rows(out.fitted[0])))
                    target[test] = self._predict(model, x[test], prep.binary)
            else:
                model = clone_model(out_model).fit(np.column_stack([x[train], a[train]]),
                                                   y[train])
                ones = np.ones(len(test))
                m1[test] = self._predict(model, np.column_stack([x[test], ones]), prep.binary)
                m0[test] = self._predict(model, np.column_stack([x[test], 0 * ones]),
                                         prep.binary)
        diagnostics = propensity_diagnostics(e, a, rec, separated=separated, who=who)
        require_finite_weights(e, who=who, x=x, names=prep.x_names)
        if limit_notes:
            rec.warn(SeparationWarning,
                     f"{who}: the logistic outcome model separates the data ("
                     + "; ".join(limit_notes[:3])
                     + (f"; and {len(limit_notes) - 3} more" if len(limit_notes) > 3 else "")
                     + "): every unit there has the same outcome, so its fitted risk is the "
                       "limit 0 or 1 of the maximum-likelihood fit (extended MLE, Albert & "
                       "Anderson 1984); the AIPW estimate and its influence-function SE use "
                       "only these fitted values, not the model's coefficients.")
        p = a.mean()
        if self.estimand == "ate":
            psi1 = m1 + a * (y - m1) / e
            psi0 = m0 + (1 - a) * (y - m0) / (1 - e)
            mu = np.array([psi1.mean(), psi0.mean()])
            phi = np.column_stack([psi1 - mu[0], psi0 - mu[1]])
            weights = np.where(a == 1, p / e, (1 - p) / (1 - e))
        elif self.estimand == "atc":
            q = 1 - p
            mu0 = np.sum((1 - a) * y) / (1 - a).sum()
            aug1 = (1 - a) * m1 + a * (1 - e) * (y - m1) / e
            mu1 = aug1.sum() / (1 - a).sum()
            mu = np.array([mu1, mu0])
            phi = np.column_stack([(aug1 - (1 - a) * mu1) / q, (1 - a) * (y - mu0) / q])
            weights = np.where(a == 0, 1.0, q / p * (1 - e) / e)
        else:
            mu1 = np.sum(a * y) / a.sum()
            aug0 = a * m0 + (1 - a) * e * (y - m0) / (1 - e)
            mu0 = aug0.sum() / a.sum()
            mu = np.array([mu1, mu0])
            phi = np.column_stack([a * (y - mu1) / p, (aug0 - a * mu0) / p])
            weights = np.where(a == 1, 1.0, (1 - p) / p * e / (1 - e))
        diagnostics.update(weight_diagnostics(weights, a, rec, who=who))
        diagnostics["weights"] = weights
        diagnostics["balance"] = balance_table(x, prep.x_names, a, weights)
        # what the Riesz-representer bounds need (causal.sensitivity.aipw_bounds)
        diagnostics["nuisance"] = {"e": e, "m1": m1, "m0": m0, "a": a, "y": y, "fold": fold_of,
                                    "cluster": prep.cluster}
        k = len(splits)
        notes = [("no cross-fitting" if k == 1 else f"{k}-fold cross-fitting"),
                 f"propensity {ps_model!r}", f"outcome {out_model!r} ({self.outcome_fit})",
                 "influence-function SE"]
        return PotentialOutcomeFit(mu, phi, diagnostics, notes)

    @staticmethod
    def _predict(model: Any, x: np.ndarray, binary: bool) -> np.ndarray:
        if binary and hasattr(model, "predict_proba"):
            return model.predict_proba(x)[:, 1]
        return np.asarray(model.predict(x), dtype=float)


def _rows(z: np.ndarray, zt: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    """``z[rows]``; column-major, gathered from the transposed design ``zt``, when given."""
    # np.take along the rows of zt gives a C-ordered (p, m) array (zt[:, rows] would not)
    return z[rows] if zt is None else np.take(zt, rows, axis=1).T
