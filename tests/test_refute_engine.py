"""The batched refits equal plain one-at-a-time fits (the naive reference implementation).

Reference: for every replicate r, ``numpy.linalg.lstsq`` on the weighted design (OLS),
statsmodels ``GLM(Binomial, freq_weights)`` (logistic), and a hand-written Hajek IPW with a
statsmodels propensity model. Tolerances: 1e-8 for least squares (closed form), 1e-6 for the
iterative fits (Newton stops at steps below 1e-7).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causal.refute._draws import bootstrap_counts, permute_rows, subset_mask
from tests._refute_by_name import by_name, prepare

R = 6


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 400
    x = rng.normal(size=(n, 2))
    t = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)
    y = 0.4 * t + x @ [1.0, -0.5] + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-(0.6 * t + x[:, 1])))).astype(int)
    return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "t": t, "y": y, "yb": yb})


def _pieces(frame, rng):
    n = len(frame)
    return {
        "t": permute_rows(frame["t"].to_numpy(float), R, rng),
        "extra": rng.normal(size=(R, n)),
        "weights": bootstrap_counts(n, R, rng),
        "y_cont": permute_rows(frame["y"].to_numpy(float), R, rng),
        "y_bin": permute_rows(frame["yb"].to_numpy(float), R, rng),
    }


def _design(frame, t, extra):
    return np.column_stack([np.ones(len(frame)), frame["a"], frame["b"], t, extra])


@pytest.mark.parametrize("use", ["t", "extra", "weights", "y"])
def test_ols_matches_lstsq(frame, use):
    rng = np.random.default_rng(5)
    parts = _pieces(frame, rng)
    problem = prepare(frame, treatment="t", outcome="y", covariates=["a", "b"])
    kwargs = {"t": parts["t"]} if use == "t" else {"extra": parts["extra"]} if use == "extra" \
        else {"weights": parts["weights"]} if use == "weights" else {"y": parts["y_cont"]}
    got, ok = problem.effects(R, **kwargs)
    assert ok.all()
    for r in range(R):
        t = parts["t"][r] if use == "t" else frame["t"].to_numpy(float)
        y = parts["y_cont"][r] if use == "y" else frame["y"].to_numpy(float)
        d = _design(frame, t, parts["extra"][r]) if use == "extra" else _design(frame, t, t)[:, :4]
        w = parts["weights"][r] if use == "weights" else np.ones(len(frame))
        coef = np.linalg.lstsq(d * np.sqrt(w)[:, None], y * np.sqrt(w), rcond=None)[0]
        assert got[r] == pytest.approx(coef[3], abs=1e-8)


@pytest.mark.parametrize("use", ["t", "extra", "weights", "y"])
def test_logistic_matches_statsmodels(frame, use):
    import statsmodels.api as sm

    rng = np.random.default_rng(6)
    parts = _pieces(frame, rng)
    problem = prepare(frame, treatment="t", outcome="yb", covariates=["a", "b"],
                      estimator="logistic_regression")
    kwargs = {"t": parts["t"]} if use == "t" else {"extra": parts["extra"]} if use == "extra" \
        else {"weights": parts["weights"]} if use == "weights" else {"y": parts["y_bin"]}
    got, ok = problem.effects(R, **kwargs)
    assert ok.all()
    for r in range(R):
        t = parts["t"][r] if use == "t" else frame["t"].to_numpy(float)
        y = parts["y_bin"][r] if use == "y" else frame["yb"].to_numpy(float)
        d = _design(frame, t, parts["extra"][r]) if use == "extra" else _design(frame, t, t)[:, :4]
        w = parts["weights"][r] if use == "weights" else np.ones(len(frame))
        fit = sm.GLM(y, d, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
        assert np.log(got[r]) == pytest.approx(fit.params[3], abs=1e-6)


@pytest.mark.parametrize("use", ["t", "extra", "weights", "y"])
def test_ipw_matches_hand_written_hajek(frame, use):
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    parts = _pieces(frame, rng)
    problem = prepare(frame, treatment="t", outcome="y", covariates=["a", "b"], estimator="ipw")
    kwargs = {"t": parts["t"]} if use == "t" else {"extra": parts["extra"]} if use == "extra" \
        else {"weights": parts["weights"]} if use == "weights" else {"y": parts["y_cont"]}
    got, ok = problem.effects(R, **kwargs)
    assert ok.all()
    for r in range(R):
        t = parts["t"][r] if use == "t" else frame["t"].to_numpy(float)
        y = parts["y_cont"][r] if use == "y" else frame["y"].to_numpy(float)
        x = np.column_stack([np.ones(len(frame)), frame["a"], frame["b"]])
        if use == "extra":
            x = np.column_stack([x, parts["extra"][r]])
        w = parts["weights"][r] if use == "weights" else np.ones(len(frame))
        e = sm.GLM(t, x, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12).fittedvalues
        mu1 = np.sum(w * t * y / e) / np.sum(w * t / e)
        mu0 = np.sum(w * (1 - t) * y / (1 - e)) / np.sum(w * (1 - t) / (1 - e))
        assert got[r] == pytest.approx(mu1 - mu0, abs=1e-6)


def test_resampling_helpers_have_the_right_margins():
    rng = np.random.default_rng(0)
    counts = bootstrap_counts(50, 7, rng)
    assert counts.shape == (7, 50) and np.all(counts.sum(axis=1) == 50)
    mask = subset_mask(50, 7, 40, rng)
    assert np.all(mask.sum(axis=1) == 40) and set(np.unique(mask)) == {0.0, 1.0}
    values = np.arange(50.0)
    perms = permute_rows(values, 7, rng)
    assert np.all(np.sort(perms, axis=1) == values)
    binary = (np.arange(50) < 13).astype(float)
    assert np.all(permute_rows(binary, 7, rng).sum(axis=1) == 13)


def test_unidentified_replicates_are_failures_not_estimates():
    """n = 12 with 2 treated: many bootstrap resamples contain no treated unit, where the
    treatment coefficient does not exist; they must be NaN and counted, never a spurious 0."""
    import causal.refute as cr

    frame = pd.DataFrame({"t": [1, 1] + [0] * 10, "a": np.arange(12.0),
                          "y": np.linspace(0, 1, 12) ** 2})
    # P(no treated in a resample) = (10/12)^12 = 0.112; with R = 200 about 22 such resamples
    result = by_name(cr.bootstrap, frame, treatment="t", outcome="y", covariates=["a"],
                     n_simulations=200, random_state=0)
    missing = np.isnan(result.refuted_estimates)
    assert result.n_failed == missing.sum() > 5
    assert "fits failed (no unique solution" in result.summary()["note"].iloc[1]
    assert np.isfinite(result.refuted_mean)


def test_logistic_matches_the_projects_batched_glm_on_per_replicate_designs(frame):
    """An independent implementation: causal._glm.fit_logit_batch with a full
    (R, n, p) design per replicate (placebo treatments) agrees to 1e-6."""
    from causal._glm import fit_logit_batch

    rng = np.random.default_rng(8)
    t = permute_rows(frame["t"].to_numpy(float), R, rng)
    problem = prepare(frame, treatment="t", outcome="yb", covariates=["a", "b"],
                      estimator="logistic_regression")
    ours, ok = problem.effects(R, t=t)
    base = np.column_stack([np.ones(len(frame)), frame["a"], frame["b"]])
    designs = np.stack([np.column_stack([base, t[r]]) for r in range(R)])
    theirs = fit_logit_batch(designs, frame["yb"].to_numpy(float))
    assert ok.all() and theirs.converged.all()
    np.testing.assert_allclose(np.log(ours), theirs.coef[:, 3], atol=1e-6)
