"""Explain-away simulation (causal.sensitivity.simulations.explain_away) and its grid solver, plot and CLI.

Every simulation here is SIMULATED (studies/thew2024.toml's structural model). Monte Carlo
tolerances: a cell's mean adjusted log-OR has MC SE ``sd / sqrt(R)``, about 0.35 / sqrt(R)
(0.02 at R = 300); two independent estimates are compared at 4 combined SEs (a false alarm
probability of about 6e-5 per comparison).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from causal.data.cohort import solve_study_world, targets_of
from causal.data.spec import find_world
from causal.errors import ParameterError, StudySpecError
from causal.sensitivity.simulations.explain_away import explain_away
from causal.study import load_study
from causal.worlds.calibrate import adjusted_design
from causal.worlds.self_selection_draws import (
    SolvedWorld,
    draw_arrays,
    expected_margins,
    integration_points,
    solve_world,
)
from causal.worlds.self_selection_grid import solve_binary_grid
from tests.conftest import THEW

STUDY = DATA = MODEL = TARGETS = K_REF = None  # loaded once, lazily (see _setup)


@pytest.fixture(autouse=True, scope="module")
def _setup():
    # Loaded inside a fixture, not at import: loading a study registers every study-table
    # validator, and doing that at collection time would change the order in which other test
    # modules' validators run.
    global STUDY, DATA, MODEL, TARGETS, K_REF
    STUDY = load_study(THEW)
    DATA = STUDY.data
    MODEL = DATA.model  # the self-selection world model of [data.world]
    TARGETS = targets_of(STUDY)
    K_REF = solve_study_world(STUDY, "no hidden confounding").prognostic_scale


def _binary_world(uptake_or: float, recovery_or: float, prevalence: float = 0.5):
    return replace(find_world(STUDY.worlds, "self-selection only"), true_odds_ratio=1.0,
                   motivation_uptake_odds_ratio=uptake_or,
                   motivation_recovery_odds_ratio=recovery_or, motivation_prevalence=prevalence)


def _overall_world_by_brent(uptake_or: float, recovery_or: float) -> SolvedWorld:
    """Independent solution of the "overall" margins with scipy's brentq over 2^16 points:
    a0 matches expected uptake, c0 expected overall recovery, k fixed at the reference."""
    from scipy.optimize import brentq

    world = _binary_world(uptake_or, recovery_or)
    ref = solve_study_world(STUDY, "no hidden confounding")
    u = integration_points(2**16)
    overall = TARGETS[0] * TARGETS[1] + (1 - TARGETS[0]) * TARGETS[2]

    def at(a0: float, c0: float) -> tuple[float, float, float]:
        return expected_margins(MODEL, SolvedWorld(world, a0, c0, K_REF, ref.age_loc,
                                                  ref.age_scale), u)

    a0 = brentq(lambda a: at(a, 0.0)[0] - TARGETS[0], -20, 20, xtol=1e-12)

    def overall_gap(c0: float) -> float:
        uptake, treated, control = at(a0, c0)
        return uptake * treated + (1 - uptake) * control - overall

    c0 = brentq(overall_gap, -20, 20, xtol=1e-12)
    return SolvedWorld(world, a0, c0, K_REF, ref.age_loc, ref.age_scale)


def _direct_statsmodels(uptake_or: float, recovery_or: float, replicates: int, seed: int
                        ) -> tuple[float, float]:
    """Slow reference: draw cohorts with causal.data's own sampler and fit each with
    statsmodels.Logit in a plain loop. Returns mean log-OR and its MC SE."""
    import statsmodels.api as sm

    solved_world = _overall_world_by_brent(uptake_or, recovery_or)
    arrays = draw_arrays(MODEL, solved_world, DATA.n, replicates, seed)
    X = adjusted_design(arrays, DATA)
    y = arrays["recovery"].astype(float)
    estimates = []
    for r in range(replicates):
        fit = sm.Logit(y[r], X[r]).fit(disp=0, method="newton", maxiter=100)
        estimates.append(fit.params[1])
    estimates = np.asarray(estimates)
    return float(estimates.mean()), float(estimates.std(ddof=1) / np.sqrt(replicates))


@pytest.mark.parametrize(("strength"), [1.0, 8.0])
def test_matches_direct_statsmodels_simulation(strength):
    # One cell, the fast path, vs an independent solver + sampler + statsmodels loop.
    fast = explain_away(STUDY, uptake_ors=[strength], recovery_ors=[strength], replicates=400,
                        random_state=11)
    mean, se = _direct_statsmodels(strength, strength, 300, seed=12)
    fast_mean, fast_se = fast.mean_log_or[0, 0], fast.mean_log_or_se[0, 0]
    assert fast.converged[0, 0] == 400
    assert abs(fast_mean - mean) < 4 * np.hypot(se, fast_se)
    if strength == 8.0:  # a real bias, far beyond the MC error: the test can fail
        assert mean > 0.5 and fast_mean > 0.5


def test_no_confounding_gives_null_on_average():
    # True OR 1 and no hidden confounder: the adjusted log-OR is centred on 0 up to MC error.
    # (The first-order small-sample bias of a logistic coefficient whose true value is 0 is
    # negligible next to the MC SE here; the direct statsmodels comparison above covers it.)
    result = explain_away(STUDY, uptake_ors=[1.0], recovery_ors=[1.0], replicates=600,
                          random_state=3)
    assert abs(result.mean_log_or[0, 0]) < 4 * result.mean_log_or_se[0, 0]
    # nominal 5% two-sided Wald test: P(CI excludes 1) is 0.05 up to MC error
    p, se = result.p_ci_excludes[0, 0], result.p_ci_excludes_se[0, 0]
    assert abs(p - 0.05) < 4 * max(se, np.sqrt(0.05 * 0.95 / 600))


def test_stronger_confounding_never_lowers_the_mean():
    grid = [1.0, 3.0, 9.0]
    result = explain_away(STUDY, uptake_ors=grid, recovery_ors=grid, replicates=200,
                          random_state=5)
    m, se = result.mean_log_or, result.mean_log_or_se
    # along each axis, up to 3 MC SEs (common random numbers make differences less noisy)
    assert np.all(np.diff(m, axis=0) > -3 * se[1:, :])
    assert np.all(np.diff(m, axis=1) > -3 * se[:, 1:])
    # and the strongest cell is clearly above the weakest
    assert m[-1, -1] - m[0, 0] > 10 * se[0, 0]
    assert result.matched.all()


def test_seeded_reproducibility_and_threads():
    kwargs = dict(uptake_ors=[1.0, 4.0], recovery_ors=[2.0, 6.0], replicates=60)
    a = explain_away(STUDY, random_state=9, **kwargs)
    b = explain_away(STUDY, random_state=9, n_threads=2, **kwargs)
    c = explain_away(STUDY, random_state=10, **kwargs)
    np.testing.assert_array_equal(a.mean_log_or, b.mean_log_or)
    np.testing.assert_array_equal(a.p_at_least, b.p_at_least)
    assert not np.array_equal(a.mean_log_or, c.mean_log_or)
    frame = a.to_frame()
    assert len(frame) == 4 and frame["simulated"].all() and frame.attrs["simulated"]
    summary = a.summary()
    assert list(summary.columns)[:2] == ["quantity", "estimate"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"prevalence": 0.0}, "prevalence"),
    ({"prevalence": 1.2}, "prevalence"),
    ({"uptake_ors": [1.0, -2.0]}, "uptake_ors.*> 0"),
    ({"recovery_ors": [0.0]}, "recovery_ors.*> 0"),
    ({"replicates": 1}, "replicates"),
    ({"margins": "both"}, "margins"),
    ({"uptake_ors": np.linspace(1, 5, 200), "recovery_ors": np.linspace(1, 5, 200),
      "replicates": 5000}, r"would need about [\d,]+ MB"),
    ({"uptake_ors": np.linspace(1, 5, 400)},
     r"number of `uptake_ors` must be at most 200 \(the budget causal._budgets.MAX_GRID_POINTS\)"),
    ({"replicates": 10**6}, r"`replicates` must be at most 100,000 .*MAX_REPLICATES"),
    ({"n": 10**13}, r"`n` must be at most 10,000,000 .*MAX_COHORT_N"),
    ({"max_memory_mb": 1}, r"would need about [\d,]+ MB.*max_memory_mb"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        explain_away(STUDY, **kwargs)


def test_grid_solver_agrees_with_single_world_solver():
    # "arms": the per-cell (c0, k) of the vectorised 2,048-point Newton solver vs
    # solve_world's brentq over 2^16 points, at a cell where a solution exists (measured
    # differences 4e-5, 1.1e-3 and 1.3e-3: integration error of the coarser point set).
    world = _binary_world(12.0, 12.0)
    exact = solve_world(MODEL, world, TARGETS)
    grid = solve_binary_grid(MODEL, np.array([12.0, 1.0]), np.array([12.0, 1.0]), 0.5, TARGETS,
                             margins="arms", prognostic_scale=K_REF)
    assert grid.matched.tolist() == [True, False]  # no confounding cannot make the contrast
    assert abs(grid.uptake_intercept[0] - exact.uptake_intercept) < 2e-3
    assert abs(grid.recovery_intercept[0] - exact.recovery_intercept) < 5e-3
    assert abs(grid.prognostic_scale[0] - exact.prognostic_scale) < 5e-3
    # "overall": the solution reproduces the margins when integrated over 2^16 points
    grid = solve_binary_grid(MODEL, np.array([3.0]), np.array([7.0]), 0.5, TARGETS,
                             prognostic_scale=K_REF)
    solved_world = SolvedWorld(_binary_world(3.0, 7.0), grid.uptake_intercept[0],
                               grid.recovery_intercept[0], K_REF, grid.age_loc, grid.age_scale)
    uptake, treated, control = expected_margins(MODEL, solved_world, integration_points(2**16))
    overall = TARGETS[0] * TARGETS[1] + (1 - TARGETS[0]) * TARGETS[2]
    # integration error of 2,048 vs 2^16 Sobol points: measured below 1e-5 (self_selection_grid docstring)
    assert abs(uptake - TARGETS[0]) < 1e-4
    assert abs(uptake * treated + (1 - uptake) * control - overall) < 1e-4


def test_binary_motivation_in_simulated_cohorts():
    solved_world = solve_world(MODEL, _binary_world(12.0, 12.0, 0.3), TARGETS)
    arrays = draw_arrays(MODEL, solved_world, 302, 400, 1)
    m = arrays["motivation"]
    assert set(np.unique(m)) == {0.0, 1.0}
    # prevalence 0.3 up to 4 binomial SEs over 120,800 draws
    assert abs(m.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / m.size)
    # sessions keep their mean (1 + 7) whatever the motivation: the rate is normalised
    assert abs(arrays["sessions"].mean() - 8.0) < 4 * np.sqrt(7 / m.size)


def test_plot_data_and_axes():
    from causal.plots._figure import new_figure
    from causal.plots.explain_away import explain_away_plot_data, plot_explain_away
    from causal.study.values.bias_factors import bounding_factor

    result = explain_away(STUDY, uptake_ors=[1.0, 4.0, 16.0], recovery_ors=[1.0, 16.0],
                          replicates=40, random_state=2)
    data = explain_away_plot_data(result)
    assert data["mean_or"].shape == (2, 3)  # (y, x) for contourf
    np.testing.assert_allclose(data["bias_factor"][1, 2],
                               bounding_factor(result.rr_eu[2, 1], result.rr_ud[2, 1]),
                               rtol=1e-12)
    assert data["evalue_rr"] == pytest.approx(np.sqrt(2.54), abs=1e-12)  # common outcome
    names = [b[0] for b in data["benchmarks"]]
    assert "phq9_baseline" in names
    # PHQ-9 per SD: uptake log-odds 0.05/point x SD 5 -> exp(0.25); squared at prevalence 0.5
    phq = result.benchmarks["phq9_baseline"]
    assert phq[2] == pytest.approx(np.exp(0.25), rel=1e-12)
    assert phq[0] == pytest.approx(np.exp(0.5), rel=1e-12)
    _, ax = new_figure()
    assert plot_explain_away(result, ax=ax) is ax


@pytest.mark.parametrize(("addition", "message"), [
    ("grid = 1\n", "explain_away.grid"),
    ("prevalence = 1.0\n", "explain_away.prevalence"),
    ("uptake_or_range = [5, 2]\n", "explain_away.uptake_or_range"),
    ("margin = 'arms'\n", "explain_away.margin"),
])
def test_bad_explain_away_table(tmp_path, addition, message):
    text = THEW.read_text(encoding="utf-8")
    start = text.index("[explain_away]")
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    table = "[explain_away]\n" + addition
    (tmp_path / "studies").mkdir()
    (tmp_path / "dags").mkdir()
    shutil.copy(THEW.parents[1] / "dags" / "thew2024.dot", tmp_path / "dags" / "thew2024.dot")
    path = tmp_path / "studies" / "study.toml"
    path.write_text(text[:start] + table + text[end:], encoding="utf-8")
    with pytest.raises(StudySpecError, match=message):
        load_study(path)


def test_cli(tmp_path, capsys):
    from causal.cli import main

    png = tmp_path / "ea.png"
    status = main(["explain-away", str(THEW), "--grid", "2", "--replicates", "30",
                   "--png", str(png), "--json"])
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert out["simulated"] is True and len(out["cells"]) == 4
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["explain-away", str(THEW), "--prevalence", "1.5"]) == 2
    assert "prevalence" in capsys.readouterr().err
    shutil.rmtree(tmp_path, ignore_errors=True)
