"""Write a report folder without losing anything that was there, and never a mix.

A report goes into a new folder, or into one that holds only an earlier report of this tool:
each report folder carries a marker file, ``.causal-report.json``, listing the files the tool
wrote there with the SHA-256 of each and the identity the file got when it was written (its
inode number and status-change time, ``st_ctime_ns``, which no user tool can set back). A file
counts as the tool's only if it has a name the tool gives (``report.md``, ``report.html``,
``report.json``, a ``.png`` or ``.svg`` figure), the marker lists it, its content still has
the listed hash AND it is still the file written there (same inode and status-change time):
a copied or planted marker, even one that lists the right hash of a user's file, a copy of a
report folder, or a report file the user has since edited, protects the file instead of
exposing it. A folder that holds
anything else is refused; ``force=True`` writes beside the other files but never replaces or
deletes one of them (a new report file whose name is taken by a file the tool did not write is
refused, as is a folder holding sub-folders of its own). The current folder, the home folder,
a filesystem root, a folder containing the current one, a mount point (it cannot be swapped
for a new folder), an existing file, a path under a file and a folder that cannot be written
are refused whatever ``force`` says. The checks run in
:func:`check_out_dir`, which the command line calls before computing anything, and again in
:func:`write_report` before writing.

The folder is replaced as one unit. The new report is written to a hidden staging folder
beside the target (with ``force``, the other files are hard-linked into it too, so they keep
their inode, content and mode), then the two folders are swapped by one atomic
``renameat2(RENAME_EXCHANGE)`` (Linux), and only then is the old one deleted. A crash at any
moment therefore leaves either the old report or the new one under ``--out``, never a mix and
never nothing. Where the atomic swap is not available the old folder is renamed aside and the
new one in; a crash between those two renames leaves the old report in a hidden
``.NAME.old-*`` folder, which the next run puts back before doing anything else. A run that
is killed (SIGKILL skips every clean-up) leaves its hidden ``.NAME.partial-*`` staging folder
beside ``--out``; the next run removes it (:func:`clear_dead_staging`: only one that no live
run holds locked, and only the tool's own files in it). Folders are
created with :func:`os.mkdir` and given the mode of the folder they replace (a new one
follows the user's umask).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from pathlib import Path

from causal.errors import ParameterError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: dead staging folders are left alone
    fcntl = None  # type: ignore[assignment]

MARKER = ".causal-report.json"
_LEGACY = {"report.md", "report.html", "report.json"}


def _sha256(path: Path) -> str | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _safe_name(name: object) -> bool:
    return isinstance(name, str) and "/" not in name and "\x00" not in name and \
        name not in ("", ".", "..", MARKER)


def _tool_name(name: str) -> bool:
    """A name this tool gives a report file (the marker is not trusted for any other)."""
    return name in _LEGACY or (name.endswith((".png", ".svg")) and not name.startswith("."))


def _identity(path: Path) -> list[int] | None:
    """``[st_ino, st_ctime_ns]`` of a regular file (not following links), else None."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return [info.st_ino, info.st_ctime_ns] if stat.S_ISREG(info.st_mode) else None


def _written_by_us(folder: Path) -> set[str] | None:
    """The files in ``folder`` that an earlier report of this tool wrote there and that
    still hold what it wrote (module docstring), with the marker; None if ``folder`` holds no
    such report (reports of versions whose marker held no hashes and identities, or no
    marker at all, cannot be verified and are not replaced)."""
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        try:
            document = json.loads(marker.read_text(encoding="utf-8"))
            hashes = document["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            hashes = None
        if isinstance(hashes, dict) and all(_safe_name(n) and isinstance(h, str)
                                            for n, h in hashes.items()):
            identities = document.get("identity")
            if not isinstance(identities, dict):
                return None  # hashes without identities: not a marker this tool writes
            return {name for name, digest in hashes.items()
                    if _tool_name(name) and identities.get(name) == _identity(folder / name)
                    and _sha256(folder / name) == digest} | {MARKER}
    # No marker, or one from before the hashes and identities (names only: a copied or
    # planted one cannot be told from the tool's): nothing in the folder can be verified as
    # written there by this tool, so nothing in it is replaced.
    return None


def _report_names(folder: Path) -> set[str]:
    """The names a report.json in ``folder`` gives its files (trusted or not), for a
    message."""
    try:
        document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(document, dict) or document.get("schema") != "causal-report":
        return set()
    figures = {f"{Path(name).stem}{suffix}" for section in document.get("sections", [])
               if isinstance(section, dict) for name in section.get("figures", [])
               if isinstance(name, str) and _safe_name(Path(name).name)
               for suffix in (".png", ".svg")}
    return _LEGACY | figures


def _listed(folder: Path) -> set[str]:
    """The names the marker in ``folder`` lists (trusted or not), for a message."""
    try:
        document = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return {str(n) for n in document.get("files", [])} | set(document.get("sha256", {}))
    except (OSError, ValueError, TypeError, AttributeError):
        return set()


def _leftover(path: Path) -> Path | None:
    """A hidden ``.NAME.old-*`` folder left by a crash between the two renames of the
    fallback swap, when ``path`` itself is missing."""
    if os.path.lexists(path):
        return None
    try:
        names = os.listdir(path.parent)
    except OSError:
        return None
    for name in sorted(names):
        if name.startswith(f".{path.name}.old-") and (path.parent / name).is_dir():
            return path.parent / name
    return None


def recover(path: Path) -> bool:
    """Put back an earlier report that a crash left in a hidden ``.NAME.old-*`` folder
    (module docstring); True if one was put back."""
    left = _leftover(path)
    if left is None:
        return False
    try:
        os.rename(left, path)
    except OSError:
        return False
    return True


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
    if path.is_symlink() and path.is_dir():
        # a link to a folder: the report goes into the folder it points to, and the link
        # stays (swapping the link itself out would move the user's files away from the
        # folder and leave the link behind as a hidden leftover)
        path = path.resolve()
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
    recover(path)
    if path.is_dir() and os.path.ismount(path):
        raise ParameterError(f"`--out` {given} is a mount point, and a report replaces its "
                             f"folder as one unit, which cannot be done to a mount point; "
                             f"choose a folder inside it, e.g. --out {given}/report.")
    if path.is_dir():
        ours = _written_by_us(path)
        marker = path / MARKER
        plain_marker = not os.path.lexists(marker) or stat.S_ISREG(os.lstat(marker).st_mode)
        foreign = sorted(set(os.listdir(path)) - (ours or set()) -
                         ({MARKER} if plain_marker else set()))
        if foreign and not force:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if
                                               len(foreign) > 3 else "")
            listed = _listed(path) | _report_names(path)
            why = (" (they look like a report of this tool, but not one it can verify it "
                   "wrote in this folder: a copied report, one edited since, or one written "
                   "by an earlier version)" if set(foreign) <= listed else "")
            raise ParameterError(f"`--out` {given} holds files this tool did not write "
                                 f"({shown}){why}; choose a new folder, or add --force to "
                                 f"write into it anyway (only an earlier report's own files "
                                 f"are replaced).")
        if foreign and not os.access(path, os.W_OK | os.X_OK):
            raise ParameterError(f"`--out` {given} is not writable.")
        taken = sorted(_LEGACY & set(foreign))
        if taken:
            raise ParameterError(f"`--out` {given} already holds {', '.join(taken)}, which "
                                 "this tool did not write (or which was changed since); "
                                 "--force never overwrites such a file: move it or choose a "
                                 "new folder.")
        folders = [n for n in foreign if not stat.S_ISREG(os.lstat(path / n).st_mode)]
        if folders:
            raise ParameterError(f"`--out` {given} holds {folders[0]!r}, which is not a plain "
                                 "file; --force writes a report only beside plain files (so "
                                 "that the folder can be replaced as one unit); choose a new "
                                 "folder.")
    return path


def _refuse_taken(path: Path, given: object, names: list[str]) -> None:
    """--force never overwrites a file the tool did not write."""
    if not path.is_dir():
        return
    ours = _written_by_us(path) or set()
    taken = [n for n in names if os.path.lexists(path / n) and n not in ours]
    if taken:
        shown = ", ".join(taken[:3]) + (f" and {len(taken) - 3} more" if len(taken) > 3
                                        else "")
        raise ParameterError(f"`--out` {given} already holds {shown}, which this tool did not "
                             "write (or which was changed since); --force never overwrites "
                             "such a file: move it or choose a new folder.")


def _new_folder(parent: Path, stem: str) -> tuple[Path, int]:
    """A new hidden staging folder and a descriptor holding an exclusive ``flock`` on it
    for as long as this run writes there (released by the kernel if the run is killed)."""
    while True:
        candidate = parent / f".{stem}.partial-{secrets.token_hex(4)}"
        try:
            os.mkdir(candidate)  # mode 0o777 minus the umask, like any folder the user makes
        except FileExistsError:
            continue
        fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pass  # cannot lock here, so clear_dead_staging cannot lock it either
        return candidate, fd


_STAGING = re.compile(r"\.(?P<stem>.+)\.partial-[0-9a-f]{8}")


def clear_dead_staging(path: Path) -> None:
    """Remove the staging folders a killed run left beside ``path`` (a SIGKILL skips the
    clean-up): hidden ``.NAME.partial-*`` folders that no live run holds locked, emptied of
    what is known to be this tool's (report files, the marker) or a second link of a file
    that is also in ``path``; anything else is left where it is, with its folder."""
    if fcntl is None:
        return
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    try:
        kept = {os.lstat(path / n).st_ino for n in os.listdir(path)} if path.is_dir() else set()
    except OSError:
        return
    for name in names:
        match = _STAGING.fullmatch(name)
        folder = path.parent / name
        if match is None or match["stem"] != path.name or folder.is_symlink() or \
                not folder.is_dir():
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a run is writing there now
            for entry in os.listdir(folder):
                info = os.lstat(folder / entry)
                if not stat.S_ISREG(info.st_mode):
                    continue
                if entry == MARKER or _tool_name(entry) or (info.st_nlink > 1 and
                                                              info.st_ino in kept):
                    os.unlink(folder / entry)
            os.rmdir(folder)
        except OSError:
            pass
        finally:
            os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, path: Path) -> Path:
    """Put ``staging`` at ``path`` and return where the old folder now is."""
    if _exchange(staging, path):
        return staging
    old = path.with_name(f".{path.name}.old-{secrets.token_hex(4)}")
    os.rename(path, old)
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(old, path)
        raise
    return old


def _write(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_files(files: dict[str, bytes], out_dir: str | Path, *, force: bool = False) -> Path:
    """Write ``files`` (name -> bytes) and the marker as one report folder (module docstring)."""
    path = check_out_dir(out_dir, force=force)
    names = sorted(files)
    bad = [n for n in names if not _safe_name(n)]
    if bad:
        raise ParameterError(f"report file names must be plain names; got {bad[0]!r}.")
    _refuse_taken(path, out_dir, names)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clear_dead_staging(path)
        staging, lock = _new_folder(path.parent, path.name)
    except OSError as error:
        raise ParameterError(f"`--out` {out_dir} cannot be created "
                             f"({error.strerror or error}).") from None
    swapped = False
    try:
        identities = {}
        for name, data in files.items():
            _write(staging / name, data)
            identities[name] = _identity(staging / name)  # kept by the folder's rename
        _write(staging / MARKER, (json.dumps(
            {"written_by": "causal report", "files": names, "sha256": digests,
             "identity": identities}, indent=2) + "\n").encode("utf-8"))
        if not path.exists():
            os.rename(staging, path)
            return path
        ours = (_written_by_us(path) or set()) | {MARKER}
        kept = {}
        for name in sorted(set(os.listdir(path)) - ours):
            # a file of the user's (--force): the same inode, in the new folder too
            os.link(path / name, staging / name, follow_symlinks=False)
            kept[name] = os.lstat(path / name).st_ino
        os.chmod(staging, stat.S_IMODE(os.stat(path).st_mode))
        old = _swap(staging, path)
        swapped = True  # from here on, staging (or old) holds the earlier folder
        _clear_old(old, path, ours, kept)
        return path
    finally:
        if not swapped and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)


def _clear_old(old: Path, path: Path, ours: set[str], kept: dict[str, int]) -> None:
    """Delete the replaced folder: the earlier report's files and the second links of the
    user's files; a file the user made there meanwhile is moved into the new folder (or, if
    its name is taken, the old folder is left in place with it). The new report is in place
    by now, so nothing here fails the run: what cannot be removed stays."""
    try:
        entries = os.listdir(old)
    except OSError:
        return
    for name in entries:
        entry = old / name
        try:
            info = os.lstat(entry)
            if stat.S_ISREG(info.st_mode) and (name in ours or kept.get(name) == info.st_ino):
                entry.unlink()
            elif not os.path.lexists(path / name):
                os.rename(entry, path / name)
        except OSError:
            continue
    try:
        old.rmdir()
    except OSError:
        pass
