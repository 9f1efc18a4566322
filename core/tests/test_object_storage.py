"""Uploaded files through Django's storage API: the file system (default) and an S3-compatible object store (a
real moto server on a loopback port), each with a download through the policy."""

from __future__ import annotations

import io
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.storage_url import FILE_SYSTEM, S3, StorageURLError, default_storage_from_url
from reporting import services

BUCKET = "minsheng-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: Any) -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 with one private bucket, for the module."""
    pytest.importorskip("moto.server")
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"moto server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    entry, _ = default_storage_from_url(
        f"s3://{BUCKET}?endpoint={s3_endpoint}&region=us-east-1&prefix=media&addressing=path", Path("/unused")
    )
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    return client


def test_storage_url_parsing() -> None:
    root = Path("/srv/var/media")
    assert default_storage_from_url("", root) == ({"BACKEND": FILE_SYSTEM}, root)
    assert default_storage_from_url("file:///data/media", root) == (
        {"BACKEND": FILE_SYSTEM},
        Path("/data/media"),
    )
    entry, _ = default_storage_from_url(
        "s3://files?endpoint=https://oss.example&region=cn-1&prefix=/ms/", root
    )
    assert entry["BACKEND"] == S3
    assert entry["OPTIONS"]["bucket_name"] == "files"
    assert entry["OPTIONS"]["endpoint_url"] == "https://oss.example"
    assert entry["OPTIONS"]["location"] == "ms" and entry["OPTIONS"]["default_acl"] is None
    for bad in ("s3://?endpoint=x", "s3://b?secret=x", "ftp://host/x"):
        with pytest.raises(StorageURLError):
            default_storage_from_url(bad, root)


@pytest.mark.django_db
def test_file_system_round_trip_is_private(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("reports/2026/12/a.png", ContentFile(b"x" * 10))
    path = Path(settings.MEDIA_ROOT) / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with default_storage.open(name) as handle:
        assert handle.read() == b"x" * 10
    default_storage.delete(name)
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_s3_round_trip_is_private(s3_storage: Any) -> None:
    assert default_storage.__class__.__module__.startswith("storages.")
    name = default_storage.save("reports/2026/12/a.png", ContentFile(b"y" * 10))
    key = f"media/{name}"
    assert s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"y" * 10
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all(g["Grantee"].get("URI") is None for g in grants)  # no AllUsers / AuthenticatedUsers grant
    second = default_storage.save("reports/2026/12/a.png", ContentFile(b"z"))
    assert second != name  # never overwritten
    with default_storage.open(name) as handle:
        assert handle.read() == b"y" * 10
    default_storage.delete(name)
    default_storage.delete(second)
    assert not default_storage.exists(name)


def _attachment_round_trip(client_for: Any, month: dict[str, Any], town_shitai: Any) -> tuple[Any, bytes]:
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    attachment = services.attachment_add(
        actor=town_shitai, report=report, upload=SimpleUploadedFile("现场.png", _png())
    )
    url = reverse("reporting:attachment_file", args=[report.pk, attachment.pk])
    response = client_for("town_shitai").get(url)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "image/png"
    body = b"".join(response.streaming_content)
    with attachment.file.open("rb") as handle:
        assert body == handle.read()
    assert client_for("town_duanyuan").get(url).status_code == 404
    assert client_for("anon").get(url).status_code in (302, 403, 404)
    return attachment, body


@pytest.mark.django_db
def test_attachment_on_file_system_downloads_through_policy(
    client_for: Any, month: dict[str, Any], town_shitai: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    attachment, body = _attachment_round_trip(client_for, month, town_shitai)
    assert (tmp_path / attachment.file.name).read_bytes() == body


@pytest.mark.django_db
def test_attachment_on_s3_downloads_through_policy(
    client_for: Any, month: dict[str, Any], town_shitai: Any, s3_storage: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # must stay empty: the file lives in the bucket
    attachment, body = _attachment_round_trip(client_for, month, town_shitai)
    stored = s3_storage.get_object(Bucket=BUCKET, Key=f"media/{attachment.file.name}")["Body"].read()
    assert stored == body
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    assert os.listdir(tmp_path) == []
