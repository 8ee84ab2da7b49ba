"""The SE convention of a published IPW answer (``[[published]] se``), in `estimate_study`,
`causal estimate` and the report's estimates section.

Published answer: Hernan & Robins, *Causal Inference: What If*, Program 12.2 (R ``geeglm``
with nonstabilised weights, robust "san.se" SE, i.e. the weights treated as known): IPW 3.44,
95% CI 2.41 to 4.47, printed to two decimals. Our ``IPW(se="fixed_weights")`` is that SE
(tests/test_estimate_reference.py checks it against Stata to 1e-6).
"""

from __future__ import annotations

import pytest

from causal.cli import main
from causal.errors import StudySpecError
from causal.estimate.study import estimate_study
from causal.study import load_study
from tests.conftest import ROOT

NHEFS = ROOT / "studies" / "nhefs.toml"
FIXED = "robust SE treating the weights as known"
SANDWICH = "sandwich SE accounting for the estimated propensity score"


@pytest.fixture(scope="module")
def nhefs():
    return estimate_study(NHEFS)


def test_nhefs_ipw_reproduces_program_12_2_with_the_answers_se(nhefs):
    ipw = [i for i, e in enumerate(nhefs.estimates) if e.method == "IPW"]
    assert [nhefs.ipw_se[i] for i in ipw] == ["sandwich", "fixed_weights"]
    default, fixed = (nhefs.estimates[i] for i in ipw)
    answer = nhefs.compared_with(ipw[1])
    assert answer is not None and answer.label == "IP weighting, Program 12.2 output"
    assert answer.se == "fixed_weights"
    # printed precision: 3.44 (2.41, 4.47)
    assert round(fixed.estimate, 2) == 3.44
    assert (round(fixed.ci[0], 2), round(fixed.ci[1], 2)) == (2.41, 4.47) == answer.ci
    assert nhefs.se_conventions[ipw[1]] == FIXED
    # the default row is not compared with that answer, and (Lunceford & Davidian 2004)
    # accounting for the estimated score narrows the interval
    assert nhefs.compared_with(ipw[0]) is None
    assert nhefs.se_conventions[ipw[0]] == SANDWICH
    assert default.estimate == fixed.estimate
    assert default.std_error < fixed.std_error


def test_every_row_names_its_se_convention(nhefs):
    notes = nhefs.summary()["note"]
    assert all("SE" in note for note in notes)
    assert notes[nhefs.ipw_se.index("fixed_weights")].endswith(
        f"{FIXED}; vs published 'IP weighting, Program 12.2 output'")


def test_estimate_command_prints_the_book_interval(capsys):
    assert main(["estimate", str(NHEFS)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if FIXED in line)
    assert "| 2.411 | 4.47 | IPW |" in row
    assert SANDWICH in out


def test_report_section_names_the_convention():
    from causal.report import build_report

    (section,) = build_report(load_study(NHEFS), sections=["estimates"]).sections
    rows = section.data["worlds"][0]["estimates"]
    ipw = [r for r in rows if r["method"] == "IPW"]
    assert [r["SE convention of the CI"] for r in ipw] == [SANDWICH, FIXED]
    assert ipw[1]["published CI"] == "2.41–4.47" and ipw[1]["published"] == 3.44
    assert ipw[0]["published CI"] == "" and ipw[0]["published"] != ipw[0]["published"]  # NaN
    published = next(b for b in section.blocks if getattr(b, "caption", "").startswith(
        "Published answers"))
    assert list(published.frame["SE convention"]) == ["", "fixed_weights", ""]


@pytest.mark.parametrize(("replace", "match"), [
    ('se = "fixed_weights"', r"field `published\[1\].se` must be one of 'sandwich', "
                             r"'fixed_weights'; got 'robust'"),
    ('method = "crude"\nmeasure = "MD"\nestimate = 2.5\n',
     r"field `published\[0\].se` must be absent unless method = 'ipw'"),
])
def test_bad_se_key_is_refused(tmp_path, capsys, replace, match):
    text = NHEFS.read_text()
    assert replace in text
    new = ('se = "robust"' if replace.startswith("se") else replace + 'se = "sandwich"\n')
    bad = tmp_path / "nhefs.toml"
    bad.write_text(text.replace(replace, new).replace('"../dags/', f'"{ROOT}/dags/'))
    with pytest.raises(StudySpecError, match=match):
        load_study(bad)
    assert main(["estimate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
