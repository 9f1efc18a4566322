"""The one way a user's uploaded file is sent back (report attachments, supervision photos, letter scans, …).

The type served is the one checked from the content at upload (stored on the model), never the file name's;
``X-Content-Type-Options: nosniff`` stops the browser from guessing another. Images are shown inline inside a
CSP sandbox (no script, no plugin, no same-origin access); PDFs are shown inline too, but without ``sandbox``:
Chromium before its out-of-process PDF viewer — still the core of several browsers used in offices — refuses
to start the viewer in a sandboxed document ("This page has been blocked", crbug.com/413851), and Safari shows
a blank page. (Measured: Chromium 156 renders the PDF under both headers.) PDFs therefore get a CSP that allows
nothing but the viewer's own styles and images, ``nosniff`` keeps them from ever being read as HTML, and PDFs
with scripts are refused at upload (core.uploads.check_pdf). Everything else (Word/Excel, unrecognised old files) is
a download (``Content-Disposition: attachment``). File names are sent RFC 5987-encoded (``filename*=utf-8''…``)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

from core.uploads import BY_CONTENT_TYPE, UNKNOWN_CONTENT_TYPE

IMAGE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
PDF_CSP = "default-src 'none'; object-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'"
ATTACHMENT_CSP = "sandbox; default-src 'none'"


THUMBNAIL_PX = 320


def _protect(response: HttpResponse, csp: str) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = csp
    response._csp_exempt = True  # type: ignore[attr-defined]  # a site-wide CSP middleware keeps this policy
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def is_image(content_type: str) -> bool:
    """An upload whose checked type is a picture (a thumbnail can be made of it)."""
    kind = BY_CONTENT_TYPE.get(content_type)
    return bool(kind and kind.inline and kind.code != "pdf")


def thumbnail_response(file: FieldFile, *, content_type: str, size: int = THUMBNAIL_PX) -> HttpResponse:
    """A small JPEG of a stored image upload (at most ``size`` px on its longer side), with the same headers as
    the file itself; 404 for anything that is not an image or cannot be read."""
    import io

    from PIL import Image, UnidentifiedImageError

    if not file or not is_image(content_type):
        raise Http404
    try:
        with file.open("rb") as handle, Image.open(handle) as image:
            image.thumbnail((size, size))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except (FileNotFoundError, OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise Http404 from exc
    return _protect(HttpResponse(buffer.getvalue(), content_type="image/jpeg"), IMAGE_CSP)


def file_response(file: FieldFile, *, content_type: str, filename: str) -> FileResponse:
    """Serve a stored upload with its checked type; ``filename`` gets the checked kind's extension."""
    if not file:
        raise Http404
    kind = BY_CONTENT_TYPE.get(content_type)
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    name = f"{stem or '文件'}.{kind.extension}" if kind else filename or "文件"
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    inline = bool(kind and kind.inline)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=kind.content_type if kind else UNKNOWN_CONTENT_TYPE,
    )
    if not inline:
        csp = ATTACHMENT_CSP
    elif kind.code == "pdf":
        csp = PDF_CSP
    else:
        csp = IMAGE_CSP
    _protect(response, csp)
    return response


def download_response(data: bytes, *, filename: str) -> HttpResponse:
    """A file the system made (an Excel template, a PDF table, a Word letter) sent as a download named
    ``filename`` (RFC 5987); its type is that of the name's extension among the known kinds."""
    from urllib.parse import quote

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = next((k for k in BY_CONTENT_TYPE.values() if k.extension == extension), None)
    response = HttpResponse(data, content_type=kind.content_type if kind else UNKNOWN_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return _protect(response, ATTACHMENT_CSP)
