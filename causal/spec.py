"""Compatibility names: the study file is now read by :mod:`causal.study`.

``causal.spec.load_study``, ``Study``, ``as_study`` and ``spec_error`` keep working; new code
imports from :mod:`causal.study`.
"""

from __future__ import annotations

from causal.study._reader import spec_error
from causal.study.api import as_study
from causal.study.load import load_study
from causal.study.model import Study

__all__ = ["Study", "as_study", "load_study", "spec_error"]
