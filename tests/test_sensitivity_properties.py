"""Property tests (hypothesis) for the sensitivity methods."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from causal.errors import NoSolutionError
from causal.measures import RiskRatio, TwoByTwo
from causal.sensitivity import (
    ConfounderScenario,
    adjust_for_confounder,
    adjusted_estimate,
    assess_scenario,
    e_value,
    probabilistic_bias_analysis,
)

prevalence = st.floats(0.01, 0.99)
effect = st.floats(0.1, 10)
ratio = st.floats(0.05, 20).filter(lambda v: abs(v - 1) > 1e-6)


@st.composite
def tables(draw):
    n1 = draw(st.integers(20, 400))
    n0 = draw(st.integers(20, 400))
    return TwoByTwo(draw(st.integers(1, n1 - 1)), n1, draw(st.integers(1, n0 - 1)), n0)


@settings(max_examples=60, deadline=None)
@given(tables(), prevalence, prevalence, effect)
def test_constant_priors_reproduce_the_deterministic_adjustment(table, p1, p0, gamma):
    try:
        simple = adjust_for_confounder(table, prevalence_treated=p1, prevalence_control=p0,
                                       effect=gamma)
    except NoSolutionError:  # e.g. an outcome RR of 6 on a 60% baseline risk
        assume(False)
    pba = probabilistic_bias_analysis(table, prevalence_treated=p1, prevalence_control=p0,
                                      outcome_rr=gamma, n_draws=50, random_state=0)
    np.testing.assert_allclose(pba.systematic, simple.adjusted_mh, rtol=1e-10)


@settings(max_examples=100, deadline=None)
@given(st.floats(1.01, 10), st.floats(0.0, 0.98), st.floats(0.01, 1.0), st.floats(1.0, 10),
       st.floats(0.0, 5.0))
def test_stronger_binary_confounder_moves_the_estimate_at_least_as_far(rr, p0, gap, gamma,
                                                                       extra):
    p1 = min(p0 + gap * (1 - p0), 1.0)
    weak = assess_scenario(ConfounderScenario(prevalence_treated=p1, prevalence_control=p0,
                                              outcome_rr=gamma), rr)
    strong = assess_scenario(ConfounderScenario(prevalence_treated=p1, prevalence_control=p0,
                                                outcome_rr=gamma + extra), rr)
    assert strong.adjusted <= weak.adjusted * (1 + 1e-12) + 1e-12


@settings(max_examples=100, deadline=None)
@given(ratio, st.floats(1, 10), st.floats(1, 10), st.floats(0, 5), st.floats(0, 5))
def test_stronger_strength_scenario_moves_the_estimate_at_least_as_far(rr, eu, ud, d_eu, d_ud):
    weak = assess_scenario(ConfounderScenario(rr_eu=eu, rr_ud=ud), rr)
    strong = assess_scenario(ConfounderScenario(rr_eu=eu + d_eu, rr_ud=ud + d_ud), rr)
    # distance from the null on the log scale (crossing the null counts as moving further)
    moved_weak = np.log(rr) - np.log(weak.adjusted)
    moved_strong = np.log(rr) - np.log(strong.adjusted)
    assert abs(moved_strong) >= abs(moved_weak) - 1e-12


@settings(max_examples=100, deadline=None)
@given(st.floats(-5, 5).filter(lambda v: abs(v) > 1e-3), st.floats(0.01, 2),
       st.integers(5, 5000), st.floats(0, 0.9), st.floats(0, 0.9), st.floats(0, 0.09),
       st.floats(0, 0.09))
def test_stronger_ovb_confounder_moves_the_estimate_at_least_as_far(est, se, dof, r2d, r2y,
                                                                    dd, dy):
    weak = adjusted_estimate(est, se, dof, r2dz_x=r2d, r2yz_dx=r2y)
    strong = adjusted_estimate(est, se, dof, r2dz_x=r2d + dd, r2yz_dx=r2y + dy)
    assert abs(strong.estimate - est) >= abs(weak.estimate - est) * (1 - 1e-12) - 1e-12


@settings(max_examples=100, deadline=None)
@given(ratio, st.floats(0.01, 1.5))
def test_evalue_of_an_estimate_and_of_its_reciprocal_agree(rr, se):
    forward = e_value(RiskRatio(rr, std_error=se))
    backward = e_value(RiskRatio(1 / rr, std_error=se))
    assert backward.point == pytest.approx(forward.point, rel=1e-10)
    assert backward.ci == pytest.approx(forward.ci, rel=1e-10)
    scenario = ConfounderScenario(rr_eu=2, rr_ud=2)
    a, b = assess_scenario(scenario, RiskRatio(rr, std_error=se)), assess_scenario(
        scenario, RiskRatio(1 / rr, std_error=se))
    assert a.evalue_point == pytest.approx(b.evalue_point, rel=1e-10)
    assert a.adjusted == pytest.approx(1 / b.adjusted, rel=1e-10)
    assert (a.tips_estimate, a.tips_ci) == (b.tips_estimate, b.tips_ci)
