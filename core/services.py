"""Writing the audit trail. Every service that changes data calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from core.models import AuditEvent

SYSTEM_LABEL = "系统"

_PLAIN = frozenset({str, int, float, bool})


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in _PLAIN:  # most of a snapshot: returned as is, without the checks below
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


#: Never copied into the audit trail.
SECRET_FIELDS = frozenset({"password"})


def model_snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ("version",)) -> dict[str, Any]:
    """Concrete fields plus many-to-many values (as sorted string lists) of a saved object; secrets left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    if obj.pk:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return data


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit row. ``actor`` None means the system (e.g. loading reference data)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.get_full_name() or user.get_username()) if user else SYSTEM_LABEL
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )


def audit_record_many(
    *,
    actor: Any | None,
    action: str,
    items: list[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str = "",
) -> list[AuditEvent]:
    """Append one audit row per (object, before, after) in a single INSERT — for bulk services (imports)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = ((user.get_full_name() or user.get_username()) if user else SYSTEM_LABEL)[:150]
    types: dict[type, ContentType] = {}
    rows = []
    for obj, before, after in items:
        model = obj._meta.concrete_model
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            AuditEvent(
                actor=user,
                actor_label=label,
                action=action,
                content_type=types[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                before=_jsonable(before) if before is not None else None,
                after=_jsonable(after) if after is not None else None,
                reason=reason,
            )
        )
    return AuditEvent.objects.bulk_create(rows)


class AuditBatch:
    """Audit rows collected during one service call and written in a single INSERT by :meth:`save` — for
    services that change many objects at once with different actions or reasons (e.g. the fill page: per report
    a create, an update and a state change). Each row keeps its own action, object, before/after and reason; the
    actor (who) is the batch's, the time (when) is the INSERT's, inside the caller's transaction.

    The rows are kept as plain values and written by one ``executemany`` of one INSERT statement, each value
    prepared by its model field for the database (as ``bulk_create`` does, without building an AuditEvent per
    row: a fill page's save writes about 70 rows)."""

    _COLUMNS = (
        "at",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "reason",
    )

    def __init__(self, *, actor: Any | None) -> None:
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.label = ((self.user.get_full_name() or self.user.get_username()) if self.user else SYSTEM_LABEL)[
            :150
        ]
        self.rows: list[tuple[str, int, str, str, Any, Any, str]] = []
        self._types: dict[type, int] = {}

    def add(
        self,
        *,
        action: str,
        obj: models.Model,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
    ) -> None:
        """Queue one audit row (same arguments as :func:`audit_record`, the object must be saved)."""
        model = obj._meta.concrete_model
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model).pk
        self.rows.append(
            (
                action,
                self._types[model],
                str(obj.pk),
                str(obj)[:300],
                _jsonable(before) if before is not None else None,
                _jsonable(after) if after is not None else None,
                reason,
            )
        )

    def save(self) -> int:
        """Write the queued rows (one INSERT statement; none when nothing was queued), empty the batch and
        say how many were written."""
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        when, who, label = timezone.now(), self.user.pk if self.user is not None else None, self.label
        rows_insert(AuditEvent, self._COLUMNS, [(when, who, label, *row) for row in rows])
        return len(rows)


def rows_insert(model: type[models.Model], names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """``bulk_create`` of plain rows (values of the fields ``names``, a foreign key by its id): one INSERT
    statement executed for each row (``executemany``), each value prepared by its field for the database as
    ``bulk_create`` does — without a model instance, ``pre_save`` and expression checks per row and field (the
    fill page's save writes about 300 values and 70 audit rows)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    prepare = [f.get_db_prep_save for f in fields]
    params = [[p(v, connection) for p, v in zip(prepare, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class ConflictError(Exception):
    """Somebody else saved the object since it was read: nothing was written."""

    def __init__(self, obj: models.Model) -> None:
        super().__init__(f"{obj} was changed by someone else")
        self.obj = obj


def versioned_save(obj: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write ``fields`` of ``obj`` only if its stored version is still ``expected_version``.

    Optimistic locking: the UPDATE carries ``WHERE version = expected``; zero rows means a concurrent
    edit, and the caller's transaction is rolled back by raising ConflictError.
    """
    model = type(obj)
    values = {f: getattr(obj, model._meta.get_field(f).attname) for f in fields}
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        **{model._meta.get_field(f).attname: v for f, v in values.items()}, version=expected_version + 1
    )
    if updated != 1:
        raise ConflictError(obj)
    obj.version = expected_version + 1
