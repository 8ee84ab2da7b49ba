"""Rosenbaum bounds from an estimate's matched pairs (causal.sensitivity.rosenbaum_bounds.matched)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from causal._results import SUMMARY_COLUMNS
from causal.errors import DataError, ParameterError
from causal.estimate import EffectEstimate, OutcomeRegression, PSMatching
from causal.sensitivity import rosenbaum_matched
from tests._sensitivity_refs import reference


def _fake_estimate(pairs: pd.DataFrame, outcome: str = "y", estimate: float = 1.0
                   ) -> EffectEstimate:
    """An EffectEstimate carrying given matched pairs (as PSMatching returns them)."""
    return EffectEstimate(estimand="att", measure="md", estimate=estimate, std_error=0.5,
                          ci=(estimate - 1, estimate + 1), n=2 * len(pairs),
                          method="PS matching", treatment="a", outcome=outcome,
                          matched_pairs=pairs)


def _binary_pairs(b: int, c: int, both: int, neither: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Disjoint pairs with known counts: b treated-only events, c control-only, concordant."""
    y_t = [1] * b + [0] * c + [1] * both + [0] * neither
    y_c = [0] * b + [1] * c + [1] * both + [0] * neither
    m = len(y_t)
    data = pd.DataFrame({"a": [1] * m + [0] * m, "y": y_t + y_c},
                        index=[f"t{i}" for i in range(m)] + [f"c{i}" for i in range(m)])
    pairs = pd.DataFrame({"treated": [f"t{i}" for i in range(m)],
                          "control": [f"c{i}" for i in range(m)]})
    return data, pairs


def _binomial_tail(b: int, d: int, p: float) -> float:
    """P(X >= b) for X ~ Binomial(d, p), summed by hand."""
    return sum(math.comb(d, k) * p**k * (1 - p) ** (d - k) for k in range(b, d + 1))


def test_mcnemar_from_pairs_equals_the_hand_binomial_tail():
    data, pairs = _binary_pairs(b=12, c=3, both=10, neither=20)
    result = rosenbaum_matched(_fake_estimate(pairs, estimate=0.2), data, gamma=[1, 2, 3])
    assert result.test == "mcnemar"
    assert (result.treated_only_events, result.control_only_events) == (12, 3)
    assert result.n_pairs == 45 and result.bounds.n_pairs == 15
    for g, upper, lower in zip([1, 2, 3], result.bounds.p_upper, result.bounds.p_lower,
                               strict=True):
        assert upper == pytest.approx(_binomial_tail(12, 15, g / (1 + g)), rel=1e-12)
        assert lower == pytest.approx(_binomial_tail(12, 15, 1 / (1 + g)), rel=1e-12)
    # Gamma*: the upper bound equals alpha there
    g_star = result.gamma_star
    assert g_star is not None and g_star > 1
    assert _binomial_tail(12, 15, g_star / (1 + g_star)) == pytest.approx(0.05, rel=1e-8)
    assert list(result.summary().columns) == list(SUMMARY_COLUMNS)


def test_amplification_pairs_reproduce_gamma_star():
    data, pairs = _binary_pairs(b=30, c=8, both=5, neither=5)
    result = rosenbaum_matched(_fake_estimate(pairs), data)
    g = result.gamma_star
    lam0, delta0 = result.amplification[0]
    assert lam0 == pytest.approx(delta0, rel=1e-12)
    for lam, delta in result.amplification:
        # Rosenbaum & Silber (2009): Gamma = (Lambda Delta + 1) / (Lambda + Delta)
        assert (lam * delta + 1) / (lam + delta) == pytest.approx(g, rel=1e-10)
        assert lam > g and delta > g
    assert "Gamma*" in result.sentence()


def test_lead_reference_case_through_fake_pairs():
    """Rosenbaum (2002) Table 4.3, lead data: DOS2::senWilcox values in reference_values.json."""
    case = reference("rosenbaum_wilcoxon_lead_dos2")
    inputs, expected = case["inputs"], case["expected"]
    treated, control = inputs["treated"], inputs["control"]
    m = len(treated)
    # controls listed first and with integer labels: lookup is by label, not position
    data = pd.DataFrame({"y": control + treated}, index=list(range(100, 100 + 2 * m)))
    pairs = pd.DataFrame({"treated": list(range(100 + m, 100 + 2 * m)),
                          "control": list(range(100, 100 + m))})
    result = rosenbaum_matched(_fake_estimate(pairs, outcome="y", estimate=10.0), data,
                               gamma=inputs["gammas"])
    assert result.test == "wilcoxon" and result.alternative == "greater"
    assert result.bounds.statistic == expected["T"]
    np.testing.assert_allclose(result.bounds.p_upper, expected["p_upper"],
                               atol=case["tolerance"])
    assert result.gamma_star == pytest.approx(expected["gamma_star_at_0.05"], abs=1e-8)
    assert result.n_shared_controls == 0 and result.notes == ()


def test_direction_follows_the_estimate():
    case = reference("rosenbaum_wilcoxon_lead_dos2")
    treated, control = case["inputs"]["treated"], case["inputs"]["control"]
    m = len(treated)
    # swap the arms: the effect is now negative and "auto" tests "less"
    data = pd.DataFrame({"y": control + treated})
    pairs = pd.DataFrame({"treated": range(m), "control": range(m, 2 * m)})
    result = rosenbaum_matched(_fake_estimate(pairs, estimate=-10.0), data, gamma=[2])
    assert result.alternative == "less"
    assert result.gamma_star == pytest.approx(case["expected"]["gamma_star_at_0.05"], abs=1e-8)


def _simulated(n: int = 600, seed: int = 11, binary: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    a = (rng.uniform(size=n) < 1 / (1 + np.exp(1 - x))).astype(int)
    y = 0.8 * a + x + rng.normal(size=n)
    return pd.DataFrame({"a": a, "y": (y > 0.5).astype(int) if binary else y, "x": x})


def test_with_ps_matching_on_simulated_data_is_reproducible():
    frame = _simulated(binary=True)
    before = frame.copy(deep=True)
    estimate = PSMatching().estimate(frame, treatment="a", outcome="y", covariates=["x"])
    first = rosenbaum_matched(estimate, frame)
    second = rosenbaum_matched(PSMatching().estimate(frame, treatment="a", outcome="y",
                                                     covariates=["x"]), frame)
    pd.testing.assert_frame_equal(frame, before)  # the caller's data are not modified
    assert first.test == "mcnemar"
    assert first.n_pairs == estimate.diagnostics["n_matched_treated"]
    pairs = estimate.matched_pairs
    y_t = frame.loc[pairs["treated"], "y"].to_numpy()
    y_c = frame.loc[pairs["control"], "y"].to_numpy()
    assert first.treated_only_events == int(np.sum((y_t == 1) & (y_c == 0)))
    assert first.control_only_events == int(np.sum((y_t == 0) & (y_c == 1)))
    shared = pairs["control"].value_counts()
    assert first.n_shared_controls == int(shared[shared > 1].sum())
    if first.n_shared_controls:
        assert "share their control" in first.notes[0]
    np.testing.assert_array_equal(first.bounds.p_upper, second.bounds.p_upper)
    assert first.gamma_star == second.gamma_star


def test_continuous_outcome_uses_wilcoxon_with_pratt_zeros():
    frame = _simulated()
    estimate = PSMatching().estimate(frame, treatment="a", outcome="y", covariates=["x"])
    result = rosenbaum_matched(estimate, frame, gamma=[1, 1.5])
    assert result.test == "wilcoxon" and "pratt" in result.bounds.test
    from causal.sensitivity import rosenbaum_wilcoxon

    pairs = estimate.matched_pairs
    d = (frame.loc[pairs["treated"], "y"].to_numpy() - frame.loc[pairs["control"], "y"].to_numpy())
    direct = rosenbaum_wilcoxon(d, [1, 1.5])
    np.testing.assert_array_equal(result.bounds.p_upper, direct.p_upper)


def test_bad_input():
    frame = _simulated()
    regression = OutcomeRegression().estimate(frame, treatment="a", outcome="y",
                                              covariates=["x"])
    with pytest.raises(ParameterError,
                       match="Rosenbaum bounds need matched pairs; use PSMatching"):
        rosenbaum_matched(regression, frame)
    estimate = PSMatching().estimate(frame, treatment="a", outcome="y", covariates=["x"])
    with pytest.raises(DataError, match="lacks .* row label"):
        rosenbaum_matched(estimate, frame.iloc[:100])
    with pytest.raises(ParameterError, match="`data` must be a pandas DataFrame"):
        rosenbaum_matched(estimate, frame.to_numpy())
    with pytest.raises(ParameterError, match="'mcnemar' needs a 0/1 outcome"):
        rosenbaum_matched(estimate, frame, test="mcnemar")
    with pytest.raises(ParameterError, match="`alternative` must be one of"):
        rosenbaum_matched(estimate, frame, alternative="up")
    with pytest.raises(ParameterError, match="`gamma` must be finite and >= 1"):
        rosenbaum_matched(estimate, frame, gamma=[0.5])
    data, pairs = _binary_pairs(b=0, c=0, both=3, neither=3)
    with pytest.raises(DataError, match="no discordant pairs"):
        rosenbaum_matched(_fake_estimate(pairs), data)
    missing = frame.copy()
    missing.loc[estimate.matched_pairs["control"].iloc[0], "y"] = np.nan
    with pytest.raises(DataError, match="missing or not numeric"):
        rosenbaum_matched(estimate, missing)


def test_not_significant_gives_no_gamma_star():
    data, pairs = _binary_pairs(b=5, c=4, both=3, neither=3)
    result = rosenbaum_matched(_fake_estimate(pairs), data)
    assert result.gamma_star is None and result.amplification == ()
    assert "not significant" in result.gamma_star_note
    assert math.isnan(result.summary()["estimate"].iloc[0])
