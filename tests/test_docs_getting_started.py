"""docs/getting-started.md and the method pages (docs/methods/*.md) run as written.

Getting started: its ``bash`` and ``python`` blocks are executed in
order in one empty temporary folder (outside the repository), and the ``text`` block that
follows a block is an excerpt of its output: every line of it except ``...`` must appear in
what the block printed (whitespace at the ends of lines ignored).

The install block is a ``text`` block not preceded by code, so it is not run here (installing
the built wheel into a fresh environment is tests/test_wheel_install.py). The two ``causal
report`` commands take a minute each on two shared cores and the SIMULATED Thew estimates
25 s; they run in the slow test, the rest (about 20 s) in the fast one. ``causal`` is run as ``python -m causal`` of the interpreter
running the tests, so the page is checked against this checkout.

Method pages (slow: 2.5 min for all on two shared cores): each ``python`` block runs in a fresh
interpreter in a temporary folder and its following ``text`` block is checked the same way; a
``text`` block whose first line is ``$ causal ...`` is a command and its output, run from the
repository root (some read ``tests/data/``). The ``>>>`` session on the missing-data page (the
delta-adjusted tipping point, minutes of refits) is not run here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "getting-started.md"
METHOD_PAGES = sorted((ROOT / "docs" / "methods").glob("*.md"))
#: the commands that take most of the page's time (a SIMULATED cohort's estimators, whole reports)
SLOW = ("causal report", "causal estimate thew2024")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def _fences(page: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


def _blocks(page: Path = PAGE) -> list[tuple[str, str, str | None]]:
    """(language, code, expected output excerpt or None) for every bash/python block."""
    found = _fences(page)
    out = []
    for i, (language, code) in enumerate(found):
        if language in ("bash", "python"):
            following = found[i + 1] if i + 1 < len(found) else None
            expected = following[1] if following and following[0] == "text" else None
            out.append((language, code, expected))
    return out


def _is_slow(language: str, code: str) -> bool:
    return language == "bash" and code.strip().startswith(SLOW)


def _run(language: str, code: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if language == "python":
        done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{code}\n{done.stderr[-3000:]}"
        return done.stdout
    printed = []
    for line in code.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        args = shlex.split(line, comments=True)
        assert args[0] == "causal", f"only causal commands are run from the page: {line}"
        done = subprocess.run([sys.executable, "-m", "causal", *args[1:]], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        printed.append(done.stdout + done.stderr)
    return "\n".join(printed)


def _check_excerpt(code: str, printed: str, expected: str | None) -> None:
    if expected is None:
        return
    lines = {line.rstrip() for line in printed.splitlines()}
    missing = [line for line in expected.splitlines()
               if line.strip() and line.strip() != "..." and line.rstrip() not in lines]
    assert not missing, f"the page's output of\n{code}\nno longer matches: {missing}"


def _run_page(tmp_path: Path, *, slow: bool) -> int:
    ran = 0
    for language, code, expected in _blocks():
        if _is_slow(language, code) and not slow:
            continue
        _check_excerpt(code, _run(language, code, tmp_path), expected)
        ran += 1
    return ran


def test_the_page_has_the_steps_it_promises():
    commands = [code.strip() for language, code, _ in _blocks() if language == "bash"]
    for step in ("causal --version", "causal examples", "causal init --example thew2024",
                 "causal estimate thew2024.toml", "causal report thew2024.toml",
                 "causal init smokers.csv", "causal estimate smokers.toml",
                 "causal report smokers.toml"):
        assert any(c.startswith(step) for c in commands), step
    python = "\n".join(code for language, code, _ in _blocks() if language == "python")
    for call in ("Study.from_frame", "causal.analyse", "causal.build_report",
                 "causal.write_report"):
        assert call in python, call


def test_the_page_runs_quick_steps(tmp_path):
    assert _run_page(tmp_path, slow=False) >= 6
    assert (tmp_path / "smokers-report" / "report.html").is_file()


@pytest.mark.slow
def test_the_page_runs_every_step(tmp_path):
    _run_page(tmp_path, slow=True)
    for folder in (tmp_path / "thew-report", tmp_path / "reports" / "smokers"):
        assert (folder / "report.html").is_file() and (folder / "report.json").is_file()


def _method_blocks(page: Path) -> list[tuple[str, str, str | None]]:
    """The page's python blocks with their excerpts, and its ``$ causal`` text blocks as
    (bash, command, the rest of the block)."""
    out = [b for b in _blocks(page) if b[0] == "python"]
    for language, text in _fences(page):
        first, _, rest = text.partition("\n")
        if language == "text" and first.startswith("$ causal "):
            out.append(("bash", first[2:], rest))
    return out


def test_every_method_page_has_an_example_that_is_checked():
    assert len(METHOD_PAGES) >= 9
    for page in METHOD_PAGES:
        if page.name != "index.md":
            blocks = _method_blocks(page)
            assert any(expected for _, _, expected in blocks), page.name


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in METHOD_PAGES if p.name != "index.md"],
                         ids=lambda p: p.stem)
def test_method_page_examples_run_and_print_what_the_page_shows(page, tmp_path):
    for language, code, expected in _method_blocks(page):
        cwd = ROOT if language == "bash" else tmp_path
        _check_excerpt(code, _run(language, code, cwd), expected)


def test_api_cross_references_name_public_objects_that_exist():
    """Every ``{py:...}`` target on the pages names an object that imports (Sphinx only warns
    about a broken one in nitpicky mode, which the build cannot use for the docstrings yet),
    and none is private (private modules have no API page)."""
    import importlib

    role = re.compile(r"\{py:(?:func|class|mod|meth|attr)\}`(?:[^`<]*<)?~?([\w.]+)>?`")
    pages = [PAGE, *METHOD_PAGES]
    targets = {t for page in pages for t in role.findall(page.read_text(encoding="utf-8"))}
    assert len(targets) > 50
    for target in sorted(targets):
        assert not any(part.startswith("_") for part in target.split(".")), target
        parts = target.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for name in parts[cut:]:
                obj = getattr(obj, name)
            break
        else:
            raise AssertionError(f"{target} does not import")
