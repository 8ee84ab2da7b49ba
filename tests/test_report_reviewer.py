"""What a methods reviewer found wrong in the bundled reports (issue 21), one test per defect.

Each test builds only the sections it reads (a full Thew report takes tens of seconds); numbers
asserted are recomputed here or derived in a comment beside them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from causal.report import build_report
from causal.report.robins import robins_section
from causal.study import load_study
from tests.conftest import ROOT, THEW

DWP = ROOT / "studies" / "dwp_ea_iapt.toml"


def _domains(path, sections):
    report = build_report(load_study(path), sections=sections)
    return robins_section(list(report.sections)).data["domains"].set_index("domain (ROBINS-I)")


def test_dwp_robins_prints_no_evalue_for_a_missing_ci():
    """DWP printed percentages without group sizes: there is no CI, so no E-value of a CI
    limit may be printed (the code once printed 1.00 for the missing value). The point E-value
    of RR 26/21 is RR + sqrt(RR (RR - 1)) (VanderWeele & Ding 2017)."""
    found = _domains(DWP, ["claim", "evalue", "graph"]).loc["Confounding", "what they found"]
    assert "1.00 (CI)" not in found
    rr = 26 / 21  # 26% vs 21% in work after 12 months, the study file's primary claim [B]
    assert f"E-value {rr + math.sqrt(rr * (rr - 1)):.2f} (estimate)" in found
    assert "no CI" in found


def _thew_pba_share_with_random_error(n: int = 1_000_000) -> float:
    """P(bias-adjusted RR with random error <= 1) under the Thew priors, recomputed here.

    With observed RR r = sqrt(2.54) (common outcome, VanderWeele 2017), SE of log r
    s = log(sqrt(4.89) / sqrt(1.32)) / (2 z_0.975), a bias factor
    B = (p1 (R - 1) + 1) / (p0 (R - 1) + 1) (Schlesselman 1978) and total error
    log r - log B + s Z (Lash, Fox & MacLehose 2021, ch. 8), the share at or beyond the null
    is E[Phi((log B - log r) / s)] over the priors p1 ~ U(0.3, 0.7), p0 ~ U(0.1, 0.3),
    R ~ triangular(1, 2, 3); the normal integral is done exactly, the priors by 10^6 draws
    (Monte Carlo SE below 3e-4).
    """
    rng = np.random.default_rng(12345)
    p1, p0 = rng.uniform(0.3, 0.7, n), rng.uniform(0.1, 0.3, n)
    rr_u = rng.triangular(1.0, 2.0, 3.0, n)
    bias = (p1 * (rr_u - 1) + 1) / (p0 * (rr_u - 1) + 1)
    r = math.sqrt(2.54)
    s = math.log(math.sqrt(4.89) / math.sqrt(1.32)) / (2 * stats.norm.ppf(0.975))
    return float(np.mean(stats.norm.cdf((np.log(bias) - math.log(r)) / s)))


def test_thew_probabilistic_bias_quotes_the_share_with_random_error():
    """Beside the total-error interval the verdict gives the total-error share (about 11%),
    not the systematic-error-only share (about 2%). The report's share is from 100,000 draws:
    its Monte Carlo SE is sqrt(0.11 * 0.89 / 1e5) = 0.001, so 0.005 is five SEs."""
    (section,) = build_report(load_study(THEW), sections=["probabilistic_bias"]).sections
    expected = _thew_pba_share_with_random_error()
    assert 0.09 < expected < 0.13  # the reviewer's 10^6-draw recomputation: about 11%
    assert section.data["share_tipped_total"] == pytest.approx(expected, abs=0.005)
    share = next(n for n in section.verdict.numbers if n.provenance == "computed"
                 and "share" in n.source)
    assert share.value == section.data["share_tipped_total"]
    assert share.text == f"{expected:.0%}"
    assert "with random error" in section.verdict.plain
    assert section.data["share_tipped"] < 0.05  # the systematic-only share is still reported
    callout = section.blocks[-1].text
    assert f"({section.data['share_tipped']:.0%} with systematic error only)" in callout


@pytest.mark.parametrize("tips_estimate, tips_ci", [(True, True), (False, True)])
def test_reading_says_it_rests_on_the_study_files_hypothesis(tips_estimate, tips_ci):
    """Whether the headline scenario explains the estimate away or only brings its CI to the
    null, the reading says the confounding is the kind the study file hypothesises."""
    from causal.report.headline import _reading
    from causal.report.model import Section

    section = Section("sensitivity", "scenarios", (), {"scenarios": [
        {"headline": True, "tips_estimate": tips_estimate, "tips_ci": tips_ci}]})
    assert "of the kind the study file hypothesises" in _reading(section)


def test_thew_selection_and_graph_attribute_their_assumptions():
    """The selection section gives the source's inclusion rule (two or more sessions, seed
    000 paragraph 8) and does not state missing outcomes as fact (the percentages give a
    recovery status for all 302); its assumption sets are Smith & VanderWeele's. The graph is
    the study file's, the adjustment criterion does not claim only sensitivity analysis can
    help, and the design is the source's "2-step logistic regression", not hierarchical."""
    report = build_report(load_study(THEW), sections=["claim", "graph", "selection_bias"])
    claim, graph, selection = report.sections
    text = " ".join(getattr(b, "text", "") for b in selection.blocks
                    if isinstance(getattr(b, "text", ""), str))
    assert "two or more therapy sessions" in text
    assert "cannot be counted" not in text and "left therapy early" not in text
    assert "listwise deletion" in text
    assert "Smith & VanderWeele's (2019), not the study authors'" in text
    assert "assumptions are the paper's" not in text
    graph_text = " ".join(b.text for b in graph.blocks if isinstance(getattr(b, "text", None), str))
    assert "The causal assumptions are the study file's" in graph_text
    assert "only sensitivity analysis" not in graph_text
    assert "negative controls" in graph_text
    assert graph.verdict.startswith("Under the study file's graph thew2024")
    assert "hierarchical" not in load_study(THEW).info.design
    assert "two-step logistic regression" in load_study(THEW).info.design


def test_verdict_design_sentence_is_under_the_study_files_graph():
    from causal.report.headline import graph_sentence

    text = graph_sentence({"identifiable": False, "open_paths": [
        {"latent": ["health_trajectory", "motivation"]}]})
    assert text.startswith("Design: under the study file's graph, no measured adjustment set")
    assert "health_trajectory" not in text  # the file's own hypothesised node, not the source's


def test_dwp_tally_follows_the_source():
    """Every comparison the DWP summary prints (seed 001, paragraphs 10-14; FACTS.md) is a
    claim. Favour (benefit as the study file states it): in work at 12 months 26 vs 21,
    depression 50 vs 56, anxiety 53 vs 57, severely impaired 26 vs 32, long-term sick 13 vs
    23 (five). Against: no work impairment 6 vs 9, in work at the end 88 vs 93, on SSP 7 vs 3,
    out-of-work benefits 17 vs 11 (four). The source itself calls no impact or not
    significant: in-work depression 35 vs 36 and anxiety 39 vs 40, off-sick reliable
    improvement 67 vs 60 and 72 vs 65 (four). Unemployed among the off sick, 11 vs 5, has no
    better direction (one)."""
    (section,) = build_report(load_study(DWP), sections=["claims"]).sections
    data = section.data
    assert data["n_claims"] == 14
    assert (data["favour"], data["against"], data["source_null"], data["undirected"]) == (
        5, 4, 4, 1)
    by_label = {r["claim"]: r for r in data["claims"]}
    assert by_label["depression caseness at the final session (in work)"][
        "direction"].startswith("the source: no impact")
    assert "four the source itself calls no impact or not significant" in section.verdict.plain


def test_dwp_claim_is_a_ratio_of_percentages_not_an_adjusted_rr():
    """DWP printed two matched groups' percentages; the RR 26/21 = 1.238 is computed here,
    and is neither reported nor 'adjusted'."""
    from causal.report.headline import claim_sentence

    text = claim_sentence(load_study(DWP))
    assert "adjusted" not in text.plain
    numbers = text.numbers
    assert [(n.text, n.provenance) for n in numbers] == [
        ("26%", "reported"), ("21%", "reported"), ("RR 1.24", "computed")]
    assert numbers[2].value == pytest.approx(26 / 21, rel=1e-12)
    assert "not the source's" in text.plain


def test_thew_time_ordering_and_trials_in_the_verdict():
    """The time-ordering lead gives all three assumed dose-responses' medians, says the
    reported OR is already adjusted for sessions, and compares the simulated crude ORs with
    the crude OR of the counts, 31 x 172 / (35 x 64) = 2.380, not with the adjusted 2.54. The
    trials lead sets no employment outcome against the recovery gap and keeps Hellstrom's
    null OR 1.18 (0.73-1.90)."""
    report = build_report(load_study(THEW), sections=["time_ordering", "randomised"])
    timing, trials = report.sections
    medians = [n for n in timing.lead.numbers if n.provenance == "simulated"]
    rows = timing.data["rows"]
    assert [n.value for n in medians] == [rows["crude OR: median"].min(),
                                          rows["crude OR: median"].max()]
    assert "three assumed dose-responses" in timing.lead.plain
    assert "the reported OR's adjustment for sessions removes it" in timing.lead.plain
    assert "already adjusted for sessions" in timing.verdict.plain
    reference = next(n for n in timing.verdict.numbers if "crude OR" in n.text)
    assert reference.value == pytest.approx(31 * 172 / (35 * 64), rel=1e-12)
    assert reference.provenance == "computed"
    assert "2.54" not in timing.verdict.plain
    text = trials.lead.plain
    assert text.startswith("Three randomised trials measured other outcomes")
    assert "recovery gap" not in text and "none tests the claim" in text
    table = trials.data["summary"]
    hellstrom = table[table.quantity.str.startswith("Hellstrom")].iloc[0]
    assert (hellstrom.estimate, hellstrom.ci_lower, hellstrom.ci_upper) == (1.18, 0.73, 1.9)


def test_thew_one_primary_scale_and_the_zhang_yu_check():
    """Scenarios and the bias analysis report on the risk-ratio scale (RR = sqrt(OR),
    VanderWeele 2017), the OR only as a labelled conversion. 'motivation (hypothesis)' has bias
    factor (0.5 x 2 + 0.5) / (0.2 x 2 + 0.8) = 1.25, so the adjusted RR is
    sqrt(2.54) / 1.25 = 1.2750 and the CI limit sqrt(1.32) / 1.25 = 0.9191. The E-value section
    says sqrt(OR) is conservative: Zhang & Yu with the control risk 64/236 give
    RR = 2.54 / (1 - p0 + 2.54 p0) = 1.79 and E-values 2.98 and 1.73 (RR + sqrt(RR (RR - 1)))."""
    report = build_report(load_study(THEW), sections=["evalue", "sensitivity",
                                                      "probabilistic_bias"])
    evalue, scenarios, pba = report.sections
    motivation = next(s for s in scenarios.data["scenarios"] if s["headline"])
    assert motivation["adjusted_rr"] == pytest.approx(math.sqrt(2.54) / 1.25, rel=1e-12)
    assert motivation["adjusted_ci_limit_rr"] == pytest.approx(math.sqrt(1.32) / 1.25, rel=1e-12)
    assert "RR 1.27, limit 0.92" in scenarios.lead.plain
    frame = scenarios.blocks[1].frame
    assert "adjusted RR" in frame.columns and "as OR (conversion)" in frame.columns
    assert "median RR" in pba.verdict.plain
    p0 = 64 / 236
    rr = 2.54 / (1 - p0 + p0 * 2.54)
    low = 1.32 / (1 - p0 + p0 * 1.32)
    zy = evalue.data["zhang_yu"]
    assert zy["rr"] == pytest.approx(rr, rel=1e-12)
    assert zy["evalue_point"] == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-12)
    assert zy["evalue_ci"] == pytest.approx(low + math.sqrt(low * (low - 1)), rel=1e-12)
    text = " ".join(b.text for b in evalue.blocks if type(b).__name__ == "Paragraph")
    assert "conservative here" in text and "RR 1.79" in text and "2.98 / 1.73" in text
    assert "crude OR 2.38" in text and "model step 1 2.82" in text


def test_one_draw_per_simulated_world_per_report():
    """Every section that reads a simulated world reads the same cohort: the estimates, the
    individual-data sensitivity, the DML bounds and the heterogeneity analysis of a world have
    one data hash (they once used three different seeds, so the same world printed OR 2.80 in
    one section and 2.87 in another)."""
    from causal.analysis import analyse

    study = load_study(THEW)
    analysis = analyse(study, sections=["estimates", "individual_sensitivity", "heterogeneity"])
    by_world = {w.data.world: w.data.sha256 for w in analysis.worlds}
    assert len(by_world) == 2 and len(set(by_world.values())) == 2
    for case in analysis.individual:
        assert case.data.sha256 == by_world[case.data.world]
    data, _ = analysis.heterogeneity
    assert data.sha256 == by_world[data.world]


def test_explain_away_line_names_the_calibrated_world_and_its_scale():
    """The binary confounder's 'about 11.2' is an OR of a binary factor, not comparable with
    the E-value; the calibrated 'self-selection only' world's OR per SD (3.297, the study
    file's calibration on 8,000 simulated cohorts) is printed beside it."""
    from causal.report.sections.explain_away import _calibrated, verdict_text

    class Result:  # the fields verdict_text reads
        replicates, prevalence, reported_or, margins = 200, 0.5, 2.54, "overall"

        def diagonal_crossing(self, kind):
            return 11.2

    study = load_study(THEW)
    text = verdict_text(Result(), _calibrated(study))
    assert "not comparable with the E-value" in text.plain
    assert "OR 3.30 per SD" in text.plain
    calibrated = next(n for n in text.numbers if n.text == "3.30")
    assert calibrated.value == 3.297 and calibrated.provenance == "simulated"


def test_robins_files_post_intervention_adjustment_under_confounding():
    """Adjusting for sessions, which support affects, is ROBINS-I signalling question 1.6
    (confounding domain), not a deviation from the intended intervention; no row lists an
    analysis beside 'nothing in this report speaks to it'."""
    domains = _domains(THEW, ["claim", "audit", "graph", "target_trial", "evalue"])
    assert "adjusts for sessions" in domains.loc["Confounding", "what they found"]
    assert "sessions" not in domains.loc["Deviations from intended interventions",
                                         "what they found"].split("causal contrast")[0]
    for name in ("Thew", "DWP"):
        frame = domains if name == "Thew" else _domains(DWP, ["claims", "claim", "evalue",
                                                              "graph"])
        for _, row in frame.iterrows():
            if row["what they found"] == "nothing in this report speaks to it":
                assert row["analyses in this report"] == "none", row
    dwp = _domains(DWP, ["claims", "claim", "evalue", "graph"])
    assert "14 outcomes or subgroups" in dwp.loc["Selection of the reported result",
                                                 "what they found"]


def test_robins_missing_data_row_reports_complete_case_losses():
    """A complete-case analysis that dropped rows is a missing-data finding (it once said
    nothing in the report spoke to it). The section data record 41 of 100 rows dropped."""
    from causal.report.model import Section

    estimates = Section("estimates", "Estimates", (), {"worlds": [
        {"world": None, "n": 59, "rows_dropped": {"treated": 20, "control": 21}}]})
    frame = robins_section([estimates]).data["domains"].set_index("domain (ROBINS-I)")
    found = frame.loc["Missing data", "what they found"]
    assert "41 of 100 rows (41%)" in found
    assert frame.loc["Missing data", "analyses in this report"] == "[estimates](#estimates)"


def test_graph_without_an_identifying_set_does_not_say_only_sensitivity_analysis():
    report = build_report(load_study(DWP), sections=["graph"])
    text = " ".join(b.text for b in report.sections[0].blocks
                    if isinstance(getattr(b, "text", None), str))
    assert "only sensitivity analysis" not in text and "an instrument" in text


def test_lalonde_verdict_keeps_the_overlap_warning_and_the_experiments_se():
    """The LaLonde estimates lead (quoted by the verdict) says 96.5% of propensity scores are
    near 0 or 1, and the experimental benchmark is an estimate with an SE (the difference in
    means of the 185 treated and 260 controls), not a known truth."""
    (section,) = build_report(load_study(ROOT / "studies" / "lalonde.toml"),
                              sections=["estimates"]).sections
    text = section.lead.plain
    assert "poor overlap: 96.5% of propensity scores extreme (IPW" in text
    assert "experimental truth" not in text
    truth = next(n for n in section.lead.numbers if "randomised experiment" in n.source)
    assert "SE" in truth.source


def test_figures_from_simulated_data_say_simulated_on_the_image(monkeypatch):
    """Every figure a section draws from SIMULATED cohorts carries SIMULATED on the image
    (overlap, balance, forest, OVB and DML contours, heterogeneity); the real data's do not.
    The figures are recorded as they are rendered."""
    import dataclasses

    from causal.plots import _figure
    from causal.report.sections import (
        dml_sensitivity,
        estimates,
        heterogeneity,
        individual_sensitivity,
    )

    drawn: list[tuple[str, bool]] = []

    def recording(figure, fmt="png"):
        drawn.append((fmt, _figure.is_stamped(figure)))
        return b"\x89PNG\r\n\x1a\n"

    for module in (estimates, individual_sensitivity, heterogeneity, dml_sensitivity):
        monkeypatch.setattr(module, "figure_bytes", recording)
    study = dataclasses.replace(load_study(THEW), appendix=True)
    build_report(study, sections=["estimates", "individual_sensitivity", "heterogeneity"])
    # two worlds: 2 forest + overlap + love each, 2 OVB contours, 1 heterogeneity plot; each
    # as PNG and SVG
    assert sorted(fmt for fmt, _ in drawn) == ["png"] * 11 + ["svg"] * 11
    assert all(stamped for _, stamped in drawn), drawn
    drawn.clear()
    build_report(load_study(ROOT / "studies" / "nhefs.toml"), sections=["individual_sensitivity"])
    assert drawn and not any(stamped for _, stamped in drawn)


def test_the_stamp_is_on_the_figure_once():
    from causal.plots._figure import SIMULATED_STAMP, figure_bytes, new_figure, stamp_simulated

    figure, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    plain = figure_bytes(figure)
    stamp_simulated(stamp_simulated(figure))
    assert [t.get_text() for t in figure.texts].count(SIMULATED_STAMP) == 2  # mark + label
    assert figure_bytes(figure) != plain


def test_an_svg_after_its_png_reuses_the_box_only_while_nothing_changed():
    """The SVG drawn straight after its PNG is cropped to the box the PNG drawing measured
    (Agg's text extents, not the SVG renderer's): its size may differ from savefig's own
    tight box by less than the 0.1-inch padding (7.2 pt), so no artist is cut. After a
    change to the figure, the SVG measures its own box, as savefig does."""
    import re

    from causal.plots import _figure
    from causal.plots._figure import figure_bytes, new_figure

    def size(svg: bytes) -> tuple[float, float]:
        width, height = re.search(rb'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg).groups()
        return float(width), float(height)

    def own_box(figure) -> tuple[float, float]:
        _figure._TIGHT_BOXES.pop(figure, None)
        return size(figure_bytes(figure, "svg"))

    figure, ax = new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title " * 5)
    figure_bytes(figure)
    assert figure in _figure._TIGHT_BOXES and not figure.stale
    reused = size(figure_bytes(figure, "svg"))
    assert np.allclose(reused, own_box(figure), atol=7.2)
    figure_bytes(figure)
    ax.set_ylabel("a long label on the y axis " * 2, fontsize=20)
    assert figure.stale
    assert size(figure_bytes(figure, "svg")) == own_box(figure)
    assert size(figure_bytes(figure, "svg"))[0] > reused[0] + 7.2


def test_a_strangers_complete_case_study_states_its_losses_in_the_verdict():
    """Thornton (2008) from causaldata, as `causal init --missing complete_case` drafts it:
    1,991 of its 4,820 rows miss the treatment, the outcome or a covariate (41%, counted here
    from the frame; 1,995 with the village id as a cluster), and the estimates lead the
    verdict quotes says so, as does ROBINS-I."""
    import causaldata

    from causal.study import Study

    frame = causaldata.thornton_hiv.load_pandas().data
    columns = ["any", "got", "distvct", "age", "hiv2004"]
    lost = int(frame[columns].isna().any(axis=1).sum())
    assert (lost, len(frame)) == (1991, 4820)
    study = Study.from_frame(frame, treatment="any", outcome="got",
                             covariates=["distvct", "age", "hiv2004"],
                             missing="complete_case", name="thornton")
    report = build_report(study, sections=["estimates"])
    (section,) = report.sections
    assert f"complete cases only: {lost:,} of {len(frame):,} rows (41%) dropped" in \
        section.lead.plain
    frame = robins_section(list(report.sections)).data["domains"].set_index(
        "domain (ROBINS-I)")
    assert f"{lost:,} of 4,820 rows (41%)" in frame.loc["Missing data", "what they found"]


def test_a_graph_without_unmeasured_confounders_is_valid_only_by_assumption():
    from causal.report.headline import graph_sentence

    text = graph_sentence({"identifiable": True, "published_set_valid": True, "latent": []})
    assert "declares no unmeasured confounder" in text and "by that assumption" in text


def test_dml_contour_labels_do_not_pile_up_at_the_origin():
    """Benchmarks near the origin (as measured covariates usually are) get labels whose boxes
    do not overlap; every marker is in the legend, and the title says what the dashed line
    is in words."""
    from matplotlib.text import Annotation, Text

    from causal.plots._figure import new_figure
    from causal.plots.dml_bounds import plot_dml_contour
    from causal.sensitivity.omitted_variable.dml_result import DMLContour

    cf = np.linspace(0, 0.2, 21)
    values = 0.2 - np.add.outer(cf, cf)  # a plane through 0: the null contour exists
    grid = DMLContour(cf_d=cf, cf_y=cf, values=values, value="bound", side="lower",
                      rho=1.0, null=0.0, estimate=0.2)
    figure, ax = new_figure(6.4, 5.2)
    points = [("age", 0.002, 0.001), ("sex", 0.001, 0.002), ("phq9_baseline", 0.003, 0.003),
              ("gad7_baseline", 0.0015, 0.0005)]
    plot_dml_contour(grid, ax=ax, points=points, scenario=(0.03, 0.03))
    renderer = figure.canvas.get_renderer()
    labels = [a for a in ax.texts if isinstance(a, Annotation)
              and a.get_text() in {p[0] for p in points}]
    assert len(labels) == 4
    boxes = []
    for annotation in labels:
        annotation.update_positions(renderer)
        boxes.append(Text.get_window_extent(annotation, renderer))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("the estimate" in t for t in legend) and any("scenario" in t for t in legend)
    assert "dashed: 0" not in ax.get_title() and "red dashed contour" in ax.get_title()


def test_tipping_heatmap_colour_bar_is_in_risk_ratios():
    """The heatmap's colour bar reads in risk ratios, the scale of the scenario table (it
    was labelled in log-RR beside an OR table); ticks sit at log(RR)."""
    from causal.measures import OddsRatio
    from causal.plots._figure import new_figure
    from causal.plots.tipping import plot_tipping_heatmap
    from causal.sensitivity.surfaces import tipping_surface

    surface = tipping_surface(OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False),
                              prevalence_control=0.2)
    figure, ax = new_figure()
    plot_tipping_heatmap(surface, ax=ax)
    colorbar = figure.axes[-1]
    assert "risk ratio" in colorbar.get_ylabel() and "log of" not in colorbar.get_ylabel()
    ticks = dict(zip([round(t, 9) for t in colorbar.get_yticks()],
                     [t.get_text() for t in colorbar.get_yticklabels()], strict=True))
    assert ticks[0.0] == "1" and ticks[round(math.log(2), 9)] == "2"


def test_tables_have_readable_headers_and_one_format_per_column():
    """Raw field names become headers a reader reads, and a column prints one number of
    decimals (the reviewer saw 0.09091 beside -0.08683 and 0.2196): four significant digits
    of the column's largest value, 0.3459, give four decimals for every row."""
    import pandas as pd

    from causal.report.render import readable

    frame = pd.DataFrame({"method": ["IPW", "PS matching"], "estimate": [0.2196, 0.09091],
                          "ci_lower": [0.0933, -0.08683], "ci_upper": [0.3459, 0.2687],
                          "n": [302.0, 302.0]})
    shown = readable(frame, 4)
    assert list(shown.columns) == ["method", "estimate", "CI lower", "CI upper", "n"]
    assert list(shown["estimate"]) == ["0.2196", "0.0909"]
    assert list(shown["CI lower"]) == ["0.0933", "-0.0868"]
    assert list(shown["n"]) == ["302", "302"]


def test_report_off_a_terminal_prints_its_progress(tmp_path, capsys):
    """Off a terminal (a log, a pipe, this test) the live bar cannot draw, so each step is a
    plain line on stderr; a long report no longer prints nothing for minutes."""
    from causal.cli import main

    assert main(["report", str(THEW), "--out", str(tmp_path / "r"), "--section",
                 "evalue"]) == 0
    assert "... section: evalue" in capsys.readouterr().err


def test_html_graph_keeps_its_drawn_size():
    """The causal graph is shown at its drawn size (PNG pixels at 200 dpi, 96 CSS px per inch)
    and scrolls sideways instead of shrinking to the column's width."""
    import re

    from causal.report.render import _png_width, to_html

    report = build_report(load_study(DWP), sections=["graph"])
    (figure,) = report.figures
    width = _png_width(figure.png)
    html = to_html(report)
    assert f'style="width: {round(width * 96 / 200)}px; max-width: none;"' in html
    assert re.search(r'<figure id="fig-causal_graph" class="wide">', html)


def test_p_values_below_the_columns_resolution_read_as_a_bound():
    """A p-value that would print as 0 (an underflow, or below the column's decimals) reads
    "<0.001"; larger ones keep the column's decimals; an empty cell stays empty."""
    import pandas as pd

    from causal.report.render import readable

    shown = readable(pd.DataFrame({"p_value": [0.0, 0.3, float("nan"), 4e-4, 6e-4]}), 3)["p"]
    assert list(shown) == ["<0.001", "0.300", "", "<0.001", "0.001"]
    assert list(readable(pd.DataFrame({"p_value": [0.0]}), 3)["p"]) == ["<0.001"]
    assert list(readable(pd.DataFrame({"p_value": [0.0312, 0.0501]}), 3)["p"]) == [
        "0.0312", "0.0501"]
