"""Checking uploaded files: the type comes from the content (never the name), only allowed kinds are stored.

- PDF: parsed with pypdf; refused when it cannot be parsed, is encrypted, or carries JavaScript or other active
  content (``/JS``, ``/JavaScript``, ``/Launch``, XFA forms, rich media), also inside compressed object streams.
- JPEG, PNG: opened with Pillow (decompression bombs and oversized images refused) and re-encoded (drops EXIF,
  e.g. GPS, and anything appended after the image data).
- Word .docx and Excel .xlsx (Office and WPS both write them): ZIP archives whose ``[Content_Types].xml`` names
  the main document part; macro-enabled variants and VBA projects refused. Always served as attachments.
  Legacy binary formats (.doc/.xls/.wps/.et) are not accepted: their macros cannot be checked here.

``checked_upload`` returns the file to store (named ``<stem>.<extension of the checked kind>``) and its ``Kind``;
the caller stores ``kind.content_type`` on the model, and downloads (core.downloads) serve that type."""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: An OOXML archive may not unpack to more than this (a ZIP bomb sent on to every reader).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
#: Objects walked in one PDF at most (a 10 MB file has far fewer; bounds the work on hostile files).
MAX_PDF_OBJECTS = 200_000


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str
    label: str
    inline: bool  # shown in the browser (under a sandbox CSP) rather than downloaded


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("pdf", "application/pdf", "pdf", "PDF", True),
        Kind("png", "image/png", "png", "PNG", True),
        Kind("jpg", "image/jpeg", "jpg", "JPEG", True),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "Word（.docx）",
            False,
        ),
        Kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Excel（.xlsx）",
            False,
        ),
    )
}
BY_CONTENT_TYPE: dict[str, Kind] = {k.content_type: k for k in KINDS.values()}
#: What is served for a stored file whose content could not be recognised (old rows): a download, never shown.
UNKNOWN_CONTENT_TYPE = "application/octet-stream"

IMAGES = ("jpg", "png")
DOCUMENTS = ("pdf", "png", "jpg")
OFFICE = ("pdf", "png", "jpg", "docx", "xlsx")

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_OOXML_MACRO = (
    "macroenabled",
    "vnd.ms-office.vbaproject",
    "vnd.ms-word.template",
    "vnd.ms-excel.template",
    "activex",
)
#: Dictionary keys and action types (``/S``) that run code or programs in a PDF reader.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/XFA", "/RichMedia", "/RichMediaContent"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}


def _names(allowed: tuple[str, ...]) -> str:
    return "、".join(KINDS[a].label for a in allowed)


def sniff(head: bytes) -> str | None:
    """The kind announced by the first bytes (checked further by ``checked_upload``)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def checked_upload(
    upload: UploadedFile, *, allowed: tuple[str, ...] = DOCUMENTS, max_bytes: int = MAX_BYTES
) -> tuple[UploadedFile, Kind]:
    """Return the file to store (images re-encoded, named by the checked kind) and its kind.

    Raises ValidationError with a Chinese message naming the file otherwise."""
    name = upload.name or "文件"
    if not upload.size:
        raise ValidationError(f"文件“{name}”是空文件")
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件“{name}”为{upload.size / 1024 / 1024:.1f}MB，超过{max_bytes // 1024 // 1024}MB的限制"
        )
    upload.seek(0)
    code = sniff(upload.read(8))
    upload.seek(0)
    if code == "zip" and ({"docx", "xlsx"} & set(allowed)):
        code = _ooxml_kind(upload, name)
    if code is None or code == "zip" or code not in allowed:
        raise ValidationError(f"文件“{name}”的内容不是允许的类型（{_names(allowed)}）")
    kind = KINDS[code]
    stem = name.rsplit(".", 1)[0][:80] or "文件"
    if code == "pdf":
        check_pdf(upload, name)
        upload.seek(0)
        return _named(upload.read(), f"{stem}.pdf", kind), kind
    if code in IMAGES:
        return _named(_reencoded_image(upload, name, code), f"{stem}.{kind.extension}", kind), kind
    upload.seek(0)
    return _named(upload.read(), f"{stem}.{kind.extension}", kind), kind


def _named(data: bytes, name: str, kind: Kind) -> InMemoryUploadedFile:
    return InMemoryUploadedFile(io.BytesIO(data), "file", name, kind.content_type, len(data), None)


def _reencoded_image(upload: IO[bytes], name: str, code: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    fmt = "JPEG" if code == "jpg" else "PNG"
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both are refused here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[fmt]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels(name, image.width, image.height)
                image.load()
                clean = image.convert("RGB") if code == "jpg" else image.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            f"图片“{name}”像素过多（超过{MAX_PIXELS // 10000}万像素），请缩小后再上传"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"图片“{name}”已损坏或不完整，无法读取") from exc
    buffer = io.BytesIO()
    # PNG's optimize pass takes seconds on a phone-sized screenshot; zlib's default level is enough
    clean.save(buffer, format=fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def _too_many_pixels(name: str, width: int, height: int) -> ValidationError:
    return ValidationError(
        f"图片“{name}”为{width}×{height}像素，超过{MAX_PIXELS // 10000}万像素的限制，请缩小后再上传"
    )


def _ooxml_kind(upload: IO[bytes], name: str) -> str | None:
    """docx/xlsx by the archive's [Content_Types].xml; None when it is another ZIP."""
    broken = ValidationError(f"文件“{name}”已损坏，无法读取")
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
                raise ValidationError(f"文件“{name}”解压后过大，无法接收")
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > 1024 * 1024:
                raise broken
            root = ElementTree.fromstring(archive.read(info))
            names = {e.filename.lower() for e in entries}
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise broken from exc
    types = [(el.get("PartName") or "", (el.get("ContentType") or "").lower()) for el in root]
    if any(m in ct for _, ct in types for m in _OOXML_MACRO) or any("vbaproject" in n for n in names):
        raise ValidationError(f"文件“{name}”含有宏或控件，不能上传；请另存为不含宏的文档或PDF")
    found = {_OOXML_MAIN[ct] for part, ct in types if ct in _OOXML_MAIN and part.lstrip("/").lower() in names}
    return found.pop() if len(found) == 1 else None


def check_pdf(stream: IO[bytes], name: str) -> None:
    """Refuse a PDF that does not parse, is encrypted, has no page, or carries scripts or other active content.

    Every object reachable from the trailer is walked (pypdf decompresses object streams and resolves
    references, names with #xx escapes are decoded), so hidden JavaScript is found wherever it is."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    unreadable = ValidationError(f"PDF文件“{name}”无法解析（文件已损坏或不是真正的PDF），不能上传")
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise ValidationError(f"PDF文件“{name}”已加密，无法检查，请去掉密码后再上传")
            if len(reader.pages) < 1:
                raise unreadable
            stack: list[Any] = [reader.trailer]
            seen: set[tuple[int, int]] = set()
            walked = 0
            while stack:
                item = stack.pop()
                if isinstance(item, IndirectObject):
                    ref = (item.idnum, item.generation)
                    if ref in seen:
                        continue
                    seen.add(ref)
                    item = item.get_object()
                walked += 1
                if walked > MAX_PDF_OBJECTS:
                    raise unreadable
                if isinstance(item, DictionaryObject):
                    keys = {str(k) for k in item}
                    if keys & _PDF_ACTIVE_KEYS or str(item.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
                        raise ValidationError(
                            f"PDF文件“{name}”含有脚本或自动执行的内容（JavaScript、启动程序等），不能上传；"
                            "请用“打印为PDF”另存后再上传"
                        )
                    stack.extend(v for k, v in item.items() if k != "/Parent")
                elif isinstance(item, ArrayObject):
                    stack.extend(item)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds of errors on hostile files
        raise unreadable from exc


def stored_content_type(stream: IO[bytes], *, allowed: tuple[str, ...] = OFFICE) -> str:
    """The checked content type of an already stored file (data migrations), or UNKNOWN_CONTENT_TYPE.

    Runs the same checks as an upload, so an old file that would be refused today is served only as a download."""
    try:
        stream.seek(0)
        data = stream.read(MAX_BYTES + 1)
    except OSError:
        return UNKNOWN_CONTENT_TYPE
    upload = InMemoryUploadedFile(io.BytesIO(data), "file", "file", None, len(data), None)
    try:
        _, kind = checked_upload(upload, allowed=allowed, max_bytes=MAX_BYTES)
    except ValidationError:
        return UNKNOWN_CONTENT_TYPE
    return kind.content_type
