"""Real data with published answers, read from the installed causaldata package.

Published numbers: Hernan & Robins, Causal Inference: What If (NHEFS, ch. 12-13, Programs
12.1, 12.2, 13.2); Dehejia & Wahba (1999), Table 3 (NSW experiment $1,794; naive CPS -$8,498).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal.data import data_hash, load_benchmark_data, load_source, load_study_data
from causal.errors import DataError, ParameterError
from causal.estimate import design_matrix
from causal.study import load_study

STUDIES = Path(__file__).resolve().parents[1] / "studies"


@pytest.fixture(scope="module")
def nhefs_study():
    return load_study(STUDIES / "nhefs.toml")


@pytest.fixture(scope="module")
def nhefs(nhefs_study):
    return load_study_data(nhefs_study)


def test_row_counts_of_each_source():
    assert len(load_source("causaldata:nhefs_complete")) == 1566
    assert len(load_source("causaldata:nhefs")) == 1629
    nsw = load_source("causaldata:nsw_mixtape")
    assert nsw["treat"].value_counts().to_dict() == {0: 260, 1: 185}
    cps = load_source("causaldata:cps_mixtape")
    assert len(cps) == 15992 and (cps["treat"] == 0).all()
    combined = load_source("causaldata:nsw_treated+cps_controls")
    assert combined["treat"].value_counts().to_dict() == {0: 15992, 1: 185}


def test_real_frames_are_labelled_real_with_a_citation(nhefs):
    assert nhefs.attrs["simulated"] is False
    assert nhefs.attrs["source"] == "causaldata:nhefs_complete"
    assert "Hernan" in nhefs.attrs["citation"]


def test_sources_are_fresh_copies():
    first = load_source("causaldata:nsw_mixtape")
    first.loc[0, "re78"] = -1.0
    assert load_source("causaldata:nsw_mixtape").loc[0, "re78"] != -1.0


def test_lalonde_experimental_difference_in_means():
    frame = load_benchmark_data(load_study(STUDIES / "lalonde.toml"))
    y, t = frame["re78"], frame["treat"]
    # Dehejia & Wahba (1999) print $1,794; the data give 1,794.34 (Cunningham, The Mixtape)
    assert abs(y[t == 1].mean() - y[t == 0].mean() - 1794.34) < 0.01


def test_lalonde_observational_naive_difference():
    frame = load_study_data(load_study(STUDIES / "lalonde.toml"))
    assert len(frame) == 16177
    y, t = frame["re78"], frame["treat"]
    assert round(y[t == 1].mean() - y[t == 0].mean()) == -8498  # Dehejia & Wahba (1999)
    # derived unemployment indicators declared in [data.indicators]
    assert ((frame["u74"] == 1) == (frame["re74"] == 0)).all()


def test_nhefs_crude_difference(nhefs):
    y, t = nhefs["wt82_71"], nhefs["qsmk"]
    crude = y[t == 1].mean() - y[t == 0].mean()
    assert crude == pytest.approx(2.5406, abs=5e-5)  # Program 12.1 output 2.54
    assert round(crude, 1) == 2.5  # the book's text


def test_nhefs_declared_design_reproduces_ip_weighting(nhefs, nhefs_study):
    """Naive reference: Program 12.1's propensity model built from [data], nonstabilised
    weights, weighted least squares with a robust (HC0) CI, as in Program 12.2."""
    import statsmodels.api as sm

    data = nhefs_study.data
    x = design_matrix(nhefs, data)
    assert x.shape == (1566, 19)  # const + 9 covariates as 14 columns + 4 squares
    score = sm.GLM(nhefs["qsmk"], x, family=sm.families.Binomial()).fit().predict(x)
    weights = np.where(nhefs["qsmk"] == 1, 1 / score, 1 / (1 - score))
    fit = sm.WLS(nhefs["wt82_71"], sm.add_constant(nhefs["qsmk"].astype(float)),
                 weights=weights).fit(cov_type="HC0")
    published = {a.method: a for a in nhefs_study.published}["ipw"]
    assert fit.params.iloc[1] == pytest.approx(published.estimate, abs=0.01)  # 3.44
    assert fit.conf_int().iloc[1].to_numpy() == pytest.approx(published.ci, abs=0.01)


def test_nhefs_declared_design_reproduces_standardisation(nhefs, nhefs_study):
    import statsmodels.api as sm

    data = nhefs_study.data
    x = design_matrix(nhefs, data, treatment="qsmk")
    assert "qsmk:smokeintensity" in x.columns
    fit = sm.OLS(nhefs["wt82_71"], x).fit()
    treated, control = x.copy(), x.copy()
    treated["qsmk"], treated["qsmk:smokeintensity"] = 1.0, nhefs["smokeintensity"]
    control["qsmk"], control["qsmk:smokeintensity"] = 0.0, 0.0
    effect = fit.predict(treated).mean() - fit.predict(control).mean()
    published = {a.method: a for a in nhefs_study.published}["standardisation"]
    assert effect == pytest.approx(published.estimate, abs=0.01)  # 3.52


def test_design_matrix_leaves_the_frame_alone(nhefs, nhefs_study):
    before = nhefs.copy()
    design_matrix(nhefs, nhefs_study.data, treatment="qsmk")
    pd.testing.assert_frame_equal(nhefs, before)


def test_design_matrix_names_a_missing_column(nhefs, nhefs_study):
    with pytest.raises(DataError, match="lacks the column\\(s\\) 'wt71'"):
        design_matrix(nhefs.drop(columns="wt71"), nhefs_study.data)


def test_real_data_refuse_world_and_seed():
    with pytest.raises(ParameterError, match="`world` applies only to simulated data"):
        load_study_data(load_study(STUDIES / "nhefs.toml"), world="no hidden confounding")
    with pytest.raises(ParameterError, match="`random_state` applies only to simulated"):
        load_study_data(load_study(STUDIES / "nhefs.toml"), random_state=1)


def test_the_data_layer_reads_a_loaded_study_not_a_path():
    # data/ sits below the study file's parser (tests/test_layers.py): a path is refused with
    # the call that reads it
    with pytest.raises(ParameterError, match=r"`study` must be a loaded Study \(causal.load_"):
        load_study_data(STUDIES / "nhefs.toml")


def test_simulated_study_data_is_labelled(tmp_path):
    frame = load_study_data(load_study(STUDIES / "thew2024.toml"), "self-selection only", random_state=4)
    assert frame.attrs["simulated"] is True and frame.attrs["source"] == "simulated"
    assert frame.attrs["covariates"] == list(load_study(
        STUDIES / "thew2024.toml").data.covariates)


def _naive_data_hash(columns: list[tuple[str, str, bytes]], n_rows: int) -> str:
    """The canonical form of :func:`causal.data.data_hash`, written out by hand."""
    digest = hashlib.sha256(b"causal-data-hash/2" + struct.pack("<q", n_rows))
    for label, kind, body in columns:
        for part in (label.encode(), kind.encode(), body):
            digest.update(struct.pack("<q", len(part)) + part)
    return digest.hexdigest()


def test_data_hash_is_sha256_of_the_canonical_form():
    frame = pd.DataFrame({"a": [1, 2], "b": [0.1, np.nan], "c": ["x", None]}, index=[5, 9])
    expected = _naive_data_hash([
        ("a", "n", struct.pack("<2d", 1.0, 2.0)),
        ("b", "n", struct.pack("<2d", 0.1, float("nan"))),
        ("c", "t", b"x\x1f\x00\x1f"),
    ], 2)
    assert data_hash(frame) == expected
    assert data_hash(frame.reset_index(drop=True)) == expected  # index is not data
    widened = frame.astype({"a": "float32"})
    assert data_hash(widened) == expected  # 1 and 1.0 are the same data
    assert data_hash(frame.assign(c=frame["c"].astype("category"))) == expected
    changed = frame.copy()
    changed.loc[5, "a"] = 3
    assert data_hash(changed) != expected
    assert data_hash(frame[["b", "a", "c"]]) != expected  # column order is part of the data
    with pytest.raises(ParameterError, match="`frame` must be a pandas DataFrame"):
        data_hash([1, 2])


def test_data_hash_of_seeded_simulation_is_reproducible():
    a = load_study_data(load_study(STUDIES / "thew2024.toml"), random_state=8)
    b = load_study_data(load_study(STUDIES / "thew2024.toml"), random_state=8)
    assert data_hash(a) == data_hash(b)


def test_nhefs_outcome_sd_in_the_claim_matches_the_data(nhefs, nhefs_study):
    """The claim's outcome_sd (7.80, for the E-value of the MD) is the pooled within-group SD."""
    y, t = nhefs["wt82_71"], nhefs["qsmk"]
    pooled = np.sqrt(((t == 1).sum() - 1) * y[t == 1].var() + ((t == 0).sum() - 1)
                     * y[t == 0].var()) / np.sqrt(len(y) - 2)
    assert nhefs_study.claim.estimates[0].outcome_sd == pytest.approx(pooled, abs=0.005)
