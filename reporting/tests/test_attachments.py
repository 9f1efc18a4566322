from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reporting import services

pytestmark = pytest.mark.django_db


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "示例相机"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_photos_are_re_encoded_and_bad_files_refused(
    month: dict[str, Any], town_shitai: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    raw = _jpeg_with_exif()
    assert Image.open(io.BytesIO(raw)).getexif()
    attachment = services.attachment_add(
        actor=town_shitai, report=report, upload=SimpleUploadedFile("现场.JPG", raw)
    )
    stored = attachment.file.read()
    assert stored.startswith(b"\xff\xd8\xff") and not Image.open(io.BytesIO(stored)).getexif()
    assert attachment.original_name == "现场.JPG"
    with pytest.raises(ValidationError, match="不是允许的类型"):
        services.attachment_add(
            actor=town_shitai, report=report, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil")
        )
    with pytest.raises(ValidationError, match="已损坏"):
        services.attachment_add(
            actor=town_shitai, report=report, upload=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken")
        )
    assert report.attachments.count() == 1


def test_upload_page_and_scoped_download(
    client_for: Any, month: dict[str, Any], town_shitai: Any, settings: Any, tmp_path: Any
) -> None:
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    url = reverse("reporting:report_detail", args=[report.pk])
    client = client_for("town_shitai")
    client.post(url, {"action": "attach", "files": [SimpleUploadedFile("a.jpg", _jpeg_with_exif())]})
    attachment = report.attachments.get()
    download = reverse("reporting:attachment_file", args=[report.pk, attachment.pk])
    assert client.get(download).status_code == 200
    assert client_for("town_duanyuan").get(download).status_code == 404
