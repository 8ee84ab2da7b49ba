"""Our refuters agree with DoWhy 0.14's on the same data (n = 2,000, DoWhy's
``backdoor.linear_regression``).

How the known DoWhy defects (FACTS.md) are avoided here: the adapter gives DoWhy a fresh copy of
the data for every call and a ``bool`` treatment (an ``int`` one for
``add_unobserved_common_cause``, whose flip computes ``1 - T``); ``data_subset_refuter`` and
``bootstrap_refuter`` get a ``numpy.random.RandomState``, never an int; the bootstrap runs with
``noise=0``; the estimator is linear regression, not propensity-score weighting.

Monte Carlo error: DoWhy reports only the mean of its ``R_d`` simulated estimates. Both means
estimate the same expectation; with our per-simulation SD ``s`` (the same procedure, so the same
SD), their difference has standard error ``s sqrt(1/R + 1/R_d)``; the tolerance is 4 of those.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import causal.refute as cr
from causal.refute.dowhy_adapter import PeerPackageError, dowhy_refute
from tests._refute_by_name import by_name

R_OURS, R_DOWHY = 200, 10
pytestmark = pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")
KW = {"treatment": "t", "outcome": "y", "covariates": ["a", "b"]}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 2000
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.5 * t + x @ [1.0, 0.5] + rng.normal(size=n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y})
    frame.attrs["simulated"] = True
    return frame


def _agree(ours: cr.RefutationResult, dowhy_mean: float, dowhy_runs: int) -> None:
    tolerance = 4 * ours.refuted_sd * math.sqrt(1 / ours.n_simulations + 1 / dowhy_runs)
    assert abs(ours.refuted_mean - dowhy_mean) <= tolerance


@pytest.mark.parametrize(("ours", "theirs", "options"), [
    (cr.placebo_treatment, "placebo_treatment_refuter", {}),
    (cr.random_common_cause, "random_common_cause", {}),
    (cr.data_subset, "data_subset_refuter", {"subset_fraction": 0.8}),
    (cr.bootstrap, "bootstrap_refuter", {}),
])
def test_refuter_agrees_with_dowhy(data, ours, theirs, options):
    before = data.copy(deep=True)
    dowhy = dowhy_refute(data, refuter=theirs, n_simulations=R_DOWHY, random_state=5, **KW,
                         **options)
    pd.testing.assert_frame_equal(data, before)  # the adapter copies before DoWhy writes
    result = by_name(ours, data, n_simulations=R_OURS, random_state=6, **KW, **options)
    # same OLS coefficient (closed form)
    assert dowhy.original_estimate == pytest.approx(result.original_estimate, abs=1e-8)
    _agree(result, dowhy.new_effect, R_DOWHY)


def test_seeded_dowhy_subsets_differ_between_simulations(data):
    """With an int random_state DoWhy repeats one subset; the adapter's RandomState does not:
    the mean of 10 subset estimates then differs from the original estimate."""
    dowhy = dowhy_refute(data, refuter="data_subset_refuter", n_simulations=R_DOWHY,
                         random_state=5, subset_fraction=0.8, **KW)
    again = dowhy_refute(data, refuter="data_subset_refuter", n_simulations=R_DOWHY,
                         random_state=5, subset_fraction=0.8, **KW)
    assert dowhy.new_effect == again.new_effect  # reproducible through the RandomState
    assert dowhy.new_effect != pytest.approx(dowhy.original_estimate, abs=1e-6)


def test_unobserved_common_cause_agrees_with_dowhy(data):
    """binary_flip on the treatment (share 0.2 with the largest U) and a linear effect 1.0 on the
    outcome; DoWhy gets -1.0 because it subtracts. DoWhy draws U from NumPy's global state and
    runs once per call: 8 calls."""
    strengths = {"effect_strength_on_treatment": 0.2, "effect_strength_on_outcome": 1.0}
    runs = [dowhy_refute(data, refuter="add_unobserved_common_cause", **KW, **strengths)
            for _ in range(8)]
    ours = by_name(cr.unobserved_common_cause, data, n_simulations=R_OURS, random_state=7, **KW,
                                      **strengths)
    assert ours.parameters["effect_on_treatment"] == "binary_flip"
    assert abs(ours.shift) > 0.1  # the confounder moves the estimate
    _agree(ours, float(np.mean([r.new_effect for r in runs])), len(runs))


def test_dowhy_dummy_outcome_refuter_fails_under_pandas3_and_the_adapter_says_so(data):
    with pytest.raises(PeerPackageError, match="dummy_outcome_refuter fails under pandas 3"):
        dowhy_refute(data, refuter="dummy_outcome_refuter", n_simulations=2, random_state=1, **KW)
