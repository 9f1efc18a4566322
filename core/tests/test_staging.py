"""core.staging: the one way an import holds its checked file between preview and confirm."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import override_settings

from core import staging

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var(tmp_path: Any) -> Any:
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def _request(user: Any, session: SessionStore | None = None) -> HttpRequest:
    request = HttpRequest()
    request.session = session if session is not None else SessionStore()
    request.user = user
    return request


def test_session_holds_only_the_token_and_the_file_is_private(office: Any, _var: Any) -> None:
    request = _request(office)
    token = staging.stage(request, purpose="p", data=b"x" * 5_000_000, name="a.xlsx")
    assert dict(request.session) == {"staging:p": token}
    stored = _var / "staging" / f"{token}.bin"
    assert stored.read_bytes() == b"x" * 5_000_000
    assert stored.stat().st_mode & 0o777 == 0o600
    found = staging.staged(request, purpose="p", token=token)
    assert found is not None and found.data == b"x" * 5_000_000 and found.name == "a.xlsx"


def test_staged_file_is_bound_to_user_purpose_and_token(office: Any, dept_health: Any) -> None:
    request = _request(office)
    token = staging.stage(request, purpose="p", data=b"data")
    assert staging.staged(request, purpose="other") is None
    assert staging.staged(request, purpose="p", token="x" * 32) is None
    assert staging.staged(_request(dept_health, request.session), purpose="p") is None  # session taken over
    assert staging.staged(request, purpose="p", token=token) is not None


def test_new_upload_and_discard_remove_the_earlier_file(office: Any, _var: Any) -> None:
    request = _request(office)
    first = staging.stage(request, purpose="p", data=b"one")
    second = staging.stage(request, purpose="p", data=b"two")
    assert not (_var / "staging" / f"{first}.bin").exists()
    assert staging.staged(request, purpose="p", token=first) is None
    staging.discard(request, purpose="p")
    assert staging.staged(request, purpose="p", token=second) is None
    assert list((_var / "staging").iterdir()) == []


def test_staged_file_expires(office: Any, monkeypatch: Any) -> None:
    request = _request(office)
    staging.stage(request, purpose="p", data=b"data")
    later = time.time() + staging.STAGING_TTL.total_seconds() + 1
    monkeypatch.setattr(staging.time, "time", lambda: later)
    assert staging.staged(request, purpose="p") is None


def test_purge_deletes_only_old_files(office: Any, _var: Any) -> None:
    request = _request(office)
    old = staging.stage(request, purpose="old", data=b"old")
    fresh = staging.stage(request, purpose="fresh", data=b"fresh")
    hours_ago = time.time() - 3 * 3600
    for suffix in (".bin", ".json"):
        os.utime(_var / "staging" / f"{old}{suffix}", (hours_ago, hours_ago))
    assert staging.staging_purge(older_than=timedelta(hours=2)) == 1
    assert sorted(p.name for p in (_var / "staging").iterdir()) == [f"{fresh}.bin", f"{fresh}.json"]
    assert staging.staging_purge() == 0


def test_report_sheet_preview_keeps_no_file_in_the_session(client_for: Any, month: dict[str, Any]) -> None:
    """The reporting batch entry held the whole sheet base64-encoded in the session; now only a token."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    period = month["periods"][6]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    template = client.get(url + "?download=1").content
    client.post(url, {"action": "preview", "file": SimpleUploadedFile("报表.xlsx", template)})
    held = dict(client.session.items())
    key = f"staging:report-import-{period.pk}-{month['shitai'].pk}"
    assert key in held and len(held[key]) < 64
    assert all(len(str(v)) < 200 for v in held.values())
    assert (staging.staging_dir() / f"{held[key]}.bin").read_bytes() == template
