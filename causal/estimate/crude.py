"""Crude (unadjusted) comparison: a 2x2 table or a difference in means."""

from __future__ import annotations

from typing import Any

import numpy as np

from causal.estimate._base import BaseEstimator, PotentialOutcomeFit, Recorder
from causal.estimate._design import Prepared
from causal.measures import TwoByTwo


class Crude(BaseEstimator):
    """The unadjusted contrast between treated and control units (``covariates`` are ignored).

    Parameters
    ----------
    measure : {"auto", "rd", "rr", "or", "md"}
        ``"auto"``: risk difference for a 0/1 outcome, mean difference otherwise.
    alpha : float
        1 - confidence level.
    n_bootstrap : int
        Multiplier-bootstrap replicates (0: Wald interval only).
    random_state : None, int or numpy Generator

    Refitting (refutation) runs one fit per replicate (a 2x2 table or two means, already
    cheap); no batched form is needed.

    Notes
    -----
    With ``p1``, ``p0`` the outcome means of the ``n1`` treated and ``n0`` controls, the
    influence values are ``a (y - p1) n / n1`` and ``(1 - a)(y - p0) n / n0``. For a binary
    outcome the delta method on them gives exactly the Wald RD, Katz log-RR and Woolf log-OR
    standard errors of :class:`causal.measures.TwoByTwo`; the OR is the crude OR
    (``odds_ratio_kind="crude"``). For a continuous outcome they are rescaled by
    ``sqrt(n_a / (n_a - 1))`` so that the SE is Welch's ``sqrt(s1^2/n1 + s0^2/n0)``.

    References
    ----------
    Rothman, Greenland & Lash (2008). *Modern Epidemiology*, 3rd ed., ch. 14.
    """

    _params = ("measure", "alpha", "n_bootstrap", "random_state")
    _method = "crude"
    estimand = "crude"
    _measure_free_fit = True

    def __init__(self, *, measure: str = "auto", alpha: float = 0.05, n_bootstrap: int = 0,
                 random_state: Any = None) -> None:
        self.measure = measure
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _fit(self, prep: Prepared, measure: str, rng: np.random.Generator,
             rec: Recorder) -> PotentialOutcomeFit:
        a, y, n = prep.a, prep.y, prep.n
        n1, n0 = a.sum(), n - a.sum()
        mu1, mu0 = y[a == 1].mean(), y[a == 0].mean()
        phi = np.column_stack([a * (y - mu1) * n / n1, (1 - a) * (y - mu0) * n / n0])
        diagnostics: dict[str, Any] = {"n_treated": int(n1), "n_control": int(n0)}
        notes = ["unadjusted"]
        if prep.binary:
            diagnostics["two_by_two"] = TwoByTwo(int(y[a == 1].sum()), int(n1),
                                                 int(y[a == 0].sum()), int(n0),
                                                 alpha=self.alpha)
        else:
            phi = phi * np.sqrt(np.array([n1 / (n1 - 1), n0 / (n0 - 1)]))
            notes.append("Welch (unequal-variance) SE")
        return PotentialOutcomeFit(np.array([mu1, mu0]), phi, diagnostics, notes,
                                   odds_ratio_kind="crude")
