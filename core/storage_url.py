"""Where uploaded files live, from one setting (``MINSHENG_STORAGE``). No Django imports: settings uses it.

- empty or ``file://`` (the default): the file system under ``MEDIA_ROOT`` (var/media), files 0600 in 0700
  folders (core.files' rule, kept by FILE_UPLOAD_PERMISSIONS);
- ``file:///srv/minsheng/media``: the file system under that folder;
- ``s3://BUCKET?endpoint=https://s3.example.gov.cn&region=cn-north-1&prefix=minsheng&addressing=path``: an
  S3-compatible object store (AWS S3, MinIO, Ceph RGW, a cloud's OSS/COS in S3 mode) through django-storages.
  The keys come from the usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` environment variables (or
  the machine's role), never from the URL. Objects are private (no ACL is set: the bucket's own policy, which
  must not be public, decides) and every download still goes through core.downloads under core.policy: the
  application reads the object and sends it; no bucket URL is ever given to a browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


class StorageURLError(ValueError):
    pass


def default_storage_from_url(value: str, media_root: Path) -> tuple[dict[str, Any], Path]:
    """The STORAGES["default"] entry for ``value`` (see the module's docstring) and MEDIA_ROOT. The file system
    storage takes its folder from MEDIA_ROOT (not an option), so that tests overriding MEDIA_ROOT move it."""
    value = value.strip()
    if not value or value == "file://":
        return {"BACKEND": FILE_SYSTEM}, media_root
    parts = urlsplit(value)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "file":
        return {"BACKEND": FILE_SYSTEM}, Path(unquote(parts.path)) if parts.path else media_root
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageURLError("MINSHENG_STORAGE=s3://… needs a bucket name: s3://BUCKET?endpoint=…")
        unknown = set(query) - {"endpoint", "region", "prefix", "addressing", "verify"}
        if unknown:
            raise StorageURLError(f"MINSHENG_STORAGE: unknown option(s) {', '.join(sorted(unknown))}")
        options: dict[str, Any] = {
            "bucket_name": parts.netloc,
            "location": query.get("prefix", "").strip("/"),
            "default_acl": None,
            "querystring_auth": True,  # if a URL is ever made, it is signed and short-lived
            "querystring_expire": 300,
            "file_overwrite": False,  # a second upload of the same name gets a new name, as on the file system
            "object_parameters": {"CacheControl": "private, no-store"},
        }
        if endpoint := query.get("endpoint"):
            options["endpoint_url"] = endpoint
        if region := query.get("region"):
            options["region_name"] = region
        if addressing := query.get("addressing"):
            options["addressing_style"] = addressing
        if query.get("verify", "").lower() in {"0", "false", "no"}:
            options["verify"] = False
        return {"BACKEND": S3, "OPTIONS": options}, media_root
    raise StorageURLError(f"MINSHENG_STORAGE: unsupported scheme {parts.scheme!r} (file:// or s3://)")
