"""Logging filters of the project (configured in settings.LOGGING)."""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any

import pythonjsonlogger.json
from django.core.exceptions import PermissionDenied
from django.utils.functional import empty


class QuietPermissionDenied(logging.Filter):
    """A refused request (403 from PermissionDenied) is normal: keep its one warning line
    ("Forbidden (Permission denied): /path/"), drop the traceback Django attaches. Other records pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and isinstance(info[1], PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True


# --- One JSON line per event, with the request's user and unit (deploy) -------------------------------------

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("minsheng_request", default=None)
_unit_names: dict[int, str] = {}
request_logger = logging.getLogger("minsheng.request")


def _unit_name(user: Any, org_id: int | None) -> str:
    """The unit's name, kept per process (names rarely change; a log line must not cost a query each time).
    Read through the user's own membership (core imports no domain app)."""
    if not org_id:
        return ""
    if org_id not in _unit_names:
        if len(_unit_names) > 10_000:
            _unit_names.clear()
        organisation = getattr(getattr(user, "membership", None), "organisation", None)
        _unit_names[org_id] = (
            str(getattr(organisation, "name", "")) if getattr(organisation, "pk", None) == org_id else ""
        )
    return _unit_names[org_id]


def request_fields(request: Any) -> dict[str, Any]:
    """Who made ``request``: user name and id, role, unit id and name, client address. The user is read only
    if authentication has already loaded it (a log line never causes the session to be read)."""
    if request is None:
        return {}
    request = getattr(request, "_request", request)
    fields: dict[str, Any] = {"method": request.method, "path": request.path}
    try:
        from core.security import client_ip

        fields["ip"] = client_ip(request)
    except Exception:  # noqa: BLE001 - a log line never fails the request
        pass
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty:  # no user yet, or the lazy user not loaded yet
        return fields
    if getattr(user, "is_authenticated", False):
        from core.policy import actor_for

        actor = actor_for(user)
        fields.update(
            user=user.get_username(),
            user_id=user.pk,
            role=actor.role,
            unit_id=actor.org_id,
            unit=_unit_name(user, actor.org_id),
        )
    return fields


class RequestContext(logging.Filter):
    """Adds the current request's user and unit (request_fields) to every record logged while it is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get() or getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            try:
                fields = request_fields(request)
            except Exception:  # noqa: BLE001 - e.g. the database is down: log without the user
                fields = {}
            for key, value in fields.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """python-json-logger's formatter, readable Chinese (no \\u escapes), without the objects Django attaches."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for noise in ("request", "server_time", "taskName", "color_message"):
            log_data.pop(noise, None)


class RequestLogMiddleware:
    """Makes the request visible to RequestContext while it is served and logs one ``request`` event after it
    (method, path, status, duration; user and unit through the filter) on the ``minsheng.request`` logger."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            if request_logger.isEnabledFor(logging.INFO):
                request_logger.info(
                    "request",
                    extra={
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _request.reset(token)
