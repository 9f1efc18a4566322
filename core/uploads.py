"""Checking uploaded files: type by content (not by name), size, and images re-encoded (drops EXIF, e.g. GPS)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile

SIGNATURES = {b"%PDF": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


def checked_upload(
    upload: UploadedFile, *, allowed: tuple[str, ...] = ("pdf", "png", "jpg"), max_bytes: int = MAX_BYTES
) -> tuple[UploadedFile, str]:
    """Return the file to store (images re-encoded) and its type; raise ValidationError in Chinese otherwise."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件“{upload.name}”为{upload.size / 1024 / 1024:.1f}MB，超过{max_bytes // 1024 // 1024}MB的限制"
        )
    head = upload.read(8)
    upload.seek(0)
    kind = next((k for magic, k in SIGNATURES.items() if head.startswith(magic)), None)
    if kind is None or kind not in allowed:
        names = {"pdf": "PDF", "png": "PNG", "jpg": "JPEG"}
        raise ValidationError(f"文件“{upload.name}”不是允许的类型（{'、'.join(names[a] for a in allowed)}）")
    if kind == "pdf":
        return upload, kind
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"图片“{upload.name}”像素过多")
            image.load()
            clean = image.convert("RGB") if kind == "jpg" else image.copy()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"图片“{upload.name}”已损坏，无法读取") from exc
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG" if kind == "jpg" else "PNG", quality=85, optimize=True)
    stem = upload.name.rsplit(".", 1)[0][:80]
    name = f"{stem}.{kind}"
    size = buffer.tell()
    buffer.seek(0)
    content_type = "image/jpeg" if kind == "jpg" else "image/png"
    return InMemoryUploadedFile(buffer, "file", name, content_type, size, None), kind
