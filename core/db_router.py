"""Read-only pages read from a replica (a PostgreSQL streaming standby), everything else from the primary.

``MINSHENG_REPLICA_URL`` adds the database alias ``replica``; ``ReplicaReadsMiddleware`` marks a GET/HEAD request
to one of ``settings.MINSHENG_REPLICA_VIEWS`` (URL names, ``*`` allowed: dashboards, 进度表, ranking, exports, the
public portal) and, while its view runs, ``ReplicaRouter`` sends that request's reads there. Writes always go to
the primary (also for rows that were read from the replica), and so do ``select_for_update`` reads. Sessions,
accounts, memberships and organisations (what access is decided on), login throttling, tokens and background
tasks are always read from the primary: a replica lags a little; a revoked role must not linger there, and a user
who just logged in or queued a job must find it. Without the setting nothing changes.

In code (an export task, a report): ``with replica_reads(): …``.
"""

from __future__ import annotations

import contextvars
import fnmatch
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
#: App labels never read from the replica (read-your-own-writes matters for them).
PRIMARY_ONLY = ("sessions", "auth", "axes", "knox", "admin", "contenttypes", "orgs", "jobs", "django_tasks*")

_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("minsheng_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings  # settings.DATABASES, as the connection handler read it


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block go to the replica (when one is configured)."""
    token = _replica.set(True)
    try:
        yield
    finally:
        _replica.reset(token)


def _primary_only(app_label: str) -> bool:
    return any(fnmatch.fnmatchcase(app_label, pattern) for pattern in PRIMARY_ONLY)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _replica.get() and replica_configured() and not _primary_only(model._meta.app_label):
            return REPLICA
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        # Also for an object read from the replica (Django would otherwise write back where it was read).
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # the same data
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def is_replica_view(view_name: str) -> bool:
    return any(fnmatch.fnmatchcase(view_name, p) for p in getattr(settings, "MINSHENG_REPLICA_VIEWS", ()))


class ReplicaReadsMiddleware:
    """While the view of a GET/HEAD request to one of MINSHENG_REPLICA_VIEWS runs, reads go to the replica."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_replica_token", None)
            if token is not None:
                _replica.reset(token)

    def process_view(self, request: Any, view: Any, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and replica_configured()
            and match is not None
            and is_replica_view(match.view_name)
        ):
            request._replica_token = _replica.set(True)
