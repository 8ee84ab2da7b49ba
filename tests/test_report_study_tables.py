"""The study tables added for issue 12: each parses into its value, and bad input names the
field in one sentence."""

from __future__ import annotations

import pytest

from causal.claims import GroupCounts, PublishedClaim, ReportedEstimate, audit
from causal.errors import StudySpecError
from causal.study import load_study
from tests.conftest import ROOT, THEW


def _thew_text() -> str:
    return THEW.read_text().replace('"../dags/', f'"{ROOT / "dags"}/')


def _load_edited(tmp_path, old: str, new: str):
    text = _thew_text()
    assert old in text, old
    path = tmp_path / "thew.toml"
    path.write_text(text.replace(old, new, 1))
    return load_study(path)


def test_thew_tables_parse():
    from causal.report.units import outcome_unit
    from causal.study.tables.probabilistic_spec import probabilistic_bias_spec
    from causal.study.tables.randomised_spec import randomised_evidence
    from causal.study.tables.selection_spec import multi_bias_spec, selection_spec
    from causal.study.tables.target_trial_spec import target_trial
    from causal.study.tables.time_ordering_spec import time_ordering_spec
    from causal.study.values.scenario_basis import scenario_bases, scenario_benchmarks

    study = load_study(THEW)
    bases = scenario_bases(study)
    assert set(bases) == {"weak engagement", "motivation (hypothesis)", "strong motivation",
                          "any confounder of strength 2"}
    assert {b.basis for b in bases.values()} == {"hypothesis"}
    assert scenario_benchmarks(study).numeric is False
    selection = selection_spec(study)
    assert selection.assumed.parameter_names() == ("rr_uy_a1", "rr_su_a1", "rr_uy_a0",
                                                    "rr_su_a0")
    multi = multi_bias_spec(study)
    assert multi.biases == ("confounding", "selection", "outcome_misclassification")
    assert [b.kind for b in multi.assumed] == ["confounding", "selection", "misclassification"]
    assert probabilistic_bias_spec(study).n_draws == 100_000
    assert [e.label for e in randomised_evidence(study)] == [
        "Reme et al. 2015", "Reme et al. 2019", "Hellstrom et al. 2017"]
    assert len(target_trial(study).departures()) == 8
    assert time_ordering_spec(study).recovery_or_per_doubling == (1.5, 2.0, 3.0)
    assert outcome_unit(study) is None
    assert outcome_unit(load_study(ROOT / "studies" / "lalonde.toml")) == "USD"


@pytest.mark.parametrize(("old", "new", "match"), [
    ('name = "motivation (hypothesis)"\\nheadline = true\\nbasis = "hypothesis"',
     'name = "motivation (hypothesis)"\\nheadline = true\\nbasis = "evidence"',
     r"field `scenarios\[1\].citation` must be a citation"),
    ('basis = "hypothesis"\\njustification = "a weak', 'basis = "guess"\\njustification = "a weak',
     r"field `scenarios\[0\].basis` must be 'evidence' or 'hypothesis'"),
    ("rr_su_a0 = 1.5\\n", "",
     r"field `selection_bias.rr_su_a0` must be given with the other three"),
    ('analysed = "LP7 clients who', 'analysed_by = "LP7 clients who',
     r"unknown field `selection_bias.analysed_by` \(did you mean .analysed.\?\)"),
    ('biases = ["confounding", "selection", "outcome_misclassification"]',
     'biases = ["confounding", "exposure"]', r"field `multi_bias.biases` must be a list"),
    ("confounding = [2.5, 2.0]", "confounding = [0.5, 2.0]",
     r"field `multi_bias.confounding` must be a risk ratio >= 1"),
    ('outcome_rr = {kind = "triangular", params = [1.0, 2.0, 3.0]}',
     'outcome_rr = {kind = "triangular", params = [3.0, 2.0, 1.0]}',
     r"field `probabilistic_bias.outcome_rr`: a triangular prior needs increasing"),
    ("n_draws = 100000", "n_draws = 10", r"field `probabilistic_bias.n_draws` must be"),
    ('caveat = "outcome is employment, not clinical recovery; population is not LP7"', "",
     r"`caveat` of 'Reme et al. 2019' must say how its outcome and population differ"),
    ("[target_trial.follow_up]", "[target_trial.followup]",
     r"unknown field `target_trial.followup` \(did you mean 'follow_up'\?\)"),
    ("n_replicates = 2000", "n_replicates = 5",
     r"field `time_ordering.n_replicates` must be an integer from 100"),
])
def test_bad_tables_name_the_field(tmp_path, old, new, match):
    with pytest.raises(StudySpecError, match=match):
        _load_edited(tmp_path, old.replace("\\n", "\n"), new.replace("\\n", "\n"))


def test_outcome_unit_must_be_a_string(tmp_path):
    with pytest.raises(StudySpecError, match=r"field `study.outcome_unit` must be a unit"):
        _load_edited(tmp_path, 'name = "thew2024"', 'name = "thew2024"\noutcome_unit = 3')


def test_audit_counts_distinct_problems():
    """Thew: the step-1 OR fails the counts and the tables check, one problem. A second,
    separate problem (a percentage that disagrees with its counts) counts apart."""
    step1 = ReportedEstimate("model step 1", "OR", 2.82, (1.56, 5.08), adjustment="unknown")
    treated = GroupCounts("treated", 31, 66, 47)
    control = GroupCounts("control", 64, 236, 27)
    one = audit(PublishedClaim(treated=treated, control=control, estimates=(step1,)))
    failing = [f for f in one.findings if f.severity in ("warning", "error")]
    assert {f.check for f in failing} == {"counts", "tables"}
    assert len(failing) == 2 and len(one.problems) == 1
    wrong_percent = GroupCounts("treated", 31, 66, 52)  # 31/66 = 46.97%, not 52%
    two = audit(PublishedClaim(treated=wrong_percent, control=control, estimates=(step1,)))
    assert len(two.problems) == 2


def test_labels_do_not_overlap():
    from matplotlib.text import Text

    from causal.plots._figure import new_figure
    from causal.plots._labels import place_labels

    figure, ax = new_figure()
    ax.set_xlim(0, 0.4)
    ax.set_ylim(0, 0.4)
    items = [(f"{k}x phq9_baseline", 0.001 * k, 0.003 * k) for k in (1, 2, 3)]
    items.append(("motivation (true; known only in simulation)", 0.017, 0.0))
    annotations = place_labels(ax, items)
    renderer = figure.canvas.get_renderer()
    boxes = []
    for annotation in annotations:
        annotation.update_positions(renderer)
        boxes.append(Text.get_window_extent(annotation, renderer))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_robins_summary_lists_every_domain():
    from causal.report import build_report
    from causal.report.robins import DOMAINS, robins_section

    study = load_study(THEW)
    report = build_report(study, sections=["claim", "audit", "evalue", "selection_bias"])
    section = robins_section(list(report.sections))
    frame = section.data["domains"]
    assert list(frame["domain (ROBINS-I)"]) == [d[0] for d in DOMAINS]
    assert len(frame) == 7
    assert "does not replace it" in section.blocks[0].text
    selection = frame.set_index("domain (ROBINS-I)").loc["Selection of participants"]
    assert "selection-bias E-value 1.84" in selection["what they found"]
