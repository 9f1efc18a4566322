"""A bulletin as .docx or PDF bytes (documents.render, the one GB/T 9704 renderer)."""

from __future__ import annotations

import io

from bulletins.document import bulletin_document
from bulletins.models import Bulletin


def bulletin_bytes(bulletin: Bulletin, fmt: str) -> bytes:
    from documents.render import render_docx, render_pdf

    buffer = io.BytesIO()
    (render_docx if fmt == "docx" else render_pdf)(bulletin_document(bulletin), buffer)
    return buffer.getvalue()
