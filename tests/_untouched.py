"""A snapshot of a folder tree, to check that a run touched no file outside the tool's own."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def snapshot(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Every entry under ``root`` (not following links): kind, bytes' SHA-256, mode, mtime.
    Entries whose relative path starts with one of ``skip`` (the tool's own output) are left
    out."""
    found: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if any(rel == s or rel.startswith(s + os.sep) for s in skip):
                continue
            info = os.lstat(path)
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(),
                              info.st_mode, info.st_mtime_ns)
            elif path.is_dir():
                found[rel] = ("dir", info.st_mode)
            else:
                found[rel] = ("other", info.st_mode)
    return found
