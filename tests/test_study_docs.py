"""docs/study-file.md documents exactly the keys the parser accepts (taken from the parser's
own key sets, causal.study.tables.accepted_keys), and its examples load."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from causal.study.load import parse_study
from causal.study.tables import TOP_LEVEL, accepted_keys

DOC = Path(__file__).resolve().parents[1] / "docs" / "study-file.md"


def _documented() -> dict[str, set[str]]:
    """Heading tables (``### `[a]`, `[[b]]` ``) -> the keys in the table rows below them."""
    out: dict[str, set[str]] = {}
    current: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = []
            for name in re.findall(r"`(\[\[?[^`]+?\]\]?)`", line):
                key = f"[{name[2:-2]}]" if name.startswith("[[") else name[1:-1]
                current.append(key)
                out.setdefault(key, set())
        elif current and (row := re.match(r"^\| `([a-z_0-9]+)` \|", line)):
            for table in current:
                out[table].add(row.group(1))
    return out


def test_every_accepted_key_is_documented_and_every_documented_key_accepted():
    documented = {table: keys for table, keys in _documented().items() if keys}
    accepted = {table: set(keys) for table, keys in accepted_keys().items()}
    assert documented == accepted


def test_every_top_level_table_has_a_heading():
    headings = set(_documented())
    for name in TOP_LEVEL:
        assert name in headings or f"[{name}]" in headings, name


def test_the_examples_parse():
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    own = parse_study(tomllib.loads(blocks[0]), None, frame=None)
    assert own.data.source == "cohort.csv" and own.data.categorical == ("sex",)
    paper = parse_study(tomllib.loads(blocks[1]), None)
    assert paper.claim.headline.value == 26 / 21


def test_report_skip_names_sections_and_is_obeyed(tmp_path):
    import pytest

    from causal.errors import StudySpecError
    from causal.report import build_report
    from causal.report.sections import SECTION_MODULES

    text = ('[study]\nname = "s"\ntitle = "t"\ntreatment = "x"\noutcome = "y"\n'
            '[claim.treated]\npercent = 26\n[claim.control]\npercent = 21\n')
    study = parse_study(tomllib.loads(text + '[report]\nskip = ["evalue"]\n'), None)
    keys = [s.key for s in build_report(study).sections]
    assert "evalue" not in keys and "claims" in keys
    documented = re.search(r"`skip` \| .*? \|.*?\| (.*) \|$", DOC.read_text(), re.M).group(1)
    assert re.findall(r"`([a-z_]+)`", documented.split(":", 1)[1]) == SECTION_MODULES
    # the report owns its section names: a misspelt one is refused when the report is built,
    # before anything is computed
    misspelt = parse_study(tomllib.loads(text + '[report]\nskip = ["evalu"]\n'), None)
    with pytest.raises(StudySpecError, match=r"field `report\.skip` must be names of report "
                                             r"sections .* \(did you mean 'evalue'\?\); got "
                                             r"'evalu'"):
        build_report(misspelt)
