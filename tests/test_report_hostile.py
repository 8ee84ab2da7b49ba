"""Hostile text in a study never reaches a report, or the terminal, as markup or control codes.

The study is the bundled Thew study with every free-text field (title, question, labels,
descriptions, notes, sources, scenario and world names, adjusted-for names) extended by
strings that would run a script, break out of an HTML attribute, or clear a terminal, and its
graph gets a latent node whose name and label are hostile. The run is made small (a 2 x 2
explain-away grid) to keep the test quick.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from causal.cli import main
from causal.report.model import Table
from causal.report.render import _block_html
from tests.conftest import ROOT

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = "\\\"><img src=x onerror=alert(1)>"  # TOML escape for a double quote
TERMINAL = "\\u001b[2J\\u001b]0;owned\\u0007"
HOSTILE = f" {SCRIPT}{ATTRIBUTE}{TERMINAL}"
RAW_MARKUP = ("<script", "<img src=x", "<img src=y")
FIELDS = ("title", "question", "label", "description", "notes", "source", "citation",
          "population", "design", "treatment_description", "outcome_description")


def hostile_study(tmp_path):
    text = (ROOT / "studies" / "thew2024.toml").read_text(encoding="utf-8")
    pattern = re.compile(rf'^((?:{"|".join(FIELDS)}) = ".*)"', re.M)
    text = pattern.sub(lambda m: m.group(0) if m.group(1) == 'source = "simulated' else
                       f'{m.group(1)}{HOSTILE}"', text)
    # scenario and world names (not the study's own name, which names the output folder)
    text = re.sub(r'^(name = "(?!thew2024).*)"', lambda m: f'{m.group(1)}{HOSTILE}"', text,
                  flags=re.M)
    text = text.replace('"presenting_problem"]\nodds_ratio_kind',
                        f'"presenting_problem", "{SCRIPT}"]\nodds_ratio_kind')
    text = text.replace('file = "../dags/thew2024.dot"', 'file = "graph.dot"')
    text = re.sub(r"^grid = \d+", "grid = 2", text, flags=re.M)
    text = re.sub(r"^replicates = \d+", "replicates = 20", text, flags=re.M)
    dot = (ROOT / "dags" / "thew2024.dot").read_text(encoding="utf-8").rstrip().rstrip("}")
    dot += ('  "<img src=x onerror=alert(2)>" [latent="true", label="<script>alert(3)</script>"];\n'
            '  "<img src=x onerror=alert(2)>" -> employment_support;\n'
            '  "<img src=x onerror=alert(2)>" -> recovery;\n}\n')
    (tmp_path / "graph.dot").write_text(dot, encoding="utf-8")
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    study = hostile_study(tmp)
    assert main(["report", str(study), "--out", str(tmp / "out"), "--quiet"]) == 0
    return tmp / "out"


def test_the_hostile_strings_reach_the_report(hostile_report):
    """Otherwise the next two tests would pass for the wrong reason."""
    data = json.loads((hostile_report / "report.json").read_text(encoding="utf-8"))
    assert SCRIPT in data["study"]["title"] and "\x1b[2J" in data["study"]["title"]
    assert "alert(2)" in json.dumps(data)


def _without_explorer(text: str) -> str:
    """The page minus the explorer's own two scripts (causal/report/explorer.py): its code,
    byte for byte the packaged asset, and its JSON data, in which no "</" may appear (so no
    user string can close the script element); the user's strings must then show nowhere
    else as markup."""
    import re

    from causal.report.explorer import _asset

    code = f"<script>{_asset('explorer.js')}</script>"
    text = text.replace(code, "")
    pattern = re.compile(r'<script type="application/json" class="causal-explorer-data">'
                         r"(?P<data>.*?)</script>", re.DOTALL)
    for match in pattern.finditer(text):
        assert "</" not in match["data"]
        json.loads(match["data"])
    return pattern.sub("", text)


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_no_raw_markup_or_control_characters(hostile_report, name):
    text = (hostile_report / name).read_text(encoding="utf-8")
    assert "alert(1)" in text and "alert(2)" in text  # shown, as text
    text = _without_explorer(text)
    for raw in RAW_MARKUP:
        assert raw not in text
    assert "\x1b" not in text and "\x07" not in text


def test_html_shows_the_strings_escaped(hostile_report):
    html = (hostile_report / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or \
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_hostile_column_names_in_tables_are_escaped():
    frame = pd.DataFrame({f"{SCRIPT}": [1.0], "note": ["<img src=y onerror=alert(4)>"]})
    out = _block_html(Table(frame=frame, caption=f"caption {SCRIPT}"))
    for raw in RAW_MARKUP:
        assert raw not in out
    assert out.count("&lt;script&gt;") == 2


def test_terminal_output_shows_control_characters_as_escapes(capsys, tmp_path):
    study = hostile_study(tmp_path)
    assert main(["audit", str(study)]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b]0;owned\\x07" in out
