"""A normal 403 writes one warning line to the server log, not a traceback; real errors keep theirs."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.urls import reverse

from core.logging import QuietPermissionDenied

pytestmark = pytest.mark.django_db


def _console() -> logging.StreamHandler:
    return next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, QuietPermissionDenied) for f in h.filters)
    )


def test_a_403_logs_one_line_without_traceback(client_for: Any) -> None:
    from catalogue.models import Program

    handler = _console()
    out = io.StringIO()
    old = handler.setStream(out)
    try:
        program = Program.objects.get(year=2021)
        response = client_for("town_shitai").post(reverse("funding:fiscal_year", args=[program.pk]), {})
    finally:
        handler.setStream(old)
    assert response.status_code == 403
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1 and "Forbidden" in lines[0] and "Traceback" not in out.getvalue()


def test_other_errors_keep_their_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", None, sys.exc_info())
    assert QuietPermissionDenied().filter(record) and record.exc_info is not None
