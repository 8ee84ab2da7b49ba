"""A report folder under hostile conditions: planted markers, the user's own report.md with
--force, faults after the k-th file, a crash between the two renames, unusable --out paths.

Every case checks the one sentence (or the correct outcome) and, with tests/_untouched.py,
that nothing outside the tool's own files changed.
"""

from __future__ import annotations

import json
import os
import stat

import pytest

from causal.cli import main
from causal.errors import ParameterError
from causal.report import writer
from causal.report.writer import MARKER, check_out_dir, write_files
from tests._untouched import snapshot
from tests.conftest import THEW

OLD = {"report.md": b"# old\n", "report.html": b"<p>old</p>\n", "report.json": b"{}\n",
       "fig.png": b"\x89PNG old"}
NEW = {"report.md": b"# new\n", "report.html": b"<p>new</p>\n", "report.json": b"{\"n\":1}\n",
       "fig.png": b"\x89PNG new", "other.png": b"\x89PNG"}


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def contents(folder):
    return {name: (folder / name).read_bytes() for name in os.listdir(folder)
            if name != MARKER}


def test_case1_force_never_overwrites_the_users_own_report_md(capsys, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my own notes")
    before = snapshot(tmp_path)
    status, _, err = run(capsys, "report", THEW, "--section", "evalue", "--out", mine,
                         "--force", "--quiet")
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "already holds report.md, which this tool did not write" in err
    assert "--force never overwrites such a file" in err
    assert snapshot(tmp_path) == before
    with pytest.raises(ParameterError, match="never overwrites"):
        write_files(NEW, mine, force=True)
    assert snapshot(tmp_path) == before


def test_case1_an_edited_report_file_is_the_users_now(tmp_path):
    out = write_files(OLD, tmp_path / "r")
    (out / "report.md").write_text("edited by hand")
    with pytest.raises(ParameterError, match=r"holds files this tool did not write "
                                             r"\(report.md\)"):
        write_files(NEW, out)
    with pytest.raises(ParameterError, match="never overwrites"):
        write_files(NEW, out, force=True)
    assert (out / "report.md").read_text() == "edited by hand"


@pytest.mark.parametrize("marker", [
    {"written_by": "causal report", "files": ["notes.txt", "report.md"]},  # names only
    {"written_by": "causal report", "files": ["notes.txt"],
     "sha256": {"notes.txt": "0" * 64}},  # a hash that is not the file's
])
def test_case2_a_planted_marker_does_not_expose_the_users_files(tmp_path, marker):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    (folder / MARKER).write_text(json.dumps(marker))
    before = snapshot(tmp_path)
    with pytest.raises(ParameterError, match=r"holds files this tool did not write "
                                             r"\(notes.txt\)"):
        write_files(NEW, folder)
    assert snapshot(tmp_path) == before
    write_files(NEW, folder, force=True)
    assert (folder / "notes.txt").read_text() == "precious"
    listed = json.loads((folder / MARKER).read_text())
    assert sorted(listed["sha256"]) == sorted(NEW) and "notes.txt" not in listed["files"]


def _sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["notes.txt", "report.md", "fig.png"])
def test_case2_a_marker_with_the_right_hash_of_a_users_file_does_not_expose_it(tmp_path,
                                                                              name):
    """A planted marker that lists a user's file with that file's true SHA-256 (anyone can
    compute it): the file was not written there by this tool (a name it never gives, or an
    inode and status-change time the marker cannot know), so it is the user's."""
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / name).write_text("precious")
    for identity in (None, [0, 0]):
        marker = {"written_by": "causal report", "files": [name],
                  "sha256": {name: _sha(folder / name)}}
        if identity is not None:
            marker["identity"] = {name: identity}
        (folder / MARKER).write_text(json.dumps(marker))
        before = snapshot(tmp_path)
        with pytest.raises(ParameterError, match=rf"holds files this tool did not write "
                                                 rf"\({name}\)"):
            write_files(NEW, folder)
        assert snapshot(tmp_path) == before
    if name in NEW:
        with pytest.raises(ParameterError, match="never overwrites"):
            write_files(NEW, folder, force=True)
    else:
        write_files(NEW, folder, force=True)
    assert (folder / name).read_text() == "precious"


def test_case2_a_copied_report_folder_is_not_the_tools_own(tmp_path):
    """`cp -r` of a report (say, a copy kept as the final version) carries the marker and
    files whose hashes match, but the tool did not write them in the copy: writing a report
    there is refused and nothing is deleted."""
    import shutil

    out = write_files(OLD, tmp_path / "r")
    write_files(NEW, out)  # the folder the tool wrote stays its own
    shutil.copytree(out, tmp_path / "copy")
    before = snapshot(tmp_path)
    with pytest.raises(ParameterError, match=r"holds files this tool did not write .*look "
                                             r"like a report of this tool, but .*a copied report"):
        write_files(OLD, tmp_path / "copy")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("k", range(len(NEW) + 1))
def test_case2_a_fault_after_the_kth_file_leaves_the_old_report_whole(tmp_path, monkeypatch,
                                                                     k):
    out = write_files(OLD, tmp_path / "r")
    (out / "notes.txt").write_text("mine")  # so that --force is needed
    before = snapshot(tmp_path)
    real = writer._write
    written = []

    def full_disk(path, data):
        if len(written) == k:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(path, data)

    monkeypatch.setattr(writer, "_write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_files(NEW, out, force=True)
    assert snapshot(tmp_path) == before  # the old report, the user's file, no leftovers


def test_case2_a_fault_at_the_swap_leaves_the_old_report_whole(tmp_path, monkeypatch):
    out = write_files(OLD, tmp_path / "r")
    (out / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)

    def killed(a, b):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_exchange", killed)
    with pytest.raises(KeyboardInterrupt):
        write_files(NEW, out, force=True)
    assert snapshot(tmp_path) == before


def test_case2_force_replaces_the_folder_as_one_unit_and_keeps_the_users_file(tmp_path):
    out = write_files(OLD, tmp_path / "r")
    os.chmod(out, 0o750)
    (out / "notes.txt").write_text("mine")
    inode = os.stat(out / "notes.txt").st_ino
    write_files(NEW, out, force=True)
    assert contents(out) == {**NEW, "notes.txt": b"mine"}
    assert os.stat(out / "notes.txt").st_ino == inode  # the same file, not a copy
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o750
    assert sorted(os.listdir(tmp_path)) == ["r"]


def test_case2_a_crash_between_the_two_renames_is_put_back_by_the_next_run(tmp_path):
    out = write_files(OLD, tmp_path / "r")
    # the state a SIGKILL between the fallback's renames leaves: --out missing, the old
    # report in a hidden folder beside it
    os.rename(out, tmp_path / ".r.old-0badc0de")
    assert check_out_dir(out) == out
    assert contents(out) == OLD and sorted(os.listdir(tmp_path)) == ["r"]


def test_case2_the_fallback_swap_also_keeps_the_folder_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    out = write_files(OLD, tmp_path / "r")
    (out / "notes.txt").write_text("mine")
    write_files(NEW, out, force=True)
    assert contents(out) == {**NEW, "notes.txt": b"mine"}
    assert sorted(os.listdir(tmp_path)) == ["r"]


def test_force_beside_a_sub_folder_is_refused(tmp_path):
    out = tmp_path / "r"
    (out / "data").mkdir(parents=True)
    before = snapshot(tmp_path)
    with pytest.raises(ParameterError, match=r"holds 'data', which is not a plain file"):
        write_files(NEW, out, force=True)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("target", ["/proc/x", "/proc/self/x/y"])
def test_report_out_under_proc_is_one_sentence(capsys, target):
    status, _, err = run(capsys, "report", THEW, "--section", "evalue", "--out", target,
                         "--quiet")
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "`--out`" in err


def test_report_on_a_full_disk_is_one_sentence_and_keeps_the_earlier_report(capsys, tmp_path,
                                                                            monkeypatch):
    """The earlier report survived a full disk, but `causal report` ended in an OSError
    traceback (checked on a real 200 KiB tmpfs; simulated here at the writer's own write)."""
    out = tmp_path / "r"
    assert run(capsys, "report", THEW, "--section", "evalue", "--out", out, "--quiet")[0] == 0
    before = snapshot(tmp_path)

    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_write", full_disk)
    for target, kept in ((out, f"{out} is as it was"), (tmp_path / "new",
                                                        "nothing was written")):
        status, _, err = run(capsys, "report", THEW, "--section", "evalue", "--out", target,
                             "--quiet")
        assert status == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert "the report could not be written (No space left on device)" in err
        assert kept in err
        assert snapshot(tmp_path) == before


def test_report_out_onto_a_mount_point_is_refused_before_computing(capsys, tmp_path,
                                                                  monkeypatch):
    """`--out /dev/shm` (an empty folder that is a mount point): the atomic swap cannot move
    a mount point (EBUSY), which ended in a traceback after the whole report was computed."""
    target = tmp_path / "mnt"
    target.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(writer.os.path, "ismount",
                        lambda p: str(p) == str(target) or real(p))
    before = snapshot(tmp_path)
    with pytest.raises(ParameterError, match=r"is a mount point, .*choose a folder inside "
                                             r"it, e.g. --out .*mnt/report"):
        check_out_dir(target)
    status, _, err = run(capsys, "report", THEW, "--out", target, "--quiet")
    assert status == 2 and err.count("\n") == 1 and "is a mount point" in err
    assert snapshot(tmp_path) == before


def test_out_as_a_link_to_a_report_folder_writes_into_that_folder(tmp_path):
    """`--out link` where link -> real (a report, and a user's file, with --force): the swap
    replaced the link itself, so real/ was emptied, the user's file moved to a new folder
    named link, and the link was left as a hidden .link.partial-* beside it."""
    real = write_files(OLD, tmp_path / "real")
    (real / "notes.txt").write_text("mine")
    (tmp_path / "link").symlink_to("real")
    write_files(NEW, tmp_path / "link", force=True)
    assert sorted(os.listdir(tmp_path)) == ["link", "real"]
    assert os.readlink(tmp_path / "link") == "real"
    assert contents(real) == {**NEW, "notes.txt": b"mine"}


def test_a_killed_runs_staging_folder_is_cleared_by_the_next_run(tmp_path):
    """SIGKILL skips every clean-up: each killed `report --force` left a hidden
    .r.partial-* folder (a whole report, and second links of the user's files) beside --out,
    one more per kill. The next run removes the dead ones: only the tool's files and second
    links of files still in --out, never a folder a live run holds locked or a file it does
    not know."""
    import fcntl

    out = write_files(OLD, tmp_path / "r")
    (out / "notes.txt").write_text("mine")
    dead = tmp_path / ".r.partial-0badc0de"  # killed after the swap: the old report
    dead.mkdir()
    for name, data in OLD.items():
        (dead / name).write_bytes(data)
    (dead / MARKER).write_text("{}")
    os.link(out / "notes.txt", dead / "notes.txt")
    strange = tmp_path / ".r.partial-00000001"  # holds a file the tool does not know
    strange.mkdir()
    (strange / "diary.txt").write_text("not the tool's")
    live = tmp_path / ".r.partial-00000002"  # a run writing right now
    live.mkdir()
    (live / "report.md").write_text("being written")
    held = os.open(live, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        write_files(NEW, out, force=True)
    finally:
        os.close(held)
    assert sorted(os.listdir(tmp_path)) == [".r.partial-00000001", ".r.partial-00000002", "r"]
    assert os.listdir(strange) == ["diary.txt"]
    assert (live / "report.md").read_text() == "being written"
    assert contents(out) == {**NEW, "notes.txt": b"mine"}
    assert os.stat(out / "notes.txt").st_nlink == 1


def test_a_marker_name_that_is_a_folder_is_the_users(capsys, tmp_path):
    """An earlier report whose .causal-report.json had become a folder (holding a file of
    the user's): the folder was not counted as foreign, the new report was swapped in, the
    old marker could not be unlinked, the message said the folder was "as it was", and the
    clean-up then deleted the old folder with the user's file in it."""
    out = tmp_path / "r"
    assert run(capsys, "report", THEW, "--section", "evalue", "--out", out, "--quiet")[0] == 0
    (out / MARKER).unlink()
    (out / MARKER).mkdir()
    (out / MARKER / "keep").write_text("precious")
    before = snapshot(tmp_path)
    status, _, err = run(capsys, "report", THEW, "--section", "evalue", "--out", out,
                         "--quiet")
    assert status == 2 and "did not write (.causal-report.json, evalue_curve.png" in err
    status, _, err = run(capsys, "report", THEW, "--section", "evalue", "--out", out,
                         "--quiet", "--force")
    assert status == 2 and "--force never overwrites such a file" in err
    assert snapshot(tmp_path) == before


def test_whatever_the_clean_up_cannot_move_stays(tmp_path, monkeypatch):
    """A file the user made in the old folder meanwhile, whose name the new report also has,
    is left in the old folder (as documented); the final clean-up deleted it with the rest."""
    out = write_files(OLD, tmp_path / "r")
    real = writer._clear_old

    def user_writes_meanwhile(old, path, ours, kept):
        (old / "draft.txt").write_text("typed just now")
        (path / "draft.txt").write_text("another")
        real(old, path, ours, kept)

    monkeypatch.setattr(writer, "_clear_old", user_writes_meanwhile)
    write_files(NEW, out)
    left = [p for p in tmp_path.iterdir() if p.name != "r"]
    assert len(left) == 1 and (left[0] / "draft.txt").read_text() == "typed just now"
