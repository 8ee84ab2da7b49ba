"""The one result class of the GLM core: ``R`` fits of one model (a single fit is ``R = 1``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class GLMFit:
    """Coefficients and, when asked for, information of ``R`` regressions.

    Attributes
    ----------
    coef : numpy.ndarray, shape (R, q)
        Estimates in the order of the input columns; NaN for a replicate whose information
        matrix is singular (no unique estimate), except a separated one, which keeps its last
        iterate (``separated``).
    converged : numpy.ndarray of bool, shape (R,)
        The convergence rule of :func:`causal._glm.newton.newton` was met with a finite,
        non-separated, identified estimate (least squares: the design has full rank).
    separated : numpy.ndarray of bool, shape (R,)
        Some observation with positive weight has ``|eta| > 37`` (fitted probability within
        1e-16 of 0 or 1): the sign of (quasi-)complete separation, where the maximum-likelihood
        estimate does not exist. Always False for least squares.
    n_iter : numpy.ndarray of int, shape (R,)
        Newton iterations used (0 for least squares).
    family : str
        ``"binomial"`` (logit link) or ``"gaussian"`` (identity link).
    cov : numpy.ndarray, shape (R, q, q), optional
        The inverse information ``(D' W D)^{-1}`` at the estimate (``W`` the weights times the
        GLM variance ``mu (1 - mu)``; for least squares ``(D' W D)^{-1}`` without ``sigma^2``);
        NaN where singular. Only computed when asked for.
    fitted : numpy.ndarray, shape (R, n), optional
        Fitted means. Only kept when asked for.
    dispersion : numpy.ndarray, shape (R,), optional
        ``sigma^2 = RSS / (n - q)`` for least squares, 1 for logistic regression.
    loglik : numpy.ndarray, shape (R,), optional
        Log-likelihood at ``coef`` (Gaussian at the ML variance ``RSS / n``).
    """

    coef: np.ndarray
    converged: np.ndarray
    separated: np.ndarray
    n_iter: np.ndarray
    family: str
    cov: np.ndarray | None = None
    fitted: np.ndarray | None = None
    dispersion: np.ndarray | None = None
    loglik: np.ndarray | None = None

    @property
    def n_replicates(self) -> int:
        return int(self.coef.shape[0])

    @property
    def std_error(self) -> np.ndarray:
        """Model-based standard errors ``sqrt(dispersion * diag(cov))``, shape (R, q)."""
        if self.cov is None:
            raise AttributeError("this fit was made without its information matrix (cov=False)")
        scale = np.ones(self.n_replicates) if self.dispersion is None else self.dispersion
        with np.errstate(invalid="ignore"):
            return np.sqrt(np.diagonal(self.cov, axis1=1, axis2=2) * scale[:, None])

    def scores(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Influence values of the coefficients of a single fit, ``n (D'WD)^{-1} z_i (y_i - mu_i)``
        (shape (n, q)): the M-estimation sandwich's bread times each unit's score."""
        if self.n_replicates != 1 or self.cov is None or self.fitted is None:
            raise ValueError("scores need a single fit made with cov=True and fitted=True")
        n = z.shape[0]
        return ((y - self.fitted[0])[:, None] * z) @ (n * self.cov[0])

    def wald_ci(self, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
        """Two-sided Wald limits ``coef -/+ z_{1-alpha/2} std_error``, each of shape (R, q)."""
        from causal._validation import check_alpha
        from causal.measures import z_critical

        z = z_critical(check_alpha(alpha))
        return self.coef - z * self.std_error, self.coef + z * self.std_error

    def wald_p_value(self) -> np.ndarray:
        """Two-sided Wald p-values of ``coef = 0``, shape (R, q)."""
        from scipy.special import ndtr

        return 2 * ndtr(-np.abs(self.coef / self.std_error))
