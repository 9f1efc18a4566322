"""Owner-only files under var/ (database, secret key, passwords, uploads, backups): other local users of the
server must not read them. No Django imports: settings uses this before Django is set up."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) owner-only; tighten it and the files and folders directly inside it
    (an install made before this rule had them world-readable)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if path.resolve() == Path("/") or path.stat().st_mode & stat.S_ISVTX:
        return path  # a shared folder such as /tmp given as var/: never lock others out of it
    for item in (path, *path.iterdir()):
        try:
            if item.is_symlink() or item.stat().st_uid != os.getuid():
                continue
            mode = PRIVATE_DIR if item.is_dir() else PRIVATE_FILE
            if item.stat().st_mode & 0o777 != mode:
                item.chmod(mode)
        except OSError:
            continue
    return path


def write_private(path: Path, data: str | bytes) -> Path:
    """Write a file only its owner can read (created 0600; an existing file is tightened before writing)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    finally:
        if fd >= 0:
            os.close(fd)
    return path
