"""Uploads held between preview and confirm — the one way every import does it.

An import page checks the uploaded file and shows a preview; the user confirms on a second request. Between the
two the *checked file itself* waits on the server, owner-only under ``var/staging/`` (``core.files.write_private``),
named by a random token; the session holds only that token (a few bytes, not megabytes of base64). The token is
bound to the user who uploaded and to the purpose (which import, which program/unit), and expires after
``STAGING_TTL`` (a session ends after 30 idle minutes; a staged file is no use after that).

Why the file and not the checked rows: every confirm step checks the file again against the data as it is then
(inside the import's transaction), so the file is the one thing each import needs; rows would need one
serialisation per import, and would be trusted without that second check.

``stage()`` keeps a file, ``staged()`` finds it again (None when missing, expired, for another user or another
purpose), ``discard()`` removes it (after confirm, on errors, on a new upload). ``staging_purge()`` deletes the
files of abandoned previews; it is meant to be run on a schedule (e.g. hourly).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.files import write_private

#: How long a staged file may wait for its confirmation.
STAGING_TTL = timedelta(hours=2)
_SESSION_PREFIX = "staging:"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Staged:
    token: str
    data: bytes
    name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def staging_dir() -> Path:
    return Path(settings.VAR_DIR) / "staging"


def _paths(token: str) -> tuple[Path, Path]:
    folder = staging_dir()
    return folder / f"{token}.bin", folder / f"{token}.json"


def _remove(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


def stage(
    request: HttpRequest, *, purpose: str, data: bytes, name: str = "", meta: dict[str, Any] | None = None
) -> str:
    """Keep ``data`` for the user's confirmation of ``purpose`` (replacing an earlier one); returns the token.
    Expired files of anybody's abandoned previews are deleted on the way (a scheduled ``staging_purge`` does the
    same when nobody uploads)."""
    discard(request, purpose=purpose)
    staging_purge()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    write_private(data_path, data)
    record = {
        "user": request.user.pk,
        "purpose": purpose,
        "name": name,
        "meta": meta or {},
        "created": time.time(),
    }
    write_private(meta_path, json.dumps(record, ensure_ascii=False))
    request.session[_SESSION_PREFIX + purpose] = token
    return token


def staged(request: HttpRequest, *, purpose: str, token: str | None = None) -> Staged | None:
    """The file staged for ``purpose`` by this user in this session, or None (never staged, confirmed or
    discarded, expired, or ``token`` — when given, as posted by the confirm form — is not the current one)."""
    current = request.session.get(_SESSION_PREFIX + purpose) or ""
    if not isinstance(current, str) or not _TOKEN.match(current) or (token is not None and token != current):
        return None
    data_path, meta_path = _paths(current)
    try:
        record = json.loads(meta_path.read_text(encoding="utf-8"))
        expired = time.time() - float(record["created"]) > STAGING_TTL.total_seconds()
        if expired or record.get("user") != request.user.pk or record.get("purpose") != purpose:
            return None
        data = data_path.read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Staged(token=current, data=data, name=record.get("name", ""), meta=record.get("meta") or {})


def discard(request: HttpRequest, *, purpose: str) -> None:
    """Forget the file staged for ``purpose`` (session entry and file)."""
    token = request.session.pop(_SESSION_PREFIX + purpose, None)
    if isinstance(token, str):
        _remove(token)


def staging_purge(*, older_than: timedelta = STAGING_TTL) -> int:
    """Delete staged files older than ``older_than`` (abandoned previews); returns how many were deleted.
    Safe to run at any time, e.g. hourly from the scheduled jobs."""
    folder = staging_dir()
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if path.suffix not in (".bin", ".json") or not _TOKEN.match(path.stem):
            continue
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += path.suffix == ".bin"
        except OSError:
            continue
    return removed
