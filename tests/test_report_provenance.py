"""Every number in the verdict and "At a glance" carries its provenance (issue 12).

The bundled studies' reports are built once each; the tests read report.json, where each
verdict and each at-a-glance line has its plain text and a list of tagged numbers. A number
printed in the text but missing from the list is an untagged number and fails the test.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from causal.cli import main
from causal.report.provenance import Number, Text, count_words, estimate_text
from tests.conftest import ROOT, THEW

STUDIES = {"thew2024": THEW, "nhefs": ROOT / "studies" / "nhefs.toml",
           "lalonde": ROOT / "studies" / "lalonde.toml",
           "dwp_ea_iapt": ROOT / "studies" / "dwp_ea_iapt.toml"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = {}
    for name, path in STUDIES.items():
        folder = tmp_path_factory.mktemp(name)
        # Thew with its teaching appendix, so the appendix's layout is tested too (the
        # verdict and the evidence sections are the same without it)
        extra = ["--appendix"] if name == "thew2024" else []
        assert main(["report", str(path), "--out", str(folder), "--quiet", *extra]) == 0
        out[name] = (json.loads((folder / "report.json").read_text()),
                     (folder / "report.md").read_text(), (folder / "report.html").read_text())
    return out


def untagged(text: str, numbers: list[dict]) -> list[str]:
    """Numbers printed in ``text`` that are not among the tagged ``numbers``.

    Each tagged number's printed text is removed in reading order; what is left may hold no
    number except inside quoted labels ('model step 1'), link targets and identifiers (PHQ-9,
    thew2024, phq9_baseline).
    """
    rest = text
    for number in numbers:
        index = rest.find(number["text"])
        assert index >= 0, f"tagged text {number['text']!r} not found in order in {text!r}"
        rest = rest[:index] + " | " + rest[index + len(number["text"]):]
    rest = re.sub(r"'[^']*'", "", rest)
    rest = rest.replace("one-sided 95%", "")  # a confidence level, not a number of the study
    rest = re.sub(r"\]\(#[\w-]+\)", "]", rest)
    return re.findall(r"(?<![\w\-.])\d[\d,.]*(?![\w\-])", rest)


def lines(document: dict) -> list[dict]:
    """The verdict and every at-a-glance line, each as {text, numbers}."""
    verdict = document["sections"][0]
    assert verdict["key"] == "verdict"
    return [verdict["data"]["answer"]] + document["summary"]


@pytest.mark.parametrize("name", list(STUDIES))
def test_every_number_in_verdict_and_glance_is_tagged(reports, name):
    document = reports[name][0]
    for line in lines(document):
        assert untagged(line["text"], line["numbers"]) == [], line["text"]
        for number in line["numbers"]:
            assert number["provenance"] in ("reported", "computed", "assumed", "simulated",
                                            "measured")
            assert number["source"], number


@pytest.mark.parametrize("name", ["nhefs", "lalonde"])
def test_real_data_reports_have_no_simulated_or_assumed_numbers(reports, name):
    document = reports[name][0]
    kinds = {n["provenance"] for line in lines(document) for n in line["numbers"]}
    assert kinds <= {"reported", "computed", "measured"}
    assert "measured" in kinds
    assert not any(s["simulated"] for s in document["sections"])


def test_thew_verdict_tags_every_number(reports):
    """The Thew verdict's numbers, in reading order, with their provenance.

    Values: 2.54 (1.32-4.89) and 2.82 as printed [A]/[B]; 2.38 = 31*172/(35*64) from the
    counts; 302 = 66 + 236 [B]; E-values with RR = sqrt(OR) (VanderWeele 2017):
    RR + sqrt(RR(RR - 1)) at sqrt(2.54) and sqrt(1.32); the scenario's 50%, 20% and 2 are
    the study file's hypothesis, bias factor (0.5*2 + 0.5)/(0.2*2 + 0.8) = 1.25, adjusted RR
    sqrt(2.54) / 1.25 = 1.2750 and CI limit sqrt(1.32) / 1.25 = 0.9191 (one scale, the risk
    ratio); the selection-bias E-value with no assumptions is
    sqrt(y) + sqrt(sqrt(y)(sqrt(y) - 1)) with y = sqrt(2.54) (Smith & VanderWeele 2019); the
    multi-bias E-value is the root of e^7 / (2e - 1)^3 = sqrt(2.54) (checked by its own test
    file against EValue 4.1.3); the time-ordering medians are seeded simulations.
    """
    answer = reports["thew2024"][0]["sections"][0]["data"]["answer"]
    tagged = [(n["text"], n["provenance"]) for n in answer["numbers"]]
    assert tagged == [
        ("OR 2.54 (95% CI 1.32–4.89)", "reported"),
        ("2.82", "reported"), ("2.38", "computed"), ("302", "reported"),
        ("2.57", "computed"), ("1.56", "computed"),
        ("50%", "assumed"), ("20%", "assumed"), ("2", "assumed"),
        ("1.27", "computed"), ("0.92", "computed"),
        ("1.84", "computed"), ("1.32", "computed"),
        (tagged[-2][0], "simulated"), (tagged[-1][0], "simulated")]
    values = [n["value"] for n in answer["numbers"]]
    rr = math.sqrt(2.54)
    assert values[2] == pytest.approx(31 * 172 / (35 * 64), rel=1e-12)
    assert values[4] == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-12)
    lo = math.sqrt(1.32)
    assert values[5] == pytest.approx(lo + math.sqrt(lo * (lo - 1)), rel=1e-12)
    assert values[9] == pytest.approx(rr / 1.25, rel=1e-12)
    assert values[10] == pytest.approx(lo / 1.25, rel=1e-12)
    s = math.sqrt(rr)
    assert values[11] == pytest.approx(s + math.sqrt(s * (s - 1)), rel=1e-10)
    e = values[12]
    assert e**7 / (2 * e - 1) ** 3 == pytest.approx(rr, rel=1e-9)
    sources = {n["text"]: n["source"] for n in answer["numbers"]}
    assert sources["OR 2.54 (95% CI 1.32–4.89)"] == "[A] OR; [B] CI and p"
    assert sources["2.82"] == "[B]"
    assert "hypothesis" in sources["50%"]
    assert "median of 2000" in answer["numbers"][-1]["source"]


def test_thew_verdict_is_short_and_links_to_the_evidence(reports):
    document, markdown, html = reports["thew2024"]
    data = document["sections"][0]["data"]
    assert 100 <= data["words"] <= 150
    keys = {s["key"] for s in document["sections"]}
    for anchor in re.findall(r"\]\(#([\w-]+)\)", data["answer"]["text"]):
        assert anchor in keys | {"appendix"}
        assert f'<a id="{anchor}"></a>' in markdown and f'id="{anchor}"' in html
    assert "1.28" not in data["answer"]["text"] and "1.14" not in data["answer"]["text"]


def test_thew_glance_separates_real_from_simulated(reports):
    document, markdown, html = reports["thew2024"]
    simulated = {s["key"] for s in document["sections"] if s["simulated"]}
    assert simulated == {"estimates", "heterogeneity", "refutations", "individual_sensitivity",
                         "dml_sensitivity", "explain_away", "time_ordering"}
    for line in document["summary"]:
        kinds = {n["provenance"] for n in line["numbers"]}
        if line["simulated"]:
            assert "SIMULATED" in line["text"] and "measured" not in kinds
        else:
            assert "simulated" not in kinds and "measured" not in kinds
    glance = markdown[markdown.index("## At a glance"):markdown.index("## The claim")]
    assert glance.index("**The study**") < glance.index("**SIMULATED**")
    appendix = markdown.index("## Appendix: SIMULATED data")
    for key in simulated:
        assert markdown.index(f'<a id="{key}"></a>') > appendix
    assert markdown.index('<a id="robins"></a>') < appendix
    single = next(line for line in document["summary"] if line["section"] == "estimates")
    assert "single draws" in single["text"]
    assert {n["source"] for n in single["numbers"] if n["provenance"] == "simulated"} == {
        "one draw"}
    assert 'class="num reported"' in html and 'class="num simulated"' in html


def test_thew_audit_counts_one_problem(reports):
    document = reports["thew2024"][0]
    audit = next(s for s in document["sections"] if s["key"] == "audit")
    assert audit["data"]["problems"] == 1
    assert audit["verdict"].startswith("Audit: one problem in the published numbers")


def test_thew_one_frontier_with_its_matching_mode(reports):
    document, markdown, _ = reports["thew2024"]
    section = next(s for s in document["sections"] if s["key"] == "explain_away")
    data = section["data"]
    assert data["margins"] == "overall"
    matched, feasible, total = (data["matched_cells"], data["arms_feasible_cells"],
                                data["cells_total"])
    assert total == 64 and matched == 64 and feasible < matched
    text = markdown[markdown.index('<a id="explain_away"></a>'):]
    assert f"{matched} of {total} cells could be matched" in text
    assert f"only {feasible} of the same {total} cells" in text
    assert "13.0" not in text and "could not be matched" not in text
    assert "matching mode 'overall'" in section["verdict"]
    assert "ASSUMES (it does not measure)" in text


def test_thew_scenarios_carry_their_basis(reports):
    document, markdown, _ = reports["thew2024"]
    section = next(s for s in document["sections"] if s["key"] == "sensitivity")
    assert {b["basis"] for b in section["data"]["bases"].values()} == {"hypothesis"}
    assert "all hypotheses of the study file" in section["verdict"]
    assert "Verbist" in markdown and "Crane" in markdown


def test_new_sections_are_in_the_thew_report(reports):
    keys = [s["key"] for s in reports["thew2024"][0]["sections"]]
    for key in ("target_trial", "selection_bias", "multi_bias", "probabilistic_bias",
                "randomised", "time_ordering", "robins"):
        assert key in keys
    markdown = reports["thew2024"][1]
    assert "does not replace it" in markdown
    assert "None of these trials measured this study's outcome in its population" in markdown


def test_lalonde_money_is_formatted(reports):
    markdown = reports["lalonde"][1]
    assert "e+0" not in markdown
    assert "MD $1,199 (95% CI $112 to $2,286)" in markdown


def test_refutation_tables_have_one_pass_fail_column(reports):
    document = reports["nhefs"][0]
    markdown = reports["nhefs"][1]
    assert "| estimator | refuter | pass/fail | passes when |" in markdown
    section = next(s for s in document["sections"] if s["key"] == "refutations")
    assert section["verdict"] == ("Refutation tests: the data: outcome regression five of five, "
                                  "IPW five of five, AIPW five of five passed.")


# ---- the value type --------------------------------------------------------------------
def test_number_and_text_render_provenance():
    n = Number(2.54, "reported", "[A]", "OR 2.54")
    m = Number(0.5, "assumed", "study file's hypothesis", "50%")
    text = Text.of("The claim: ", n, "; prevalence ", m, ".")
    assert text.plain == "The claim: OR 2.54; prevalence 50%."
    assert text.markdown() == ("The claim: OR 2.54 _(reported [A])_; prevalence 50% "
                               "_(assumed, study file's hypothesis)_.")
    assert text.numbers == (n, m) and "OR 2.54" in text
    assert n.to_dict() == {"value": 2.54, "text": "OR 2.54", "provenance": "reported",
                           "source": "[A]"}
    with pytest.raises(ValueError, match="`provenance` must be one of"):
        Number(1.0, "guessed")  # type: ignore[arg-type]
    assert count_words(3) == "three" and count_words(64) == "64"
    assert estimate_text("OR", 2.54, (1.32, 4.89)) == "OR 2.54 (95% CI 1.32–4.89)"
    assert estimate_text("MD", -8498.0, (-9000.0, -8000.0)) == (
        "MD -8,498 (95% CI -9,000 to -8,000)")


# ---- the reviewer's checklist (issue 21) ---------------------------------------------------
@pytest.mark.parametrize("name", list(STUDIES))
def test_reviewers_checklist(reports, name):
    """For each bundled study's report.md: the verdict stays within 150 words (link targets
    and provenance markers not counted), every number in it carries a marker, no missing
    value is printed as a number or as 'nan' / 'None', and every 'computed' number of the
    verdict and the glance names what it was computed from."""
    document, markdown, html = reports[name]
    verdict = document["sections"][0]["data"]
    assert verdict["words"] <= 150, verdict["plain"]
    block = markdown[markdown.index("## Verdict"):markdown.index("Markers: ")]
    callout = next(line for line in block.splitlines() if line.startswith("> **"))
    for number in verdict["answer"]["numbers"]:
        assert f"{number['text']} [{number['provenance']}" in callout, number
    # with the markers and the tagged numbers removed, no number is left (quoted labels,
    # link targets and the Markdown emphasis aside)
    rest = re.sub(r" \[(reported|computed|assumed|simulated|measured)[^\]]*\]", "", callout)
    for number in verdict["answer"]["numbers"]:
        rest = rest.replace(number["text"], "|", 1)
    rest = re.sub(r"\]\(#[\w-]+\)", "]", re.sub(r"'[^']*'", "", rest))
    assert re.findall(r"(?<![\w\-.])\d[\d,.]*(?![\w\-])", rest) == [], rest
    for word in (" nan", "NaN", ": None", "(None)"):
        assert word not in markdown, word
    for line in lines(document):
        for number in line["numbers"]:
            if number["provenance"] == "computed":
                assert number["source"], number  # its inputs: what it was computed from
    assert "computed</span>" not in html  # chips copy as "2.57 [computed]"
    assert re.search(r'<span class="prov"> \[\w', html)


def test_thew_default_report_leaves_the_teaching_appendix_out(tmp_path):
    """Without --appendix a study on SIMULATED data gets no teaching appendix (estimates,
    refutations, individual sensitivity on simulated cohorts), and says so in one line."""
    from causal.report import build_report
    from causal.study import load_study

    study = load_study(THEW)
    assert not study.appendix
    assert {"estimates", "refutations", "individual_sensitivity", "dml_sensitivity",
            "heterogeneity"} <= set(study.left_out)
    report = build_report(study, sections=["claim"])
    assert [s.key for s in report.sections] == ["claim"]


def test_section_report_does_not_replace_a_full_report(tmp_path, capsys):
    """`--section` refuses a folder holding a full report (it once replaced it, deleting its
    18 figures) unless --force; without --out it writes a folder of its own."""
    folder = tmp_path / "full"
    assert main(["report", str(THEW), "--out", str(folder), "--quiet", "--section",
                 "evalue"]) == 0
    document = json.loads((folder / "report.json").read_text())
    document["sections"].insert(0, {"key": "verdict"})  # as a full report has
    (folder / "report.json").write_text(json.dumps(document))
    assert main(["report", str(THEW), "--out", str(folder), "--quiet", "--section",
                 "evalue"]) == 2
    assert "holds a full report" in capsys.readouterr().err
    assert json.loads((folder / "report.json").read_text())["sections"][0]["key"] == "verdict"
