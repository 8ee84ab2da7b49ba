"""The refuters, one per file: each perturbs the data ``R`` times and refits the estimate.

A refuter is a function ``refuter(estimate, data, ...)`` of an
:class:`~causal.estimate.EffectEstimate` and the data it came from, returning a
:class:`~causal.refute.RefutationResult`: the estimate's own estimator, with its options and
analysis, is refitted in every simulation. A new refuter
goes in a new file here, built on :func:`causal.refute._common.setup` and the problem's
``effects`` (the estimator's batched refit hook).
"""

from __future__ import annotations

from causal.refute.refuters.dummy import dummy_outcome
from causal.refute.refuters.placebo import placebo_treatment
from causal.refute.refuters.random_cause import random_common_cause
from causal.refute.refuters.resampling import bootstrap
from causal.refute.refuters.subsets import data_subset
from causal.refute.refuters.unobserved import unobserved_common_cause

__all__ = ["bootstrap", "data_subset", "dummy_outcome", "placebo_treatment",
           "random_common_cause", "unobserved_common_cause"]
