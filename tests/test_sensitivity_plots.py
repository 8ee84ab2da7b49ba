"""Sensitivity figures: the data they draw come from pure functions checked here."""

from __future__ import annotations

import numpy as np
import pytest

from causal.measures import OddsRatio
from causal.plots._figure import new_figure
from causal.sensitivity import probabilistic_bias_analysis
from causal.sensitivity.surfaces import histogram_data, ovb_contour_grid, tipping_surface
from causal.sensitivity.tipping_points.risk_ratio import tip
from causal.study.values import priors as P

THEW = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)


def test_tipping_surface_contour_matches_tip():
    """On the grid, the sign change of log(adjusted RR) in each column brackets the outcome RR
    that tip() solves for with the same prevalences."""
    gammas = np.geomspace(1, 8, 400)
    surface = tipping_surface(THEW, prevalence_control=0.2, prevalence_difference=[0.3, 0.5],
                              outcome_rr=gammas)
    for j, diff in enumerate([0.3, 0.5]):
        solved = tip(THEW, prevalence_treated=0.2 + diff, prevalence_control=0.2).value
        tipped = surface.adjusted_rr[:, j] <= 1
        first = gammas[np.argmax(tipped)]
        assert gammas[np.argmax(tipped) - 1] < solved <= first
        ci_tipped = surface.adjusted_ci[:, j] <= 1
        solved_ci = tip(THEW, prevalence_treated=0.2 + diff, prevalence_control=0.2
                        ).ci_limit.value
        assert gammas[np.argmax(ci_tipped) - 1] < solved_ci <= gammas[np.argmax(ci_tipped)]


def test_tipping_surface_marks_impossible_prevalences():
    surface = tipping_surface(1.5, prevalence_control=0.6, prevalence_difference=[0.2, 0.5])
    assert np.all(np.isnan(surface.adjusted_rr[:, 1]))
    assert surface.adjusted_ci is None


def test_histogram_data_is_a_density():
    draws = np.random.default_rng(0).lognormal(0.3, 0.2, 10_000)
    edges, density = histogram_data(draws, bins=40)
    assert edges.size == 41
    assert np.sum(density * np.diff(edges)) == pytest.approx(1.0, rel=1e-12)
    ratios = edges[1:] / edges[:-1]
    assert np.allclose(ratios, ratios[0])  # equal widths on the log scale


def test_plots_return_their_axes():
    from causal.plots.bias_analysis import plot_bias_analysis
    from causal.plots.evalue import plot_evalue_curve
    from causal.plots.ovb import plot_ovb_contour
    from causal.plots.tipping import plot_tipping_heatmap
    from causal.sensitivity import e_value

    _, ax = new_figure()
    assert plot_tipping_heatmap(tipping_surface(THEW), ax=ax,
                                points=[("critics", 0.3, 2.0)]) is ax
    _, ax = new_figure()
    grid = ovb_contour_grid(0.0973, 0.0233, 783)
    assert plot_ovb_contour(grid, ax=ax, points=[("1x female", 0.0092, 0.125)]) is ax
    assert plot_ovb_contour(grid, contour_of="t") is not None
    _, ax = new_figure()
    result = probabilistic_bias_analysis(THEW, prevalence_treated=P.uniform(0.4, 0.6),
                                         prevalence_control=0.2, outcome_rr=2, n_draws=2000,
                                         random_state=1)
    assert plot_bias_analysis(result, ax=ax) is ax
    _, ax = new_figure()
    assert plot_evalue_curve(e_value(THEW), ax=ax, points=[("1", 2.5, 2.0)]) is ax
