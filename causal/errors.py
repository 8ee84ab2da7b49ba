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


class CausalWarning(UserWarning):
    """Base class for statistical warnings."""


class CommonOutcomeWarning(CausalWarning):
    """An odds or hazard ratio is treated as a risk ratio although the outcome is common."""


class RoundingWarning(CausalWarning):
    """Reported numbers disagree with each other beyond what rounding explains."""


class ExtremeWeightsWarning(CausalWarning):
    """Inverse-probability weights are extreme."""


class OverlapWarning(CausalWarning):
    """Propensity scores crowd towards 0 or 1."""


class SeparationWarning(CausalWarning):
    """A logistic model (quasi-)separates the data."""


class NoCausalPathWarning(CausalWarning):
    """The graph has no directed path from the exposure to the outcome."""
