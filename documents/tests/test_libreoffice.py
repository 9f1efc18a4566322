"""The .docx opens in LibreOffice and renders on the same grid: 22 lines on full pages, 28 characters on full lines."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from documents.official import CHARS, LINES, render_docx
from documents.tests.test_official import sample

pytestmark = pytest.mark.django_db
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice() -> str:
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail(
                "LibreOffice is missing: scripts/system-packages.sh --test installs libreoffice-writer-nogui"
            )
        pytest.skip(
            "SKIPPED: LibreOffice (soffice) is not installed (apt-get install libreoffice-writer-nogui)"
        )
    return SOFFICE


def test_docx_renders_on_the_grid_in_libreoffice(soffice: str, tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    render_docx(sample(40), str(source))
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages[1:-1], start=2):  # full pages
        rows = [r.replace(" ", "") for r in page.splitlines() if r.strip()]
        assert rows[-1] == f"—{number}—", rows[-1]
        body = rows[:-1]
        assert len(body) == LINES, f"page {number}: {len(body)} lines"
        full = [r for r in body if len(r) >= CHARS - 1]
        assert full and sum(len(r) == CHARS for r in full) >= len(full) * 0.8, full
