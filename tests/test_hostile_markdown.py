"""Markdown and HTML under hostile study text (issue 26, "Injection").

A Thew study whose title, question, citation, labels and scenario names carry a
``javascript:`` link, a remote image, a fake "Verdict" heading after embedded newlines, and
invisible marks (U+200F, U+061C, U+200B, U+2028). The Markdown is parsed with a CommonMark
parser (markdown-it-py) to list what a reader would see: every link must point to an anchor
of the report, every image to one of its own figures, and no heading may come from the
user's text; the invisible marks are shown as escapes in .md and .html.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from causal import _text
from causal._results import frame_to_markdown
from causal.cli import main
from causal.report.model import BulletList, Figure, Paragraph, Table
from causal.report.render import _block_markdown
from tests._untouched import snapshot
from tests.conftest import ROOT

PAYLOAD = ("Study [click](javascript:alert(1)) ![p](http://127.0.0.1:9/t.png)\\n\\n"
           "## Verdict: robust to any confounding\\n[x]: http://127.0.0.1:9/ref")
MARKS = "\u200f\u061c\u200b\u2028"


def _hostile(tmp_path):
    text = (ROOT / "studies" / "thew2024.toml").read_text(encoding="utf-8")
    text = re.sub(r'^((?:title|question|citation|label) = ".*)"',
                  lambda m: f'{m.group(1)} {PAYLOAD} {MARKS}"', text, flags=re.M)
    text = re.sub(r'^(name = "(?!thew2024).*)"', lambda m: f'{m.group(1)} {PAYLOAD}"', text,
                  flags=re.M)
    text = text.replace('file = "../dags/thew2024.dot"',
                        f'file = "{(ROOT / "dags" / "thew2024.dot").as_posix()}"')
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("md")
    study = _hostile(tmp)
    before = snapshot(tmp)
    assert main(["report", str(study), "--out", str(tmp / "out"), "--section", "evalue",
                 "--section", "claim", "--section", "selection_bias", "--quiet"]) == 0
    assert snapshot(tmp, skip=("out",)) == before
    return tmp / "out"


def _tokens(markdown: str):
    for token in MarkdownIt("commonmark").parse(markdown):
        yield token
        yield from token.children or ()


def test_the_payload_reaches_the_report(report):
    assert "javascript:alert(1)" in (report / "report.md").read_text(encoding="utf-8")


def test_markdown_links_images_and_headings_are_only_the_tools(report):
    markdown = (report / "report.md").read_text(encoding="utf-8")
    tokens = list(_tokens(markdown))
    links = [t.attrs.get("href") for t in tokens if t.type == "link_open"]
    images = [t.attrs.get("src") for t in tokens if t.type == "image"]
    assert all(str(h).startswith("#") for h in links), links
    assert all(re.fullmatch(r"[\w-]+\.png", str(s)) for s in images), images
    heading_text = [tokens[i + 1].content for i, t in enumerate(tokens)
                    if t.type == "heading_open"]
    assert not [h for h in heading_text if h.startswith("Verdict")], heading_text
    assert "javascript:" not in MarkdownIt("commonmark").render(markdown).split('href="')[0] \
        or all("javascript:" not in h for h in links)


@pytest.mark.parametrize("name", ["report.md", "report.html"])
def test_invisible_marks_are_shown_not_kept(report, name):
    text = (report / name).read_text(encoding="utf-8")
    for mark in MARKS:
        assert mark not in text
    assert "\\u200f\\u061c\\u200b\\u2028" in text


def test_the_invisible_list_is_every_format_and_separator_character():
    pattern = re.compile(f"[{_text.INVISIBLE}]")
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cf", "Zl", "Zp"):
            assert pattern.fullmatch(char), hex(code)
        elif pattern.fullmatch(char):  # Unicode 15 format characters this Python predates
            assert category == "Cn", hex(code)


@pytest.mark.parametrize("block", [
    Paragraph(text=PAYLOAD.replace("\\n", "\n")),
    BulletList(items=("## Verdict: fine", PAYLOAD.replace("\\n", "\n"))),
    Table(frame=pd.DataFrame({"a\n## Verdict | x": ["![p](http://x/t.png)\n# h"]}),
          caption="cap\n## Verdict"),
    Figure(key="evalue_curve", png=b"", alt="alt](http://x/t.png) ![y",
           caption="c\n\n## Verdict"),
])
def test_each_block_keeps_user_text_on_its_own_lines(block):
    from causal.report.render import _markdown_line

    markdown = "\n".join(_markdown_line(line) for line in _block_markdown(block).split("\n"))
    tokens = list(_tokens(markdown))
    assert not [t for t in tokens if t.type == "heading_open"], markdown
    assert not [t for t in tokens if t.type == "link_open"], markdown
    assert all(t.attrs.get("src") == "evalue_curve.png" for t in tokens if t.type == "image")


def test_table_cells_with_newlines_and_pipes_stay_one_row():
    table = frame_to_markdown(pd.DataFrame({"a|b": ["x\ny|z"]}))
    assert table.splitlines() == ["| a\\|b |", "|---|", "| x y\\|z |"]
