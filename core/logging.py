"""Logging filters of the project (configured in settings.LOGGING)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class QuietPermissionDenied(logging.Filter):
    """A refused request (403 from PermissionDenied) is normal: keep its one warning line
    ("Forbidden (Permission denied): /path/"), drop the traceback Django attaches. Other records pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and isinstance(info[1], PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
