"""The study loader under mistaken and hostile input: one sentence naming the file and the
field, a suggestion for a misspelt key in every table, budgets checked before allocation."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from causal.errors import StudySpecError
from causal.study import load_study

ROOT = Path(__file__).resolve().parents[1]
STUDIES = ROOT / "studies"

MINIMAL = """
[study]
name = "s"
title = "t"
treatment = "x"
outcome = "y"
[claim.treated]
events = 10
total = 50
[claim.control]
events = 5
total = 50
"""
ESTIMATE = '[[claim.estimates]]\nlabel = "m"\nmeasure = "OR"\nestimate = 2.5\nci = [1.3, 4.8]\n'
RARE = "[evalue]\nrare_outcome = false\n"


def _load(tmp_path: Path, text: str):
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    return load_study(path)


def _one_sentence(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message
    assert len(message) < 600


CASES = [
    (ESTIMATE.replace("ci = [1.3, 4.8]", 'ci = ["a", "b"]') + RARE,
     r"field `claim\.estimates\[0\]\.ci` must be a list \[lower, upper\] of two numbers "
     r"\(limit 1\); got 'a'"),
    (ESTIMATE.replace("ci = [1.3, 4.8]", "ci = [[1], [2]]") + RARE,
     r"field `claim\.estimates\[0\]\.ci` must be a list \[lower, upper\] of two numbers; "
     r"got \[\[1\], \[2\]\]"),
    (ESTIMATE.replace("estimate = 2.5", 'estimate = "big"') + RARE,
     r"field `claim\.estimates\[0\]\.estimate` must be a number; got 'big'"),
    (ESTIMATE.replace("estimate = 2.5", "estimate = 5e-324") + RARE,
     r"`estimate` of 'm' must be a ratio between 1e-06 and 1e\+06; got 4\.94066e-324"),
    (ESTIMATE.replace("estimate = 2.5", "estimate = 1e308").replace("4.8]", "1e308]") + RARE,
     r"`estimate` of 'm' must be a ratio between 1e-06 and 1e\+06; got 1e\+308"),
    (ESTIMATE.replace("estimate = 2.5", "estimate = inf") + RARE,
     r"field `claim\.estimates\[0\]\.estimate` must be a number \(finite\); got inf"),
    (ESTIMATE + 'adjusted_for = [1, "age"]\n' + RARE,
     r"field `claim\.estimates\[0\]\.adjusted_for` must be a list of column names; "
     r"got \[1, 'age'\]"),
    (ESTIMATE + 'adjusted_for = "age"\n' + RARE,
     r"must be a list of column names \(a TOML list such as \['age'\], not a string\)"),
    (ESTIMATE + "headline = true\n" + ESTIMATE.replace('"m"', '"n"') + "headline = true\n"
     + RARE, r"field `claim`: `headline` must be true for at most one estimate; got 2 "
             r"\('m', 'n'\)"),
    (MINIMAL.replace('name = "s"', 'name = "s"\nnmae = "s"'),
     r"unknown field `study\.nmae` \(did you mean 'name'\?\); the known fields of \[study\]"),
    (ESTIMATE.replace("estimate = 2.5", "estimate = 2.5\nestimat = 2.5") + RARE,
     r"unknown field `claim\.estimates\[0\]\.estimat` \(did you mean 'estimate'\?\)"),
    ("[evalu]\nrare_outcome = false\n",
     r"unknown field `evalu` \(did you mean 'evalue'\?\); the known fields are"),
    ('[graph]\nfile = "a\\u0000b.dot"\n', r"field `graph\.file` must be a path to a graph "
                                          r"file .*, without NUL characters; got 'a\\x00b.dot'"),
    ('[graph]\nfile = "' + "a" * 5000 + '.dot"\n',
     r"field `graph\.file` must be a path .*, at most 1,024 characters; got 5,004 characters\.$"),
    ('[data]\nsource = "simulated"\ncovariates = ["age"]\nn = 10000000000000\n'
     'latent = ["motivation"]\n',
     r"field `data\.n` must be an integer cohort size \(budget for a simulated cohort\) from "
     r"2 to 10,000,000; got 10000000000000\."),
    ('[data]\nsource = "causaldata:nhefs_complete"\ncovariates = "age"\n',
     r"field `data\.covariates` must be a list of column names \(a TOML list such as "
     r"\['age'\], not a string\); got 'age'\."),
    (MINIMAL.replace("total = 50\n[claim.control]", "total = 1000000000\n[claim.control]")
     .replace("events = 10", "events = 100"),
     r"field `claim\.treated\.total` must be a positive integer group size from 1 to "
     r"100,000,000 \(the budget for a study file\); got 1000000000"),
]


@pytest.mark.parametrize(("extra", "match"), CASES)
def test_bad_input_is_one_sentence(tmp_path, extra, match):
    text = extra if "[study]" in extra else MINIMAL + extra
    with pytest.raises(StudySpecError, match=match) as error:
        _load(tmp_path, text)
    assert str(error.value).startswith(str(tmp_path / "study.toml"))
    _one_sentence(str(error.value))


def test_deep_nesting_is_refused(tmp_path):
    text = MINIMAL + "deep = " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(StudySpecError, match=r"nested too deeply to read"):
        _load(tmp_path, text)


def test_large_study_file_is_refused_before_parsing(tmp_path):
    text = MINIMAL + "# " + "x" * (3 * 2**20) + "\n"
    with pytest.raises(StudySpecError, match=r"a study file must be at most 2 MB; got"):
        _load(tmp_path, text)


def test_audit_does_not_enumerate_huge_tables():
    """[claim.control] total = 50,000,000 used to make the audit allocate about 24 GiB; the
    table search now states its budget instead (and percentages are checked arithmetically)."""
    from causal.claims import (
        MAX_TABLE_CELLS,
        GroupCounts,
        PublishedClaim,
        ReportedEstimate,
        audit,
    )

    claim = PublishedClaim(treated=GroupCounts("t", 31, 66, 47),
                           control=GroupCounts("c", 16_000_000, 50_000_000, 32),
                           estimates=(ReportedEstimate("m", "OR", 2.54, (1.32, 4.89)),))
    tables = audit(claim).by_check("tables")[0]
    assert tables.severity == "info" and "not searched" in tables.message
    assert tables.details["budget"] == MAX_TABLE_CELLS


def _headers(text: str) -> list[tuple[int, str]]:
    return [(i, line.strip()) for i, line in enumerate(text.splitlines())
            if re.match(r"^\s*\[", line)]


@pytest.mark.parametrize("name", ["thew2024", "nhefs", "lalonde", "dwp_ea_iapt"])
def test_a_misspelt_key_is_refused_in_every_table(tmp_path, name):
    """Insert ``outcom = 1`` under each table header of a bundled study file (written beside a
    copy of its graph): every table refuses it, and where the table has fixed keys the error
    names the field and suggests the key it resembles."""
    import shutil

    from causal.study.tables import accepted_keys

    source = (STUDIES / f"{name}.toml").read_text(encoding="utf-8")
    (tmp_path / "studies").mkdir()
    shutil.copytree(ROOT / "dags", tmp_path / "dags")
    lines = source.splitlines()
    known = accepted_keys()
    checked = 0
    for index, header in _headers(source):
        edited = "\n".join(lines[:index + 1] + ["outcom = 1"] + lines[index + 1:]) + "\n"
        tomllib.loads(edited)  # still valid TOML
        path = tmp_path / "studies" / f"{name}.toml"
        path.write_text(edited, encoding="utf-8")
        with pytest.raises(StudySpecError) as error:
            load_study(path)
        message = str(error.value)
        _one_sentence(message)
        table = header.strip("[]")
        generic = ("[" + re.sub(r"\[\d+\]", "", table) + "]") if header.startswith("[[") \
            else table
        if generic in known:
            assert "unknown field `" in message and ".outcom`" in message, message
            if "outcome" in known[generic]:
                assert "(did you mean 'outcome'?)" in message, message
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize(("extra", "match"), CASES[:6] + CASES[9:])
def test_cli_gives_one_sentence_and_exit_2(tmp_path, capsys, extra, match):
    from causal.cli import main

    path = tmp_path / "study.toml"
    path.write_text(extra if "[study]" in extra else MINIMAL + extra, encoding="utf-8")
    assert main(["audit", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.search(match, err)


def test_special_files_are_named(tmp_path, capsys):
    from causal.cli import main

    with pytest.raises(StudySpecError, match=r"expected a study file \(TOML\), got a special "
                                             r"file"):
        load_study("/dev/null")
    with pytest.raises(StudySpecError, match=r"got a directory"):
        load_study(tmp_path)
    assert main(["audit", "/dev/null"]) == 2


@pytest.mark.parametrize("path", [Path("a\x00b.toml"), "a\x00b.toml", "x" * 5000,
                                  "a\x1b[31mred.toml"])
def test_hostile_study_paths(path):
    with pytest.raises(StudySpecError, match=r"`study` must be a path to a study file"):
        load_study(path)
