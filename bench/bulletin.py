"""The monthly bulletin: its .docx and PDF (bulletins.exports.bulletin_bytes: the document built from the figure
snapshot, the 简报 版头, the ranking tables, rendered by documents.render) vs the plain renderer writing the same
text as plain paragraphs (no 版头, no tables); and the time to take the figures (bulletins.selectors.bulletin_figures,
a fixed number of queries). ``python -m bench.bulletin [scale]`` runs it alone against DATABASE_URL; bench/measure.py
includes it in ``make bench``. Prints one JSON object when run alone."""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from typing import Any


def bulletin_bench(*, period: Any, office: Any, repeat: int = 21) -> dict[str, Any]:
    from django.db import transaction

    from bench.measure import paired
    from bulletins.document import bulletin_document
    from bulletins.exports import bulletin_bytes
    from bulletins.selectors import bulletin_figures
    from bulletins.services import bulletin_generate
    from documents.model import Block, OfficialDocument
    from documents.render import render_docx, render_pdf, render_text

    result: dict[str, Any] = {}
    with transaction.atomic():
        bulletin = bulletin_generate(actor=office, period=period)
        document = bulletin_document(bulletin)
        lines = [line.strip("　 \t") for line in render_text(document).splitlines()]
        plain = OfficialDocument(
            issuer_mark="", title=document.title, blocks=[Block("para", line) for line in lines if line]
        )
        result["text_chars"] = sum(len(line) for line in lines)
        result["projects"] = len(bulletin.figures["projects"])
        for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):

            def ours(fmt: str = fmt) -> bytes:
                return bulletin_bytes(bulletin, fmt)

            def limit(render: Any = render) -> bytes:
                buffer = io.BytesIO()
                render(plain, buffer)
                return buffer.getvalue()

            ours_t, limit_t = paired(ours, limit, repeat)
            result[fmt] = {"ours": ours_t, "raw": limit_t, "ratio": ours_t / limit_t}
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            bulletin_figures(period=period, actor=office)
            times.append(time.perf_counter() - start)
        result["figures"] = {"ours": statistics.median(times)}
        transaction.set_rollback(True)
    return result


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    django.setup()
    from bench.measure import bench_office, ensure_data
    from catalogue.models import Program
    from reporting.models import Period

    scale = sys.argv[1] if len(sys.argv) > 1 else "county"
    ensure_data(scale)
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    period = Period.objects.get(program=program, month=12)
    print(json.dumps({"scale": scale, **bulletin_bench(period=period, office=bench_office())}))


if __name__ == "__main__":
    main()
