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
from django.http import FileResponse, Http404

from core.uploads import BY_CONTENT_TYPE, UNKNOWN_CONTENT_TYPE

IMAGE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
PDF_CSP = "default-src 'none'; object-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'"
ATTACHMENT_CSP = "sandbox; default-src 'none'"


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
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        response["Content-Security-Policy"] = ATTACHMENT_CSP
    elif kind.code == "pdf":
        response["Content-Security-Policy"] = PDF_CSP
    else:
        response["Content-Security-Policy"] = IMAGE_CSP
    response._csp_exempt = True  # type: ignore[attr-defined]  # a site-wide CSP middleware keeps this policy
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
