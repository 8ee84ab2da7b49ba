"""The GLM core: one Newton/IRLS implementation in which a single fit is a batch of one.

Modules
-------
designs   the two design shapes (shared design with per-replicate columns; a design per
          replicate) and their products ``eta``, information and score
newton    the one Newton loop with the one convergence, separation and identification rule
logistic  entry points: ``fit_logistic_one`` (single), ``fit_logistic`` (shared, batched),
          ``fit_logit_batch`` (a design per replicate)
ols       least squares on the same designs: ``fit_linear``, ``fit_ols``, ``fit_ols_batch``
result    ``GLMFit``, the one result class (arrays with a leading replicate axis)
models    ``LogisticModel`` / ``LinearModel``, scikit-learn-style nuisance models
design    the one design builder (terms, names)
_blas     ``single_threaded_blas``, the one BLAS guard
"""

from causal._blas import single_threaded_blas
from causal._glm.designs import expit
from causal._glm.logistic import fit_logistic, fit_logistic_one, fit_logit_batch
from causal._glm.models import LinearModel, LogisticModel, add_intercept, clone_model
from causal._glm.ols import fit_linear, fit_ols, fit_ols_batch
from causal._glm.result import GLMFit

__all__ = ["GLMFit", "LinearModel", "LogisticModel", "add_intercept", "clone_model", "expit",
           "fit_linear", "fit_logistic", "fit_logistic_one", "fit_logit_batch", "fit_ols",
           "fit_ols_batch", "single_threaded_blas"]
