"""Rosenbaum bounds for the matched pairs of a propensity-score matching estimate.

:func:`rosenbaum_matched` takes a :class:`~causal.estimate.EffectEstimate` that carries
``matched_pairs`` (from :class:`~causal.estimate.PSMatching`) and the data it was fitted on,
forms the pairs' outcomes, and applies the matched-pair sensitivity analyses of
:mod:`causal.sensitivity.rosenbaum_bounds.wilcoxon`: Wilcoxon signed-rank bounds for a continuous outcome
(Pratt zeros by default), exact McNemar bounds for a 0/1 outcome (discordant pairs counted
from the pairs), the Γ* at which significance is lost, and its amplification into (Λ, Δ)
pairs (Rosenbaum & Silber 2009).

PSMatching matches with replacement, so one control can sit in several pairs. Rosenbaum's
bounds assume disjoint pairs; with reused controls they are an approximation (the pairs are not
independent), and the result says how many pairs share a control.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from causal._results import SummaryMixin, summary_frame
from causal._validation import check_alpha, check_literal, check_unique_index
from causal.errors import DataError, NoSolutionError, ParameterError
from causal.sensitivity.rosenbaum_bounds.amplification import amplify
from causal.sensitivity.rosenbaum_bounds.mcnemar import rosenbaum_mcnemar
from causal.sensitivity.rosenbaum_bounds.wilcoxon import (
    RosenbaumBounds,
    gamma_star,
    rosenbaum_wilcoxon,
)

DEFAULT_GAMMAS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)
#: Λ values tried for the amplification (those above Γ* are used), after the equal pair Λ = Δ
DEFAULT_LAMBDAS = (1.5, 2.0, 3.0, 5.0, 10.0, 20.0)


@dataclass(frozen=True, eq=False)
class MatchedRosenbaum(SummaryMixin):
    """Rosenbaum bounds for an estimate's matched pairs (:func:`rosenbaum_matched`).

    Attributes
    ----------
    bounds : RosenbaumBounds
        p-value bounds over the Γ grid.
    test : {"wilcoxon", "mcnemar"}
    gamma_star : float or None
        Γ at which the upper p-value bound reaches ``alpha``; None when the test is not
        significant at Γ = 1 or stays significant beyond Γ = 1e8 (``gamma_star_note`` says
        which).
    amplification : tuple of (Λ, Δ)
        Pairs equivalent to Γ* (``Γ* = (ΛΔ + 1)/(Λ + Δ)``); empty without a finite Γ*.
    n_pairs, n_shared_controls : int
        Matched pairs, and pairs whose control is also in another pair.
    treated_only_events, control_only_events : int or None
        McNemar's discordant-pair counts (binary outcome only).
    """

    bounds: RosenbaumBounds
    test: str
    alpha: float
    alternative: str
    gamma_star: float | None
    gamma_star_note: str
    amplification: tuple[tuple[float, float], ...]
    n_pairs: int
    n_shared_controls: int
    treated_only_events: int | None = None
    control_only_events: int | None = None
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        note = "; ".join([f"{self.n_pairs} matched pairs", *self.notes])
        rows: list[dict[str, Any]] = [{
            "quantity": "Gamma* (significance lost)",
            "estimate": math.nan if self.gamma_star is None else self.gamma_star,
            "method": f"Rosenbaum bounds ({self.bounds.test})",
            "note": (self.gamma_star_note + "; " if self.gamma_star_note else "") + note}]
        for lam, delta in self.amplification:
            rows.append({"quantity": f"amplification: Lambda = {lam:.3g}, Delta",
                         "estimate": delta, "method": "Rosenbaum & Silber (2009)",
                         "note": "treatment-odds and outcome-odds ratios of a confounder "
                                 "equivalent to Gamma*"})
        frame = pd.concat([summary_frame(rows), self.bounds.summary()], ignore_index=True)
        return frame

    def sentence(self) -> str:
        if self.gamma_star is None:
            return f"Rosenbaum bounds ({self.bounds.test}): {self.gamma_star_note}."
        text = (f"Across {self.n_pairs} matched pairs, the {self.bounds.test} test stays "
                f"significant at alpha = {self.alpha:g} unless hidden bias multiplies the odds "
                f"of treatment within a pair by more than Gamma* = {self.gamma_star:.2f}")
        if self.amplification:
            lam, delta = self.amplification[0]
            larger = "smaller" if self.alternative == "less" else "larger"
            text += (f" (e.g. an unobserved covariate raising the odds of treatment "
                     f"{lam:.2f}-fold and the odds of a {larger} response within a pair "
                     f"{delta:.2f}-fold; Rosenbaum & Silber 2009)")
        return text + "."


def _pairs(estimate: Any) -> pd.DataFrame:
    pairs = getattr(estimate, "matched_pairs", None)
    if pairs is None:
        method = getattr(estimate, "method", type(estimate).__name__)
        raise ParameterError("Rosenbaum bounds need matched pairs; use PSMatching (`estimate` "
                             f"from {method!r} has no matched_pairs).")
    if not isinstance(pairs, pd.DataFrame) or not {"treated", "control"} <= set(pairs.columns):
        raise ParameterError("`estimate.matched_pairs` must be a DataFrame with columns "
                             f"'treated' and 'control'; got {type(pairs).__name__}.")
    if len(pairs) == 0:
        raise ParameterError("`estimate.matched_pairs` is empty; there are no pairs to test.")
    return pairs


def _outcomes(data: Any, outcome: str, labels: pd.Index, role: str) -> np.ndarray:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    if outcome not in data.columns:
        raise DataError(f"`data` lacks the outcome column {outcome!r} of the estimate.")
    check_unique_index(data)
    missing = labels.difference(data.index)
    if len(missing):
        raise DataError(f"`data` lacks {len(missing)} {role} row label(s) of the matched pairs "
                        f"(first: {missing[0]!r}); pass the data the estimate was fitted on.")
    values = pd.to_numeric(data[outcome].loc[labels], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise DataError(f"the outcome {outcome!r} is missing or not numeric in "
                        f"{int(np.sum(~np.isfinite(values)))} matched {role} row(s).")
    return values


def rosenbaum_matched(estimate: Any, data: pd.DataFrame, *, gamma: Any = DEFAULT_GAMMAS,
                      alpha: float = 0.05,
                      alternative: Literal["auto", "greater", "less", "two-sided"] = "auto",
                      test: Literal["auto", "wilcoxon", "mcnemar"] = "auto",
                      zero_method: Literal["pratt", "drop"] = "pratt",
                      method: Literal["normal", "exact"] = "normal",
                      lambdas: Sequence[float] = DEFAULT_LAMBDAS) -> MatchedRosenbaum:
    """Rosenbaum bounds, Γ* and its amplification for the matched pairs of an estimate.

    Parameters
    ----------
    estimate : EffectEstimate
        With ``matched_pairs`` (columns ``treated``, ``control``: row labels of ``data``), as
        :class:`~causal.estimate.PSMatching` returns; its ``outcome`` names the column.
    data : pandas.DataFrame
        The data the estimate was fitted on (not modified).
    gamma : float or sequence of float
        Γ grid for the p-value bounds (each >= 1).
    alpha : float
        Level at which Γ* is found.
    alternative : {"auto", "greater", "less", "two-sided"}
        "auto": the direction of the estimate (treated better, "greater", when the estimate
        exceeds its null: 0 for differences, 1 for ratios), so that Γ* answers "how much
        hidden bias would overturn this finding?".
    test : {"auto", "wilcoxon", "mcnemar"}
        "auto": McNemar when the pairs' outcomes are all 0/1, else Wilcoxon signed rank.
    zero_method, method
        As in :func:`~causal.sensitivity.rosenbaum_wilcoxon` (Wilcoxon only).
    lambdas : sequence of float
        Λ values for the amplification; those above Γ* are used, after the pair with
        Λ = Δ = Γ* + sqrt(Γ*² - 1).

    Returns
    -------
    MatchedRosenbaum

    Notes
    -----
    Wilcoxon: the differences ``y_treated - y_control`` of the pairs. McNemar: ``B`` = pairs
    in which only the treated unit has the event, ``C`` = pairs in which only the control
    has it; the upper bound is ``P(Binomial(B + C, Γ/(1+Γ)) >= B)``. Amplification:
    ``Δ = (Γ*Λ - 1)/(Λ - Γ*)``; the equal pair solves ``(Λ² + 1)/(2Λ) = Γ*``.

    References
    ----------
    Rosenbaum, P. R. (2002). Observational Studies, 2nd ed., chapter 4.
    Rosenbaum, P. R. & Silber, J. H. (2009). JASA 104(488), 1398-1405.
    """
    pairs = _pairs(estimate)
    alpha = check_alpha(alpha)
    check_literal(alternative, "alternative", ("auto", "greater", "less", "two-sided"))
    check_literal(test, "test", ("auto", "wilcoxon", "mcnemar"))
    outcome = getattr(estimate, "outcome", None)
    if not isinstance(outcome, str):
        raise ParameterError(f"`estimate.outcome` must name the outcome column; got "
                             f"{outcome!r}.")
    treated_labels, control_labels = pd.Index(pairs["treated"]), pd.Index(pairs["control"])
    y_t = _outcomes(data, outcome, treated_labels, "treated")
    y_c = _outcomes(data, outcome, control_labels, "control")
    binary = bool(np.all(np.isin(y_t, (0.0, 1.0))) and np.all(np.isin(y_c, (0.0, 1.0))))
    chosen = ("mcnemar" if binary else "wilcoxon") if test == "auto" else test
    if chosen == "mcnemar" and not binary:
        raise ParameterError("`test` 'mcnemar' needs a 0/1 outcome; the matched outcomes of "
                             f"{outcome!r} take other values.")
    if alternative == "auto":
        null = 1.0 if getattr(estimate, "is_ratio", False) else 0.0
        alternative = "greater" if float(estimate.estimate) >= null else "less"
    counts = control_labels.value_counts()
    shared = int(counts[counts > 1].sum())
    notes = []
    if shared:
        notes.append(f"{shared} pairs share their control with another pair (matching with "
                     "replacement); the bounds treat pairs as independent, an approximation")
    b = c = None
    if chosen == "mcnemar":
        b = int(np.sum((y_t == 1) & (y_c == 0)))
        c = int(np.sum((y_t == 0) & (y_c == 1)))
        if b + c == 0:
            raise DataError("no discordant pairs: every pair has the same outcome in both "
                            "units, so McNemar's test has nothing to test.")
        bounds = rosenbaum_mcnemar(b, c, gamma, alternative=alternative)
        star_args: dict[str, Any] = {"treated_only_events": b, "control_only_events": c}
    else:
        d = y_t - y_c
        bounds = rosenbaum_wilcoxon(d, gamma, alternative=alternative, zero_method=zero_method,
                                    method=method)
        star_args = {"differences": d, "zero_method": zero_method, "method": method}
    try:
        g_star: float | None = gamma_star(alpha=alpha, alternative=alternative, **star_args)
        star_note = ""
    except NoSolutionError as error:
        g_star, star_note = None, str(error).rstrip(".")
    amplification: list[tuple[float, float]] = []
    if g_star is not None and g_star > 1:
        equal = g_star + math.sqrt(g_star**2 - 1)
        amplification.append((equal, equal))
        for lam in sorted(set(float(v) for v in lambdas)):
            if lam > g_star * (1 + 1e-9) and not math.isclose(lam, equal, rel_tol=1e-9):
                amplification.append((lam, float(amplify(g_star, lam))))
    return MatchedRosenbaum(bounds=bounds, test=chosen, alpha=alpha, alternative=alternative,
                            gamma_star=g_star, gamma_star_note=star_note,
                            amplification=tuple(amplification), n_pairs=len(pairs),
                            n_shared_controls=shared, treated_only_events=b,
                            control_only_events=c, notes=tuple(notes))
