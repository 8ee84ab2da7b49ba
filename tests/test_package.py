"""The package's own metadata and the commands that reach the bundled examples."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import causal
from causal.cli import main
from causal.errors import CausalError
from causal.examples import example_names, example_study, resolve_study

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_printed_and_matches_the_citation(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"causal {causal.__version__}"
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: (\S+)$", citation, re.M).group(1) == causal.__version__
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "causal-stress" and "version" in project["dynamic"]


def test_changelog_follows_keep_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text and f"## [{causal.__version__}]" in text


def test_every_bundled_study_is_an_example():
    assert example_names() == sorted(p.stem for p in (ROOT / "studies").glob("*.toml"))
    assert example_study("thew2024") == example_study("thew2024.toml")
    with pytest.raises(CausalError, match="not a bundled example; expected one of"):
        example_study("nosuch")


def test_a_bare_name_resolves_only_when_no_such_file_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_study(Path("thew2024")) == example_study("thew2024")
    (tmp_path / "thew2024.toml").write_text("")
    assert resolve_study(Path("thew2024.toml")) == Path("thew2024.toml")  # the user's file
    assert resolve_study(Path("sub/thew2024")) == Path("sub/thew2024")  # a path, not a name


def test_init_example_copies_the_study_with_its_graph_beside_it(tmp_path, capsys):
    assert main(["init", "--example", "nhefs", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "nhefs.toml").read_text()
    assert 'file = "nhefs.dot"' in text
    assert (tmp_path / "nhefs.dot").read_text() == (ROOT / "dags" / "nhefs.dot").read_text()
    assert main(["audit", str(tmp_path / "nhefs.toml")]) in (0, 1)
    # never overwrites
    assert main(["init", "--example", "nhefs", "--out", str(tmp_path)]) == 2


def test_examples_lists_and_copies(tmp_path, capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    for name in example_names():
        assert name in out
    assert main(["examples", "--copy", str(tmp_path / "ex")]) == 0
    assert (tmp_path / "ex" / "notebooks" / "01_published_claim.ipynb").is_file()
    assert (tmp_path / "ex" / "dags" / "thew2024.dot").is_file()
    assert main(["examples", "--copy", str(tmp_path / "ex")]) == 2  # refuses to overwrite
