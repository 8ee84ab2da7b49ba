"""Write a report folder without losing anything that was there.

A report goes into a new folder, or into one that holds only an earlier report of this tool:
each report folder carries a marker file, ``.causal-report.json``, listing the files the tool
wrote. A folder that holds anything else is refused (``force=True`` writes into it anyway and
still deletes only the files the earlier report listed). The current folder, the home folder,
a filesystem root, a folder containing the current one, an existing file, a path under a file
and a folder that cannot be written are refused whatever ``force`` says. The checks run in
:func:`check_out_dir`, which the command line calls before computing anything, and again in
:func:`write_report` before writing.

The new report is written to a hidden staging folder beside the target and moved into place
only when complete. Replacing an earlier report renames it aside, renames the new one in, and
only then deletes the old one; if the second rename fails, the old report is renamed back, so
an interrupted or failed run leaves the earlier report intact and where it was. Folders are
created with :func:`os.mkdir`, so they follow the user's umask.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

from causal.errors import ParameterError

MARKER = ".causal-report.json"
_LEGACY = {"report.md", "report.html", "report.json"}


def _written_by_us(folder: Path) -> set[str] | None:
    """The files an earlier report in ``folder`` wrote, or None if it is not such a report."""
    marker = folder / MARKER
    if marker.is_file():
        try:
            listed = json.loads(marker.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if isinstance(listed, list) and all(isinstance(n, str) and "/" not in n and
                                            n not in ("", ".", "..") for n in listed):
            return set(listed) | {MARKER}
        return None
    # A report written before the marker existed: report.json says so and names its figures.
    try:
        document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("schema") != "causal-report":
        return None
    figures = {f"{Path(name).stem}{suffix}" for section in document.get("sections", [])
               if isinstance(section, dict) for name in section.get("figures", [])
               if isinstance(name, str) for suffix in (".png", ".svg")}
    return _LEGACY | figures


def _protected(path: Path) -> str | None:
    here = Path.cwd().resolve()
    if path == here:
        return "the current folder"
    if path in here.parents:
        return "a folder containing the current folder"
    if path == Path.home().resolve():
        return "your home folder"
    if path.parent == path:
        return "a filesystem root"
    return None


def check_out_dir(out_dir: str | Path, *, force: bool = False) -> Path:
    """Check that a report may be written to ``out_dir``; return it (absolute).

    Raises
    ------
    ParameterError
        With one sentence saying why not (see the module docstring for the rules).
    """
    try:
        return _check_out_dir(Path(out_dir), force)
    except (OSError, ValueError) as error:
        if isinstance(error, ParameterError):
            raise
        text = str(out_dir)
        shown = text if len(text) <= 80 else f"{text[:60]}...{text[-17:]}"
        raise ParameterError(f"`--out` {shown!r} cannot be used "
                             f"({getattr(error, 'strerror', None) or error}).") from None


def _check_out_dir(given: Path, force: bool) -> Path:
    path = Path(os.path.abspath(given.expanduser()))
    what = _protected(path.resolve())
    if what is not None:
        raise ParameterError(f"`--out` {given} is {what}; a report needs a folder of its own, "
                             f"e.g. --out reports/{path.resolve().name or 'study'}.")
    if path.exists() and not path.is_dir():
        raise ParameterError(f"`--out` {given} is an existing file, not a folder; choose a "
                             f"folder name that is not taken.")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ParameterError(f"`--out` {given} is under {existing}, which is a file, not a "
                             f"folder.")
    writable_parent = path.parent if path.parent.exists() else existing
    if not os.access(writable_parent, os.W_OK | os.X_OK):
        raise ParameterError(f"`--out` {given} cannot be created: {writable_parent} is not "
                             f"writable.")
    if path.is_dir():
        ours = _written_by_us(path)
        foreign = sorted(set(os.listdir(path)) - (ours or set()))
        if foreign and not force:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if
                                               len(foreign) > 3 else "")
            raise ParameterError(f"`--out` {given} holds files this tool did not write "
                                 f"({shown}); choose a new folder, or add --force to write "
                                 f"into it anyway (only an earlier report's own files are "
                                 f"replaced).")
        if foreign and not os.access(path, os.W_OK | os.X_OK):
            raise ParameterError(f"`--out` {given} is not writable.")
    return path


def _new_folder(parent: Path, stem: str) -> Path:
    while True:
        candidate = parent / f".{stem}.partial-{secrets.token_hex(4)}"
        try:
            os.mkdir(candidate)  # mode 0o777 minus the umask, like any folder the user makes
            return candidate
        except FileExistsError:
            continue


def write_files(files: dict[str, bytes], out_dir: str | Path, *, force: bool = False) -> Path:
    """Write ``files`` (name -> bytes) and the marker as one report folder (module docstring)."""
    path = check_out_dir(out_dir, force=force)
    names = sorted(files)
    files = {**files, MARKER: (json.dumps({"written_by": "causal report", "files": names},
                                          indent=2) + "\n").encode("utf-8")}
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_folder(path.parent, path.name)
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if not path.exists():
            os.rename(staging, path)
            return path
        ours = _written_by_us(path) or set()
        if set(os.listdir(path)) <= ours:
            old = path.with_name(f".{path.name}.old-{secrets.token_hex(4)}")
            os.rename(path, old)
            try:
                os.rename(staging, path)
            except BaseException:
                os.rename(old, path)
                raise
            shutil.rmtree(old, ignore_errors=True)
            return path
        # --force into a folder with other files: replace our files one by one, keep theirs.
        for name in files:
            os.replace(staging / name, path / name)
        for stale in ours - set(files):
            (path / stale).unlink(missing_ok=True)
        staging.rmdir()
        return path
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
