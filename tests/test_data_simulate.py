"""Simulated Thew-like cohorts: margins, solved intercepts, worlds, reproducibility, labels.

Monte Carlo tolerances are 4 standard errors (two-sided false-alarm rate about 6e-5 per check),
with the standard error derived next to each check. All data here are SIMULATED.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causal.data import simulate_cohort, simulate_cohorts, solve_study_world
from causal.data.cohort import targets_of
from causal.study import load_study
from causal.worlds.self_selection_draws import expected_margins, integration_points

STUDY = Path(__file__).resolve().parents[1] / "studies" / "thew2024.toml"
NO_HIDDEN, SELF_SELECTION = "no hidden confounding", "self-selection only"
REPLICATES = 300  # cohorts of 302 pooled for margin checks: 90,600 simulated people


@pytest.fixture(scope="module")
def study():
    return load_study(STUDY)


@pytest.fixture(scope="module")
def cohorts(study):
    return simulate_cohorts(study, NO_HIDDEN, replicates=REPLICATES, random_state=11)


def test_targets_come_from_the_published_counts(study):
    # [B]: 66 accepted, 31 recovered; 236 declined, 64 recovered
    assert targets_of(study) == pytest.approx((66 / 302, 31 / 66, 64 / 236), abs=1e-15)


def test_truncated_age_distribution_has_the_published_mean_and_sd(study):
    from scipy.stats import truncnorm

    solved = solve_study_world(study, NO_HIDDEN)
    a, b = (18 - solved.age_loc) / solved.age_scale, (75 - solved.age_loc) / solved.age_scale
    mean, var = truncnorm.stats(a, b, solved.age_loc, solved.age_scale, "mv")
    assert float(mean) == pytest.approx(41.98, abs=1e-8)  # [B] 41.98
    assert float(np.sqrt(var)) == pytest.approx(11.26, abs=1e-8)  # [B] 11.26


def test_sample_margins_match_the_paper(cohorts):
    n_people = REPLICATES * 302
    age = cohorts["age"].reshape(-1)
    # SE of a mean: 11.26 / sqrt(N) = 0.037; of an SD: about 11.26 / sqrt(2N) = 0.026
    assert abs(age.mean() - 41.98) < 4 * 11.26 / np.sqrt(n_people)
    assert abs(age.std() - 11.26) < 4 * 11.26 / np.sqrt(2 * n_people)
    assert age.min() >= 18 and age.max() <= 75
    # counts per cohort of 302: SD sqrt(302 p (1 - p)), SE of their mean over the replicates
    for column, expected in (("sex", 202), ("ethnicity", 220)):
        counts = cohorts[column].sum(axis=1)
        p = expected / 302
        se = np.sqrt(302 * p * (1 - p) / REPLICATES)
        assert abs(counts.mean() - expected) < 4 * se, column
    # uptake is random: expected 66 per cohort; a sum of independent Bernoullis has variance at
    # most 302 p (1 - p) with p = 66/302
    treated = cohorts["employment_support"].sum(axis=1)
    assert abs(treated.mean() - 66) < 4 * np.sqrt(302 * (66 / 302) * (236 / 302) / REPLICATES)


def test_severity_scores_are_on_their_scales_in_the_lp7_range(cohorts):
    phq, gad = cohorts["phq9_baseline"], cohorts["gad7_baseline"]
    assert phq.min() >= 0 and phq.max() <= 27 and gad.min() >= 0 and gad.max() <= 21
    assert np.issubdtype(phq.dtype, np.integer) and np.issubdtype(gad.dtype, np.integer)
    # declared means 18 and 15; rounding and clipping at 27 and 21 move them by < 0.2
    assert abs(phq.mean() - 18) < 0.2 and abs(gad.mean() - 15) < 0.2
    assert np.corrcoef(phq.reshape(-1), gad.reshape(-1))[0, 1] == pytest.approx(0.6, abs=0.03)
    assert cohorts["sessions"].min() >= 1


@pytest.mark.parametrize("world", [NO_HIDDEN, SELF_SELECTION])
def test_solved_constants_reproduce_the_published_margins(study, world):
    solved = solve_study_world(study, world)
    data = study.data.model  # the self-selection world model
    # on the solver's own Sobol points the equations hold to root-finding precision
    on_points = expected_margins(data, solved, integration_points())
    assert on_points == pytest.approx((66 / 302, 31 / 66, 64 / 236), abs=1e-10)
    # on independent random covariates, up to Monte Carlo error: ratio estimators whose SE is
    # sd(w (p - r)) / (mean(w) sqrt(N)) with w the arm weight (delta method)
    u = np.random.default_rng(5).random((9, 400_000))
    uptake, treated, control = expected_margins(data, solved, u)
    assert abs(uptake - 66 / 302) < 4 * 0.25 / np.sqrt(u.shape[1])  # sd(p_T) < 0.25
    assert abs(treated - 31 / 66) < 4 * 0.5 / (66 / 302) / np.sqrt(u.shape[1])
    assert abs(control - 64 / 236) < 4 * 0.5 / (236 / 302) / np.sqrt(u.shape[1])


@pytest.mark.parametrize("world", [NO_HIDDEN, SELF_SELECTION])
def test_drawn_cohorts_reproduce_recovery_by_arm(study, world):
    arrays = simulate_cohorts(study, world, replicates=REPLICATES, random_state=3)
    t, y = arrays["employment_support"], arrays["recovery"]
    for arm, target, share in ((1, 31 / 66, 66 / 302), (0, 64 / 236, 236 / 302)):
        risk = y[t == arm].mean()
        # binomial SE with the expected arm size
        se = np.sqrt(target * (1 - target) / (REPLICATES * 302 * share))
        assert abs(risk - target) < 4 * se, (world, arm)


def test_no_hidden_confounding_world_recovers_the_true_conditional_or(study):
    """Pooled logistic fit (statsmodels) of the paper's adjusted model, which is the true
    outcome model in this world; tolerance 4 x its standard error (about 0.017 at 150k)."""
    import statsmodels.api as sm

    from causal.worlds.calibrate import adjusted_design

    arrays = simulate_cohorts(study, NO_HIDDEN, replicates=500, random_state=21)
    x = adjusted_design(arrays, study.data).reshape(-1, 11)
    fit = sm.Logit(arrays["recovery"].reshape(-1), x).fit(disp=0)
    assert abs(fit.params[1] - np.log(2.54)) < 4 * fit.bse[1]


def test_self_selection_world_is_null_given_motivation(study):
    """With the latent motivation in the model the true conditional OR is 1."""
    import statsmodels.api as sm

    from causal.worlds.calibrate import adjusted_design

    arrays = simulate_cohorts(study, SELF_SELECTION, replicates=500, random_state=22)
    x = adjusted_design(arrays, study.data).reshape(-1, 11)
    x = np.column_stack([x, arrays["motivation"].reshape(-1)])
    fit = sm.Logit(arrays["recovery"].reshape(-1), x).fit(disp=0)
    assert abs(fit.params[1]) < 4 * fit.bse[1]
    strength = solve_study_world(study, SELF_SELECTION).world.motivation_recovery_odds_ratio
    assert abs(fit.params[-1] - np.log(strength)) < 4 * fit.bse[-1]


def test_one_cohort_frame_is_labelled_simulated(study):
    frame = simulate_cohort(study, SELF_SELECTION, random_state=1)
    assert len(frame) == 302
    assert frame.attrs["simulated"] is True
    assert frame.attrs["latent"] == ["motivation"]
    assert "SIMULATED" in frame.attrs["description"]
    assert frame.attrs["world"] == SELF_SELECTION and frame.attrs["true_odds_ratio"] == 1.0
    expected = {"employment_support", "recovery", "motivation", *study.data.covariates}
    assert set(frame.columns) == expected
    assert set(frame["employment_support"].unique()) <= {0, 1}
    assert list(frame["presenting_problem"].cat.categories) == [
        "depression", "mixed anxiety and depression", "anxiety"]


def test_long_frame_has_a_replicate_column(study):
    frame = simulate_cohorts(study, replicates=4, n=50, random_state=2, output="frame")
    assert frame.shape[0] == 200 and frame["replicate"].value_counts().to_dict() == {
        0: 50, 1: 50, 2: 50, 3: 50}
    assert frame.attrs["simulated"] is True and frame.attrs["world"] == NO_HIDDEN


def test_seeded_draws_are_reproducible_and_seeds_differ(study):
    a = simulate_cohort(study, random_state=123)
    b = simulate_cohort(study, random_state=123)
    c = simulate_cohort(study, random_state=124)
    assert a.equals(b) and not a.equals(c)
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    assert simulate_cohort(study, random_state=g1).equals(simulate_cohort(study, random_state=g2))


def test_global_numpy_random_state_is_untouched(study):
    np.random.seed(99)  # noqa: NPY002 - the legacy global state is what is checked
    _, keys, position, *_ = np.random.get_state()  # noqa: NPY002
    keys = keys.copy()
    simulate_cohorts(study, SELF_SELECTION, replicates=3, random_state=None)
    simulate_cohort(study, random_state=5)
    _, keys_after, position_after, *_ = np.random.get_state()  # noqa: NPY002
    assert np.array_equal(keys_after, keys) and position_after == position


def test_bad_arguments(study):
    from causal.errors import ParameterError

    with pytest.raises(ParameterError, match="`world` must be one of"):
        simulate_cohort(study, "no such world")
    with pytest.raises(ParameterError, match="`random_state`"):
        simulate_cohort(study, random_state="seed")
    with pytest.raises(ParameterError, match="`replicates` must be a positive integer"):
        simulate_cohorts(study, replicates=0)
    with pytest.raises(ParameterError, match="`output` must be one of"):
        simulate_cohorts(study, replicates=1, output="table")


def test_array_output_is_labelled_simulated(study):
    cohorts = simulate_cohorts(study, SELF_SELECTION, replicates=3, n=20, random_state=0)
    assert cohorts.simulated is True and "SIMULATED" in cohorts.description
    assert cohorts.shape == (3, 20) and cohorts.latent == ("motivation",)
    assert cohorts["recovery"].shape == (3, 20)
    frame = cohorts.to_frame()
    assert frame.attrs["simulated"] is True and len(frame) == 60


@pytest.mark.parametrize("args", [(41.98, 11.26, 18.0, 75.0), (30.0, 5.0, 18.0, 100.0),
                                  (35.5, 12.1, 16.0, float("inf"))])
def test_truncated_normal_parameters_give_scipys_moments(args):
    """The closed-form moments inside the solver against scipy's truncnorm (peer), to 1e-9."""
    from scipy.stats import truncnorm

    from causal.worlds.self_selection_draws import _age_parameters

    mean, sd, low, high = args
    loc, scale = _age_parameters(*args)
    m, v = truncnorm.stats((low - loc) / scale, (high - loc) / scale, loc, scale, "mv")
    assert float(m) == pytest.approx(mean, abs=1e-9)
    assert float(np.sqrt(v)) == pytest.approx(sd, abs=1e-9)
