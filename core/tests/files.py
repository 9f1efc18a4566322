"""Sample files for upload tests, made here (nothing downloaded): real and hostile PDFs, images, Office files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


def pdf() -> bytes:
    """A real one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_open_action_js() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_document_js() -> bytes:
    """JavaScript in the document's /Names tree (runs when the file is opened)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = writer._add_object(
        DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_js_in_object_stream() -> bytes:
    """A PDF 1.5 file whose /OpenAction JavaScript action sits in a compressed object stream, with a
    cross-reference stream: the words /JavaScript and /JS never appear in the raw bytes."""
    action = b"<</S/JavaScript/JS(app.alert\\(1\\))>>"
    header = b"4 0 "
    objstm_data = zlib.compress(header + action)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def obj(num: int, body: bytes) -> None:
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    obj(1, b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>")
    obj(2, b"<</Type/Pages/Kids[3 0 R]/Count 1>>")
    obj(3, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>")
    obj(
        5,
        b"<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
        % (len(header), len(objstm_data))
        + objstm_data
        + b"\nendstream",
    )
    xref_at = out.tell()
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    for num in (1, 2, 3):
        rows.append(b"\x01" + struct.pack(">IH", offsets[num], 0))
    rows.append(b"\x02" + struct.pack(">IH", 5, 0))  # object 4: in object stream 5, index 0
    rows.append(b"\x01" + struct.pack(">IH", offsets[5], 0))
    rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
    data = b"".join(rows)
    out.write(
        b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Length %d>>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out.getvalue()


def evil_html() -> bytes:
    """HTML with a script that starts like a PDF (passed the old first-bytes check)."""
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def huge_png(width: int = 8000, height: int = 6000) -> bytes:
    """A complete, valid PNG with more pixels than allowed (bilevel, so it is small and quick to make)."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels (a decompression bomb needs no more than its header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def truncated_png() -> bytes:
    whole = png(400, 300)
    return whole[: len(whole) // 2]


def _ooxml(main_part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    """A real Word document (python-docx)."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("整改情况说明")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docm() -> bytes:
    """A macro-enabled Word document named like a .docx."""
    return _ooxml(
        "word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/vbaProject.bin": b"\x00" * 16},
    )


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a photo")
    return buffer.getvalue()
