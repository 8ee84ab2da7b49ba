"""The base class that turns an estimator's fit into an :class:`EffectEstimate`.

An estimator is configuration: a keyword-only ``__init__`` that stores its arguments and does no
work (scikit-learn style). ``estimate(data, treatment=..., outcome=..., covariates=...)`` checks
the data (:mod:`causal.estimate._design`), calls the estimator's ``_fit`` hook, which returns
point estimates and influence values, and the base class computes standard errors, Wald and
bootstrap intervals, p-values and the summary table. The caller's DataFrame is never modified.

Effect measures from the two potential-outcome means ``mu1 = E[Y(1)]``, ``mu0 = E[Y(0)]`` (over
the estimand's population), by the delta method on the linear scale:

* ``rd`` / ``md``: ``mu1 - mu0``;
* ``rr``: ``log(mu1 / mu0)``, gradient ``(1/mu1, -1/mu0)``;
* ``or``: ``logit(mu1) - logit(mu0)``, gradient ``(1/(mu1(1-mu1)), -1/(mu0(1-mu0)))``: a
  *marginal* odds ratio.

Intervals are Wald intervals on that scale, ``exp``-transformed for ratios.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from causal._glm import single_threaded_blas
from causal._validation import check_alpha, check_count, check_literal, check_random_state
from causal.estimate._bootstrap import multiplier_bootstrap
from causal.estimate._design import Prepared, prepare
from causal.estimate._fits import (  # noqa: F401 (re-exported for the estimators)
    CoefficientFit,
    PotentialOutcomeFit,
    Recorder,
    _gradient,
    _linear,
)
from causal.estimate._refit import Replicates, refit_loop
from causal.estimate._shared import estimator_fit
from causal.estimate.result import BootstrapResult, EffectEstimate, RefitSpec
from causal.measures import (
    z_critical,
)


def _names_of(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class BaseEstimator:
    """Shared ``estimate`` template; subclasses set ``_params`` and implement ``_fit``."""

    _params: ClassVar[tuple[str, ...]] = ()
    _method: ClassVar[str] = ""
    _measures_binary: ClassVar[tuple[str, ...]] = ("rd", "rr", "or")
    #: True when ``_fit`` never looks at the measure (one fit then serves every measure of a
    #: study's estimates, :mod:`causal.estimate._shared`)
    _measure_free_fit: ClassVar[bool] = False

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._params}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # hooks --------------------------------------------------------------------------------
    def _check_params(self) -> None:
        pass

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit | CoefficientFit:  # pragma: no cover
        raise NotImplementedError

    def _default_measure(self, binary: bool) -> str:
        return "rd" if binary else "md"

    def _refit_batch(self, prep: Prepared, measure: str, reps: Replicates,
                     rng_state: Mapping[str, Any] | None, cache: dict) -> np.ndarray:
        """The effects of R perturbed refits on the measure's linear scale (NaN: no answer).

        By default one ``_fit`` per replicate (:func:`causal.estimate._refit.refit_loop`);
        estimators with a batched form override this with array operations over replicates.
        ``cache`` is owned by the caller (one refutation) and holds what blocks of replicates
        share (the original fit, the design's column products).
        """
        return refit_loop(self, prep, measure, reps, rng_state)

    # template -----------------------------------------------------------------------------
    def estimate(self, data: pd.DataFrame, *, treatment: str, outcome: str,
                 covariates: Sequence[str] = (), categorical: Sequence[str] = (),
                 squared: Sequence[str] = (), dropna: bool = False,
                 terms: Sequence[str] = (), cluster: str | None = None) -> EffectEstimate:
        """Estimate the effect of ``treatment`` on ``outcome`` adjusting for ``covariates``.

        Parameters
        ----------
        data : DataFrame
            Not modified.
        treatment : str
            A 0/1 column with both values present.
        outcome : str
            A numeric column; 0/1 makes it binary.
        covariates, categorical, squared : list of str
            The adjustment set; see :mod:`causal.estimate._design` for the formula-like terms.
        terms : list of str
            Products and splines of the covariates, e.g. ``["age*sex", "bs(age, 4)"]``
            (:mod:`causal._glm.terms`).
        dropna : bool
            Analyse complete cases instead of raising on missing values; the number of rows
            dropped is reported on the result.
        cluster : str, optional
            A column grouping rows that are not independent (clients of one therapist). The
            standard error, interval and bootstrap are then cluster-robust (CR1, from the
            influence values summed within clusters; :mod:`causal.estimate._clusters`), and
            :attr:`EffectEstimate.clustering` holds the naive interval, the number of
            clusters, the design effect and the ICCs of the outcome and the treatment.
        """
        self._check_all()
        if not isinstance(dropna, bool):
            from causal.errors import ParameterError

            raise ParameterError(f"`dropna` must be True or False; got {dropna!r}.")
        prep = prepare(data, treatment=treatment, outcome=outcome, covariates=covariates,
                       categorical=categorical, squared=squared, dropna=dropna,
                       terms=terms, cluster=cluster)
        return self._estimate_prepared(prep, categorical=categorical, squared=squared,
                                       dropna=dropna, terms=terms)

    def _check_all(self) -> None:
        from causal._budgets import check_size

        check_alpha(self.alpha)
        check_literal(self.measure, "measure", ("auto", "rd", "rr", "or", "md"))
        check_size(check_count(self.n_bootstrap, "n_bootstrap"), "MAX_REPLICATES",
                   "n_bootstrap")
        check_random_state(self.random_state)
        self._check_params()

    def _estimate_prepared(self, prep: Prepared, *, categorical: Sequence[str] = (),
                           squared: Sequence[str] = (), dropna: bool = False,
                           terms: Sequence[str] = ()) -> EffectEstimate:
        """:meth:`estimate` on analysis arrays already checked by ``prepare`` (several
        estimators on one analysis share them; ``_fit`` hooks never modify them)."""
        alpha = check_alpha(self.alpha)
        measure = check_literal(self.measure, "measure", ("auto", "rd", "rr", "or", "md"))
        n_boot = check_count(self.n_bootstrap, "n_bootstrap")
        rng = check_random_state(self.random_state)
        self._check_params()
        measure = self._resolve_measure(measure, prep.binary)
        rec = Recorder()
        rng_state = copy.deepcopy(rng.bit_generator.state)  # the refit starts from here
        # our matrices are tall and thin (n x p, p small): BLAS threads only contend, and
        # spin-waiting threads are very costly on a busy machine (measured)
        with single_threaded_blas():
            fit = estimator_fit(self, prep, measure, rng, rec)
        result = self._result(prep, fit, measure, alpha, n_boot, rng, rec)
        spec = RefitSpec(type(self), MappingProxyType(self.get_params()), prep.covariates,
                         tuple(_names_of(categorical)), tuple(_names_of(squared)), dropna,
                         measure, MappingProxyType(rng_state), terms=tuple(_names_of(terms)),
                         cluster=prep.cluster_name)
        return dataclasses.replace(result, refit=spec)

    def _resolve_measure(self, measure: str, binary: bool) -> str:
        from causal.errors import ParameterError

        if measure == "auto":
            return self._default_measure(binary)
        allowed = self._measures_binary if binary else ("md",)
        if measure not in allowed:
            kind = "binary" if binary else "continuous"
            raise ParameterError(f"`measure` must be one of {allowed} for a {kind} outcome with "
                                 f"{type(self).__name__}; got {measure!r}.")
        return measure

    def _result(self, prep: Prepared, fit: PotentialOutcomeFit | CoefficientFit, measure: str,
                alpha: float, n_boot: int, rng: np.random.Generator,
                rec: Recorder) -> EffectEstimate:
        z = z_critical(alpha)
        ratio = measure in ("rr", "or")
        back = np.exp if ratio else (lambda v: v)
        potential, po_se, n_used = None, None, prep.n
        if isinstance(fit, PotentialOutcomeFit):
            mu = np.asarray(fit.mu, dtype=float)
            n = fit.phi.shape[0]
            cov = fit.phi.T @ fit.phi / n**2
            lin = float(_linear(measure, mu))
            grad = _gradient(measure, mu)
            se = float(np.sqrt(grad @ cov @ grad))
            potential = (float(mu[0]), float(mu[1]))
            po_se = (float(np.sqrt(cov[0, 0])), float(np.sqrt(cov[1, 1])))
            theta, phi, kind = mu, fit.phi, fit.odds_ratio_kind
            n_used = fit.n or prep.n
        else:
            lin, se, phi, kind = float(fit.value), float(fit.std_error), fit.phi, "conditional"
            theta = np.array([lin])
        clustering, boot_phi = None, phi
        if prep.cluster is not None:
            se, po_se, clustering, boot_phi = self._clustered(prep, fit, measure, lin, se, z,
                                                              back, po_se, rec)
        ci = (float(back(lin - z * se)), float(back(lin + z * se)))
        boot = None
        if n_boot > 0:
            reps = multiplier_bootstrap(boot_phi, np.atleast_1d(theta), n_boot, rng)
            lin_reps = _linear(measure, reps) if potential is not None else reps[:, 0]
            ok = np.isfinite(lin_reps)
            lo, hi = np.quantile(lin_reps[ok], [alpha / 2, 1 - alpha / 2])
            seed = self.random_state if isinstance(self.random_state, int) else None
            boot = BootstrapResult(n_boot, seed, (float(back(lo)), float(back(hi))),
                                   float(np.std(lin_reps[ok], ddof=1)),
                                   n_invalid=int((~ok).sum()))
        diagnostics = dict(fit.diagnostics)
        if po_se is not None:
            diagnostics["potential_outcome_se"] = po_se
        y, a = prep.y, prep.a
        sd = math.sqrt((y[a == 1].var(ddof=1) * (a.sum() - 1)
                         + y[a == 0].var(ddof=1) * ((1 - a).sum() - 1)) / (len(y) - 2))
        prevalence = float(y.mean()) if prep.binary else None
        if measure == "or" and self._method != "crude":
            fit.notes.insert(0, f"{kind} odds ratio")
        matched_pairs = diagnostics.pop("matched_pairs", None)
        two_by_two = diagnostics.pop("two_by_two", None)
        return EffectEstimate(
            estimand=self._estimand(), measure=measure, estimate=float(back(lin)),
            std_error=se, ci=ci, n=n_used, method=self._method, treatment=prep.treatment,
            outcome=prep.outcome, alpha=alpha,
            odds_ratio_kind=kind if measure == "or" else None,
            outcome_type="binary" if prep.binary else "continuous",
            prevalence=prevalence if prevalence is None or 0 < prevalence < 1 else None,
            outcome_sd=sd if sd > 0 else None, potential_outcomes=potential,
            n_dropped=prep.n_dropped, notes=tuple(fit.notes), warnings=tuple(rec.messages),
            bootstrap=boot, clustering=clustering, diagnostics=MappingProxyType(diagnostics),
            matched_pairs=matched_pairs, two_by_two=two_by_two,
        )

    def _clustered(self, prep: Prepared, fit: PotentialOutcomeFit | CoefficientFit,
                   measure: str, lin: float, naive_se: float, z: float, back: Any,
                   po_se: tuple[float, float] | None, rec: Recorder) -> tuple[Any, ...]:
        """The cluster-robust (CR1) SE from influence values summed within clusters, the
        summary of what clustering changed, and the cluster totals the multiplier bootstrap
        draws signs for (one sign per cluster: a wild cluster bootstrap), scaled so that their
        variance is CR1's (:mod:`causal.estimate._clusters`)."""
        from causal.estimate._clusters import (
            FEW_CLUSTERS,
            cluster_totals,
            correction,
            icc,
        )
        from causal.estimate.result import ClusterSummary

        codes = prep.cluster
        phi = np.asarray(fit.phi, dtype=float)
        if phi.shape[0] != prep.n:  # pragma: no cover - every estimator has a row per unit
            from causal.errors import NotEstimableError

            raise NotEstimableError(f"{self._method}: its influence values do not have one "
                                    "row per analysed row, so no cluster-robust interval is "
                                    "defined.")
        g = int(codes.max()) + 1
        n_params = getattr(fit, "n_params", 0)
        factor = correction(g, prep.n, n_params)
        totals = cluster_totals(phi, codes, g)
        cov = factor * (totals.T @ totals) / prep.n**2
        if isinstance(fit, PotentialOutcomeFit):
            grad = _gradient(measure, np.asarray(fit.mu, dtype=float))
            se = float(np.sqrt(grad @ cov @ grad))
            po_se = (float(np.sqrt(cov[0, 0])), float(np.sqrt(cov[1, 1])))
        else:
            se = float(np.sqrt(cov[0, 0]))
        sizes = np.bincount(codes, minlength=g)
        summary = ClusterSummary(
            column=str(prep.cluster_name), n_clusters=g, mean_cluster_size=float(sizes.mean()),
            largest_cluster=int(sizes.max()), naive_std_error=naive_se,
            naive_ci=(float(back(lin - z * naive_se)), float(back(lin + z * naive_se))),
            design_effect=float((se / naive_se) ** 2) if naive_se > 0 else float("nan"),
            icc_outcome=icc(prep.y, codes), icc_treatment=icc(prep.a, codes),
            naive_kind=fit.diagnostics.pop("naive_kind", "rows independent"))
        fit.notes.insert(0, "cluster-robust SE (CR1: G/(G-1)"
                         + (" x (n-1)/(n-p)" if n_params else "") + f"), {g} clusters")
        if g < FEW_CLUSTERS:
            from causal.errors import CausalWarning

            rec.warn(CausalWarning, f"{self._method}: only {g} clusters of "
                     f"{prep.cluster_name!r}; with fewer than {FEW_CLUSTERS} clusters "
                     "cluster-robust (CR1) intervals tend to be too narrow (Cameron & Miller "
                     "2015).")
        boot_phi = totals * (g / prep.n) * np.sqrt(factor)
        return se, po_se, summary, boot_phi

    def _estimand(self) -> str:
        return getattr(self, "estimand", "ate")
