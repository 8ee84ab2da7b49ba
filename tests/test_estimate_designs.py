"""Designs with known answers: saturated models over categorical covariates, ATE/ATT/ATC,
and the cases where an estimate does not exist (each refused in one sentence per estimator).

The closed forms are computed by hand in :func:`stratified` from the stratum means of SIMULATED
data: ATE = sum_s n_s d_s / n, ATT = sum_s n1_s d_s / n1, ATC (ATU) = sum_s n0_s d_s / n0,
with d_s the difference of the arm means in stratum s.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from causal.errors import NotEstimableError, ParameterError
from causal.estimate import AIPW, IPW, Crude, GComputation, OutcomeRegression, PSMatching

ESTIMANDS = ("ate", "att", "atc")


def simulate_strata(seed: int = 5, n: int = 1500) -> pd.DataFrame:
    """SIMULATED: a 3-level and a 2-level categorical covariate (6 cells), treatment and a
    binary outcome whose effect differs by cell (so ATE, ATT and ATC differ)."""
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    h = rng.choice(["no", "yes"], size=n)
    lin = -0.5 + 0.9 * (g == "b") + 1.6 * (g == "c") - 0.7 * (h == "yes") + 0.8 * (
        (g == "c") & (h == "yes"))
    a = rng.binomial(1, 1 / (1 + np.exp(-lin)))
    risk = 0.2 + 0.1 * (g == "b") + 0.3 * (h == "yes") + a * (0.05 + 0.2 * (g == "c")
                                                              + 0.1 * (h == "no"))
    y = rng.binomial(1, risk)
    return pd.DataFrame({"g": g, "h": h, "a": a, "y": y})


SPEC = dict(treatment="a", outcome="y", covariates=["g", "h"], categorical=["g", "h"])


def stratified(frame: pd.DataFrame, keys: list[str]) -> dict[str, float]:
    n, n1, n0, d = [], [], [], []
    for _, part in frame.groupby(keys):
        t, c = part[part.a == 1], part[part.a == 0]
        n.append(len(part)), n1.append(len(t)), n0.append(len(c))
        d.append(t.y.mean() - c.y.mean())
    n, n1, n0, d = map(np.asarray, (n, n1, n0, d))
    return {"ate": float(d @ n / n.sum()), "att": float(d @ n1 / n1.sum()),
            "atc": float(d @ n0 / n0.sum())}


@pytest.fixture(scope="module")
def strata() -> pd.DataFrame:
    return simulate_strata()


@pytest.mark.parametrize("estimand", ESTIMANDS)
@pytest.mark.parametrize("cls", [GComputation, IPW])
def test_saturated_models_give_the_stratified_answer(strata, cls, estimand):
    truth = stratified(strata, ["g", "h"])[estimand]
    fit = cls(saturated=True, estimand=estimand).estimate(strata, **SPEC)
    assert fit.estimate == pytest.approx(truth, abs=1e-10)
    assert fit.estimand == estimand
    assert fit.std_error > 0 and np.isfinite(fit.std_error)


@pytest.mark.parametrize("estimand", ESTIMANDS)
def test_exact_matching_on_the_strata_gives_the_stratified_answer(strata, estimand):
    truth = stratified(strata, ["g", "h"])[estimand]
    fit = PSMatching(estimand=estimand, exact=["g", "h"], caliper=None).estimate(strata, **SPEC)
    assert fit.estimate == pytest.approx(truth, abs=1e-10)


def test_saturated_se_equals_the_stratified_variance_for_the_att(strata):
    """The ATT's variance given the treated's cell counts: sum_s (n1_s/n1)^2 (v1_s/n1_s +
    v0_s/n0_s) with v the ML (ddof=0) variances, plus the spread of the cell effects among the
    treated, sum_s n1_s (d_s - ATT)^2 / n1^2 (the cells' treated shares estimated)."""
    fit = IPW(saturated=True, estimand="att").estimate(strata, **SPEC)
    n1_total = strata.a.sum()
    att = fit.estimate
    var = 0.0
    for _, part in strata.groupby(["g", "h"]):
        t, c = part.y[part.a == 1], part.y[part.a == 0]
        share = len(t) / n1_total
        d = t.mean() - c.mean()
        var += share**2 * (t.var(ddof=0) / len(t) + c.var(ddof=0) / len(c))
        var += len(t) * (d - att) ** 2 / n1_total**2
    assert fit.std_error == pytest.approx(np.sqrt(var), rel=1e-10)


def _logit_design(frame: pd.DataFrame) -> np.ndarray:
    x = pd.get_dummies(frame[["g", "h"]], drop_first=True).astype(float)
    return sm.add_constant(x.to_numpy())


@pytest.mark.parametrize("estimand", ESTIMANDS)
def test_main_effects_ipw_and_gcomputation_equal_statsmodels(strata, estimand):
    """Main-effects models, every estimand: the same numbers from statsmodels' fits (1e-8)."""
    x = _logit_design(strata)
    a, y = strata.a.to_numpy(float), strata.y.to_numpy(float)
    e = sm.Logit(a, x).fit(disp=0, tol=1e-12).predict(x)
    w1, w0 = {"ate": (a / e, (1 - a) / (1 - e)), "att": (a, (1 - a) * e / (1 - e)),
              "atc": (a * (1 - e) / e, 1 - a)}[estimand]
    ipw = np.sum(w1 * y) / w1.sum() - np.sum(w0 * y) / w0.sum()
    assert IPW(estimand=estimand).estimate(strata, **SPEC).estimate == pytest.approx(
        ipw, abs=1e-8)
    z = np.column_stack([x, a])
    out = sm.Logit(y, z).fit(disp=0, tol=1e-12)
    m1 = out.predict(np.column_stack([x, np.ones_like(a)]))
    m0 = out.predict(np.column_stack([x, np.zeros_like(a)]))
    pop = {"ate": np.ones_like(a), "att": a, "atc": 1 - a}[estimand]
    gcomp = np.sum(pop * (m1 - m0)) / pop.sum()
    assert GComputation(estimand=estimand).estimate(strata, **SPEC).estimate == pytest.approx(
        gcomp, abs=1e-8)


def test_aipw_atc_with_saturated_nuisances_is_the_stratified_atc(strata):
    """AIPW's ATC without cross-fitting (cv=1) and a fully interacted design (one indicator per
    cell, which is saturated) equals the stratified ATC."""
    cell = strata.g + "_" + strata.h
    frame = strata.assign(cell=cell)
    fit = AIPW(estimand="atc", cv=1).estimate(frame, treatment="a", outcome="y",
                                              covariates=["cell"], categorical=["cell"])
    assert fit.estimate == pytest.approx(stratified(strata, ["g", "h"])["atc"], abs=1e-8)


def test_labels_never_call_the_crude_contrast_or_a_coefficient_an_ate(strata):
    crude = Crude(measure="or").estimate(strata, **SPEC)
    conditional = OutcomeRegression(measure="or").estimate(strata, **SPEC)
    atc = GComputation(estimand="atc").estimate(strata, **SPEC)
    assert crude.label == "crude (unadjusted) OR"
    assert conditional.label == "conditional OR"
    assert atc.label == "ATC (ATU) (RD)"
    assert crude.estimand_label == "crude (unadjusted)"


# -- not estimable: one sentence per estimator ------------------------------------------------
def _empty_treated_cell(frame: pd.DataFrame) -> pd.DataFrame:
    """Cell g = c, h = no made all controls."""
    cell = (frame.g == "c") & (frame.h == "no")
    return frame.assign(a=np.where(cell, 0, frame.a))


@pytest.mark.parametrize("cls", [GComputation, IPW])
def test_a_cell_with_no_treated_is_named(strata, cls):
    frame = _empty_treated_cell(strata)
    who = {"GComputation": "g-computation", "IPW": "IPW"}[cls.__name__]
    with pytest.raises(NotEstimableError, match=rf"^{who} \(ATE\): the covariate cell "
                                                r"\[g\[b\]=0, g\[c\]=1, h\[yes\]=0\] \(\d+ "
                                                r"units\) has 0 treated units"):
        cls(saturated=True).estimate(frame, **SPEC)
    # the ATT's population (the treated) has no unit in that cell: estimable, stratified
    fit = cls(saturated=True, estimand="att").estimate(frame, **SPEC)
    assert fit.estimate == pytest.approx(stratified(frame[frame.g + frame.h != "cno"],
                                                    ["g", "h"])["att"], abs=1e-10)


def test_no_overlap_is_refused_per_estimator(strata):
    """Category g = c holds only treated units: the propensity score is 1 there, for the
    main-effects model (its g[c] coefficient diverges) and the saturated one."""
    frame = strata.assign(a=np.where(strata.g == "c", 1, strata.a))
    sentences = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for est in (IPW(), IPW(saturated=True), AIPW(cv=1), GComputation(saturated=True)):
            with pytest.raises(NotEstimableError) as info:
                est.estimate(frame, **SPEC)
            sentences[repr(est)] = str(info.value)
    for text in sentences.values():
        assert text.count(". ") == 0 and text.endswith(".")  # one sentence
    assert all(s.startswith(("IPW (ATE): ", "AIPW (ATE): ", "g-computation (ATE): "))
               for s in sentences.values())
    assert "g[b]=0, g[c]=1, h[yes]=1" in sentences[repr(IPW())]
    assert "has 0 control units" in sentences[repr(GComputation(saturated=True))]


def test_separation_in_a_fold_names_the_fold():
    """One treated unit in cell c: in the fold that holds it, the training folds have no
    treated unit in c and the propensity model separates there."""
    rng = np.random.default_rng(3)
    g = np.repeat(["a", "b", "c"], [200, 200, 40])
    a = np.concatenate([rng.binomial(1, 0.4, 200), rng.binomial(1, 0.5, 200),
                        np.r_[1, np.zeros(39, dtype=int)]])
    y = rng.binomial(1, 0.3 + 0.2 * a)
    frame = pd.DataFrame({"g": g, "a": a, "y": y})
    with pytest.raises(NotEstimableError, match=r"^AIPW \(ATE\): the logistic propensity "
                                                r"model separates the data in cross-fitting "
                                                r"fold \d of 5: its fitted probability is 0 "
                                                r"or 1 \(to 1e-14\) for \[g\[b\]=0, "
                                                r"g\[c\]=1\]"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        AIPW(random_state=1).estimate(frame, treatment="a", outcome="y", covariates=["g"],
                                      categorical=["g"])


def test_separated_outcome_model_in_a_fold_is_used_at_its_limit_and_said():
    """Every treated unit of cell c has the outcome: the treated arm's outcome model separates;
    AIPW uses the limit (fitted risk 1) and says so, naming the estimator."""
    rng = np.random.default_rng(4)
    g = np.repeat(["a", "b", "c"], [300, 300, 60])
    a = rng.binomial(1, 0.4, len(g))
    y = np.where((g == "c") & (a == 1), 1, rng.binomial(1, 0.3 + 0.2 * a))
    frame = pd.DataFrame({"g": g, "a": a, "y": y})
    with pytest.warns(Warning, match=r"^AIPW \(ATE\): the logistic outcome model separates the "
                                     r"data \(treated arm, fold 1 of 5: \[g\[b\]=0, g\[c\]=1\]"):
        fit = AIPW(random_state=1).estimate(frame, treatment="a", outcome="y",
                                            covariates=["g"], categorical=["g"])
    assert np.isfinite(fit.estimate) and np.isfinite(fit.std_error)
    # the limit is the saturated answer here: g-computation's cell means give the same ATE
    # up to the cross-fitting's own noise (main effects = saturated with one categorical)
    same = GComputation(saturated=True).estimate(frame, treatment="a", outcome="y",
                                                 covariates=["g"], categorical=["g"])
    assert abs(fit.estimate - same.estimate) < 3 * same.std_error


def test_saturated_refuses_numeric_covariates(strata):
    with pytest.raises(ParameterError, match=r"`saturated` needs categorical covariates only"):
        GComputation(saturated=True).estimate(strata.assign(x=np.arange(len(strata)) / 9.0),
                                              treatment="a", outcome="y",
                                              covariates=["g", "x"], categorical=["g"])


def test_no_nan_reaches_a_study_table_without_its_reason(strata):
    """A study whose category g = c holds only treated units: the estimators that cannot be
    computed are rows saying why; every other row is finite."""
    from causal import Study
    from causal.estimate import estimate_study

    frame = strata.assign(a=np.where(strata.g == "c", 1, strata.a))
    study = Study.from_frame(frame, treatment="a", outcome="y", covariates=["g", "h"],
                             categorical=["g", "h"], name="no-overlap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = estimate_study(study)
    table = result.summary()
    missing = table[table.estimate.isna()]
    assert len(missing) == len(result.not_estimable) >= 3  # IPW and AIPW, both measures
    assert missing.note.str.startswith("not estimable: ").all()
    assert {m.method for m in result.not_estimable} >= {"IPW", "AIPW"}
    for row in result.not_estimable:
        assert row.reason.startswith(f"{row.method} (")
    assert np.isfinite(table.estimate.dropna()).all()
    assert all(np.isfinite(e.estimate) for e in result.fitted)  # the rest carry a reason


def test_study_saturated_key_and_design_notes():
    """``[estimate] saturated = true`` (here via from_frame) makes g-computation, IPW and
    matching (exact on the categorical covariates) give the stratified answers; without it
    the study notes sparse strata and a main-effects fit far from the saturated one."""
    from causal import Study
    from causal.estimate import estimate_study
    from causal.estimate.study import SPARSE_CELL

    frame = simulate_strata(seed=8)
    # a sparse cell: 3 treated in (c, yes)
    cell = (frame.g == "c") & (frame.h == "yes")
    keep = ~cell | (frame.a == 0) | (frame.index.isin(frame[cell & (frame.a == 1)].index[:3]))
    frame = frame[keep].reset_index(drop=True)
    kw = dict(treatment="a", outcome="y", covariates=["g", "h"], categorical=["g", "h"])
    truth = stratified(frame, ["g", "h"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sat = estimate_study(Study.from_frame(frame, **kw, name="s", saturated=True))
        main = estimate_study(Study.from_frame(frame, **kw, name="m"))
    by = {(e.method, e.measure): e for e in sat.estimates}
    assert by[("g-computation", "rd")].estimate == pytest.approx(truth["ate"], abs=1e-10)
    assert by[("IPW", "rd")].estimate == pytest.approx(truth["ate"], abs=1e-10)
    assert by[("PS matching", "rd")].estimate == pytest.approx(truth["att"], abs=1e-10)
    sparse = [n for n in main.design_notes if n.startswith("sparse strata")]
    assert sparse and f"fewer than {SPARSE_CELL} treated or controls" in sparse[0]
    assert "[g[b]=0, g[c]=1, h[yes]=1]: 3 treated" in sparse[0]


def test_randomised_design_skips_graph_identification(strata):
    """``randomised=True``: the graph section says adjustment is for precision and judges no
    adjustment set; without it, a study without a paper never calls its set 'published'."""
    from types import SimpleNamespace

    from causal import Study
    from causal.report.sections import graph as graph_section

    kw = dict(treatment="a", outcome="y", covariates=["g", "h"], categorical=["g", "h"])
    trial = Study.from_frame(strata, **kw, name="trial", randomised=True)
    assert trial.randomised
    section = graph_section.build(SimpleNamespace(study=trial))
    assert section.data == {"randomised": True}
    assert "covariates are adjusted for precision only" in str(section.verdict)
    assert not Study.from_frame(strata, **kw, name="obs").randomised


# -- model terms --------------------------------------------------------------------------
def test_bspline_basis_equals_r_splines_bs():
    """R 4.2.2: x <- c(0.5, 1.2, 3.3, 2.2, 5.1, 4.4, 0.9, 3.9, 2.8, 6.0);
    write.csv(round(unclass(splines::bs(x, df = 5)), 15)) (interior knots 2.2 and 3.9)."""
    from causal._glm.terms import bspline_basis

    x = np.array([0.5, 1.2, 3.3, 2.2, 5.1, 4.4, 0.9, 3.9, 2.8, 6.0])
    r_bs = np.array([
        [0, 0, 0, 0, 0],
        [0.594494199063708, 0.191174620209833, 0.010789556464297, 0, 0],
        [0.010991247710157, 0.419675463105889, 0.515112986104273, 0.054220303079681, 0],
        [0.25, 0.595454545454545, 0.154545454545455, 0, 0],
        [0, 0.01660970608339, 0.22035959687325, 0.576441775760561, 0.186588921282799],
        [0, 0.093324219640009, 0.489586691723613, 0.403591626159324, 0.013497462477054],
        [0.479544066761653, 0.071261773032585, 0.002013211701793, 0, 0],
        [0, 0.211004784688995, 0.58885671115588, 0.200138504155125, 0],
        [0.067728475473234, 0.569209654690174, 0.354262782334555, 0.008799087502037, 0],
        [0, 0, 0, 0, 1],
    ])
    np.testing.assert_allclose(bspline_basis(x, 5), r_bs, atol=1e-14)


def test_products_of_the_categorical_covariates_make_the_model_saturated(strata):
    """``terms=["g*h"]`` with main effects is the saturated model of the 6 cells, so AIPW
    without cross-fitting and g-computation give the stratified answers."""
    truth = stratified(strata, ["g", "h"])
    kw = dict(SPEC, terms=["g*h"])
    gfit = GComputation().estimate(strata, **kw)
    assert "g[b]:h[yes]" in gfit.diagnostics["coefficients"]
    full = GComputation(interactions=["g[b]", "g[c]", "h[yes]", "g[b]:h[yes]",
                                      "g[c]:h[yes]"]).estimate(strata, **kw)
    assert full.estimate == pytest.approx(truth["ate"], abs=1e-8)
    att = AIPW(cv=1, estimand="att").estimate(strata, **kw)
    assert att.estimate == pytest.approx(truth["att"], abs=1e-8)


def test_treatment_interactions_accept_categorical_covariate_names(strata):
    fit = GComputation(interactions=["g"]).estimate(strata, **SPEC)
    assert {"a:g[b]", "a:g[c]"} <= set(fit.diagnostics["coefficients"])


def test_spline_term_replaces_the_linear_column():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 800)
    a = rng.binomial(1, 1 / (1 + np.exp(-(np.sin(x) - 0.2))))
    y = np.sin(x) + 0.5 * a + rng.normal(size=800)
    frame = pd.DataFrame({"x": x, "a": a, "y": y})
    fit = OutcomeRegression().estimate(frame, treatment="a", outcome="y", covariates=["x"],
                                       terms=["bs(x, 6)"])
    coefs = fit.diagnostics["coefficients"]
    assert "x" not in coefs and "bs(x, 6)[6]" in coefs
    # statsmodels OLS on the same basis (from R's definition) gives the same coefficient
    from causal._glm.terms import bspline_basis

    z = sm.add_constant(np.column_stack([a, bspline_basis(x, 6)]))
    assert fit.estimate == pytest.approx(sm.OLS(y, z).fit().params[1], abs=1e-8)
    with pytest.raises(ParameterError, match=r"`terms` must be products like"):
        OutcomeRegression().estimate(frame, treatment="a", outcome="y", covariates=["x"],
                                     terms=["log(x)"])


@pytest.mark.parametrize("written", ["atc", "atu"])
def test_a_study_file_estimand_atu_gives_the_stratified_effect_on_the_controls(
        strata, tmp_path, written):
    """``[estimate] estimand = "atu"`` (or "atc") reaches every study estimator: the saturated
    g-computation and IPW and the exact matching give the hand-computed ATC of
    :func:`stratified`, and the rows say ATC (ATU)."""
    from causal.estimate import estimate_study
    from causal.study import load_study

    strata.to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "s.toml").write_text(
        '[study]\nname = "s"\ntitle = "s"\ntreatment = "a"\noutcome = "y"\n'
        '[data]\nsource = "s.csv"\ncovariates = ["g", "h"]\ncategorical = ["g", "h"]\n'
        f'[estimate]\nestimand = "{written}"\nsaturated = true\n', encoding="utf-8")
    study = load_study(tmp_path / "s.toml")
    assert study.estimand == "atc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = estimate_study(study, random_state=3)
    truth = stratified(strata, ["g", "h"])["atc"]
    rows = {e.method: e for e in result.fitted if e.measure == "rd"}
    for method in ("g-computation", "IPW", "PS matching"):
        assert rows[method].estimand == "atc"
        assert rows[method].estimate == pytest.approx(truth, abs=1e-9), method


def test_a_study_file_estimand_outside_the_choices_is_refused(tmp_path):
    from causal.errors import CausalError
    from causal.study import load_study

    (tmp_path / "s.toml").write_text(
        '[study]\nname = "s"\ntitle = "s"\ntreatment = "a"\noutcome = "y"\n'
        '[estimate]\nestimand = "late"\n', encoding="utf-8")
    with pytest.raises(CausalError, match="estimand"):
        load_study(tmp_path / "s.toml")
