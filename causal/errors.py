"""Exceptions and warnings raised by :mod:`causal`.

Every invalid input raises a :class:`CausalError`, which is also a :class:`ValueError`, so
callers that already catch ``ValueError`` keep working. Statistical red flags (an odds ratio
used as a risk ratio with a common outcome, extreme weights, separation) are warnings, subclasses
of :class:`CausalWarning`, and are also recorded on the result that triggered them.
"""

from __future__ import annotations


class CausalError(ValueError):
    """Base class for every error raised on invalid input."""


class ParameterError(CausalError):
    """A function argument is outside its allowed range or of the wrong kind."""


class StudySpecError(CausalError):
    """A study file is missing, is not valid TOML, or lacks or misstates a field."""


class DataError(CausalError):
    """A data set does not fit the analysis (missing columns, non-binary treatment, ...)."""


class GraphError(CausalError):
    """A causal graph is malformed (cycle, unknown node, bad file, ...)."""


class NoSolutionError(CausalError):
    """A sensitivity problem (e.g. a tipping point) has no solution; the message says why."""


class NotEstimableError(DataError):
    """An estimator cannot be computed on these (valid) data.

    Raised when the data are well formed but an estimate does not exist or cannot be
    computed: a logistic model separates the data, a stratum has no treated or no control
    units, propensity scores leave no overlap, a cross-fitting fold lacks one arm. The
    message is one sentence that names the estimator and the stratum, fold or covariate
    responsible, so a caller that runs several estimators can record it as that estimator's
    row ("not estimable: ...") instead of printing a blank or a NaN. ``estimator`` and
    ``reason`` carry the same information for programs.
    """

    def __init__(self, message: str, *, estimator: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.estimator = estimator
        self.reason = reason if reason is not None else message


class CausalWarning(UserWarning):
    """Base class for statistical warnings."""


class CommonOutcomeWarning(CausalWarning):
    """An odds or hazard ratio is treated as a risk ratio although the outcome is common."""


class ExtremeWeightsWarning(CausalWarning):
    """Inverse-probability weights are extreme."""


class FewControlsWarning(CausalWarning):
    """A few matched units carry most of the weight of a matching estimate."""


class OverlapWarning(CausalWarning):
    """Propensity scores crowd towards 0 or 1."""


class SeparationWarning(CausalWarning):
    """A logistic model (quasi-)separates the data."""


class NoCausalPathWarning(CausalWarning):
    """The graph has no directed path from the exposure to the outcome."""
