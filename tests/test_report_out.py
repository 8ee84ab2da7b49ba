"""`--out` never loses a user's files: new folders, earlier reports, refusals up front.

Refusals are checked before anything is computed, so each CLI case here returns in well under
a second (the full Thew report takes about 10 s).
"""

from __future__ import annotations

import json
import os
import stat

import pytest

from causal.cli import main
from causal.errors import ParameterError
from causal.report.build import relative_command
from causal.report.writer import MARKER, check_out_dir, write_files
from tests.conftest import THEW

FILES = {"report.md": b"# new\n", "report.json": b"{}\n", "fig.png": b"\x89PNG"}


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_new_folder_gets_the_files_and_a_marker(tmp_path):
    out = write_files(FILES, tmp_path / "a" / "b")
    assert sorted(os.listdir(out)) == sorted([*FILES, MARKER])
    assert json.loads((out / MARKER).read_text())["files"] == sorted(FILES)
    assert not [p for p in tmp_path.joinpath("a").iterdir() if p.name != "b"]


def test_folders_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = write_files(FILES, tmp_path / "r")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_earlier_report_is_replaced_whole(tmp_path):
    out = write_files({**FILES, "old.png": b"x"}, tmp_path / "r")
    write_files(FILES, out)
    assert sorted(os.listdir(out)) == sorted([*FILES, MARKER])
    assert (out / "report.md").read_bytes() == b"# new\n"
    assert os.listdir(tmp_path) == ["r"]  # no hidden leftovers


def test_folder_with_other_files_is_refused(tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("hi")
    with pytest.raises(ParameterError, match=r"holds files this tool did not write \(notes"):
        write_files(FILES, keep)
    assert os.listdir(keep) == ["notes.txt"]


def test_force_replaces_only_an_earlier_reports_files(tmp_path):
    out = write_files({**FILES, "stale.png": b"x"}, tmp_path / "r")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match="--force"):
        write_files(FILES, out)
    write_files({"report.md": b"# newer\n"}, out, force=True)
    assert sorted(os.listdir(out)) == sorted(["report.md", "notes.txt", MARKER])
    assert (out / "notes.txt").read_text() == "mine"


def test_a_failed_final_rename_leaves_the_earlier_report_in_place(tmp_path, monkeypatch):
    out = write_files(FILES, tmp_path / "r")
    real = os.rename
    calls = []

    def flaky(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # old report moved aside; moving the new one in fails
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "rename", flaky)
    # the fallback for systems without an atomic swap of two folders
    monkeypatch.setattr("causal.report.writer._exchange", lambda a, b: False)
    with pytest.raises(OSError, match="disk full"):
        write_files({"report.md": b"# other\n"}, out)
    monkeypatch.undo()
    assert (out / "report.md").read_bytes() == b"# new\n"
    assert sorted(os.listdir(tmp_path)) == ["r"]


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    out = write_files(FILES, tmp_path / "r")

    def interrupt(path, data):
        raise KeyboardInterrupt

    monkeypatch.setattr("causal.report.writer._write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_files(FILES, out)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["r"]
    assert (out / "report.md").read_bytes() == b"# new\n"


def test_a_report_without_a_verifiable_marker_is_not_replaced(tmp_path):
    """A report.json saying "causal-report" is no proof that this tool wrote the files
    beside it (issue 26: copied beside a user's own report.md, it had that file overwritten
    by name): such a folder is refused, with the reason."""
    old = tmp_path / "r"
    old.mkdir()
    (old / "report.json").write_text(json.dumps(
        {"schema": "causal-report", "sections": [{"figures": ["evalue_curve.png"]}]}))
    (old / "report.md").write_text("x")
    (old / "evalue_curve.png").write_bytes(b"x")
    with pytest.raises(ParameterError, match=r"holds files this tool did not write "
                                             r"\(evalue_curve.png, report.json, report.md\) "
                                             r"\(they look like a report of this tool"):
        check_out_dir(old)
    with pytest.raises(ParameterError, match="never overwrites"):
        write_files(FILES, old, force=True)
    assert (old / "report.md").read_text() == "x"


@pytest.mark.parametrize("where, message", [
    ("cwd", "is the current folder"),
    ("home", "is your home folder"),
    ("parent", "is a folder containing the current folder"),
    ("file", "is an existing file, not a folder"),
    ("under-file", "which is a file, not a folder"),
])
def test_cli_refuses_dangerous_out_before_computing(capsys, tmp_path, monkeypatch, where,
                                                     message):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("hi")
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    target = {"cwd": ".", "home": str(tmp_path / "home"), "parent": "..",
              "file": "notes.txt", "under-file": "notes.txt/report"}[where]
    status, out, err = run(capsys, "report", THEW, "--out", target, "--force", "--quiet")
    assert status == 2
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert sorted(os.listdir(work)) == ["notes.txt"]


def test_read_only_folder_is_refused(capsys, tmp_path, monkeypatch):
    """The check uses os.access, which root (as in CI) bypasses, so a chmod-ed folder cannot
    be tested portably: simulate a folder we cannot write, at the library and from the CLI."""
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(tmp_path)
                        else real(p, mode))
    with pytest.raises(ParameterError, match="cannot be created: .* is not writable"):
        check_out_dir(tmp_path / "r")
    status, _, err = run(capsys, "report", THEW, "--out", tmp_path / "r", "--quiet")
    assert status == 2 and "is not writable" in err and err.count("\n") == 1


def test_cli_refuses_folder_with_notes(capsys, tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "notes.txt").write_text("hi")
    status, _, err = run(capsys, "report", THEW, "--out", keep, "--quiet")
    assert status == 2 and "holds files this tool did not write (notes.txt)" in err
    assert os.listdir(keep) == ["notes.txt"]


def test_cli_refuses_negative_seed(capsys, tmp_path):
    status, _, err = run(capsys, "report", THEW, "--out", tmp_path / "r", "--random-state",
                         "-1", "--quiet")
    assert status == 2
    assert "`random_state` must be a non-negative integer seed; got -1." in err


def test_command_is_recorded_relative_to_the_study_file(tmp_path):
    study = tmp_path / "studies" / "s.toml"
    one = relative_command(study, "--out", tmp_path / "reports" / "s")
    assert one == ["causal", "report", "s.toml", "--out", "../reports/s"]
